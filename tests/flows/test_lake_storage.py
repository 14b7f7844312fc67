"""The pipeline on a DuckLake warehouse (NEWSMON_STORAGE=ducklake, warehouse/lake.py): the same rows
and reports as on a DuckDB file, one snapshot per run named by its run id, identical re-runs,
`newsmon sql` / `status` / `compact` on it, and a PostgreSQL catalog on a real server.

Readers in other processes during runs and SIGKILLed writers are tested on the lake module itself
(tests/warehouse/test_lake.py) and through warehouse/db.py (tests/flows/test_daily.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

pytest.importorskip("duckdb_extension_ducklake")
pytest.importorskip("duckdb_extension_sqlite_scanner")

from tests.flows.conftest import SAMPLE
from tests.postgres_server import bin_dir, postgres_server
from warehouse import db, lake

ROOT = Path(__file__).resolve().parents[2]
DAYS = [date.fromisoformat(d) for d in json.loads((SAMPLE / "expected.json").read_text())["days"]]
# Columns that differ between two runs of the same input: the run's id and clock.
RUN_SPECIFIC = {"runs"}


# On one xdist worker with the other users of the session's sample runs (tests/conftest.py).
pytestmark = pytest.mark.xdist_group("sample_runs")


def _run_days(warehouse: Path, days: list[date], **env: str) -> None:
    from flows.daily import daily

    mp = pytest.MonkeyPatch()
    mp.setenv("NEWSMON_WAREHOUSE_DIR", str(warehouse))
    mp.setenv("NEWSMON_STORAGE", "ducklake")
    for name, value in env.items():
        mp.setenv(name, value)
    try:
        for day in days:
            daily(day=day, inbox=str(SAMPLE / "inbox"))
    finally:
        mp.undo()


def _rows(database: Path) -> dict[str, list[tuple]]:
    """Every table's rows but the run bookkeeping, without timestamp columns (when a run wrote them)."""
    conn = db.reader(database)
    try:
        tables = conn.execute(
            "select table_name from duckdb_tables() where database_name = current_database() order by 1"
        ).fetchall()
        found = {}
        for (table,) in tables:
            if table in RUN_SPECIFIC:
                continue
            columns = conn.execute(
                "select column_name from duckdb_columns() where database_name = current_database()"
                " and table_name = ? and data_type not like 'TIMESTAMP%' order by column_index",
                [table],
            ).fetchall()
            listed = ", ".join(f'"{c}"' for (c,) in columns)
            found[table] = conn.execute(f"select {listed} from {table} order by all").fetchall()
        return found
    finally:
        conn.close()


@pytest.fixture(scope="module")
def lake_days(prefect_harness, tmp_path_factory) -> Path:
    """The three sample days run into a fresh DuckLake warehouse; its warehouse folder."""
    warehouse = tmp_path_factory.mktemp("lake") / "warehouse"
    _run_days(warehouse, DAYS)
    return warehouse


@pytest.mark.slow
def test_same_rows_and_reports_as_on_a_duckdb_file(sample_days_run, lake_days: Path) -> None:
    on_file, _ = sample_days_run
    assert (lake_days / "newsmon.lake" / "catalog.sqlite").is_file()
    assert not (lake_days / "newsmon.duckdb").exists()
    assert _rows(lake_days / "newsmon.lake") == _rows(on_file / "newsmon.duckdb")
    for day in DAYS:
        for suffix in (".md", ".json"):
            name = f"{day.isoformat()}{suffix}"
            assert (lake_days / "reports" / name).read_bytes() == (on_file / "reports" / name).read_bytes(), name


@pytest.mark.slow
def test_one_snapshot_per_run_named_by_its_run_id_and_keys_hold(lake_days: Path) -> None:
    conn = db.reader(lake_days / "newsmon.lake")
    try:
        run_ids = [r[0] for r in conn.execute("select run_id from runs order by started_at").fetchall()]
        named = [s["commit_message"] for s in lake.snapshots(conn) if s["commit_message"]]
        assert named == run_ids and len(run_ids) == len(DAYS)
        assert lake.key_violations(conn) == {}
        # Time travel: the warehouse as the first run left it, while it has three days now.
        first = next(s["snapshot_id"] for s in lake.snapshots(conn) if s["commit_message"] == run_ids[0])
        days_then = conn.execute(f"select distinct day from articles at (version => {first})").fetchall()
        assert days_then == [(DAYS[0],)]
        articles = conn.execute("select count(*) from articles").fetchone()
    finally:
        conn.close()
    # Any DuckDB client, with the README's ATTACH (the extensions loaded from the registry packages).
    plain = duckdb.connect()
    try:
        for name in ("sqlite_scanner", "ducklake"):
            plain.execute(f"load '{lake.extension_path(name)}'")
        catalog = lake_days / "newsmon.lake" / "catalog.sqlite"
        plain.execute(f"attach 'ducklake:sqlite:{catalog}' as lake (read_only)")
        assert plain.execute("select count(*) from lake.articles").fetchone() == articles
    finally:
        plain.close()


@pytest.mark.slow
def test_a_rerun_changes_no_rows_and_compact_keeps_them(lake_days: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse"
    shutil.copytree(lake_days, warehouse)
    database = warehouse / "newsmon.lake"
    before = _rows(database)
    original_files = sorted((lake_days / "newsmon.lake" / "data").rglob("*.parquet"))
    copy_files = len(list((database / "data").rglob("*.parquet")))
    _run_days(warehouse, DAYS[-1:])
    assert _rows(database) == before
    # The copy writes and reads its own folder, not the one its catalog was created with.
    assert sorted((lake_days / "newsmon.lake" / "data").rglob("*.parquet")) == original_files
    assert len(list((database / "data").rglob("*.parquet"))) > copy_files
    env = {"NEWSMON_WAREHOUSE_DIR": str(warehouse), "NEWSMON_STORAGE": "ducklake", "PATH": "/usr/bin:/bin"}
    newsmon = [sys.executable, "-m", "newsmon.cli"]
    done = subprocess.run([*newsmon, "compact"], env=env, capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "MB ->" in done.stdout
    assert _rows(database) == before
    done = subprocess.run(
        [*newsmon, "sql", "--csv", "select count(*) from articles"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == str(len(before["articles"]))


@pytest.mark.slow
@pytest.mark.skipif(bin_dir() is None, reason="PostgreSQL is not installed (.ci/run installs it)")
def test_a_postgresql_catalog_on_a_real_server(prefect_harness, lake_days: Path, tmp_path: Path) -> None:
    pytest.importorskip("duckdb_extension_postgres_scanner")
    warehouse = tmp_path / "warehouse"
    with postgres_server() as conninfo:
        catalog = f"postgres:{conninfo}"
        _run_days(warehouse, DAYS[:1], NEWSMON_LAKE_CATALOG=catalog)
        database = warehouse / "newsmon.lake"
        assert lake.catalog_of(database) == catalog
        assert not (database / "catalog.sqlite").exists()
        # Another process finds the catalog from the folder alone, as a second machine would.
        code = (
            f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
            "from pathlib import Path\nfrom warehouse import db\n"
            f"c = db.reader(Path({str(database)!r}))\n"
            "print(c.execute('select count(*), count(distinct day) from articles').fetchone())"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        conn = db.reader(database)
        try:
            on_sqlite = db.reader(lake_days / "newsmon.lake")
            want = on_sqlite.execute(
                "select article_id, title from articles where day = ? order by 1", [DAYS[0]]
            ).fetchall()
            on_sqlite.close()
            assert conn.execute("select article_id, title from articles order by 1").fetchall() == want
            assert done.stdout.strip() == f"({len(want)}, 1)"
            assert len([s for s in lake.snapshots(conn) if s["commit_message"]]) == 1
            assert lake.key_violations(conn) == {}
        finally:
            conn.close()
        # The folder names its catalog: a setting that says otherwise is refused, not followed.
        with pytest.raises(lake.LakeCatalogError), db.writer(database, catalog="sqlite"):
            pass


def test_convert_copies_a_file_warehouse_into_a_lake(sample_days_run, tmp_path: Path, monkeypatch) -> None:
    from newsmon.cli import main

    on_file, _ = sample_days_run
    monkeypatch.setenv("NEWSMON_DATABASE", str(on_file / "newsmon.duckdb"))
    target = tmp_path / "moved.lake"
    assert main(["convert", "--to", str(target)]) == 0
    assert _rows(target) == _rows(on_file / "newsmon.duckdb")  # seeded tables (stopwords) not doubled
    assert main(["convert", "--to", str(target)]) == 1  # never over an existing lake
    assert main(["convert", "--to", str(tmp_path / "x.duckdb")]) == 2  # a usage mistake: one line
