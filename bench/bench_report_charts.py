"""Print size and render time of the HTML report with its charts drawn four ways.

Usage: python bench/bench_report_charts.py [--warehouse warehouse] [--day 2026-03-04] [--runs 15]
Needs a warehouse with the day's stored summary (`make demo` writes one), Chromium at
/usr/bin/chromium, the `playwright` package, and for the Altair variants `altair` and
`vl-convert-python`. The same page (transforms/report_html.py) is built with the same chart
data (its `draw` hook), drawn:

  svg          our inline SVG (transforms/charts_svg.py), no JS
  altair-js    Altair/Vega-Lite specs + vega-embed, vega-lite and vega inlined (what
               `chart.save(inline=True)` does), drawn in the browser as SVG
  vega-js      the same specs compiled to Vega in Python (vl-convert), drawn by the same inlined bundle
  altair-svg   the same specs rendered to static SVG in Python by vl-convert, no JS

For each: bytes (and gzipped), the Python build time, and in headless Chromium the time from
navigation start until every chart is drawn (the load event for static pages; the resolved
render promises for the JS ones), median of --runs fresh pages, plus whether the page
overflows horizontally at 400 px. Figures, not assertions: the machine is shared.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transforms.charts_svg import BarChart, Chart, StripChart  # noqa: E402
from transforms.report_html import day_report_html  # noqa: E402
from transforms.summary import DailySummary  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
CSP_JS = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline' 'unsafe-eval'"
FILL_COLOURS = {"solid": "#2b6cb0", "hatch": "#90b4dc", "warn": "#c05621", "cross": "#e8a27c", "muted": "#8a94a6"}


def _records(chart: Chart) -> list[dict]:
    """The chart's data as long-form rows for Vega-Lite."""
    rows = []
    if isinstance(chart, StripChart):
        for strip in chart.strips:
            for day, col in zip(chart.days, strip.columns, strict=True):
                for seg in col:
                    rows.append({"series": strip.label, "day": day.isoformat(), "kind": seg.fill, "value": seg.value})
        return rows
    for group in chart.groups:
        for row in group.rows:
            for i, track in enumerate(row.tracks):
                for seg in track.segments:
                    rows.append({"label": row.label[:52], "track": i, "kind": seg.fill, "value": seg.value})
    return rows


def _vegalite(chart: Chart) -> dict:
    """An Altair chart equivalent to ours (stacked bars, one colour per fill), as a Vega-Lite dict."""
    import altair as alt
    import pandas as pd

    frame = pd.DataFrame(_records(chart))
    kinds = sorted(frame["kind"].unique())
    colour = alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=[FILL_COLOURS[k] for k in kinds]))
    if isinstance(chart, StripChart):
        spec = (
            alt.Chart(frame)
            .mark_bar()
            .encode(
                x=alt.X("day:O", title=None),
                y=alt.Y("sum(value):Q", title=None),
                color=colour,
                tooltip=["series", "day", "kind", "value"],
            )
            .properties(width=560, height=40)
            .facet(row=alt.Row("series:N", title=None))
            .properties(title=chart.title)
        )
    else:
        assert isinstance(chart, BarChart)
        spec = (
            alt.Chart(frame)
            .mark_bar()
            .encode(
                y=alt.Y("label:N", sort=None, title=None),
                yOffset="track:N",
                x=alt.X("sum(value):Q", title=None),
                color=colour,
                tooltip=["label", "kind", "value"],
            )
            .properties(width="container", title=chart.title)
        )
    return spec.to_dict()


class _Collector:
    """A `draw` hook: a placeholder per chart, the specs kept for the page's script."""

    def __init__(self, render: Callable[[dict], str] | None = None) -> None:
        self.specs: dict[str, dict] = {}
        self.render = render

    def __call__(self, chart: Chart) -> str:
        spec = _vegalite(chart)
        if self.render is not None:  # static SVG rendered in Python
            return self.render(spec)
        self.specs[chart.key] = spec
        return f'<div class="vis" id="{chart.key}" style="width:100%"></div>'


def page_svg(summary: DailySummary, extras) -> str:
    return day_report_html(summary, extras)


def page_altair_js(summary: DailySummary, extras) -> str:
    import vl_convert as vlc

    draw = _Collector()
    html = day_report_html(summary, extras, draw=draw)
    calls = ",".join(
        f"vegaEmbed('#{k}', {json.dumps(s)}, {{renderer: 'svg', actions: false}})" for k, s in draw.specs.items()
    )
    script = (
        f"<script>{vlc.javascript_bundle()}</script>"
        f"<script>Promise.all([{calls}]).then(() => {{ window.__drawn = performance.now(); }});</script>"
    )
    return html.replace(CSP, CSP_JS).replace("</body>", script + "</body>")


def page_vega_js(summary: DailySummary, extras) -> str:
    import vl_convert as vlc

    draw = _Collector()
    html = day_report_html(summary, extras, draw=draw)
    compiled = {k: vlc.vegalite_to_vega(s) for k, s in draw.specs.items()}
    calls = ",".join(
        f"vegaEmbed('#{k}', {json.dumps(s)}, {{mode: 'vega', renderer: 'svg', actions: false}})"
        for k, s in compiled.items()
    )
    # The same bundle: vl-convert's bundler cannot give the vega runtime alone (with a snippet that uses
    # only `vega` it still ships 577 KB and sets window.vega = null), so only the in-browser compile is saved.
    script = (
        f"<script>{vlc.javascript_bundle()}</script>"
        f"<script>Promise.all([{calls}]).then(() => {{ window.__drawn = performance.now(); }});</script>"
    )
    return html.replace(CSP, CSP_JS).replace("</body>", script + "</body>")


def page_altair_svg(summary: DailySummary, extras) -> str:
    import vl_convert as vlc

    return day_report_html(summary, extras, draw=_Collector(render=lambda spec: vlc.vegalite_to_svg(spec)))


VARIANTS = {"svg": page_svg, "altair-js": page_altair_js, "vega-js": page_vega_js, "altair-svg": page_altair_svg}


def _extras(warehouse: Path, day: date):
    import duckdb

    from flows.report import report_extras_of

    con = duckdb.connect(str(warehouse / "newsmon.duckdb"), read_only=True)
    try:
        return report_extras_of(con, day)
    finally:
        con.close()


def _render_ms(browser, url: str, js: bool) -> tuple[float, bool, int]:
    """(ms until the charts are drawn, overflow at 400 px, console errors) for one fresh page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    if js:
        page.wait_for_function("window.__drawn !== undefined", timeout=30000)
        ms = page.evaluate("window.__drawn")
    else:
        ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    page.set_viewport_size({"width": 400, "height": 900})
    page.wait_for_timeout(100)  # vega re-lays out "container"-wide charts on resize
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    context.close()
    return ms, overflow, len(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=ROOT / "warehouse")
    parser.add_argument("--day", type=date.fromisoformat, default=date(2026, 3, 4))
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", type=Path, help="write the four pages to this folder")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    summary = DailySummary.model_validate_json((args.warehouse / "reports" / f"{args.day}.json").read_bytes())
    extras = _extras(args.warehouse, args.day)
    out = args.keep or Path(tempfile.mkdtemp(prefix="newsmon-bench-report-"))
    out.mkdir(parents=True, exist_ok=True)
    pages = {}
    for name, build in VARIANTS.items():
        times = []
        for _ in range(3):
            started = time.perf_counter()
            html = build(summary, extras)
            times.append((time.perf_counter() - started) * 1000)
        path = out / f"{args.day}-{name}.html"
        path.write_text(html, encoding="utf-8")
        pages[name] = (path, html, min(times))

    print(f"report {args.day}, {args.runs} fresh pages each, Chromium headless; out: {out}")
    print(
        f"{'variant':<12} {'bytes':>9} {'gzip':>8} {'build ms':>9} {'drawn ms (median, min-max)':>28} "
        f"{'overflow@400':>13} {'errors':>6}"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, (path, html, build_ms) in pages.items():
            js = name.endswith("-js")
            _render_ms(browser, path.as_uri(), js)  # warm-up: the first page pays for process start
            runs = [_render_ms(browser, path.as_uri(), js) for _ in range(args.runs)]
            ms = [r[0] for r in runs]
            size = len(html.encode())
            print(
                f"{name:<12} {size:>9,} {len(gzip.compress(html.encode())):>8,} {build_ms:>9.1f} "
                f"{statistics.median(ms):>12.1f} ({min(ms):.1f}-{max(ms):.1f}){'':>3} "
                f"{'yes' if any(r[1] for r in runs) else 'no':>13} {max(r[2] for r in runs):>6}"
            )
        browser.close()


if __name__ == "__main__":
    main()
