-- Core tables: every run, every raw document, every article, every quarantined item.
-- Loads are delete-then-insert of the run's day window (or upserts on the declared key),
-- so re-running a day or a backfill gives the same rows.

create table if not exists runs (
    run_id varchar primary key,
    flow varchar not null,            -- daily | backfill | fetch
    day_from date not null,
    day_to date not null,
    started_at timestamp not null,
    finished_at timestamp,
    status varchar not null,          -- running | completed | failed
    params json,
    counts json
);

-- One row per raw input (inbox file or HTTP response), keyed by the sha256 of its bytes.
create table if not exists documents (
    doc_id varchar primary key,
    file_name varchar not null,
    source_path varchar not null,
    origin varchar not null,          -- inbox | web
    arrival_day date not null,
    size_bytes bigint not null,
    media_type varchar not null,      -- html | text | json | empty | binary | unknown
    encoding varchar,
    encoding_note varchar,
    archive_path varchar not null,
    source_hint varchar,              -- outlet guessed from the inbox layout when nothing names it
    meta json
);

-- Which inbox path delivered which bytes on which day: a file seen before is not loaded again.
create table if not exists inbox_files (
    source_path varchar not null,
    doc_id varchar not null,
    day date not null,
    outcome varchar not null,         -- loaded | duplicate
    primary key (source_path, doc_id)
);

create table if not exists articles (
    article_id varchar primary key,
    doc_id varchar not null,
    day date not null,
    title varchar,
    title_provenance varchar,
    text varchar not null,
    author varchar,
    url varchar,
    canonical_url varchar,
    source varchar not null,
    sitename varchar,
    description varchar,
    language varchar,
    published_at timestamp not null,
    published_date date not null,
    published_provenance varchar not null,
    dateline_place varchar,
    dateline_date date,
    word_count integer not null,
    content_hash varchar not null
);

create table if not exists quarantine (
    day date not null,
    stage varchar not null,
    item_id varchar not null,
    expectation varchar not null,
    doc_id varchar,
    reason varchar not null,
    details json,
    primary key (stage, item_id, expectation)
);
