-- Headline counts for $day and the day before; reports are articles that copy no earlier one.
with days as (
    select
        $day::date as day,
        'today' as which
    union all
    select
        ($day - interval 1 day)::date,
        'yesterday'
)

select
    d.which,
    (select count(*) from documents where arrival_day = d.day) as documents,
    (select count(*) from articles where day = d.day) as articles,
    (
        select count(*) from articles as a
        where a.day = d.day and a.article_id not in (select article_id from article_duplicates)
    ) as reports,
    (select count(distinct item_id) from quarantine where day = d.day) as quarantined,
    (select count(distinct source) from articles where day = d.day) as sources
from days as d
order by d.which
