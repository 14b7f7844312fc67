-- The story of each of the articles $article_ids (a list) that is in one.
with wanted as (
    select distinct unnest($article_ids::varchar[]) as article_id
)

select sa.article_id, sa.story_id
from story_articles as sa
inner join wanted as w on w.article_id = sa.article_id
order by sa.article_id
