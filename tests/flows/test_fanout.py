"""Extraction and NER on a Dask cluster (flows/fanout.py): a real distributed.LocalCluster of two
worker processes, real Prefect, DuckDB and GE; the warehouse must be the one a single process makes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "samples"
TABLES = ["articles", "quarantine", "entities", "entity_aliases", "entity_mentions", "stories", "events"]


# On one xdist worker with the other users of the session's sample runs (tests/conftest.py).
pytestmark = pytest.mark.xdist_group("sample_runs")


@pytest.fixture(scope="module")
def dask_scheduler():
    """A scheduler address, as NEWSMON_DASK_ADDRESS would give one: two worker processes on this machine."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def _tables(database: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {t: con.execute(f"select * from {t} order by all").fetchall() for t in TABLES}


@pytest.mark.slow
def test_a_fanned_out_run_writes_what_one_process_writes(
    prefect_harness, sample_first_day_run, dask_scheduler, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.client.orchestration import get_client

    from flows.daily import daily

    days = list(json.loads((SAMPLE / "expected.json").read_text())["days"])[:1]  # NER, copies, quarantine
    # One process: the session's run of that first sample day in this process (tests/flows/conftest.py).
    one_process, first_summary = sample_first_day_run
    assert [first_summary.day.isoformat()] == days
    fanned_out = tmp_path / "dask"
    monkeypatch.setenv("NEWSMON_WAREHOUSE_DIR", str(fanned_out))
    monkeypatch.setenv("NEWSMON_DASK_ADDRESS", dask_scheduler)
    for day in days:
        daily(day=date.fromisoformat(day), inbox=str(SAMPLE / "inbox"))
    local, fanned = (_tables(path / "newsmon.duckdb") for path in (one_process, fanned_out))
    assert local["articles"], "the sample gives articles"
    assert fanned == local

    with get_client(sync_client=True) as client:
        names = {run.name.rsplit("-", 1)[0] for run in client.read_task_runs()}
    assert {"extract-batch", "read-batch"} <= names  # the cluster's work is in the flow runs


def test_nothing_of_dask_is_imported_without_an_address() -> None:
    import subprocess
    import sys

    code = "import sys, flows.daily; print({m.split('.')[0] for m in sys.modules} & {'distributed', 'dask'})"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["set()"]
