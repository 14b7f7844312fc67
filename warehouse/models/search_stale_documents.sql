-- Indexed articles whose postings must go: the article is gone, its text changed since it was
-- indexed, or it is of a day the run processed ($day_from..$day_to; null: none), whose
-- articles were deleted and inserted again. With the day each was indexed under (where its
-- postings are).
with indexed as (
    select
        d.article_id,
        d.day,
        d.content_hash,
        a.article_id is null as gone,
        a.content_hash as current_hash,
        a.day as current_day
    from search_documents as d
    left join articles as a on a.article_id = d.article_id
)

select
    article_id,
    day
from indexed
where
    gone
    or content_hash <> current_hash
    or current_day between $day_from::date and $day_to::date
order by day, article_id
