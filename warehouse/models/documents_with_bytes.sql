-- The documents already archived with any of the bytes $doc_ids: where each was loaded from
-- (a file with the same bytes under another path is a duplicate of it).
with same_bytes as (
    select
        doc_id,
        file_name,
        source_path,
        arrival_day
    from documents
    where doc_id in (select unnest($doc_ids::varchar[]))
)

select
    doc_id,
    file_name,
    source_path,
    arrival_day
from same_bytes
