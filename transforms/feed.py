"""An Atom feed (RFC 4287) of daily summaries: one entry per day, newest first. Pure.

Built with lxml's element tree, so every title and every scraped story title is escaped by the
serializer; the entry's HTML is built as elements too and carried as escaped text in
`<content type="html">`. Nothing in it points to the network.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

from lxml import etree
from pydantic import BaseModel

from transforms.display import shown
from transforms.notification import summary_headline
from transforms.summary import DailySummary, EventItem, StoryChange, headline_figures

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_DAYS = 30
FEED_TITLE = "newsmon daily summaries"

# Characters XML 1.0 forbids (C0 controls but tab/newline/CR, lone surrogates, U+FFFE/FFFF):
# one stray byte in a scraped title would make the whole feed unreadable.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class FeedItem(BaseModel):
    """A stored summary and when it was last written."""

    summary: DailySummary
    updated: datetime


class FeedEntry(BaseModel):
    """One day's entry as the feed shows it: what `summary_feed` reads of a `FeedItem`, kept so a
    rebuild need not read and render the summaries that did not change (flows/report.py)."""

    day: date
    updated: datetime
    title: str
    headline: str
    html: str

    @classmethod
    def of(cls, item: FeedItem) -> FeedEntry:
        summary = item.summary
        return cls(
            day=summary.day,
            updated=item.updated,
            title=summary_entry_title(summary),
            headline=summary_headline(summary),
            html=summary_html(summary),
        )


def _clean(text: object) -> str:
    return shown(_NOT_XML.sub("", "" if text is None else str(text)))


def _el(parent: etree._Element, tag: str, text: object = None, **attrs: str) -> etree._Element:
    child = etree.SubElement(parent, tag, {k: _clean(v) for k, v in attrs.items()})
    if text is not None:
        child.text = _clean(text)
    return child


def _atom(parent: etree._Element, tag: str, text: object = None, **attrs: str) -> etree._Element:
    return _el(parent, f"{{{ATOM_NS}}}{tag}", text, **attrs)


def _rfc3339(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def feed_id(name: str = "newsmon") -> str:
    """The feed's permanent id: the same for every rebuild of the feed called `name`."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"newsmon:{name}:daily-summaries").urn


def entry_id(day: object, name: str = "newsmon") -> str:
    """A day's permanent entry id (urn:uuid, from the feed name and the day): a rebuilt feed keeps it."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"newsmon:{name}:daily-summary:{day}").urn


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def _table(parent: etree._Element, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    table = _el(parent, "table")
    head = _el(table, "tr")
    for cell in header:
        _el(head, "th", cell)
    for row in rows:
        tr = _el(table, "tr")
        for cell in row:
            _el(tr, "td", cell)


def _who(change: StoryChange, limit: int = 4) -> str:
    names = [
        (i.get("name") or i.get("canonical_name") or "") if isinstance(i, dict) else str(i)
        for i in change.top_entities[:limit]
    ]
    return ", ".join(n for n in names if n)


def _when(e: EventItem) -> str:
    if e.date_end and e.date_start and e.date_end != e.date_start:
        return f"{e.date_start} to {e.date_end}"
    return str(e.event_date or e.date_start or "")


def summary_html(summary: DailySummary) -> str:
    """The summary as an HTML fragment (tables and lists, no scripts, styles or external resources)."""
    root = etree.Element("div")
    _el(root, "p", f"Compared with {summary.previous_day.isoformat()}.")
    _table(
        root,
        ["", "today", "yesterday", "change"],
        [(label, a, b, _signed(a - b)) for label, a, b in headline_figures(summary)],
    )
    if summary.stories is not None:
        _el(root, "h3", "Stories")
        if summary.stories.new:
            _el(root, "p", "New stories:")
            _table(
                root,
                ["story", "articles", "sources", "who"],
                [(c.title or "(untitled)", c.articles, c.sources, _who(c)) for c in summary.stories.new],
            )
        if summary.stories.grown:
            _el(root, "p", "Grown stories:")
            _table(
                root,
                ["story", "articles", "sources", "who"],
                [
                    (
                        c.title or "(untitled)",
                        f"{c.articles} ({_signed(c.added_articles)})",
                        f"{c.sources} ({_signed(c.added_sources)})",
                        _who(c),
                    )
                    for c in summary.stories.grown
                ],
            )
        if not summary.stories.new and not summary.stories.grown:
            _el(root, "p", "No story started or grew.")
    _el(root, "h3", "New articles by source")
    if summary.new_articles_by_source:
        _table(
            root,
            ["source", "reports", "copies", "yesterday", "change"],
            [
                (s.source, s.articles, s.copies, s.previous_articles, _signed(s.delta))
                for s in summary.new_articles_by_source
            ],
        )
    else:
        _el(root, "p", "No new articles.")
    if summary.gone_sources:
        _el(root, "p", "Gone quiet (articles yesterday, none today): " + ", ".join(summary.gone_sources) + ".")
    if summary.events is not None and (summary.events.new or summary.events.upcoming):
        _el(root, "h3", "Events")
        for label, events in (
            ("Dated or first reported today:", summary.events.new),
            ("Scheduled:", summary.events.upcoming),
        ):
            if events:
                _el(root, "p", label)
                _table(
                    root,
                    ["when", "what", "who", "where", "reports"],
                    [(_when(e), e.type, e.participants or "", e.place or "", e.article_count) for e in events],
                )
    if summary.entities is not None and summary.entities.top:
        _el(root, "h3", "Who and what")
        _table(
            root,
            ["name", "type", "articles", "mentions"],
            [(e.name, e.type, e.articles, e.mentions) for e in summary.entities.top],
        )
    _el(root, "h3", "Quarantined by reason")
    if summary.quarantined_by_reason:
        _table(
            root,
            ["stage", "check", "items", "example"],
            [(q.stage, q.expectation, q.items, q.example_reason) for q in summary.quarantined_by_reason],
        )
    else:
        _el(root, "p", "Nothing quarantined.")
    if summary.web is not None and summary.web.sources:
        _el(root, "h3", "Web sources")
        _table(
            root,
            ["source", "new items", "failed", "days without new"],
            [(s.source, s.new_items, s.failed, s.days_without_new) for s in summary.web.sources],
        )
    return etree.tostring(root, encoding="unicode", method="html")


def summary_entry_title(summary: DailySummary) -> str:
    """`2026-03-04: 12 articles (+3), 10 distinct reports, 2 new stories, 1 grown, 0 quarantined`."""
    return f"{summary.day.isoformat()}: {summary_headline(summary)}"


def summary_feed(
    items: Iterable[FeedItem | FeedEntry],
    *,
    now: datetime,
    days: int = FEED_DAYS,
    title: str = FEED_TITLE,
    name: str = "newsmon",
    self_url: str | None = None,
) -> bytes:
    """The Atom document (UTF-8) for the newest `days` summaries, newest first.

    Its `updated` is the newest entry's, so an unchanged set of summaries gives the same bytes;
    `now` only dates a feed with no entry. `name` keeps two installations' ids apart. Items may
    come as summaries or as entries already rendered from them (`FeedEntry.of`): the same bytes.
    """
    newest: dict[date, FeedItem | FeedEntry] = {}
    for item in items:  # one entry per day: the last written copy wins
        day = item.summary.day if isinstance(item, FeedItem) else item.day
        seen = newest.get(day)
        if seen is None or item.updated > seen.updated:
            newest[day] = item
    chosen = [
        FeedEntry.of(i) if isinstance(i, FeedItem) else i
        for _, i in sorted(newest.items(), key=lambda kv: kv[0], reverse=True)[:days]
    ]
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    _atom(feed, "id", feed_id(name))
    _atom(feed, "title", title)
    _atom(feed, "subtitle", "What is new, grown or gone each day since the day before.")
    _atom(feed, "updated", _rfc3339(max((i.updated for i in chosen), default=now)))
    author = _atom(feed, "author")
    _atom(author, "name", "newsmon")
    _atom(feed, "generator", "newsmon")
    if self_url:
        _atom(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    for item in chosen:
        entry = _atom(feed, "entry")
        _atom(entry, "id", entry_id(item.day.isoformat(), name))
        _atom(entry, "title", item.title)
        _atom(entry, "updated", _rfc3339(item.updated))
        _atom(entry, "summary", item.headline, type="text")
        _atom(entry, "content", item.html, type="html")
    return etree.tostring(feed, encoding="utf-8", xml_declaration=True, pretty_print=True)
