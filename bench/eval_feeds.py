"""Feed parsing per field: newsmon's feed_entries against feedparser, pass counts printed.

    python bench/eval_feeds.py                         # shared feed corpus + the defect cases below
    python bench/eval_feeds.py --conformance DIR       # also feedparser's own test cases

Shared corpus (../shared/corpora/feeds, gold feedjira_inventory.psv): entry count, feed title
(whitespace folded) and feed updated (same instant) per feed; JSON files and the HTML fragments
(inventory 0 entries) are left out. How many entries carry a title, a link and a date is printed
too (no gold per entry). Defect cases: small feeds written here, one per defect of issue 12, each
with the link / title / date / summary the pipeline should get. Conformance: the files of
feedparser's tests/wellformed and tests/illformed (in its sdist: `pip download --no-deps
--no-binary :all: feedparser`, unpack, pass the tests/ folder) whose Expect line checks one link,
title or *_parsed date; a title passes when equal as text (markup stripped, entities decoded,
whitespace folded) or as given, a date when it is the entry's published or updated instant.

The `feedparser` column is feedparser.parse() read the way newsmon reads fields (title as text
by its declared type, dates from *_parsed, `link`), with no fallbacks of newsmon's own.
"""

from __future__ import annotations

import argparse
import ast
import html
import io
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from dateutil import parser as dateparser

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from transforms.feeds import FeedError, feed_entries  # noqa: E402

DEFAULT_FEEDS_DIR = ROOT.parent / "shared" / "corpora" / "feeds"
_TAGS = re.compile(r"<[^>]+>")


@dataclass
class Entry:
    url: str | None = None
    title: str | None = None
    dates: tuple[datetime | None, ...] = ()  # published, updated
    summary: str | None = None


@dataclass
class Feed:
    title: str | None = None
    link: str | None = None
    updated: datetime | None = None
    entries: list[Entry] = field(default_factory=list)


# ---------------------------------------------------------------- the two parsers


def _newsmon(raw: bytes) -> Feed | None:
    try:
        parsed = feed_entries(raw)
    except FeedError:
        return None
    return Feed(
        title=parsed.title,
        link=parsed.link,
        updated=parsed.updated,
        entries=[Entry(e.url, e.title, (e.published, e.updated), e.summary) for e in parsed.entries],
    )


def _fp_text(detail: dict | None, value: str | None) -> str | None:
    if value is None:
        return None
    kind = (detail or {}).get("type", "text/plain")
    if "html" in kind:
        value = html.unescape(_TAGS.sub("", value))
    return " ".join(value.split()) or None


def _fp_date(parsed: time.struct_time | None) -> datetime | None:
    return datetime(*parsed[:6], tzinfo=UTC) if parsed else None


def _feedparser(raw: bytes) -> Feed | None:
    import feedparser

    # A stream, never bytes or str: feedparser opens a str URL, and tries bytes as a file name.
    result = feedparser.parse(io.BytesIO(raw), sanitize_html=True, resolve_relative_uris=True)
    if not result.get("version") and not result.entries:
        return None
    meta = result.feed
    entries = []
    for e in result.entries:
        content = (e.get("content") or [{}])[0].get("value")
        entries.append(
            Entry(
                url=e.get("link"),
                title=_fp_text(e.get("title_detail"), e.get("title")),
                dates=(
                    _fp_date(e.get("published_parsed") or e.get("created_parsed")),
                    _fp_date(e.get("updated_parsed")),
                ),
                summary=e.get("summary") or content,
            )
        )
    return Feed(
        title=_fp_text(meta.get("title_detail"), meta.get("title")),
        link=meta.get("link"),
        updated=_fp_date(meta.get("updated_parsed") or meta.get("published_parsed") or meta.get("created_parsed")),
        entries=entries,
    )


PARSERS: dict[str, Callable[[bytes], Feed | None]] = {"newsmon": _newsmon, "feedparser": _feedparser}


# ---------------------------------------------------------------- defect cases (issue 12)

_RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
_JSON = (
    b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": "1", '
    b'"url": "https://example.org/j", "title": "Json item", "date_published": "2024-05-01T12:00:00Z"}]}'
)
_T0 = datetime(2003, 12, 31, 10, 14, 55, tzinfo=UTC)

# (name, feed, field, expected value of the first entry's field)
CASES: list[tuple[str, bytes, str, object]] = [
    (
        "rss1.0 item title",
        f'<rdf:RDF {_RDF} xmlns="http://purl.org/rss/1.0/"><channel rdf:about="http://e.com/"><title>T</title>'
        '<link>http://e.com/</link></channel><item rdf:about="http://e.com/a"><title>RDF title</title>'
        "<link>http://e.com/a</link></item></rdf:RDF>".encode(),
        "title",
        "RDF title",
    ),
    (
        "rss0.90 item title",
        f'<rdf:RDF {_RDF} xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>T</title>'
        "<link>http://e.com/</link></channel><item><title>Netscape title</title>"
        "<link>http://e.com/a</link></item></rdf:RDF>".encode(),
        "title",
        "Netscape title",
    ),
    (
        "namespaced rss2 item title",
        b'<rss version="2.0" xmlns="http://backend.userland.com/rss2"><channel><title>T</title>'
        b"<item><title>Userland title</title><link>http://e.com/a</link></item></channel></rss>",
        "title",
        "Userland title",
    ),
    (
        "unescaped & in link",
        b'<rss version="2.0"><channel><title>T</title><item><title>x</title>'
        b"<link>http://e.com/?a=1&b=2&c</link></item></channel></rss>",
        "url",
        "http://e.com/?a=1&b=2&c",
    ),
    (
        "dcterms:issued",
        b'<rss version="2.0" xmlns:dcterms="http://purl.org/dc/terms/"><channel><item><title>x</title>'
        b"<link>http://e.com/a</link><dcterms:issued>2003-12-31T10:14:55Z</dcterms:issued></item></channel></rss>",
        "date",
        _T0,
    ),
    (
        "dcterms:created",
        b'<rss version="2.0" xmlns:dcterms="http://purl.org/dc/terms/"><channel><item><title>x</title>'
        b"<link>http://e.com/a</link><dcterms:created>2003-12-31T10:14:55Z</dcterms:created></item></channel></rss>",
        "date",
        _T0,
    ),
    (
        "repeated <updated>: the last",
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>x</title><id>urn:1</id>'
        b"<updated>2001-01-01T00:00:00Z</updated><updated>2003-12-31T10:14:55Z</updated></entry></feed>",
        "date",
        _T0,
    ),
    (
        "literal <blink> in a text title",
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><id>urn:1</id>'
        b'<title type="text">History of the &lt;blink&gt; tag</title></entry></feed>',
        "title",
        "History of the <blink> tag",
    ),
    (
        "<script> in an html title",
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><id>urn:1</id>'
        b'<title type="html">Safe &lt;script&gt;alert(1)&lt;/script&gt; title</title></entry></feed>',
        "title",
        "Safe title",
    ),
    (
        "atom0.3 base64 title",
        b'<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><id>urn:1</id>'
        b'<title mode="base64">QmFzZTY0IHRpdGxl</title></entry></feed>',
        "title",
        "Base64 title",
    ),
    (
        "atom0.3 base64 content",
        b'<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><id>urn:1</id><title>x</title>'
        b'<content type="text/html" mode="base64">PHA+SGVsbG88L3A+</content></entry></feed>',
        "summary",
        "<p>Hello</p>",
    ),
    (
        "atom1.0 base64 content (binary type)",
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>urn:1</id><title>x</title>'
        b'<content type="application/octet-stream">SGVsbG8=</content></entry></feed>',
        "summary",
        "Hello",
    ),
    (
        "rss items outside <channel>",
        b'<rss version="2.0"><channel><title>T</title></channel>'
        b"<item><title>Outside</title><link>http://e.com/o</link></item></rss>",
        "url",
        "http://e.com/o",
    ),
    (
        "rss without <channel>",
        b'<rss version="2.0"><item><title>No channel</title><link>http://e.com/n</link></item></rss>',
        "title",
        "No channel",
    ),
    (
        "feedburner:origLink",
        b'<rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><channel>'
        b"<item><title>x</title><link>http://feeds.feedburner.com/~r/x/1</link>"
        b"<feedburner:origLink>http://e.com/real</feedburner:origLink></item></channel></rss>",
        "url",
        "http://e.com/real",
    ),
    ("JSON Feed link", _JSON, "url", "https://example.org/j"),
    ("JSON Feed date", _JSON, "date", datetime(2024, 5, 1, 12, tzinfo=UTC)),
]


def _fold(text: str | None) -> str:
    return " ".join((text or "").split())


def _as_text(text: str) -> str:
    return _fold(html.unescape(_TAGS.sub("", text)))


def _passes(entry: Entry | Feed | None, what: str, expected: object, *, as_text: bool = False) -> bool:
    if entry is None:
        return False
    if what == "url":
        return (entry.url if isinstance(entry, Entry) else entry.link) == expected
    if what == "title":
        got = _fold(entry.title)
        return got == _fold(str(expected)) or (as_text and got == _as_text(str(expected)))
    if what == "date":
        dates = entry.dates if isinstance(entry, Entry) else (entry.updated,)
        return expected in dates
    return isinstance(entry, Entry) and _fold(entry.summary) == _fold(str(expected))


def _first(feed: Feed | None) -> Entry | None:
    return feed.entries[0] if feed and feed.entries else None


# ---------------------------------------------------------------- runs


def _table(title: str, rows: dict[str, Counter], fields: list[str], totals: Counter) -> None:
    print(f"\n== {title}")
    print(f"{'parser':<12}" + "".join(f"{f:>14}" for f in fields))
    for name, passed in rows.items():
        print(f"{name:<12}" + "".join(f"{f'{passed[f]}/{totals[f]}':>14}" for f in fields))


def shared_corpus(feeds_dir: Path) -> None:
    """Entry count, feed title and feed updated against the feedjira inventory."""
    gold = []
    for line in (feeds_dir / "feedjira_inventory.psv").read_text(encoding="utf-8").splitlines():
        name, count, title, updated = line.split("|", 3)
        if int(count) > 0:
            when = dateparser.parse(updated) if updated else None
            gold.append((name, int(count), title, when.astimezone(UTC) if when else None))
    totals = Counter(count=len(gold), title=len(gold), updated=sum(1 for g in gold if g[3]))
    rows: dict[str, Counter] = {}
    coverage: dict[str, Counter] = {}
    for parser, parse in PARSERS.items():
        passed, cover, misses = Counter(), Counter(), []
        started = time.perf_counter()
        for name, count, title, updated in gold:
            feed = parse((feeds_dir / "feedjira_sample_feeds" / name).read_bytes())
            if feed is None:
                misses.append(f"{name}: unreadable")
                continue
            passed["count"] += len(feed.entries) == count
            passed["title"] += _fold(feed.title) == _fold(title)
            passed["updated"] += updated is not None and feed.updated == updated
            if len(feed.entries) != count:
                misses.append(f"{name}: {len(feed.entries)} entries, gold {count}")
            for e in feed.entries:
                cover["entries"] += 1
                cover["with title"] += bool(e.title)
                cover["with link"] += bool(e.url)
                cover["with date"] += any(e.dates)
        cover["ms"] = round(1000 * (time.perf_counter() - started))
        rows[parser], coverage[parser] = passed, cover
        for miss in misses:
            print(f"  {parser}: {miss}")
    _table(f"shared corpus: {len(gold)} feeds vs feedjira_inventory.psv", rows, ["count", "title", "updated"], totals)
    print(f"{'':<12}" + "".join(f"{f:>14}" for f in ["entries", "with title", "with link", "with date", "ms"]))
    for parser, cover in coverage.items():
        print(
            f"{parser:<12}"
            + "".join(f"{cover[f]:>14}" for f in ["entries", "with title", "with link", "with date", "ms"])
        )


def defect_cases() -> None:
    """The issue-12 defects, one small feed each."""
    totals = Counter(what for _, _, what, _ in CASES)
    rows: dict[str, Counter] = {}
    for parser, parse in PARSERS.items():
        passed: Counter = Counter()
        for name, raw, what, expected in CASES:
            ok = _passes(_first(parse(raw)), what, expected)
            passed[what] += ok
            if not ok:
                print(f"  {parser}: fails {name!r}")
        rows[parser] = passed
    _table(f"defect cases: {len(CASES)}", rows, ["url", "title", "date", "summary"], totals)


_EXPECT = re.compile(r"Expect:\s*(?:not bozo and |bozo and )?(.*)")
_DATE_KEYS = ("published_parsed", "updated_parsed", "created_parsed")
_CHECK = re.compile(
    rf"^(?:entries\[(\d+)\]|feed)\['(link|title|title_detail|{'|'.join(_DATE_KEYS)})'\](\['value'\])? == (.+)$"
)


def conformance(tests_dir: Path) -> None:
    """feedparser's own cases that check one link, title or parsed date."""
    cases = []
    for path in sorted(p for sub in ("wellformed", "illformed") for p in (tests_dir / sub).rglob("*.xml")):
        if path.parent.name in ("http", "cdf") or path.name.startswith("http_"):
            continue  # HTTP cases need feedparser's test server; CDF (1997) is not a news feed format
        head = path.read_bytes()[:4000].decode("utf-8", "replace")
        expect = _EXPECT.search(head)
        check = _CHECK.match(expect.group(1).strip()) if expect else None
        if check is None:
            continue
        index, key, value, rhs = check.groups()
        if key == "title_detail" and not value:
            continue
        try:
            expected = ast.literal_eval(rhs)
        except (ValueError, SyntaxError):
            continue
        if key in _DATE_KEYS:
            what, expected = "date", datetime(*expected[:6], tzinfo=UTC)
        else:
            what = "url" if key == "link" else "title"
        cases.append((path, None if index is None else int(index), what, expected))
    totals = Counter(what for *_, what, _ in cases)
    rows: dict[str, Counter] = {}
    for parser, parse in PARSERS.items():
        passed: Counter = Counter()
        for path, index, what, expected in cases:
            feed = parse(path.read_bytes())
            target: Entry | Feed | None = feed
            if feed is not None and index is not None:
                target = feed.entries[index] if index < len(feed.entries) else None
            passed[what] += _passes(target, what, expected, as_text=True)
        rows[parser] = passed
    _table(f"feedparser conformance cases: {len(cases)} ({tests_dir})", rows, ["url", "title", "date"], totals)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=Path, default=DEFAULT_FEEDS_DIR, help="the shared feed corpus")
    ap.add_argument("--conformance", type=Path, help="feedparser's tests/ folder (from its sdist)")
    args = ap.parse_args()
    defect_cases()
    if (args.feeds / "feedjira_inventory.psv").is_file():
        shared_corpus(args.feeds)
    else:
        print(f"\n(shared corpus not found at {args.feeds}: skipped; it lives in ../shared/corpora/feeds)")
    if args.conformance:
        if not (args.conformance / "wellformed").is_dir():
            print(f"no wellformed/ folder under {args.conformance}", file=sys.stderr)
            return 2
        conformance(args.conformance)
    return 0


if __name__ == "__main__":
    sys.exit(main())
