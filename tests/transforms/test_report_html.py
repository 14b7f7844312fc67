"""The HTML report and its SVG charts: escaping, links between rows, charts, the index. Pure."""

from __future__ import annotations

import re
from datetime import date, timedelta

import lxml.html
import pytest

from transforms.charts_svg import BarChart, Group, Row, Segment, Strip, StripChart, Track, chart_svg, clipped, wrapped
from transforms.entity_summary import entity_section
from transforms.report_html import (
    ReportExtras,
    anchor,
    day_charts,
    day_report_html,
    index_html,
    report_extras,
)
from transforms.summary import DailySummary, daily_summary, event_section, story_section
from transforms.web_summary import source_health_section

DAY = date(2026, 3, 4)
EVIL = '<script>alert("x")</script> & "quotes"'


def _entity_row(entity_id: str, name: str, articles: int, previous: int, first_seen: date = date(2026, 3, 1)):
    return {
        "entity_id": entity_id,
        "canonical_name": name,
        "type": "PERSON",
        "first_seen": first_seen,
        "mentions": articles * 2,
        "articles": articles,
        "previous_mentions": previous,
        "previous_articles": previous,
    }


def _summary(*, web: bool = False, title: str = "Port strike enters second day") -> DailySummary:
    stories = story_section(
        [
            {
                "story_id": "story_a",
                "title": title,
                "status": "grown",
                "articles": 5,
                "sources": 3,
                "added_articles": 2,
                "added_sources": 1,
                "top_entities": [
                    {"name": "Ada Quill", "entity_id": "person_ada", "articles": 4},
                    {"name": "Nobody Listed", "entity_id": "person_unlisted", "articles": 1},
                ],
            },
            {
                "story_id": "story/b c",  # not a valid id as is: the anchor must clean it
                "title": None,
                "status": "new",
                "articles": 1,
                "sources": 1,
                "added_articles": 1,
                "added_sources": 1,
                "top_entities": '[{"name": "Ben Rook", "entity_id": "person_ben", "articles": 1}]',
            },
        ]
    )
    events = event_section(
        [
            {"section": "new", "event_id": "evt_1", "type": "strike", "participants": "Ada Quill",
             "event_date": DAY, "date_start": DAY, "date_end": DAY, "place": "Harbourton",
             "first_reported": DAY, "article_count": 2, "modality": "asserted"},
            {"section": "upcoming", "event_id": "evt_2", "type": "meeting", "participants": None,
             "event_date": DAY + timedelta(days=3), "date_start": DAY + timedelta(days=3),
             "date_end": DAY + timedelta(days=3), "first_reported": DAY, "article_count": 1,
             "modality": "scheduled"},
        ]
    )  # fmt: skip
    entities = entity_section(
        DAY,
        [
            _entity_row("person_ada", "Ada Quill", 3, 1),  # top and riser: one anchor, in the top table
            _entity_row("person_ben", "Ben Rook", 1, 0, first_seen=DAY),
            _entity_row("gpe_harbourton", "Harbourton", 2, 2),
        ],
    )
    health = (
        source_health_section(
            DAY,
            [
                {"source": "gazette", "new_items": 3, "listing_requests": 1, "page_requests": 3, "not_modified": 1,
                 "failed": 1, "failures": [{"kind": "http_404", "urls": 1}], "days_without_new": 0},
                {"source": "stale_wire", "new_items": 0, "listing_requests": 1, "not_modified": 1,
                 "days_without_new": 5},
            ],
        )
        if web
        else None
    )  # fmt: skip
    return daily_summary(
        DAY,
        totals_rows=[
            {"which": "today", "documents": 4, "articles": 3, "reports": 2, "quarantined": 1, "sources": 2},
            {"which": "yesterday", "documents": 2, "articles": 2, "reports": 2, "quarantined": 0, "sources": 1},
        ],
        source_rows=[
            {"source": "Courier <b>", "articles": 2, "copies": 1, "previous_articles": 1},
            {"source": "Quiet", "articles": 0, "copies": 0, "previous_articles": 1},
        ],
        quarantine_rows=[{"stage": "articles", "expectation": "language", "items": 1, "example_reason": EVIL}],
        stories=stories,
        events=events,
        entities=entities,
        web=health,
    )


def _extras() -> ReportExtras:
    return report_extras(
        DAY,
        history_rows=[
            {"day": DAY - timedelta(days=i), "source": s, "reports": n, "copies": c}
            for i in range(3)
            for s, n, c in (("Courier <b>", 2 - i % 2, 1 if i == 0 else 0), ("Quiet", 0 if i == 0 else 1, 0))
        ],
        story_entity_rows=[
            {"story_id": "story_a", "entity_id": "person_ada", "articles": 4},
            {"story_id": "story_a", "entity_id": "gpe_harbourton", "articles": 2},
            {"story_id": "story/b c", "entity_id": "person_ben", "articles": 1},
        ],
        event_link_rows=[
            {"event_id": "evt_1", "place_entity_id": "gpe_harbourton",
             "participants": [{"entity_id": "person_ada", "name": "Ada Quill", "role": "actor"}],
             "stories": [{"story_id": "story_a", "title": "Port strike enters second day"}]},
            {"event_id": "evt_2", "place_entity_id": None, "participants": [],
             "stories": [{"story_id": "story_old", "title": "An older story"}]},
        ],
    )  # fmt: skip


def _doc(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def _row_links(doc: lxml.html.HtmlElement, row_id: str) -> list[str]:
    (row,) = doc.xpath(f'//tr[@id="{row_id}"]')
    return [a.get("href") for a in row.iter("a")]


def test_every_internal_link_has_a_target_and_ids_are_unique():
    doc = _doc(day_report_html(_summary(web=True), _extras()))
    ids = [e.get("id") for e in doc.xpath("//*[@id]")]
    assert len(ids) == len(set(ids))
    hrefs = [a.get("href") for a in doc.xpath('//a[starts-with(@href, "#")]')]
    assert hrefs
    assert not [h for h in hrefs if h[1:] not in ids]


def test_rows_link_to_each_other():
    doc = _doc(day_report_html(_summary(), _extras()))
    story, new_story = anchor("story", "story_a"), anchor("story", "story/b c")
    ada, ben, harbourton = anchor("entity", "person_ada"), anchor("entity", "person_ben"), "entity-gpe_harbourton"
    assert new_story == "story-story_b_c"
    # a story lists its entities, linked to their rows; an entity without a row is plain text
    assert _row_links(doc, story)[:1] == [f"#{ada}"]
    assert "Nobody Listed" in doc.xpath(f'//tr[@id="{story}"]')[0].text_content()
    assert _row_links(doc, new_story) == [f"#{ben}"]
    # an entity row links to its stories and events
    assert set(_row_links(doc, ada)) == {f"#{story}", "#event-evt_1"}
    assert set(_row_links(doc, harbourton)) == {f"#{story}", "#event-evt_1"}  # the event's place
    # an event links its participants, its place and its story when that story is on the page
    assert _row_links(doc, "event-evt_1") == [f"#{ada}", f"#{harbourton}", f"#{story}"]
    assert _row_links(doc, "event-evt_2") == []
    assert "An older story" in doc.xpath('//tr[@id="event-evt_2"]')[0].text_content()


def test_an_entity_in_several_tables_has_one_anchor():
    doc = _doc(day_report_html(_summary(), _extras()))
    assert len(doc.xpath('//tr[@id="entity-person_ada"]')) == 1
    risers = doc.xpath('//table[caption[starts-with(., "Risers")]]')[0]
    assert [a.get("href") for a in risers.xpath(".//th//a")] == ["#entity-person_ada"]


def test_text_is_escaped_everywhere():
    html = day_report_html(_summary(title=EVIL), _extras())
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert "Courier &lt;b&gt;" in html  # a source name, in the table and in the chart
    doc = _doc(html)
    assert EVIL in doc.xpath('//tr[@id="story-story_a"]/th')[0].text_content()


def test_page_is_self_contained():
    html = day_report_html(_summary(web=True), _extras())
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "@font-face" not in html and "url(http" not in html
    assert "default-src 'none'" in html  # the browser refuses to load anything, should a link slip in


def test_structure_is_accessible():
    doc = _doc(day_report_html(_summary(web=True), _extras()))
    assert [h.text_content() for h in doc.xpath("//h1")] == ["newsmon daily summary for 2026-03-04"]
    tables = doc.xpath("//table")
    assert tables and all(t.xpath("./caption") for t in tables)
    assert all(w.get("aria-labelledby") and w.get("tabindex") == "0" for w in doc.xpath('//div[@class="table-wrap"]'))
    for svg in doc.xpath("//svg"):
        labelled = svg.get("aria-labelledby").split()
        assert svg.get("role") == "img" and len(labelled) == 2
        assert svg.xpath("./title")[0].text and svg.xpath("./desc")[0].text


def test_charts_follow_the_sections():
    assert [c.key for c in day_charts(_summary(web=True), _extras()).all()] == [
        "chart-sources",
        "chart-quarantine",
        "chart-stories",
        "chart-risers",
        "chart-web",
    ]
    # without extras there is no history chart; without a web section no web chart
    assert [c.key for c in day_charts(_summary()).all()] == ["chart-quarantine", "chart-stories", "chart-risers"]
    doc = _doc(day_report_html(_summary(web=True), _extras()))
    assert [f.get("id") for f in doc.xpath("//figure")] == [
        "fig-chart-sources",
        "fig-chart-quarantine",
        "fig-chart-stories",
        "fig-chart-risers",
        "fig-chart-web",
    ]
    for fig in doc.xpath("//figure"):
        assert fig.xpath('.//svg//rect[contains(@class, "mark")]')


def test_an_empty_day_renders_without_charts_or_links():
    summary = daily_summary(DAY, totals_rows=[], source_rows=[], quarantine_rows=[])
    doc = _doc(day_report_html(summary))
    assert not doc.xpath("//figure") and not doc.xpath('//a[starts-with(@href, "#entity")]')
    text = doc.text_content()
    assert "No new articles." in text and "Nothing quarantined." in text


def test_history_chart_orders_sources_and_marks_today():
    chart = day_charts(_summary(), _extras()).sources
    assert chart is not None
    assert [s.label for s in chart.strips] == ["Courier <b>", "Quiet"]
    assert chart.days == (DAY - timedelta(days=2), DAY - timedelta(days=1), DAY)
    assert chart.day_labels[-1] == "2026-03-04 (today)"
    assert chart.strips[0].note == "5 reports, 1 copy"


def test_web_chart_shows_stale_sources_in_words():
    chart = day_charts(_summary(web=True), _extras()).web
    labels = [r.label for r in chart.groups[0].rows]
    assert labels == ["gazette: 3 new, 1 unchanged, 1 failed", "stale_wire: 0 new, 1 unchanged; nothing new for 5 days"]


def test_index_lists_days_newest_first_and_links_only_existing_pages():
    days = [DAY - timedelta(days=2), DAY - timedelta(days=1), DAY]
    summaries = [_summary().model_copy(update={"day": d}) for d in days]
    doc = _doc(index_html(summaries, html_days=days[1:]))
    rows = doc.xpath("//tbody/tr")
    assert [r.get("id") for r in rows] == ["day-2026-03-04", "day-2026-03-03", "day-2026-03-02"]
    assert [a.get("href") for a in rows[0].xpath("./th/a")] == ["2026-03-04.html"]
    assert rows[2].xpath("./th/a") == []  # no page for that day: the md and json are still linked
    assert [a.get("href") for a in rows[2].xpath(".//td/a")] == ["2026-03-02.md", "2026-03-02.json"]
    assert doc.xpath('//figure[@id="fig-chart-days"]//rect[contains(@class, "mark")]')
    assert "No daily summaries yet" in index_html([])


# ---------------------------------------------------------------- charts_svg


@pytest.mark.parametrize(
    ("text", "limit", "want"),
    [
        ("short", 10, ["short"]),
        ("one two three four", 9, ["one two", "three fo…"]),
        ("one two three", 9, ["one two", "three"]),
        ("one two three four five six", 9, ["one two", "three fo…"]),
        ("averyveryverylongword next", 8, ["averyve…", "next"]),
        ("", 8, []),
    ],
)
def test_wrapped(text, limit, want):
    assert wrapped(text, limit) == want
    assert all(len(line) <= limit for line in want)


def test_clipped():
    assert clipped("a  b\nc") == "a b c"
    assert clipped("x" * 60, 10) == "x" * 9 + "…"


def test_bar_chart_scales_text_never_and_bars_by_percent():
    chart = BarChart(
        key="k",
        title="T <1>",
        description="D",
        groups=(
            Group(
                (
                    Row("a", (Track((Segment(2, "hatch", "two"), Segment(2, "solid", "two more")), note="4"),)),
                    Row("b", (Track((Segment(0, "solid", "none"),), note="0"),)),
                ),
                heading="H",
            ),
        ),
    )
    svg = chart_svg(chart)
    assert "viewBox" not in svg and 'width="100%"' in svg
    assert svg.count('class="mark') == 2 == chart.marks  # the zero segment draws no mark
    assert 'x="33%"' in svg and 'width="33%"' in svg  # the longest bar spans 66 %
    assert 'fill="url(#k-hatch)"' in svg and '<pattern id="k-hatch"' in svg
    assert '<title id="k-title">T &lt;1&gt;</title>' in svg


def test_strip_chart_draws_only_non_zero_days():
    days = tuple(DAY - timedelta(days=i) for i in (2, 1, 0))
    chart = StripChart(
        key="s",
        title="t",
        description="d",
        days=days,
        strips=(Strip("x", ((Segment(1, "solid", "a"),), (Segment(0, "solid", "b"),), (Segment(3, "solid", "c"),))),),
    )
    svg = chart_svg(chart)
    assert svg.count('class="mark') == 2
    assert ">2026-03-02</text>" in svg and ">2026-03-04</text>" in svg
