-- The most recent days that completed runs wrote (a day's report files should exist for
-- each): a run killed between its swap and its publishing leaves one without them.
with completed as (
    select day_from, day_to
    from runs
    where status = 'completed'
),

days as (
    select distinct cast(unnest(generate_series(day_from, day_to, interval 1 day)) as date) as day
    from completed
)

select day
from days
order by day desc
limit $limit
