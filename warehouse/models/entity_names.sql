-- Canonical names of the entities whose lowercased ids are in $entity_ids (a list).
with wanted as (
    select distinct unnest($entity_ids) as entity_id
)

select lower(e.entity_id) as entity_id, e.canonical_name
from entities as e
inner join wanted as w on w.entity_id = lower(e.entity_id)
order by entity_id
