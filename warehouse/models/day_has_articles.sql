-- Whether $day has any article (the NER model is loaded only when it does).
select exists (
    select 1
    from articles
    where day = $day
) as has_articles
