-- Articles that hold every term of $terms (the query's indexed words, space-separated) and none
-- of $excluded (space-separated; '' for none), within the day and source filters; best first,
-- at most $limit (null: all). Score: BM25 over title and text together, plus BM25 over the
-- title alone, so a headline match counts twice. Ties: newest, then article_id.
-- No text is read here: phrases are checked on the few candidates search_hits fetches.
with scored as (
    select
        a.article_id,
        a.published_at,
        fts_main_articles.match_bm25(a.article_id, $terms, conjunctive := 1) as body_score,
        fts_main_articles.match_bm25(a.article_id, $terms, fields := 'title') as title_score
    from articles as a
    where
        ($day_from::date is null or a.day >= $day_from::date)
        and ($day_to::date is null or a.day <= $day_to::date)
        and ($source::varchar is null or lower(a.source) = lower($source::varchar))
)

select
    s.article_id,
    s.body_score + coalesce(s.title_score, 0) as score
from scored as s
where
    s.body_score is not null
    and case
        when $excluded::varchar = '' then true
        else fts_main_articles.match_bm25(s.article_id, $excluded::varchar) is null
    end
order by score desc, s.published_at desc, s.article_id
limit $limit
