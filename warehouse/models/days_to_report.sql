-- The days the latest completed runs wrote (each should have its report files): a run killed
-- between its swap and its publishing leaves its days without them. Only the latest runs, so
-- a warehouse whose old reports were deleted on purpose does not rebuild them all on every run.
with latest as (
    select day_from, day_to
    from runs
    where status = 'completed'
    order by finished_at desc
    limit $runs
),

days as (
    select distinct cast(unnest(generate_series(day_from, day_to, interval 1 day)) as date) as day
    from latest
)

select day
from days
order by day desc
limit $limit
