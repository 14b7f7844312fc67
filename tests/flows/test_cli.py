"""The command line: read-only SQL, clear errors, the served deployment's schedule."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from warehouse import db


def _newsmon(*args: str, env_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "NEWSMON_WAREHOUSE_DIR": str(env_dir)}
    return subprocess.run(
        [sys.executable, "-m", "newsmon.cli", *args], capture_output=True, text=True, env=env, input=stdin, check=False
    )


@pytest.fixture(scope="module")
def small_warehouse_file(tmp_path_factory) -> Path:
    """A warehouse with the real schema and one quarantine row, made once for the module."""
    path = tmp_path_factory.mktemp("small_warehouse") / "newsmon.duckdb"
    with db.writer(path) as con:
        con.execute("insert into quarantine values ('2026-03-01', 'load', 'x', 'check', null, 'why', null)")
    return path


@pytest.fixture
def small_warehouse(small_warehouse_file: Path, tmp_path: Path) -> Path:
    """A copy of that warehouse file of the test's own."""
    shutil.copy2(small_warehouse_file, tmp_path / "newsmon.duckdb")
    return tmp_path


def test_sql_prints_a_table_csv_and_json(small_warehouse):
    table = _newsmon("sql", "select stage, reason from quarantine", env_dir=small_warehouse)
    assert table.returncode == 0 and "stage" in table.stdout and "(1 row)" in table.stdout
    csv = _newsmon("sql", "select stage, reason from quarantine", "--csv", env_dir=small_warehouse)
    assert csv.stdout.splitlines() == ["stage,reason", "load,why"]
    js = _newsmon("sql", "-", "--json", env_dir=small_warehouse, stdin="select count(*) as n from quarantine")
    assert json.loads(js.stdout) == [{"n": 1}]


@pytest.mark.parametrize(
    "statement",
    [
        "delete from quarantine",
        "drop table articles",
        "insert into runs select * from runs",
        "create table x (a int)",
        "update articles set title = 'x'",
    ],
)
def test_sql_refuses_writes_with_a_clear_error(small_warehouse, statement):
    out = _newsmon("sql", statement, env_dir=small_warehouse)
    assert out.returncode == 2
    assert "read-only" in out.stderr and "Traceback" not in out.stderr
    again = _newsmon("sql", "select count(*) from quarantine", "--csv", env_dir=small_warehouse)
    assert again.stdout.splitlines()[1] == "1"


def test_sql_reports_bad_queries_and_a_missing_warehouse(small_warehouse, tmp_path):
    bad = _newsmon("sql", "select nope from quarantine", env_dir=small_warehouse)
    assert bad.returncode == 2 and "nope" in bad.stderr and "Traceback" not in bad.stderr
    missing = _newsmon("sql", "select 1", env_dir=tmp_path / "none")
    assert missing.returncode == 1 and "newsmon run" in missing.stderr


def test_output_cut_short_by_its_reader_is_not_a_failure(small_warehouse):
    """`newsmon sql ... | head -1`: no 'failed: BrokenPipeError' line, the shell's usual 141."""
    import os

    proc = subprocess.Popen(
        [sys.executable, "-m", "newsmon.cli", "sql", "select * from range(200000)", "--csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NEWSMON_WAREHOUSE_DIR": str(small_warehouse)},
    )
    assert proc.stdout.readline().strip() == b"range"
    proc.stdout.close()
    assert proc.wait(timeout=60) == 141
    assert proc.stderr.read() == b""


def test_missing_summary_and_bad_arguments_are_explained(tmp_path):
    out = _newsmon("summary", "--day", "2026-03-04", env_dir=tmp_path)
    assert out.returncode == 1 and "no summary" in out.stderr
    out = _newsmon("run", "--day", "yesterday", env_dir=tmp_path)
    assert out.returncode == 2 and "not a date" in out.stderr
    out = _newsmon("backfill", "--from", "2026-03-04", "--to", "2026-03-01", env_dir=tmp_path)
    assert out.returncode == 2 and "empty" in out.stderr


def test_served_deployment_runs_daily_on_the_cron_schedule(prefect_harness, tmp_path):
    from flows.daily import daily_deployment

    deployment = daily_deployment("30 5 * * *", inbox=str(tmp_path))
    assert deployment.name == "newsmon-daily"
    assert [s.schedule.cron for s in deployment.schedules] == ["30 5 * * *"]
    assert deployment.parameters == {"inbox": str(tmp_path)}


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"NEWSMON_STORAGE": "ducklake", "NEWSMON_DATABASE": "w.duckdb"}, "needs database to be a folder named *.lake"),
        ({"NEWSMON_DATABASE": "w.lake"}, "storage file needs database to be a DuckDB file"),
        ({"NEWSMON_STORAGE": "ducklake", "NEWSMON_LAKE_CATALOG": "mysql:x"}, "use sqlite or postgres:"),
        ({"NEWSMON_STORAGE": "lake"}, "storage"),
    ],
)
def test_a_storage_setting_that_does_not_fit_is_one_line(tmp_path, env, said):
    import os

    base = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    done = subprocess.run(
        [sys.executable, "-m", "newsmon.cli", "status"],
        capture_output=True,
        text=True,
        env={**base, "NEWSMON_WAREHOUSE_DIR": str(tmp_path), **env},
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 2
    assert said in done.stderr and len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
