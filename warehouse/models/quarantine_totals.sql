-- Quarantined items by stage and check: in all, on the latest day anything was quarantined, and when last.
with quarantined as (
    select stage, expectation, item_id, day
    from quarantine
),

latest as (
    select max(day) as last_day
    from quarantined
)

select
    stage,
    expectation,
    count(distinct item_id) as items,
    count(distinct item_id) filter (where day = (select last_day from latest)) as items_latest_day,
    max(day) as last_day
from quarantined
group by stage, expectation
order by items desc, stage, expectation
