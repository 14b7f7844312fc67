-- Whether an inbox path delivered these bytes on a day other than $day (then it is not loaded again).
with earlier as (
    select day, outcome
    from inbox_files
    where source_path = $source_path and doc_id = $doc_id and day <> $day
)

select day, outcome
from earlier
