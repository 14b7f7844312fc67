-- The articles of $day as the duplicates and stories stage reads them.
with arrived as (
    select article_id, day, published_at, text, title, source, content_hash, canonical_url
    from articles
    where day = $day
)

select *
from arrived
order by article_id
