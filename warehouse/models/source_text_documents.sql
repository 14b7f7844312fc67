-- The day's sources' plain-text documents between $since and $day (for learning their
-- boilerplate lines), at most 500 per source, with what learning needs from each when stored
-- already (boilerplate_features of version $version; null columns: not stored yet). Sources are
-- compared by key: lowercase letters and digits only. One read of the window for all the
-- day's sources ($source_keys), not one per source.
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
        arrival_day,
        source_key
    from keyed
    where source_key in (select unnest($source_keys::varchar[]))
    qualify row_number() over (partition by source_key order by arrival_day, doc_id) <= 500
)

select
    c.source_key,
    c.doc_id,
    c.file_name,
    c.arrival_day,
    f.has_text,
    f.line_keys,
    f.shingles
from chosen as c
left join boilerplate_features as f on f.doc_id = c.doc_id and f.version = $version
order by c.source_key, c.arrival_day, c.doc_id
