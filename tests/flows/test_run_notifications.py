"""The daily flow tells the `notify` URLs how each run went and rebuilds the Atom feed: real Prefect,
a real loopback webhook. Skipped until `Settings.notify` exists (the wiring of flows/notify.py into
newsmon/settings.py and flows/daily.py); then these tests check that wiring."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser
import pytest

from newsmon.settings import Settings
from warehouse import journal

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_INBOX = ROOT / "samples" / "inbox"

pytestmark = pytest.mark.skipif(
    "notify" not in Settings.model_fields,
    reason="Settings.notify is not wired yet (see flows/notify.py: settings, flows/daily.py)",
)


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append(json.loads(body))  # type: ignore[attr-defined]
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[ThreadingHTTPServer]:
    """A JSON webhook on 127.0.0.1 that keeps what it was posted."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    server.received = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ("json://h/a,mailto://m?from=a@b.org", ["json://h/a", "mailto://m?from=a@b.org"]),
        ('["mailto://m?from=a@b.org&to=x@y.org,z@y.org"]', ["mailto://m?from=a@b.org&to=x@y.org,z@y.org"]),
        ("", []),
    ],
    ids=["commas", "json-keeps-a-comma-inside-a-url", "empty"],
)
def test_notify_setting_takes_commas_or_json(monkeypatch, tmp_path, env, expected):
    monkeypatch.delenv("NEWSMON_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no newsmon.toml here
    monkeypatch.setenv("NEWSMON_NOTIFY", env)
    assert Settings().notify == expected


def test_notify_setting_from_the_toml_file(monkeypatch, tmp_path):
    config = tmp_path / "newsmon.toml"
    config.write_text('notify = ["json://127.0.0.1:9/a", "mailto://smtp.example.org/ops@example.org"]\n')
    monkeypatch.delenv("NEWSMON_NOTIFY", raising=False)
    monkeypatch.setenv("NEWSMON_CONFIG", str(config))
    assert Settings().notify == ["json://127.0.0.1:9/a", "mailto://smtp.example.org/ops@example.org"]


@pytest.mark.slow
def test_a_run_notifies_its_summary_and_a_failed_run_says_why(prefect_harness, warehouse_dir, webhook, monkeypatch):
    from flows.daily import daily

    monkeypatch.setenv("NEWSMON_NOTIFY", f"json://127.0.0.1:{webhook.server_port}/run,nosuch://x")
    summary = daily(day=date(2026, 3, 2), inbox=str(SAMPLE_INBOX))
    with pytest.raises(FileNotFoundError):
        daily(day=date(2026, 3, 3), inbox=str(warehouse_dir / "no-such-inbox"))

    done, failed = webhook.received
    assert done["type"] == "info" and done["title"].startswith(
        f"newsmon 2026-03-02: {summary.totals.articles} articles"
    )
    assert f"Articles: {summary.totals.articles}" in done["message"]
    assert all(s.title in done["message"] for s in summary.stories.new[:5])
    assert failed["type"] == "failure" and failed["title"] == "newsmon 2026-03-03: daily run failed"
    assert "Reason: FileNotFoundError: inbox" in failed["message"] and "newsmon status" in failed["message"]

    runs = journal.journal_runs(journal.journal_events(warehouse_dir / "newsmon.runs.jsonl"), journal.pid_alive)
    assert [(r.status, [n["ok"] for n in r.notified]) for r in runs] == [
        ("failed", [True, False]),
        ("completed", [True, False]),
    ]

    feed = feedparser.parse((warehouse_dir / "reports" / "feed.xml").read_bytes())
    assert feed.bozo == 0 and [e.title.split(":")[0] for e in feed.entries] == ["2026-03-02"]
