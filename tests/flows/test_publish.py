"""The feed file: rebuilt from the stored `<day>.json` summaries, written atomically, parsed back by feedparser."""

from __future__ import annotations

import logging
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

import flows.report
from flows.publish import FEED_FILE, publish_feed, stored_summaries, written_feed
from flows.report import DIGESTS_FILE, DIGESTS_VERSION, write_index
from tests.transforms.summary_samples import summary
from transforms.feed import entry_id


def _store(reports: Path, day: date, articles: int = 12, written: datetime | None = None) -> Path:
    """What publish_summary writes: `<day>.json` (and `<day>.md`, which the feed ignores)."""
    reports.mkdir(parents=True, exist_ok=True)
    path = reports / f"{day.isoformat()}.json"
    path.write_text(summary(day, articles=articles).model_dump_json(indent=2), encoding="utf-8")
    (reports / f"{day.isoformat()}.md").write_text("# not json", encoding="utf-8")
    if written:
        os.utime(path, (written.timestamp(), written.timestamp()))
    return path


def _parsed(path: Path):
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


@pytest.mark.parametrize(
    ("stored_days", "limit", "expected"),
    [
        (3, 30, ["2026-03-04", "2026-03-03", "2026-03-02"]),
        (35, 30, [(date(2026, 4, 5) - timedelta(days=n)).isoformat() for n in range(30)]),
        (0, 30, []),
    ],
)
def test_feed_is_rebuilt_from_the_stored_summaries_newest_first(tmp_path, stored_days, limit, expected):
    reports = tmp_path / "reports"
    for n in range(stored_days):
        _store(reports, date(2026, 3, 2) + timedelta(days=n))
    path = written_feed(reports, limit)
    assert path == reports / FEED_FILE
    parsed = _parsed(path)
    assert [e.title.split(":")[0] for e in parsed.entries] == expected
    assert [e.id for e in parsed.entries] == [entry_id(day) for day in expected]
    assert all("Port strike begins" in e.content[0].value for e in parsed.entries)
    left = [p.name for p in reports.iterdir() if p.name.startswith(".") and p.name != DIGESTS_FILE]
    assert left == []  # no temporary file left behind


def test_rebuilds_keep_ids_and_bytes_and_a_rewritten_day_only_moves_its_updated(tmp_path):
    reports = tmp_path / "reports"
    base = datetime(2026, 3, 5, 6, 0, tzinfo=UTC)
    for n in range(3):
        _store(reports, date(2026, 3, 2) + timedelta(days=n), written=base + timedelta(days=n))
    first = written_feed(reports).read_bytes()
    assert written_feed(reports).read_bytes() == first  # nothing changed: the same bytes
    _store(reports, date(2026, 3, 3), articles=20, written=base + timedelta(days=5))  # a backfill rewrote one day
    parsed = _parsed(written_feed(reports))
    before = feedparser.parse(first)
    assert [e.id for e in parsed.entries] == [e.id for e in before.entries]
    changed = {e.title.split(":")[0]: e for e in parsed.entries}
    assert "20 articles" in changed["2026-03-03"].title
    assert changed["2026-03-03"].updated == "2026-03-10T06:00:00Z" == parsed.feed.updated
    assert changed["2026-03-04"].updated == before.entries[0].updated


def test_unreadable_summaries_are_skipped_with_a_warning(tmp_path, caplog):
    reports = tmp_path / "reports"
    _store(reports, date(2026, 3, 2))
    (reports / "2026-03-03.json").write_text("{not json", encoding="utf-8")
    (reports / "2026-03-04.json").write_text('{"day": "2026-03-04"}', encoding="utf-8")
    (reports / "notes.json").write_text("{}", encoding="utf-8")  # not a day: never read
    with caplog.at_level(logging.WARNING, logger="newsmon"):
        items = stored_summaries(reports)
    assert [i.summary.day for i in items] == [date(2026, 3, 2)]
    skipped = [r.getMessage() for r in caplog.records if "feed: skipped" in r.getMessage()]
    assert len(skipped) == 2 and all("not a readable daily summary" in m for m in skipped)


def test_a_missing_reports_folder_gives_an_empty_but_valid_feed(tmp_path):
    path = written_feed(tmp_path / "none-yet", now=datetime(2026, 3, 4, tzinfo=UTC))
    parsed = _parsed(path)
    assert parsed.entries == [] and parsed.feed.updated == "2026-03-04T00:00:00Z"


def test_publish_feed_task_body_writes_the_feed(tmp_path):
    reports = tmp_path / "reports"
    _store(reports, date(2026, 3, 4))
    path = publish_feed.fn(reports)
    assert [e.title.split(":")[0] for e in _parsed(path).entries] == ["2026-03-04"]


def _reads(monkeypatch) -> list[str]:
    """The summary files `stored_days` parses (rather than takes from the digest file)."""
    read: list[str] = []
    original = flows.report._read_summary

    def counted(path: Path):
        read.append(path.name)
        return original(path)

    monkeypatch.setattr(flows.report, "_read_summary", counted)
    return read


def test_index_and_feed_read_only_the_summaries_written_since_the_last_build(tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    base = datetime(2026, 3, 5, 6, 0, tzinfo=UTC)
    for n in range(40):
        _store(reports, date(2026, 3, 2) + timedelta(days=n), written=base + timedelta(days=n))
    read = _reads(monkeypatch)
    feed, index = written_feed(reports).read_bytes(), write_index(reports).read_bytes()
    assert len(read) == 40  # the first build reads every day once, for the index and the feed
    read.clear()
    assert written_feed(reports).read_bytes() == feed and write_index(reports).read_bytes() == index
    assert read == []  # nothing changed: nothing read

    _store(reports, date(2026, 3, 20), articles=31, written=base + timedelta(days=60))  # a backfill rewrote a day
    _store(reports, date(2026, 4, 11), written=base + timedelta(days=61))  # and a new day came
    new_feed, new_index = written_feed(reports).read_bytes(), write_index(reports).read_bytes()
    assert sorted(read) == ["2026-03-20.json", "2026-04-11.json"]
    assert b"2026-04-11" in new_index and b"2026-04-11" in new_feed
    parsed = {e.title.split(":")[0]: e for e in feedparser.parse(new_feed).entries}
    assert "31 articles" in parsed["2026-03-20"].title

    (reports / "2026-03-02.json").unlink()  # a day removed by hand leaves the index
    assert b'id="day-2026-03-02"' not in write_index(reports).read_bytes()


@pytest.mark.parametrize("digest", ["missing", "garbage", "older version"])
def test_a_missing_or_unreadable_digest_file_gives_the_same_index_and_feed(tmp_path, digest):
    reports = tmp_path / "reports"
    for n in range(5):
        _store(reports, date(2026, 3, 2) + timedelta(days=n), written=datetime(2026, 3, 9, tzinfo=UTC))
    feed, index = written_feed(reports).read_bytes(), write_index(reports).read_bytes()
    path = reports / DIGESTS_FILE
    if digest == "missing":
        path.unlink()
    elif digest == "garbage":
        path.write_text("{not json", encoding="utf-8")
    else:
        stated = f'"version":{DIGESTS_VERSION}'
        assert stated in path.read_text()
        path.write_text(path.read_text().replace(stated, '"version":0'), encoding="utf-8")
    assert write_index(reports).read_bytes() == index and written_feed(reports).read_bytes() == feed


def test_the_feed_skips_unreadable_summaries(tmp_path, caplog):
    reports = tmp_path / "reports"
    _store(reports, date(2026, 3, 2))
    (reports / "2026-03-03.json").write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="newsmon"):
        parsed = _parsed(written_feed(reports))
    assert [e.title.split(":")[0] for e in parsed.entries] == ["2026-03-02"]
    assert any("2026-03-03.json left out" in r.getMessage() for r in caplog.records)
