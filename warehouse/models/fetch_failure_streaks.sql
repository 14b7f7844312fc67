-- Transient failures (timeouts, refused connections, DNS, protocol errors) of each wanted URL
-- since its last attempt that got an answer, and when the latest was: flows/web.py waits
-- longer after each one before trying the URL again.
with wanted as (
    select unnest($urls::varchar[]) as canonical_url
),

attempts as (
    select
        f.canonical_url,
        f.fetched_at,
        coalesce(f.error_kind in ('timeout', 'connect', 'dns', 'protocol'), false) as failed
    from fetches as f
    inner join wanted using (canonical_url)
    where f.error_kind is distinct from 'too_soon'
),

answered as (
    select canonical_url, max(fetched_at) as last_answered
    from attempts
    where not failed
    group by canonical_url
)

select
    a.canonical_url,
    count(*) as failures,
    max(a.fetched_at) as last_failed
from attempts as a
left join answered as s using (canonical_url)
where a.failed and (s.last_answered is null or a.fetched_at > s.last_answered)
group by a.canonical_url
