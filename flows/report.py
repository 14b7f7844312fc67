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
from datetime import date
from pathlib import Path

import duckdb
from prefect import task
from prefect.cache_policies import NONE
from pydantic import ValidationError

from newsmon.settings import Settings
from transforms.report_html import ReportExtras, day_report_html, index_html, report_extras
from transforms.summary import DailySummary
from warehouse import db

log = logging.getLogger("newsmon")
_SUMMARY_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")


def report_extras_of(conn: duckdb.DuckDBPyConnection, day: date) -> ReportExtras:
    """What the day's page draws and links beyond the summary, from the report_* SQL models."""
    return report_extras(
        day,
        history_rows=db.query(conn, "report_source_history", day=day),
        story_entity_rows=db.query(conn, "report_story_entities", day=day),
        event_link_rows=db.query(conn, "report_event_links", day=day),
    )


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


def write_index(reports_dir: Path) -> Path:
    """Rebuild `index.html` from the stored JSON summaries (atomically); return its path."""
    summaries = stored_summaries(reports_dir)
    html_days = [s.day for s in summaries if (reports_dir / f"{s.day.isoformat()}.html").exists()]
    path = reports_dir / "index.html"
    _atomic_write(path, index_html(summaries, html_days))
    return path


@task(name="read-report-extras", cache_policy=NONE)
def read_report_extras(conn: duckdb.DuckDBPyConnection, day: date) -> ReportExtras:
    """The report's extra data for `day`, read on the run's writer connection."""
    return report_extras_of(conn, day)


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
