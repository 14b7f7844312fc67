"""The report_* SQL models behind the HTML report, on a real DuckDB with the real schema."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import pytest

from warehouse import db

DAY = date(2026, 3, 20)


@pytest.fixture
def conn() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect(":memory:")
    db.apply_schema(c)
    yield c
    c.close()


def _document(conn, doc_id: str, day: date) -> None:
    conn.execute(
        "insert into documents (doc_id, file_name, source_path, origin, arrival_day, size_bytes, media_type,"
        " archive_path) values (?, ?, ?, 'inbox', ?, 1, 'text', 'x')",
        [doc_id, doc_id, doc_id, day],
    )


def _article(conn, article_id: str, day: date, source: str, copy_of: str | None = None) -> None:
    _document(conn, f"doc_{article_id}", day)
    conn.execute(
        "insert into articles (article_id, doc_id, day, text, source, published_at, published_date,"
        " published_provenance, word_count, content_hash) values (?, ?, ?, 'text', ?, ?, ?, 'arrival_day', 1, 'h')",
        [article_id, f"doc_{article_id}", day, source, datetime.combine(day, datetime.min.time()), day],
    )
    if copy_of:
        conn.execute("insert into article_duplicates values (?, ?, 'exact', 1.0, ?)", [article_id, copy_of, day])


def test_source_history_is_zero_filled_from_the_first_arrival_day(conn):
    _article(conn, "a1", DAY - timedelta(days=2), "Courier")
    _article(conn, "a2", DAY, "Courier")
    _article(conn, "a3", DAY, "Wire", copy_of="a1")
    rows = db.query(conn, "report_source_history", day=DAY)
    got = {(r["source"], r["day"]): (r["reports"], r["copies"]) for r in rows}
    days = [DAY - timedelta(days=i) for i in (2, 1, 0)]
    assert got == {
        ("Courier", days[0]): (1, 0),
        ("Courier", days[1]): (0, 0),
        ("Courier", days[2]): (1, 0),
        ("Wire", days[0]): (0, 0),
        ("Wire", days[1]): (0, 0),
        ("Wire", days[2]): (0, 1),
    }


def test_source_history_covers_at_most_14_days(conn):
    _article(conn, "old", DAY - timedelta(days=30), "Courier")
    _article(conn, "new", DAY, "Courier")
    rows = db.query(conn, "report_source_history", day=DAY)
    assert [r["day"] for r in rows] == [DAY - timedelta(days=13 - i) for i in range(14)]
    assert sum(r["reports"] for r in rows) == 1
    # a day before any document: the window is that day alone, and empty
    assert db.query(conn, "report_source_history", day=DAY - timedelta(days=40)) == []


def _story(conn, story_id: str, members: list[tuple[str, date]]) -> None:
    for article_id, day in members:
        conn.execute("insert into story_articles values (?, ?, ?, 1.0)", [article_id, story_id, day])
    conn.execute(
        "insert into stories values (?, ?, ?, ?, ?, ?, 1, null)",
        [story_id, f"title of {story_id}", datetime(2026, 3, 1), datetime(2026, 3, 1), len(members), len(members)],
    )


def _mention(conn, article_id: str, entity_id: str, start: int = 0) -> None:
    conn.execute(
        "insert into entity_mentions (article_id, entity_id, surface, start_char, end_char, sentence_index,"
        " in_headline, in_lead) values (?, ?, 'x', ?, ?, 0, false, false)",
        [article_id, entity_id, start, start + 1],
    )


def test_story_entities_cover_the_stories_touched_on_the_day(conn):
    _story(conn, "s_grown", [("a1", DAY - timedelta(days=1)), ("a2", DAY)])
    _story(conn, "s_quiet", [("a3", DAY - timedelta(days=1))])
    _story(conn, "s_later", [("a4", DAY), ("a5", DAY + timedelta(days=1))])
    _mention(conn, "a1", "person_x")
    _mention(conn, "a2", "person_x")
    _mention(conn, "a2", "org_y", 5)
    _mention(conn, "a3", "person_x")
    _mention(conn, "a5", "org_z")  # arrived after the day: not known on the day
    rows = db.query(conn, "report_story_entities", day=DAY)
    assert [(r["story_id"], r["entity_id"], r["articles"]) for r in rows] == [
        ("s_grown", "person_x", 2),
        ("s_grown", "org_y", 1),
    ]


def _event(conn, event_id: str, start: date, first_reported: date, place_entity_id: str | None = None) -> None:
    conn.execute(
        "insert into events values (?, 'meeting', 'label', ?, ?, ?, 'day', 'v', null, ?, ?, ?, 1, 1, 'asserted', 1.0)",
        [event_id, start, start, start, place_entity_id, first_reported, first_reported],
    )


def test_event_links_name_participants_place_and_stories(conn):
    conn.execute("insert into entities values ('person_x', 'Ada Quill', 'PERSON', ?, ?, 1)", [DAY, DAY])
    _event(conn, "evt_today", DAY, DAY, place_entity_id="gpe_h")
    _event(conn, "evt_next_week", DAY + timedelta(days=7), DAY - timedelta(days=1))
    _event(conn, "evt_last_month", DAY - timedelta(days=30), DAY - timedelta(days=30))  # not in the summary
    _event(conn, "evt_tomorrow_reported", DAY + timedelta(days=1), DAY + timedelta(days=1))  # not known yet
    conn.execute("insert into event_participants values ('evt_today', 'person_x', 'actor')")
    conn.execute("insert into event_participants values ('evt_today', 'person_unknown', 'counterpart')")
    _story(conn, "s1", [("a1", DAY)])
    conn.execute(
        "insert into event_mentions (mention_id, event_id, article_id, day, type, trigger, block, participants,"
        " date_start, date_end, precision, date_value, date_text, date_source, reference_date, reference_kind,"
        " sentence, start_char, end_char, modality, confidence) values ('m1', 'evt_today', 'a1', ?, 'meeting',"
        " 'met', 'b', '[]', ?, ?, 'day', 'v', 't', 'sentence', ?, 'arrival_day', 's', 0, 1, 'asserted', 1.0)",
        [DAY, DAY, DAY, DAY],
    )
    rows = {r["event_id"]: r for r in db.query(conn, "report_event_links", day=DAY)}
    assert sorted(rows) == ["evt_next_week", "evt_today"]
    today = rows["evt_today"]
    assert today["place_entity_id"] == "gpe_h"
    assert [(p["entity_id"], p["name"]) for p in today["participants"]] == [
        ("person_x", "Ada Quill"),
        ("person_unknown", "person_unknown"),
    ]
    assert today["stories"] == [{"story_id": "s1", "title": "title of s1"}]
    assert rows["evt_next_week"]["participants"] == [] and rows["evt_next_week"]["stories"] == []
