"""The fetcher against a real HTTP server on 127.0.0.1 serving the usual web faults."""

from __future__ import annotations

import gzip
import ipaddress
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from flows.archive import archived_bytes
from flows.fetching import (
    USER_AGENT,
    Fetcher,
    FetchLimits,
    FetchResult,
    FetchState,
    FetchTarget,
    fetch_many,
)
from newsmon.sources import SourcesConfig, load_sources
from tests.fetch_server import FEED, HUGE_BYTES, PAGE, FetchServer, _Handler
from transforms.feeds import FeedError, feed_entries

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(30)

# Every socket connect this process makes, so a test can prove 10.0.0.1 was never dialled.
_CONNECTS: list[str] = []


def _audit(event: str, args: tuple) -> None:
    if event == "socket.connect" and isinstance(args[1], tuple):
        _CONNECTS.append(str(args[1][0]))


sys.addaudithook(_audit)


@pytest.fixture(scope="module")
def server() -> Iterator[FetchServer]:
    srv = FetchServer(lifetime=240).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def limits() -> FetchLimits:
    return FetchLimits(
        connect_timeout=0.5,
        read_timeout=0.5,
        total_timeout=1.5,
        url_deadline=8,
        batch_timeout=20,
        max_retries=1,
        backoff_base=0.05,
        retry_after_cap=2.0,
        max_bytes=1_000_000,
        rate_limit=False,
        max_workers=4,
        allow=["127.0.0.1"],
    )


@pytest.fixture
def fetcher(tmp_path: Path, limits: FetchLimits) -> Iterator[Fetcher]:
    with Fetcher(tmp_path / "raw", limits, run_id="test") as f:
        yield f


def _fetch(fetcher: Fetcher, url: str, **kw) -> FetchResult:
    result, _state = fetcher.fetch(FetchTarget(url=url, source="local", **kw))
    return result


def test_plain_fetch_archives_body(fetcher: Fetcher, server: FetchServer, tmp_path: Path) -> None:
    result, state = fetcher.fetch(FetchTarget(url=server.url("/feed.xml"), source="local", expect="feed"))
    assert result.ok and result.error_kind is None
    assert (result.status, result.attempts, result.content_type, result.charset) == (
        200,
        1,
        "application/rss+xml",
        "utf-8",
    )
    assert archived_bytes(tmp_path / "raw", result.doc_id) == FEED
    assert result.size_bytes == len(FEED) and result.source == "local"
    assert state.last_status == 200 and state.last_doc_id == result.doc_id
    robots_first = server.paths().index("/robots.txt")
    assert robots_first < server.paths().index("/feed.xml")
    headers = next(h for p, h in server.requests if p == "/feed.xml")
    assert headers["User-Agent"] == USER_AGENT


@pytest.mark.parametrize(
    ("path", "kind", "status", "attempts"),
    [
        ("/slow?s=2", "timeout", None, 2),  # read timeout 0.5 s, retried once
        ("/drip", "timeout", 200, 2),  # bytes keep coming: the total deadline stops it
        ("/missing", "http_status", 404, 1),  # not retried
        ("/always-503", "http_status", 503, 2),
        ("/loop/a", "redirect_loop", None, 1),
        ("/chain/0", "too_many_redirects", None, 1),
        ("/to-private", "blocked_address", None, 1),
        ("/to-metadata", "blocked_address", None, 1),
        ("/huge", "too_large", 200, 1),  # streamed, no Content-Length
        ("/huge?length=1", "too_large", 200, 1),  # refused on Content-Length
        ("/bomb", "too_large", 200, 1),  # 64 KiB of gzip, 64 MiB inflated
        ("/private/secret", "robots_disallowed", None, 1),
        ("/header-drip", "timeout", None, 2),  # each header line in time: the total deadline stops it
        ("/unasked-304", "http_status", 304, 1),  # "not modified" with no copy to mean: not a page
        ("/to-javascript", "bad_url", None, 1),  # httpx's own redirect parsing refuses it
    ],
)
def test_faults_are_recorded(
    fetcher: Fetcher,
    server: FetchServer,
    path: str,
    kind: str,
    status: int | None,
    attempts: int,
) -> None:
    started = time.monotonic()
    result = _fetch(fetcher, server.url(path))
    assert (result.error_kind, result.status, result.attempts) == (kind, status, attempts)
    assert result.doc_id is None and not result.ok and result.error_message
    assert time.monotonic() - started < 6


def test_a_url_too_long_to_send_is_refused(fetcher: Fetcher, server: FetchServer) -> None:
    """httpx refuses a 64 KiB URL with InvalidURL (not an HTTPError): a settled bad_url, not an internal error."""
    result = _fetch(fetcher, server.url("/page/" + "x" * 70_000))
    assert (result.error_kind, result.attempts) == ("bad_url", 1)
    assert "too long" in result.error_message


def test_gzip_members_are_one_body(fetcher: Fetcher, server: FetchServer, tmp_path: Path) -> None:
    result = _fetch(fetcher, server.url("/gzip-members"))
    assert result.error_kind is None
    assert archived_bytes(tmp_path / "raw", result.doc_id) == PAGE


def test_huge_body_is_not_read_past_the_limit(fetcher: Fetcher, server: FetchServer) -> None:
    result = _fetch(fetcher, server.url("/huge"))
    assert result.error_kind == "too_large"
    assert 1_000_000 < result.wire_bytes <= 1_000_000 + 65_536 < HUGE_BYTES


def test_redirect_loop_stops_quickly(fetcher: Fetcher, server: FetchServer) -> None:
    before = len(server.paths())
    assert _fetch(fetcher, server.url("/loop/a")).error_kind == "redirect_loop"
    assert [p for p in server.paths()[before:] if p != "/robots.txt"] == ["/loop/a", "/loop/b"]


def test_500_then_200_is_retried(fetcher: Fetcher, server: FetchServer) -> None:
    result = _fetch(fetcher, server.url("/flaky?key=a"))
    assert (result.status, result.attempts, result.error_kind) == (200, 2, None)
    assert result.doc_id


def test_429_honours_retry_after(fetcher: Fetcher, server: FetchServer) -> None:
    started = time.monotonic()
    result = _fetch(fetcher, server.url("/throttle?key=a&ra=1"))
    assert (result.status, result.attempts, result.error_kind) == (200, 2, None)
    assert time.monotonic() - started >= 0.9


def test_retry_after_is_capped(fetcher: Fetcher, server: FetchServer) -> None:
    started = time.monotonic()
    result = _fetch(fetcher, server.url("/throttle?key=b&ra=3600"))
    assert (result.status, result.attempts) == (200, 2)
    assert time.monotonic() - started < 4  # waited the 2 s cap, not an hour


def test_redirect_is_followed(fetcher: Fetcher, server: FetchServer) -> None:
    result = _fetch(fetcher, server.url("/redirect-ok"))
    assert result.status == 200 and result.final_url == server.url("/feed.xml")


def test_gzip_is_decoded(fetcher: Fetcher, server: FetchServer, tmp_path: Path) -> None:
    result = _fetch(fetcher, server.url("/gzipped-feed"), expect="feed")
    assert result.ok and result.size_bytes == len(FEED) < result.wire_bytes + len(FEED)
    assert archived_bytes(tmp_path / "raw", result.doc_id) == FEED


def test_content_types(fetcher: Fetcher, server: FetchServer) -> None:
    image = _fetch(fetcher, server.url("/image-as-feed"), expect="feed")
    assert (image.error_kind, image.doc_id, image.content_type) == ("content_type", None, None)
    html = _fetch(fetcher, server.url("/html-as-feed"), expect="feed")
    assert html.error_kind == "content_type"
    mislabelled = _fetch(fetcher, server.url("/feed-as-html"), expect="feed")
    assert mislabelled.ok and mislabelled.content_type == "text/html"  # sniffed: it is a feed
    page = _fetch(fetcher, server.url("/image-as-feed"), expect="page")
    assert page.error_kind == "content_type"


def test_bad_charset_is_recorded_and_body_kept(fetcher: Fetcher, server: FetchServer) -> None:
    result = _fetch(fetcher, server.url("/bad-charset.xml"), expect="feed")
    assert result.error_kind == "bad_charset" and result.charset is None
    assert result.doc_id  # archived: the decoder sniffs the charset later
    assert len(feed_entries(archived_bytes(fetcher.archive_dir, result.doc_id)).entries) == 4


def test_malformed_and_billion_laughs_feeds(fetcher: Fetcher, server: FetchServer) -> None:
    broken = _fetch(fetcher, server.url("/malformed.xml"), expect="feed")
    parsed = feed_entries(archived_bytes(fetcher.archive_dir, broken.doc_id))
    assert parsed.recovered and parsed.entries[0].title == "Kept"
    laughs = _fetch(fetcher, server.url("/laughs.xml"), expect="feed")
    assert laughs.ok  # the bytes are harmless; expanding them is what is refused
    with pytest.raises(FeedError) as err:
        feed_entries(archived_bytes(fetcher.archive_dir, laughs.doc_id))
    assert err.value.kind == "refused_entities"


def test_conditional_get_etag(fetcher: Fetcher, server: FetchServer, tmp_path: Path) -> None:
    target = FetchTarget(url=server.url("/etag.xml"), expect="feed")
    first, state = fetcher.fetch(target)
    assert first.status == 200 and first.doc_id and state.etag == '"v1"'
    archived = sorted((tmp_path / "raw").rglob("*"))
    second, state2 = fetcher.fetch(target, state)
    assert (second.status, second.not_modified, second.doc_id) == (304, True, None)
    assert second.ok and second.error_kind is None
    assert sorted((tmp_path / "raw").rglob("*")) == archived  # nothing new archived
    assert state2.etag == '"v1"' and state2.last_status == 304
    assert state2.last_doc_id == first.doc_id
    sent = [h for p, h in server.requests if p == "/etag.xml"]
    assert "If-None-Match" not in sent[-2] and sent[-1]["If-None-Match"] == '"v1"'


def test_conditional_get_last_modified(fetcher: Fetcher, server: FetchServer) -> None:
    target = FetchTarget(url=server.url("/modified.xml"))
    first, state = fetcher.fetch(target)
    assert first.status == 200 and state.last_modified
    second, _ = fetcher.fetch(target, state)
    assert second.not_modified and second.doc_id is None


def test_min_interval_skips_without_request(fetcher: Fetcher, server: FetchServer) -> None:
    url = server.url("/page/interval")
    state = FetchState(canonical_url=url, url=url, last_fetched=datetime.now(UTC) - timedelta(seconds=10))
    result, _ = fetcher.fetch(FetchTarget(url=url, min_interval_seconds=60), state)
    assert result.error_kind == "too_soon" and result.attempts == 0
    assert "/page/interval" not in server.paths()


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("ftp://127.0.0.1/file", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("http://10.0.0.1/internal", "blocked_address"),
        ("http://169.254.169.254/latest/meta-data/", "blocked_address"),
        ("http://[fd00:ec2::254]/latest/", "blocked_address"),
        ("http://[::1]:9/", "blocked_address"),
        ("http://0.0.0.0:9/", "blocked_address"),
        ("http://224.0.0.1/", "blocked_address"),
        ("http://[::ffff:10.0.0.1]/", "blocked_address"),
        ("http://100.64.0.1/", "blocked_address"),
    ],
)
def test_unsafe_targets_refused_before_connecting(fetcher: Fetcher, url: str, kind: str) -> None:
    before = len(_CONNECTS)
    result = _fetch(fetcher, url)
    assert result.error_kind == kind and result.attempts == 1
    assert _CONNECTS[before:] == []  # no socket was even opened


WILDCARD_ROBOTS = b"User-agent: *\nDisallow: /*.pdf$\nDisallow: /*?print=\n"
# 600 KB: a rule at the top, 6,000 comment lines, then a rule past the first 500 KiB.
HUGE_ROBOTS = b"User-agent: *\nDisallow: /private/\n" + (b"# " + b"x" * 98 + b"\n") * 6000 + b"Disallow: /page/late/\n"


class _RobotsSiteHandler(_Handler):
    def _route(self, path: str, key: str, query: dict[str, list[str]]) -> None:
        if path != "/robots.txt":
            super()._route(path, key, query)
        elif self.server.gzipped:
            self._send(200, gzip.compress(self.server.robots), "text/plain", headers={"Content-Encoding": "gzip"})
        else:
            self._send(200, self.server.robots, "text/plain")


class RobotsSite(FetchServer):
    """The fault server with its own robots.txt (plain or gzipped)."""

    def __init__(self, robots: bytes, *, gzipped: bool = False) -> None:
        super().__init__(lifetime=60)
        self.RequestHandlerClass = _RobotsSiteHandler
        self.robots, self.gzipped = robots, gzipped


@pytest.mark.parametrize(
    ("robots", "gzipped", "path", "kind"),
    [
        (WILDCARD_ROBOTS, False, "/page/report.pdf", "robots_disallowed"),
        (WILDCARD_ROBOTS, False, "/page/1?print=1", "robots_disallowed"),
        (WILDCARD_ROBOTS, False, "/page/report.pdf?page=2", None),  # `$`: only URLs ending in .pdf
        (WILDCARD_ROBOTS, False, "/page/1", None),
        (HUGE_ROBOTS, False, "/private/secret", "robots_disallowed"),  # not "too large, so allow all"
        (HUGE_ROBOTS, True, "/private/secret", "robots_disallowed"),  # 600 KB once decompressed
        (HUGE_ROBOTS, False, "/page/1", None),
        (HUGE_ROBOTS, False, "/page/late/1", None),  # past the first 500 KiB: not parsed
    ],
)
def test_robots_rfc9309(
    tmp_path: Path, limits: FetchLimits, robots: bytes, gzipped: bool, path: str, kind: str | None
) -> None:
    site = RobotsSite(robots, gzipped=gzipped).start()
    patient = limits.model_copy(update={"connect_timeout": 5, "read_timeout": 5, "total_timeout": 10})
    try:
        with Fetcher(tmp_path, patient) as f:
            result = _fetch(f, site.url(path))
            again = _fetch(f, site.url(path))
    finally:
        site.stop()
    assert (result.error_kind, again.error_kind) == (kind, kind)
    assert (result.status, result.ok) == ((None, False) if kind else (200, True))
    assert site.paths().count("/robots.txt") == 1  # once per host and run
    assert (path in site.paths()) == (kind is None)  # a refused URL is never requested


def test_loopback_refused_without_allow_list(tmp_path: Path, server: FetchServer) -> None:
    with Fetcher(tmp_path, FetchLimits(rate_limit=False)) as strict:
        result, _ = strict.fetch(server.url("/feed.xml"))
    assert result.error_kind == "blocked_address"


def test_host_names_are_resolved_and_checked(tmp_path: Path, limits: FetchLimits) -> None:
    def fake_dns(host: str, port: int) -> list[str]:
        return {"news.example": ["93.184.215.14", "10.1.2.3"]}[host]

    before = len(_CONNECTS)
    with Fetcher(tmp_path, limits, resolve=fake_dns) as f:
        result, _ = f.fetch("http://news.example/a")
    assert result.error_kind == "blocked_address" and "10.1.2.3" in result.error_message
    assert _CONNECTS[before:] == []


def test_feed_to_fetch_many(server: FetchServer, tmp_path: Path, limits: FetchLimits) -> None:
    """A feed's items, one at a private address and one robots-disallowed, fetched together."""
    with Fetcher(tmp_path / "raw", limits) as f:
        feed_result, _ = f.fetch(FetchTarget(url=server.url("/feed.xml"), expect="feed"))
    feed = feed_entries(archived_bytes(tmp_path / "raw", feed_result.doc_id), base_url=server.url("/feed.xml"))
    targets = [FetchTarget(url=e.url, source="local-feed", expect="page") for e in feed.entries]
    targets += [FetchTarget(url=server.url(p)) for p in ("/slow?s=3", "/bomb", "/missing")]
    before = len(_CONNECTS)
    started = time.monotonic()
    results, states = fetch_many(targets, archive_dir=tmp_path / "raw", limits=limits, run_id="r1")
    assert time.monotonic() - started < 10
    kinds = {r.url.replace(server.base, ""): r.error_kind for r in results}
    assert kinds == {
        "/page/1": None,
        "/page/2?utm_source=feed": None,
        "http://10.0.0.1/internal": "blocked_address",
        "/private/secret": "robots_disallowed",
        "/slow?s=3": "timeout",
        "/bomb": "too_large",
        "/missing": "http_status",
    }
    assert not any(ipaddress.ip_address(a).is_private for a in _CONNECTS[before:] if a != "127.0.0.1")
    assert "/private/secret" not in server.paths()
    assert server.paths().count("/robots.txt") >= 1
    assert [r.url for r in results] == [t.url for t in targets]  # input order
    assert all(r.run_id == "r1" for r in results)
    assert states[server.url("/page/2")].last_status == 200  # keyed by canonical URL


def test_fetch_many_batch_deadline(server: FetchServer, tmp_path: Path, limits: FetchLimits) -> None:
    quick = limits.model_copy(update={"batch_timeout": 0.5, "read_timeout": 2.5, "total_timeout": 3, "max_retries": 0})
    started = time.monotonic()
    results, _ = fetch_many([server.url("/slow?s=3")], archive_dir=tmp_path, limits=quick)
    assert time.monotonic() - started < 2
    assert results[0].error_kind == "timeout" and "batch deadline" in results[0].error_message


def test_per_host_rate_limit(server: FetchServer, tmp_path: Path, limits: FetchLimits) -> None:
    polite = limits.model_copy(update={"rate_limit": True, "per_host_interval": 0.2})
    urls = [server.url(f"/page/rate{i}") for i in range(4)]
    urls.append(server.url("/page/rate0#again"))  # same canonical URL: fetched once
    started = time.monotonic()
    results, _ = fetch_many(urls, archive_dir=tmp_path, limits=polite)
    assert len(results) == 4 and all(r.ok for r in results)
    assert time.monotonic() - started >= 0.2 * 4  # robots.txt + 4 pages, 0.2 s apart


def test_fetches_schema_takes_results(server: FetchServer, tmp_path: Path, limits: FetchLimits) -> None:
    results, states = fetch_many(
        [server.url("/feed.xml"), server.url("/missing")],
        archive_dir=tmp_path,
        limits=limits,
        run_id="r1",
    )
    con = duckdb.connect(":memory:")
    con.execute((ROOT / "warehouse" / "schema" / "050_fetches.sql").read_text())
    columns = [r[0] for r in con.execute("describe fetches").fetchall()]
    rows = [r.model_dump() for r in results]
    con.executemany(
        f"insert or replace into fetches ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})",
        [[row[c] for c in columns] for row in rows],
    )
    state_cols = [r[0] for r in con.execute("describe fetch_state").fetchall()]
    con.executemany(
        f"insert or replace into fetch_state ({', '.join(state_cols)}) values ({', '.join('?' for _ in state_cols)})",
        [[s.model_dump()[c] for c in state_cols] for s in states.values()],
    )
    assert con.execute("select count(*) from fetches").fetchone() == (2,)
    assert con.execute("select count(*) from fetch_state").fetchone() == (2,)
    assert set(columns) == set(FetchResult.model_fields)
    assert set(state_cols) == set(FetchState.model_fields)


def test_sources_example_loads() -> None:
    config = load_sources(ROOT / "sources.example.toml")
    names = [s.name for s in config.sources()]
    assert "example-json" not in names  # disabled
    atom = next(s for s in config.sources() if s.name == "example-atom")
    assert config.limits(atom).max_items == 20
    assert config.limits(atom).max_bytes == config.defaults.max_bytes


def test_a_sources_file_saved_with_a_bom_loads(tmp_path: Path) -> None:
    """Notepad's "UTF-8 with BOM": tomllib said "Invalid statement (at line 1, column 1)"."""
    path = tmp_path / "sources.toml"
    path.write_bytes(b"\xef\xbb\xbf" + (ROOT / "sources.example.toml").read_bytes())
    assert load_sources(path) == load_sources(ROOT / "sources.example.toml")


@pytest.mark.parametrize(
    "data",
    [
        {"feeds": [{"name": "a", "url": "ftp://x/feed"}]},
        {"feeds": [{"name": "a", "url": "https://x/1"}, {"name": "a", "url": "https://x/2"}]},
        {"url_lists": [{"name": "l", "urls": []}]},
        {"feeds": [{"name": "a", "url": "https://x/1", "max_items": 0}]},
        {"feeds": [{"name": "a", "url": "https://x/1", "colour": "red"}]},
    ],
)
def test_sources_config_rejects(data: dict) -> None:
    with pytest.raises(ValueError, match="validation error"):
        SourcesConfig.model_validate(data)
