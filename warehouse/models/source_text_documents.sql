-- A source's plain-text documents between $since and $day (for learning its boilerplate
-- lines), with what learning needs from each when stored already (boilerplate_features of
-- version $version; null columns: not stored yet). The source is compared by key: lowercase
-- letters and digits only.
with keyed as (
    select
        doc_id,
        file_name,
        arrival_day,
        regexp_replace(lower(coalesce(meta ->> 'source', source_hint)), '[^a-z0-9]', '', 'g') as source_key
    from documents
    where media_type = 'text' and arrival_day between $since and $day
),

chosen as (
    select
        doc_id,
        file_name,
        arrival_day
    from keyed
    where source_key = $source_key
    order by arrival_day, doc_id
    limit 500
)

select
    c.doc_id,
    c.file_name,
    c.arrival_day,
    f.has_text,
    f.line_keys,
    f.shingles
from chosen as c
left join boilerplate_features as f on f.doc_id = c.doc_id and f.version = $version
order by c.arrival_day, c.doc_id
