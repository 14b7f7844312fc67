"""Articles from one decoded document: dispatch by media type, then settle title,
source and publish date with their provenance. Pure: no I/O, no clock."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from dateutil import parser as dateparser

from newsmon.models import Article, DateProvenance, Document, TitleProvenance
from transforms.display import shown
from transforms.html_extract import FUTURE_SLACK, html_article
from transforms.json_limits import DUPLICATE_KEYS
from transforms.language import detected_language
from transforms.normalize import match_key, normalized_text
from transforms.sniff import Sniffed, json_items
from transforms.text_clean import cleaned_text
from transforms.urls import canonical_url, url_host

# A stated date further after the arrival day is a parsing error, not news from the future; up
# to it, a time zone ahead of UTC. The same slack bounds html_article's publish date.
_FUTURE_SLACK = FUTURE_SLACK
_JSON_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name"),
    "text": ("text", "body", "content", "article", "articleBody", "description_full"),
    "html": ("html", "raw_html", "content_html"),
    "url": ("url", "link", "canonical_url", "permalink"),
    "source": ("source", "site", "sitename", "publisher", "outlet", "feed"),
    "published": ("published_at", "published", "date", "datePublished", "pubDate", "timestamp"),
    "author": ("author", "authors", "byline", "creator"),
    "language": ("language", "lang", "inLanguage"),
    "description": ("description", "summary", "subtitle", "lead"),
}


@dataclass(frozen=True)
class Problem:
    """A document that cannot become articles, for quarantine."""

    item_id: str
    check: str
    reason: str


@dataclass
class _Draft:
    text: str
    title: str | None = None
    title_provenance: TitleProvenance | None = None
    author: str | None = None
    url: str | None = None
    source: str | None = None
    sitename: str | None = None
    description: str | None = None
    declared_language: str | None = None
    language: str | None = None  # already identified from this text (HTML pages): not run twice
    dates: tuple[tuple[DateProvenance, date | datetime | None], ...] = ()
    dateline_place: str | None = None
    dateline_date: date | None = None


def document_articles(
    doc: Document, sniff: Sniffed, *, boilerplate: frozenset[str] = frozenset()
) -> tuple[list[Article], list[Problem]]:
    """Extract the articles of one document; what cannot be extracted comes back as problems."""
    if sniff.text is None:
        return [], [Problem(doc.doc_id, "decodable_text", sniff.note or f"not text ({sniff.media_type})")]
    if sniff.media_type == "json":
        try:
            records = json_items(sniff.text)
        except ValueError as exc:  # json_limits.JsonLimitError is one
            return [], [Problem(doc.doc_id, "valid_json", f"not an article JSON file: {exc}")]
        if not records:
            return [], [Problem(doc.doc_id, "empty_record_list", "the JSON file's list of articles is empty")]
        drafts: list[tuple[str, _Draft | Problem]] = []
        for i, record in records:
            item_id = doc.doc_id if len(records) == 1 else f"{doc.doc_id}:{i}"
            if isinstance(record, str):
                drafts.append((item_id, Problem(item_id, "article_record", record)))
            elif repeated := record.get(DUPLICATE_KEYS):
                keys = ", ".join(f'"{shown(k, one_line=True)}"' for k in repeated)
                reason = f"JSON record has the key {keys} more than once with different values: ambiguous, not guessed"
                drafts.append((item_id, Problem(item_id, "article_record", reason)))
            else:
                drafts.append((item_id, _json_draft(item_id, record, doc, boilerplate)))
    elif sniff.media_type == "html":
        drafts = [(doc.doc_id, _html_draft(sniff.text, doc))]
    else:
        drafts = [(doc.doc_id, _text_draft(sniff.text, doc, boilerplate))]
    articles, problems = [], []
    for item_id, draft in drafts:
        if isinstance(draft, Problem):
            problems.append(draft)
        else:
            articles.append(_article(item_id, draft, doc))
    return articles, problems


def _html_draft(html: str, doc: Document) -> _Draft:
    page = html_article(html, url=doc.meta.url, reference_day=doc.arrival_day)
    return _Draft(
        # html_article has dropped consent, sign-in and paywall paragraphs in a dozen languages
        # (transforms/boilerplate.py): a page of only those comes back empty.
        text=page.text or "",
        title=page.title,
        title_provenance="html_metadata" if page.title else None,
        author=page.author,
        url=page.url,
        sitename=page.sitename,
        description=page.description,
        declared_language=page.language,
        language=page.language,
        dates=(("html_metadata", page.published),),
    )


def _text_draft(text: str, doc: Document, boilerplate: frozenset[str]) -> _Draft:
    cleaned = cleaned_text(text, reference_day=doc.arrival_day, boilerplate=boilerplate)
    return _Draft(
        text=cleaned.text,
        title=cleaned.title,
        title_provenance=cleaned.title_provenance,
        author=cleaned.author,
        dates=(("stated_line", cleaned.stated_published), ("dateline", cleaned.dateline_date)),
        dateline_place=cleaned.dateline_place,
        dateline_date=cleaned.dateline_date,
    )


def _json_draft(item_id: str, record: dict[str, Any], doc: Document, boilerplate: frozenset[str]) -> _Draft | Problem:
    fields = {name: _first(record, keys) for name, keys in _JSON_FIELDS.items()}
    if fields["html"] and not fields["text"]:
        draft = _html_draft(str(fields["html"]), doc)
    elif isinstance(fields["text"], str) and fields["text"].strip():
        draft = _text_draft(fields["text"], doc, boilerplate)
    else:
        return Problem(
            item_id, "article_record", f"JSON record has no text field (looked for {', '.join(_JSON_FIELDS['text'])})"
        )
    if fields["title"]:
        draft.title, draft.title_provenance = normalized_text(str(fields["title"])), "json"
    draft.url = _str(fields["url"]) or draft.url
    draft.source = _str(fields["source"])
    draft.author = _author(fields["author"]) or draft.author
    if declared := _str(fields["language"]):
        draft.declared_language, draft.language = declared, None  # the record's own statement is weighed again
    draft.description = _str(fields["description"]) or draft.description
    draft.dates = (("json", _parsed_date(fields["published"])), *draft.dates)
    return draft


def _article(item_id: str, draft: _Draft, doc: Document) -> Article:
    meta = doc.meta
    text = normalized_text(draft.text)
    title, title_provenance = draft.title, draft.title_provenance
    if meta.title:
        title, title_provenance = normalized_text(meta.title), "sidecar"
    url = meta.url or draft.url
    published_at, provenance = _published((("sidecar", meta.published_at), *draft.dates), doc.arrival_day)
    if draft.language and not meta.language:
        language = draft.language
    else:
        language, _ = detected_language(text, meta.language or draft.declared_language)
    return Article(
        article_id=item_id,
        doc_id=doc.doc_id,
        day=doc.arrival_day,
        title=title or None,
        title_provenance=title_provenance if title else None,
        text=text,
        author=draft.author,
        url=url,
        canonical_url=canonical_url(url) if url else None,
        source=meta.source or draft.source or draft.sitename or _host(url) or doc.source_hint or "unknown",
        sitename=draft.sitename,
        description=draft.description,
        language=language,
        published_at=published_at,
        published_provenance=provenance,
        dateline_place=draft.dateline_place,
        dateline_date=draft.dateline_date,
        word_count=len(text.split()),
        content_hash=hashlib.sha256(match_key(text).encode()).hexdigest(),
    )


def _published(
    candidates: tuple[tuple[DateProvenance, date | datetime | None], ...], arrival_day: date
) -> tuple[datetime, DateProvenance]:
    """The first plausible candidate in order of trust; the arrival day when none is."""
    latest = datetime.combine(arrival_day, time.min) + _FUTURE_SLACK + timedelta(days=1)
    for provenance, value in candidates:
        if value is None:
            continue
        moment = _as_utc_naive(value)
        if datetime(1990, 1, 1) <= moment < latest:
            return moment, provenance
    return datetime.combine(arrival_day, time.min), "arrival_day"


def _as_utc_naive(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        return datetime.combine(value, time.min)
    if value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _parsed_date(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        return dateparser.parse(str(value))
    except (ValueError, OverflowError):
        return None


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if record.get(key) not in (None, "", []):
            return record[key]
    return None


def _str(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _author(value: Any) -> str | None:
    if isinstance(value, list):
        names = [v.get("name") if isinstance(v, dict) else v for v in value]
        return "; ".join(str(n) for n in names if n) or None
    if isinstance(value, dict):
        return _str(value.get("name"))
    return _str(value)


def _host(url: str | None) -> str | None:
    host = url_host(url) or ""  # none for "http://[::1": the article keeps the url as given
    return host.removeprefix("www.") or None
