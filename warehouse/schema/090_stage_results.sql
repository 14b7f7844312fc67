-- What a stage computed from an input that may be asked again (issue 10: backfills reuse what did
-- not change). One row per stage and input: the latest result, under the key of everything it was
-- computed from (the input, the stage's code and the installed libraries: warehouse/reuse.py).
-- A row whose key no longer matches is computed again and replaced; rows are derived data only.
create table if not exists stage_results (
    stage varchar not null,           -- 'extract' (per document), 'ner' (per text read by the model), 'dates'
    item_id varchar not null,         -- doc_id; sha256 of the text; sha256 of the reference day and text
    result_key varchar not null,      -- sha256 of the inputs and the code fingerprint
    result blob not null,             -- zlib-compressed JSON
    primary key (stage, item_id)
);
