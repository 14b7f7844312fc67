-- The stored event mentions of days before $day that name participants, in the stories
-- $story_ids (a list), with each one's story: what a report naming nobody may take its
-- participants from (transforms.events.story_participants).
with members as (
    select sa.article_id, sa.story_id
    from story_articles as sa
    where sa.story_id in (select unnest($story_ids::varchar[]))
)

select m.*, members.story_id
from event_mentions as m
inner join members on members.article_id = m.article_id
where m.day < $day and m.participants <> '[]'
order by m.mention_id
