"""Send run notifications through apprise (email, chat, webhooks), one result per URL. Never raises.

A notifier that fails must never fail the run: every failure becomes a result with a reason,
one WARNING line on the `newsmon` logger and, through `notify_run`, a `notified` event in the
run journal that `newsmon status` shows. Apprise URLs carry secrets (passwords, webhook
tokens): results, log lines and the journal name a target only by apprise's masked form of
its URL, and reasons are scrubbed of every part of the URL that form hides.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from pydantic import BaseModel

from transforms.notification import Notification, problem_notification, summary_notification
from transforms.summary import DailySummary
from warehouse import journal

log = logging.getLogger("newsmon")

_TOKEN_SPLIT = re.compile(r"[/:@?&=#,;+\s]+")
_MIN_SECRET_CHARS = 4  # shorter URL parts (ports, "1", "no") are not secrets and would shred every message


class NotificationResult(BaseModel):
    """How sending to one configured URL went."""

    index: int  # position in the `notify` setting
    target: str  # the URL as apprise masks it (passwords, tokens), without its query string (headers, keys)
    ok: bool
    reason: str | None = None
    seconds: float = 0.0


class _Captured(logging.Handler):
    """apprise's own WARNING/ERROR lines while one URL is handled: the reason it gives for a failure."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):  # a message that cannot be formatted is not worth a failure
            self.messages.append(record.getMessage())


def _scheme(url: str) -> str | None:
    match = re.match(r"\s*([A-Za-z][A-Za-z0-9+.-]*)://", url)
    return match.group(1).lower() if match else None


def _tokens(text: str) -> set[str]:
    return {t for part in (text, unquote(text)) for t in _TOKEN_SPLIT.split(part) if t}


def _secrets(url: str, masked: str | None) -> list[str]:
    """Parts of `url` that apprise's masked form hides: what a reason must not repeat.

    Without a masked form (apprise could not load the URL) every part but the scheme is hidden.
    Query values count too (`?token=`, `?-X-Api-Key=`); query names do not.
    """
    text = url.strip()
    scheme = _scheme(text) or ""
    shown = _tokens(masked.split("?", 1)[0]) if masked else set()
    base, _, query = text.partition("?")
    candidates = _tokens(base) | {t for _key, value in parse_qsl(query) for t in _tokens(value) | {value}}
    found = {t for t in candidates if len(t) >= _MIN_SECRET_CHARS and t not in shown and t.lower() != scheme}
    try:
        password = urlsplit(text).password
    except ValueError:
        password = None
    if password:
        found |= {password, unquote(password)}
    return sorted(found, key=len, reverse=True)  # longest first: a token inside another goes with it


def _scrubbed(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "****")
    return text


def _target(url: str, masked: str | None) -> str:
    if masked:
        return masked.split("?", 1)[0]
    scheme = _scheme(url)
    return f"{scheme}://…" if scheme else "(not a URL)"


def _unusable(url: str, said: list[str]) -> str:
    """Why apprise could not load a URL, without repeating the URL."""
    from apprise.manager_plugins import NotificationManager

    scheme = _scheme(url)
    if scheme is None:
        return "not an apprise URL: expected scheme://... (e.g. mailto://, json://, slack://)"
    if scheme not in NotificationManager():
        return f"not an apprise URL: unknown scheme {scheme}:// (see apprise's list of services)"
    detail = "; ".join(m.strip() for m in said if m.strip())
    return f"apprise cannot use this {scheme}:// URL" + (f": {detail}" if detail else "; check its parts")


def _sent(index: int, url: str, notification: Notification, asset) -> NotificationResult:
    import apprise

    started = time.monotonic()
    captured = _Captured()
    apprise_log = logging.getLogger("apprise")
    apprise_log.addHandler(captured)
    # apprise's own lines may echo parts of the URL; they reach the log only through our one scrubbed line.
    propagate, apprise_log.propagate = apprise_log.propagate, False
    masked = None
    try:
        plugin = apprise.Apprise.instantiate(url.strip(), asset=asset)
        if plugin is None:
            ok, reason = False, _unusable(url, captured.messages)
        else:
            masked = plugin.url(privacy=True)
            ok = bool(
                plugin.notify(
                    body=notification.body,
                    title=notification.title,
                    notify_type=apprise.NotifyType(notification.kind),
                    body_format=apprise.NotifyFormat.TEXT,
                )
            )
            said = "; ".join(m.strip() for m in captured.messages if m.strip())
            reason = None if ok else said or f"{plugin.service_name} did not accept the notification"
    except Exception as exc:  # a plugin bug must not reach the run
        ok, reason = False, journal.reason_of(exc)
    finally:
        apprise_log.removeHandler(captured)
        apprise_log.propagate = propagate
    secrets = _secrets(url, masked)
    return NotificationResult(
        index=index,
        target=_target(url, masked),
        ok=ok,
        reason=_scrubbed(reason, secrets) if reason else None,
        seconds=round(time.monotonic() - started, 3),
    )


def sent_notifications(urls: Sequence[str], notification: Notification) -> list[NotificationResult]:
    """Send `notification` to every apprise URL, one after the other; a result per URL, never an exception."""
    results: list[NotificationResult] = []
    if not urls:
        return results
    try:
        import apprise

        asset = apprise.AppriseAsset(app_id="newsmon", app_desc="newsmon news monitoring")
    except Exception as exc:
        reason = f"apprise is not usable: {journal.reason_of(exc)}"
        log.warning("notify: %s; %d notification(s) not sent", reason, len(urls))
        return [
            NotificationResult(index=i, target=_target(u, None), ok=False, reason=reason) for i, u in enumerate(urls)
        ]
    for index, url in enumerate(urls):
        try:
            result = _sent(index, url, notification, asset)
        except Exception as exc:  # belt and braces: _sent already turns failures into results
            result = NotificationResult(
                index=index,
                target=_target(url, None),
                ok=False,
                reason=_scrubbed(journal.reason_of(exc), [url.strip()]),
            )
        if result.ok:
            log.info("notify: sent %r to %s", notification.title, result.target)
        else:
            log.warning("notify: notify[%d] %s failed: %s", index, result.target, result.reason)
        results.append(result)
    return results


def notify_run(
    journal_file: Path, run_id: str, urls: Sequence[str], notification: Notification
) -> list[NotificationResult]:
    """Send `notification` to `urls` and append a `notified` event with the results to the run journal.

    Nothing is sent or recorded when no URL is configured. Never raises.
    """
    if not urls:
        return []
    results = sent_notifications(urls, notification)
    try:
        journal.record(
            journal_file,
            run_id,
            "notified",
            kind=notification.kind,
            title=notification.title,
            results=[r.model_dump() for r in results],
        )
    except Exception as exc:
        log.warning("notify: could not record the notification results in %s: %s", journal_file, exc)
    return results


def _host() -> str | None:
    try:
        return socket.gethostname() or None
    except OSError:
        return None


def notify_run_summary(
    journal_file: Path,
    run_id: str,
    urls: Sequence[str],
    summary: DailySummary,
    status: str = "completed",
    reason: str | None = None,
) -> list[NotificationResult]:
    """After a run that completed (or completed degraded): the day's figures and top stories to `urls`."""
    if not urls:
        return []
    try:
        message = summary_notification(summary, status=status, reason=reason, host=_host())
    except Exception as exc:
        log.warning("notify: no summary message for %s: %s", summary.day, journal.reason_of(exc))
        return []
    return notify_run(journal_file, run_id, urls, message)


def notify_run_problem(
    journal_file: Path,
    run_id: str,
    urls: Sequence[str],
    status: str,
    command: str,
    days: Sequence[date | str],
    reason: str | None,
) -> list[NotificationResult]:
    """After a run that failed, was refused or interrupted: what, why, which day and where to look, to `urls`."""
    if not urls:
        return []
    try:
        message = problem_notification(status, command, days, reason, run_id=run_id, host=_host())
    except Exception as exc:
        log.warning("notify: no message for the %s run %s: %s", status, run_id, journal.reason_of(exc))
        return []
    return notify_run(journal_file, run_id, urls, message)
