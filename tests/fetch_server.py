"""A real HTTP server on 127.0.0.1 with the faults a fetcher meets on the web.

Threaded `http.server` on an ephemeral port; it shuts itself down after `lifetime`
seconds whatever the tests do, and every slow route is bounded by its own sleep cap.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
import zlib
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local news</title><link>http://127.0.0.1/</link>
<item><title>One</title><link>/page/1</link>
 <pubDate>Mon, 06 May 2024 10:00:00 +0000</pubDate></item>
<item><title>Two</title><link>/page/2?utm_source=feed</link></item>
<item><title>Internal</title><link>http://10.0.0.1/internal</link></item>
<item><title>Blocked by robots</title><link>/private/secret</link></item>
</channel></rss>"""

MALFORMED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Broken &nbsp;</title>
<item><title>Kept</title><link>http://127.0.0.1/page/1</link></item>
<item><title>Cut off"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a "aaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<rss version="2.0"><channel><title>&i;</title><item><title>&i;</title></item></channel></rss>"""

PAGE = b"<html><body><h1>Two members</h1><p>" + b"The ferry plan was approved. " * 20 + b"</p></body></html>"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
HUGE_BYTES = 50 * 1024 * 1024
BOMB_BYTES = 64 * 1024 * 1024
SLEEP_CAP = 3.0  # no route sleeps longer, so no server thread outlives a test by much


def _gzip_bomb(size: int) -> bytes:
    """gzip of `size` zero bytes, built in pieces (about 64 KiB for 64 MiB)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\x00" * (1024 * 1024)
    parts = [comp.compress(block) for _ in range(size // len(block))]
    parts.append(comp.flush())
    return b"".join(parts)


class _Handler(BaseHTTPRequestHandler):
    server: FetchServer

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet test output

    def _send(
        self,
        status: int,
        body: bytes = b"",
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str, status: int = 302) -> None:
        self._send(status, b"", headers={"Location": location})

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        key = query.get("key", [""])[0]
        self.server.record(self.path, dict(self.headers.items()))
        # The client giving up mid-body is what the fault routes are for.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, TimeoutError):
            self._route(path, key, query)

    def _route(self, path: str, key: str, query: dict[str, list[str]]) -> None:
        srv = self.server
        if path == "/robots.txt":
            self._send(200, ROBOTS, "text/plain")
        elif path == "/feed.xml":
            self._send(200, FEED, "application/rss+xml; charset=utf-8")
        elif path.startswith("/page/"):
            self._send(200, f"<html><body><h1>Page {path}</h1></body></html>".encode())
        elif path == "/slow":
            time.sleep(min(float(query.get("s", ["2"])[0]), SLEEP_CAP))
            self._send(200, b"late")
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            end = time.monotonic() + SLEEP_CAP
            while time.monotonic() < end and not srv.stopping.is_set():
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/header-drip":  # a status line, then a header line now and then, never a body
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            end = time.monotonic() + SLEEP_CAP
            while time.monotonic() < end and not srv.stopping.is_set():
                self.wfile.write(b"X-Drip: 1\r\n")
                self.wfile.flush()
                time.sleep(0.1)
            self.close_connection = True
        elif path == "/gzip-members":  # two gzip members: one body (RFC 1952), as `gzip a b` writes
            body = gzip.compress(PAGE[:40]) + gzip.compress(PAGE[40:])
            self._send(200, body, headers={"Content-Encoding": "gzip"})
        elif path == "/unasked-304":
            self._send(304)
        elif path == "/to-javascript":
            self._redirect("javascript:alert(1)")
        elif path == "/flaky":
            if srv.hit(f"flaky:{key}") == 1:
                self._send(500, b"oops")
            else:
                self._send(200, FEED, "application/rss+xml")
        elif path == "/throttle":
            if srv.hit(f"throttle:{key}") == 1:
                self._send(429, b"slow down", headers={"Retry-After": query.get("ra", ["1"])[0]})
            else:
                self._send(200, FEED, "application/rss+xml")
        elif path == "/always-503":
            self._send(503, b"down")
        elif path == "/missing":
            self._send(404, b"not here")
        elif path == "/loop/a":
            self._redirect("/loop/b")
        elif path == "/loop/b":
            self._redirect("/loop/a", 301)
        elif path.startswith("/chain/"):
            self._redirect(f"/chain/{int(path.rsplit('/', 1)[1]) + 1}")
        elif path == "/redirect-ok":
            self._redirect("/feed.xml", 301)
        elif path == "/to-private":
            self._redirect("http://10.0.0.1/secret")
        elif path == "/to-metadata":
            self._redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/huge":
            self._stream_zeros(HUGE_BYTES, with_length="length" in query)
        elif path == "/bomb":
            body = srv.bomb()
            self._send(200, body, "text/html", headers={"Content-Encoding": "gzip"})
        elif path == "/gzipped-feed":
            self._send(
                200,
                gzip.compress(FEED),
                "application/rss+xml",
                headers={"Content-Encoding": "gzip"},
            )
        elif path == "/image-as-feed":
            self._send(200, PNG, "image/png")
        elif path == "/feed-as-html":
            self._send(200, FEED, "text/html; charset=utf-8")
        elif path == "/html-as-feed":
            self._send(200, b"<html><body>not a feed</body></html>", "text/html")
        elif path == "/malformed.xml":
            self._send(200, MALFORMED, "application/xml")
        elif path == "/laughs.xml":
            self._send(200, LAUGHS, "application/rss+xml")
        elif path == "/bad-charset.xml":
            self._send(200, FEED, "application/rss+xml; charset=x-klingon")
        elif path == "/etag.xml":
            etag, modified = '"v1"', "Mon, 06 May 2024 10:00:00 GMT"
            if self.headers.get("If-None-Match") == etag:
                self._send(304, b"", headers={"ETag": etag})
            else:
                self._send(
                    200,
                    FEED,
                    "application/rss+xml",
                    headers={"ETag": etag, "Last-Modified": modified},
                )
        elif path == "/modified.xml":
            modified = "Mon, 06 May 2024 10:00:00 GMT"
            if self.headers.get("If-Modified-Since") == modified:
                self._send(304)
            else:
                self._send(200, FEED, "application/rss+xml", headers={"Last-Modified": modified})
        else:
            self._send(404, b"no such route")

    def _stream_zeros(self, size: int, *, with_length: bool) -> None:
        """Send `size` bytes in 64 KiB pieces: never held in memory."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if with_length:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        chunk = b"0" * 65536
        sent = 0
        while sent < size and not self.server.stopping.is_set():
            self.wfile.write(chunk)
            sent += len(chunk)


class FetchServer(ThreadingHTTPServer):
    """The fault server; `url(path)` gives an address on it; stops after `lifetime`."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, lifetime: float = 300.0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stopping = threading.Event()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._bomb: bytes | None = None
        self._thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.1},
            daemon=True,
            name="fetch-server",
        )
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def record(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append((path, headers))

    def paths(self) -> list[str]:
        with self._lock:
            return [p for p, _ in self.requests]

    def hit(self, key: str) -> int:
        with self._lock:
            self._hits[key] += 1
            return self._hits[key]

    def bomb(self) -> bytes:
        with self._lock:
            if self._bomb is None:
                self._bomb = _gzip_bomb(BOMB_BYTES)
            return self._bomb

    def start(self) -> FetchServer:
        self.bomb()  # built before serving: building it on the first request raced the client's read timeout
        self._thread.start()
        self._timer.start()
        return self

    def stop(self) -> None:
        if self.stopping.is_set():
            return
        self.stopping.set()
        self._timer.cancel()
        threading.Thread(target=self.shutdown, daemon=True).start()
        self._thread.join(timeout=5)
        self.server_close()
