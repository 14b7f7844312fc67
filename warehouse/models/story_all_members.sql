-- Every member of the stories in $story_ids (a list), with the article each one repeats, if any.
-- Without their text: flows/stories.py has read most of them already, and reads the rest's by day
-- (article_texts), not by a scan of the whole history's texts.
with wanted as (
    select distinct unnest($story_ids) as story_id
)

select
    sa.story_id, a.article_id, a.day, a.published_at, a.title, a.source, a.content_hash, a.canonical_url,
    d.duplicate_of
from story_articles as sa
inner join wanted as w on w.story_id = sa.story_id
inner join articles as a on a.article_id = sa.article_id
left join article_duplicates as d on d.article_id = sa.article_id
order by sa.story_id, a.article_id
