"""The report tasks inside a Prefect flow, wired the way flows/daily.py wires them: extras read on
the writer connection next to `summarise`, the page and the index published after the swap."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

DAY = date(2026, 3, 9)


@pytest.mark.slow
def test_report_tasks_in_a_flow_write_the_page_and_rebuild_the_index(prefect_harness, warehouse_dir: Path):
    from prefect import flow

    from flows.daily import publish_summary, summarise
    from flows.report import publish_index, publish_report, read_report_extras
    from newsmon.settings import Settings
    from warehouse import db

    @flow
    def one_day(day: date) -> Path:
        settings = Settings()
        with db.writer(settings.database_path) as conn:
            summary = summarise(conn, day)
            extras = read_report_extras(conn, day)
        publish_summary(settings, summary)
        return publish_report(settings, summary, extras)

    @flow
    def index_only() -> Path:
        return publish_index(Settings())

    reports = warehouse_dir / "reports"
    reports.mkdir(parents=True)
    # an older day published before the HTML report existed, and a file that is no summary
    older = {"day": "2026-03-08", "previous_day": "2026-03-07", "totals": {"documents": 3}, "previous_totals": {}}
    (reports / "2026-03-08.json").write_text(json.dumps(older))
    (reports / "notes.json").write_text("{}")

    page = one_day(DAY)
    assert page == reports / "2026-03-09.html"
    html = page.read_text()
    assert "newsmon daily summary for 2026-03-09" in html and "No new articles." in html
    index = (reports / "index.html").read_text()
    assert index.index('id="day-2026-03-09"') < index.index('id="day-2026-03-08"')
    assert 'href="2026-03-09.html"' in index and 'href="2026-03-08.html"' not in index
    assert not list(reports.glob(".*tmp*"))

    (reports / "2026-03-08.json").unlink()
    assert index_only() == reports / "index.html"
    assert 'id="day-2026-03-08"' not in (reports / "index.html").read_text()
