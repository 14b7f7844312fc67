-- For each query token in $tokens (already tokenised like the index): whether the index drops it
-- as a stopword, and its stem as the index stores it.
with tokens as (
    select
        unnest($tokens::varchar[]) as token,
        generate_subscripts($tokens::varchar[], 1) as position
)

select
    t.token,
    t.token in (select s.word from search_stopwords as s) as stopword,
    stem(t.token, 'porter') as stem
from tokens as t
order by t.position
