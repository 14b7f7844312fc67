-- Stories of days before $day that can still take articles (a member published since $since)
-- and their $max_members most recent members, in story and publish order. Members are ranked
-- without their text. Their text is read apart, only for those the run has not read yet
-- (article_texts: by day, so that only those days' row groups of the text column are read).
with open_stories as (
    select distinct sa.story_id
    from story_articles as sa
    inner join articles as a on a.article_id = sa.article_id
    where sa.day < $day and a.published_at >= $since
),

ranked as (
    select
        sa.story_id,
        sa.article_id,
        row_number() over (
            partition by sa.story_id order by a.published_at desc, a.article_id desc
        ) as rn
    from story_articles as sa
    inner join open_stories as o on o.story_id = sa.story_id
    inner join articles as a on a.article_id = sa.article_id
    where sa.day < $day
),

chosen as (
    select story_id, article_id
    from ranked
    where rn <= $max_members
)

select
    c.story_id, a.article_id, a.day, a.published_at, a.title, a.source, a.content_hash, a.canonical_url
from chosen as c
inner join articles as a on a.article_id = c.article_id
order by c.story_id, a.published_at, a.article_id
