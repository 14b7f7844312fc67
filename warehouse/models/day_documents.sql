-- Every document that arrived on $day, in key order.
with arrived as (
    select
        doc_id, file_name, source_path, origin, arrival_day, size_bytes, media_type, encoding,
        encoding_note, archive_path, source_hint, meta
    from documents
    where arrival_day = $day
)

select *
from arrived
order by doc_id
