-- Postings of the articles $ids, all of days $day_from..$day_to (the bounds let the scan skip
-- other days' row groups instead of reading every article's text): per stemmed term, its count in title and text and in the
-- title alone. Tokens exactly as DuckDB's fts extension made them (its `tokenize` macro with
-- our ignore pattern, then stopwords dropped, then Porter stems): accents stripped,
-- lower-cased, runs of [a-z0-9]. transforms/search_text.py mirrors this tokenizer.
with batch as (
    select
        article_id,
        day,
        title,
        text
    from articles
    where
        day between $day_from::date and $day_to::date
        and article_id in (select unnest($ids::varchar[]))
),

words as (
    select
        article_id,
        day,
        true as in_title,
        unnest(string_split_regex(
            regexp_replace(lower(strip_accents(title)), '(\.|[^a-z0-9])+', ' ', 'g'), '\s+'
        )) as word
    from batch
    union all
    select
        article_id,
        day,
        false as in_title,
        unnest(string_split_regex(
            regexp_replace(lower(strip_accents(text)), '(\.|[^a-z0-9])+', ' ', 'g'), '\s+'
        )) as word
    from batch
),

kept as (
    select
        article_id,
        day,
        in_title,
        stem(word, 'porter') as term
    from words
    where
        word is not null
        and len(word) > 0
        and word not in (select s.word from search_stopwords as s)
)

select
    article_id,
    day,
    term,
    count(*)::integer as tf,
    (count(*) filter (where in_title))::integer as title_tf
from kept
group by article_id, day, term
