-- Per article of $article_ids (a list): the entity ids it mentions, headline first, then text
-- order, and those mentioned in its headline or lead (the stories stage's central people).
with wanted as (
    select distinct unnest($article_ids) as article_id
),

mentions as (
    select m.article_id, m.entity_id, m.in_headline, m.in_lead, m.start_char, m.end_char
    from entity_mentions as m
    inner join wanted as w on w.article_id = m.article_id
)

select
    article_id,
    list(entity_id order by in_headline desc, start_char, end_char) as entity_ids,
    coalesce(
        list(entity_id order by in_headline desc, start_char, end_char) filter (where in_headline or in_lead),
        []
    ) as central_ids
from mentions
group by article_id
order by article_id
