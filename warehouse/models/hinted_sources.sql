-- Sources named only by an inbox hint (a `tidewater/` folder or `tidewater_x.txt` prefix):
-- flows/daily.py renames each to the one stated source name it abbreviates, if any
-- ("tidewater" -> "Tidewater Gazette", see stated_source_names).
select distinct a.source as hint
from articles as a
inner join documents as d using (doc_id)
where
    d.source_hint is not null
    and (d.meta ->> 'source') is null
    and a.source = d.source_hint
order by hint
