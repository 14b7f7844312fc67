-- Index rows of the articles $ids (of days $day_from..$day_to), given their postings in the temporary table
-- search_batch_postings: the length BM25 uses is every indexed token of title and text (0 for
-- an article with none, which still counts in the collection, as in the fts extension).
with batch as (
    select
        article_id,
        day,
        content_hash
    from articles
    where
        day between $day_from::date and $day_to::date
        and article_id in (select unnest($ids::varchar[]))
),

lengths as (
    select
        article_id,
        sum(tf)::integer as terms
    from search_batch_postings
    group by article_id
)

select
    b.article_id,
    b.day,
    b.content_hash,
    coalesce(l.terms, 0) as terms
from batch as b
left join lengths as l on l.article_id = b.article_id
