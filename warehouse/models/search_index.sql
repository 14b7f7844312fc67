-- The BM25 full-text index over articles (title and text), in schema fts_main_articles of the
-- warehouse file itself, so read-only connections can search it. DuckDB's fts index is not
-- updated by inserts, so every run rebuilds it whole after its stages (overwrite = 1).
-- Tokens: accents stripped, lower-cased, runs of [a-z0-9] (digits kept: "G7", "M25", "2026");
-- English stopwords dropped; Porter stems. transforms/search_text.py mirrors this tokenizer.
pragma create_fts_index(
    'articles', 'article_id', 'title', 'text',
    stemmer = 'porter',
    stopwords = 'english',
    ignore = '(\.|[^a-z0-9])+',
    strip_accents = 1,
    lower = 1,
    overwrite = 1
);

-- The postings table comes out in document order, but every search looks terms up by termid:
-- stored in termid order, a lookup reads only the row groups holding its terms (zone maps)
-- instead of all of them (at 100k articles: 9 ms instead of 169 ms of CPU for one common term's
-- postings, a query about 3x faster overall, for 6 s more build time).
-- Same rows, same columns: the extension's match_bm25 reads it as before.
create or replace table fts_main_articles.terms as
select * from fts_main_articles.terms
order by termid, docid;
