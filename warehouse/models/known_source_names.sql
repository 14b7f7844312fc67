-- Source names stated by sidecars up to $day or by articles before it (stable for re-runs of $day).
with stated as (
    select meta ->> 'source' as name
    from documents
    where meta ->> 'source' is not null and arrival_day <= $day
),

extracted as (
    select source as name
    from articles
    where day < $day and source <> 'unknown'
)

select distinct name
from (select name from stated union select name from extracted)
where name is not null
order by name
