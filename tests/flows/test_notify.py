"""Notifications for real: apprise posting to a loopback HTTP server and mailing a local SMTP server
(aiosmtpd), a closed port, malformed URLs; never an exception, never a secret in a result or a log line."""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import logging
import socket
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from flows.notify import notify_run, notify_run_problem, notify_run_summary, sent_notifications
from tests.transforms.summary_samples import story, summary
from transforms.notification import problem_notification, summary_notification
from transforms.status import Schedule, Status, status_markdown
from warehouse import journal

MESSAGE = summary_notification(
    summary(new=[story("Port strike begins", 4, 3), story("Mill flood <update> & clean-up", 2, 2)])
)


class _Hook(BaseHTTPRequestHandler):
    received: list[tuple[str, dict]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append((self.path, json.loads(body)))  # type: ignore[attr-defined]
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[ThreadingHTTPServer]:
    """A JSON webhook on 127.0.0.1 that keeps what it was posted."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Mailbox:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, _server, _session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, _Mailbox]]:
    """A plain SMTP server on 127.0.0.1 (no TLS, no login), like a local relay."""
    from aiosmtpd.controller import Controller

    mailbox = _Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller.port, mailbox
    controller.stop()


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on (bound once, then released)."""
    return _free_port()


def test_json_webhook_receives_the_figures_and_story_titles(webhook):
    url = f"json://127.0.0.1:{webhook.server_port}/hooks/newsmon"
    [result] = sent_notifications([url], MESSAGE)
    assert result.ok and result.reason is None and result.index == 0 and result.seconds < 10
    assert result.target == f"json://127.0.0.1:{webhook.server_port}/hooks/newsmon"
    [(path, payload)] = webhook.received
    assert path == "/hooks/newsmon"
    assert payload["title"] == MESSAGE.title and payload["type"] == "info"
    for text in ("Articles: 12 (+3)", "Quarantined: 2 (+1)", "Port strike begins", "Mill flood <update> & clean-up"):
        assert text in payload["message"]


def test_local_smtp_without_tls_or_login_gets_the_email(smtp):
    port, mailbox = smtp
    url = f"mailto://127.0.0.1:{port}?from=newsmon@example.org&to=ops@example.org"
    [result] = sent_notifications([url], MESSAGE)
    assert result.ok, result.reason
    [envelope] = mailbox.envelopes
    assert envelope.mail_from == "newsmon@example.org" and envelope.rcpt_tos == ["ops@example.org"]
    mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert mail["Subject"] == MESSAGE.title
    assert mail.get_content_type() == "text/plain"  # plain text: nothing for a mail client to mangle
    text = mail.get_content()
    for expected in ("Articles: 12 (+3)", "Distinct reports: 10 (+1)", "Port strike begins", "Fenwick Dale results"):
        assert expected in text
    assert "Mill flood <update> & clean-up" in text


def test_every_url_gets_its_own_result_in_order(webhook, closed_port):
    good = f"json://127.0.0.1:{webhook.server_port}/a"
    results = sent_notifications([good, f"json://127.0.0.1:{closed_port}/b", "nosuch://x", good], MESSAGE)
    assert [(r.index, r.ok) for r in results] == [(0, True), (1, False), (2, False), (3, True)]
    assert len(webhook.received) == 2


@pytest.mark.parametrize(
    ("url", "reason_has", "target"),
    [
        ("json://127.0.0.1:{closed}/hook", "connection error", "json://127.0.0.1:{closed}/hook"),
        (
            "mailto://127.0.0.1:{closed}?from=a@example.org&to=b@example.org",
            "connection error",
            "mailto://127.0.0.1:{closed}/",
        ),
        ("nosuch://host/path", "unknown scheme nosuch://", "nosuch://…"),
        ("not a url at all", "expected scheme://", "(not a URL)"),
        ("", "expected scheme://", "(not a URL)"),
        ("json://", "apprise cannot use this json:// URL", "json://…"),
        ("mailto://", "Invalid ~From~ email", "mailto://…"),
    ],
    ids=[
        "closed-json-port",
        "closed-smtp-port",
        "unknown-scheme",
        "no-scheme",
        "empty",
        "json-no-host",
        "mailto-no-from",
    ],
)
def test_a_failing_url_is_a_result_with_a_clear_reason_and_one_warning(url, reason_has, target, closed_port, caplog):
    url = url.format(closed=closed_port)
    with caplog.at_level(logging.INFO, logger="newsmon"):
        [result] = sent_notifications([url], MESSAGE)
    target = target.format(closed=closed_port)
    assert not result.ok
    assert reason_has.lower() in result.reason.lower()
    assert result.target.startswith(target)
    warnings = [r for r in caplog.records if r.name == "newsmon" and r.levelno == logging.WARNING]
    assert len(warnings) == 1 and result.target in warnings[0].getMessage()
    assert result.seconds < 10


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("json://newsmon:Sup3rSecretPw@127.0.0.1:{closed}/hook", "Sup3rSecretPw"),
        ("mailto://bob:pa55w0rdX@127.0.0.1:{closed}?from=bob@example.org", "pa55w0rdX"),
        ("tgrm://123456789:AAEsecretTokenValue/12345", "AAEsecretTokenValue"),  # typo in the scheme
        ("gotify://127.0.0.1:{closed}/AbCdEfGhIjKlMnOpQ", "AbCdEfGhIjKlMnOpQ"),  # a token in the path
        ("json://127.0.0.1:{closed}/hook?-X-Api-Key=HeaderSecret123", "HeaderSecret123"),  # apprise shows headers
        ("mailto://127.0.0.1:{closed}?from=bad-from-Secret99", "Secret99"),  # echoed by apprise's own warning
    ],
)
def test_no_secret_from_a_url_reaches_results_logs_or_the_journal(url, secret, closed_port, caplog, tmp_path):
    url = url.format(closed=closed_port)
    path = tmp_path / "newsmon.runs.jsonl"
    with caplog.at_level(logging.DEBUG, logger="newsmon"):
        [result] = notify_run(path, "run-1", [url], MESSAGE)
    assert not result.ok and result.reason
    assert secret not in result.model_dump_json()
    assert secret not in caplog.text
    assert secret not in path.read_text()


def test_notify_run_records_results_in_the_journal_and_status_shows_them(webhook, closed_port, tmp_path):
    path = journal.journal_path(tmp_path / "newsmon.duckdb")
    journal.record(path, "run-1", "started", command="daily", days=["2026-03-04"], pid=1)
    journal.record(path, "run-1", "failed", reason="RuntimeError: boom")
    urls = [f"json://127.0.0.1:{webhook.server_port}/ok", f"json://127.0.0.1:{closed_port}/down"]
    message = problem_notification("failed", "daily", [date(2026, 3, 4)], "RuntimeError: boom", run_id="run-1")
    results = notify_run(path, "run-1", urls, message)
    assert [r.ok for r in results] == [True, False]
    [(_, payload)] = webhook.received
    assert payload["type"] == "failure" and "Reason: RuntimeError: boom" in payload["message"]
    assert "newsmon status" in payload["message"]
    [run] = journal.journal_runs(journal.journal_events(path), alive=lambda _pid: False)
    assert run.status == "failed" and [r["ok"] for r in run.notified] == [True, False]
    text = status_markdown(Status(database="db", archive="raw", schedule=Schedule(cron="0 6 * * *"), runs=[run]))
    assert "| failed | RuntimeError: boom | - | 1 of 2 failed |" in text
    assert f"json://127.0.0.1:{closed_port}/down: A Connection error occurred" in text


def test_no_url_configured_sends_and_records_nothing(tmp_path):
    path = tmp_path / "j.jsonl"
    assert notify_run(path, "run-1", [], MESSAGE) == []
    assert sent_notifications([], MESSAGE) == []
    assert not path.exists()


def test_an_unwritable_journal_does_not_fail_the_notification(webhook, tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("x")
    with caplog.at_level(logging.WARNING, logger="newsmon"):
        [result] = notify_run(blocked / "j.jsonl", "run-1", [f"json://127.0.0.1:{webhook.server_port}/"], MESSAGE)
    assert result.ok
    assert "could not record the notification results" in caplog.text


@pytest.mark.parametrize(
    ("send", "kind", "title_has", "message_has"),
    [
        (
            lambda path, urls: notify_run_summary(path, "run-1", urls, summary()),
            "info",
            "newsmon 2026-03-04: 12 articles (+3)",
            ["Articles: 12 (+3)", "Port strike begins", "Full summary: newsmon summary --day 2026-03-04 (on "],
        ),
        (
            lambda path, urls: notify_run_summary(
                path, "run-1", urls, summary(), "degraded", "every web source failed"
            ),
            "warning",
            "newsmon 2026-03-04 DEGRADED:",
            ["Degraded: every web source failed.", "Articles: 12 (+3)"],
        ),
        (
            lambda path, urls: notify_run_problem(
                path, "run-1", urls, "refused", "daily", [date(2026, 3, 4)], "another newsmon run is writing x"
            ),
            "failure",
            "newsmon 2026-03-04: daily run refused",
            ["Reason: another newsmon run is writing x", "More: run `newsmon status` on ", "(run id run-1)"],
        ),
        (
            lambda path, urls: notify_run_problem(
                path, "run-1", urls, "interrupted", "backfill", [], "TerminationSignal"
            ),
            "failure",
            "newsmon (no day): backfill run interrupted",
            ["Reason: TerminationSignal", "discarded"],
        ),
    ],
    ids=["completed", "degraded", "refused", "interrupted"],
)
def test_run_notifications_reach_the_hook_and_the_journal(send, kind, title_has, message_has, webhook, tmp_path):
    path = tmp_path / "newsmon.runs.jsonl"
    [result] = send(path, [f"json://127.0.0.1:{webhook.server_port}/run"])
    assert result.ok
    [(_, payload)] = webhook.received
    assert payload["type"] == kind and title_has in payload["title"]
    for text in message_has:
        assert text in payload["message"]
    [event] = journal.journal_events(path)
    assert event["event"] == "notified" and event["kind"] == kind and event["results"][0]["ok"] is True
