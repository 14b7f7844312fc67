-- How many articles the warehouse holds and the latest day with one.
select count(*) as articles, max(day) as latest_day
from articles
