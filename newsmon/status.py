"""Gather `newsmon status`: the run journal, the warehouse (read-only), the archive's size and
the Prefect API's next scheduled run. Never writes; answers while a run is writing."""

from __future__ import annotations

import os
from pathlib import Path

from newsmon.settings import Settings
from transforms.status import QuarantineTotal, QuietSource, Schedule, Status
from warehouse import db, journal

WINDOW_DAYS = 14
DEPLOYMENT = "newsmon-daily"


def _tree_size(folder: Path) -> tuple[int, int]:
    total = files = 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            try:
                total += (Path(root) / name).stat().st_size
                files += 1
            except OSError:
                continue
    return total, files


def _table_runs(conn, limit: int) -> list[journal.RunEntry]:
    return [
        journal.RunEntry(
            run_id=r["run_id"],
            command=r["flow"],
            days=[str(r["day_from"])] if r["day_from"] == r["day_to"] else [str(r["day_from"]), str(r["day_to"])],
            started_at=r["started_at"].isoformat() if r["started_at"] else None,
            ended_at=r["finished_at"].isoformat() if r["finished_at"] else None,
            status=r["status"],
        )
        for r in db.query(conn, "recent_runs", limit=limit)
    ]


def next_scheduled_run(api_url: str | None, cron: str) -> Schedule:
    """The deployment's next scheduled run from the Prefect API (3 s at most)."""
    if not api_url:
        return Schedule(cron=cron, note="PREFECT_API_URL is not set: not served from here")
    import httpx

    try:
        with httpx.Client(base_url=api_url.rstrip("/") + "/", timeout=3) as client:
            found = client.post("deployments/filter", json={"deployments": {"name": {"any_": [DEPLOYMENT]}}})
            found.raise_for_status()
            deployments = found.json()
            if not deployments:
                return Schedule(cron=cron, api_url=api_url, note=f"no deployment {DEPLOYMENT}: run `newsmon serve`")
            deployment = deployments[0]
            crons = [s.get("schedule", {}).get("cron") for s in deployment.get("schedules", [])]
            runs = client.post(
                "flow_runs/filter",
                json={
                    "flow_runs": {
                        "deployment_id": {"any_": [deployment["id"]]},
                        "state": {"type": {"any_": ["SCHEDULED"]}},
                    },
                    "sort": "EXPECTED_START_TIME_ASC",
                    "limit": 1,
                },
            )
            runs.raise_for_status()
    except (httpx.HTTPError, ValueError) as exc:
        return Schedule(cron=cron, api_url=api_url, note=f"Prefect API at {api_url} did not answer: {exc}")
    scheduled = runs.json()
    served_cron = next((c for c in crons if c), cron)
    note = "" if deployment.get("status") != "NOT_READY" else "deployment not ready: is `newsmon serve` running?"
    return Schedule(
        cron=served_cron,
        api_url=api_url,
        next_run_at=scheduled[0]["expected_start_time"] if scheduled else None,
        note=note or ("" if scheduled else "no run scheduled"),
    )


def warehouse_status(settings: Settings, runs: int = 10, api_url: str | None = None) -> Status:
    """Everything `newsmon status` shows."""
    database = settings.database_path
    archive_bytes, archive_files = _tree_size(settings.archive_dir)
    status = Status(
        database=str(database),
        database_bytes=db.size_bytes(database),
        archive=str(settings.archive_dir),
        archive_bytes=archive_bytes,
        archive_files=archive_files,
        schedule=next_scheduled_run(api_url, settings.schedule_cron),
        window_days=WINDOW_DAYS,
    )
    entries = journal.journal_runs(journal.journal_events(journal.journal_path(database)), journal.pid_alive)
    if not db.exists(database):
        status.notes.append(f"no warehouse at {database} yet: `newsmon run` creates it")
        status.runs = entries[:runs]
        return status
    conn = db.reader(database)
    try:
        known = {e.run_id for e in entries}
        older = [r for r in _table_runs(conn, runs) if r.run_id not in known]  # runs from before the journal
        status.runs = sorted(entries + older, key=lambda r: r.started_at or r.ended_at or "", reverse=True)[:runs]
        totals = db.query(conn, "article_totals")[0]
        status.articles, status.latest_day = totals["articles"], totals["latest_day"]
        status.quiet_sources = [QuietSource(**row) for row in db.query(conn, "quiet_source_days", days=WINDOW_DAYS)]
        status.quarantine = [QuarantineTotal(**row) for row in db.query(conn, "quarantine_totals")]
    finally:
        conn.close()
    return status
