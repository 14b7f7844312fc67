-- Dated events (transforms/events.py): one row per happening, its participants, and every
-- report of it. Ids are derived from keys (events: type, participants, date of the first
-- report; mentions: article, evidence offsets, type), so a backfill reproduces them.
-- Loads: the run's day of event_mentions is delete-then-inserted; the events of every
-- merge block (type + participants) the day touches are recomputed from all their mentions.

create table if not exists events (
    event_id varchar primary key,     -- evt_<sha256 of type|participants|date>[:12]
    type varchar not null,            -- meeting | talks | call | visit | statement | agreement | election | strike
    label varchar not null,           -- "meeting: Antony Blinken, Xi Jinping (2023-06-19T16:30)"
    event_date date,                  -- the day, when known to the day
    date_start date not null,
    date_end date not null,
    precision varchar not null,       -- day | week | month | range | quarter | year
    date_value varchar not null,      -- TIMEX3-style value of the sharpest report
    place varchar,
    place_entity_id varchar,
    first_reported date not null,     -- arrival day of the earliest reporting article
    last_reported date not null,
    mention_count integer not null,
    article_count integer not null,
    modality varchar not null,        -- asserted (happened) | scheduled
    confidence double not null
);

create table if not exists event_participants (
    event_id varchar not null,
    entity_id varchar not null,       -- entities.entity_id
    role varchar not null,            -- actor (named before the trigger) | counterpart
    primary key (event_id, entity_id)
);

-- One row per report: the evidence sentence with offsets into articles.text, the date as
-- written and resolved, and the reference date it was resolved against.
create table if not exists event_mentions (
    mention_id varchar primary key,   -- evm_<sha256 of article|start|end|type>[:16]
    event_id varchar,                 -- null only inside a run, before merging
    article_id varchar not null,
    day date not null,                -- the article's arrival day (the load window)
    type varchar not null,
    trigger varchar not null,         -- the words that named the happening
    block varchar not null,           -- merge block: type|sorted participant ids (or place/article)
    participants json not null,       -- [{"entity_id": ..., "role": ...}]
    place varchar,
    place_entity_id varchar,
    place_source varchar,             -- sentence | dateline
    date_start date not null,
    date_end date not null,
    precision varchar not null,
    date_value varchar not null,
    date_text varchar not null,       -- as written ("at 4:30 pm on Monday"), or the timeline heading's date
    date_source varchar not null,     -- sentence | timeline
    reference_date date not null,
    reference_kind varchar not null,  -- stated_line | dateline | sidecar | json | html_metadata | arrival_day
    sentence varchar not null,
    start_char integer not null,
    end_char integer not null,
    modality varchar not null,        -- asserted | scheduled
    confidence double not null
);
