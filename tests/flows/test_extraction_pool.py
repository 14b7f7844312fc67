"""Extraction in worker processes gives exactly what the in-process path gives."""

from __future__ import annotations

from datetime import date

from flows.archive import archive_bytes
from flows.daily import _PARALLEL_FROM
from flows.extraction import extracted_documents
from newsmon.models import Document


def test_pool_and_serial_extraction_agree(tmp_path):
    jobs = []
    for i in range(_PARALLEL_FROM + 6):
        body = f"Harbour board meeting number {i} approved the budget for the new ferry terminal. " * 8
        raw = (
            f"Board approves ferry budget, part {i}\n\n{body}\n\nFollow us on Facebook and Twitter"
            if i % 7
            else "\x89PNG\r\n\x1a\n"
        ).encode()
        doc_id, path = archive_bytes(raw, tmp_path)
        doc = Document(
            doc_id=doc_id,
            file_name=f"item{i}.txt",
            source_path=f"item{i}.txt",
            arrival_day=date(2026, 3, 2),
            size_bytes=len(raw),
            media_type="text",
            archive_path=str(path),
        )
        jobs.append((tmp_path, doc, frozenset()))
    serial = list(extracted_documents(jobs, 1, 30.0, _PARALLEL_FROM))
    pooled = list(extracted_documents(jobs, 2, 30.0, _PARALLEL_FROM))
    assert pooled == serial
    assert sum(len(found) for found, _ in serial) == len(jobs) - len(range(0, len(jobs), 7))
    assert all(problems for found, problems in serial if not found)
