-- Per source, the days among the last $days (up to the latest day with articles) that brought it no new
-- article, counted from the source's first article; sources with no such day are left out.
with latest as (
    select max(day) as last_day
    from articles
),

window_days as (
    select cast(unnest(generate_series(
        cast(last_day - ($days - 1) as timestamp), cast(last_day as timestamp), interval 1 day
    )) as date) as day
    from latest
),

sources as (
    select source, min(day) as first_day, max(day) as last_article_day
    from articles
    where source is not null
    group by source
),

source_days as (
    select source, day, count(*) as articles
    from articles
    where day >= (select min(day) from window_days)
    group by source, day
)

select
    sources.source,
    sources.last_article_day,
    list(window_days.day order by window_days.day) filter (where source_days.articles is null) as quiet_days
from sources
cross join window_days
left join source_days on source_days.source = sources.source and source_days.day = window_days.day
where window_days.day >= sources.first_day
group by sources.source, sources.last_article_day
having count(*) filter (where source_days.articles is null) > 0
order by sources.source
