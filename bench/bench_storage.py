"""Copy-and-swap (warehouse/db.py) against DuckLake (SQLite catalog + Parquet files), measured
on synthetic warehouses shaped like ours. Item 3 of issue 10; the write-up is docs/storage.md.

    .venv/bin/python bench/bench_storage.py [--sizes 10000,100000] [--rounds 3] [--kills 30]
        [--runs 30] [--only readers,kill,cost,space,query,travel] [--work DIR] [--save FILE]

Needs `pip install duckdb-extension-ducklake==1.5.5 duckdb-extension-sqlite-scanner==1.5.5`
(the extension binaries are LOADed from those packages by path; nothing is downloaded).

History is made with DuckDB SQL, not the pipeline, deterministic: `articles` (~3 KB of text
each, 100 a day), `entity_mentions` (15 per article), `quarantine` (one article in 20) and
`runs` (one a day), in a DuckDB file made with the project's own schema files
(`warehouse.db.apply_schema`). The DuckLake copy of a history is made from that file with
CREATE TABLE ... AS in one snapshot. A "run" writes one day in one transaction the way the
pipeline's loads do: delete the day's rows (mentions by the day's article ids), insert the day's
100 articles, 1,500 mentions, 5 quarantine rows and its runs row. Copy-and-swap runs go through
the real `warehouse.db.writer()` (copy, write, commit, checkpoint, fsync, rename); DuckLake runs
through `child_write()` below: one ATTACH (catalog in WAL mode, 10 s busy timeout, data inlining
off), BEGIN, the statements, fsync of the run's new Parquet files, COMMIT: one snapshot per run.

Criteria (each printed as a table; --save writes every figure as JSON):
  readers  reader processes query in a loop (one reconnecting per query as `newsmon sql` does,
           one keeping its connection) while writer processes write days and then maintenance
           runs: reader errors, inconsistent answers, latency.
  kill     a writer process is SIGKILLed at random moments after it starts opening the store
           (half the trials write a new day, half re-write an existing day with other content);
           the state must then be exactly before or after, table by table; orphans are counted.
  cost     CPU (user+sys of the writer process and its children) and wall of writing one day
           at each history size, fresh process per run, designs and sizes interleaved.
  space    bytes per 1k articles as built, after --runs runs (every third also re-writes the day
           before it), and after maintenance (DuckLake: flush inlined data, merge adjacent
           files, rewrite files with deletes, expire snapshots, clean up old and orphaned files,
           VACUUM of the SQLite catalog; copy-and-swap: CHECKPOINT, VACUUM, and export-import).
  query    a reader's open+first query and three typical queries, fresh process each.
  travel   the day-over-day diff as time travel (AT (VERSION => n), table_changes) on DuckLake.
  statements  inside one run: 100 single-row INSERTs, executemany, one set-based INSERT, 100 small
           SELECTs (what the pipeline's row-wise loads and many small queries would cost).

CPU is user+sys from getrusage of the finished child processes (the machine is shared; wall
times are noisy, ratios within one run are what to read).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PER_DAY = 100  # articles a day
MENTIONS = 15  # per article
QUARANTINE_EVERY = 20  # one article in 20 is quarantined
TABLES = ("articles", "entity_mentions", "quarantine", "runs")

# --- extensions ---------------------------------------------------------------------------


def extension_path(name: str) -> Path:
    """The binary shipped by the duckdb-extension-<name> package for the running DuckDB."""
    import importlib

    import duckdb

    module = importlib.import_module(f"duckdb_extension_{name}")
    path = Path(module.__file__).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.is_file():
        raise SystemExit(f"{path} missing: pip install duckdb-extension-{name.replace('_', '-')}=={duckdb.__version__}")
    return path


def load_extensions(conn, *names: str) -> None:
    conn.execute("set autoinstall_known_extensions = false")
    conn.execute("set autoload_known_extensions = false")
    for name in names:
        literal = str(extension_path(name)).replace("'", "''")
        conn.execute(f"load '{literal}'")


# --- the DuckLake design ------------------------------------------------------------------


def lake_paths(lake: Path) -> tuple[Path, Path]:
    return lake / "catalog.sqlite", lake / "data"


def lake_attach_sql(lake: Path, *, read_only: bool, wal: bool = True) -> str:
    """wal: the catalog in SQLite's WAL mode with a 10 s busy timeout; else SQLite's defaults."""
    catalog, data = lake_paths(lake)
    opts = [f"data_path '{data}/'"] if not read_only else ["read_only"]
    if wal:
        opts += ["meta_journal_mode 'WAL'", "meta_busy_timeout 10000"]
    return f"attach 'ducklake:sqlite:{catalog}' as lake ({', '.join(opts)})"


def lake_connect(lake: Path, *, read_only: bool, wal: bool = True):
    import duckdb

    conn = duckdb.connect()
    load_extensions(conn, "ducklake", "sqlite_scanner")
    conn.execute(lake_attach_sql(lake, read_only=read_only, wal=wal))
    conn.execute("use lake")
    return conn


def lake_bytes(lake: Path) -> tuple[int, int]:
    """(bytes of catalog + its -wal/-shm + data files, number of data files)."""
    total = files = 0
    for p in lake.rglob("*"):
        if p.is_file():
            total += p.stat().st_size
            files += p.suffix == ".parquet"
    return total, files


# --- synthetic rows ---------------------------------------------------------------------------

_VOCAB = (
    "(select list(translate(substr(md5(i::varchar), 1, 3 + i % 7), '0123456789', 'ghijklmnop') order by i)"
    " from range(5000) t(i))"
)
_WORD = "w[1 + floor(4999 * pow((hash({args}) % 1000000) / 1e6, 3))::int]"  # Zipf-like word choice


def _ids(lo: int, hi: int) -> str:
    return f"(select 'art_' || substr(md5('a' || i), 1, 16) from range({lo}, {hi}) t(i))"


def gen_sql(table: str, lo: int, hi: int, variant: int = 0) -> str:
    """A SELECT of the rows of `table` for article numbers [lo, hi) (day = number // 100)."""
    day = f"(DATE '2020-01-01' + (i // {PER_DAY})::int)"
    if table == "articles":
        text = f"array_to_string(list_transform(range(450), k -> {_WORD.format(args='i, k, v')}), ' ')"
        return f"""
        select 'art_' || substr(md5('a' || i), 1, 16) as article_id,
            md5('d' || i) || md5('e' || i) as doc_id,
            {day} as day,
            'Headline ' || i || ' ' || w[1 + (hash(i, 1, v) % 5000)::bigint]
                || ' ' || w[1 + (hash(i, 2, v) % 5000)::bigint] as title,
            'html_metadata' as title_provenance,
            text,
            'Author ' || (hash(i) % 900) as author,
            'https://outlet' || (hash(i) % 40) || '.example/news/' || i as url,
            'https://outlet' || (hash(i) % 40) || '.example/news/' || i as canonical_url,
            'outlet' || (hash(i) % 40) as source,
            'Outlet ' || (hash(i) % 40) as sitename,
            substr(text, 1, 200) as description,
            'en' as language,
            {day}::timestamp + to_seconds((i * 7919) % 86400) as published_at,
            {day} as published_date,
            'json' as published_provenance,
            case when i % 3 = 0 then 'Town' || (hash(i, 3) % 300) end as dateline_place,
            case when i % 3 = 0 then {day} end as dateline_date,
            450 as word_count,
            md5(text) as content_hash
        from (select i, v, {text} as text from range({lo}, {hi}) t(i), (select {variant} as v), (select {_VOCAB} as w)),
            (select {_VOCAB} as w)
        """
    if table == "entity_mentions":
        return f"""
        select 'art_' || substr(md5('a' || i), 1, 16) as article_id,
            'person_' || substr(md5((hash(i, m) % 20000)::varchar), 1, 12) as entity_id,
            {_WORD.format(args="i, m, v")} || ' ' || w[1 + (hash(i, m, 9) % 5000)::bigint] as surface,
            m * 200 as start_char, m * 200 + 12 as end_char, m as sentence_index,
            m = 0 as in_headline, m < 3 as in_lead, 'PERSON' as label, 'exact' as how
        from range({lo}, {hi}) t(i), range({MENTIONS}) s(m), (select {variant} as v), (select {_VOCAB} as w)
        """
    if table == "quarantine":
        return f"""
        select {day} as day, 'articles' as stage, 'art_' || substr(md5('a' || i), 1, 16) as item_id,
            'text_min_words' as expectation, md5('d' || i) || md5('e' || i) as doc_id,
            'variant ' || {variant} || ': text shorter than the minimum' as reason,
            json_object('words', i % 50, 'variant', {variant}) as details
        from range({lo}, {hi}) t(i) where i % {QUARANTINE_EVERY} = 0
        """
    if table == "runs":
        return f"""
        select 'run_' || strftime(d, '%Y%m%d') as run_id, 'daily' as flow, d as day_from, d as day_to,
            d::timestamp + interval 1 hour as started_at, d::timestamp + interval 2 hour as finished_at,
            'completed' as status, json_object('inbox', 'inbox/') as params,
            json_object('articles', {PER_DAY}, 'variant', {variant}) as counts
        from (select DATE '2020-01-01' + n::int as d from range({lo // PER_DAY}, {hi // PER_DAY}) t(n))
        """
    raise ValueError(table)


def day_of(number: int) -> str:
    import datetime as dt

    return (dt.date(2020, 1, 1) + dt.timedelta(days=number // PER_DAY)).isoformat()


def run_statements(day_index: int, variant: int) -> list[str]:
    """One run: the day's delete-then-insert, as the pipeline's loads do it."""
    lo, hi = day_index * PER_DAY, (day_index + 1) * PER_DAY
    day = day_of(lo)
    return [
        f"delete from entity_mentions where article_id in (select article_id from articles where day = DATE '{day}')",
        f"delete from articles where day = DATE '{day}'",
        f"delete from quarantine where day = DATE '{day}'",
        f"delete from runs where day_from = DATE '{day}'",
        *(f"insert into {t} by name {gen_sql(t, lo, hi, variant)}" for t in TABLES),
    ]


# Signature of one day's rows in every table, and of all rows: (count, sum of row hashes).
_SIG = {
    "articles": ("hash(article_id, text)", "article_id"),
    "entity_mentions": ("hash(article_id, surface, start_char::integer)", "article_id"),
    "quarantine": ("hash(item_id, reason)", "item_id"),
    "runs": ("hash(run_id, counts::varchar)", "run_id"),
}


def signature_sql(day_index: int) -> str:
    lo, hi = day_index * PER_DAY, (day_index + 1) * PER_DAY
    ids = _ids(lo, hi)
    run_id = "run_" + day_of(lo).replace("-", "")
    parts = []
    for t, (h, key) in _SIG.items():
        where = f"{key} = '{run_id}'" if t == "runs" else f"{key} in {ids}"
        parts.append(f"(select [count(*)::bigint, coalesce(sum({h}), 0)::hugeint] from {t})")
        parts.append(f"(select [count(*)::bigint, coalesce(sum({h}), 0)::hugeint] from {t} where {where})")
    return "select " + ", ".join(parts)


def expected_day_signature(day_index: int, variant: int) -> list[list[int]]:
    """The day's per-table signature if it holds `variant`'s rows (computed in memory)."""
    import duckdb

    conn = duckdb.connect()
    lo, hi = day_index * PER_DAY, (day_index + 1) * PER_DAY
    out = []
    for t, (h, _key) in _SIG.items():
        row = conn.execute(
            f"select [count(*)::bigint, coalesce(sum({h}), 0)::hugeint] from ({gen_sql(t, lo, hi, variant)})"
        ).fetchone()[0]
        out.append([int(x) for x in row])
    conn.close()
    return out


def read_signature(conn, day_index: int) -> tuple[list[list[int]], list[list[int]]]:
    """(per-table totals, per-table signature of the day) as seen by `conn`."""
    row = conn.execute(signature_sql(day_index)).fetchone()
    vals = [[int(x) for x in cell] for cell in row]
    return vals[0::2], vals[1::2]


# --- building the histories -------------------------------------------------------------------


def build_base(path: Path, n: int) -> None:
    """A copy-and-swap warehouse (our schema files) holding n articles of history."""
    import duckdb

    from warehouse import db

    tmp = path.with_name(path.name + ".building")
    tmp.unlink(missing_ok=True)
    conn = duckdb.connect(str(tmp))
    db.apply_schema(conn)
    chunk = 20_000
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        conn.execute("begin")
        for t in TABLES:
            conn.execute(f"insert into {t} by name {gen_sql(t, lo, hi)}")
        conn.execute("commit")
    conn.execute("checkpoint")
    conn.close()
    os.replace(tmp, path)


def build_lake(base: Path, lake: Path, *, wal: bool = True, compression: str = "zstd", inline: int = 0) -> None:
    """The same history as a DuckLake: SQLite catalog, Parquet files, one snapshot.

    Data inlining (inserts of up to `inline` rows kept in the catalog until flushed; DuckLake's
    default is 10) is off by default here: flushing it races with readers (docs/storage.md).
    """
    shutil.rmtree(lake, ignore_errors=True)
    (lake / "data").mkdir(parents=True)
    conn = lake_connect(lake, read_only=False, wal=wal)
    if compression:
        conn.execute(f"call lake.set_option('parquet_compression', '{compression}')")
    conn.execute(f"call lake.set_option('data_inlining_row_limit', {inline})")
    conn.execute(f"attach '{base}' as base (read_only)")
    conn.execute("begin")
    for t in TABLES:
        conn.execute(f"create table lake.main.{t} as select * from base.main.{t}")
    conn.execute("commit")
    conn.close()


def fresh_swap(base: Path, dest: Path) -> Path:
    for p in dest.parent.glob(dest.name + "*"):
        p.unlink()
    shutil.copy2(base, dest)
    return dest


def db_bytes(path: Path) -> int:
    return sum(
        p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file() and not p.name.endswith(".lock")
    )


# --- child processes --------------------------------------------------------------------------


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _mark(markers: Path | None, what: str) -> None:
    if markers:
        with markers.open("a") as f:
            f.write(f"{what} {time.time():.6f}\n")


def child_write(design: str, store: Path, day_index: int, variant: int, markers: Path | None, wal: bool) -> None:
    """Write one day (one run) and print phase CPU/wall as JSON."""
    t0, c0 = time.perf_counter(), _cpu()
    phases: dict[str, list[float]] = {}

    def lap(name: str, t: float, c: float) -> tuple[float, float]:
        t2, c2 = time.perf_counter(), _cpu()
        phases[name] = [round(c2 - c, 4), round(t2 - t, 4)]
        return t2, c2

    _mark(markers, "start")
    if design == "swap":
        from warehouse import db

        cm = db.writer(store)
        conn = cm.__enter__()  # lock, copy the file, connect, apply_schema, begin
        t, c = lap("open", t0, c0)
        _mark(markers, "open")
        for sql in run_statements(day_index, variant):
            conn.execute(sql)
        t, c = lap("write", t, c)
        _mark(markers, "written")
        cm.__exit__(None, None, None)  # commit, checkpoint, fsync, replace
        lap("commit", t, c)
    else:
        started = time.time()
        conn = lake_connect(store, read_only=False, wal=wal)
        conn.execute("begin")
        conn.execute(
            f"call lake.set_commit_message('newsmon', 'run of {day_of(day_index * PER_DAY)}',"
            f' extra_info => \'{{"day_index": {day_index}, "variant": {variant}}}\')'
        )
        t, c = lap("open", t0, c0)
        _mark(markers, "open")
        for sql in run_statements(day_index, variant):
            conn.execute(sql)
        t, c = lap("write", t, c)
        _mark(markers, "written")
        fsync_new_files(store / "data", started)  # as the copy-and-swap writer fsyncs its file
        conn.execute("commit")
        conn.close()
        lap("commit", t, c)
    _mark(markers, "committed")
    print(json.dumps({"phases": phases, "cpu": round(_cpu() - c0, 4), "wall": round(time.perf_counter() - t0, 4)}))


def fsync_new_files(data: Path, since: float) -> None:
    """fsync the Parquet files written since `since`, and their folders (DuckDB closes them without)."""
    folders = set()
    for path in data.rglob("*.parquet"):
        if path.stat().st_mtime >= since - 1:
            fd = os.open(path, os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)
            folders.add(path.parent)
    for folder in folders:
        fd = os.open(folder, os.O_DIRECTORY)
        os.fsync(fd)
        os.close(fd)


def open_reader(design: str, store: Path, wal: bool):

    from warehouse import db

    if design == "swap":
        return db.reader(store)
    return lake_connect(store, read_only=True, wal=wal)


COUNTS_SQL = (
    "select (select count(*) from articles), (select count(*) from entity_mentions),"
    " (select count(*) from quarantine), (select count(*) from runs)"
)


def child_reader(design: str, store: Path, mode: str, stop: Path, out: Path, wal: bool) -> None:
    """Query in a loop until `stop` exists; reconnect per query (fresh) or keep one connection (long)."""
    errors: Counter[str] = Counter()
    error_times: list[float] = []
    inconsistent = 0
    bad_reads: list[list] = []
    seen: Counter[int] = Counter()
    latencies: list[float] = []
    conn = None
    queries = 0
    while not stop.exists():
        t = time.perf_counter()
        try:
            if conn is None:
                conn = open_reader(design, store, wal)
            a, m, q, r = conn.execute(COUNTS_SQL).fetchone()
            queries += 1
            seen[a] += 1
            if m != a * MENTIONS or q != a // QUARANTINE_EVERY or r != a // PER_DAY:
                inconsistent += 1
                bad_reads.append([time.time(), a, m, q, r])
            if mode == "fresh":
                conn.close()
                conn = None
        except Exception as exc:
            errors[f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"] += 1
            error_times.append(time.time())
            with contextlib.suppress(Exception):
                conn.close()
            conn = None
        latencies.append(time.perf_counter() - t)
    out.write_text(
        json.dumps(
            {
                "queries": queries,
                "errors": dict(errors),
                "error_times": error_times,
                "inconsistent": inconsistent,
                "bad_reads": bad_reads[:20],
                "distinct_counts_seen": len(seen),
                "latency_p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
                "latency_max_ms": round(1000 * max(latencies), 1) if latencies else None,
                "cpu": round(_cpu(), 3),
            }
        )
    )


def child_maintain(design: str, store: Path, wal: bool) -> None:
    """The maintenance command of each design; prints bytes and CPU/wall per step as JSON."""
    steps: dict[str, Any] = {}
    if design == "swap":
        import duckdb

        from warehouse import db

        def step(name: str, fn) -> None:
            t, c = time.perf_counter(), _cpu()
            fn()
            steps[name] = {
                "cpu": round(_cpu() - c, 3),
                "wall": round(time.perf_counter() - t, 3),
                "bytes": db_bytes(store),
            }

        def checkpoint() -> None:
            with db.writer(store) as conn:
                conn.execute("commit")
                conn.execute("vacuum")
                conn.execute("checkpoint")
                conn.execute("begin")

        def export_import() -> None:  # a new file holding only live data, swapped in like a run
            with db.writer_lock(store):
                nxt = store.with_name(store.name + ".compact")
                nxt.unlink(missing_ok=True)
                conn = duckdb.connect()
                conn.execute(f"attach '{store}' as old (read_only)")
                conn.execute(f"attach '{nxt}' as new")
                conn.execute("copy from database old to new")
                conn.close()
                db._fsync(nxt)
                os.replace(nxt, store)
                db._fsync_dir(store.parent)

        steps["before"] = {"bytes": db_bytes(store)}
        step("checkpoint+vacuum", checkpoint)
        step("export-import", export_import)
    else:
        conn = lake_connect(store, read_only=False, wal=wal)
        steps["before"] = {"bytes": lake_bytes(store)[0], "files": lake_bytes(store)[1]}
        calls = {
            "flush_inlined_data": "call ducklake_flush_inlined_data('lake')",
            "merge_adjacent_files": "call ducklake_merge_adjacent_files('lake')",
            "rewrite_data_files": "call ducklake_rewrite_data_files('lake', delete_threshold => 0.0)",
            "expire_snapshots": "call ducklake_expire_snapshots('lake', older_than => now())",
            "cleanup_old_files": "call ducklake_cleanup_old_files('lake', cleanup_all => true)",
            "delete_orphaned_files": "call ducklake_delete_orphaned_files('lake', cleanup_all => true)",
        }
        for name, sql in calls.items():
            t, c = time.perf_counter(), _cpu()
            try:
                rows = len(conn.execute(sql).fetchall())
                err = None
            except Exception as exc:
                rows, err = None, str(exc).splitlines()[0][:200]
            b, f = lake_bytes(store)
            steps[name] = {
                "cpu": round(_cpu() - c, 3),
                "wall": round(time.perf_counter() - t, 3),
                "bytes": b,
                "files": f,
                "rows": rows,
                "error": err,
            }
        conn.close()
        import sqlite3

        t, c = time.perf_counter(), _cpu()
        s = sqlite3.connect(lake_paths(store)[0])
        s.execute("vacuum")
        s.execute("pragma wal_checkpoint(truncate)")
        s.close()
        b, f = lake_bytes(store)
        steps["sqlite_vacuum"] = {
            "cpu": round(_cpu() - c, 3),
            "wall": round(time.perf_counter() - t, 3),
            "bytes": b,
            "files": f,
        }
    print(json.dumps(steps))


QUERIES = {
    "open+count": "select count(*) from articles",
    "last 7 days by source": (
        "select day, source, count(*) from articles where day > (select max(day) - 7 from articles)"
        " group by all order by all"
    ),
    "top entities of a day": (
        "select m.entity_id, count(*) n from entity_mentions m join articles a using (article_id)"
        " where a.day = (select max(day) from articles) group by 1 order by n desc limit 10"
    ),
    "text scan (ILIKE)": "select count(*) from articles where text ilike '%cohen%'",
}


def child_query(design: str, store: Path, name: str, wal: bool) -> None:
    t0, c0 = time.perf_counter(), _cpu()
    conn = open_reader(design, store, wal)
    t1, c1 = time.perf_counter(), _cpu()
    conn.execute(QUERIES[name]).fetchall()
    t2, c2 = time.perf_counter(), _cpu()
    conn.close()
    print(json.dumps({"open": [round(c1 - c0, 4), round(t1 - t0, 4)], "query": [round(c2 - c1, 4), round(t2 - t1, 4)]}))


# --- parent helpers -------------------------------------------------------------------------


def _me(*args: Any) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *map(str, args)]


def run_child(*args: Any, timeout: float = 900) -> tuple[dict, float, float]:
    """Run a child; (its JSON, CPU user+sys of the child tree, wall)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(_me(*args), capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"child {args} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1]), cpu, wall


def store_of(work: Path, design: str, n: int, tag: str) -> Path:
    return work / f"{tag}-swap-{n}.duckdb" if design == "swap" else work / f"{tag}-lake-{n}"


def make_store(work: Path, design: str, n: int, tag: str, *, wal: bool = True, inline: int = 0) -> Path:
    base = base_path(work, n)
    store = store_of(work, design, n, tag)
    if design == "swap":
        fresh_swap(base, store)
    else:
        build_lake(base, store, wal=wal, inline=inline)
    return store


def base_path(work: Path, n: int) -> Path:
    return work / f"base-{n}.duckdb"


def store_bytes(design: str, store: Path) -> int:
    return db_bytes(store) if design == "swap" else lake_bytes(store)[0]


def table(rows: list[list[Any]], head: list[str]) -> str:
    cells = [head] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(head))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


DESIGNS = ("swap", "lake")


# --- criteria ---------------------------------------------------------------------------------


# label -> (design, catalog in WAL mode with a busy timeout, data inlining row limit)
READER_VARIANTS = {
    "swap": ("swap", True, 0),
    "lake": ("lake", True, 0),
    "lake-inline10": ("lake", True, 10),
    "lake-default-journal": ("lake", False, 0),
}


def crit_readers(work: Path, n: int, cycles: int, writes: int, results: dict, which: list[str]) -> None:
    """Readers in a loop while, `cycles` times, writers write `writes` days and maintenance runs."""
    out_rows = []
    results["readers"] = {}
    for label in which:
        design, wal, inline = READER_VARIANTS[label]
        store = make_store(work, design, n, f"readers-{label}", wal=wal, inline=inline)
        stop = work / "readers.stop"
        stop.unlink(missing_ok=True)
        procs = []
        for mode in ("fresh", "long"):
            out = work / f"reader-{mode}.json"
            out.unlink(missing_ok=True)
            procs.append(
                (
                    mode,
                    out,
                    subprocess.Popen(_me("--child", "reader", design, store, mode, stop, out, int(wal)), cwd=ROOT),
                )
            )
        time.sleep(2.0)
        phases: list[tuple[str, float, float]] = []
        day = n // PER_DAY
        maint = []
        for _ in range(cycles):
            t = time.time()
            for _ in range(writes):
                run_child("--child", "write", design, store, day, 0, "", int(wal))
                day += 1
            run_child("--child", "write", design, store, day - 2, 1, "", int(wal))  # a re-run: deletes too
            phases.append(("write", t, time.time()))
            t = time.time()
            maint.append(run_child("--child", "maintain", design, store, int(wal))[0])
            phases.append(("maintain", t, time.time() + 0.5))
        time.sleep(1.0)
        stop.touch()

        def phase_of(t: float, phases: list = phases) -> str:
            return next((kind for kind, a, b in phases if a <= t <= b), "idle")

        rep = {}
        for mode, out, proc in procs:
            proc.wait(timeout=300)
            r = json.loads(out.read_text())
            where = Counter(phase_of(t) for t in r.pop("error_times"))
            bad_where = Counter(phase_of(b[0]) for b in r["bad_reads"])
            r["errors_by_phase"], r["inconsistent_by_phase"] = dict(where), dict(bad_where)
            rep[mode] = r
            for b in r["bad_reads"][:6]:
                print(
                    f"  inconsistent read ({label}, {mode}) during {phase_of(b[0])}: articles {b[1]}, mentions {b[2]},"
                    f" quarantine {b[3]}, runs {b[4]}"
                )
            out_rows.append(
                [
                    label,
                    mode,
                    r["queries"],
                    sum(r["errors"].values()),
                    ", ".join(f"{k} {v}" for k, v in where.items()) or "-",
                    r["inconsistent"],
                    ", ".join(f"{k} {v}" for k, v in bad_where.items()) or "-",
                    r["distinct_counts_seen"],
                    r["latency_p50_ms"],
                    r["latency_max_ms"],
                    "; ".join(f"{k} x{v}" for k, v in r["errors"].items())[:160] or "-",
                ]
            )
        results["readers"][label] = {
            "readers": rep,
            "maintenance": maint,
            "cycles": cycles,
            "writes": writes,
            "history": n,
        }
    print(
        f"\n## 1. readers: {cycles} x ({writes} runs + 1 re-run of {PER_DAY} articles, then maintenance)"
        f" on {n:,} articles\n"
    )
    print(
        table(
            out_rows,
            [
                "variant",
                "reader",
                "queries",
                "errors",
                "errors when",
                "wrong answers",
                "wrong when",
                "states seen",
                "p50 ms",
                "max ms",
                "error messages",
            ],
        )
    )


def crit_kill(work: Path, n: int, trials: int, results: dict, seed: int = 5) -> None:
    """SIGKILL a writer at random moments; the state must be exactly before or after."""
    rng = random.Random(seed)  # noqa: S311 - kill moments, not secrets
    results["kill"] = {}
    rows = []
    for design in DESIGNS:
        store = make_store(work, design, n, "kill")
        variants: dict[int, int] = {}  # day index -> variant present
        next_day = n // PER_DAY
        # calibrate the write window (from the child's "start" marker to its "committed")
        markers = work / "markers.txt"
        markers.unlink(missing_ok=True)
        run_child("--child", "write", design, store, next_day, 0, markers, 1)
        variants[next_day] = 0
        next_day += 1
        m = {k: float(v) for k, v in (line.split() for line in markers.read_text().splitlines())}
        # half the kills land anywhere after "start" (opening included), half after "open" (the
        # writing, the commit, and for copy-and-swap the checkpoint, fsync and rename)
        windows = {"start": m["committed"] - m["start"], "open": m["committed"] - m["open"]}
        window = windows["start"]
        outcomes: Counter[str] = Counter()
        last_marks: Counter[str] = Counter()
        bad = []
        for trial in range(trials):
            if trial % 2 == 1 and variants:
                day = rng.choice(sorted(variants))
                new_variant = variants[day] + 1
            else:
                day, new_variant = next_day, 0
                next_day += 1
            reader = open_reader(design, store, True)
            totals_before, day_before = read_signature(reader, day)
            reader.close()
            want_before = expected_day_signature(day, variants[day]) if day in variants else [[0, 0]] * len(TABLES)
            assert day_before == want_before, (design, trial, "before-state is not what the previous trials left")
            want_after = expected_day_signature(day, new_variant)
            markers.unlink(missing_ok=True)
            anchor = "open" if (trial // 2) % 2 else "start"
            delay = rng.uniform(0, 1.15 * windows[anchor])
            proc = subprocess.Popen(
                _me("--child", "write", design, store, day, new_variant, markers, 1),
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            while not (markers.exists() and f"{anchor} " in markers.read_text()):
                if proc.poll() is not None:
                    break
                time.sleep(0.002)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            marks = [line.split()[0] for line in markers.read_text().splitlines()] if markers.exists() else []
            last_marks[marks[-1] if marks else "none"] += 1
            reader = open_reader(design, store, True)
            totals_after, day_after = read_signature(reader, day)
            reader.close()
            rest_before = [[t[0] - d[0], t[1] - d[1]] for t, d in zip(totals_before, day_before, strict=True)]
            rest_after = [[t[0] - d[0], t[1] - d[1]] for t, d in zip(totals_after, day_after, strict=True)]
            if rest_after != rest_before:
                state = "OTHER DAYS CHANGED"
            elif day_after == want_before:
                state = "before"
            elif day_after == want_after:
                state = "after"
                variants[day] = new_variant
            else:
                state = "MIXED"
            if state not in ("before", "after"):
                bad.append({"trial": trial, "day": day, "state": state, "marks": marks, "day_after": day_after})
            outcomes[state] += 1
        # what killed writers left behind, and whether the store still takes a run
        leftovers: dict[str, Any] = {}
        if design == "swap":
            leftovers["stray_copies"] = len(list(store.parent.glob(store.name + ".next-*")))
            leftovers["stray_bytes"] = sum(p.stat().st_size for p in store.parent.glob(store.name + ".next-*"))
        else:
            conn = lake_connect(store, read_only=False)
            listed = [
                r[0]
                for r in conn.execute(
                    "call ducklake_delete_orphaned_files('lake', dry_run => true, cleanup_all => true)"
                ).fetchall()
            ]
            leftovers["orphan_files"] = len(listed)
            leftovers["orphan_bytes"] = sum(Path(p).stat().st_size for p in listed if Path(p).exists())
            conn.execute("call ducklake_delete_orphaned_files('lake', cleanup_all => true)")
            leftovers["orphans_after_delete_orphaned_files"] = len(
                conn.execute(
                    "call ducklake_delete_orphaned_files('lake', dry_run => true, cleanup_all => true)"
                ).fetchall()
            )
            conn.close()
        run_child("--child", "write", design, store, next_day, 0, "", 1)  # a run after all that
        leftovers["run_after_kills"] = "ok"
        if design == "swap":
            leftovers["stray_copies_after_next_run"] = len(list(store.parent.glob(store.name + ".next-*")))
        results["kill"][design] = {
            "trials": trials,
            "outcomes": dict(outcomes),
            "last_marker": dict(last_marks),
            "window_s": round(window, 3),
            "bad": bad,
            "leftovers": leftovers,
        }
        rows.append(
            [
                design,
                trials,
                outcomes["before"],
                outcomes["after"],
                trials - outcomes["before"] - outcomes["after"],
                ", ".join(f"{k} {v}" for k, v in sorted(last_marks.items())),
                f"{window:.2f}",
                ", ".join(f"{k}={v}" for k, v in leftovers.items()),
            ]
        )
    print(f"\n## 2. kill -9 of a writer ({trials} kills each, history {n:,}; half new days, half re-writes)\n")
    print(
        table(rows, ["design", "kills", "before", "after", "neither", "last marker reached", "window s", "left behind"])
    )


def crit_cost(work: Path, sizes: list[int], rounds: int, results: dict) -> None:
    """CPU and wall of writing one new day at each history size, interleaved."""
    stores = {(d, n): make_store(work, d, n, "cost") for n in sizes for d in DESIGNS}
    next_day = {n: n // PER_DAY for n in sizes}
    samples: dict[tuple[str, int], list[dict]] = {k: [] for k in stores}
    for r in range(rounds + 1):  # round 0 warms the page cache and is dropped
        for n in sizes:
            order = list(DESIGNS) if r % 2 == 0 else list(reversed(DESIGNS))
            for d in order:
                out, cpu, wall = run_child("--child", "write", d, stores[(d, n)], next_day[n], 0, "", 1)
                if r:
                    samples[(d, n)].append(
                        {
                            "cpu": cpu,
                            "wall": wall,
                            **{f"{p}_cpu": v[0] for p, v in out["phases"].items()},
                            **{f"{p}_wall": v[1] for p, v in out["phases"].items()},
                        }
                    )
            next_day[n] += 1
    med = {k: {m: statistics.median(s[m] for s in v) for m in v[0]} for k, v in samples.items()}
    results["cost"] = {
        f"{d}@{n}": {"median": m, "samples": samples[(d, n)], "store_bytes": store_bytes(d, stores[(d, n)])}
        for (d, n), m in med.items()
    }
    rows = []
    for d in DESIGNS:
        for n in sizes:
            m = med[(d, n)]
            rows.append(
                [
                    d,
                    f"{n:,}",
                    f"{store_bytes(d, stores[(d, n)]) / 1e6:.0f}",
                    f"{m['cpu']:.2f}",
                    f"{m['wall']:.2f}",
                    f"{m['open_cpu']:.2f} / {m['open_wall']:.2f}",
                    f"{m['write_cpu']:.2f} / {m['write_wall']:.2f}",
                    f"{m['commit_cpu']:.2f} / {m['commit_wall']:.2f}",
                ]
            )
    print(f"\n## 3. one run ({PER_DAY} articles) against the history: medians of {rounds} fresh processes\n")
    print(
        table(
            rows,
            [
                "design",
                "history",
                "MB",
                "process CPU s",
                "wall s",
                "open CPU/wall",
                "write CPU/wall",
                "commit CPU/wall",
            ],
        )
    )
    if len(sizes) > 1:
        lo, hi = sizes[0], sizes[-1]
        ratio_rows = []
        for d in DESIGNS:
            a, b = med[(d, lo)], med[(d, hi)]

            def storage(m: dict, unit: str) -> float:
                return m[f"open_{unit}"] + m[f"write_{unit}"] + m[f"commit_{unit}"]

            ratio_rows.append(
                [
                    d,
                    f"{b['cpu'] / a['cpu']:.2f}",
                    f"{b['wall'] / a['wall']:.2f}",
                    f"{storage(b, 'cpu') / storage(a, 'cpu'):.2f}",
                    f"{storage(b, 'wall') / storage(a, 'wall'):.2f}",
                ]
            )
        print(f"\nratios {hi:,} / {lo:,} history:\n")
        print(table(ratio_rows, ["design", "process CPU", "wall", "storage CPU (open+write+commit)", "storage wall"]))
        results["cost_ratios"] = {r[0]: r[1:] for r in ratio_rows}


def crit_space(work: Path, n: int, runs: int, results: dict) -> None:
    rows = []
    results["space"] = {}
    for d in DESIGNS:
        store = make_store(work, d, n, "space")
        articles = n
        built = store_bytes(d, store)
        first = n // PER_DAY
        cpu_total = 0.0
        for k in range(runs):
            _, cpu, _ = run_child("--child", "write", d, store, first + k, 0, "", 1)
            cpu_total += cpu
            articles += PER_DAY
            if k % 3 == 2:  # re-write the day before with other content (deletes + inserts)
                _, cpu, _ = run_child("--child", "write", d, store, first + k - 1, 1, "", 1)
                cpu_total += cpu
        after_runs = store_bytes(d, store)
        files_after = lake_bytes(store)[1] if d == "lake" else 1
        maint, mcpu, mwall = run_child("--child", "maintain", d, store, 1)
        final = store_bytes(d, store)
        results["space"][d] = {
            "history": n,
            "runs": runs,
            "articles": articles,
            "built_bytes": built,
            "after_runs_bytes": after_runs,
            "after_maintenance_bytes": final,
            "runs_cpu": cpu_total,
            "maintenance": maint,
            "maintenance_cpu": mcpu,
            "maintenance_wall": mwall,
        }
        per = lambda b, a: f"{b / (a / 1000) / 1e6:.2f}"  # noqa: E731
        steps = ", ".join(
            f"{k}: {v['bytes'] / 1e6:.1f} MB"
            + (f"/{v['files']} files" if "files" in v else "")
            + (f" ({v['cpu']:.2f} s CPU)" if "cpu" in v else "")
            for k, v in maint.items()
        )
        rows.append(
            [
                d,
                per(built, n),
                per(after_runs, articles),
                files_after,
                per(final, articles),
                f"{mcpu:.2f} / {mwall:.2f}",
                steps,
            ]
        )
    print(f"\n## 4. space: MB per 1k articles, history {n:,}, {runs} runs (+{runs // 3} re-writes)\n")
    print(
        table(
            rows,
            [
                "design",
                "as built",
                f"after {runs} runs",
                "data files",
                "after maintenance",
                "maint. CPU/wall s",
                "steps",
            ],
        )
    )


def crit_query(work: Path, sizes: list[int], rounds: int, results: dict) -> None:
    results["query"] = {}
    rows = []
    for n in sizes:
        stores = {
            d: store_of(work, d, n, "cost")
            if store_of(work, d, n, "cost").exists()
            else make_store(work, d, n, "query")
            for d in DESIGNS
        }
        for name in QUERIES:
            for d in DESIGNS:
                outs = [run_child("--child", "query", d, stores[d], name, 1) for _ in range(rounds)]
                m_open = [statistics.median(o[0]["open"][i] for o in outs) for i in (0, 1)]
                m_q = [statistics.median(o[0]["query"][i] for o in outs) for i in (0, 1)]
                m_cpu = statistics.median(o[1] for o in outs)
                results["query"][f"{d}@{n}:{name}"] = {"open": m_open, "query": m_q, "process_cpu": m_cpu}
                rows.append(
                    [
                        f"{n:,}",
                        name,
                        d,
                        f"{m_open[0]:.3f} / {m_open[1]:.3f}",
                        f"{m_q[0]:.3f} / {m_q[1]:.3f}",
                        f"{m_cpu:.2f}",
                    ]
                )
    print(f"\n## 5. reading: open (connect / LOAD + ATTACH) and one query, fresh process, medians of {rounds}\n")
    print(table(rows, ["history", "query", "design", "open CPU/wall s", "query CPU/wall s", "process CPU s"]))


def crit_travel(work: Path, n: int, results: dict) -> None:
    """Day-over-day diff from snapshots, against the same diff from the day columns."""
    store = make_store(work, "lake", n, "travel")
    first = n // PER_DAY
    for k in range(3):
        run_child("--child", "write", "lake", store, first + k, 0, "", 1)
    run_child("--child", "write", "lake", store, first + 1, 1, "", 1)  # a re-run of a day: 5 snapshots in all
    conn = lake_connect(store, read_only=True)
    snaps = conn.execute(
        "select snapshot_id, commit_message, commit_extra_info from lake.snapshots() order by snapshot_id"
    ).fetchall()
    last, prev = snaps[-1][0], snaps[-2][0]
    probes = {
        "rows added by the last run (EXCEPT against AT VERSION)": (
            f"select count(*) from (select article_id, text from articles except all"
            f" select article_id, text from articles at (version => {prev}))"
        ),
        "rows removed by the last run": (
            f"select count(*) from (select article_id, text from articles at (version => {prev}) except all"
            f" select article_id, text from articles)"
        ),
        "table_changes of the last run (articles)": (
            f"select change_type, count(*) from lake.table_changes('articles', {last}, {last}) group by 1 order by 1"
        ),
        "table_changes of the last 3 runs (entity_mentions)": (
            f"select change_type, count(*) from lake.table_changes('entity_mentions', {last - 2}, {last})"
            " group by 1 order by 1"
        ),
        "articles per snapshot (AT VERSION, each run)": (
            "select " + ", ".join(f"(select count(*) from articles at (version => {s[0]}))" for s in snaps[-4:])
        ),
    }
    out = {"snapshots": [list(map(str, s)) for s in snaps[-5:]]}
    rows = []
    for name, sql in probes.items():
        t, c = time.perf_counter(), _cpu()
        res = conn.execute(sql).fetchall()
        out[name] = {
            "result": [list(map(str, r)) for r in res],
            "cpu": round(_cpu() - c, 3),
            "wall": round(time.perf_counter() - t, 3),
        }
        rows.append([name, "; ".join(", ".join(map(str, r)) for r in res), f"{_cpu() - c:.3f}"])
    conn.close()
    results["travel"] = out
    print(f"\n## 6. time travel (history {n:,} + 4 runs; snapshots {prev} -> {last})\n")
    print("last snapshots: " + "; ".join(f"{s[0]} {s[1]!r}" for s in snaps[-5:]))
    print(table(rows, ["probe", "result", "CPU s"]))


def child_statements(design: str, store: Path) -> None:
    """Per-statement costs inside one run: row-wise INSERTs (as warehouse/store.py loads documents),
    executemany, one set-based INSERT, and small queries on a kept connection."""
    out: dict[str, Any] = {}
    q = "insert into quarantine values (DATE '2030-01-01', 'bench', ?, ?, null, 'r', null)"

    def files() -> int:
        return lake_bytes(store)[1] if design == "lake" else 0

    def timed(name: str, fn) -> None:
        f, t, c = files(), time.perf_counter(), _cpu()
        fn()
        out[name] = {"cpu": round(_cpu() - c, 3), "wall": round(time.perf_counter() - t, 3), "new_files": files() - f}

    if design == "swap":
        from warehouse import db

        cm = db.writer(store)
        conn = cm.__enter__()
    else:
        conn = lake_connect(store, read_only=False)
        conn.execute("begin")
    timed("100 single-row INSERTs", lambda: [conn.execute(q, [f"a{i}", "x"]) for i in range(100)])
    timed("executemany of 100 rows", lambda: conn.executemany(q, [[f"b{i}", "y"] for i in range(100)]))
    timed(
        "one INSERT of 100 rows",
        lambda: conn.execute(
            "insert into quarantine select DATE '2030-01-01', 'bench', 'c' || i, 'z', null, 'r', null"
            " from range(100) t(i)"
        ),
    )
    timed("100 small SELECTs", lambda: [conn.execute("select count(*) from quarantine").fetchall() for _ in range(100)])
    if design == "swap":
        cm.__exit__(None, None, None)
    else:
        conn.execute("commit")
        conn.close()
    print(json.dumps(out))


def crit_statements(work: Path, n: int, results: dict) -> None:
    rows = []
    results["statements"] = {}
    for d in DESIGNS:
        store = make_store(work, d, n, "statements")
        out, _, _ = run_child("--child", "statements", d, store)
        results["statements"][d] = out
        for name, v in out.items():
            rows.append([d, name, f"{v['cpu']:.3f}", f"{v['wall']:.3f}", v["new_files"] if d == "lake" else "-"])
    print(f"\n## statements inside one run (history {n:,}): what row-wise loads and small queries cost\n")
    print(table(rows, ["design", "statements", "CPU s", "wall s", "new Parquet files"]))


# --- main -------------------------------------------------------------------------------------


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, design, store, *rest = sys.argv[2:]
        store = Path(store)
        if kind == "write":
            day, variant, markers, wal = rest
            child_write(design, store, int(day), int(variant), Path(markers) if markers else None, wal == "1")
        elif kind == "reader":
            mode, stop, out, wal = rest
            child_reader(design, store, mode, Path(stop), Path(out), wal == "1")
        elif kind == "maintain":
            child_maintain(design, store, rest[0] == "1")
        elif kind == "statements":
            child_statements(design, store)
        elif kind == "query":
            child_query(design, store, rest[0], rest[1] == "1")
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--kills", type=int, default=30)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--writes", type=int, default=3, help="reader test: runs per cycle")
    ap.add_argument("--readers", default=",".join(READER_VARIANTS), help="variants of the reader test")
    ap.add_argument("--cycles", type=int, default=4, help="reader test: cycles of runs + maintenance")
    ap.add_argument("--only", default="readers,kill,cost,space,query,travel,statements")
    ap.add_argument("--work", default=str(ROOT / "bench" / "out" / "storage"))
    ap.add_argument("--save")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    small = sizes[0]
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    import duckdb

    print(
        f"duckdb {duckdb.__version__}; ducklake + sqlite_scanner from the duckdb-extension-* packages; "
        f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}"
    )
    for n in sizes:
        base = base_path(work, n)
        if not base.exists():
            t = time.perf_counter()
            build_base(base, n)
            print(
                f"built {base.name}: {n:,} articles, {db_bytes(base) / 1e6:.0f} MB in {time.perf_counter() - t:.0f} s"
            )
    results: dict[str, Any] = {"sizes": sizes, "argv": sys.argv[1:]}
    only = set(args.only.split(","))
    if "readers" in only:
        crit_readers(work, small, args.cycles, args.writes, results, args.readers.split(","))
    if "kill" in only:
        crit_kill(work, small, args.kills, results)
    if "cost" in only:
        crit_cost(work, sizes, args.rounds, results)
    if "space" in only:
        crit_space(work, small, args.runs, results)
    if "query" in only:
        crit_query(work, sizes, args.rounds, results)
    if "travel" in only:
        crit_travel(work, small, results)
    if "statements" in only:
        crit_statements(work, small, results)
    if args.save:
        Path(args.save).write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
