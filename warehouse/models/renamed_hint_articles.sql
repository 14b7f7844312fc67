-- Re-point the articles of one hinted source to the stated name it stands for.
update articles
set source = $name
where
    source = $hint
    and doc_id in (
        select doc_id
        from documents
        where source_hint = $hint and (meta ->> 'source') is null
    )
