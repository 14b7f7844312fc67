-- Size of the full-text index: the articles it holds.
with documents as (
    select count(*) as articles from search_documents
)

select articles
from documents
