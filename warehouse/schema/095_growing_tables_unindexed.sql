-- Keys that cost a run time in proportion to the history: DuckDB (1.5) rewrites a table's whole
-- PRIMARY KEY index at every checkpoint that follows a change to the table (duckdb/duckdb#24848),
-- so a 100-article day on 100k articles spent ~6 s in commit + checkpoint, most of it rewriting
-- the indexes of tables it had added a few rows to (bench/bench_incremental.py). These tables
-- grow with every day; their keys stay what the comments in the earlier files say, kept by the
-- writers (delete-then-insert of the day's or the item's rows; flows/store.py, warehouse/reuse.py,
-- flows/web.py) and checked by the re-run and backfill tests, no longer by an index. The small
-- tables (runs, quarantine, entities, entity_aliases, fetch_state, search_stopwords) keep theirs.
-- Each table is rebuilt without its key, same columns, same order. Safe to re-apply: a table
-- that has no key any more is copied onto itself.

create or replace table documents__unkeyed (
    doc_id VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    source_path VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    arrival_day DATE NOT NULL,
    size_bytes BIGINT NOT NULL,
    media_type VARCHAR NOT NULL,
    "encoding" VARCHAR,
    encoding_note VARCHAR,
    archive_path VARCHAR NOT NULL,
    source_hint VARCHAR,
    meta JSON
);
insert into documents__unkeyed select * from documents;
drop table documents;
alter table documents__unkeyed rename to documents;

create or replace table inbox_files__unkeyed (
    source_path VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL,
    "day" DATE NOT NULL,
    outcome VARCHAR NOT NULL,
    name_bytes_hex VARCHAR
);
insert into inbox_files__unkeyed select * from inbox_files;
drop table inbox_files;
alter table inbox_files__unkeyed rename to inbox_files;

create or replace table articles__unkeyed (
    article_id VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL,
    "day" DATE NOT NULL,
    title VARCHAR,
    title_provenance VARCHAR,
    "text" VARCHAR NOT NULL,
    author VARCHAR,
    url VARCHAR,
    canonical_url VARCHAR,
    "source" VARCHAR NOT NULL,
    sitename VARCHAR,
    description VARCHAR,
    "language" VARCHAR,
    published_at TIMESTAMP NOT NULL,
    published_date DATE NOT NULL,
    published_provenance VARCHAR NOT NULL,
    dateline_place VARCHAR,
    dateline_date DATE,
    word_count INTEGER NOT NULL,
    content_hash VARCHAR NOT NULL
);
insert into articles__unkeyed select * from articles;
drop table articles;
alter table articles__unkeyed rename to articles;

create or replace table entity_mentions__unkeyed (
    article_id VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    surface VARCHAR NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    sentence_index INTEGER NOT NULL,
    in_headline BOOLEAN NOT NULL,
    in_lead BOOLEAN NOT NULL,
    "label" VARCHAR,
    how VARCHAR
);
insert into entity_mentions__unkeyed select * from entity_mentions;
drop table entity_mentions;
alter table entity_mentions__unkeyed rename to entity_mentions;

create or replace table article_duplicates__unkeyed (
    article_id VARCHAR NOT NULL,
    duplicate_of VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    "day" DATE NOT NULL
);
insert into article_duplicates__unkeyed select * from article_duplicates;
drop table article_duplicates;
alter table article_duplicates__unkeyed rename to article_duplicates;

create or replace table story_articles__unkeyed (
    article_id VARCHAR NOT NULL,
    story_id VARCHAR NOT NULL,
    "day" DATE NOT NULL,
    similarity DOUBLE NOT NULL
);
insert into story_articles__unkeyed select * from story_articles;
drop table story_articles;
alter table story_articles__unkeyed rename to story_articles;

create or replace table stories__unkeyed (
    story_id VARCHAR NOT NULL,
    title VARCHAR,
    first_seen TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL,
    article_count INTEGER NOT NULL,
    report_count INTEGER NOT NULL,
    source_count INTEGER NOT NULL,
    top_entities JSON
);
insert into stories__unkeyed select * from stories;
drop table stories;
alter table stories__unkeyed rename to stories;

create or replace table events__unkeyed (
    event_id VARCHAR NOT NULL,
    "type" VARCHAR NOT NULL,
    "label" VARCHAR NOT NULL,
    event_date DATE,
    date_start DATE NOT NULL,
    date_end DATE NOT NULL,
    "precision" VARCHAR NOT NULL,
    date_value VARCHAR NOT NULL,
    place VARCHAR,
    place_entity_id VARCHAR,
    first_reported DATE NOT NULL,
    last_reported DATE NOT NULL,
    mention_count INTEGER NOT NULL,
    article_count INTEGER NOT NULL,
    modality VARCHAR NOT NULL,
    confidence DOUBLE NOT NULL
);
insert into events__unkeyed select * from events;
drop table events;
alter table events__unkeyed rename to events;

create or replace table event_participants__unkeyed (
    event_id VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    "role" VARCHAR NOT NULL
);
insert into event_participants__unkeyed select * from event_participants;
drop table event_participants;
alter table event_participants__unkeyed rename to event_participants;

create or replace table event_mentions__unkeyed (
    mention_id VARCHAR NOT NULL,
    event_id VARCHAR,
    article_id VARCHAR NOT NULL,
    "day" DATE NOT NULL,
    "type" VARCHAR NOT NULL,
    "trigger" VARCHAR NOT NULL,
    block VARCHAR NOT NULL,
    participants JSON NOT NULL,
    place VARCHAR,
    place_entity_id VARCHAR,
    place_source VARCHAR,
    date_start DATE NOT NULL,
    date_end DATE NOT NULL,
    "precision" VARCHAR NOT NULL,
    date_value VARCHAR NOT NULL,
    date_text VARCHAR NOT NULL,
    date_source VARCHAR NOT NULL,
    reference_date DATE NOT NULL,
    reference_kind VARCHAR NOT NULL,
    sentence VARCHAR NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    modality VARCHAR NOT NULL,
    confidence DOUBLE NOT NULL
);
insert into event_mentions__unkeyed select * from event_mentions;
drop table event_mentions;
alter table event_mentions__unkeyed rename to event_mentions;

create or replace table search_documents__unkeyed (
    article_id VARCHAR NOT NULL,
    "day" DATE NOT NULL,
    content_hash VARCHAR NOT NULL,
    terms INTEGER NOT NULL
);
insert into search_documents__unkeyed select * from search_documents;
drop table search_documents;
alter table search_documents__unkeyed rename to search_documents;

create or replace table boilerplate_features__unkeyed (
    doc_id VARCHAR NOT NULL,
    arrival_day DATE NOT NULL,
    "version" INTEGER NOT NULL,
    has_text BOOLEAN NOT NULL,
    line_keys VARCHAR[] NOT NULL,
    shingles UINTEGER[] NOT NULL
);
insert into boilerplate_features__unkeyed select * from boilerplate_features;
drop table boilerplate_features;
alter table boilerplate_features__unkeyed rename to boilerplate_features;

create or replace table stage_results__unkeyed (
    stage VARCHAR NOT NULL,
    item_id VARCHAR NOT NULL,
    result_key VARCHAR NOT NULL,
    result BLOB NOT NULL
);
insert into stage_results__unkeyed select * from stage_results;
drop table stage_results;
alter table stage_results__unkeyed rename to stage_results;

create or replace table fetches__unkeyed (
    run_id VARCHAR NOT NULL,
    "day" DATE NOT NULL,
    url VARCHAR NOT NULL,
    canonical_url VARCHAR NOT NULL,
    final_url VARCHAR,
    "source" VARCHAR NOT NULL,
    expect VARCHAR,
    fetched_at TIMESTAMP NOT NULL,
    status INTEGER,
    size_bytes BIGINT NOT NULL,
    wire_bytes BIGINT NOT NULL,
    duration_ms INTEGER NOT NULL,
    content_type VARCHAR,
    charset VARCHAR,
    doc_id VARCHAR,
    error_kind VARCHAR,
    error_message VARCHAR,
    attempts INTEGER NOT NULL,
    not_modified BOOLEAN NOT NULL
);
insert into fetches__unkeyed select * from fetches;
drop table fetches;
alter table fetches__unkeyed rename to fetches;
