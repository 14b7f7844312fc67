"""Messages for people after a run: the day's headline figures and top stories, or what went wrong. Pure.

Plain text with short lines, so one message reads well as an email and as a chat post
(apprise escapes it for targets that want HTML). flows/notify.py sends them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Literal

from pydantic import BaseModel

from transforms.display import shown
from transforms.summary import DailySummary, StoryChange

TOP_STORIES = 5
_TITLE_CHARS = 90
_REASON_CHARS = 300

# apprise's notification types: they set the colour/icon in chats and the JSON payload's `type`.
Kind = Literal["info", "success", "warning", "failure"]


class Notification(BaseModel):
    """One message: a subject line, a plain-text body and how alarming it is."""

    title: str
    body: str
    kind: Kind = "info"


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def _noun(count: int, noun: str) -> str:
    """`article` for 1, `articles` otherwise; `story` / `stories`."""
    if count == 1:
        return noun
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


def _n(count: int, noun: str) -> str:
    return f"{count} {_noun(count, noun)}"


def _one_line(text: str | None, limit: int) -> str:
    """Whitespace (newlines in a scraped title) collapsed; cut at `limit` characters with an ellipsis."""
    flat = shown(re.sub(r"\s+", " ", text or "").strip())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def summary_headline(summary: DailySummary) -> str:
    """The day in one line: articles (change), distinct reports, new and grown stories, quarantined."""
    t, p = summary.totals, summary.previous_totals
    parts = [f"{_n(t.articles, 'article')} ({_signed(t.articles - p.articles)})", _n(t.reports, "distinct report")]
    if summary.stories is not None:
        new, grown = len(summary.stories.new), len(summary.stories.grown)
        parts.append(f"{new} new {_noun(new, 'story')}, {grown} grown")
    parts.append(f"{t.quarantined} quarantined")
    return ", ".join(parts)


def _story_lines(changes: Sequence[StoryChange], grown: bool, limit: int) -> list[str]:
    if grown:  # most added first: what moved today
        ranked = sorted(changes, key=lambda c: (-c.added_articles, -c.articles, -c.sources, c.story_id))
    else:
        ranked = sorted(changes, key=lambda c: (-c.articles, -c.sources, c.story_id))
    lines = []
    for c in ranked[:limit]:
        title = _one_line(c.title, _TITLE_CHARS) or "(untitled)"
        if grown:
            lines.append(
                f"- {title}: {_n(c.articles, 'article')} ({_signed(c.added_articles)}), "
                f"{_n(c.sources, 'source')} ({_signed(c.added_sources)})"
            )
        else:
            lines.append(f"- {title}: {_n(c.articles, 'article')}, {_n(c.sources, 'source')}")
    if len(ranked) > limit:
        lines.append(f"- and {len(ranked) - limit} more")
    return lines


def summary_notification(
    summary: DailySummary,
    *,
    status: str = "completed",
    reason: str | None = None,
    top_stories: int = TOP_STORIES,
    host: str | None = None,
) -> Notification:
    """After a run: the headline figures against the day before and the top new and grown stories.

    A `degraded` run (every web source failed) says so first, with its reason.
    """
    day = summary.day.isoformat()
    t, p = summary.totals, summary.previous_totals
    degraded = status == "degraded"
    title = f"newsmon {day}{' DEGRADED' if degraded else ''}: {summary_headline(summary)}"
    lines = []
    if degraded:
        lines += [
            f"Degraded: {_one_line(reason, _REASON_CHARS).rstrip('.') or 'no reason recorded'}.",
            "The run completed with what it could load; see `newsmon status`.",
            "",
        ]
    lines += [f"newsmon daily summary for {day}, against {summary.previous_day.isoformat()}:", ""]
    for label, today, before in (
        ("Articles", t.articles, p.articles),
        ("Distinct reports", t.reports, p.reports),
        ("Sources", t.sources, p.sources),
        ("Documents", t.documents, p.documents),
        ("Quarantined", t.quarantined, p.quarantined),
    ):
        lines.append(f"{label}: {today} ({_signed(today - before)})")
    if summary.stories is not None:
        for heading, changes, grown in (
            ("New stories", summary.stories.new, False),
            ("Grown stories", summary.stories.grown, True),
        ):
            if changes:
                lines += ["", f"{heading} ({len(changes)}):", *_story_lines(changes, grown, top_stories)]
        if not summary.stories.new and not summary.stories.grown:
            lines += ["", "No story started or grew."]
    if summary.gone_sources:
        lines += ["", "Gone quiet (articles yesterday, none today): " + ", ".join(summary.gone_sources)]
    lines += ["", f"Full summary: newsmon summary --day {day}" + (f" (on {host})" if host else "")]
    return Notification(title=_one_line(title, 200), body="\n".join(lines), kind="warning" if degraded else "info")


_VERB = {"refused": "was refused", "interrupted": "was interrupted", "degraded": "completed degraded"}
_WHAT_IT_MEANS = {
    "failed": "The run's writes were discarded: the warehouse is as it was.",
    "refused": "Nothing ran: the warehouse is as it was.",
    "interrupted": "The unfinished run was discarded: the warehouse is as it was.",
    "degraded": "The run completed with what it could load.",
    "died": "The process ended without recording an outcome.",
}


def _days_text(days: Sequence[date | str]) -> str:
    names = [d.isoformat() if isinstance(d, date) else str(d) for d in days]
    if not names:
        return "(no day)"
    return names[0] if len(names) == 1 else f"{names[0]}..{names[-1]}"


def problem_notification(
    status: str,
    command: str,
    days: Sequence[date | str],
    reason: str | None,
    *,
    run_id: str | None = None,
    host: str | None = None,
) -> Notification:
    """A run that failed, was refused or interrupted, or completed degraded: what, why, which day, where to look."""
    when = _days_text(days)
    run = f"{command or 'newsmon'} run"
    lines = [
        f"The {run} for {when} {_VERB.get(status, status)}.",
        f"Reason: {_one_line(reason, _REASON_CHARS) or 'not recorded'}",
    ]
    if status in _WHAT_IT_MEANS:
        lines.append(_WHAT_IT_MEANS[status])
    where = f" on {host}" if host else ""
    lines += ["", f"More: run `newsmon status`{where}" + (f" (run id {run_id})." if run_id else ".")]
    return Notification(
        title=f"newsmon {when}: {run} {status}",
        body="\n".join(lines),
        kind="warning" if status == "degraded" else "failure",
    )
