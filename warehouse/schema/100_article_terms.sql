-- The content terms of an article (transforms/duplicates.py `content_terms` of its title and
-- text, space-joined), stored when its day's stories stage runs (issue 10): every later run
-- within the duplicate and story windows compares the day's articles with it, and computing
-- the terms of a full window (~2,000 articles) again each run was a third of the stage's CPU.
-- A row is used only while its article's content hash and the code's `version` still match;
-- runs drop rows older than their windows (flows/stories.py), and a missing one is computed.
-- No key index, as the other tables that grow every day (095): the stage deletes a day's rows
-- before it writes them.
create table if not exists article_terms (
    article_id varchar not null,
    day date not null,            -- the article's arrival day
    content_hash varchar,         -- articles.content_hash when the terms were computed
    version varchar not null,     -- fingerprint of transforms.duplicates (warehouse/reuse.py)
    terms varchar not null
);
