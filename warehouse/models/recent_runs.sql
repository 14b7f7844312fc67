-- The $limit newest completed runs, as the runs table records them.
with recent as (
    select run_id, flow, day_from, day_to, started_at, finished_at, status
    from runs
)

select *
from recent
order by started_at desc
limit $limit
