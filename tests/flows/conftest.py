"""Real Prefect (a temporary test server, once per session) and a temp warehouse per test."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "samples"
FIRST_SAMPLE_DAY = date(2026, 3, 2)


@pytest.fixture(scope="session")
def prefect_harness():
    """Prefect's own test harness: a real temporary API server and database."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def prefect_api_url(prefect_harness) -> str:
    """The harness's API server, as PREFECT_API_URL for `newsmon` subprocesses: a run given one uses it
    instead of booting a temporary server of its own (newsmon/prefect_api.py). For the tests whose point
    is not that temporary server; tests/flows/test_cli_service.py keeps the ones that are about it."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    assert url, "the Prefect test harness set no API URL"
    return url


@pytest.fixture
def warehouse_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point Settings at a fresh warehouse folder."""
    path = tmp_path / "warehouse"
    monkeypatch.setenv("NEWSMON_WAREHOUSE_DIR", str(path))
    return path


def _daily_into(warehouse: Path, day: date, inbox: Path):
    from flows.daily import daily

    mp = pytest.MonkeyPatch()
    mp.setenv("NEWSMON_WAREHOUSE_DIR", str(warehouse))
    try:
        return daily(day=day, inbox=str(inbox))
    finally:
        mp.undo()


@pytest.fixture(scope="session")
def sample_first_day_run(prefect_harness, tmp_path_factory):
    """The sample's first day (2026-03-02, the whole sample inbox) run once through the daily flow into a
    fresh warehouse; yield (warehouse folder, summary). Never written to: a test that goes on from it
    writes to its own copy of the whole folder (DuckDB file, raw archive, reports, data docs, journal)."""
    warehouse = tmp_path_factory.mktemp("sample_first_day") / "warehouse"
    return warehouse, _daily_into(warehouse, FIRST_SAMPLE_DAY, SAMPLE / "inbox")


@pytest.fixture(scope="session")
def sample_days_run(sample_first_day_run, tmp_path_factory):
    """The three sample days run once through the daily flow into a fresh warehouse, shared by the
    modules that only read it; yield (warehouse folder, {day: summary}). The first day is a copy of
    `sample_first_day_run`, the later days run on it."""
    first, first_summary = sample_first_day_run
    warehouse = tmp_path_factory.mktemp("sample") / "warehouse"
    shutil.copytree(first, warehouse)
    days = list(json.loads((SAMPLE / "expected.json").read_text())["days"])
    assert days[0] == FIRST_SAMPLE_DAY.isoformat(), days
    summaries = {days[0]: first_summary}
    for d in days[1:]:
        summaries[d] = _daily_into(warehouse, date.fromisoformat(d), SAMPLE / "inbox")
    return warehouse, summaries
