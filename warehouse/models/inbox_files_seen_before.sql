-- Which of the inbox paths $source_paths delivered which of the bytes $doc_ids on a day other
-- than $day (then they are not loaded again): one look-up for a whole day's load.
with earlier as (
    select
        source_path,
        doc_id,
        day,
        outcome
    from inbox_files
    where
        source_path in (select unnest($source_paths::varchar[]))
        and doc_id in (select unnest($doc_ids::varchar[]))
        and day <> $day
)

select
    source_path,
    doc_id,
    day,
    outcome
from earlier
