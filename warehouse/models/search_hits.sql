-- The articles of $ids (ranked search matches, best first) that match every pattern in $phrases
-- and none in $excluded_phrases, with their story; in the order of $ids, at most $limit.
-- Patterns (transforms/search_text.phrase_pattern) run on the lower-cased, accent-stripped
-- title or text, never across the two, and only on these candidates: each check names
-- `position` (from $ids) beside the text, so the optimizer cannot push it down onto every
-- article, and sits in a `case` that skips the folding when there are no patterns.
with candidates as (
    select
        unnest($ids::varchar[]) as article_id,
        generate_subscripts($ids::varchar[], 1) as position
),

candidate_articles as (
    select
        c.position,
        a.article_id,
        a.title,
        a.text,
        a.source,
        a.day,
        a.published_at,
        a.url
    from candidates as c
    inner join articles as a on a.article_id = c.article_id
)

select
    a.position,
    a.article_id,
    a.title,
    a.text,
    a.source,
    a.day,
    a.published_at,
    a.url,
    sa.story_id,
    s.title as story_title
from candidate_articles as a
left join story_articles as sa on sa.article_id = a.article_id
left join stories as s on s.story_id = sa.story_id
where
    case
        when len($phrases::varchar[]) = 0 or a.position is null then true
        else len(list_filter(
            $phrases::varchar[],
            lambda p: not (
                regexp_matches(lower(strip_accents(coalesce(a.title, ''))), p)
                or regexp_matches(lower(strip_accents(a.text)), p)
            )
        )) = 0
    end
    and case
        when len($excluded_phrases::varchar[]) = 0 or a.position is null then true
        else len(list_filter(
            $excluded_phrases::varchar[],
            lambda p: regexp_matches(lower(strip_accents(coalesce(a.title, ''))), p)
            or regexp_matches(lower(strip_accents(a.text)), p)
        )) = 0
    end
order by a.position
limit $limit
