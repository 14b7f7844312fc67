-- The stored event mentions of days before $day that name participants, of a type and with
-- dates reaching into a window of one of the day's reports that name only a place: $types,
-- $date_starts and $date_ends are lists, one item per such report. What those reports may take
-- their participants from (transforms.events.place_participants).
with wanted as (
    select
        unnest($types::varchar[]) as type,
        unnest($date_starts::date[]) as date_start,
        unnest($date_ends::date[]) as date_end
)

select distinct m.*
from event_mentions as m
inner join wanted as w on m.type = w.type and m.date_end >= w.date_start and m.date_start <= w.date_end
where m.day < $day and m.participants <> '[]'
order by m.mention_id
