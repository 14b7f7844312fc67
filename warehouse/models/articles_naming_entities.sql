-- Which of the articles $article_ids (a list) name which of the entities $entity_ids (a list) in
-- their headline or lead: what a report is about (transforms.events.place_participants).
select distinct m.article_id, m.entity_id
from entity_mentions as m
where
    m.article_id in (select unnest($article_ids::varchar[]))
    and m.entity_id in (select unnest($entity_ids::varchar[]))
    and (m.in_headline or m.in_lead)
order by m.article_id, m.entity_id
