"""The web stage end to end: a real HTTP server on 127.0.0.1, a real DuckDB warehouse with
the real schema, the real daily processing. Nothing but 127.0.0.1 is ever contacted."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from flows.fetching import FetchLimits
from flows.web import FetchReport, page_file_name, run_fetch
from newsmon.settings import Settings
from newsmon.sources import SourcesConfig
from tests.fetch_server import FetchServer, _Handler
from transforms.urls import canonical_url
from transforms.web_summary import source_health_markdown, source_health_section
from warehouse import db
from warehouse.store import upsert_quarantine

pytestmark = pytest.mark.timeout(120)

DAY1, DAY2, DAY3 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)

# Every socket connect this process makes, so a test can prove 10.0.0.1 was never dialled.
_CONNECTS: list[str] = []


def _audit(event: str, args: tuple) -> None:
    if event == "socket.connect" and isinstance(args[1], tuple):
        _CONNECTS.append(str(args[1][0]))


sys.addaudithook(_audit)

_PARAGRAPHS = [
    "The city council voted on Tuesday to expand the harbour ferry service, adding two "
    "new routes that will connect the northern suburbs with the old town from next spring.",
    "Council members said the decision followed a year of consultation with residents, "
    "commuters and local businesses, many of whom had complained about crowded buses and "
    "long journeys across the river during the morning rush.",
    "The expansion will cost an estimated twelve million euros, most of it funded by a "
    "regional transport grant, and the operator expects to hire forty new crew members.",
    "Opposition members welcomed the plan but warned that fares should remain affordable "
    "and that the new piers must be accessible to wheelchair users and parents with prams.",
]


def _article_html(n: int, topic: str) -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in _PARAGRAPHS)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{topic} {n} | Local Gazette</title></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{topic} {n}: the council decides</h1>"
        f"<p>Report number {n} about {topic.lower()} from our newsroom.</p>{paras}</article>"
        f"<footer>Copyright Local Gazette</footer></body></html>"
    ).encode()


def _rss(items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><pubDate>{when}</pubDate></item>"
        for title, link, when in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Local Gazette</title><link>http://127.0.0.1/</link><language>en</language>{body}"
        "</channel></rss>"
    ).encode()


def _urlset(urls: list[tuple[str, str, str | None]]) -> bytes:
    body = "".join(
        f"<url><loc>{loc}</loc><lastmod>{when}</lastmod>"
        + (
            f"<news:news><news:title>{title}</news:title>"
            f"<news:publication_date>{when}</news:publication_date></news:news>"
            if title
            else ""
        )
        + "</url>"
        for loc, when, title in urls
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"{body}</urlset>"
    ).encode()


class _WebHandler(_Handler):
    """The fault server's routes plus /web/...: feeds, sitemaps and article pages."""

    def _route(self, path: str, key: str, query: dict[str, list[str]]) -> None:
        base = self.server.base
        if path == "/web/feed.xml":
            n = self.server.feed_items  # type: ignore[attr-defined]
            items = [
                (f"Ferry plan {i}", f"{base}/web/article/{i}", f"Mon, 0{i} Mar 2026 08:00:00 +0000")
                for i in range(1, n + 1)
            ]
            self._conditional(_rss(items), f'"feed-{n}"', "application/rss+xml")
        elif path == "/web/mixed.xml":
            items = [
                ("Internal", "http://10.0.0.1/internal", "Mon, 02 Mar 2026 08:00:00 +0000"),
                (
                    "Also in the main feed",
                    f"{base}/web/article/1",
                    "Mon, 02 Mar 2026 08:00:00 +0000",
                ),
                ("Gone", f"{base}/web/gone", "Mon, 02 Mar 2026 08:00:00 +0000"),
            ]
            self._conditional(_rss(items), '"mixed-1"', "application/rss+xml")
        elif path == "/web/sitemap-index.xml":
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{base}/web/sitemap-old.xml</loc><lastmod>2026-02-01</lastmod></sitemap>"
                f"<sitemap><loc>{base}/web/sitemap-news.xml</loc><lastmod>2026-03-02</lastmod></sitemap>"
                "</sitemapindex>"
            ).encode()
            self._conditional(body, '"index-1"', "application/xml")
        elif path == "/web/sitemap-news.xml":
            urls = [
                (f"{base}/web/story/1", "2026-03-01T09:00:00Z", "Harbour story one"),
                (f"{base}/web/story/2", "2026-03-02T09:00:00Z", "Harbour story two"),
            ]
            self._conditional(_urlset(urls), '"news-1"', "application/xml")
        elif path == "/web/sitemap-old.xml":
            urls = [(f"{base}/web/story/3", "2026-02-01T09:00:00Z", None)]
            self._conditional(_urlset(urls), '"old-1"', "application/xml")
        elif path == "/web/sitemap.txt":  # the protocol's text form: one URL per line
            self._send(200, f"{base}/web/story/1\r\n\r\n{base}/web/story/2\n".encode(), "text/plain")
        elif path == "/web/deep.json":  # a JSON feed nested past any parser's stack
            self._send(200, b'{"items": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", "application/feed+json")
        elif path == "/web/long-number.json":  # Python refuses ints over 4,300 digits with a ValueError
            self._send(200, b'{"items": [{"url": ' + b"1" * 5000 + b"}]}", "application/feed+json")
        elif path == "/web/odd-url.json":  # an unclosed IPv6 bracket: urlsplit raises ValueError
            items = f'[{{"url": "http://[::1"}}, {{"url": "{base}/web/article/7"}}]'
            self._send(200, f'{{"items": {items}}}'.encode(), "application/feed+json")
        elif path == "/web/odd-url-sitemap.xml":
            self._send(
                200,
                _urlset([("http://[::1", "2026-03-02", None), (f"{base}/web/story/8", "2026-03-02", None)]),
                "application/xml",
            )
        elif path == "/web/odd-url-index.xml":
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                "<sitemap><loc>http://[::1</loc></sitemap>"
                f"<sitemap><loc>{base}/web/sitemap-old.xml</loc></sitemap></sitemapindex>"
            ).encode()
            self._send(200, body, "application/xml")
        elif path.startswith("/web/article/"):
            self._send(200, _article_html(int(path.rsplit("/", 1)[1]), "Ferry plan"))
        elif path.startswith("/web/story/"):
            self._send(200, _article_html(int(path.rsplit("/", 1)[1]), "Harbour story"))
        else:
            super()._route(path, key, query)

    def _conditional(self, body: bytes, etag: str, ctype: str) -> None:
        if self.headers.get("If-None-Match") == etag:
            self._send(304, b"", ctype, headers={"ETag": etag})
        else:
            self._send(200, body, ctype, headers={"ETag": etag})


@pytest.fixture(scope="module")
def server() -> Iterator[FetchServer]:
    srv = FetchServer(lifetime=300)
    srv.RequestHandlerClass = _WebHandler
    srv.feed_items = 3  # type: ignore[attr-defined]
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(warehouse_dir=tmp_path / "warehouse")


LIMITS = FetchLimits(
    connect_timeout=0.5,
    read_timeout=0.5,
    total_timeout=1.5,
    url_deadline=6,
    batch_timeout=20,
    max_retries=1,
    backoff_base=0.05,
    rate_limit=False,
    max_workers=4,
)


def _sources(server: FetchServer, **kinds: list[dict]) -> SourcesConfig:
    data: dict = {"fetch": {"allow": ["127.0.0.1"]}}
    for kind, items in kinds.items():
        data[kind] = [
            {**s, **({"url": server.url(s["url"])} if "url" in s else {})}
            | ({"urls": [server.url(u) for u in s["urls"]]} if "urls" in s else {})
            for s in items
        ]
    return SourcesConfig.model_validate(data)


def _fetch(settings: Settings, day: date, sources: SourcesConfig) -> FetchReport:
    with db.writer(settings.database_path) as conn:
        report = run_fetch(conn, settings, day, sources, limits=LIMITS, run_id=f"run-{day}")
        upsert_quarantine(conn, report.quarantine)
    return report


def _rows(settings: Settings, sql: str, *params) -> list[tuple]:
    con = db.reader(settings.database_path)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _counts(settings: Settings) -> dict[str, int]:
    tables = ("documents", "fetches", "fetch_state", "quarantine", "articles")
    return {t: _rows(settings, f"select count(*) from {t}")[0][0] for t in tables}


def test_feed_to_articles_then_a_quiet_day(server: FetchServer, settings: Settings) -> None:
    """Day 1 loads the feed's 3 pages as articles; day 2 only asks 'modified since?'."""
    from flows.daily import process_day

    sources = _sources(server, feeds=[{"name": "local-gazette", "url": "/web/feed.xml"}])
    report = _fetch(settings, DAY1, sources)
    assert (report.loaded, report.new_urls, report.failures, report.quarantine) == (3, 3, {}, [])

    docs = _rows(
        settings,
        "select origin, source_path, file_name, media_type, arrival_day, meta->>'source',"
        " meta->>'title', meta->>'published_at' from documents order by source_path",
    )
    assert [d[:5] for d in docs] == [
        ("web", server.url(f"/web/article/{i}"), f"127.0.0.1_{i}.html", "html", DAY1) for i in (1, 2, 3)
    ]
    assert [d[5:7] for d in docs] == [("local-gazette", f"Ferry plan {i}") for i in (1, 2, 3)]
    assert docs[0][7].startswith("2026-03-01T08:00:00")

    with db.writer(settings.database_path) as conn:
        processed = process_day.fn(conn, settings, DAY1)
    assert (processed.documents, processed.articles) == (3, 3)
    articles = _rows(
        settings,
        "select source, title, title_provenance, url, published_at, published_provenance from articles order by url",
    )
    assert [a[0] for a in articles] == ["local-gazette"] * 3
    assert [a[1:3] for a in articles] == [(f"Ferry plan {i}", "sidecar") for i in (1, 2, 3)]
    assert articles[1][4].isoformat() == "2026-03-02T08:00:00" and articles[1][5] == "sidecar"

    before = len(server.requests)
    quiet = _fetch(settings, DAY2, sources)
    assert (quiet.loaded, quiet.new_urls, quiet.not_modified, quiet.requests) == (0, 0, 1, 1)
    asked = [(p, h) for p, h in server.requests[before:] if p != "/robots.txt"]
    assert [p for p, _ in asked] == ["/web/feed.xml"]
    assert all(h.get("If-None-Match") == '"feed-3"' for _, h in asked)
    assert _rows(settings, "select status, not_modified from fetches where day = ?", DAY2) == [(304, True)]
    assert _rows(settings, "select count(*) from documents where arrival_day = ?", DAY2) == [(0,)]

    # The summary section: day 1 delivered 3, day 2 nothing (stale once N is 1 day).
    with db.writer(settings.database_path) as conn:
        day1 = source_health_section(DAY1, db.query(conn, "source_health", day=DAY1))
        day2 = source_health_section(DAY2, db.query(conn, "source_health", day=DAY2), stale_days=1)
    gazette = day1.sources[0]
    assert (gazette.source, gazette.new_items, gazette.page_requests, gazette.failed) == (
        "local-gazette",
        3,
        3,
        0,
    )
    assert (day2.sources[0].new_items, day2.sources[0].not_modified) == (0, 1)
    assert day2.sources[0].days_without_new == 1 and day2.stale == ["local-gazette"]
    assert day1.stale == []
    assert "Nothing new for 1 days or more: local-gazette (1 days)" in source_health_markdown(day2)

    # A new item appears: only it is fetched.
    server.feed_items = 4  # type: ignore[attr-defined]
    try:
        before = len(server.requests)
        more = _fetch(settings, DAY3, sources)
    finally:
        server.feed_items = 3  # type: ignore[attr-defined]
    assert (more.loaded, more.new_urls) == (1, 1)
    asked = [p for p, _ in server.requests[before:] if p != "/robots.txt"]
    assert sorted(asked) == ["/web/article/4", "/web/feed.xml"]


def test_faults_are_recorded_and_the_run_goes_on(server: FetchServer, settings: Settings) -> None:
    """Private-address items, billion laughs, 5xx and timeouts: recorded; the good feed loads."""
    sources = _sources(
        server,
        feeds=[
            {"name": "local-gazette", "url": "/web/feed.xml"},
            {"name": "mixed", "url": "/web/mixed.xml"},
            {"name": "laughs", "url": "/laughs.xml"},
            {"name": "down", "url": "/always-503"},
            {"name": "slow", "url": "/slow?s=3"},
            {"name": "off", "url": "/web/never", "enabled": False},
        ],
    )
    connects = len(_CONNECTS)
    started = time.monotonic()
    report = _fetch(settings, DAY1, sources)
    assert time.monotonic() - started < 30
    assert "10.0.0.1" not in _CONNECTS[connects:]
    assert set(_CONNECTS[connects:]) <= {"127.0.0.1"}
    assert "/web/never" not in server.paths()

    assert report.loaded == 3  # the good feed's pages; mixed's copy of article 1 is not refetched
    fetches = {
        r[0].replace(server.base, ""): r[1:]
        for r in _rows(
            settings,
            "select url, source, expect, status, error_kind, doc_id is not null from fetches",
        )
    }
    assert fetches["http://10.0.0.1/internal"] == ("mixed", "page", None, "blocked_address", False)
    assert fetches["/laughs.xml"] == ("laughs", "feed", 200, "unparsable", True)
    assert fetches["/always-503"] == ("down", "feed", 503, "http_status", False)
    assert fetches["/slow?s=3"][3] == "timeout"
    assert fetches["/web/gone"] == ("mixed", "page", 404, "http_status", False)
    assert fetches["/web/article/1"][0] == "local-gazette"  # listed first, fetched once
    assert report.failures == {
        "blocked_address": 1,
        "unparsable": 1,
        "http_status": 2,
        "timeout": 1,
    }

    quarantined = {(q.details["source"], q.expectation): q for q in report.quarantine}
    assert set(quarantined) == {
        ("laughs", "feed_parsable"),
        ("down", "feed_fetched"),
        ("slow", "feed_fetched"),
    }
    laughs = quarantined[("laughs", "feed_parsable")]
    assert "entities" in laughs.reason and laughs.doc_id and laughs.stage == "fetch"
    assert "503" in quarantined[("down", "feed_fetched")].reason

    # The blocked item and the 404 are settled (not retried); the timed-out feed is retried.
    states = dict(_rows(settings, "select url, last_status from fetch_state"))
    assert "http://10.0.0.1/internal" in states and server.url("/web/gone") in states

    # Re-running the day replaces its rows instead of adding to them.
    counts = _counts(settings)
    again = _fetch(settings, DAY1, sources)
    assert _counts(settings) == counts
    assert again.loaded == 0 and again.failures["unparsable"] == 1  # still refused, from cache
    assert _rows(settings, "select count(*), count(distinct canonical_url) from fetches") == [
        (counts["fetches"], counts["fetches"])
    ]

    with db.writer(settings.database_path) as conn:
        section = source_health_section(DAY1, db.query(conn, "source_health", day=DAY1))
    by_name = {s.source: s for s in section.sources}
    assert "off" not in by_name
    assert [(f.kind, f.urls) for f in by_name["mixed"].failures] == [
        ("blocked_address", 1),
        ("http_status", 1),
    ]
    assert section.failures_by_kind["unparsable"] == 1
    markdown = source_health_markdown(section)
    assert "| laughs | 0 |" in markdown and "timeout 1" in markdown


def test_sitemap_index_news_sitemap_and_url_list(server: FetchServer, settings: Settings) -> None:
    """An index's child sitemaps are followed; max_items takes the newest; URL lists load once."""
    sources = _sources(
        server,
        sitemaps=[{"name": "harbour", "url": "/web/sitemap-index.xml", "max_items": 2}],
        url_lists=[{"name": "picked", "urls": ["/web/article/9", "/web/story/1#top"]}],
    )
    report = _fetch(settings, DAY1, sources)
    docs = _rows(
        settings,
        "select source_path, meta->>'source', meta->>'title' from documents order by source_path",
    )
    assert docs == [
        (server.url("/web/article/9"), "picked", None),
        (server.url("/web/story/1"), "harbour", "Harbour story one"),
        (server.url("/web/story/2"), "harbour", "Harbour story two"),
    ]
    assert report.loaded == 3 and report.quarantine == []
    counts = {s.source: (s.entries, s.new, s.loaded) for s in report.sources}
    assert counts == {"harbour": (3, 2, 2), "picked": (2, 1, 1)}

    # Next day: the index and both children answer 304; the capped story 3 is fetched now.
    before = len(server.requests)
    nxt = _fetch(settings, DAY2, sources)
    assert nxt.loaded == 1 and nxt.not_modified == 3
    asked = sorted(p for p, _ in server.requests[before:] if p != "/robots.txt")
    assert asked == [
        "/web/sitemap-index.xml",
        "/web/sitemap-news.xml",
        "/web/sitemap-old.xml",
        "/web/story/3",
    ]


def test_a_text_sitemap_loads_its_urls(server: FetchServer, settings: Settings) -> None:
    """A sitemap served as text/plain, one URL per line (the sitemap protocol's text form)."""
    report = _fetch(settings, DAY1, _sources(server, sitemaps=[{"name": "plain", "url": "/web/sitemap.txt"}]))
    docs = _rows(settings, "select source_path, meta->>'source' from documents order by source_path")
    assert docs == [(server.url("/web/story/1"), "plain"), (server.url("/web/story/2"), "plain")]
    assert report.loaded == 2 and report.quarantine == []


def test_listings_that_break_parsers_do_not_stop_the_run(server: FetchServer, settings: Settings) -> None:
    """JSON feeds past the nesting or number limits are quarantined with the limit; a listed URL
    that cannot be parsed ("http://[::1") is a bad_url row; the other items of each listing load."""
    sources = _sources(
        server,
        feeds=[
            {"name": "deep", "url": "/web/deep.json"},
            {"name": "long-number", "url": "/web/long-number.json"},
            {"name": "odd-feed", "url": "/web/odd-url.json"},
        ],
        sitemaps=[
            {"name": "odd-sitemap", "url": "/web/odd-url-sitemap.xml"},
            {"name": "odd-index", "url": "/web/odd-url-index.xml"},
        ],
    )
    report = _fetch(settings, DAY1, sources)
    reasons = {q.details["source"]: q.reason for q in report.quarantine}
    assert "nesting depth 50,001 exceeds 100" in reasons["deep"]
    assert "5,000 digits exceeds 1,000" in reasons["long-number"]
    assert "Invalid IPv6 URL" in reasons["odd-index"]  # the index's unreadable child
    loaded = {s.source: s.loaded for s in report.sources}
    assert loaded == {"deep": 0, "long-number": 0, "odd-feed": 1, "odd-sitemap": 1, "odd-index": 1}
    # Listed by three sources (twice as a page, once as a child sitemap): one settled row for the day.
    bad = _rows(settings, "select error_kind, error_message from fetches where url = 'http://[::1'")
    assert len(bad) == 1 and bad[0][0] == "bad_url" and "Invalid IPv6 URL" in bad[0][1]
    assert _rows(settings, "select count(*) from fetch_state where url = 'http://[::1'") == [(1,)]


def test_loopback_is_refused_without_an_allow_list(server: FetchServer, settings: Settings) -> None:
    sources = SourcesConfig.model_validate({"feeds": [{"name": "local", "url": server.url("/web/feed.xml")}]})
    before = len(server.requests)
    report = _fetch(settings, DAY1, sources)
    assert report.failures == {"blocked_address": 1} and report.loaded == 0
    assert "loopback" in report.quarantine[0].reason
    assert len(server.requests) == before


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://news.example/2026/03/02/ferry-plan.html", "news.example_ferry-plan.html"),
        ("https://news.example/", "news.example_index.html"),
        ("https://news.example/a/b?id=3", "news.example_b.html"),
        ("https://news.example/story/caf%C3%A9%20noir", "news.example_caf-noir.html"),
        ("https://news.example/x.php", "news.example_x.html"),
    ],
)
def test_page_file_names(url: str, name: str) -> None:
    assert page_file_name(url) == name


def test_health_section_from_rows() -> None:
    rows = [
        {
            "source": "a",
            "new_items": 2,
            "listing_requests": 1,
            "page_requests": 2,
            "not_modified": 0,
            "too_soon": 0,
            "failed": 1,
            "failures": [{"kind": "timeout", "urls": 1}],
            "last_new_day": DAY2,
            "days_without_new": 0,
        },
        {
            "source": "b",
            "new_items": 0,
            "listing_requests": 1,
            "page_requests": 0,
            "not_modified": 1,
            "too_soon": 0,
            "failed": 0,
            "failures": [],
            "last_new_day": None,
            "days_without_new": 4,
        },
    ]
    section = source_health_section(DAY2, rows)
    assert section.stale == ["b"] and section.stale_days == 3
    assert section.failures_by_kind == {"timeout": 1}
    assert source_health_section(DAY2, rows, stale_days=5).stale == []
    text = source_health_markdown(section)
    assert "| a | 2 | 1 | 0 | 2 | timeout 1 |" in text and "b (4 days)" in text
    assert source_health_markdown(source_health_section(DAY2, [])) == "No web sources were fetched."


def test_a_page_that_timed_out_backs_off(server: FetchServer, settings: Settings) -> None:
    """A page that hangs costs its timeout once, then waits 1 h, 2 h, ... before the next try."""
    sources = _sources(server, url_lists=[{"name": "hangs", "urls": ["/slow?s=3&page=b"]}])
    first = _fetch(settings, DAY1, sources)
    assert first.failures == {"timeout": 1} and first.backed_off == []

    before = len(server.requests)
    second = _fetch(settings, DAY2, sources)
    assert second.backed_off == [server.url("/slow?s=3&page=b")] and second.new_urls == 0
    assert not [p for p, _ in server.requests[before:] if p.startswith("/slow")]  # not even asked

    # An hour and a bit later it is tried again; after a second timeout it waits two hours.
    with db.writer(settings.database_path) as conn:
        conn.execute("update fetches set fetched_at = fetched_at - interval 61 minute")
    third = _fetch(settings, DAY3, sources)
    assert third.failures == {"timeout": 1}
    with db.writer(settings.database_path) as conn:
        conn.execute("update fetches set fetched_at = fetched_at - interval 61 minute where day = ?", [DAY3])
        assert (
            db.query(conn, "fetch_failure_streaks", urls=[canonical_url(server.url("/slow?s=3&page=b"))])[0]["failures"]
            == 2
        )
    assert _fetch(settings, DAY3 + timedelta(days=1), sources).backed_off  # 61 min < 2 h


@pytest.mark.parametrize(("failures", "hours"), [(1, 1), (2, 2), (3, 4), (8, 128), (30, 168)])
def test_backoff_doubles_up_to_a_week(failures: int, hours: int) -> None:
    from flows.web import backoff_wait

    assert backoff_wait(failures) == timedelta(hours=hours)
