"""PROTOTYPE (not wired into the pipeline): the warehouse as a DuckLake, with the contract of
warehouse/db.py. See docs/storage.md for the measurements behind it.

A lake is a folder: `catalog.sqlite` (the DuckLake catalog, in SQLite's WAL mode) and `data/`
(immutable Parquet files). A run writes only its own rows: `writer()` attaches the lake, opens
one transaction and commits it as one DuckLake snapshot, so readers see the warehouse before
the run or after it, never between, and are never locked out (`reader()` attaches read-only
from any number of processes while a run writes). A run killed halfway leaves the catalog as
it was; the Parquet files it had written are orphans that `maintain()` deletes (the run's files
are fsynced before the commit names them). A lock file
keeps two runs apart, as in warehouse/db.py.

Differences from warehouse/db.py that callers see:
  * DuckLake has no PRIMARY KEY or UNIQUE constraints. The schema files are applied with their
    key clauses removed (`lake_schema_sql`), so `insert or replace` / `on conflict` do not work:
    loads must delete-then-insert (or MERGE INTO) on the key, and uniqueness becomes a check.
  * The fts index cannot be stored in a DuckLake (its tables have a NULL-typed column); it
    would live in a DuckDB file of its own beside the lake, rebuilt by each run.
  * Data inlining is switched off: flushing inlined rows (and merging the files the flush made)
    gave concurrent readers wrong counts in docs/storage.md's measurements.

Extensions come from the registry packages `duckdb-extension-ducklake` and
`duckdb-extension-sqlite-scanner` and are LOADed by path; nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse import db
from warehouse.db import WarehouseBusyError, WarehouseMissingError

__all__ = [
    "LakeExtensionMissingError",
    "WarehouseBusyError",
    "WarehouseMissingError",
    "apply_schema",
    "catalog_path",
    "lake_schema_sql",
    "maintain",
    "reader",
    "snapshots",
    "writer",
]

CATALOG = "catalog.sqlite"
DATA = "data"
BUSY_TIMEOUT_MS = 30_000  # how long a catalog statement waits for another connection's commit


class LakeExtensionMissingError(RuntimeError):
    """The ducklake or sqlite_scanner extension binary for this DuckDB is not installed."""


def catalog_path(lake: Path) -> Path:
    return lake / CATALOG


def extension_path(name: str) -> Path:
    """The binary shipped by duckdb-extension-<name> for the running DuckDB."""
    want = f"duckdb-extension-{name.replace('_', '-')}=={duckdb.__version__}"
    try:
        module = importlib.import_module(f"duckdb_extension_{name}")
    except ImportError:
        raise LakeExtensionMissingError(f"the DuckDB {name} extension is not installed: pip install {want}") from None
    path = Path(module.__file__).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.is_file():
        raise LakeExtensionMissingError(f"{path} is missing: pip install {want}")
    return path


def _connect(lake: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    try:
        conn.execute("set autoinstall_known_extensions = false")
        conn.execute("set autoload_known_extensions = false")
        for name in ("sqlite_scanner", "ducklake"):
            literal = str(extension_path(name)).replace("'", "''")
            conn.execute(f"load '{literal}'")  # LOAD takes no parameters; the path is our package's
        catalog = str(catalog_path(lake)).replace("'", "''")
        opts = ["meta_journal_mode 'WAL'", f"meta_busy_timeout {BUSY_TIMEOUT_MS}"]
        if read_only:
            opts.append("read_only")
        else:
            data = str(lake / DATA).replace("'", "''")
            opts += [f"data_path '{data}/'", "data_inlining_row_limit 0"]
        conn.execute(f"attach 'ducklake:sqlite:{catalog}' as lake ({', '.join(opts)})")
        conn.execute("use lake")
    except BaseException:
        conn.close()
        raise
    return conn


# `col type primary key,` and `, primary key (a, b)`: DuckLake has no key constraints.
_PK_COLUMN = re.compile(r"\s+primary\s+key(?=\s*(?:,|\)|--|\n))", re.IGNORECASE)
_PK_TABLE = re.compile(r",(\s*--[^\n]*)?\s*primary\s+key\s*\([^)]*\)", re.IGNORECASE)


def lake_schema_sql(sql: str) -> str:
    """A schema file's SQL with its PRIMARY KEY clauses removed (the keys stay documented there)."""
    return _PK_COLUMN.sub("", _PK_TABLE.sub(lambda m: m.group(1) or "", sql))


def apply_schema(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """warehouse/db.py's apply_schema for a lake: the same files, keys removed, same bookkeeping."""
    conn.execute(
        "create table if not exists schema_versions ("
        " version varchar not null, checksum varchar not null, applied_at timestamp not null)"
    )
    done = {row[0]: row[1] for row in conn.execute("select version, checksum from schema_versions").fetchall()}
    applied = []
    for path in db.schema_files():
        sql = path.read_text(encoding="utf-8")
        checksum = hashlib.sha256(sql.encode()).hexdigest()[:16]
        if done.get(path.stem) == checksum:
            continue
        conn.execute(lake_schema_sql(sql))
        conn.execute("delete from schema_versions where version = ?", [path.stem])
        conn.execute(
            "insert into schema_versions values (?, ?, ?)",
            [path.stem, checksum, datetime.now(UTC).replace(tzinfo=None)],
        )
        applied.append(path.stem)
    return applied


_writing: set[Path] = set()


@contextlib.contextmanager
def writer(
    lake: Path, message: str | None = None, info: dict[str, Any] | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection whose block is one transaction: committed as one snapshot if the block succeeds.

    `message` and `info` are stored with the snapshot (e.g. the run id), so a run can be
    found again for time travel: `select * from articles at (version => n)`.
    """
    key = lake.resolve()
    if key in _writing:
        raise WarehouseBusyError(f"this process is already writing {lake}")
    (lake / DATA).mkdir(parents=True, exist_ok=True)
    with db.writer_lock(catalog_path(lake)):
        _writing.add(key)
        try:
            started = time.time()
            conn = _connect(lake, read_only=False)
            try:
                conn.execute("begin transaction")
                apply_schema(conn)
                if message or info:
                    conn.execute(
                        "call lake.set_commit_message('newsmon', ?, extra_info => ?)",
                        [message or "", json.dumps(info or {})],
                    )
                yield conn
                _fsync_new_files(lake / DATA, started)  # DuckDB closes Parquet files without fsync
                conn.execute("commit")
            except BaseException:
                with contextlib.suppress(Exception):
                    conn.execute("rollback")
                raise
            finally:
                conn.close()
        finally:
            _writing.discard(key)


def _fsync_new_files(data: Path, since: float) -> None:
    """Flush this run's Parquet files (and their folders) to disk before the catalog names them.

    DuckDB closes the Parquet files it writes without fsync; a power cut after the catalog's
    commit could then leave a committed snapshot naming a truncated file
    (https://github.com/duckdb/ducklake/issues/680). Costs one directory walk of the data folder.
    """
    folders = set()
    for path in data.rglob("*.parquet"):
        if path.stat().st_mtime >= since - 1:
            db._fsync(path)
            folders.add(path.parent)
    for folder in folders:
        db._fsync_dir(folder)


def reader(lake: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection with the lake as its default database; many can read while a run writes.

    Each statement sees the latest snapshot committed when it starts; a transaction
    (`begin` ... `commit`) sees one snapshot throughout.
    """
    if not catalog_path(lake).exists():
        raise WarehouseMissingError(f"no warehouse at {lake}: run `newsmon run` first")
    return _connect(lake, read_only=True)


def snapshots(conn: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The lake's snapshots, oldest first (id, time, changes, commit message and info)."""
    cur = conn.execute(
        "select snapshot_id, snapshot_time, changes, commit_message, commit_extra_info"
        " from lake.snapshots() order by snapshot_id"
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def maintain(lake: Path, *, keep_snapshots_days: int = 30, grace_minutes: int = 60) -> dict[str, int]:
    """Compact small files, expire old snapshots and delete files nothing refers to any more.

    Runs under the writer lock (no run at the same time). Files are deleted only once they
    have been unreferenced for `grace_minutes`, so a reader still scanning them is not cut off;
    time travel reaches back `keep_snapshots_days`.
    """
    if not catalog_path(lake).exists():
        raise WarehouseMissingError(f"no warehouse at {lake}")
    counts: dict[str, int] = {}
    with db.writer_lock(catalog_path(lake)):
        conn = _connect(lake, read_only=False)
        try:
            steps = {
                "merged": "call ducklake_merge_adjacent_files('lake')",
                "rewritten": "call ducklake_rewrite_data_files('lake')",
                "expired": (
                    "call ducklake_expire_snapshots('lake',"
                    f" older_than => now() - interval {int(keep_snapshots_days)} day)"
                ),
                "cleaned": (
                    "call ducklake_cleanup_old_files('lake',"
                    f" older_than => now() - interval {int(grace_minutes)} minute)"
                ),
                "orphans_deleted": (
                    "call ducklake_delete_orphaned_files('lake',"
                    f" older_than => now() - interval {int(grace_minutes)} minute)"
                ),
            }
            for name, sql in steps.items():
                counts[name] = len(conn.execute(sql).fetchall())
        finally:
            conn.close()
    return counts
