"""HTTP fetching for web sources: safe, polite, bounded, conditional; every body archived.

Plain functions and one `Fetcher` class, no Prefect: a flow task calls `fetch_many` and
writes the returned `FetchResult` rows into `fetches` and the `FetchState` rows into
`fetch_state` (DDL in warehouse/schema/050_fetches.sql).

Safety: only http/https; every hop's host is resolved and refused when any address is
not globally routable (loopback, private, link-local, reserved, multicast, cloud
metadata ...) unless allow-listed, and the connection is then pinned to the checked
address (no second DNS lookup, so no DNS rebinding). Bodies are read raw and
decompressed here with a cap, so neither a huge body nor a gzip bomb is held in memory.
"""

from __future__ import annotations

import contextlib
import ipaddress
import random
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpcore
import httpx
from protego import Protego
from pydantic import BaseModel, ConfigDict, Field, model_validator

from flows.archive import archive_bytes
from transforms.urls import canonical_url

USER_AGENT = "newsmon/0.1 (+https://example.invalid/newsmon)"
ROBOTS_AGENT = "newsmon"

FetchErrorKind = Literal[
    "scheme",  # not http/https
    "bad_url",  # cannot be parsed or sent as a request ("http://[::1", longer than the client takes ...)
    "blocked_address",  # resolves to a non-public address (refused before connecting)
    "dns",  # host does not resolve
    "robots_disallowed",  # robots.txt says no (or answered 5xx: disallow-all, RFC 9309)
    "too_soon",  # fetched less than min_interval_seconds ago: not requested
    "timeout",  # connect/read timeout or the per-attempt total deadline
    "connect",  # connection refused/reset
    "protocol",  # broken HTTP
    "http_status",  # final 4xx/5xx
    "too_many_redirects",
    "redirect_loop",
    "too_large",  # body over max_bytes, on the wire or decompressed
    "bad_encoding",  # unknown Content-Encoding or corrupt gzip/deflate data
    "content_type",  # not what was expected (an image where a feed should be)
    "bad_charset",  # soft: body archived, but the declared charset is unknown
    "unparsable",  # set by flows.web: body archived, but it is not a readable feed/sitemap
    "internal",  # a bug or a local failure (disk full ...): see the message
]
Expect = Literal["feed", "sitemap", "page", "any"]

# 169.254.169.254 is link-local already; fd00:ec2::254 is unique-local (private) already;
# both are named so the rule survives a change of the generic checks.
_METADATA = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),
        ipaddress.ip_address("fd00:ec2::254"),
        ipaddress.ip_address("100.100.100.200"),
    }  # Alibaba's metadata (shared address space)
)
_XML_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
        "application/json",
    }
)
_AMBIGUOUS_TYPES = frozenset({"", "text/html", "text/plain", "application/octet-stream"})
_PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", ""})
_SITEMAP_TYPES = _XML_TYPES | {"application/gzip", "application/x-gzip", "text/plain"}


class FetchLimits(BaseModel):
    """Timeouts, retries, sizes and politeness for one run (a flow parameter)."""

    model_config = ConfigDict(extra="forbid")
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0  # one attempt, headers to last byte
    url_deadline: float = 120.0  # one URL, all attempts and waits
    batch_timeout: float = 900.0  # fetch_many as a whole: stragglers are abandoned
    max_redirects: int = 5
    max_retries: int = 2  # extra attempts after timeouts, connect errors, 5xx and 429
    backoff_base: float = 0.5  # seconds; doubled per attempt, plus jitter
    backoff_max: float = 30.0
    retry_after_cap: float = 60.0
    max_bytes: int = 10_000_000  # decompressed body; the wire size is held to it too
    robots_max_bytes: int = 500 * 1024  # RFC 9309: parse at least 500 KiB; a longer robots.txt is cut there
    respect_robots: bool = True
    max_workers: int = 8
    per_host_concurrency: int = 2
    per_host_interval: float = 1.0  # seconds between request starts on one host
    rate_limit: bool = True  # False for benchmarks against a local server
    crawl_delay_cap: float = 30.0
    allow: list[str] = Field(default_factory=list)  # hosts or networks exempt from the IP rule


class FetchTarget(BaseModel):
    """One URL to fetch, with the source it came from."""

    model_config = ConfigDict(extra="forbid")
    url: str
    source: str = ""
    expect: Expect = "any"
    max_bytes: int | None = None
    min_interval_seconds: float | None = None


class FetchState(BaseModel):
    """What we know about a URL between runs: validators for a conditional GET."""

    model_config = ConfigDict(extra="forbid")
    canonical_url: str
    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_status: int | None = None
    last_fetched: datetime | None = None
    last_doc_id: str | None = None
    first_seen: datetime | None = None


class FetchResult(BaseModel):
    """One row of `fetches`: what happened to one URL in one run."""

    model_config = ConfigDict(extra="forbid")
    run_id: str = ""
    day: date | None = None  # the run's day (key with canonical_url); default: fetched_at's date
    url: str
    canonical_url: str
    final_url: str | None = None
    source: str = ""
    expect: Expect = "any"  # what the URL was fetched as: feed, sitemap, page
    fetched_at: datetime
    status: int | None = None
    size_bytes: int = 0  # decompressed body as archived
    wire_bytes: int = 0  # as received
    duration_ms: int = 0
    content_type: str | None = None
    charset: str | None = None
    doc_id: str | None = None
    error_kind: FetchErrorKind | None = None
    error_message: str | None = None
    attempts: int = 0
    not_modified: bool = False

    @model_validator(mode="after")
    def _default_day(self) -> FetchResult:
        if self.day is None:
            self.day = self.fetched_at.date()
        return self

    @property
    def ok(self) -> bool:
        """A body was archived, or the server said it has not changed."""
        return self.doc_id is not None or self.not_modified


# ---------------------------------------------------------------- internals


class _FetchError(Exception):
    def __init__(
        self,
        kind: FetchErrorKind,
        message: str,
        *,
        retryable: bool = False,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind, self.message, self.retryable = kind, message, retryable
        self.status, self.retry_after = status, retry_after
        self.wire_bytes = 0


@dataclass
class _Response:
    status: int
    final_url: str
    headers: httpx.Headers
    body: bytes = b""
    wire_bytes: int = 0
    truncated: bool = False  # a robots.txt cut at robots_max_bytes


@dataclass
class _HostGate:
    semaphore: threading.BoundedSemaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0
    delay: float = 0.0


class _BoundedDecoder:
    """Content-Encoding decoder that refuses output beyond `limit` bytes."""

    def __init__(self, encoding: str, limit: int, *, truncate: bool = False) -> None:
        self.limit, self.size, self.encoding = limit, 0, encoding
        self.truncate, self.full = truncate, False  # truncate: cut at `limit` instead of refusing
        if encoding in ("", "identity"):
            self._z = None
        elif encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = zlib.decompressobj()
        else:
            raise _FetchError("bad_encoding", f"unsupported Content-Encoding {encoding!r}")
        self._first = True

    def feed(self, chunk: bytes) -> bytes:
        if self._z is None:
            out = chunk
        else:
            out = self._inflated(chunk, 0)
            # gzip members one after another are one body (RFC 1952 2.2); zlib stops at the end of
            # the first. Anything else after it (a stray newline) is ignored, as before.
            while self.encoding != "deflate" and self._z.eof and self._z.unused_data[:2] == b"\x1f\x8b":
                rest, self._z = self._z.unused_data, zlib.decompressobj(16 + zlib.MAX_WBITS)
                out += self._inflated(rest, len(out))
        if self.truncate and self.size + len(out) >= self.limit:
            out, self.full = out[: self.limit - self.size], True
        self.size += len(out)
        if self.size > self.limit:
            raise _FetchError("too_large", f"body exceeds {self.limit} bytes once decompressed")
        return out

    def _inflated(self, chunk: bytes, produced: int) -> bytes:
        room = max(self.limit - self.size - produced + 1, 1)
        try:
            out = self._z.decompress(chunk, room)
        except zlib.error as exc:
            if self.encoding == "deflate" and self._first:  # raw deflate, no zlib header
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                self._first = False
                return self._inflated(chunk, produced)
            raise _FetchError("bad_encoding", f"corrupt {self.encoding} data: {exc}") from exc
        self._first = False
        return out


def _blocked(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address may not be contacted, or None."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in _METADATA:
        return "cloud metadata"
    for flag in ("loopback", "private", "link_local", "reserved", "multicast", "unspecified"):
        if getattr(ip, f"is_{flag}"):
            return flag.replace("_", "-")
    if not ip.is_global:
        return "not globally routable"
    return None


def _media_type(headers: httpx.Headers) -> tuple[str, str | None]:
    raw = headers.get("content-type")
    if not raw:
        return "", None
    msg = Message()
    msg["content-type"] = raw
    charset = msg.get_param("charset")
    return msg.get_content_type().lower() if "/" in raw else raw.strip().lower(), (
        str(charset).strip().strip('"').lower() if charset else None
    )


def _known_charset(charset: str) -> bool:
    import codecs

    try:
        codecs.lookup(charset)
    except LookupError:
        return False
    return True


def _looks_like(body: bytes, expect: Expect) -> bool:
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if expect == "feed":
        return head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf", b"{"))
    if expect == "sitemap":
        return head.startswith((b"<?xml", b"<urlset", b"<sitemapindex", b"http")) or body[:2] == b"\x1f\x8b"
    return True


def _retry_after(value: str | None, now: datetime) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


# ---------------------------------------------------------------- the fetcher


class Fetcher:
    """One run's HTTP client, robots cache and per-host gates; use as a context manager."""

    def __init__(
        self,
        archive_dir: Path,
        limits: FetchLimits | None = None,
        *,
        run_id: str = "",
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
        resolve: Callable[[str, int], list[str]] | None = None,
    ) -> None:
        self.archive_dir = Path(archive_dir)
        self.limits = limits or FetchLimits()
        self.run_id = run_id
        self._now, self._sleep = now, sleep
        self._resolve = resolve or _resolve
        lim = self.limits
        self._backend = _PinnedBackend()
        self._client = httpx.Client(
            timeout=httpx.Timeout(
                connect=lim.connect_timeout,
                read=lim.read_timeout,
                write=lim.read_timeout,
                pool=lim.total_timeout,
            ),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,
            trust_env=False,  # no proxies from the environment: we pin checked addresses
            limits=httpx.Limits(max_connections=max(4, lim.max_workers * 2)),
            transport=_pinned_transport(self._backend, max(4, lim.max_workers * 2)),
        )
        self._allow_hosts = {a.lower() for a in lim.allow if not _is_network(a)}
        self._allow_nets = [ipaddress.ip_network(a, strict=False) for a in lim.allow if _is_network(a)]
        self._gates: dict[tuple[str, str, int], _HostGate] = {}
        self._robots: dict[tuple[str, str, int], Protego | _FetchError | None] = {}
        self._robots_locks: dict[tuple[str, str, int], threading.Lock] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close connections (this also unblocks any straggling request)."""
        self._client.close()

    # -- public

    def fetch(self, target: FetchTarget | str, state: FetchState | None = None) -> tuple[FetchResult, FetchState]:
        """Fetch one URL (with retries) and archive its body; return the row and new state."""
        target = FetchTarget(url=target) if isinstance(target, str) else target
        started = time.monotonic()
        now = self._now()
        canonical = canonical_url(target.url)
        state = state.model_copy() if state else FetchState(canonical_url=canonical, url=target.url, first_seen=now)
        result = FetchResult(
            run_id=self.run_id,
            url=target.url,
            canonical_url=canonical,
            source=target.source,
            expect=target.expect,
            fetched_at=now,
        )
        interval = target.min_interval_seconds
        since = (now - state.last_fetched).total_seconds() if state.last_fetched else None
        if interval and since is not None and since < interval:
            result.error_kind = "too_soon"
            result.error_message = f"fetched {state.last_fetched.isoformat()}, interval {interval}s"
            return result, state

        lim = self.limits
        max_bytes = target.max_bytes or lim.max_bytes
        response: _Response | None = None
        while True:
            result.attempts += 1
            try:
                response = self._follow(target.url, state, target.expect, max_bytes)
                break
            except _FetchError as refused:
                result.error_kind, result.error_message = refused.kind, refused.message
                result.status, result.wire_bytes = refused.status, refused.wire_bytes
                elapsed = time.monotonic() - started
                if not refused.retryable or result.attempts > lim.max_retries:
                    break
                if refused.retry_after is not None:
                    delay = min(refused.retry_after, lim.retry_after_cap)
                else:
                    delay = min(lim.backoff_base * 2 ** (result.attempts - 1), lim.backoff_max)
                    delay += random.uniform(0, lim.backoff_base / 2)  # noqa: S311 (jitter)
                if elapsed + delay + lim.total_timeout > lim.url_deadline:
                    result.error_message += f" (no retry: url deadline {lim.url_deadline}s)"
                    break
                self._sleep(delay)

        result.duration_ms = int((time.monotonic() - started) * 1000)
        if response is None:
            if result.status is not None:
                state.last_status = result.status
            return result, state

        result.error_kind = result.error_message = None
        result.status = response.status
        result.final_url = response.final_url
        result.wire_bytes = response.wire_bytes
        media_type, result.charset = _media_type(response.headers)
        result.content_type = media_type or None
        state.last_status = response.status
        state.last_fetched = now
        state.etag = response.headers.get("etag") or state.etag
        state.last_modified = response.headers.get("last-modified") or state.last_modified
        if response.status == 304:
            result.not_modified = True
            return result, state
        if result.charset and not _known_charset(result.charset):
            result.error_kind = "bad_charset"
            result.error_message = f"unknown charset {result.charset!r}; left to the decoder"
            result.charset = None
        doc_id, _path = archive_bytes(response.body, self.archive_dir)
        result.doc_id = state.last_doc_id = doc_id
        result.size_bytes = len(response.body)
        return result, state

    # -- one attempt: redirects, safety checks, body

    def _follow(self, url: str, state: FetchState, expect: Expect, max_bytes: int) -> _Response:
        seen = {canonical_url(url)}
        current = url
        for hop in range(self.limits.max_redirects + 1):
            conditional = hop == 0
            response = self._request(
                current,
                state if conditional else None,
                expect,
                max_bytes,
                check_robots=self.limits.respect_robots,
            )
            if isinstance(response, str):  # a redirect target
                nxt = _joined(current, response)
                key = canonical_url(nxt)
                if key in seen:
                    raise _FetchError("redirect_loop", f"redirect loop back to {nxt}")
                seen.add(key)
                current = nxt
                continue
            return response
        raise _FetchError("too_many_redirects", f"more than {self.limits.max_redirects} redirects")

    def _address(self, url: str) -> tuple[str, str, int, str]:
        """(scheme, host, port, ip) after the scheme and address checks."""
        try:
            parts = urlsplit(url)
        except ValueError as exc:
            raise _FetchError("bad_url", f"not a valid URL ({exc}): {url!r}") from exc
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise _FetchError("scheme", f"only http/https may be fetched, not {scheme or 'none'!r}")
        host = (parts.hostname or "").lower()
        if not host:
            raise _FetchError("scheme", f"no host in {url!r}")
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError as exc:
            raise _FetchError("scheme", f"bad port in {url!r}") from exc
        try:
            addresses = self._resolve(host, port)
        except OSError as exc:
            raise _FetchError("dns", f"cannot resolve {host}: {exc}", retryable=True) from exc
        if not addresses:
            raise _FetchError("dns", f"{host} has no addresses")
        if host in self._allow_hosts:
            return scheme, host, port, addresses[0]
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            why = _blocked(ip)
            if why and not any(ip in net for net in self._allow_nets if ip.version == net.version):
                raise _FetchError("blocked_address", f"{host} resolves to {ip} ({why}): refused")
        return scheme, host, port, addresses[0]

    def _request(
        self,
        url: str,
        state: FetchState | None,
        expect: Expect | Literal["robots"],
        max_bytes: int,
        *,
        check_robots: bool,
    ) -> _Response | str:
        """One HTTP exchange; a redirect returns its Location, anything else a _Response."""
        scheme, host, port, ip = self._address(url)
        key = (scheme, host, port)
        if check_robots:
            self._check_robots(key, url)
        self._backend.pin(host, port, ip)
        parts = urlsplit(url)
        # Userinfo and fragment are never sent.
        netloc = host if ":" not in host else f"[{host}]"
        netloc += f":{parts.port}" if parts.port else ""
        plain = urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
        headers: dict[str, str] = {}
        if state is not None:
            if state.etag:
                headers["If-None-Match"] = state.etag
            if state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
        if expect == "feed":
            headers["Accept"] = (
                "application/rss+xml, application/atom+xml, application/feed+json, "
                "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
            )

        gate = self._gate(key)
        self._wait_turn(gate)
        with gate.semaphore, _attempt_deadline(time.monotonic() + self.limits.total_timeout):
            started = time.monotonic()
            try:
                request = self._client.build_request("GET", plain, headers=headers)
            except httpx.InvalidURL as exc:  # not an HTTPError: it would escape as an internal error
                raise _FetchError("bad_url", f"cannot be requested ({exc}): {url[:200]!r}") from exc
            try:
                response = self._client.send(request, stream=True)
            except httpx.TimeoutException as exc:
                message = f"{type(exc).__name__} for {url}"
                raise _FetchError("timeout", message, retryable=True) from exc
            except httpx.ConnectError as exc:
                raise _FetchError("connect", f"{url}: {exc}", retryable=True) from exc
            except httpx.HTTPError as exc:
                raise _FetchError("protocol", f"{url}: {exc}", retryable=True) from exc
            except httpx.InvalidURL as exc:  # httpx reads a redirect's Location even when not following it
                raise _FetchError("bad_url", f"{url}: redirect to an invalid URL ({exc})") from exc
            try:
                return self._response(
                    response,
                    url,
                    expect,
                    max_bytes,
                    started,
                    conditional="If-None-Match" in headers or "If-Modified-Since" in headers,
                )
            finally:
                response.close()

    def _response(
        self,
        response: httpx.Response,
        url: str,
        expect: Expect | Literal["robots"],
        max_bytes: int,
        started: float,
        *,
        conditional: bool = False,
    ) -> _Response | str:
        status = response.status_code
        if status in (301, 302, 303, 307, 308):
            location = response.headers.get("location")
            if not location:
                raise _FetchError("protocol", f"{status} without Location", status=status)
            return location
        if status == 304 and conditional:
            return _Response(status=304, final_url=url, headers=response.headers)
        if status == 304:  # there is no copy it can mean: taken as "not modified", the item would vanish
            raise _FetchError(
                "http_status", f"HTTP 304 Not Modified for {url}, which was not asked conditionally", status=status
            )
        if status >= 400 or status < 200:
            retryable = status == 429 or status >= 500
            after = _retry_after(response.headers.get("retry-after"), self._now())
            raise _FetchError(
                "http_status",
                f"HTTP {status} for {url}",
                status=status,
                retryable=retryable,
                retry_after=after if retryable else None,
            )
        media_type, _charset = _media_type(response.headers)
        if expect in ("feed", "page", "sitemap") and not self._type_possible(media_type, expect):
            raise _FetchError("content_type", f"{media_type!r} is not a {expect}", status=status)
        # RFC 9309: a crawler parses at least the first 500 KiB of a longer robots.txt (not: allow all).
        truncate = expect == "robots"
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > max_bytes and not truncate:
            raise _FetchError("too_large", f"Content-Length {length} exceeds {max_bytes} bytes", status=status)
        encoding = response.headers.get("content-encoding", "").strip().lower()
        decoder = _BoundedDecoder(encoding, max_bytes, truncate=truncate)
        body = bytearray()
        wire = 0
        try:
            for chunk in response.iter_raw():  # no chunk_size: it would buffer
                wire += len(chunk)
                if wire > max_bytes and not truncate:
                    raise _FetchError("too_large", f"body exceeds {max_bytes} bytes", status=status)
                body += decoder.feed(chunk)
                if truncate and (decoder.full or wire > max_bytes):
                    break  # the rest is never read: the response is closed unread
                if time.monotonic() - started > self.limits.total_timeout:
                    raise _FetchError(
                        "timeout",
                        f"total deadline {self.limits.total_timeout}s passed while reading {url}",
                        status=status,
                        retryable=True,
                    )
        except _FetchError as refused:
            refused.status, refused.wire_bytes = status, wire
            raise
        except httpx.TimeoutException as exc:
            raise _FetchError("timeout", f"{type(exc).__name__} reading {url}", status=status, retryable=True) from exc
        except httpx.HTTPError as exc:
            raise _FetchError("protocol", f"{url}: {exc}", status=status, retryable=True) from exc
        if expect in ("feed", "sitemap") and media_type in _AMBIGUOUS_TYPES and not _looks_like(bytes(body), expect):
            raise _FetchError("content_type", f"{media_type or 'no type'!r} body is not a {expect}", status=status)
        return _Response(
            status=status,
            final_url=url,
            headers=response.headers,
            body=bytes(body),
            wire_bytes=wire,
            truncated=truncate and (decoder.full or wire > max_bytes),
        )

    @staticmethod
    def _type_possible(media_type: str, expect: Expect) -> bool:
        if media_type in _AMBIGUOUS_TYPES:
            return True
        if expect == "feed":
            return media_type in _XML_TYPES or media_type.endswith(("+xml", "+json"))
        if expect == "sitemap":
            return media_type in _SITEMAP_TYPES or media_type.endswith("+xml")
        return media_type in _PAGE_TYPES

    # -- politeness

    def _gate(self, key: tuple[str, str, int]) -> _HostGate:
        with self._lock:
            gate = self._gates.get(key)
            if gate is None:
                gate = _HostGate(threading.BoundedSemaphore(self.limits.per_host_concurrency))
                self._gates[key] = gate
            return gate

    def _wait_turn(self, gate: _HostGate) -> None:
        if not self.limits.rate_limit:
            return
        interval = max(self.limits.per_host_interval, gate.delay)
        with gate.lock:
            now = time.monotonic()
            start = max(now, gate.next_start)
            gate.next_start = start + interval
        if start > now:
            self._sleep(start - now)

    def _check_robots(self, key: tuple[str, str, int], url: str) -> None:
        with self._lock:
            lock = self._robots_locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._robots:
                self._robots[key] = self._load_robots(key)
        rules = self._robots[key]
        if isinstance(rules, _FetchError):
            raise _FetchError(rules.kind, rules.message)
        if rules is not None and not rules.can_fetch(url, ROBOTS_AGENT):
            raise _FetchError("robots_disallowed", f"robots.txt disallows {url}")

    def _load_robots(self, key: tuple[str, str, int]) -> Protego | _FetchError | None:
        """Rules for one host (None: allow all), fetched once per run; RFC 9309 rules and errors."""
        scheme, host, port = key
        default_port = port == (443 if scheme == "https" else 80)
        robots_url = f"{scheme}://{host}{'' if default_port else f':{port}'}/robots.txt"
        try:
            current = robots_url
            for _hop in range(5):
                response = self._request(current, None, "robots", self.limits.robots_max_bytes, check_robots=False)
                if isinstance(response, str):
                    current = _joined(current, response)
                    continue
                break
            else:
                return None
        except _FetchError as refused:
            if refused.kind == "http_status" and refused.status and refused.status < 500:
                return None  # 4xx: no robots.txt, everything allowed
            if refused.kind == "http_status":
                return _FetchError(
                    "robots_disallowed",
                    f"robots.txt answered {refused.status}: disallow-all (RFC 9309)",
                )
            return _FetchError(refused.kind, f"robots.txt: {refused.message}")
        body = response.body
        if response.truncated:  # the first robots_max_bytes, less a last line cut in two
            body = body[: body.rfind(b"\n") + 1]
        # Protego: RFC 9309 matching (`*` and `$` wildcards, longest match wins), unlike urllib's parser.
        rules = Protego.parse(body.decode("utf-8", errors="replace"))
        delay = rules.crawl_delay(ROBOTS_AGENT)
        if delay:
            self._gate(key).delay = min(float(delay), self.limits.crawl_delay_cap)
        return rules


# The end of the current attempt (time.monotonic()) for this thread: every socket read is cut
# to it, so a server that trickles its status line or headers cannot hold an attempt longer
# than total_timeout (httpx's timeouts are per read, and the body loop only checks between chunks).
_ATTEMPT = threading.local()


@contextlib.contextmanager
def _attempt_deadline(deadline: float) -> Iterator[None]:
    _ATTEMPT.deadline = deadline
    try:
        yield
    finally:
        _ATTEMPT.deadline = None


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose reads and writes end by the current attempt's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    @staticmethod
    def _timeout(timeout: float | None) -> float | None:
        deadline = getattr(_ATTEMPT, "deadline", None)
        if deadline is None:
            return timeout
        left = deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("the attempt's total deadline passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._timeout(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._timeout(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None, timeout: float | None = None):
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, self._timeout(timeout)))

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects only to the address that passed the safety check for that host."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()
        self._pins: dict[tuple[str, int], str] = {}
        self._lock = threading.Lock()

    def pin(self, host: str, port: int, ip: str) -> None:
        with self._lock:
            self._pins[(host.lower(), port)] = ip

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options=None,
    ):
        with self._lock:
            ip = self._pins.get((host.strip("[]").lower(), port))
        if ip is None:
            raise httpcore.ConnectError(f"{host}:{port} was not checked; refusing to connect")
        return _DeadlineStream(self._inner.connect_tcp(ip, port, timeout, local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options=None):
        raise httpcore.ConnectError("unix sockets are not used")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _pinned_transport(backend: _PinnedBackend, max_connections: int) -> httpx.HTTPTransport:
    """httpx's transport with a connection pool that dials through `backend`."""
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx does not expose httpcore's network_backend; swap in a pool that uses ours,
    # keeping httpx's TLS context (certificate checks and SNI stay on the host name).
    ssl_context = transport._pool._ssl_context
    transport._pool = httpcore.ConnectionPool(
        ssl_context=ssl_context,
        max_connections=max_connections,
        network_backend=backend,
    )
    return transport


def _joined(current: str, location: str) -> str:
    """A redirect's Location resolved against the URL that sent it."""
    try:
        return urljoin(current, location)
    except ValueError as exc:  # "http://[::1"
        raise _FetchError("bad_url", f"redirect to an invalid URL ({exc}): {location[:200]!r}") from exc


def _is_network(value: str) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True


def _resolve(host: str, port: int) -> list[str]:
    """Every address a host name resolves to (IP literals resolve to themselves)."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# ---------------------------------------------------------------- many URLs


def _failed(item: FetchTarget, run_id: str, at: datetime, kind: FetchErrorKind, message: str) -> FetchResult:
    return FetchResult(
        run_id=run_id,
        url=item.url,
        canonical_url=canonical_url(item.url),
        source=item.source,
        expect=item.expect,
        fetched_at=at,
        error_kind=kind,
        error_message=message,
    )


def fetch_many(
    targets: Iterable[FetchTarget | str],
    *,
    archive_dir: Path,
    states: Mapping[str, FetchState] | None = None,
    limits: FetchLimits | None = None,
    run_id: str = "",
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    fetcher: Fetcher | None = None,
    advance: Callable[[int], None] | None = None,
) -> tuple[list[FetchResult], dict[str, FetchState]]:
    """Fetch each canonical URL once on a bounded thread pool; rows in input order, new states.

    `advance(1)` is told as each fetch ends (a progress bar).

    Pass an open `fetcher` to share its robots.txt cache and host gates across batches
    (it is left open); otherwise one is made for this batch and closed.
    """
    limits = fetcher.limits if fetcher is not None else limits or FetchLimits()
    states = dict(states or {})
    items: list[FetchTarget] = []
    seen: set[str] = set()
    for target in targets:
        item = FetchTarget(url=target) if isinstance(target, str) else target
        key = canonical_url(item.url)
        if key not in seen:  # one fetch (and one `fetches` row) per canonical URL
            seen.add(key)
            items.append(item)
    results: list[FetchResult | None] = [None] * len(items)
    new_states: dict[str, FetchState] = {}
    batch_end = time.monotonic() + limits.batch_timeout
    pool = ThreadPoolExecutor(max_workers=max(1, limits.max_workers), thread_name_prefix="newsmon-fetch")
    own = fetcher is None
    if fetcher is None:
        fetcher = Fetcher(archive_dir, limits, run_id=run_id, now=now)
    try:
        futures = {
            pool.submit(fetcher.fetch, item, states.get(canonical_url(item.url))): i for i, item in enumerate(items)
        }
        try:
            for future in as_completed(futures, timeout=max(0.0, batch_end - time.monotonic())):
                i = futures[future]
                if advance is not None:
                    advance(1)
                try:
                    result, state = future.result()
                except Exception as exc:  # one URL's bug must not lose the other rows
                    results[i] = _failed(items[i], run_id, now(), "internal", repr(exc))
                    continue
                results[i] = result
                new_states[result.canonical_url] = state
        except FuturesTimeout:
            pass  # stragglers are reported below; closing the client unblocks them
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
    finally:
        if own:
            fetcher.close()
    for i, item in enumerate(items):
        if results[i] is None:
            message = f"abandoned: batch deadline {limits.batch_timeout}s passed"
            results[i] = _failed(item, run_id, now(), "timeout", message)
    return [r for r in results if r is not None], new_states
