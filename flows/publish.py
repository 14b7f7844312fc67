"""Publish the Atom feed of daily summaries: read `<reports_dir>/<day>.json`, write `<reports_dir>/feed.xml`.

Rebuilt from the stored summaries after every run, so a backfill or a re-run of a day
updates its entry; written atomically, so a reader never sees half a feed.
"""

from __future__ import annotations

import logging
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from prefect import task
from prefect.cache_policies import NONE
from pydantic import ValidationError

from flows.report import stored_days
from transforms.feed import FEED_DAYS, FeedItem, summary_feed
from transforms.summary import DailySummary

log = logging.getLogger("newsmon")

FEED_FILE = "feed.xml"
_SUMMARY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")


def stored_summaries(reports_dir: Path, days: int = FEED_DAYS) -> list[FeedItem]:
    """The newest `days` readable summaries with their files' modification times; unreadable ones are skipped."""
    if not reports_dir.is_dir():
        return []
    paths = sorted((p for p in reports_dir.iterdir() if _SUMMARY_FILE.match(p.name)), reverse=True)
    items: list[FeedItem] = []
    for path in paths:
        if len(items) >= days:
            break
        try:
            summary = DailySummary.model_validate_json(path.read_bytes())
            updated = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        except (OSError, ValidationError, ValueError) as exc:
            log.warning("feed: skipped %s: not a readable daily summary (%s)", path, str(exc).splitlines()[0])
            continue
        items.append(FeedItem(summary=summary, updated=updated))
    return items


def written_feed(reports_dir: Path, days: int = FEED_DAYS, *, now: datetime | None = None) -> Path:
    """Rebuild `<reports_dir>/feed.xml` from the stored summaries and return its path."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / FEED_FILE
    entries = [d.entry for d in stored_days(reports_dir, entries=days) if d.entry is not None]
    xml = summary_feed(entries, now=now or datetime.now(UTC), days=days)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(xml)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


@task(name="publish-feed", cache_policy=NONE)
def publish_feed(reports_dir: Path, days: int = FEED_DAYS) -> Path:
    """The Atom feed of the newest daily summaries, rebuilt after a run (`<reports_dir>/feed.xml`)."""
    path = written_feed(reports_dir, days)
    log.info("feed: %s rebuilt", path)
    return path
