-- Events for the daily summary: what happened on $day or was first reported on $day
-- (section 'new'), and what is scheduled after $day (section 'upcoming'), as known on $day.
with known_events as (
    select *
    from events
    where first_reported <= $day::date
),

participant_names as (
    select
        ep.event_id,
        string_agg(coalesce(en.canonical_name, ep.entity_id), ', '
            order by coalesce(en.canonical_name, ep.entity_id)) as participants
    from event_participants as ep
    left join entities as en on en.entity_id = ep.entity_id
    group by ep.event_id
),

sectioned as (
    select
        k.*,
        case
            when k.date_start > $day::date then 'upcoming'
            when k.event_date = $day::date or k.first_reported = $day::date then 'new'
        end as section
    from known_events as k
)

select
    s.section,
    s.event_id,
    s.type,
    s.label,
    p.participants,
    s.event_date,
    s.date_start,
    s.date_end,
    s.precision,
    s.place,
    s.first_reported,
    s.mention_count,
    s.article_count,
    s.modality,
    s.confidence
from sectioned as s
left join participant_names as p on p.event_id = s.event_id
where s.section is not null
order by s.section, s.date_start, s.type, s.event_id
