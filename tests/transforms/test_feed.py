"""The Atom feed of daily summaries: well formed for a real feed parser, Atom's required elements, stable ids."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import feedparser
import pytest
from defusedxml.ElementTree import fromstring

from tests.transforms.summary_samples import story, summary
from transforms.feed import ATOM_NS, FeedItem, entry_id, feed_id, summary_feed, summary_html

NOW = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
A = f"{{{ATOM_NS}}}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _items(first: date, days: int, written: datetime = NOW) -> list[FeedItem]:
    return [
        FeedItem(summary=summary(first + timedelta(days=n)), updated=written - timedelta(hours=days - 1 - n))
        for n in range(days)
    ]


def _parsed(xml: bytes):
    parsed = feedparser.parse(xml)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


@pytest.mark.parametrize(
    ("days_stored", "limit", "expected_days"),
    [
        (3, 30, ["2026-03-04", "2026-03-03", "2026-03-02"]),
        (40, 30, [(date(2026, 4, 10) - timedelta(days=n)).isoformat() for n in range(30)]),
        (5, 2, ["2026-03-06", "2026-03-05"]),
        (0, 30, []),
    ],
    ids=["few", "newest-30-of-40", "limit-2", "empty"],
)
def test_feed_is_well_formed_newest_first_and_keeps_the_newest_days(days_stored, limit, expected_days):
    first = date(2026, 3, 2)
    parsed = _parsed(summary_feed(_items(first, days_stored), now=NOW, days=limit))
    assert [e.title.split(":")[0] for e in parsed.entries] == expected_days
    assert parsed.feed.title == "newsmon daily summaries"
    for entry in parsed.entries:
        assert "articles (+3)" in entry.title and "1 new story, 1 grown" in entry.title
        assert entry.content[0].type == "text/html"
        assert "Port strike begins" in entry.content[0].value and "Fenwick Dale results" in entry.content[0].value


def _children(element, name: str) -> list:
    return element.findall(A + name)


@pytest.mark.parametrize("days_stored", [0, 1, 3])
def test_atom_required_elements(days_stored):
    """RFC 4287: feed id/title/updated (once each) and an author; entry id/title/updated once each; dates RFC 3339."""
    root = fromstring(summary_feed(_items(date(2026, 3, 2), days_stored), now=NOW))
    assert root.tag == A + "feed"
    for name in ("id", "title", "updated"):
        assert len(_children(root, name)) == 1, name
    entries = _children(root, "entry")
    assert len(entries) == days_stored
    assert _children(root, "author") or all(_children(e, "author") for e in entries)
    assert _children(root, "author")[0].find(A + "name").text == "newsmon"
    assert RFC3339.match(root.find(A + "updated").text)
    assert root.find(A + "id").text.startswith("urn:uuid:")
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(_children(entry, name)) == 1, name
        assert RFC3339.match(entry.find(A + "updated").text)
        assert entry.find(A + "id").text.startswith("urn:uuid:")
        assert entry.find(A + "content").get("type") == "html"


def test_ids_are_stable_across_rebuilds_and_differ_per_day_and_feed_name():
    first = summary_feed(_items(date(2026, 3, 2), 3), now=NOW)
    later = summary_feed(_items(date(2026, 3, 2), 4, written=NOW + timedelta(days=1)), now=NOW + timedelta(days=1))
    ids_first = {e.title.split(":")[0]: e.id for e in _parsed(first).entries}
    ids_later = {e.title.split(":")[0]: e.id for e in _parsed(later).entries}
    assert all(ids_later[day] == ids for day, ids in ids_first.items())
    assert len(set(ids_later.values())) == 4
    assert ids_first["2026-03-04"] == entry_id("2026-03-04")
    assert _parsed(first).feed.id == _parsed(later).feed.id == feed_id()
    assert entry_id("2026-03-04", "other-newsmon") != entry_id("2026-03-04") and feed_id("other-newsmon") != feed_id()


def test_the_same_summaries_give_the_same_bytes_and_updated_is_the_newest_entry():
    items = _items(date(2026, 3, 2), 3)
    xml = summary_feed(items, now=NOW)
    assert xml == summary_feed(list(reversed(items)), now=NOW + timedelta(days=9))  # `now` dates only an empty feed
    assert _parsed(xml).feed.updated == "2026-04-01T12:00:00Z"
    assert _parsed(summary_feed([], now=NOW)).feed.updated == "2026-04-01T12:00:00Z"


def test_a_day_written_twice_is_one_entry_with_the_later_copy():
    day = date(2026, 3, 4)
    old = FeedItem(summary=summary(day, articles=5), updated=NOW - timedelta(days=1))
    new = FeedItem(summary=summary(day, articles=7), updated=NOW)
    entries = _parsed(summary_feed([new, old], now=NOW)).entries
    assert len(entries) == 1 and "7 articles" in entries[0].title and entries[0].updated == "2026-04-01T12:00:00Z"


HOSTILE = '<script>alert("x")</script> & <b>Co</b> ]]> \x0b\x00bad\ud800 bytes'


def test_scraped_titles_are_escaped_and_characters_xml_forbids_are_dropped():
    items = [FeedItem(summary=summary(new=[story(HOSTILE, 3, 2)], gone=["<img src=x>"]), updated=NOW)]
    xml = summary_feed(items, now=NOW)
    parsed = _parsed(xml)  # one stray control byte or lone surrogate would make this bozo
    assert b"<script" not in xml and b"&lt;script&gt;" in xml.replace(b"&amp;", b"&")
    html = fromstring(parsed.entries[0].content[0].value)  # the HTML itself is well formed
    assert not html.findall(".//script") and not html.findall(".//img") and not html.findall(".//b")
    cells = [td.text for td in html.iter("td")]
    assert '<script>alert("x")</script> & <b>Co</b> ]]> bad bytes' in cells


def test_summary_html_has_no_external_resources_and_every_section():
    html = summary_html(summary(gone=["gazette"]))
    root = fromstring(html)
    assert {el.tag for el in root.iter()} <= {"div", "p", "h3", "table", "tr", "th", "td"}
    text = " ".join(root.itertext())
    for expected in ("Compared with 2026-03-03.", "distinct reports", "Port strike begins", "courier", "gazette"):
        assert expected in text
    assert "unique_document" in text and "same bytes as x.txt" in text
    assert "http" not in html and "src=" not in html
