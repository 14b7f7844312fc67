-- A source's plain-text documents between $since and $day (for learning its boilerplate
-- lines); the source is compared by key: lowercase letters and digits only.
with keyed as (
    select
        doc_id,
        file_name,
        arrival_day,
        regexp_replace(lower(coalesce(meta ->> 'source', source_hint)), '[^a-z0-9]', '', 'g') as source_key
    from documents
    where media_type = 'text' and arrival_day between $since and $day
)

select doc_id, file_name
from keyed
where source_key = $source_key
order by arrival_day, doc_id
limit 500
