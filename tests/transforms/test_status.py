"""`newsmon status` as text: every section present, empty states said in words."""

from __future__ import annotations

from datetime import date

import pytest

from transforms.status import QuarantineTotal, QuietSource, Schedule, Status, human_bytes, status_markdown
from warehouse.journal import RunEntry


@pytest.mark.parametrize(("n", "text"), [(0, "0 B"), (1023, "1023 B"), (1536, "1.5 KiB"), (5 * 2**30, "5.0 GiB")])
def test_human_bytes(n, text):
    assert human_bytes(n) == text


def test_status_markdown_shows_runs_schedule_quiet_sources_and_quarantine():
    status = Status(
        database="/w/newsmon.duckdb",
        database_bytes=2**20,
        archive="/w/raw",
        archive_bytes=2048,
        archive_files=3,
        latest_day=date(2026, 3, 4),
        articles=16,
        runs=[
            RunEntry(run_id="b", command="daily", days=["2026-03-04"], status="failed", reason="ValueError: x|y"),
            RunEntry(run_id="a", command="backfill", days=["2026-03-01", "2026-03-03"], status="completed"),
        ],
        schedule=Schedule(cron="0 6 * * *", next_run_at="2026-03-05T06:00:00Z"),
        quiet_sources=[QuietSource(source="gazette", last_article_day=date(2026, 3, 2), quiet_days=[date(2026, 3, 3)])],
        quarantine=[QuarantineTotal(stage="load", expectation="unique_document", items=2, items_latest_day=1)],
    )
    text = status_markdown(status)
    assert "1.0 MiB" in text and "3 files" in text
    assert "next run: 2026-03-05T06:00:00Z" in text
    assert "| daily | 2026-03-04 | failed | ValueError: x/y |" in text
    assert "| backfill | 2026-03-01..2026-03-03 | completed |" in text
    assert "- gazette: 2026-03-03 (last article 2026-03-02)" in text
    assert "| load | unique_document | 2 | 1 |" in text


def test_status_markdown_says_when_there_is_nothing_yet():
    text = status_markdown(Status(database="/w/db", archive="/w/raw", schedule=Schedule(cron="0 6 * * *", note="x")))
    assert "No runs recorded yet" in text and "Nothing quarantined" in text and "(x)" in text


@pytest.mark.parametrize(
    ("notified", "cell", "failure_line"),
    [
        ([], "| - |", None),
        ([{"target": "json://h/x", "ok": True}, {"target": "mailto://m/", "ok": True}], "| 2 sent |", None),
        (
            [
                {"target": "json://h/x", "ok": True},
                {"target": "mailto://bob:****@mail/", "ok": False, "reason": "Connection error"},
            ],
            "| 1 of 2 failed |",
            "- t1 mailto://bob:****@mail/: Connection error",
        ),
    ],
    ids=["none", "all-sent", "one-failed"],
)
def test_status_shows_each_runs_notifications_and_the_failed_ones(notified, cell, failure_line):
    run = RunEntry(run_id="a", command="daily", days=["2026-03-04"], status="completed", started_at="t1")
    run.notified = notified
    run.cpu_seconds = 2.84
    text = status_markdown(Status(database="/w/db", archive="/w/raw", schedule=Schedule(cron="0 6 * * *"), runs=[run]))
    assert f"| daily | 2026-03-04 | completed |  | 2.8 {cell}" in text
    assert ("Notifications that failed" in text) == (failure_line is not None)
    if failure_line:
        assert failure_line in text
