-- Top $limit people on $day by mentions, one row per person (canonical entity), with the
-- number of distinct articles that mention them.
with day_mentions as (
    select
        m.entity_id,
        m.article_id
    from entity_mentions as m
    inner join articles as a on m.article_id = a.article_id
    where a.day = $day::date
),

people as (
    select
        e.entity_id,
        e.canonical_name as person,
        count(*) as mentions,
        count(distinct d.article_id) as articles
    from day_mentions as d
    inner join entities as e on d.entity_id = e.entity_id
    where e.type = 'PERSON'
    group by e.entity_id, e.canonical_name
)

select
    person,
    mentions,
    articles,
    entity_id
from people
order by mentions desc, articles desc, person, entity_id
limit $limit
