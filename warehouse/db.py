"""Apply the versioned schema and open the warehouse for one writer or many readers.

Two storages behind one contract (`writer`, `reader`, `compact`, `exists`, `size_bytes`): a DuckDB
file, below, or a DuckLake folder (`*.lake`, warehouse/lake.py; NEWSMON_STORAGE=ducklake), whose
runs write only their own rows. The path says which.

DuckDB allows one writing process per file and no readers beside it. So a run never
writes the file users query: it copies it, writes the copy, checkpoints, and atomically
renames the copy over the original. Readers keep working on the old file until they
reconnect; a run killed halfway leaves only a stray copy behind, and the warehouse as it
was. A lock file keeps two writers apart. Nobody reads the copy before the rename, so a run
may commit on it between its stages (`settle`): DuckDB then moves what the stage wrote out of
the transaction's memory into the copy's log and blocks.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import weakref
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

SQL_DIR = Path(__file__).resolve().parent
SCHEMA_DIR = SQL_DIR / "schema"
MODELS_DIR = SQL_DIR / "models"


# Private copies being written by this process (a signal handler removes them before exiting).
_unfinished: set[Path] = set()
# Connections to those copies: `settle` commits only on these (a lake's run is one snapshot).
_private_connections: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()


class WarehouseBusyError(RuntimeError):
    """Another run holds the writer lock."""


class WarehouseMissingError(FileNotFoundError):
    """No warehouse file yet."""


def schema_files() -> list[Path]:
    """Schema files in version order (their numeric prefix)."""
    return sorted(SCHEMA_DIR.glob("[0-9][0-9][0-9]_*.sql"))


def model_sql(name: str) -> str:
    """Text of one SQL model in warehouse/models/."""
    return (MODELS_DIR / f"{name}.sql").read_text(encoding="utf-8")


def apply_schema(conn: duckdb.DuckDBPyConnection, rewrite: Callable[[str], str] = str) -> list[str]:
    """Apply schema files not applied yet, recording each; return the names applied.

    `rewrite` adapts each file's SQL to the storage (warehouse/lake.py removes the key clauses).
    """
    conn.execute(
        rewrite(
            "create table if not exists schema_versions ("
            " version varchar primary key, checksum varchar not null, applied_at timestamp not null)"
        )
    )
    done = {row[0]: row[1] for row in conn.execute("select version, checksum from schema_versions").fetchall()}
    applied = []
    for path in schema_files():
        sql = path.read_text(encoding="utf-8")
        checksum = hashlib.sha256(sql.encode()).hexdigest()[:16]
        if done.get(path.stem) == checksum:
            continue
        # Every statement is `create ... if not exists`, so re-applying an edited file is safe.
        conn.execute(rewrite(sql))
        conn.execute("delete from schema_versions where version = ?", [path.stem])
        conn.execute(
            "insert into schema_versions values (?, ?, ?)",
            [path.stem, checksum, datetime.now(UTC).replace(tzinfo=None)],
        )
        applied.append(path.stem)
    return applied


def query(conn: duckdb.DuckDBPyConnection, model: str, **params: Any) -> list[dict[str, Any]]:
    """Run a SQL model with named parameters; rows as dicts."""
    cur = conn.execute(model_sql(model), params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


# Writer locks this process holds (database -> lock file), so a multi-day run keeps its lock
# between days while each day still swaps its own copy in.
_held: dict[Path, Any] = {}
_writing: set[Path] = set()


@contextlib.contextmanager
def writer_lock(database: Path) -> Iterator[None]:
    """Hold the warehouse's writer lock for the block (re-entrant within this process)."""
    database = database.resolve()
    if database in _held:
        yield
        return
    database.parent.mkdir(parents=True, exist_ok=True)
    lock_path = database.with_name(database.name + ".lock")
    with lock_path.open("a+") as lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise WarehouseBusyError(
                f"another newsmon run is writing {database} (lock {lock_path}); try again when it ends"
            ) from exc
        _held[database] = lock
        try:
            yield
        finally:
            del _held[database]


def _lake() -> Any:
    from warehouse import lake  # lake.py builds on this module

    return lake


def exists(database: Path) -> bool:
    """Whether a run has created the warehouse."""
    return _lake().exists(database) if _lake().is_lake(database) else database.is_file()


def size_bytes(database: Path) -> int:
    """Bytes the warehouse takes on disk (0 if there is none yet)."""
    if not exists(database):
        return 0
    return _lake().size_bytes(database) if _lake().is_lake(database) else database.stat().st_size


@contextlib.contextmanager
def writer(
    database: Path, *, run_id: str | None = None, catalog: str | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection whose block is one transaction: the warehouse shows all of it or none of it.

    A DuckDB file: a private copy, swapped in only if the block succeeds. A lake: one snapshot,
    committed only if the block succeeds (`run_id` is its commit message; `catalog` is
    NEWSMON_LAKE_CATALOG).
    """
    if _lake().is_lake(database):
        with _lake().writer(database, run_id, catalog=catalog) as conn:
            yield conn
        return
    key = database.resolve()
    if key in _writing:  # one writer at a time, in this process too (the range lock is re-entrant, this is not)
        raise WarehouseBusyError(f"this process is already writing {database}")
    with writer_lock(database):
        _writing.add(key)
        try:
            with _private_copy(database) as conn:
                yield conn
        finally:
            _writing.discard(key)


@contextlib.contextmanager
def _private_copy(database: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Copy the warehouse, yield a connection to the copy, and swap it in if the block succeeds."""
    staging = database.with_name(f"{database.name}.next-{os.getpid()}")
    _remove_db(staging)
    for stray in database.parent.glob(f"{database.name}.next-*"):
        _remove_db(stray)  # left by a killed run; we hold the lock, so nobody else uses it
    _unfinished.add(staging)
    if database.exists():
        shutil.copy2(database, staging)
    conn = duckdb.connect(str(staging))
    _private_connections.add(conn)
    try:
        apply_schema(conn)
        conn.execute("begin transaction")
        yield conn
        conn.execute("commit")
        conn.execute("checkpoint")
        conn.close()
        _fsync(staging)
        os.replace(staging, database)
        _unfinished.discard(staging)
        _fsync_dir(database.parent)
    except BaseException:
        with contextlib.suppress(Exception):
            conn.execute("rollback")
        with contextlib.suppress(Exception):
            conn.close()
        _remove_db(staging)
        _unfinished.discard(staging)
        raise


def settle(conn: duckdb.DuckDBPyConnection) -> None:
    """Between two stages of a run: on a private copy, commit what the run wrote so far and go
    on in a new transaction. The run stays all or nothing (the copy is renamed over the
    warehouse only at its end), and the stage's rows leave the transaction's memory: DuckDB
    logs them to the copy's WAL and checkpoints them into its blocks once the WAL passes its
    threshold (16 MB). A 10k-document day otherwise holds all its writes in memory to the end
    (issue 10, item 5; an explicit checkpoint here freed less: docs/storage.md). On a lake,
    nothing: each commit there is a snapshot that readers see."""
    if conn not in _private_connections:
        return
    conn.execute("commit")
    conn.execute("begin transaction")


def writer_busy(database: Path) -> bool:
    """Whether another process holds the writer lock right now (checked before a run starts)."""
    lock_path = database.with_name(database.name + ".lock")
    if not lock_path.exists():
        return False
    with lock_path.open("a+") as lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
    return False


def discard_unfinished() -> None:
    """Remove this process's unfinished private copies (the warehouse itself is untouched)."""
    for staging in list(_unfinished):
        _remove_db(staging)
        _unfinished.discard(staging)


def reader(database: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection; many can be open while a run writes its copy (or its snapshot)."""
    if _lake().is_lake(database):
        return _lake().reader(database)
    if not database.exists():
        raise WarehouseMissingError(f"no warehouse at {database}: run `newsmon run` first")
    return duckdb.connect(str(database), read_only=True)


def _remove_db(path: Path) -> None:
    """A database file, its WAL and its spill folder (DuckDB's default temp_directory, `<file>.tmp`)."""
    if path.is_dir():  # a spill folder reached by name (a killed run's `.next-<pid>.tmp`)
        shutil.rmtree(path, ignore_errors=True)
        return
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.name + ".tmp"), ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def compact(database: Path) -> tuple[int, int]:
    """Rewrite the warehouse without its free space (export + import); return bytes before and after.

    A lake: `lake.maintain()` (merge small files, expire snapshots past 30 days, delete files
    nothing refers to).

    DuckDB reuses freed blocks but never returns them, and CHECKPOINT/VACUUM do not shrink the
    file (docs/storage.md: 6.55 MB per 1k articles after 40 runs, 3.17 after this). Same rules
    as a run: under the writer lock, built beside the original, swapped in atomically; readers
    keep the old file until they reconnect; a kill leaves the warehouse as it was.
    """
    if _lake().is_lake(database):
        before = size_bytes(database)
        _lake().maintain(database)
        return before, size_bytes(database)
    if not database.exists():
        raise WarehouseMissingError(f"no warehouse at {database}: run `newsmon run` first")
    with writer_lock(database):
        before = database.stat().st_size
        for stray in database.parent.glob(f"{database.name}.compact-*"):  # left by a killed compaction
            if stray.is_dir():
                shutil.rmtree(stray)
            else:
                _remove_db(stray)
        dump = database.with_name(f"{database.name}.compact-{os.getpid()}.d")
        fresh = database.with_name(f"{database.name}.compact-{os.getpid()}")
        _unfinished.add(fresh)
        try:
            source = duckdb.connect(str(database), read_only=True)
            try:
                source.execute(f"export database '{_sql_path(dump)}' (format parquet)")
            finally:
                source.close()
            conn = duckdb.connect(str(fresh))
            try:
                conn.execute(f"import database '{_sql_path(dump)}'")
                conn.execute("checkpoint")
            finally:
                conn.close()
            _fsync(fresh)
            os.replace(fresh, database)
            _fsync_dir(database.parent)
        finally:
            _unfinished.discard(fresh)
            _remove_db(fresh)
            shutil.rmtree(dump, ignore_errors=True)
        return before, database.stat().st_size


def _sql_path(path: Path) -> str:
    """A path as a SQL string literal's contents (EXPORT/IMPORT DATABASE take no parameters)."""
    return str(path).replace("'", "''")
