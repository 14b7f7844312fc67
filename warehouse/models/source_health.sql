-- Per web source fetched on $day: new items, fetch failures by kind, not-modified answers,
-- and the last day it delivered something new (its first fetch day when it never did).
with day_fetches as (
    select source, expect, error_kind, not_modified
    from fetches
    where day = $day
),

failure_counts as (
    select source, error_kind, count(*) as urls
    from day_fetches
    where error_kind is not null and error_kind not in ('too_soon', 'bad_charset')
    group by source, error_kind
),

failures as (
    select
        source,
        sum(urls) as failed,
        list({'kind': error_kind, 'urls': urls} order by urls desc, error_kind) as failures
    from failure_counts
    group by source
),

requests as (
    select
        source,
        count(*) filter (where expect in ('feed', 'sitemap')) as listing_requests,
        count(*) filter (where expect = 'page') as page_requests,
        count(*) filter (where not_modified) as not_modified,
        count(*) filter (where error_kind = 'too_soon') as too_soon
    from day_fetches
    group by source
),

new_items as (
    select meta ->> 'source' as source, count(*) as new_items
    from documents
    where origin = 'web' and arrival_day = $day
    group by source
),

last_new as (
    select meta ->> 'source' as source, max(arrival_day) as last_new_day
    from documents
    where origin = 'web' and arrival_day <= $day
    group by source
),

first_fetch as (
    select source, min(day) as first_fetch_day
    from fetches
    where day <= $day
    group by source
)

select
    r.source,
    coalesce(n.new_items, 0) as new_items,
    r.listing_requests,
    r.page_requests,
    r.not_modified,
    r.too_soon,
    coalesce(f.failed, 0) as failed,
    coalesce(f.failures, []) as failures,
    l.last_new_day,
    date_diff('day', coalesce(l.last_new_day, ff.first_fetch_day), $day::date) as days_without_new
from requests as r
left join new_items as n on r.source = n.source
left join failures as f on r.source = f.source
left join last_new as l on r.source = l.source
left join first_fetch as ff on r.source = ff.source
order by r.source
