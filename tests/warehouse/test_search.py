"""Full-text search on a real DuckDB warehouse (real schema through warehouse.db.writer, real fts
extension for stems, read through warehouse.db.reader): filters, limit, query syntax, highlights,
index upkeep run by run, and scores equal to those of the fts extension's own index."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.warehouse.articles import ARTICLES, D2, D3, D4, STORIES, insert_articles
from transforms.search_text import index_tokens
from warehouse import db
from warehouse.search import (
    SearchIndexMissingError,
    SearchQueryError,
    load_fts,
    search_articles,
    update_search_index,
)


def _insert_stories(conn: duckdb.DuckDBPyConnection) -> None:
    for story_id, (title, members) in STORIES.items():
        days = [ARTICLES[a][0] for a in members]
        conn.execute(
            "insert into stories values (?, ?, ?, ?, ?, ?, 1, '[]')",
            [story_id, title, min(days), max(days), len(members), len(members)],
        )
        for a in members:
            conn.execute("insert into story_articles values (?, ?, ?, 1.0)", [a, story_id, ARTICLES[a][0]])


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    """A warehouse file with the six articles, two stories and the index, as a run leaves it."""
    path = tmp_path_factory.mktemp("search") / "newsmon.duckdb"
    with db.writer(path) as conn:
        insert_articles(conn, ARTICLES)
        _insert_stories(conn)
        report = update_search_index(conn)
    assert (report.articles, report.indexed, report.dropped) == (len(ARTICLES), len(ARTICLES), 0)
    return path


@pytest.fixture
def reader(warehouse: Path):
    conn = db.reader(warehouse)
    yield conn
    conn.close()


def _ids(conn, query: str, **kwargs) -> list[str]:
    return [h.article_id for h in search_articles(conn, query, **kwargs)]


def test_the_index_is_in_the_file_and_searchable_read_only(warehouse, reader):
    assert _ids(reader, "Bilbao") == ["a6"]
    tables = {r[0] for r in reader.execute("select table_name from duckdb_tables()").fetchall()}
    assert {"search_documents", "search_postings"} <= tables
    with pytest.raises(duckdb.Error, match="read-only"):
        reader.execute("create table x (a int)")
    # a second process sees it too: nothing lives in memory only
    import subprocess
    import sys

    code = (
        "from pathlib import Path; from warehouse import db; from warehouse.search import search_articles;"
        f"print([h.article_id for h in search_articles(db.reader(Path({str(warehouse)!r})), 'ferry')])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2]
    )
    assert sorted(eval(out.stdout)) == ["a3", "a6"]  # noqa: S307 (our own printed list)


def test_loading_the_extension_never_downloads(reader):
    load_fts(reader)
    assert reader.execute("select current_setting('autoinstall_known_extensions')").fetchone()[0] is False
    row = reader.execute("select loaded, install_mode from duckdb_extensions() where extension_name = 'fts'").fetchone()
    assert row[0] is True


@pytest.mark.parametrize(
    ("query", "filters", "want"),
    [
        ("strike", {}, {"a1", "a2", "a3"}),
        ("strike", {"day_from": D3}, {"a2", "a3"}),
        ("strike", {"day_to": D2}, {"a1"}),
        ("strike", {"day_from": D3, "day_to": D3}, {"a2"}),
        ("strike", {"source": "coastline post"}, {"a2"}),  # case-insensitive
        ("strike", {"source": "Nobody"}, set()),
        ("port", {"day_from": D4, "day_to": D4}, {"a6"}),
        ("mill", {"source": "Valley Wire", "day_from": D3}, {"a5"}),
    ],
)
def test_filters(reader, query, filters, want):
    assert set(_ids(reader, query, **filters)) == want


@pytest.mark.parametrize(
    ("query", "want"),
    [
        ("strikes", {"a1", "a2", "a3"}),  # stems: strikes, strike and striking are one term
        ("striking dockers", {"a1", "a2"}),  # every word must match
        ("the strike", {"a1", "a2", "a3"}),  # stopwords are dropped, not required
        ("strike ferry", {"a3"}),
        ('"port strike"', {"a2"}),  # a1 has both words, not in this order
        ('"PORT  Strike"', {"a2"}),
        ("strike -exporters", {"a1", "a2"}),
        ('mill -"paper mill"', {"a5"}),
        ("zurich", {"a5"}),  # accents folded on both sides
        ("Zürich", {"a5"}),
        ("covid-19", {"a5"}),  # a word the index splits matches as a phrase
        ("19 covid", {"a5"}),
        ("walkout", set()),
        ("£14m", {"a3"}),
    ],
)
def test_query_semantics(reader, query, want):
    assert set(_ids(reader, query)) == want


def test_ranking_puts_the_article_about_it_first(reader):
    assert _ids(reader, "ferry Bilbao") == ["a6"]
    assert _ids(reader, "ferry")[0] == "a6"  # in its title and twice in its text
    assert _ids(reader, "flooded mill")[0] == "a4"  # "Mill flooded" is its headline


@pytest.mark.parametrize("limit", [1, 2, 3, 10])
def test_limit_keeps_the_best(reader, limit):
    everything = _ids(reader, "strike")
    assert _ids(reader, "strike", limit=limit) == everything[:limit]


@pytest.mark.parametrize(
    ("query", "kwargs", "message"),
    [
        ("", {}, "empty query"),
        ("   ", {}, "empty query"),
        ('"port strike', {}, "unbalanced quote"),
        ("strike OR ferry", {}, "boolean operators"),
        ("the of", {}, "too common"),
        ('"to be"', {}, "too common"),
        ("strike -the", {}, "cannot exclude"),
        ("strike", {"limit": 0}, "limit must be between"),
        ("strike", {"limit": 100_000}, "limit must be between"),
        ("strike", {"day_from": D4, "day_to": D2}, "date range is empty"),
    ],
)
def test_bad_queries_raise_a_value_error_with_one_line(reader, query, kwargs, message):
    with pytest.raises(SearchQueryError, match=message) as info:
        search_articles(reader, query, **kwargs)
    assert isinstance(info.value, ValueError) and "\n" not in str(info.value)


def test_hits_carry_title_source_day_story_and_a_highlighted_snippet(reader):
    (hit,) = search_articles(reader, "flooded Brennock")
    assert (hit.article_id, hit.source, hit.day, hit.story_id, hit.story_title) == (
        "a4",
        "Valley Wire",
        D2,
        "s2",
        "Brennock mill flood",
    )
    text = ARTICLES["a4"][3]
    assert hit.snippet == text[hit.snippet_start : hit.snippet_end]
    assert [text[s:e] for s, e in hit.highlights] == ["flooded", "Brennock"]
    assert "**flooded** the **Brennock**" in hit.snippet_markdown
    assert [hit.title[s:e] for s, e in hit.title_highlights] == ["flooded"]
    as_json = json.loads(hit.model_dump_json())
    assert as_json["highlights"] == [[s, e] for s, e in hit.highlights]
    assert hit.score > 0 and hit.rank == 1


@pytest.mark.parametrize(
    ("query", "highlighted_words"),
    [
        ("strikes", {"strike", "Striking"}),
        ('"port strike"', {"port strike"}),
        ("zurich claims", {"Zürich", "claims"}),
    ],
)
def test_highlights_follow_stems_phrases_and_accents(reader, query, highlighted_words):
    words = set()
    for hit in search_articles(reader, query):
        text = ARTICLES[hit.article_id][3]
        words |= {text[s:e] for s, e in hit.highlights}
    assert highlighted_words <= words


def test_a_story_less_article_has_no_story(reader):
    (hit,) = search_articles(reader, "Bilbao")
    assert hit.story_id is None and hit.story_title is None


@pytest.mark.parametrize(
    "text",
    [
        "Zürich's café, ÉCOLE & Ærø",
        "U.S. covid-19 £14m 6am 5.2 per cent",
        "Dunmere–Bilbao “quoted” ‘single’ naïve coöperate",
        "tab\tnew\nline  snake_case CamelCase",
        "İstanbul ﬁnance ½ ① straße",
    ],
)
def test_query_tokens_agree_with_the_index_tokenizer(fts_reference, text):
    theirs = fts_reference.execute(
        "select list_filter(fts_main_articles.tokenize(?), lambda t: t <> '')", [text]
    ).fetchone()[0]
    assert index_tokens(text) == theirs


# The index DuckDB's fts extension builds over the same articles, as runs built it before the
# postings: the reference the postings and their BM25 must reproduce.
_FTS_INDEX = """
pragma create_fts_index(
    'articles', 'article_id', 'title', 'text', stemmer = 'porter', stopwords = 'english',
    ignore = '(\\.|[^a-z0-9])+', strip_accents = 1, lower = 1, overwrite = 1
)
"""
_FTS_MATCHES = """
with scored as (
    select
        a.article_id,
        a.published_at,
        fts_main_articles.match_bm25(a.article_id, $terms, conjunctive := 1) as body_score,
        fts_main_articles.match_bm25(a.article_id, $terms, fields := 'title') as title_score
    from articles as a
)
select s.article_id, s.body_score + coalesce(s.title_score, 0) as score
from scored as s
where
    s.body_score is not null
    and case
        when $excluded::varchar = '' then true
        else fts_main_articles.match_bm25(s.article_id, $excluded::varchar) is null
    end
order by score desc, s.published_at desc, s.article_id
"""


@pytest.fixture(scope="module")
def fts_reference(warehouse, tmp_path_factory):
    """A copy of the warehouse with the fts extension's own index beside the postings."""
    path = tmp_path_factory.mktemp("fts") / "reference.duckdb"
    shutil.copy2(warehouse, path)
    conn = duckdb.connect(str(path))
    load_fts(conn)
    conn.execute(_FTS_INDEX)
    yield conn
    conn.close()


def test_postings_are_the_fts_extension_terms(fts_reference):
    theirs = fts_reference.execute(
        """
        select d.name, k.term, count(*), count(*) filter (where t.fieldid = 0)
        from fts_main_articles.terms as t
        join fts_main_articles.docs as d on d.docid = t.docid
        join fts_main_articles.dict as k on k.termid = t.termid
        group by all order by all
        """
    ).fetchall()
    ours = fts_reference.execute("select article_id, term, tf, title_tf from search_postings order by all").fetchall()
    assert ours == theirs
    lengths = fts_reference.execute("select name, len from fts_main_articles.docs order by all").fetchall()
    assert fts_reference.execute("select article_id, terms from search_documents order by all").fetchall() == lengths
    keys = fts_reference.execute("select count(*), count(distinct (article_id, term)) from search_postings").fetchone()
    assert keys[0] == keys[1]  # the postings' key


@pytest.mark.parametrize(
    ("terms", "excluded"),
    [
        (["strike"], []),
        (["ferry"], []),
        (["ferry", "bilbao"], []),
        (["striking", "dockers"], []),
        (["mill"], ["paper"]),
        (["strike"], ["exporters"]),
        (["flooded", "mill"], []),
        (["port"], []),
        (["nowhere"], []),
    ],
)
def test_scores_are_those_of_the_fts_extension(fts_reference, terms, excluded):
    theirs = fts_reference.execute(_FTS_MATCHES, {"terms": " ".join(terms), "excluded": " ".join(excluded)}).fetchall()
    ours = db.query(
        fts_reference,
        "search_matches",
        terms=terms,
        excluded=excluded,
        day_from=None,
        day_to=None,
        source=None,
        limit=None,
    )
    assert [r["article_id"] for r in ours] == [r[0] for r in theirs]
    assert [r["score"] for r in ours] == pytest.approx([r[1] for r in theirs], rel=1e-12)


def test_a_warehouse_without_the_index_says_so(tmp_path):
    path = tmp_path / "newsmon.duckdb"
    with db.writer(path) as conn:
        insert_articles(conn, {"a1": ARTICLES["a1"]})
    conn = db.reader(path)
    try:
        with pytest.raises(SearchIndexMissingError, match="newsmon run"):
            search_articles(conn, "strike")
    finally:
        conn.close()


def test_each_run_rebuilds_the_index_from_the_articles_it_leaves(tmp_path):
    path = tmp_path / "newsmon.duckdb"
    with db.writer(path) as conn:
        insert_articles(conn, ARTICLES)
        update_search_index(conn)
    with db.writer(path) as conn:  # the next run: one article replaced, one new
        conn.execute("delete from articles where article_id = 'a6'")
        insert_articles(conn, {"a7": (D4, "Coastline Post", "Sandbags", "Volunteers filled sandbags in Kellbridge.")})
        report = update_search_index(conn)
    assert report.articles == len(ARTICLES)
    conn = db.reader(path)
    try:
        assert _ids(conn, "sandbags") == ["a7"]
        assert _ids(conn, "Bilbao") == []
    finally:
        conn.close()


def test_an_empty_warehouse_gets_an_empty_index(tmp_path):
    path = tmp_path / "newsmon.duckdb"
    with db.writer(path) as conn:
        report = update_search_index(conn)
    assert report.articles == 0
    conn = db.reader(path)
    try:
        assert search_articles(conn, "strike") == []
    finally:
        conn.close()


def _index_rows(conn: duckdb.DuckDBPyConnection) -> tuple[list, list]:
    return (
        conn.execute("select article_id, term, tf, title_tf from search_postings order by all").fetchall(),
        conn.execute("select article_id, terms from search_documents order by all").fetchall(),
    )


def test_a_run_reindexes_its_days_and_what_changed_and_nothing_else(tmp_path):
    path = tmp_path / "newsmon.duckdb"
    with db.writer(path) as conn:
        insert_articles(conn, ARTICLES)
        update_search_index(conn)
    with db.writer(path) as conn:
        # The run's day: its articles deleted and inserted again, one with new text under the same hash.
        conn.execute("update articles set text = 'Dockers voted on a regatta.' where article_id = 'a1'")
        report = update_search_index(conn, D2, D2)
        on_d2 = conn.execute("select count(*) from articles where day = ?", [D2]).fetchone()[0]
        assert (report.indexed, report.dropped) == (on_d2, on_d2)
        # Another day's article whose text changed (a new content hash): caught without its day.
        conn.execute("update articles set text = 'A gondola sank.', content_hash = 'new' where article_id = 'a3'")
        assert (update_search_index(conn).indexed, update_search_index(conn).indexed) == (1, 0)
        ours = _index_rows(conn)
    with db.writer(tmp_path / "fresh.duckdb") as fresh:  # the same articles indexed from scratch
        insert_articles(fresh, ARTICLES)
        fresh.execute("update articles set text = 'Dockers voted on a regatta.' where article_id = 'a1'")
        fresh.execute("update articles set text = 'A gondola sank.', content_hash = 'new' where article_id = 'a3'")
        update_search_index(fresh)
        assert _index_rows(fresh) == ours
    conn = db.reader(path)
    try:
        assert (_ids(conn, "regatta"), _ids(conn, "gondola"), _ids(conn, "services")) == (["a1"], ["a3"], [])
    finally:
        conn.close()
