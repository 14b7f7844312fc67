-- Duplicates and stories (transforms/duplicates.py, transforms/stories.py, flows/stories.py).
-- Rows of story_articles and article_duplicates belong to the article's arrival day and are
-- delete-then-inserted per day; stories is recomputed from story_articles for every story
-- the run touched, so re-running a day or a backfill gives the same rows.

-- One row per article that repeats an earlier one (first seen: arrival day, publish time, id).
create table if not exists article_duplicates (
    article_id varchar primary key,
    duplicate_of varchar not null,
    kind varchar not null,            -- exact | near | rewrite
    score double not null,            -- 1.0 exact; 3-shingle Jaccard (near); aligned-sentence share (rewrite)
    day date not null                 -- the article's arrival day
);

-- Which story each article joined; story_id derives from the founding article's id.
create table if not exists story_articles (
    article_id varchar primary key,
    story_id varchar not null,
    day date not null,                -- the article's arrival day
    similarity double not null        -- to the story when it joined; 1.0 for the founder
);

-- One row per story, aggregated from its story_articles.
create table if not exists stories (
    story_id varchar primary key,
    title varchar,
    first_seen timestamp not null,    -- earliest published_at of its articles
    last_seen timestamp not null,     -- latest published_at of its articles
    article_count integer not null,
    report_count integer not null,    -- articles that do not duplicate another member
    source_count integer not null,    -- distinct sources among those reports
    top_entities json                 -- [{"name", "entity_id", "articles"}], most articles first
);
