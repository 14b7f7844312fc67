-- Articles of days before $day published since $since: the candidates a $day article may repeat.
with earlier as (
    select article_id, day, published_at, text, title, source, content_hash, canonical_url
    from articles
    where day < $day and published_at >= $since
)

select *
from earlier
order by article_id
