"""The HTML report in a real browser: Debian's Chromium driven by playwright, on the reports of a
real run of the bundled sample (three days through the daily flow). Skips cleanly without Chromium
(`apt-get install chromium`) or the playwright package; never downloads a browser.

`NEWSMON_REPORT_SCREENSHOT=docs/report.png` keeps the 1280 px full-page screenshot of 2026-03-04.
"""

from __future__ import annotations

import os
import shutil
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from transforms.report_html import day_charts, index_chart
from transforms.web_summary import source_health_section

DAYS = ["2026-03-02", "2026-03-03", "2026-03-04"]
WEB_PAGE = "2026-03-04-web.html"  # the last day with a web section added, for the web health chart
PAGES = [f"{d}.html" for d in DAYS] + [WEB_PAGE, "index.html"]

# On one xdist worker with the other users of the session's sample runs (tests/conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sample_runs")]


@pytest.fixture(scope="module")
def reports(browser, request, tmp_path_factory) -> Path:
    """The sample's three days run through the daily flow, and their HTML reports written; the folder."""
    import duckdb

    from flows.report import report_extras_of, stored_summaries, write_day_report, write_index
    from transforms.report_html import day_report_html

    # Asked for here, not as a parameter: pytest would start the (session-wide) Prefect server and run
    # the sample before the module's browser fixture had a chance to skip. The session's run of the three
    # sample days (tests/flows/conftest.py) is the run this module needs; its reports are rewritten in a copy.
    sample_warehouse, _ = request.getfixturevalue("sample_days_run")
    warehouse = tmp_path_factory.mktemp("report") / "warehouse"
    shutil.copytree(sample_warehouse, warehouse)
    reports_dir = warehouse / "reports"
    con = duckdb.connect(str(warehouse / "newsmon.duckdb"), read_only=True)
    try:
        extras = {s.day: report_extras_of(con, s.day) for s in stored_summaries(reports_dir)}
    finally:
        con.close()
    summaries = {s.day.isoformat(): s for s in stored_summaries(reports_dir)}
    assert sorted(summaries) == DAYS
    for s in summaries.values():
        write_day_report(reports_dir, s, extras[s.day])
    write_index(reports_dir)
    last = summaries[DAYS[-1]]
    with_web = last.model_copy(update={"web": _web_section(last.day)})
    (reports_dir / WEB_PAGE).write_text(day_report_html(with_web, extras[last.day]), encoding="utf-8")
    return reports_dir


def _web_section(day: date):
    return source_health_section(
        day,
        [
            {"source": "gazette", "new_items": 4, "listing_requests": 1, "page_requests": 4, "not_modified": 1,
             "failed": 1, "failures": [{"kind": "http_404", "urls": 1}], "last_new_day": day},
            {"source": "harbour-feed", "new_items": 0, "listing_requests": 1, "not_modified": 1,
             "days_without_new": 4},
            {"source": "broken-sitemap", "listing_requests": 1, "failed": 3,
             "failures": [{"kind": "timeout", "urls": 2}, {"kind": "http_500", "urls": 1}], "days_without_new": 1},
        ],
    )  # fmt: skip


@contextmanager
def _page(browser, path: Path, width: int = 1280) -> Iterator[tuple]:
    """The page loaded from file://, with the console errors and every request it made."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on(
        "console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(path.as_uri(), wait_until="load")
        yield page, errors, requests
    finally:
        context.close()


def _expected_charts(reports: Path, name: str) -> list[str]:
    """The chart keys the pure model says the page has."""
    from flows.report import stored_summaries
    from transforms.summary import DailySummary

    if name == "index.html":
        return ["chart-days"] if index_chart(stored_summaries(reports)) else []
    day = name[:10]
    summary = DailySummary.model_validate_json((reports / f"{day}.json").read_bytes())
    if name == WEB_PAGE:
        summary = summary.model_copy(update={"web": _web_section(summary.day)})
    keys = [c.key for c in day_charts(summary).all()]
    return ["chart-sources", *keys]  # the history chart needs the extras, which every page here has


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_without_errors(browser, reports, name):
    with _page(browser, reports / name) as (page, errors, requests):
        assert page.title()
    assert errors == []
    assert requests and all(urlsplit(u).scheme == "file" for u in requests), requests


@pytest.mark.parametrize("name", PAGES)
def test_every_chart_drew(browser, reports, name):
    with _page(browser, reports / name) as (page, _, _):
        drawn = page.evaluate(
            """() => [...document.querySelectorAll('figure.chart')].map(f => {
                const svg = f.querySelector('svg');
                if (!svg) return {id: f.id, marks: 0, painted: 0, width: 0, title: ''};
                const marks = [...svg.querySelectorAll('rect.mark, path, circle')];
                const box = svg.getBoundingClientRect();
                return {
                    id: f.id,
                    marks: marks.length,
                    painted: marks.filter(m => m.getBoundingClientRect().width > 0).length,
                    width: box.width, height: box.height,
                    title: (svg.querySelector(':scope > title') || {}).textContent || '',
                };
            })"""
        )
    assert [d["id"] for d in drawn] == [f"fig-{k}" for k in _expected_charts(reports, name)]
    for d in drawn:
        assert d["marks"] > 0 and d["painted"] > 0, d
        assert d["width"] > 100 and d["height"] > 20 and d["title"], d


@pytest.mark.parametrize("width", [1280, 400])
@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_page_scroll(browser, reports, name, width):
    with _page(browser, reports / name, width) as (page, _, _):
        sizes = page.evaluate(
            """() => ({
                scroll: document.documentElement.scrollWidth,
                inner: window.innerWidth,
                charts: [...document.querySelectorAll('svg.chart')].map(s => s.getBoundingClientRect().right),
                wraps: [...document.querySelectorAll('.table-wrap')].map(w => w.getBoundingClientRect().right),
            })"""
        )
    assert sizes["scroll"] <= sizes["inner"], sizes
    assert all(right <= sizes["inner"] for right in sizes["charts"] + sizes["wraps"]), sizes


@pytest.mark.parametrize("name", PAGES)
def test_links_resolve(browser, reports, name):
    with _page(browser, reports / name) as (page, _, _):
        hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
        missing = page.evaluate(
            """() => [...document.querySelectorAll('a[href^="#"]')]
                .map(a => a.getAttribute('href'))
                .filter(h => !document.getElementById(decodeURIComponent(h.slice(1))))"""
        )
    assert missing == []
    files = [h for h in hrefs if not h.startswith("#")]
    assert files, "the page links its sibling files"
    assert [h for h in files if not (reports / unquote(h)).exists()] == []


def test_stories_entities_and_events_link_to_each_other(browser, reports):
    with _page(browser, reports / "2026-03-04.html") as (page, _, _):
        counts = page.evaluate(
            """() => {
                const links = (rows, target) => [...document.querySelectorAll(rows)]
                    .flatMap(r => [...r.querySelectorAll('a[href^="#' + target + '"]')]).length;
                return {
                    story_entity: links('tr[id^="story-"]', 'entity-'),
                    entity_story: links('tr[id^="entity-"]', 'story-'),
                    entity_event: links('tr[id^="entity-"]', 'event-'),
                    event_story: links('tr[id^="event-"]', 'story-'),
                    event_entity: links('tr[id^="event-"]', 'entity-'),
                };
            }"""
        )
        assert all(n > 0 for n in counts.values()), counts
        # following one: the browser lands on the row it names
        link = page.locator('tr[id^="story-"] a[href^="#entity-"]').first
        target = link.get_attribute("href")
        link.click()
        assert page.evaluate("location.hash") == target
        assert page.evaluate("document.querySelector(':target').id") == target[1:]


def test_screenshot_is_readable(browser, reports, tmp_path):
    keep = os.environ.get("NEWSMON_REPORT_SCREENSHOT")
    out = Path(keep) if keep else tmp_path / "report.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    with _page(browser, reports / "2026-03-04.html") as (page, _, _):
        page.screenshot(path=str(out), full_page=True)
    width, height = struct.unpack(">II", out.read_bytes()[16:24])  # the PNG's IHDR
    assert width == 1280 and height > 2000


def test_index_lists_days_newest_first(browser, reports):
    with _page(browser, reports / "index.html") as (page, _, _):
        days = page.evaluate("() => [...document.querySelectorAll('tbody tr')].map(r => r.id)")
    assert days == [f"day-{d}" for d in reversed(DAYS)]
