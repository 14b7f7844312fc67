"""The run journal: one JSON line per run event, in a file beside the database.

The warehouse's `runs` table only ever holds runs that succeeded, because a failed run's
writes are thrown away with its private copy of the database. The journal is where every
run is recorded, whatever its end: started, completed, degraded (it finished, but every web
source failed), failed, refused (another run held the lock, the input was unusable) or
interrupted. It is append-only (one `write` per line, flushed and fsynced), so a run killed
at any point leaves at most a `started` line without an end, which readers report as
`died` once its process is gone. A run may also add `notified` lines: how sending its
notifications went, one result per configured URL (`flows/notify.py`).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

OUTCOMES = ("completed", "degraded", "failed", "refused", "interrupted")

# The run this process is executing, so a signal handler can record how it ended.
_current: dict[str, Any] = {}


class RunEntry(BaseModel):
    """One run as the journal tells it."""

    run_id: str
    command: str = ""
    days: list[str] = Field(default_factory=list)
    started_at: str | None = None
    ended_at: str | None = None
    status: str = "running"  # running | died | one of OUTCOMES
    reason: str | None = None
    pid: int | None = None
    prefect_flow_run_id: str | None = None
    counts: dict[str, Any] | None = None
    # CPU seconds of the run's process when it ended (a served run: its fork alone; `newsmon run`:
    # the whole process, imports and model loading included)
    cpu_seconds: float | None = None
    warm: bool = False  # started as a fork of `newsmon serve`'s warm process (newsmon/warm.py)
    # `notified` events: one result per notification URL (target masked, ok, reason)
    notified: list[dict[str, Any]] = Field(default_factory=list)


def journal_path(database: Path) -> Path:
    """`<warehouse_dir>/newsmon.runs.jsonl` for `<warehouse_dir>/newsmon.duckdb`."""
    return database.with_name(database.stem + ".runs.jsonl")


def new_run_id() -> str:
    """A fresh run id (also the `runs` table's key)."""
    return uuid.uuid4().hex


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def record(path: Path, run_id: str, event: str, **fields: Any) -> None:
    """Append one event; `started` marks the run as this process's current run, its outcome unmarks it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"run_id": run_id, "event": event, "at": _now(), **fields}, default=str, ensure_ascii=False)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    if event == "started":
        _current.update(path=path, run_id=run_id)
    elif event in OUTCOMES and _current.get("run_id") == run_id:  # a `notified` line does not end the run
        _current.clear()


def record_interrupted(reason: str) -> str | None:
    """Record that this process's current run was interrupted; its run id, if there was one."""
    if not _current:
        return None
    run_id = _current["run_id"]
    record(_current["path"], run_id, "interrupted", reason=reason)
    return run_id


def reason_of(exc: BaseException) -> str:
    """An exception as one line: its type and the first line of its message."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


def journal_events(path: Path) -> list[dict[str, Any]]:
    """Every readable event, oldest first (a torn last line from a killed writer is skipped)."""
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(event, dict) and event.get("run_id"):
            events.append(event)
    return events


def journal_runs(events: Iterable[dict[str, Any]], alive: Callable[[int], bool]) -> list[RunEntry]:
    """Fold events into runs, newest first. A run with no end whose process is gone `died`."""
    runs: dict[str, RunEntry] = {}
    for event in events:
        entry = runs.setdefault(event["run_id"], RunEntry(run_id=event["run_id"]))
        kind = event.get("event")
        if kind == "started":
            entry.command = event.get("command", "")
            entry.days = list(event.get("days") or [])
            entry.started_at = event.get("at")
            entry.pid = event.get("pid")
            entry.prefect_flow_run_id = event.get("prefect_flow_run_id")
            entry.warm = bool(event.get("warm"))
        elif kind in OUTCOMES:
            entry.status = kind
            entry.ended_at = event.get("at")
            entry.reason = event.get("reason")
            entry.counts = event.get("counts")
            entry.cpu_seconds = event.get("cpu_seconds")
            entry.command = entry.command or event.get("command", "")
            entry.days = entry.days or list(event.get("days") or [])
        elif kind == "notified":
            entry.notified += [r for r in event.get("results") or [] if isinstance(r, dict)]
    for entry in runs.values():
        if entry.status == "running" and (entry.pid is None or not alive(entry.pid)):
            entry.status = "died"
            entry.reason = "the process ended without recording an outcome (killed, or the machine stopped)"
    return sorted(runs.values(), key=lambda r: r.started_at or r.ended_at or "", reverse=True)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
