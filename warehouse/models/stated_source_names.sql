-- Source names that sidecars state, on any day: what an inbox hint may stand for.
select distinct (meta ->> 'source') as name
from documents
where (meta ->> 'source') is not null
order by name
