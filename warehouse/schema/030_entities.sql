-- Entity registry and mentions (transforms/entities.py).
-- entity_id is derived from type + canonical-name key, so a backfill reproduces the same ids;
-- loads are upserts on each table's key (mentions: delete-then-insert of the run's articles).

-- One row per canonical entity; first/last seen and counts are maintained by the load.
create table if not exists entities (
    entity_id varchar primary key,    -- e.g. person_4685497e4f9e
    canonical_name varchar not null,
    type varchar not null,            -- PERSON | ORG | GPE | LOC | FAC | EVENT
    first_seen date not null,
    last_seen date not null,
    mention_count bigint not null default 0
);

-- Surface forms that resolved to an entity, the article they were learned from, and the
-- named rule that resolved them (exact, short_form_same_article, country_variant, ...).
create table if not exists entity_aliases (
    alias varchar not null,
    entity_id varchar not null,
    learned_from varchar not null,    -- article_id
    how varchar not null,
    primary key (alias, entity_id)
);

-- One row per mention; offsets index articles.text, or articles.title when in_headline.
create table if not exists entity_mentions (
    article_id varchar not null,
    entity_id varchar not null,
    surface varchar not null,
    start_char integer not null,
    end_char integer not null,
    sentence_index integer not null,
    in_headline boolean not null,
    in_lead boolean not null,
    label varchar,                    -- spaCy's label before label repair
    how varchar,                      -- comma-joined rule names that shaped the mention
    primary key (article_id, start_char, end_char, in_headline)
);
