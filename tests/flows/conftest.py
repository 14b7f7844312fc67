"""Real Prefect (a temporary test server, once per session) and a temp warehouse per test."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture(scope="session")
def prefect_harness():
    """Prefect's own test harness: a real temporary API server and database."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def warehouse_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point Settings at a fresh warehouse folder."""
    path = tmp_path / "warehouse"
    monkeypatch.setenv("NEWSMON_WAREHOUSE_DIR", str(path))
    return path


@pytest.fixture(scope="session")
def sample_days_run(prefect_harness, tmp_path_factory):
    """The three sample days run once through the daily flow into a fresh warehouse, shared by the
    modules that only read it; yield (warehouse folder, {day: summary})."""
    from flows.daily import daily

    warehouse = tmp_path_factory.mktemp("sample") / "warehouse"
    mp = pytest.MonkeyPatch()
    mp.setenv("NEWSMON_WAREHOUSE_DIR", str(warehouse))
    try:
        days = json.loads((SAMPLE / "expected.json").read_text())["days"]
        summaries = {d: daily(day=date.fromisoformat(d), inbox=str(SAMPLE / "inbox")) for d in days}
    finally:
        mp.undo()
    return warehouse, summaries
