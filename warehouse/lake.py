"""The warehouse as a DuckLake (NEWSMON_STORAGE=ducklake), with the contract of warehouse/db.py.
docs/storage.md has the measurements behind it.

A lake is a folder named `*.lake`: `data/` (immutable Parquet files) and, by default, the DuckLake
catalog `catalog.sqlite` (SQLite in WAL mode: one machine, several processes). With a PostgreSQL
catalog (NEWSMON_LAKE_CATALOG=postgres:<libpq connection string>; credentials from libpq's
environment or ~/.pgpass, never from settings) the folder holds `catalog.txt`, naming it, so
every client of the folder finds the same catalog, from any machine that mounts the folder.

A run writes only its own rows: `writer()` attaches the lake, opens one transaction and commits
it as one DuckLake snapshot (the run id is its commit message), so readers see the warehouse
before the run or after it, never between, and are never locked out (`reader()` attaches
read-only from any number of processes while a run writes). A run killed halfway leaves the
catalog as it was; the Parquet files it had written are orphans that `maintain()` deletes (the
run's files are fsynced before the commit names them). The same lock file as warehouse/db.py's
keeps two runs apart on one machine; on several, DuckLake's own commit check refuses the second.

Differences from a DuckDB file that callers see:
  * DuckLake has no PRIMARY KEY or UNIQUE constraints. The schema files are applied with their
    key clauses removed (`lake_schema_sql`); loads delete-then-insert on the key, and
    `key_violations()` checks the declared keys.
  * Data inlining is switched off: flushing inlined rows (and merging the files the flush made)
    gave concurrent readers wrong counts in docs/storage.md's measurements.
  * Space comes back with `maintain()` (`newsmon compact`), not by rewriting a file.

Extensions come from the registry packages `duckdb-extension-ducklake`,
`duckdb-extension-sqlite-scanner` and `duckdb-extension-postgres-scanner` and are LOADed by path;
nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from warehouse import db
from warehouse.db import WarehouseBusyError, WarehouseMissingError

__all__ = [
    "LakeCatalogError",
    "LakeExtensionMissingError",
    "WarehouseBusyError",
    "WarehouseMissingError",
    "apply_schema",
    "catalog_of",
    "catalog_path",
    "convert_file",
    "declared_keys",
    "exists",
    "is_lake",
    "key_violations",
    "lake_schema_sql",
    "maintain",
    "reader",
    "size_bytes",
    "snapshots",
    "writer",
]

CATALOG = "catalog.sqlite"
CATALOG_FILE = "catalog.txt"  # names a catalog that is not the folder's SQLite file
COMMITTED = "committed"  # written after the first run's commit: the lake holds a warehouse
DATA = "data"
SUFFIX = ".lake"
BUSY_TIMEOUT_MS = 30_000  # how long a catalog statement waits for another connection's commit


class LakeExtensionMissingError(RuntimeError):
    """The ducklake extension or its catalog's scanner for this DuckDB is not installed."""


class LakeCatalogError(ValueError):
    """The catalog setting does not fit the lake (or is not one this module knows)."""


def is_lake(path: Path) -> bool:
    """A warehouse path that names a lake: a folder, or a path ending in `.lake` (created on the first run)."""
    return path.suffix == SUFFIX or path.is_dir()


def catalog_path(lake: Path) -> Path:
    return lake / CATALOG


def catalog_of(lake: Path) -> str:
    """The lake's DuckLake metadata catalog: `sqlite:<folder>/catalog.sqlite` or what catalog.txt names."""
    named = lake / CATALOG_FILE
    if named.is_file():
        return named.read_text(encoding="utf-8").strip()
    return f"sqlite:{catalog_path(lake)}"


def exists(lake: Path) -> bool:
    """Whether a run has committed to the lake (a catalog alone may be what a failed first run left)."""
    return (lake / COMMITTED).is_file()


def _record_catalog(lake: Path, catalog: str | None) -> None:
    """Name a PostgreSQL catalog in the folder on the first run; refuse to switch catalogs later."""
    named = (lake / CATALOG_FILE).read_text(encoding="utf-8").strip() if (lake / CATALOG_FILE).is_file() else None
    wanted = None if catalog in (None, "", "sqlite") else catalog
    if wanted is not None and not wanted.startswith("postgres:"):
        raise LakeCatalogError(f"lake catalog {catalog!r}: use sqlite (the default) or postgres:<connection string>")
    if named == wanted:
        return
    if named is not None or exists(lake):
        raise LakeCatalogError(f"{lake} keeps its catalog in {catalog_of(lake)}; set NEWSMON_LAKE_CATALOG to that")
    (lake / CATALOG_FILE).write_text(f"{wanted}\n", encoding="utf-8")


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


def _sql_text(value: object) -> str:
    """A value as the inside of a SQL string literal (LOAD and ATTACH take no parameters)."""
    return str(value).replace("'", "''")


def _connect(lake: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    catalog = catalog_of(lake)
    scanner = "postgres_scanner" if catalog.startswith("postgres:") else "sqlite_scanner"
    conn = duckdb.connect()
    try:
        conn.execute("set autoinstall_known_extensions = false")
        conn.execute("set autoload_known_extensions = false")
        for name in (scanner, "ducklake"):
            conn.execute(f"load '{_sql_text(extension_path(name))}'")
        sqlite = scanner == "sqlite_scanner"
        opts = ["meta_journal_mode 'WAL'", f"meta_busy_timeout {BUSY_TIMEOUT_MS}"] if sqlite else []
        # The data folder is where this client finds it, not where the catalog first saw it: a lake
        # moved, restored from a backup or mounted elsewhere on a second machine reads its own files.
        opts += [f"data_path '{_sql_text(lake.resolve() / DATA)}/'", "override_data_path true"]
        opts.append("read_only" if read_only else "data_inlining_row_limit 0")
        conn.execute(f"attach 'ducklake:{_sql_text(catalog)}' as lake ({', '.join(opts)})")
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
    """warehouse/db.py's apply_schema for a lake: the same files and bookkeeping, keys removed."""
    return db.apply_schema(conn, rewrite=lake_schema_sql)


_writing: set[Path] = set()


@contextlib.contextmanager
def writer(
    lake: Path, message: str | None = None, info: dict[str, Any] | None = None, *, catalog: str | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection whose block is one transaction: committed as one snapshot if the block succeeds.

    `message` and `info` are stored with the snapshot (e.g. the run id), so a run can be
    found again for time travel: `select * from articles at (version => n)`. `catalog` is
    NEWSMON_LAKE_CATALOG, recorded in the folder on the first run.
    """
    key = lake.resolve()
    if key in _writing:
        raise WarehouseBusyError(f"this process is already writing {lake}")
    with db.writer_lock(lake):
        (lake / DATA).mkdir(parents=True, exist_ok=True)
        _record_catalog(lake, catalog)
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
                (lake / COMMITTED).touch()
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
    if not exists(lake):
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
    if not exists(lake):
        raise WarehouseMissingError(f"no warehouse at {lake}: run `newsmon run` first")
    counts: dict[str, int] = {}
    with db.writer_lock(lake):
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


def declared_keys() -> dict[str, list[str]]:
    """Each table's PRIMARY KEY as the schema files declare it (the lake stores them without)."""
    conn = duckdb.connect()
    try:
        db.apply_schema(conn)
        rows = conn.execute(
            "select table_name, constraint_column_names from duckdb_constraints()"
            " where constraint_type = 'PRIMARY KEY' and table_name <> 'schema_versions' order by table_name"
        ).fetchall()
    finally:
        conn.close()
    return {table: list(columns) for table, columns in rows}


def key_violations(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Keys held by more than one row, per table (none expected: loads delete-then-insert on the key).

    Reads every table whole, so it is a check for `maintain()` and the tests, not for every run.
    """
    found = {}
    for table, columns in declared_keys().items():
        cols = ", ".join(f'"{c}"' for c in columns)
        row = conn.execute(f"select count(*) from (select {cols} from {table} group by all having count(*) > 1)")
        if count := row.fetchone()[0]:
            found[table] = count
    return found


def size_bytes(lake: Path) -> int:
    """Bytes of the lake folder (data files and, if there, the SQLite catalog)."""
    return sum(p.stat().st_size for p in lake.rglob("*") if p.is_file())


def convert_file(source: Path, lake: Path, *, catalog: str | None = None) -> dict[str, int]:
    """Copy a DuckDB-file warehouse into a new lake, as one snapshot; return rows per table.

    Under the file's writer lock, so no run changes it meanwhile; the file is left as it was.
    """
    if exists(lake):
        raise LakeCatalogError(f"{lake} is already a warehouse; convert into a new *.lake path")
    if not source.is_file():
        raise WarehouseMissingError(f"no warehouse file at {source}")
    copied = {}
    with db.writer_lock(source), writer(lake, f"converted from {source}", catalog=catalog) as conn:
        conn.execute(f"attach '{_sql_text(source.resolve())}' as old (read_only)")
        tables = conn.execute(
            "select table_name from duckdb_tables() where database_name = 'old' and schema_name = 'main'"
            " and table_name <> 'schema_versions' order by table_name"
        ).fetchall()
        in_lake = conn.execute("select table_name from duckdb_tables() where database_name = 'lake'").fetchall()
        known = {t for (t,) in in_lake}
        for (table,) in tables:
            if table in known:
                conn.execute(f'delete from lake.main."{table}"')  # rows the schema files seed
                conn.execute(f'insert into lake.main."{table}" by name select * from old.main."{table}"')
            else:  # a table the schema files no longer make: kept as it is
                conn.execute(f'create table lake.main."{table}" as select * from old.main."{table}"')
            copied[table] = conn.execute(f'select count(*) from lake.main."{table}"').fetchone()[0]
    return copied
