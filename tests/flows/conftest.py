"""Real Prefect (a temporary test server, once per session) and a temp warehouse per test."""

from __future__ import annotations

from pathlib import Path

import pytest


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
