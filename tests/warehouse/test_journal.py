"""The run journal: append-only lines folded into runs; a run without an end `died` once its process is gone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from warehouse import journal


def _started(run_id: str, at: str, pid: int = 1) -> dict:
    return {"run_id": run_id, "event": "started", "at": at, "command": "daily", "days": ["2026-03-02"], "pid": pid}


def _end(run_id: str, event: str, at: str, reason: str | None = None) -> dict:
    return {"run_id": run_id, "event": event, "at": at, "reason": reason}


@pytest.mark.parametrize(
    ("events", "alive", "expected"),
    [
        ([_started("a", "t1"), _end("a", "completed", "t2")], False, [("a", "completed")]),
        ([_started("a", "t1"), _end("a", "failed", "t2", "ValueError: x")], False, [("a", "failed")]),
        ([_started("a", "t1")], True, [("a", "running")]),
        ([_started("a", "t1")], False, [("a", "died")]),
        ([_end("r", "refused", "t3", "busy")], False, [("r", "refused")]),
        (
            [_started("a", "t1"), _end("a", "completed", "t2"), _started("b", "t3"), _end("b", "interrupted", "t4")],
            False,
            [("b", "interrupted"), ("a", "completed")],
        ),
    ],
)
def test_events_fold_into_runs_newest_first(events, alive, expected):
    runs = journal.journal_runs(events, alive=lambda _pid: alive)
    assert [(r.run_id, r.status) for r in runs] == expected


def test_record_appends_lines_and_a_torn_last_line_is_skipped(tmp_path: Path):
    path = tmp_path / "newsmon.runs.jsonl"
    journal.record(path, "a", "started", command="daily", days=["2026-03-02"], pid=os.getpid())
    journal.record(path, "a", "completed", counts={"articles": 3})
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"run_id": "b", "event": "sta')  # a writer killed mid-line
    runs = journal.journal_runs(journal.journal_events(path), journal.pid_alive)
    assert [(r.run_id, r.status, r.counts) for r in runs] == [("a", "completed", {"articles": 3})]


def test_an_interrupted_run_is_recorded_for_the_current_run_only(tmp_path: Path):
    path = tmp_path / "j.jsonl"
    assert journal.record_interrupted("SIGINT received") is None  # nothing running
    journal.record(path, "a", "started", pid=os.getpid())
    assert journal.record_interrupted("SIGINT received") == "a"
    assert [r.status for r in journal.journal_runs(journal.journal_events(path), journal.pid_alive)] == ["interrupted"]


def test_the_journal_sits_beside_the_database():
    assert journal.journal_path(Path("/srv/w/newsmon.duckdb")) == Path("/srv/w/newsmon.runs.jsonl")


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([_started("a", "t1"), _end("a", "completed", "t2")], ("completed", [])),
        (
            [
                _started("a", "t1"),
                _end("a", "completed", "t2"),
                {"run_id": "a", "event": "notified", "at": "t3", "results": [{"target": "json://h/x", "ok": True}]},
            ],
            ("completed", [{"target": "json://h/x", "ok": True}]),
        ),
        (
            [
                _started("a", "t1"),
                _end("a", "failed", "t2", "ValueError: x"),
                {"run_id": "a", "event": "notified", "at": "t3", "results": [{"target": "m", "ok": False}, "junk"]},
            ],
            ("failed", [{"target": "m", "ok": False}]),
        ),
    ],
    ids=["none", "sent", "failed-run-notified"],
)
def test_notified_events_fold_into_the_run_without_changing_its_outcome(events, expected):
    [run] = journal.journal_runs(events, alive=lambda _pid: False)
    assert (run.status, run.notified) == expected


def test_a_notified_line_before_the_end_keeps_the_run_current_for_a_signal(tmp_path: Path):
    path = tmp_path / "j.jsonl"
    journal.record(path, "a", "started", pid=os.getpid())
    journal.record(path, "a", "notified", results=[])
    assert journal.record_interrupted("SIGTERM received") == "a"
    [run] = journal.journal_runs(journal.journal_events(path), journal.pid_alive)
    assert run.status == "interrupted"
