-- Web fetching: one row per URL per day (flows.fetching.FetchResult), and what we know
-- about each URL between runs (flows.fetching.FetchState) for conditional GETs.
-- Timestamps are UTC. Loads are upserts on the declared keys, so a run can be repeated:
-- a re-run of a day replaces that day's row for each URL it fetches again.

create table if not exists fetches (
    run_id varchar not null,          -- the run that made the latest attempt of the day
    day date not null,                -- the run's day (arrival day of what it loaded)
    url varchar not null,
    canonical_url varchar not null,
    final_url varchar,                -- after redirects
    source varchar not null,
    expect varchar,                   -- feed | sitemap | page | any: what the URL was fetched as
    fetched_at timestamp not null,
    status integer,                   -- last HTTP status seen; null when nothing answered
    size_bytes bigint not null,       -- decompressed body as archived
    wire_bytes bigint not null,       -- as received
    duration_ms integer not null,
    content_type varchar,
    charset varchar,
    doc_id varchar,                   -- sha256 of the archived body; null when none
    error_kind varchar,               -- see flows.fetching.FetchErrorKind
    error_message varchar,
    attempts integer not null,
    not_modified boolean not null,    -- 304: nothing archived
    primary key (day, canonical_url)
);

create table if not exists fetch_state (
    canonical_url varchar primary key,
    url varchar not null,
    etag varchar,
    last_modified varchar,            -- the server's Last-Modified, sent back verbatim
    last_status integer,
    last_fetched timestamp,
    last_doc_id varchar,
    first_seen timestamp
);
