-- For each story that started or grew on $day (as in daily_stories): the entities mentioned in
-- its articles up to $day, with the number of those articles. The HTML report links entities
-- to their stories with it.
with touched as (
    select distinct story_id
    from story_articles
    where day = $day::date
),

members as (
    select
        sa.story_id,
        sa.article_id
    from story_articles as sa
    inner join touched as t on t.story_id = sa.story_id
    where sa.day <= $day::date
)

select
    m.story_id,
    em.entity_id,
    count(distinct m.article_id) as articles
from members as m
inner join entity_mentions as em on em.article_id = m.article_id
group by m.story_id, em.entity_id
order by m.story_id, articles desc, em.entity_id
