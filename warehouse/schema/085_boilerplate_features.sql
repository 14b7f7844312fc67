-- What boilerplate learning needs from each plain-text document (issue 10): stored once per
-- document, so a run reads a source's last 30 days from here instead of re-reading and
-- re-normalising their raw files (flows/daily.py _source_boilerplate). Rows older than the
-- learning window are dropped by the runs; one missing (dropped, or from an older `version`
-- of transforms.text_clean.boilerplate_features) is computed again from the archive.
create table if not exists boilerplate_features (
    doc_id varchar primary key,
    arrival_day date not null,
    version integer not null,         -- transforms.text_clean.BOILERPLATE_FEATURES_VERSION
    has_text boolean not null,        -- false: the document decoded to no text and is not learned from
    line_keys varchar[] not null,     -- match-keys of its lines of up to 200 characters
    shingles uinteger[] not null      -- crc32 of its word 5-shingles, distinct, ascending
);
