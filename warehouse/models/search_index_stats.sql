-- Size of the full-text index: articles indexed and distinct terms.
with stats as (
    select num_docs from fts_main_articles.stats
),

terms as (
    select count(*) as terms from fts_main_articles.dict
)

select
    coalesce((select num_docs from stats), 0) as articles,
    (select terms from terms) as terms
