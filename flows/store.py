"""Writes shared by the flows: documents, inbox files and quarantine rows (upserts on their keys)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import duckdb

from newsmon.models import Document, QuarantineRecord


def upsert_document(conn: duckdb.DuckDBPyConnection, doc: Document) -> None:
    """Insert or replace one document row (key: doc_id)."""
    conn.execute(
        "insert or replace into documents values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
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
        ],
    )


def upsert_inbox_file(conn: duckdb.DuckDBPyConnection, rel: str, doc_id: str, day: date, outcome: str) -> None:
    """Record which inbox path delivered which bytes on which day."""
    conn.execute("insert or replace into inbox_files values (?, ?, ?, ?)", [rel, doc_id, day, outcome])


def upsert_quarantine(conn: duckdb.DuckDBPyConnection, records: list[QuarantineRecord]) -> None:
    """Insert or replace quarantine rows (key: stage, item_id, expectation)."""
    if not records:
        return
    conn.executemany(
        "insert or replace into quarantine values (?, ?, ?, ?, ?, ?, ?)",
        [[r.day, r.stage, r.item_id, r.expectation, r.doc_id, r.reason, json_dumps(r.details)] for r in records],
    )


def json_dumps(value: Any) -> str:
    """Stable JSON for warehouse columns."""
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
