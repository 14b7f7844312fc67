-- For each event in the daily summary of $day (the sections of daily_events): its participants
-- and place as entities, and the stories whose articles report it (up to $day), with their
-- titles. The HTML report links events, entities and stories with it.
with shown_events as (
    select
        event_id,
        place_entity_id
    from events
    where
        first_reported <= $day::date
        and (date_start > $day::date or event_date = $day::date or first_reported = $day::date)
),

participants as (
    select
        ep.event_id,
        list({'entity_id': ep.entity_id, 'name': coalesce(en.canonical_name, ep.entity_id), 'role': ep.role}
            order by coalesce(en.canonical_name, ep.entity_id), ep.entity_id) as participants
    from event_participants as ep
    inner join shown_events as s on s.event_id = ep.event_id
    left join entities as en on en.entity_id = ep.entity_id
    group by ep.event_id
),

event_stories as (
    select distinct
        em.event_id,
        sa.story_id
    from event_mentions as em
    inner join shown_events as s on s.event_id = em.event_id
    inner join story_articles as sa on sa.article_id = em.article_id
    where em.day <= $day::date
),

stories as (
    select
        es.event_id,
        list({'story_id': es.story_id, 'title': st.title} order by es.story_id) as stories
    from event_stories as es
    left join stories as st on st.story_id = es.story_id
    group by es.event_id
)

select
    s.event_id,
    s.place_entity_id,
    coalesce(p.participants, []) as participants,
    coalesce(st.stories, []) as stories
from shown_events as s
left join participants as p on p.event_id = s.event_id
left join stories as st on st.event_id = s.event_id
order by s.event_id
