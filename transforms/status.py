"""`newsmon status`: what a person checks on a server, as one record and as text. Pure."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from warehouse.journal import RunEntry


class QuietSource(BaseModel):
    """A source with days in the window that brought it no new article."""

    source: str
    last_article_day: date | None = None
    quiet_days: list[date] = Field(default_factory=list)


class QuarantineTotal(BaseModel):
    """Quarantined items of one stage and check."""

    stage: str
    expectation: str
    items: int
    items_latest_day: int = 0
    last_day: date | None = None


class Schedule(BaseModel):
    """The served deployment's next run, as the Prefect API tells it."""

    cron: str
    api_url: str | None = None
    next_run_at: str | None = None
    note: str = ""


class Status(BaseModel):
    """Runs, schedule, sizes, quiet sources and quarantine of one warehouse."""

    database: str
    database_bytes: int = 0
    archive: str
    archive_bytes: int = 0
    archive_files: int = 0
    latest_day: date | None = None
    articles: int = 0
    runs: list[RunEntry] = Field(default_factory=list)
    schedule: Schedule
    window_days: int = 14
    quiet_sources: list[QuietSource] = Field(default_factory=list)
    quarantine: list[QuarantineTotal] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


def human_bytes(n: int) -> str:
    """1536 -> '1.5 KiB'."""
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def _days(days: list[Any]) -> str:
    shown = ", ".join(str(d) for d in days[-5:])
    return shown if len(days) <= 5 else f"{len(days)} days, last: {shown}"


def notified_cell(results: list[dict[str, Any]]) -> str:
    """A run's notifications in a table cell: `-` (none), `2 sent`, `1 of 2 failed`."""
    if not results:
        return "-"
    failed = sum(1 for r in results if not r.get("ok"))
    return f"{len(results)} sent" if not failed else f"{failed} of {len(results)} failed"


def status_markdown(status: Status) -> str:
    """The status as a short Markdown report for a terminal."""
    lines = ["# newsmon status", ""]
    lines.append(f"- warehouse: {status.database} ({human_bytes(status.database_bytes)})")
    lines.append(
        f"- raw archive: {status.archive} ({human_bytes(status.archive_bytes)} in {status.archive_files} files)"
    )
    lines.append(f"- articles: {status.articles}, latest day: {status.latest_day or '-'}")
    sched = status.schedule
    when = sched.next_run_at or "-"
    lines.append(f"- schedule: '{sched.cron}'; next run: {when}" + (f" ({sched.note})" if sched.note else ""))
    lines += ["", "## Last runs", ""]
    if status.runs:
        lines += [
            "| started (UTC) | command | days | outcome | reason | CPU s | notified |",
            "|---|---|---|---|---|---|---|",
        ]
        for run in status.runs:
            days = run.days[0] if len(run.days) == 1 else f"{run.days[0]}..{run.days[-1]}" if run.days else "-"
            reason = (run.reason or "").replace("|", "/")
            lines.append(
                f"| {run.started_at or run.ended_at or '-'} | {run.command} | {days} | {run.status} | {reason} "
                f"| {'-' if run.cpu_seconds is None else f'{run.cpu_seconds:.1f}'} | {notified_cell(run.notified)} |"
            )
        failed = [(run, r) for run in status.runs for r in run.notified if not r.get("ok")]
        if failed:
            lines += ["", "Notifications that failed (the runs themselves are not affected):", ""]
            lines += [
                f"- {run.started_at or run.ended_at or '-'} {r.get('target', '?')}: {r.get('reason') or 'no reason'}"
                for run, r in failed
            ]
    else:
        lines.append("No runs recorded yet: `newsmon run` starts one.")
    lines += ["", f"## Sources with days without new articles (last {status.window_days} days)", ""]
    if status.quiet_sources:
        for quiet in status.quiet_sources:
            lines.append(f"- {quiet.source}: {_days(quiet.quiet_days)} (last article {quiet.last_article_day})")
    else:
        lines.append("Every source had new articles every day.")
    lines += ["", "## Quarantine", ""]
    if status.quarantine:
        lines += ["| stage | check | items | on the latest day | last |", "|---|---|---|---|---|"]
        for q in status.quarantine:
            lines.append(f"| {q.stage} | {q.expectation} | {q.items} | {q.items_latest_day} | {q.last_day} |")
    else:
        lines.append("Nothing quarantined.")
    if status.notes:
        lines += ["", *[f"Note: {note}" for note in status.notes]]
    return "\n".join(lines)
