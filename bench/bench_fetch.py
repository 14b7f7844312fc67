"""Web fetching benchmark against a local server (127.0.0.1 only). Prints figures; asserts nothing.

1. raw fetch throughput: `fetch_many` over N page URLs, rate limits off (pages/s), at the
   default per-host concurrency and at a wider one;
2. a first `run_fetch` day: F feeds listing N new pages in all, fetched, archived and
   recorded as documents in a real DuckDB warehouse (pages/s end to end);
3. a second day with nothing new: the requests it makes and how many were conditional
   and answered 304.

    python bench/bench_fetch.py [--pages 500] [--feeds 10] [--workers 8]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.fetching import FetchLimits, fetch_many  # noqa: E402
from flows.web import run_fetch  # noqa: E402
from newsmon.settings import Settings  # noqa: E402
from newsmon.sources import SourcesConfig  # noqa: E402
from tests.fetch_server import FetchServer, _Handler  # noqa: E402
from warehouse import db  # noqa: E402

_PARAGRAPH = (
    "<p>The harbour authority said on Tuesday that ferry traffic grew by a fifth last year, "
    "and that two new piers would open before the summer season to ease the queues.</p>"
)


class _BenchHandler(_Handler):
    """Feeds /bench/feed/<f>.xml (with ETags) listing /bench/page/<n>; 304 on a match."""

    def _route(self, path: str, key: str, query: dict[str, list[str]]) -> None:
        srv = self.server
        if path.startswith("/bench/feed/"):
            f = int(path.rsplit("/", 1)[1].removesuffix(".xml"))
            etag = f'"bench-{f}"'
            if self.headers.get("If-None-Match") == etag:
                srv.record_status(304)  # type: ignore[attr-defined]
                self._send(304, b"", "application/rss+xml", headers={"ETag": etag})
                return
            per_feed = srv.per_feed  # type: ignore[attr-defined]
            items = "".join(
                f"<item><title>Page {n}</title><link>{srv.base}/bench/page/{n}</link>"
                f"<pubDate>Mon, 02 Mar 2026 08:00:00 +0000</pubDate></item>"
                for n in range(f * per_feed, (f + 1) * per_feed)
            )
            body = (
                f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {f}</title>{items}</channel></rss>'
            ).encode()
            srv.record_status(200)  # type: ignore[attr-defined]
            self._send(200, body, "application/rss+xml", headers={"ETag": etag})
        elif path.startswith("/bench/page/"):
            n = path.rsplit("/", 1)[1]
            body = f"<html><body><h1>Page {n}</h1>{_PARAGRAPH * 30}</body></html>".encode()
            srv.record_status(200)  # type: ignore[attr-defined]
            self._send(200, body)
        else:
            super()._route(path, key, query)


def _server(per_feed: int) -> FetchServer:
    srv = FetchServer(lifetime=900)
    srv.RequestHandlerClass = _BenchHandler
    srv.per_feed = per_feed  # type: ignore[attr-defined]
    srv.statuses = []  # type: ignore[attr-defined]
    srv.record_status = srv.statuses.append  # type: ignore[attr-defined]
    return srv.start()


def _limits(workers: int, per_host: int) -> FetchLimits:
    return FetchLimits(rate_limit=False, max_workers=workers, per_host_concurrency=per_host, allow=["127.0.0.1"])


def main() -> None:
    """Run the three measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--feeds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    per_feed = max(1, args.pages // args.feeds)
    pages = per_feed * args.feeds
    srv = _server(per_feed)
    print(f"local server {srv.base}; {pages} pages in {args.feeds} feeds; rate limits off")
    try:
        with tempfile.TemporaryDirectory(prefix="newsmon-bench-fetch-") as tmp:
            # 1. Raw fetch throughput (bodies archived, nothing else).
            for per_host in (2, args.workers):
                urls = [srv.url(f"/bench/page/raw{per_host}-{n}") for n in range(pages)]
                started = time.perf_counter()
                results, _ = fetch_many(urls, archive_dir=Path(tmp) / "raw", limits=_limits(args.workers, per_host))
                took = time.perf_counter() - started
                ok = sum(1 for r in results if r.doc_id)
                print(
                    f"fetch_many, {args.workers} workers, {per_host} per host: "
                    f"{ok}/{pages} pages in {took:.2f} s = {ok / took:.0f} pages/s"
                )

            # 2. and 3. Two days of run_fetch on a real warehouse.
            settings = Settings(warehouse_dir=Path(tmp) / "warehouse")
            sources = SourcesConfig.model_validate(
                {
                    "fetch": {"allow": ["127.0.0.1"]},
                    "feeds": [
                        {"name": f"bench-{f}", "url": srv.url(f"/bench/feed/{f}.xml")} for f in range(args.feeds)
                    ],
                }
            )
            limits = _limits(args.workers, args.workers)
            for label, day in (
                ("day 1 (all new)", date(2026, 3, 2)),
                ("day 2 (nothing new)", date(2026, 3, 3)),
            ):
                before_requests, before_statuses = len(srv.requests), len(srv.statuses)
                started = time.perf_counter()
                with db.writer(settings.database_path) as conn:
                    report = run_fetch(conn, settings, day, sources, limits=limits, run_id=label)
                took = time.perf_counter() - started
                asked = [(p, h) for p, h in srv.requests[before_requests:] if p != "/robots.txt"]
                statuses = srv.statuses[before_statuses:]
                conditional = sum(1 for _, h in asked if "If-None-Match" in h)
                robots = len(srv.requests) - before_requests - len(asked)
                rate = f" = {report.loaded / took:.0f} pages/s end to end" if report.loaded else ""
                print(
                    f"run_fetch {label}: {report.loaded} documents loaded, {len(asked)} requests "
                    f"(+{robots} robots.txt) in {took:.2f} s{rate}"
                )
                print(
                    f"    conditional requests {conditional}/{len(asked)}, 304 answers "
                    f"{statuses.count(304)}/{len(asked)}, 200 answers {statuses.count(200)}"
                )
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
