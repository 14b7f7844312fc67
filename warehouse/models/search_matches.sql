-- Articles that hold every term of $terms (the query's indexed words) and none of $excluded
-- (both lists of tokens; [] for none), within the day and source filters; best first, at most
-- $limit (null: all). Score: BM25 over title and text together, plus BM25 over the title alone,
-- so a headline match counts twice. Ties: newest, then article_id.
-- BM25 as DuckDB's fts extension's match_bm25 computes it, expression for expression (k 1.2,
-- b 0.75; its idf; length and document frequency over title and text even for the title
-- score), from the postings runs keep current: only the query terms' postings are read, and
-- no text (phrases are checked on the few candidates search_hits fetches).
with query_terms as (
    select distinct stem(unnest($terms::varchar[]), 'porter') as term
),

excluded_terms as (
    select distinct stem(unnest($excluded::varchar[]), 'porter') as term
),

collection as (
    select
        count(*) as num_docs,
        sum(terms) / count(terms) as avgdl
    from search_documents
),

-- Materialised: read once from the postings, used three times below.
postings as materialized (
    select
        p.article_id,
        p.term,
        p.tf::bigint as tf,
        p.title_tf::bigint as title_tf
    from search_postings as p
    where p.term in (select q.term from query_terms as q)
),

document_frequencies as (
    select
        term,
        count(*) as df
    from postings
    group by term
),

every_term as (
    select article_id
    from postings
    group by article_id
    having count(*) = (select count(*) from query_terms)
),

subscores as (
    select
        p.article_id,
        p.term,
        log((((c.num_docs - f.df) + 0.5) / (f.df + 0.5)) + 1)
        * ((p.tf * (1.2 + 1)) / (p.tf + (1.2 * ((1 - 0.75) + (0.75 * (d.terms::bigint / c.avgdl))))))
            as body_subscore,
        case when p.title_tf > 0 then
            log((((c.num_docs - f.df) + 0.5) / (f.df + 0.5)) + 1)
            * ((p.title_tf * (1.2 + 1))
                / (p.title_tf + (1.2 * ((1 - 0.75) + (0.75 * (d.terms::bigint / c.avgdl))))))
        end as title_subscore
    from postings as p
    inner join every_term as e on e.article_id = p.article_id
    inner join search_documents as d on d.article_id = p.article_id
    inner join document_frequencies as f on f.term = p.term
    cross join collection as c
),

scored as (
    select
        article_id,
        -- Summed in term order: articles with the same terms score the same to the last bit, so
        -- their order is the tie-break's, not the hash table's (the fts extension's can differ there).
        sum(body_subscore order by term) as body_score,
        sum(title_subscore order by term) as title_score
    from subscores
    group by article_id
),

excluded_articles as (
    select distinct p.article_id
    from search_postings as p
    where p.term in (select x.term from excluded_terms as x)
)

select
    s.article_id,
    s.body_score + coalesce(s.title_score, 0) as score
from scored as s
inner join articles as a on a.article_id = s.article_id
where
    ($day_from::date is null or a.day >= $day_from::date)
    and ($day_to::date is null or a.day <= $day_to::date)
    and ($source::varchar is null or lower(a.source) = lower($source::varchar))
    and s.article_id not in (select x.article_id from excluded_articles as x)
order by score desc, a.published_at desc, s.article_id
limit $limit
