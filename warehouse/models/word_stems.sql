-- The index's stem of each token in $tokens (for highlighting the words a query matched).
with tokens as (
    select distinct unnest($tokens::varchar[]) as token
)

select
    t.token,
    stem(t.token, 'porter') as stem
from tokens as t
