"""Extraction of one archived document, importable cheaply by worker processes (no Prefect,
no DuckDB, no Great Expectations)."""

from __future__ import annotations

import logging
from pathlib import Path

from flows.archive import archived_bytes
from newsmon.models import Article, Document, QuarantineRecord
from transforms.articles import document_articles
from transforms.sniff import sniffed


def extracted_document(job: tuple[Path, Document, frozenset[str]]) -> tuple[list[Article], list[QuarantineRecord]]:
    """Articles of one archived document; any failure becomes a quarantine record, never a crash."""
    archive_dir, doc, boilerplate = job
    day = doc.arrival_day
    try:
        raw = archived_bytes(archive_dir, doc.doc_id)
        found, problems = document_articles(doc, sniffed(raw, doc.file_name), boilerplate=boilerplate)
    except Exception as exc:  # one bad document must not stop the run
        logging.getLogger("newsmon").exception("extraction failed for %s", doc.source_path)
        return [], [
            QuarantineRecord(
                day=day,
                stage="extract",
                item_id=doc.doc_id,
                doc_id=doc.doc_id,
                expectation="extraction_error",
                reason=f"extraction raised {type(exc).__name__}: {exc}",
            )
        ]
    return found, [
        QuarantineRecord(
            day=day, stage="extract", item_id=p.item_id, doc_id=doc.doc_id, expectation=p.check, reason=p.reason
        )
        for p in problems
    ]
