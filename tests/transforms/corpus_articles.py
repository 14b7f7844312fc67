"""Seed and sample articles through the same document -> article path the daily flow uses
(sniffing, sidecars, per-source boilerplate, cleaning), for the duplicate and story tests."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from flows.archive import content_id
from flows.daily import inbox_paths
from newsmon.models import Article, Document, SidecarMeta
from transforms.articles import document_articles
from transforms.sniff import sniffed, source_hint, source_key
from transforms.text_clean import boilerplate_lines

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_INBOX = ROOT / "samples" / "inbox"
_BOILERPLATE_MIN_DOCS = 3  # Settings.boilerplate_min_docs


def _meta(path: Path) -> SidecarMeta:
    side = path.with_name(path.name + ".meta.json")
    return SidecarMeta.model_validate_json(side.read_bytes()) if side.exists() else SidecarMeta()


def inbox_articles(inbox: Path, days: list[date]) -> dict[str, Article]:
    """Articles of an inbox replayed day by day, keyed `<day>/<file name>[:N]` like samples/expected.json."""
    out: dict[str, Article] = {}
    seen: set[str] = set()
    texts_by_source: dict[str, list[tuple[date, str]]] = {}
    for day in days:
        docs = []
        for path in inbox_paths(inbox, day):
            raw = path.read_bytes()
            doc_id = content_id(raw)
            if doc_id in seen:
                continue  # the flow quarantines byte-identical copies at load
            seen.add(doc_id)
            rel = str(path.relative_to(inbox))
            sniff = sniffed(raw, path.name)
            doc = Document(doc_id=doc_id, file_name=path.name, source_path=rel, arrival_day=day,
                           size_bytes=len(raw), media_type=sniff.media_type, encoding=sniff.encoding,
                           archive_path="x", source_hint=source_hint(rel), meta=_meta(path))
            key = source_key(doc.meta.source or doc.source_hint)
            if sniff.media_type == "text" and sniff.text and key:
                texts_by_source.setdefault(key, []).append((day, sniff.text))
            docs.append((path, doc, sniff, key))
        for path, doc, sniff, key in docs:
            recent = [t for d, t in texts_by_source.get(key or "", []) if d >= day - timedelta(days=30)]
            learned = (boilerplate_lines(recent, min_docs=_BOILERPLATE_MIN_DOCS)
                       if len(recent) >= _BOILERPLATE_MIN_DOCS else frozenset())
            articles, _ = document_articles(doc, sniff, boilerplate=learned)
            for a in articles:
                if a.language not in (None, "en"):
                    continue  # the articles suite quarantines other languages
                suffix = a.article_id[len(doc.doc_id):]
                out[f"{day.isoformat()}/{path.name}{suffix}"] = a
    return out


def sample_articles() -> dict[str, Article]:
    """The bundled sample corpus, as its three daily runs load it."""
    days = sorted(date.fromisoformat(p.name) for p in SAMPLE_INBOX.iterdir() if p.is_dir())
    return inbox_articles(SAMPLE_INBOX, days)


def seed_articles(seeds_dir: Path) -> dict[str, Article]:
    """The five seeds, keyed by file name, arriving as replay.json says."""
    replay = json.loads((seeds_dir / "replay.json").read_text())["days"]
    out: dict[str, Article] = {}
    for entry in replay:
        day = date.fromisoformat(entry["day"])
        for name in entry["arrive"]:
            raw = (seeds_dir / name).read_bytes()
            sniff = sniffed(raw, name)
            doc = Document(doc_id=content_id(raw), file_name=name, source_path=name, arrival_day=day,
                           size_bytes=len(raw), media_type=sniff.media_type, encoding=sniff.encoding,
                           archive_path="x")
            articles, _ = document_articles(doc, sniff)
            out[name] = articles[0]
    return out
