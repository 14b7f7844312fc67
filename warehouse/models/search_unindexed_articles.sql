-- Articles not in the search index yet, oldest day first (a run's new articles; after the
-- migration to postings, every article once).
with unindexed as (
    select
        a.article_id,
        a.day
    from articles as a
    anti join search_documents as d on d.article_id = a.article_id
)

select
    article_id,
    day
from unindexed
order by day, article_id
