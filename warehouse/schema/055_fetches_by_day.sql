-- 050_fetches as first shipped keyed `fetches` by (run_id, canonical_url), so re-running a
-- day added rows instead of replacing them. This rebuilds the table keyed by
-- (day, canonical_url) with the `day` and `expect` columns; on a database created with the
-- current 050 it copies the table onto itself. Safe to re-apply: every step tolerates
-- both shapes, and a URL's latest attempt of a day is the row kept.
alter table fetches add column if not exists day date;
alter table fetches add column if not exists expect varchar;

create table fetches_rekeyed (
    run_id varchar not null,
    day date not null,
    url varchar not null,
    canonical_url varchar not null,
    final_url varchar,
    source varchar not null,
    expect varchar,
    fetched_at timestamp not null,
    status integer,
    size_bytes bigint not null,
    wire_bytes bigint not null,
    duration_ms integer not null,
    content_type varchar,
    charset varchar,
    doc_id varchar,
    error_kind varchar,
    error_message varchar,
    attempts integer not null,
    not_modified boolean not null,
    primary key (day, canonical_url)
);

insert into fetches_rekeyed
with dated as (
    select *, coalesce(day, cast(fetched_at as date)) as fetch_day
    from fetches
),

latest as (
    select *
    from dated
    qualify row_number() over (partition by fetch_day, canonical_url order by fetched_at desc) = 1
)

select
    run_id, fetch_day, url, canonical_url, final_url, source, expect, fetched_at, status,
    size_bytes, wire_bytes, duration_ms, content_type, charset, doc_id, error_kind,
    error_message, attempts, not_modified
from latest;

drop table fetches;
alter table fetches_rekeyed rename to fetches;
