"""Writes shared by the flows: documents, inbox files and quarantine rows (upserts on their keys), beside
warehouse/db.py (connections, schema, named queries) and warehouse/reuse.py (stored stage results)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple

import duckdb
import pandas as pd

from newsmon.models import Document, QuarantineRecord


def upsert_document(conn: duckdb.DuckDBPyConnection, doc: Document) -> None:
    """Insert or replace one document row (key: doc_id, kept here, not by an index: schema 095)."""
    conn.execute("delete from documents where doc_id = ?", [doc.doc_id])
    conn.execute("insert into documents values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _document_row(doc))


def upsert_documents(conn: duckdb.DuckDBPyConnection, docs: list[Document]) -> None:
    """Insert or replace document rows in one delete and one insert (one scan of the table, not one per row)."""
    if not docs:
        return
    latest = {doc.doc_id: doc for doc in docs}
    frame = pd.DataFrame([_document_row(d) for d in latest.values()], columns=_DOCUMENT_COLUMNS).astype(
        {"encoding": "object", "encoding_note": "object", "source_hint": "object"}
    )
    conn.register("_new_documents", frame)
    try:
        conn.execute("delete from documents where doc_id in (select doc_id from _new_documents)")
        columns = ", ".join(_DOCUMENT_COLUMNS[:-1])
        conn.execute(f"insert into documents select {columns}, meta::json from _new_documents")
    finally:
        conn.unregister("_new_documents")


_DOCUMENT_COLUMNS = [
    "doc_id",
    "file_name",
    "source_path",
    "origin",
    "arrival_day",
    "size_bytes",
    "media_type",
    "encoding",
    "encoding_note",
    "archive_path",
    "source_hint",
    "meta",
]


def _document_row(doc: Document) -> list[Any]:
    return [
        doc.doc_id,
        doc.file_name,
        doc.source_path,
        doc.origin,
        doc.arrival_day,
        doc.size_bytes,
        doc.media_type,
        doc.encoding,
        doc.encoding_note,
        doc.archive_path,
        doc.source_hint,
        doc.meta.model_dump_json(exclude_none=True),
    ]


class InboxFileRow(NamedTuple):
    """Which inbox path delivered which bytes on which day (and the name's raw bytes if not UTF-8)."""

    source_path: str
    doc_id: str
    day: date
    outcome: str
    name_bytes_hex: str | None = None


def upsert_inbox_files(conn: duckdb.DuckDBPyConnection, rows: list[InboxFileRow]) -> None:
    """Insert or replace inbox file rows in one delete and one insert (key: source_path, doc_id, kept here,
    not by an index: schema 095; a later row for a key wins)."""
    if not rows:
        return
    latest = {(r.source_path, r.doc_id): r for r in rows}
    frame = pd.DataFrame(list(latest.values()), columns=list(InboxFileRow._fields)).astype({"name_bytes_hex": "object"})
    conn.register("_new_inbox_files", frame)
    try:
        conn.execute(
            "delete from inbox_files where (source_path, doc_id) in"
            " (select (source_path, doc_id) from _new_inbox_files)"
        )
        conn.execute(
            "insert into inbox_files (source_path, doc_id, day, outcome, name_bytes_hex)"
            " select source_path, doc_id, day, outcome, name_bytes_hex from _new_inbox_files"
        )
    finally:
        conn.unregister("_new_inbox_files")


def upsert_quarantine(conn: duckdb.DuckDBPyConnection, records: list[QuarantineRecord]) -> None:
    """Insert or replace quarantine rows (key: stage, item_id, expectation)."""
    if not records:
        return
    # One set-based insert: DuckDB's executemany runs row by row (5,000 rows took 30 s and 1 GB).
    latest = {(r.stage, r.item_id, r.expectation): r for r in records}  # the key; a later record wins
    frame = pd.DataFrame(
        [
            [r.day, r.stage, r.item_id, r.expectation, r.doc_id, r.reason, json_dumps(r.details)]
            for r in latest.values()
        ],
        columns=["day", "stage", "item_id", "expectation", "doc_id", "reason", "details"],
    ).astype({"doc_id": "object"})
    conn.register("_new_quarantine", frame)
    try:
        # Delete-then-insert on the key, not `insert or replace`: a DuckLake warehouse has no keys.
        conn.execute(
            "delete from quarantine where (stage, item_id, expectation) in"
            " (select (stage, item_id, expectation) from _new_quarantine)"
        )
        conn.execute(
            "insert into quarantine (day, stage, item_id, expectation, doc_id, reason, details)"
            " select day, stage, item_id, expectation, doc_id, reason, details::json from _new_quarantine"
        )
    finally:
        conn.unregister("_new_quarantine")


def insert_values(
    conn: duckdb.DuckDBPyConnection, into: str, rows: Sequence[Sequence[Any]], *, chunk: int = 500
) -> None:
    """`insert into <into> values (...)` for many rows in a few statements, with executemany's binding.

    DuckDB's executemany runs one INSERT per row, and on a DuckLake each INSERT statement writes a
    Parquet file of its own (docs/storage.md): a day's hundred stories made a hundred files.
    """
    if not rows:
        return
    marks = "(" + ", ".join("?" for _ in rows[0]) + ")"
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        conn.execute(f"insert into {into} values " + ", ".join([marks] * len(part)), [v for row in part for v in row])


def json_dumps(value: Any) -> str:
    """Stable JSON for warehouse columns."""
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
