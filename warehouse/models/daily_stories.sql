-- Stories new on $day (founded by an article that arrived that day) and stories that grew:
-- articles and distinct sources they gained on $day against the day before.
-- Only the stories the day touched are read, so the cost follows the day, not the history.
with touched as (
    select distinct story_id
    from story_articles
    where day = $day
),

touched_articles as (
    select sa.story_id, sa.article_id, sa.day
    from story_articles as sa
    semi join touched as k on k.story_id = sa.story_id
),

members as (
    select
        sa.story_id,
        sa.article_id,
        sa.day,
        coalesce(lower(a.source), 'unknown') as source,
        -- a copy of an article of the same story does not count as another source
        d.duplicate_of is not null and exists (
            select 1 from touched_articles as x where x.story_id = sa.story_id and x.article_id = d.duplicate_of
        ) as is_copy
    from touched_articles as sa
    left join articles as a on a.article_id = sa.article_id
    left join article_duplicates as d on d.article_id = sa.article_id
    where sa.day <= $day
),

until_yesterday as (
    select
        story_id,
        count(*) as articles,
        count(distinct source) filter (where not is_copy) as sources
    from members
    where day < $day
    group by story_id
),

until_today as (
    select
        story_id,
        count(*) as articles,
        count(distinct source) filter (where not is_copy) as sources
    from members
    group by story_id
)

select
    s.story_id,
    s.title,
    case when y.story_id is null then 'new' else 'grown' end as status,
    t.articles,
    t.sources,
    t.articles - coalesce(y.articles, 0) as added_articles,
    t.sources - coalesce(y.sources, 0) as added_sources,
    s.first_seen,
    s.last_seen,
    s.top_entities
from touched as k
inner join until_today as t on t.story_id = k.story_id
left join until_yesterday as y on y.story_id = k.story_id
left join stories as s on s.story_id = k.story_id
order by status desc, added_articles desc, t.articles desc, s.story_id
