"""Export one warehouse table to Parquet, CSV or JSON with DuckDB's COPY, from a read-only connection.

Only the tables below can be exported; a day range applies to a table's day column, or to
the days its rows span (runs, entities, stories, events) where it has one, and is refused
for tables without one. The file appears whole or not at all: COPY writes a temporary file
beside the target, renamed over it when COPY succeeds.

The statement is composed here rather than kept in warehouse/models/: table and column
names cannot be bound parameters, so they come from the fixed list below; every value
(the days, the path) is bound.
"""

from __future__ import annotations

import contextlib
import os
from datetime import date
from pathlib import Path

import duckdb
from pydantic import BaseModel

# table -> (first-day column, last-day column, order by); None: no day column to filter on
EXPORT_TABLES: dict[str, tuple[str | None, str | None, str]] = {
    "articles": ("day", "day", "day, article_id"),
    "documents": ("arrival_day", "arrival_day", "arrival_day, doc_id"),
    "inbox_files": ("day", "day", "day, source_path, doc_id"),
    "quarantine": ("day", "day", "day, stage, item_id, expectation"),
    "runs": ("day_from", "day_to", "started_at, run_id"),
    "entities": ("first_seen", "last_seen", "entity_id"),
    "entity_aliases": (None, None, "alias, entity_id"),
    "entity_mentions": (None, None, "article_id, start_char, end_char, in_headline"),
    "article_duplicates": ("day", "day", "day, article_id"),
    "story_articles": ("day", "day", "day, article_id"),
    "stories": ("first_seen", "last_seen", "story_id"),
    "events": ("first_reported", "last_reported", "event_id"),
    "event_participants": (None, None, "event_id, entity_id"),
    "event_mentions": ("day", "day", "day, mention_id"),
    "fetches": ("day", "day", "day, canonical_url"),
    "fetch_state": (None, None, "canonical_url"),
}

# JSON is newline-delimited: one object per line, streamable and what DuckDB, pandas and jq read.
EXPORT_FORMATS: dict[str, str] = {
    "parquet": "format parquet, compression zstd",
    "csv": "format csv, header true",
    "json": "format json",
}
SUFFIXES = {".parquet": "parquet", ".csv": "csv", ".json": "json", ".jsonl": "json", ".ndjson": "json"}


class ExportError(ValueError):
    """An export that cannot be done as asked; the message says what is wrong in one line."""


class ExportReport(BaseModel):
    """What an export wrote."""

    table: str
    format: str
    path: str
    rows: int
    bytes: int
    day_from: date | None = None
    day_to: date | None = None


def export_format(fmt: str | None, path: Path) -> str:
    """The format asked for, or the one the path's suffix names."""
    if fmt is None:
        fmt = SUFFIXES.get(path.suffix.lower())
        if fmt is None:
            raise ExportError(f"cannot tell the format from {path.name!r}; pass --format {'|'.join(EXPORT_FORMATS)}")
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown format {fmt!r}; one of: {', '.join(EXPORT_FORMATS)}")
    return fmt


class ExportRequest(BaseModel):
    """A checked export: a known table, a known format, a day range that applies, a writable path."""

    table: str
    format: str
    path: Path
    day_from: date | None = None
    day_to: date | None = None


def export_request(
    table: str, path: Path, fmt: str | None = None, day_from: date | None = None, day_to: date | None = None
) -> ExportRequest:
    """The export asked for, checked before the warehouse is opened; ExportError says what is wrong."""
    if table not in EXPORT_TABLES:
        raise ExportError(f"unknown table {table!r}; one of: {', '.join(sorted(EXPORT_TABLES))}")
    fmt = export_format(fmt, path)
    if (day_from or day_to) and EXPORT_TABLES[table][0] is None:
        dated = ", ".join(sorted(t for t, (c, _, _) in EXPORT_TABLES.items() if c))
        raise ExportError(f"{table} has no day column, so --from/--to do not apply; dated tables: {dated}")
    if day_from and day_to and day_from > day_to:
        raise ExportError(f"the date range is empty: --from {day_from} is after --to {day_to}")
    return ExportRequest(table=table, format=fmt, path=_writable(path), day_from=day_from, day_to=day_to)


def export_table(conn: duckdb.DuckDBPyConnection, request: ExportRequest) -> ExportReport:
    """Write the requested table's rows to the request's path with COPY; replaces an existing file."""
    first_col, last_col, order = EXPORT_TABLES[request.table]
    path = request.path
    where, params = "true", {}
    if first_col:
        # a row belongs to the range when the days it spans overlap it
        where = (
            f"($day_from::date is null or cast({last_col} as date) >= $day_from::date)"
            f" and ($day_to::date is null or cast({first_col} as date) <= $day_to::date)"
        )
        params = {"day_from": request.day_from, "day_to": request.day_to}
    conn.execute("set autoinstall_known_extensions = false")  # parquet, json and csv are built in
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        rows = conn.execute(
            f"copy (select * from {request.table} where {where} order by {order})"
            f" to $path ({EXPORT_FORMATS[request.format]})",
            {"path": str(tmp), **params},
        ).fetchone()[0]
        os.replace(tmp, path)
    except (duckdb.IOException, OSError) as exc:
        raise ExportError(f"cannot write {path}: {str(exc).splitlines()[0]}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return ExportReport(
        table=request.table,
        format=request.format,
        path=str(path),
        rows=rows,
        bytes=path.stat().st_size,
        day_from=request.day_from,
        day_to=request.day_to,
    )


def _writable(path: Path) -> Path:
    """`path` made absolute, checked: its folder exists and takes a new file, and it is no folder."""
    path = path.expanduser().absolute()
    folder = path.parent
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give a file path, e.g. {path / 'export.parquet'}")
    if not folder.exists():
        raise ExportError(f"the folder {folder} does not exist; create it first")
    if not folder.is_dir():
        raise ExportError(f"{folder} is not a folder")
    probe = folder / f".{path.name}.probe-{os.getpid()}"
    try:
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise ExportError(f"cannot write in {folder}: {exc.strerror or exc}") from None
    if path.exists() and not os.access(path, os.W_OK):
        raise ExportError(f"{path} exists and is not writable")
    return path
