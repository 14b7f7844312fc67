"""Content-addressed archive of raw input bytes (sha256), shared by inbox and web sources."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def content_id(raw: bytes) -> str:
    """sha256 hex digest of raw bytes: the document key everywhere."""
    return hashlib.sha256(raw).hexdigest()


def archive_path(archive_dir: Path, doc_id: str) -> Path:
    """Where the raw bytes of `doc_id` live: <archive>/ab/cd/<sha256>."""
    return archive_dir / doc_id[:2] / doc_id[2:4] / doc_id


def archive_bytes(raw: bytes, archive_dir: Path) -> tuple[str, Path]:
    """Store raw bytes once under their hash (atomic write); return (doc_id, path)."""
    doc_id = content_id(raw)
    path = archive_path(archive_dir, doc_id)
    if path.exists() and path.stat().st_size == len(raw):
        return doc_id, path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return doc_id, path


def archived_bytes(archive_dir: Path, doc_id: str) -> bytes:
    """Read back the raw bytes of an archived document (only its head, for one over the size cap)."""
    path = archive_path(archive_dir, doc_id)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        head = path.with_suffix(".head")
        if head.exists():
            return head.read_bytes()
        raise


def archive_head(head: bytes, doc_id: str, archive_dir: Path) -> Path:
    """Keep the first bytes of a file too big to archive whole, beside where the whole would be."""
    path = archive_path(archive_dir, doc_id).with_suffix(".head")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
        tmp.write_bytes(head)
        os.replace(tmp, path)
    return path
