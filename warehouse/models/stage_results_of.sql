-- Stored results of stage $stage for the items $ids, with the key each was computed under
-- (warehouse/reuse.py compares it with the key of today's inputs and code).
select
    item_id,
    result_key,
    result
from stage_results
where
    stage = $stage
    and item_id in (select unnest($ids::varchar[]))
