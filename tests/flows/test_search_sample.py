"""Full-text search over the bundled sample after the real daily flow: the article a query is
about comes first. Lives under tests/flows because it needs Prefect's test harness
(`prefect_harness`, tests/flows/conftest.py) to run the flow."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from warehouse import db
from warehouse.search import search_articles

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples"


# On one xdist worker with the other users of the session's sample runs (tests/conftest.py).
pytestmark = pytest.mark.xdist_group("sample_runs")


def _index_exists(database: Path) -> bool:
    conn = db.reader(database)
    try:
        return bool(
            conn.execute(
                "select count(*) from duckdb_tables() where table_name = 'search_documents'"
            ).fetchone()[0]
            and conn.execute("select count(*) from search_documents").fetchone()[0]
        )
    finally:
        conn.close()


@pytest.fixture(scope="module")
def sample_warehouse(sample_days_run):
    """The three sample days, run once per session (tests/flows/conftest.py); (database, whether indexed)."""
    database = sample_days_run[0] / "newsmon.duckdb"
    return database, _index_exists(database)


@pytest.fixture(scope="module")
def reader(sample_warehouse):
    conn = db.reader(sample_warehouse[0])
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def keys(reader) -> dict[str, str]:
    """article_id -> the sample's key for it (`<day>/<file>`, plus `:N` for the N-th record of a JSON list)."""
    rows = reader.execute("select a.article_id, d.source_path from articles a join documents d using (doc_id)")
    return {
        article_id: path + (":" + article_id.split(":")[1] if ":" in article_id else "")
        for article_id, path in rows.fetchall()
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "first", "at_least"),
    [
        # each query matches several sample articles; the one about it must lead
        ("tentative deal", "2026-03-04/courier_port-tentative-deal.html", 2),
        ("mill restart", "2026-03-04/valleywire_20260304_mill-reopening.txt", 2),
        ("exporters cost", "2026-03-04/meridian_port-strike-costs.html", 3),
        ("mayoral candidates", "2026-03-02/norland_feed_20260302.json:1", 3),
        ("dockers pay rosters", "2026-03-02/norland_feed_20260302.json:0", 3),
        ("paper mill flood jobs", "2026-03-02/valleywire_20260302_mill-flood.txt", 2),
        ("ferry", "2026-03-03/tidewater_bilbao-ferry.txt", 2),
        ('"emergency meeting"', "2026-03-03/valleywire_20260303_mill-insurance.txt", 2),
        ('"container terminal" cranes', "2026-03-02/courier_port-strike-begins.html", 3),
    ],
)
def test_the_article_a_query_is_about_comes_first(reader, keys, query, first, at_least):
    hits = search_articles(reader, query)
    ranked = [keys[h.article_id] for h in hits]
    assert len(ranked) >= at_least, ranked
    assert ranked[0] == first, ranked


@pytest.mark.slow
def test_sample_hits_name_their_story_and_highlight_the_query(reader, keys):
    hits = search_articles(reader, "port strike", limit=20)
    assert len(hits) >= 6
    strike_stories = {h.story_id for h in hits if "strike" in (h.title or "").lower()}
    assert len(strike_stories) == 1 and None not in strike_stories  # the strike reports are one story
    for hit in hits:
        assert "**" in hit.snippet_markdown or "**" in (hit.title or "") or hit.title_highlights
        assert hit.source and hit.day in {date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)}


@pytest.mark.slow
def test_sample_filters(reader, keys):
    only_courier = search_articles(reader, "strike", source="Harbourton Courier")
    assert only_courier and {h.source for h in only_courier} == {"Harbourton Courier"}
    on_the_4th = search_articles(reader, "strike", day_from=date(2026, 3, 4), day_to=date(2026, 3, 4))
    assert on_the_4th and {h.day for h in on_the_4th} == {date(2026, 3, 4)}


@pytest.mark.slow
def test_the_daily_flow_keeps_the_index_current(sample_warehouse, reader):
    _, flow_indexed = sample_warehouse
    assert flow_indexed, "the daily flow indexes its articles (warehouse.search.update_search_index)"
    indexed = reader.execute("select count(*) from search_documents").fetchone()[0]
    assert indexed == reader.execute("select count(*) from articles").fetchone()[0]
