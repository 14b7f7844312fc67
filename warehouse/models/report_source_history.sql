-- Reports and copies per source on each of the 14 days up to $day (from the warehouse's first
-- arrival day when that is later), zero-filled: the HTML report's articles-per-source chart.
-- A copy or rewrite of an earlier article (article_duplicates) is a copy, as in daily_source_counts.
with bounds as (
    select
        least(
            $day::date,
            greatest(($day - interval 13 day)::date, coalesce(min(arrival_day), $day::date))
        ) as first_day
    from documents
),

window_days as (
    select cast(unnest(generate_series(
        cast(b.first_day as timestamp), cast($day::date as timestamp), interval 1 day
    )) as date) as day
    from bounds as b
),

marked as (
    select
        a.day,
        a.source,
        d.article_id is not null as is_copy
    from articles as a
    left join article_duplicates as d on d.article_id = a.article_id
    where a.day between (select min(day) from window_days) and $day::date
),

counts as (
    select
        day,
        source,
        count(*) filter (where not is_copy) as reports,
        count(*) filter (where is_copy) as copies
    from marked
    group by day, source
),

sources as (
    select distinct source
    from marked
)

select
    w.day,
    s.source,
    coalesce(c.reports, 0) as reports,
    coalesce(c.copies, 0) as copies
from window_days as w
cross join sources as s
left join counts as c on c.day = w.day and c.source = s.source
order by s.source, w.day
