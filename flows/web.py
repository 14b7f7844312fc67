"""Web ingestion for one day: feeds, sitemaps and URL lists -> new article pages -> documents.

Plain functions; the daily flow wraps `run_fetch` in a Prefect task. All HTTP goes through
flows.fetching (address checks, robots.txt, rate limits, conditional GET, the raw archive)
and all parsing through transforms.feeds. Everything is written on the caller's
connection, inside its write transaction, so a failed run leaves no rows behind.

A run: fetch every enabled feed and sitemap (conditional GET from `fetch_state`; a 304
re-reads the last archived copy, so items whose pages failed last time are tried again),
follow sitemap indexes (bounded), keep the entries whose canonical URL was never seen,
fetch those pages, and record each archived page as a `documents` row of origin 'web'
with the entry's title, date and source name as its metadata.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import duckdb
from pydantic import BaseModel, Field

from flows.archive import archive_path, archived_bytes
from flows.fetching import Fetcher, FetchLimits, FetchResult, FetchState, FetchTarget, fetch_many
from flows.progress import progress_bar
from newsmon.models import Document, QuarantineRecord, SidecarMeta
from newsmon.settings import Settings
from newsmon.sources import FeedSource, SitemapSource, Source, SourcesConfig, UrlListSource
from transforms.feeds import FeedEntry, FeedError, feed_entries, sitemap_entries
from transforms.sniff import sniffed
from transforms.urls import canonical_url
from warehouse import db
from warehouse.store import insert_values, upsert_document

log = logging.getLogger("newsmon")

DEFAULT_MAX_ITEMS = 500  # per source and run when neither the source nor [defaults] sets one
MAX_CHILD_SITEMAPS = 50  # child sitemaps read per source and run, newest <lastmod> first
MAX_SITEMAP_DEPTH = 2  # an index may point at indexes once (the protocol forbids even that)

# Failures worth another try on the next run while the item is still listed; any other
# outcome (a page, a 404, a refused address, robots.txt ...) marks the URL as seen.
_TRANSIENT = frozenset({"timeout", "connect", "dns", "protocol", "internal", "too_soon"})
_NOT_FAILURES = frozenset({"too_soon", "bad_charset"})  # a skip; a page kept despite its label
_FETCH_COLUMNS = (
    "run_id",
    "day",
    "url",
    "canonical_url",
    "final_url",
    "source",
    "expect",
    "fetched_at",
    "status",
    "size_bytes",
    "wire_bytes",
    "duration_ms",
    "content_type",
    "charset",
    "doc_id",
    "error_kind",
    "error_message",
    "attempts",
    "not_modified",
)
_STATE_COLUMNS = tuple(FetchState.model_fields)


class SourceFetch(BaseModel):
    """What one source gave on one run."""

    source: str
    kind: str  # feed | sitemap | urls
    listing: str = ""  # fetched | not_modified | too_soon | failed | unparsable | "" (URL lists)
    entries: int = 0  # items listed (feeds, sitemaps) or URLs configured
    new: int = 0  # never seen before, after max_items
    loaded: int = 0  # pages archived and recorded as documents
    failed: int = 0  # listing and page fetches that failed


class FetchReport(BaseModel):
    """What a web run fetched and loaded; `quarantine` is for the caller to write."""

    day: date
    run_id: str
    requests: int = 0  # rows written to `fetches` (URLs attempted, incl. 304s)
    not_modified: int = 0
    failures: dict[str, int] = Field(default_factory=dict)  # error kind -> URLs
    new_urls: int = 0
    backed_off: list[str] = Field(default_factory=list)  # URLs not tried this run: they failed recently (see BACKOFF)
    loaded: int = 0
    duplicates: int = 0  # pages whose bytes were already a document
    sources: list[SourceFetch] = Field(default_factory=list)
    quarantine: list[QuarantineRecord] = Field(default_factory=list)


@dataclass
class _Listing:
    """A feed or sitemap of one source being read this run."""

    source: Source
    target: FetchTarget
    depth: int = 0
    result: FetchResult | None = None
    entries: list[FeedEntry] = field(default_factory=list)
    language: str | None = None


# ---------------------------------------------------------------- the run


def run_fetch(
    conn: duckdb.DuckDBPyConnection,
    settings: Settings,
    day: date,
    sources: SourcesConfig,
    *,
    limits: FetchLimits | None = None,
    run_id: str,
    fallback_max_items: int = DEFAULT_MAX_ITEMS,
) -> FetchReport:
    """Fetch every enabled source's new items for `day`; write documents, fetches, fetch_state."""
    limits = fetch_limits(settings, sources, limits)
    report = FetchReport(day=day, run_id=run_id)
    enabled = list(sources.sources())
    per_source = {s.name: SourceFetch(source=s.name, kind=s.kind) for s in enabled}

    with Fetcher(settings.archive_dir, limits, run_id=run_id) as fetcher:
        listings, results, states = _listings(conn, settings, day, sources, fetcher, report)
        pages, page_meta = _new_pages(conn, sources, listings, per_source, fallback_max_items)
        pages, report.backed_off = _after_backoff(conn, pages, datetime.now(UTC))
        report.new_urls = len(pages)
        with progress_bar(f"{day} fetch", len(pages)) as advance:
            fetched, new_states = (
                fetch_many(pages, archive_dir=settings.archive_dir, run_id=run_id, fetcher=fetcher, advance=advance)
                if pages
                else ([], {})
            )
    results += fetched

    # Archived pages become documents; settled URLs get state, transient failures none.
    known_docs = _documents_by_id(conn, [r.doc_id for r in fetched if r.doc_id])
    for result in fetched:
        source, entry, language = page_meta[result.canonical_url]
        if result.error_kind in _TRANSIENT or (result.error_kind == "http_status" and _transient_status(result.status)):
            continue  # no state: the item is tried again while it is still listed
        if result.canonical_url in new_states:
            states[result.canonical_url] = new_states[result.canonical_url]
        is_page = result.doc_id and result.status and 200 <= result.status < 300
        if is_page and _record_page(conn, settings, day, result, (source, entry, language), known_docs, report):
            per_source[source.name].loaded += 1

    # The log, the state and the counts.
    for result in results:
        result.run_id, result.day = run_id, day
        counts = per_source.get(result.source)
        if result.not_modified:
            report.not_modified += 1
        if result.error_kind and result.error_kind not in _NOT_FAILURES:
            report.failures[result.error_kind] = report.failures.get(result.error_kind, 0) + 1
            if counts:
                counts.failed += 1
    for listing in listings:
        if listing.depth == 0 and listing.result is not None:
            per_source[listing.source.name].listing = _listing_outcome(listing.result)
    report.requests = _write_fetches(conn, day, results)
    _write_states(conn, states.values())
    report.sources = list(per_source.values())
    log.info(
        "web %s: %d sources, %d requests, %d not modified, %d new URLs, %d loaded, failures %s",
        day,
        len(enabled),
        report.requests,
        report.not_modified,
        report.new_urls,
        report.loaded,
        report.failures or "none",
    )
    return report


def _listings(
    conn: duckdb.DuckDBPyConnection,
    settings: Settings,
    day: date,
    sources: SourcesConfig,
    fetcher: Fetcher,
    report: FetchReport,
) -> tuple[list[_Listing], list[FetchResult], dict[str, FetchState]]:
    """Feeds and sitemaps fetched and read, then child sitemaps level by level (bounded)."""
    enabled = list(sources.sources())
    results: list[FetchResult] = []
    states: dict[str, FetchState] = {}
    level = [
        _Listing(
            s,
            FetchTarget(
                url=s.url,
                source=s.name,
                expect=s.kind,
                max_bytes=sources.limits(s).max_bytes,
                min_interval_seconds=sources.limits(s).min_interval_seconds,
            ),
        )
        for s in enabled
        if isinstance(s, FeedSource | SitemapSource)
    ]
    listings: list[_Listing] = []
    children_left = {s.name: MAX_CHILD_SITEMAPS for s in enabled}
    requested = {canonical_url(x.target.url) for x in level}
    while level:
        known = _states(conn, [canonical_url(x.target.url) for x in level])
        fetched, new_states = fetch_many(
            [x.target for x in level],
            archive_dir=settings.archive_dir,
            states=known,
            run_id=fetcher.run_id,
            fetcher=fetcher,
        )
        states.update(new_states)
        by_url = {r.canonical_url: r for r in fetched}
        results += fetched
        next_level: list[_Listing] = []
        for listing in level:
            listing.result = by_url.get(canonical_url(listing.target.url))
            if listing.result is None:  # defensive: fetch_many answers every URL
                continue
            cached = known.get(listing.result.canonical_url)
            children = _read_listing(listing, cached, settings.archive_dir, day, report)
            listings.append(listing)
            if children and listing.depth < MAX_SITEMAP_DEPTH:
                room = children_left[listing.source.name]
                fresh = [c for c in children if canonical_url(c.url or "") not in requested]
                chosen = _newest_first(fresh)[:room]
                requested.update(canonical_url(c.url or "") for c in chosen)
                for child in chosen:
                    next_level.append(
                        _Listing(
                            listing.source,
                            FetchTarget(
                                url=child.url,
                                source=listing.source.name,
                                expect="sitemap",
                                max_bytes=listing.target.max_bytes,
                                min_interval_seconds=listing.target.min_interval_seconds,
                            ),
                            depth=listing.depth + 1,
                        )
                    )
                children_left[listing.source.name] = max(0, room - len(fresh))
        level = next_level
    return listings, results, states


def _new_pages(
    conn: duckdb.DuckDBPyConnection,
    sources: SourcesConfig,
    listings: list[_Listing],
    per_source: dict[str, SourceFetch],
    fallback_max_items: int,
) -> tuple[list[FetchTarget], dict[str, tuple[Source, FeedEntry | None, str | None]]]:
    """Never-seen item URLs per source, in listing order (sitemaps newest first), capped."""
    enabled = list(sources.sources())
    candidates: dict[str, list[tuple[str, FeedEntry | None, str | None]]] = {}
    for listing in listings:
        candidates.setdefault(listing.source.name, []).extend(
            (e.url, e, listing.language) for e in listing.entries if e.url
        )
    for s in enabled:
        if isinstance(s, SitemapSource) and s.name in candidates:
            order = _newest_first([e for _u, e, _l in candidates[s.name] if e])
            candidates[s.name] = [(e.url or "", e, None) for e in order]
    for s in enabled:
        if isinstance(s, UrlListSource):
            candidates[s.name] = [(u, None, None) for u in s.urls]
    listed = {canonical_url(x.target.url) for x in listings}
    seen = _seen_urls(conn, [u for items in candidates.values() for u, _e, _l in items]) | listed
    pages: list[FetchTarget] = []
    page_meta: dict[str, tuple[Source, FeedEntry | None, str | None]] = {}
    by_name = {s.name: s for s in enabled}
    for name, items in candidates.items():
        source = by_name[name]
        cap = sources.limits(source).max_items or fallback_max_items
        per_source[name].entries += len(items)
        for url, entry, language in items:
            key = canonical_url(url)
            if key in seen:
                continue
            seen.add(key)
            if per_source[name].new >= cap:
                continue  # still marked seen for this run: another source does not take it
            per_source[name].new += 1
            pages.append(
                FetchTarget(
                    url=url,
                    source=name,
                    expect="page",
                    max_bytes=sources.limits(source).max_bytes,
                )
            )
            page_meta[key] = (source, entry, language)
    return pages, page_meta


# After a URL's n-th transient failure in a row it is not tried again for BACKOFF * 2**(n-1)
# (1 h, 2 h, 4 h ... at most BACKOFF_MAX): a page that drips or hangs costs its timeout once
# in a while, not on every run, and is still fetched once it answers.
BACKOFF = timedelta(hours=1)
BACKOFF_MAX = timedelta(days=7)


def backoff_wait(failures: int) -> timedelta:
    """How long to wait after `failures` transient failures in a row."""
    return min(BACKOFF_MAX, BACKOFF * 2 ** min(max(failures - 1, 0), 20))


def _after_backoff(
    conn: duckdb.DuckDBPyConnection, pages: list[FetchTarget], now: datetime
) -> tuple[list[FetchTarget], list[str]]:
    """The pages to fetch now, and the URLs left for a later run because they failed recently."""
    if not pages:
        return pages, []
    streaks = {
        r["canonical_url"]: r
        for r in db.query(conn, "fetch_failure_streaks", urls=[canonical_url(p.url) for p in pages])
    }
    now = _naive_utc(now)
    kept, waiting = [], []
    for page in pages:
        streak = streaks.get(canonical_url(page.url))
        if streak and now < streak["last_failed"] + backoff_wait(streak["failures"]):
            waiting.append(page.url)
        else:
            kept.append(page)
    if waiting:
        log.info("web: %d URLs that failed recently are left for a later run (backoff)", len(waiting))
    return kept, waiting


def fetch_limits(settings: Settings, sources: SourcesConfig, limits: FetchLimits | None = None) -> FetchLimits:
    """The run's fetch limits: `limits` (or defaults) with every configured allow-list merged."""
    limits = limits or FetchLimits()
    allow = [*limits.allow, *sources.fetch.allow, *(getattr(settings, "fetch_allow", None) or [])]
    return limits.model_copy(update={"allow": list(dict.fromkeys(allow))})


# ---------------------------------------------------------------- listings


def _read_listing(
    listing: _Listing,
    cached: FetchState | None,
    archive_dir: Path,
    day: date,
    report: FetchReport,
) -> list[FeedEntry]:
    """Parse a listing's body (fresh, or the last archived copy on 304/too soon); child sitemaps."""
    result = listing.result
    assert result is not None
    what = "feed" if listing.target.expect == "feed" else "sitemap"
    name = listing.source.name
    doc_id = result.doc_id
    if doc_id is None and (result.not_modified or result.error_kind == "too_soon"):
        doc_id = cached.last_doc_id if cached else None
    if doc_id is None:
        if result.error_kind and result.error_kind != "too_soon":
            report.quarantine.append(
                _quarantined(
                    day,
                    result,
                    f"{what}_fetched",
                    f"{what} {name!r} could not be fetched ({result.error_kind}, "
                    f"{result.attempts} attempt{'s' if result.attempts != 1 else ''}): "
                    f"{result.error_message}",
                )
            )
        return []
    try:
        raw = archived_bytes(archive_dir, doc_id)
    except FileNotFoundError:
        log.warning("web: last copy of %s (%s) is missing from the archive", result.url, doc_id)
        return []
    base = result.final_url or result.url
    try:
        if what == "feed":
            parsed = feed_entries(raw, base_url=base)
            listing.entries, listing.language = parsed.entries, parsed.language
            children: list[FeedEntry] = []
        else:
            sitemap = sitemap_entries(raw, max_bytes=listing.target.max_bytes or 50 * 1024 * 1024)
            listing.entries, children = sitemap.entries, sitemap.sitemaps
            parsed = sitemap
    except FeedError as exc:
        result.error_kind = "unparsable"
        result.error_message = f"{exc.kind}: {exc.message}"
        report.quarantine.append(
            _quarantined(
                day,
                result,
                f"{what}_parsable",
                f"{what} {name!r} ({result.url}) is not readable: {exc.message}",
                doc_id=doc_id,
                kind=exc.kind,
            )
        )
        return []
    if parsed.recovered:
        log.warning("web: %s %s parsed in recover mode: %s", what, result.url, parsed.warnings)
    return [c for c in children if c.url]


def _newest_first(entries: Sequence[FeedEntry]) -> list[FeedEntry]:
    """Entries by date, newest first; undated ones after, in their own order."""
    floor = datetime.min.replace(tzinfo=UTC)
    dated = sorted(
        (e for e in entries if e.published or e.updated),
        key=lambda e: e.published or e.updated or floor,
        reverse=True,
    )
    return dated + [e for e in entries if not (e.published or e.updated)]


def _listing_outcome(result: FetchResult) -> str:
    if result.error_kind == "unparsable":
        return "unparsable"
    if result.not_modified:
        return "not_modified"
    if result.error_kind == "too_soon":
        return "too_soon"
    return "fetched" if result.doc_id else "failed"


def _transient_status(status: int | None) -> bool:
    return status is not None and (status >= 500 or status in (408, 429))


def _quarantined(
    day: date,
    result: FetchResult,
    check: str,
    reason: str,
    *,
    doc_id: str | None = None,
    **details: Any,
) -> QuarantineRecord:
    return QuarantineRecord(
        day=day,
        stage="fetch",
        item_id=f"{day.isoformat()}:{result.source}:{result.canonical_url}",
        doc_id=doc_id,
        expectation=check,
        reason=reason,
        details={
            "url": result.url,
            "source": result.source,
            "expect": result.expect,
            "error_kind": result.error_kind,
            "status": result.status,
            "attempts": result.attempts,
            **details,
        },
    )


# ---------------------------------------------------------------- pages -> documents


def page_file_name(url: str) -> str:
    """A readable file name for a fetched page, ending in .html so it is sniffed as HTML."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    stem = unquote(segments[-1]) if segments else "index"
    stem = re.sub(r"\.(s?html?|php\d?|aspx?|jsp|cgi)$", "", stem, flags=re.IGNORECASE)
    host = (parts.hostname or "page").lower()
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{host}_{stem}").strip(".-")[:120]
    return f"{name or 'page'}.html"


def _record_page(
    conn: duckdb.DuckDBPyConnection,
    settings: Settings,
    day: date,
    result: FetchResult,
    listed: tuple[Source, FeedEntry | None, str | None],
    known_docs: dict[str, tuple[str, date]],
    report: FetchReport,
) -> bool:
    """Record an archived page as a document of `day`; False when its bytes already were one."""
    assert result.doc_id is not None
    source, entry, language = listed
    existing = known_docs.get(result.doc_id)
    if existing:
        report.duplicates += 1
        if existing[0] != result.url:
            report.quarantine.append(
                _quarantined(
                    day,
                    result,
                    "unique_document",
                    f"same bytes as {existing[0]} (loaded {existing[1]}); kept once in the archive",
                    doc_id=result.doc_id,
                    duplicate_of=existing[0],
                )
            )
        return False
    raw = archived_bytes(settings.archive_dir, result.doc_id)
    name = page_file_name(result.url)
    sniff = sniffed(raw, name)
    published = (entry.published or entry.updated) if entry else None
    doc = Document(
        doc_id=result.doc_id,
        file_name=name,
        source_path=result.url,
        origin="web",
        arrival_day=day,
        size_bytes=len(raw),
        media_type=sniff.media_type,
        encoding=sniff.encoding,
        encoding_note=sniff.note,
        archive_path=str(archive_path(settings.archive_dir, result.doc_id).relative_to(settings.warehouse_dir)),
        meta=SidecarMeta(
            url=result.final_url or result.url,
            source=source.name,
            published_at=published,
            title=entry.title if entry else None,
            language=language,
        ),
    )
    upsert_document(conn, doc)
    known_docs[doc.doc_id] = (doc.source_path, day)
    report.loaded += 1
    return True


def _documents_by_id(conn: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> dict[str, tuple[str, date]]:
    """Source path and arrival day of the documents among `doc_ids` that exist already."""
    if not doc_ids:
        return {}
    rows = conn.execute(
        "select doc_id, source_path, arrival_day from documents where doc_id in (select unnest(?::varchar[]))",
        [doc_ids],
    ).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


# ---------------------------------------------------------------- state and log


def _naive_utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def _aware_utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _states(conn: duckdb.DuckDBPyConnection, keys: Iterable[str]) -> dict[str, FetchState]:
    """Stored conditional-GET state of these canonical URLs."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    cur = conn.execute(
        f"select {', '.join(_STATE_COLUMNS)} from fetch_state where canonical_url in (select unnest(?::varchar[]))",
        [keys],
    )
    states = {}
    for row in cur.fetchall():
        values = dict(zip(_STATE_COLUMNS, row, strict=True))
        values["last_fetched"] = _aware_utc(values["last_fetched"])
        values["first_seen"] = _aware_utc(values["first_seen"])
        states[values["canonical_url"]] = FetchState(**values)
    return states


def _seen_urls(conn: duckdb.DuckDBPyConnection, urls: Iterable[str]) -> set[str]:
    """Canonical URLs among `urls` already in fetch_state or recorded as documents."""
    urls = list(dict.fromkeys(urls))
    if not urls:
        return set()
    canonical = list(dict.fromkeys(canonical_url(u) for u in urls))
    stated = conn.execute(
        "select canonical_url from fetch_state where canonical_url in (select unnest(?::varchar[]))",
        [canonical],
    ).fetchall()
    seen = {r[0] for r in stated}
    spellings = list(dict.fromkeys([*urls, *canonical]))
    found = conn.execute(
        "with wanted as (select unnest(?::varchar[]) as url)"
        " select source_path, meta ->> 'url' from documents"
        " where source_path in (select url from wanted)"
        " or (meta ->> 'url') in (select url from wanted)",
        [spellings],
    ).fetchall()
    for path, meta_url in found:
        seen.update(canonical_url(u) for u in (path, meta_url) if u)
    return seen


def _write_fetches(conn: duckdb.DuckDBPyConnection, day: date, results: list[FetchResult]) -> int:
    """Replace the day's row of each URL attempted (a 'too soon' skip never replaces an attempt)."""
    rows: dict[str, FetchResult] = {}
    for result in results:
        rows[result.canonical_url] = result  # one row per URL and day: the last attempt
    attempted = [r for r in rows.values() if r.error_kind != "too_soon"]
    skipped = [r for r in rows.values() if r.error_kind == "too_soon"]
    into = f"fetches ({', '.join(_FETCH_COLUMNS)})"
    if attempted:
        conn.execute(
            "delete from fetches where day = ? and canonical_url in (select unnest(?::varchar[]))",
            [day, [r.canonical_url for r in attempted]],
        )
        insert_values(conn, into, [_fetch_row(r) for r in attempted])
    if skipped:  # only where the day has no row for the URL yet (the key is not an index: schema 095)
        have = {
            row[0]
            for row in conn.execute(
                "select canonical_url from fetches where day = ? and canonical_url in (select unnest(?::varchar[]))",
                [day, [r.canonical_url for r in skipped]],
            ).fetchall()
        }
        fresh = [_fetch_row(r) for r in skipped if r.canonical_url not in have]
        insert_values(conn, into, fresh)
    return len(rows)


def _fetch_row(result: FetchResult) -> list[Any]:
    values = result.model_dump()
    values["fetched_at"] = _naive_utc(result.fetched_at)
    return [values[c] for c in _FETCH_COLUMNS]


def _write_states(conn: duckdb.DuckDBPyConnection, states: Iterable[FetchState]) -> None:
    rows = []
    for state in states:
        values = state.model_dump()
        values["last_fetched"] = _naive_utc(state.last_fetched)
        values["first_seen"] = _naive_utc(state.first_seen)
        rows.append([values[c] for c in _STATE_COLUMNS])
    if rows:
        # Delete-then-insert: as an upsert, but far quicker than row-wise `insert or replace`.
        conn.execute(
            "delete from fetch_state where canonical_url in (select unnest(?::varchar[]))",
            [[r[0] for r in rows]],
        )
        insert_values(conn, f"fetch_state ({', '.join(_STATE_COLUMNS)})", rows)
