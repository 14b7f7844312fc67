-- The text of the articles $article_ids (a list) of the days $days (a list). The days are a
-- filter DuckDB can use on storage (articles are written a day at a time, so each row group
-- holds few days): the text column is read only where those days are, not across the whole
-- history (the stories stage's older members: 0.7 s -> 0.05 s of CPU at 100k articles).
select article_id, text
from articles
where day in (select unnest($days::date[])) and article_id in (select unnest($article_ids::varchar[]))
