-- Articles per source on $day and on the day before.
with today as (
    select source, count(*) as articles
    from articles
    where day = $day
    group by source
),

yesterday as (
    select source, count(*) as articles
    from articles
    where day = $day - interval 1 day
    group by source
)

select
    coalesce(t.source, y.source) as source,
    coalesce(t.articles, 0) as articles,
    coalesce(y.articles, 0) as previous_articles
from today as t
full outer join yesterday as y on t.source = y.source
order by articles desc, source
