-- The stored event mentions of days before $day that name participants, of the types $types (a
-- list), whose dates reach into $date_start .. $date_end: what a report naming nobody but a place
-- may take its participants from (transforms.events.place_participants). The window is the day's
-- placed reports' dates widened by a day each side, so every compatible report is in it.
select m.*
from event_mentions as m
where
    m.day < $day
    and m.participants <> '[]'
    and m.type in (select unnest($types::varchar[]))
    and m.date_end >= $date_start
    and m.date_start <= $date_end
order by m.mention_id
