-- Reports per source on $day and on the day before: an article that copies or rewrites an
-- earlier one (article_duplicates) counts as a copy, not as another report.
with marked as (
    select
        a.day,
        a.source,
        d.article_id is not null as is_copy
    from articles as a
    left join article_duplicates as d on d.article_id = a.article_id
    where a.day between $day - interval 1 day and $day
),

today as (
    select
        source,
        count(*) filter (where not is_copy) as articles,
        count(*) filter (where is_copy) as copies
    from marked
    where day = $day
    group by source
),

yesterday as (
    select
        source,
        count(*) filter (where not is_copy) as articles
    from marked
    where day = $day - interval 1 day
    group by source
)

select
    coalesce(t.source, y.source) as source,
    coalesce(t.articles, 0) as articles,
    coalesce(t.copies, 0) as copies,
    coalesce(y.articles, 0) as previous_articles
from today as t
full outer join yesterday as y on t.source = y.source
order by articles desc, source
