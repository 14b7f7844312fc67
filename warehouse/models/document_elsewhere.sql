-- The document already archived with these bytes under another path, if any.
with same_bytes as (
    select file_name, source_path, arrival_day
    from documents
    where doc_id = $doc_id and source_path <> $source_path
)

select file_name, source_path, arrival_day
from same_bytes
