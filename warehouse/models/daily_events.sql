-- Events for the daily summary: what happened on $day or was first reported on $day
-- (section 'new'), and what is scheduled after $day (section 'upcoming'), as known on $day.
-- Participants are named only for the events shown, so the cost follows the day, not the history.
with sectioned as (
    select
        e.*,
        case
            when e.date_start > $day::date then 'upcoming'
            when e.event_date = $day::date or e.first_reported = $day::date then 'new'
        end as section
    from events as e
    where e.first_reported <= $day::date
),

shown as (
    select *
    from sectioned
    where section is not null
),

participant_names as (
    select
        ep.event_id,
        string_agg(coalesce(en.canonical_name, ep.entity_id), ', '
            order by coalesce(en.canonical_name, ep.entity_id)) as participants
    from event_participants as ep
    semi join shown as s on s.event_id = ep.event_id
    left join entities as en on en.entity_id = ep.entity_id
    group by ep.event_id
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
from shown as s
left join participant_names as p on p.event_id = s.event_id
order by s.section, s.date_start, s.type, s.event_id
