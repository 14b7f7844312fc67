-- Quarantined items on $day by stage and expectation, with one example reason each.
with quarantined as (
    select stage, expectation, reason, item_id
    from quarantine
    where day = $day
)

select
    stage,
    expectation,
    count(distinct item_id) as items,
    min(reason) as example_reason
from quarantined
group by stage, expectation
order by items desc, stage, expectation
