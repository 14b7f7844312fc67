"""The service path for real: `prefect server start`, `newsmon serve` on a per-minute cron,
and a run that the server's scheduler created (not a manual trigger) must complete, write
the warehouse, leave its summary artifact and its stage log lines in the API.

This is the test that catches a dependency set whose scheduler never fires (Prefect 3.8
with SQLAlchemy 2.1 logs `Can't evaluate bulk DML statement` and creates no runs).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SAMPLE_DAY = ROOT / "samples" / "inbox" / "2026-03-02"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory):
    """A real `prefect server start` on a free loopback port with its own PREFECT_HOME."""
    home = tmp_path_factory.mktemp("prefect_home")
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        # The real scheduler service, looping every 5 s instead of 60 s so the test is short.
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
    }
    env.pop("PREFECT_API_URL", None)
    log_path = home / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(proc)
            pytest.fail(f"prefect server did not start:\n{_tail(log_path)}")
        time.sleep(0.5)
    yield {"api": api, "home": home, "log": log_path, "env": {**env, "PREFECT_API_URL": api}}
    _stop(proc)


def _flow_runs(api: str) -> list[dict]:
    r = httpx.post(f"{api}/flow_runs/filter", json={"sort": "EXPECTED_START_TIME_ASC", "limit": 50}, timeout=10)
    r.raise_for_status()
    return r.json()


@pytest.fixture(scope="module")
def scheduled_run(prefect_server, tmp_path_factory: pytest.TempPathFactory):
    """`newsmon serve --cron '* * * * *'`; waits for a run the scheduler created to finish."""
    work = tmp_path_factory.mktemp("served")
    inbox = work / "inbox"
    inbox.mkdir()
    for path in SAMPLE_DAY.iterdir():  # flat inbox files arrive on whatever day the schedule runs
        shutil.copy2(path, inbox / path.name)
    warehouse = work / "warehouse"
    env = {**prefect_server["env"], "NEWSMON_WAREHOUSE_DIR": str(warehouse)}
    serve_log = work / "serve.log"
    with serve_log.open("wb") as log:
        serve = subprocess.Popen(
            [str(BIN / "newsmon"), "serve", "--cron", "* * * * *", "--inbox", str(inbox)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    api = prefect_server["api"]
    deadline = time.monotonic() + 300
    done = None
    try:
        while done is None:
            runs = [r for r in _flow_runs(api) if r["auto_scheduled"]]
            done = next((r for r in runs if r["state_type"] == "COMPLETED"), None)
            broken = [r for r in runs if r["state_type"] in ("FAILED", "CRASHED")]
            if done is None and (broken or serve.poll() is not None or time.monotonic() > deadline):
                states = [(r["name"], r["state_type"], r["expected_start_time"]) for r in runs]
                pytest.fail(
                    f"no scheduled run completed; scheduled runs: {states}\n"
                    f"--- prefect server log:\n{_tail(prefect_server['log'])}\n"
                    f"--- newsmon serve log:\n{_tail(serve_log)}"
                )
            time.sleep(0.5)  # how soon a finished run is seen; the deadline above is the limit
    finally:
        _stop(serve)
    return {"run": done, "warehouse": warehouse, "api": api, "env": env, "serve_log": serve_log}


def test_the_scheduler_creates_a_run_that_writes_the_warehouse(scheduled_run):
    run = scheduled_run["run"]
    assert run["auto_scheduled"] is True
    assert run["deployment_id"]
    conn = duckdb.connect(str(scheduled_run["warehouse"] / "newsmon.duckdb"), read_only=True)
    try:
        articles = conn.execute("select count(*) from articles").fetchone()[0]
        statuses = conn.execute("select status from runs").fetchall()
    finally:
        conn.close()
    assert articles >= 5
    assert ("completed",) in statuses


def test_the_scheduled_run_leaves_its_summary_artifact(scheduled_run):
    api, run = scheduled_run["api"], scheduled_run["run"]
    r = httpx.post(f"{api}/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [run["id"]]}}}, timeout=10)
    r.raise_for_status()
    artifacts = r.json()
    day = datetime.fromisoformat(run["expected_start_time"]).astimezone(UTC).date()
    keys = {a["key"] for a in artifacts}
    assert f"daily-summary-{day.isoformat()}" in keys, keys
    summary = next(a for a in artifacts if a["key"] == f"daily-summary-{day.isoformat()}")
    assert "articles" in summary["data"].lower()


def test_stage_lines_reach_the_run_logs_in_the_api(scheduled_run):
    api, run = scheduled_run["api"], scheduled_run["run"]
    query = {"logs": {"flow_run_id": {"any_": [run["id"]]}}, "limit": 200}
    r = httpx.post(f"{api}/logs/filter", json=query, timeout=10)
    r.raise_for_status()
    lines = [(log["level"], log["message"]) for log in r.json()]
    stage = [m for level, m in lines if level == 20 and "documents ->" in m and "articles" in m]
    assert stage, lines


@pytest.mark.parametrize("command", [["deployment", "ls"], ["flow-run", "ls"], ["artifact", "ls"]])
def test_prefect_cli_lists_against_the_server(scheduled_run, command):
    out = subprocess.run(
        [str(BIN / "prefect"), *command], env=scheduled_run["env"], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stdout + out.stderr
    if command[0] == "deployment":
        assert "newsmon-daily" in out.stdout


def test_status_shows_the_served_run_and_the_schedule(scheduled_run):
    out = subprocess.run(
        [str(BIN / "newsmon"), "status", "--json"], env=scheduled_run["env"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    status = json.loads(out.stdout)
    assert status["schedule"]["cron"] == "* * * * *"
    assert status["schedule"]["next_run_at"] or status["schedule"]["note"]
    served = [r for r in status["runs"] if r["prefect_flow_run_id"] == scheduled_run["run"]["id"]]
    assert served and served[0]["status"] == "completed"
    # Served runs are forks of a process that already imported the pipeline and loaded the models
    # (newsmon/warm.py); the journal keeps each run's CPU seconds (bench/bench_served.py measures them).
    assert served[0]["warm"] is True
    assert served[0]["cpu_seconds"] > 0
