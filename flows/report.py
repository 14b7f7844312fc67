"""The HTML report: `reports/<day>.html` per day and `reports/index.html` over all days.

Thin: reads the report_* SQL models on the run's writer connection (the same snapshot the
summary was read from) and writes files atomically; rendering is transforms/report_html.py.
The index is rebuilt from the stored JSON summaries, so it lists every day ever published,
whichever run published it.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
from prefect import task
from prefect.cache_policies import NONE
from pydantic import BaseModel, ValidationError

from newsmon.settings import Settings
from transforms.feed import FeedEntry, FeedItem
from transforms.report_html import IndexDay, ReportExtras, day_report_html, index_html, report_extras
from transforms.summary import DailySummary
from warehouse import db

log = logging.getLogger("newsmon")
_SUMMARY_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
DIGESTS_FILE = ".summaries.json"  # `StoredDay`s by file name
DIGESTS_VERSION = 2  # raise when IndexDay or FeedEntry change: older digest files are then rebuilt


def report_extras_of(conn: duckdb.DuckDBPyConnection, day: date, summary: DailySummary | None = None) -> ReportExtras:
    """What the day's page draws and links beyond the summary, from the report_* SQL models; given
    the `summary`, only what its page links (transforms/report_html.py `report_extras`).

    The two big models are read a chunk at a time, so a big day's rows never sit in Python at once.
    """
    return report_extras(
        day,
        history_rows=db.query(conn, "report_source_history", day=day),
        story_entity_rows=_streamed(conn, "report_story_entities", day=day),
        event_link_rows=_streamed(conn, "report_event_links", day=day),
        summary=summary,
    )


def _streamed(conn: duckdb.DuckDBPyConnection, model: str, chunk: int = 10_000, **params: Any) -> Iterator[dict]:
    """A SQL model's rows as dicts, fetched `chunk` rows at a time once the first is asked for.

    The query runs on `conn` (a writer's connection sees its own uncommitted rows; a cursor would
    not), which holds one result at a time: read one model's rows to the end before the next's.
    """
    cur = conn.execute(db.model_sql(model), params)
    cols = [d[0] for d in cur.description]
    while rows := cur.fetchmany(chunk):
        yield from (dict(zip(cols, row, strict=True)) for row in rows)


def stored_summaries(reports_dir: Path) -> list[DailySummary]:
    """Every `<day>.json` summary under `reports_dir`; unreadable ones are logged and left out."""
    found = []
    for path in sorted(reports_dir.glob("*.json")):
        if not _SUMMARY_NAME.match(path.name):
            continue
        try:
            found.append(DailySummary.model_validate_json(path.read_bytes()))
        except (OSError, ValidationError) as exc:
            log.warning("report index: %s left out (%s)", path.name, str(exc).splitlines()[0])
    return found


def write_day_report(reports_dir: Path, summary: DailySummary, extras: ReportExtras | None) -> Path:
    """Write `<day>.html` (atomically); return its path."""
    path = reports_dir / f"{summary.day.isoformat()}.html"
    _atomic_write(path, day_report_html(summary, extras))
    return path


class StoredDay(BaseModel):
    """What the index page and the feed read of one stored `<day>.json`, kept in `DIGESTS_FILE`
    beside the summaries, with the file's identity when it was read.

    A run then reads only the summaries written since: reading every day ever published made
    the index's cost grow with the history (issue 10: 0.5 s of CPU at 60 days).
    """

    # The summary file's mtime (ns) and size when read: a summary is written whole (replaced, or
    # by a backfill) with a new mtime; a copy of the folder that keeps mtimes (cp -p, rsync -a,
    # a backup) keeps its digests.
    stamp: tuple[int, int]
    row: IndexDay
    entry: FeedEntry | None = None  # rendered when the feed first shows the day


class _Digests(BaseModel):
    version: int = DIGESTS_VERSION
    days: dict[str, StoredDay] = {}  # by file name


def stored_days(reports_dir: Path, *, entries: int = 0) -> list[StoredDay]:
    """Every readable `<day>.json` under `reports_dir`, oldest first, and for the newest `entries`
    of them their feed entries; read from `DIGESTS_FILE` where a summary's file is the one read
    before (same mtime and size: summaries are written whole, `_atomic_write`).

    Unreadable summaries are logged and left out, as `stored_summaries` does. The digest file
    is rewritten (atomically) when anything changed; a missing, unreadable or older one is rebuilt.
    """
    digests_path = reports_dir / DIGESTS_FILE
    try:
        cached = _Digests.model_validate_json(digests_path.read_bytes())
        if cached.version != DIGESTS_VERSION:
            cached = _Digests()
    except (OSError, ValidationError, ValueError):
        cached = _Digests()
    names = sorted(p.name for p in reports_dir.iterdir() if _SUMMARY_NAME.match(p.name)) if reports_dir.is_dir() else []
    kept: dict[str, StoredDay] = {}
    for position, name in enumerate(names):
        path = reports_dir / name
        want_entry = position >= len(names) - entries
        try:
            st = path.stat()
            stamp = (st.st_mtime_ns, st.st_size)
            day = cached.days.get(name)
            if day is None or day.stamp != stamp or (want_entry and day.entry is None):
                summary = _read_summary(path)
                entry = None
                if want_entry:
                    entry = FeedEntry.of(FeedItem(summary=summary, updated=datetime.fromtimestamp(st.st_mtime, UTC)))
                day = StoredDay(stamp=stamp, row=IndexDay.of(summary), entry=entry)
            elif entries and not want_entry and day.entry is not None:
                day = day.model_copy(update={"entry": None})  # out of the feed: the file keeps ~`entries` entries
        except (OSError, ValidationError, ValueError) as exc:
            log.warning("reports: %s left out (%s)", name, str(exc).splitlines()[0])
            continue
        kept[name] = day
    if kept != cached.days and reports_dir.is_dir():
        _atomic_write(digests_path, _Digests(days=kept).model_dump_json())
    return list(kept.values())


def _read_summary(path: Path) -> DailySummary:
    return DailySummary.model_validate_json(path.read_bytes())


def write_index(reports_dir: Path) -> Path:
    """Rebuild `index.html` from the stored JSON summaries (atomically); return its path."""
    days = [d.row for d in stored_days(reports_dir)]
    html_days = [d.day for d in days if (reports_dir / f"{d.day.isoformat()}.html").exists()]
    path = reports_dir / "index.html"
    _atomic_write(path, index_html(days, html_days))
    return path


@task(name="read-report-extras", cache_policy=NONE)
def read_report_extras(conn: duckdb.DuckDBPyConnection, day: date, summary: DailySummary | None = None) -> ReportExtras:
    """The report's extra data for `day` (given the `summary`, what its page links), read on the
    run's writer connection."""
    return report_extras_of(conn, day, summary)


@task(name="publish-report", cache_policy=NONE)
def publish_report(
    settings: Settings, summary: DailySummary, extras: ReportExtras | None = None, index: bool = True
) -> Path:
    """Write the day's HTML page and, unless `index` is false (a backfill does it once), the index."""
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    path = write_day_report(settings.reports_dir, summary, extras)
    if index:
        write_index(settings.reports_dir)
    log.info("%s: HTML report %s", summary.day, path)
    return path


@task(name="publish-report-index", cache_policy=NONE)
def publish_index(settings: Settings) -> Path:
    """Rebuild reports/index.html from the stored summaries."""
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    return write_index(settings.reports_dir)


def _atomic_write(path: Path, text: str) -> None:
    """Readers see the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
