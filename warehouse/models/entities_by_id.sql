-- The entities whose ids are in $entity_ids (a list): canonical name and type.
with wanted as (
    select distinct unnest($entity_ids) as entity_id
)

select e.entity_id, e.canonical_name, e.type
from entities as e
inner join wanted as w on w.entity_id = e.entity_id
order by e.entity_id
