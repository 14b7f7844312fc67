"""The inbox as a source: scan the day's entries without following them blindly, read each
file within the size cap, archive its bytes, record it as a document (or say why not).

Nothing in the inbox vanishes: every entry is loaded, attached as a sidecar, or recorded
in quarantine (stage `load`) with the reason it was skipped or refused; the counts are in
the run's `load` report. The verdicts are made by transforms/inbox_entries.py.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
from pydantic import BaseModel

from flows.archive import archive_bytes, archive_head, archived_bytes
from newsmon.models import Document, QuarantineRecord, SidecarMeta
from newsmon.settings import Settings
from transforms.display import shown_name
from transforms.inbox_entries import (
    InboxEntry,
    Verdict,
    is_day_folder,
    name_bytes_hex,
    root_folder_verdict,
    stored_name,
    verdicts,
)
from transforms.sidecar import sidecar_meta
from transforms.sniff import sniffed, source_hint
from warehouse import db
from warehouse.store import InboxFileRow, upsert_documents, upsert_inbox_files, upsert_quarantine

log = logging.getLogger("newsmon")
_CHUNK = 1 << 20
HEAD_BYTES = 64 * 1024  # what is kept of a file over the size cap (with the whole file's hash)
SIDECAR_MAX_BYTES = 64 * 1024


class LoadReport(BaseModel):
    """What the inbox delivered."""

    files: int = 0  # entries considered (regular files, links, special files), sidecars not counted
    loaded: int = 0
    seen_before: int = 0
    duplicates: int = 0
    sidecars: int = 0
    skipped: int = 0  # by rule (hidden files, folders not read), each with a quarantine row
    refused: int = 0  # links out of the inbox, special files, unreadable files


@dataclass(frozen=True)
class _Read:
    raw: bytes  # the whole file, or its head when over the cap
    size: int
    doc_id: str
    whole: bool


@dataclass(frozen=True)
class _Archived:
    """An inbox file read and archived, waiting to be recorded (its bytes are in the archive, not here)."""

    verdict: Verdict
    size: int
    doc_id: str
    whole: bool
    kept: int  # bytes archived: the whole file, or its head
    stored: Path


@dataclass
class _Known:
    """What the warehouse held before this load about the day's paths and bytes (kept current as files are
    recorded), and the rows the load writes at its end: one statement per table, not two per file (each
    delete a scan of a history-sized table, and on a DuckLake a Parquet file per insert)."""

    seen_before: set[tuple[str, str]]  # (source_path, doc_id) delivered on another day
    documents: dict[str, dict]  # doc_id -> where its bytes were first loaded from
    new_documents: list[Document] = field(default_factory=list)
    inbox_files: list[InboxFileRow] = field(default_factory=list)


def scanned_entries(inbox: Path, day: date) -> tuple[list[InboxEntry], list[Verdict]]:
    """Entries of the inbox root and of its `<day>/` folder (recursively), and notes on root folders not read."""
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox {inbox} is not a folder")
    root = os.path.realpath(inbox)
    entries: list[InboxEntry] = []
    notes: list[Verdict] = []
    for path in sorted(inbox.iterdir()):
        name = path.name
        kind = _kind(path)
        if kind == "dir":
            if name == day.isoformat():
                entries += _walked(inbox, path, root)
            elif not is_day_folder(name) and not name.startswith("."):
                notes.append(root_folder_verdict(InboxEntry(rel=name, kind="dir")))
        else:
            entries.append(_entry(inbox, path, kind, root))
    return entries, notes


def inbox_paths(inbox: Path, day: date, *, follow_links: bool = False) -> list[Path]:
    """The files `day` would load from the inbox (sidecars, skipped and refused entries left out), in order."""
    entries, _ = scanned_entries(inbox, day)
    return [inbox / v.entry.rel for v in verdicts(entries, follow_links=follow_links) if v.action == "load"]


def _walked(inbox: Path, folder: Path, root: str) -> list[InboxEntry]:
    out = []
    for path in sorted(folder.iterdir()):
        kind = _kind(path)
        if kind == "dir":
            out += _walked(inbox, path, root)
        else:
            out.append(_entry(inbox, path, kind, root))
    return out


def _kind(path: Path) -> str:
    try:
        mode = path.lstat().st_mode
    except OSError:
        return "other"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "other"


def _entry(inbox: Path, path: Path, kind: str, root: str) -> InboxEntry:
    rel = os.path.relpath(path, inbox).replace(os.sep, "/")
    if kind != "link":
        size = path.lstat().st_size if kind == "file" else 0
        return InboxEntry(rel=rel, kind=kind, size=size)  # type: ignore[arg-type]
    link_text = str(path.readlink())
    try:
        target = os.path.realpath(path, strict=True)
    except OSError as exc:
        return InboxEntry(
            rel=rel, kind="link", link_text=link_text, target="loop" if exc.errno == errno.ELOOP else "dangling"
        )
    inside = os.path.commonpath([root, target]) == root
    try:
        mode = Path(target).stat().st_mode
    except OSError:
        return InboxEntry(rel=rel, kind="link", link_text=link_text, target="unreadable", target_inside=inside)
    target_kind = "file" if stat.S_ISREG(mode) else "dir" if stat.S_ISDIR(mode) else "special"
    return InboxEntry(
        rel=rel,
        kind="link",
        link_text=link_text,
        target=target_kind,  # type: ignore[arg-type]
        target_inside=inside,
        target_rel=os.path.relpath(target, root) if inside else None,
    )


def _read_capped(path: Path, max_bytes: int) -> _Read:
    """The file's bytes if within `max_bytes`; else its head, read while hashing the whole (never all in memory)."""
    # O_NONBLOCK: a file swapped for a FIFO after the scan must not block the run.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb", buffering=0) as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        digest = hashlib.sha256()
        kept = bytearray()
        size = 0
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if len(kept) <= max_bytes:
                kept += chunk
        whole = size <= max_bytes
        return _Read(bytes(kept) if whole else bytes(kept[:HEAD_BYTES]), size, digest.hexdigest(), whole)


def load_inbox(conn: duckdb.DuckDBPyConnection, settings: Settings, inbox: Path, day: date) -> LoadReport:
    """Archive the day's new inbox files and record them as documents; record why the others were not loaded."""
    report = LoadReport()
    entries, notes = scanned_entries(inbox, day)
    problems: list[QuarantineRecord] = []
    archived: list[_Archived] = []
    for v in [*notes, *verdicts(entries, follow_links=settings.inbox_follow_links)]:
        if v.action == "sidecar":
            report.sidecars += 1
            continue
        if v.action in ("skip", "refuse"):
            if not v.check:
                continue
            report.files += v.entry.kind != "dir"
            report.skipped += v.action == "skip"
            report.refused += v.action == "refuse"
            problems.append(_entry_problem(day, v.entry, v.check, v.reason))
            continue
        report.files += 1
        source = inbox / (v.entry.target_rel or v.entry.rel) if v.entry.kind == "link" else inbox / v.entry.rel
        try:
            read = _read_capped(source, settings.max_file_bytes)
        except OSError as exc:
            report.refused += 1
            reason = f"cannot read the file: {exc.strerror or exc}"
            problems.append(_entry_problem(day, v.entry, "readable_file", reason))
            continue
        archived.append(_archived(settings, v, read))  # one file's bytes in memory at a time
    known = _known(conn, day, archived)
    for item in archived:
        outcome = _loaded(conn, settings, inbox, day, item, known, problems)
        report.loaded += outcome == "loaded"
        report.seen_before += outcome == "seen_before"
        report.duplicates += outcome == "duplicate"
    upsert_documents(conn, known.new_documents)
    upsert_inbox_files(conn, known.inbox_files)
    upsert_quarantine(conn, problems)
    log.info(
        "inbox %s, %s: %d files, %d new, %d seen before, %d duplicates, %d skipped, %d refused",
        inbox,
        day,
        report.files,
        report.loaded,
        report.seen_before,
        report.duplicates,
        report.skipped,
        report.refused,
    )
    return report


def _archived(settings: Settings, v: Verdict, read: _Read) -> _Archived:
    """Archive a read file's bytes (whole, or its head when over the cap)."""
    if read.whole:
        _, stored = archive_bytes(read.raw, settings.archive_dir)
    else:
        stored = archive_head(read.raw, read.doc_id, settings.archive_dir)
    return _Archived(v, read.size, read.doc_id, read.whole, len(read.raw), stored)


def _known(conn: duckdb.DuckDBPyConnection, day: date, archived: list[_Archived]) -> _Known:
    """Two set-based look-ups for the whole load, instead of two per file (each a scan of a history-sized table)."""
    paths = [stored_name(a.verdict.entry.rel) for a in archived]
    doc_ids = [a.doc_id for a in archived]
    seen = db.query(conn, "inbox_files_seen_before", source_paths=paths, doc_ids=doc_ids, day=day)
    return _Known(
        seen_before={(r["source_path"], r["doc_id"]) for r in seen},
        documents={r["doc_id"]: r for r in db.query(conn, "documents_with_bytes", doc_ids=doc_ids)},
    )


def _loaded(
    conn: duckdb.DuckDBPyConnection,
    settings: Settings,
    inbox: Path,
    day: date,
    item: _Archived,
    known: _Known,
    problems: list[QuarantineRecord],
) -> str:
    v = item.verdict
    rel = stored_name(v.entry.rel)
    name_hex = name_bytes_hex(v.entry.rel)
    doc_id = item.doc_id
    if (rel, doc_id) in known.seen_before:  # this path delivered these bytes on another day
        return "seen_before"
    original = known.documents.get(doc_id)
    if original is not None and original["source_path"] != rel:  # the same bytes, archived from another path
        known.inbox_files.append(InboxFileRow(rel, doc_id, day, "duplicate", name_hex))
        problems.append(
            QuarantineRecord(
                day=day,
                stage="load",
                item_id=f"{doc_id}:{rel}",
                doc_id=doc_id,
                expectation="unique_document",
                reason=(
                    f"same bytes as {shown_name(original['source_path'])} (loaded {original['arrival_day']});"
                    " kept once in the archive"
                ),
                details={"file": rel, "duplicate_of": original["source_path"]},
            )
        )
        return "duplicate"
    meta, sidecar_problems = _sidecar(inbox, v.sidecar)
    file_name = rel.rpartition("/")[2]
    raw = archived_bytes(settings.archive_dir, doc_id)[: item.kept]  # what was read: the file, or its head
    sniff = sniffed(raw, file_name)
    doc = Document(
        doc_id=doc_id,
        file_name=file_name,
        source_path=rel,
        origin="inbox",
        arrival_day=day,
        size_bytes=item.size,
        media_type=sniff.media_type,
        encoding=sniff.encoding,
        encoding_note=sniff.note if item.whole else f"only the first {item.kept:,} bytes kept (over the size cap)",
        archive_path=str(item.stored.relative_to(settings.warehouse_dir)),
        source_hint=source_hint(rel),
        meta=meta,
    )
    known.new_documents.append(doc)
    known.documents[doc_id] = {"source_path": rel, "arrival_day": day}
    known.inbox_files.append(InboxFileRow(rel, doc_id, day, "loaded", name_hex))
    if sidecar_problems:
        problems.append(
            QuarantineRecord(
                day=day,
                stage="load",
                item_id=f"{doc_id}:{rel}",
                doc_id=doc_id,
                expectation="valid_sidecar",
                reason="; ".join(sidecar_problems),
            )
        )
    return "loaded"


def _sidecar(inbox: Path, rel: str | None) -> tuple[SidecarMeta, list[str]]:
    """The sidecar's usable fields, and one readable problem per field (or file) that was not usable."""
    if rel is None:
        return SidecarMeta(), []
    name = shown_name(rel.rpartition("/")[2])
    try:
        read = _read_capped(inbox / rel, SIDECAR_MAX_BYTES)
    except OSError as exc:
        return SidecarMeta(), [f"sidecar {name} ignored: cannot read it ({exc.strerror or exc})"]
    if not read.whole:
        return SidecarMeta(), [f"sidecar {name} ignored: {read.size:,} bytes, over {SIDECAR_MAX_BYTES:,}"]
    meta, problems = sidecar_meta(read.raw)
    return meta, [f"sidecar {name}: {p}" for p in problems]


def _entry_problem(day: date, entry: InboxEntry, check: str, reason: str) -> QuarantineRecord:
    rel = stored_name(entry.rel)
    details: dict = {"file": rel, "kind": entry.kind}
    if entry.link_text is not None:
        details["link"] = stored_name(entry.link_text)
    if hexed := name_bytes_hex(entry.rel):
        details["name_bytes_hex"] = hexed
    return QuarantineRecord(
        day=day, stage="load", item_id=f"inbox:{rel}", expectation=check, reason=reason, details=details
    )
