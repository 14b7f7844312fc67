-- Headline counts for $day and the day before.
with days as (
    select $day::date as day, 'today' as which
    union all
    select ($day - interval 1 day)::date, 'yesterday'
)

select
    d.which,
    (select count(*) from documents where arrival_day = d.day) as documents,
    (select count(*) from articles where day = d.day) as articles,
    (select count(distinct item_id) from quarantine where day = d.day) as quarantined,
    (select count(distinct source) from articles where day = d.day) as sources
from days as d
order by d.which
