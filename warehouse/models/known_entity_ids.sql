-- Which of $entity_ids (a list) the entities table holds: the events suite checks participants
-- against these, so the list it is given is the size of a day's participants, not of the registry.
with wanted as (
    select distinct unnest($entity_ids) as entity_id
)

select e.entity_id
from entities as e
inner join wanted as w on w.entity_id = e.entity_id
order by e.entity_id
