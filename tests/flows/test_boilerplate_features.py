"""Boilerplate learning reads each plain-text document's raw file once: what it needs is stored in
boilerplate_features and read from there by later runs (real DuckDB with the real schema, real
archive files, the flow's own `_source_boilerplate`)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from flows.archive import archive_bytes, archive_path
from flows.daily import _source_boilerplate
from newsmon.models import Document, SidecarMeta
from newsmon.settings import Settings
from transforms.normalize import match_key
from transforms.text_clean import BOILERPLATE_FEATURES_VERSION, boilerplate_lines
from warehouse import db
from warehouse.store import upsert_document

DAY = date(2026, 5, 20)
SOURCE = "harbourcourier"
PROMO = "Subscribe to the Harbour Courier from one pound a week"
FOOTER = "All rights reserved by the Harbour Courier group"
_TOPICS = ("ferry", "bridge", "school", "market", "harbour", "library", "council", "museum", "station", "park")


def _text(i: int) -> str:
    topic = _TOPICS[i % len(_TOPICS)]
    return "\n\n".join(
        [
            f"The {topic} story number {i} that nobody else wrote",
            f"Residents of ward {i} said the {topic} plan, costing {i * 37} thousand, was announced late on day {i}.",
            PROMO,
            f"Officials promised a second {topic} meeting, number {i * 3 + 1}, before the end of month {i % 12 + 1}.",
            FOOTER,
        ]
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(warehouse_dir=tmp_path / "warehouse")


def _add_documents(settings: Settings, days: dict[date, int], first: int = 0) -> dict[str, str]:
    """Plain-text documents of the source, `n` a day (numbered from `first`), archived and recorded; doc_id -> text."""
    texts = {}
    with db.writer(settings.database_path) as conn:
        i = first
        for day, n in days.items():
            for _ in range(n):
                text = _text(i)
                doc_id, stored = archive_bytes(text.encode(), settings.archive_dir)
                upsert_document(
                    conn,
                    Document(
                        doc_id=doc_id,
                        file_name=f"story-{i}.txt",
                        source_path=f"{day}/story-{i}.txt",
                        origin="inbox",
                        arrival_day=day,
                        size_bytes=len(text.encode()),
                        media_type="text",
                        encoding="utf-8",
                        archive_path=str(stored.relative_to(settings.warehouse_dir)),
                        meta=SidecarMeta(source="Harbour Courier"),
                    ),
                )
                texts[doc_id] = text
                i += 1
    return texts


def _learn(settings: Settings, day: date = DAY) -> dict[str, frozenset[str]]:
    with db.writer(settings.database_path) as conn:
        return _source_boilerplate(conn, settings, day, {SOURCE})


def _stored(settings: Settings) -> list[tuple]:
    conn = db.reader(settings.database_path)
    try:
        return conn.execute("select doc_id, arrival_day, version from boilerplate_features order by all").fetchall()
    finally:
        conn.close()


def test_learned_lines_are_those_of_the_texts_and_each_document_is_read_once(settings):
    texts = _add_documents(settings, {DAY - timedelta(days=d): 2 for d in range(5)})
    first = _learn(settings)
    assert first == {SOURCE: boilerplate_lines(list(texts.values()))}
    assert first[SOURCE] == frozenset({match_key(PROMO), match_key(FOOTER)})
    assert {row[0] for row in _stored(settings)} == set(texts)
    for doc_id in texts:  # later runs never read these raw files again
        archive_path(settings.archive_dir, doc_id).unlink()
    assert _learn(settings) == first


def test_a_new_day_reads_only_its_own_documents(settings):
    _add_documents(settings, {DAY - timedelta(days=1): 4})
    _learn(settings, DAY - timedelta(days=1))
    stored_before = {row[0] for row in _stored(settings)}
    for doc_id in stored_before:
        archive_path(settings.archive_dir, doc_id).unlink()
    texts = _add_documents(settings, {DAY: 3}, first=10)
    learned = _learn(settings)
    assert learned[SOURCE] == frozenset({match_key(PROMO), match_key(FOOTER)})
    assert {row[0] for row in _stored(settings)} == stored_before | set(texts)


def test_documents_past_the_window_are_dropped_and_not_learned_from(settings):
    window = settings.boilerplate_window_days
    old = _add_documents(settings, {DAY - timedelta(days=window + 5): 4})
    _learn(settings, DAY - timedelta(days=window + 5))
    assert {row[0] for row in _stored(settings)} == set(old)
    recent = _add_documents(settings, {DAY - timedelta(days=1): 1, DAY: 1}, first=10)
    assert _learn(settings) == {}  # two documents in the window: too few to learn from
    assert {row[0] for row in _stored(settings)} == set()  # too few: nothing read, and the old ones dropped
    more = _add_documents(settings, {DAY: 2}, first=20)
    assert _learn(settings)[SOURCE] == frozenset({match_key(PROMO), match_key(FOOTER)})
    assert {row[0] for row in _stored(settings)} == set(recent) | set(more)


def test_features_of_an_older_version_are_computed_again(settings):
    texts = _add_documents(settings, {DAY: 4})
    first = _learn(settings)
    with db.writer(settings.database_path) as conn:
        conn.execute("update boilerplate_features set version = version - 1, line_keys = [], shingles = []")
    assert _learn(settings) == first
    assert {(row[0], row[2]) for row in _stored(settings)} == {(d, BOILERPLATE_FEATURES_VERSION) for d in texts}
