"""The DuckLake prototype (warehouse/lake.py): one snapshot per run, readers in other processes
never fail nor see half a run, a writer killed with SIGKILL leaves the state before or after.

Real subprocesses throughout. Skipped where the extension packages are not installed
(`pip install duckdb-extension-ducklake duckdb-extension-sqlite-scanner` for this DuckDB).
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("duckdb_extension_ducklake")
pytest.importorskip("duckdb_extension_sqlite_scanner")

from warehouse import lake

ROOT = Path(__file__).resolve().parents[2]
PER_RUN = 200  # articles a run writes
MENTIONS = 3  # per article
KILLS = 7  # SIGKILLed writers (bench/bench_storage.py kills 30 per design)


def run_sql(day: int, variant: int = 0) -> list[str]:
    """One run: delete-then-insert of a day's articles, mentions and runs row."""
    lo, hi = day * PER_RUN, (day + 1) * PER_RUN
    d = f"(DATE '2024-01-01' + {day})"
    return [
        f"delete from entity_mentions where article_id in (select article_id from articles where day = {d})",
        f"delete from articles where day = {d}",
        f"delete from runs where day_from = {d}",
        f"""insert into articles (article_id, doc_id, day, text, source, published_at, published_date,
                published_provenance, word_count, content_hash)
            select 'a' || i, 'd' || i, {d}, repeat('word' || (i + {variant}) || ' ', 300), 'src', {d}::timestamp, {d},
                'json', 300, md5(i::varchar || {variant})
            from range({lo}, {hi}) t(i)""",
        f"""insert into entity_mentions (article_id, entity_id, surface, start_char, end_char, sentence_index,
                in_headline, in_lead)
            select 'a' || i, 'e' || (m + {variant}), 'x', m * 10, m * 10 + 5, m, false, m = 0
            from range({lo}, {hi}) t(i), range({MENTIONS}) s(m)""",
        f"""insert into runs (run_id, flow, day_from, day_to, started_at, status)
            values ('run{day}', 'daily', {d}, {d}, now()::timestamp, 'completed')""",
    ]


SIGNATURE = """
    select (select count(*) from articles), (select count(*) from entity_mentions), (select count(*) from runs),
        (select coalesce(sum(hash(article_id, text)), 0)::varchar from articles),
        (select coalesce(sum(hash(article_id, entity_id, start_char)), 0)::varchar from entity_mentions)
"""


def write_run(path: Path, day: int, variant: int = 0) -> None:
    with lake.writer(path, f"run of day {day}", {"day": day, "variant": variant}) as conn:
        for sql in run_sql(day, variant):
            conn.execute(sql)


def signature(path: Path, conn=None) -> tuple:
    """Counts and row hashes of the tables a run writes (each statement sees the latest snapshot)."""
    if conn is not None:
        return conn.execute(SIGNATURE).fetchone()
    conn = lake.reader(path)
    try:
        return conn.execute(SIGNATURE).fetchone()
    finally:
        conn.close()


def child(code: str, *args: str) -> subprocess.Popen:
    prelude = (
        f"import sys, json, time\nsys.path.insert(0, {str(ROOT)!r})\n"
        "from pathlib import Path\nfrom warehouse import lake\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", prelude + code, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "lake"
    for day in range(2):
        write_run(path, day)
    return path


def test_schema_without_keys_and_one_snapshot_per_run(warehouse: Path) -> None:
    conn = lake.reader(warehouse)
    tables = {
        r[0] for r in conn.execute("select table_name from duckdb_tables() where database_name = 'lake'").fetchall()
    }
    assert {"articles", "entity_mentions", "quarantine", "runs", "fetches", "schema_versions"} <= tables
    assert "fetches_rekeyed" not in tables  # 055's rebuild ran inside the first run's transaction
    snaps = lake.snapshots(conn)
    assert [s["commit_message"] for s in snaps[-2:]] == ["run of day 0", "run of day 1"]
    assert json.loads(snaps[-1]["commit_extra_info"]) == {"day": 1, "variant": 0}
    # the day-over-day diff is a query against the snapshot before the last run
    added = conn.execute(
        f"select count(*) from (from articles except from articles at (version => {snaps[-2]['snapshot_id']}))"
    ).fetchone()[0]
    assert added == PER_RUN
    with pytest.raises(Exception, match="read-only"):
        conn.execute("delete from articles")
    conn.close()
    assert "primary key" not in lake.lake_schema_sql("create table t (a int primary key, b int, primary key (a, b));")


def test_failed_block_changes_nothing(warehouse: Path) -> None:
    before = signature(warehouse)
    with pytest.raises(RuntimeError), lake.writer(warehouse) as conn:
        for sql in run_sql(7):
            conn.execute(sql)
        raise RuntimeError("stage failed")
    assert signature(warehouse) == before


def test_second_writer_is_refused(warehouse: Path) -> None:
    holder = child(
        "with lake.writer(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(30)\n", str(warehouse)
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(lake.WarehouseBusyError), lake.writer(warehouse):
            pass
    finally:
        holder.kill()
        holder.wait()
    write_run(warehouse, 9)  # the lock went with the killed process


READER = """
path, mode, stop = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
errors, bad, states, queries, conn = [], 0, set(), 0, None
while not stop.exists():
    try:
        conn = conn or lake.reader(path)
        a, m, r = conn.execute("select (select count(*) from articles), (select count(*) from entity_mentions),"
                               " (select count(*) from runs)").fetchone()
        queries += 1
        states.add(a)
        bad += m != a * __MENTIONS__ or r * __PER_RUN__ != a
        if mode == "fresh":
            conn.close()
            conn = None
    except Exception as exc:
        errors.append(str(exc)[:200])
        conn = None
print(json.dumps({"errors": errors, "bad": bad, "states": len(states), "queries": queries}))
""".replace("__MENTIONS__", str(MENTIONS)).replace("__PER_RUN__", str(PER_RUN))


def test_readers_in_other_processes_never_fail_during_writes(warehouse: Path, tmp_path: Path) -> None:
    stop = tmp_path / "stop"
    readers = [child(READER, str(warehouse), mode, str(stop)) for mode in ("fresh", "long")]
    time.sleep(1.5)
    for day in range(3, 6):
        write_run(warehouse, day)
    write_run(warehouse, 4, variant=1)  # a re-run: deletes as well as inserts
    lake.maintain(warehouse, grace_minutes=0)  # compaction with readers about
    time.sleep(0.5)
    stop.touch()
    for proc in readers:
        out, _ = proc.communicate(timeout=60)
        report = json.loads(out.strip().splitlines()[-1])
        assert report["errors"] == [], report
        assert report["bad"] == 0, report  # never half a run: mentions and runs match the articles
        assert report["queries"] > 0
        assert report["states"] >= 2, report  # and they did see runs land


WRITER = """
path, day, variant = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
sys.path.insert(0, sys.argv[4])
from test_lake import run_sql
print("start", flush=True)
with lake.writer(path) as conn:
    print("open", flush=True)
    for sql in run_sql(day, variant):
        conn.execute(sql)
print("committed", flush=True)
"""


def test_kill_9_leaves_before_or_after(warehouse: Path) -> None:
    here = str(Path(__file__).parent)
    # how long a writer takes from "start" (before it opens the lake) and from "open" (its
    # transaction begun) to "committed"
    proc = child(WRITER, str(warehouse), "3", "0", here)
    seen = {}
    for line in proc.stdout:
        seen[line.strip()] = time.perf_counter()
    proc.wait()
    assert list(seen) == ["start", "open", "committed"], proc.stderr.read()
    windows = {"start": seen["committed"] - seen["start"], "open": seen["committed"] - seen["open"]}
    rng = random.Random(3)  # noqa: S311 - kill moments, not secrets
    looker = lake.reader(warehouse)  # one reader throughout: each query sees the latest snapshot
    outcomes = []
    present = {3: 0}  # day -> variant present
    for trial in range(KILLS):
        day, variant = (3, present[3] + 1) if trial % 2 else (10 + trial, 0)
        # kills at random moments after "start" or after "open"; the last one just after the commit
        anchor = "committed" if trial == KILLS - 1 else ("open" if trial % 3 else "start")
        before = signature(warehouse, looker)
        proc = child(WRITER, str(warehouse), str(day), str(variant), here)
        while proc.stdout.readline().strip() not in (anchor, ""):
            pass
        if anchor != "committed":
            time.sleep(rng.uniform(0, 1.3 * windows[anchor]))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after_kill = signature(warehouse, looker)
        if after_kill == before:
            outcomes.append("before")
            continue
        # otherwise it must be exactly the completed run: redo it in-process (a run is
        # idempotent) and compare
        write_run(warehouse, day, variant)
        assert signature(warehouse, looker) == after_kill, f"trial {trial}: a state that is neither before nor after"
        present[day] = variant
        outcomes.append("after")
    looker.close()
    assert len(outcomes) == KILLS
    assert outcomes[-1] == "after"  # killed after its commit: the run stays
    # the lake still takes a run, and maintenance deletes the files killed writers left
    write_run(warehouse, 30)
    lake.maintain(warehouse, grace_minutes=0)
    with lake.writer(warehouse) as conn:
        left = conn.execute(
            "call ducklake_delete_orphaned_files('lake', dry_run => true, cleanup_all => true)"
        ).fetchall()
    assert left == []
