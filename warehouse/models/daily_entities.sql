-- Entities mentioned on $day or the day before: mentions and distinct articles on each day.
-- One row per entity; the summary ranks them (transforms/entity_summary.py).
with two_days as (
    select
        m.entity_id,
        m.article_id,
        a.day
    from entity_mentions as m
    inner join articles as a on m.article_id = a.article_id
    where a.day between ($day - interval 1 day)::date and $day::date
),

counts as (
    select
        entity_id,
        count(*) filter (where day = $day::date) as mentions,
        count(distinct article_id) filter (where day = $day::date) as articles,
        count(*) filter (where day < $day::date) as previous_mentions,
        count(distinct article_id) filter (where day < $day::date) as previous_articles
    from two_days
    group by entity_id
)

select
    e.entity_id,
    e.canonical_name,
    e.type,
    e.first_seen,
    c.mentions,
    c.articles,
    c.previous_mentions,
    c.previous_articles
from counts as c
inner join entities as e on c.entity_id = e.entity_id
order by c.articles desc, c.mentions desc, e.canonical_name, e.entity_id
