"""Run notifications: short plain-text messages with the day's figures and top stories, or what went wrong."""

from __future__ import annotations

from datetime import date

import pytest

from tests.transforms.summary_samples import story, summary
from transforms.notification import problem_notification, summary_headline, summary_notification


@pytest.mark.parametrize(
    ("kwargs", "title_has", "body_has", "body_lacks"),
    [
        (
            {},
            ["newsmon 2026-03-04:", "12 articles (+3)", "10 distinct reports", "1 new story, 1 grown", "2 quarantined"],
            [
                "Articles: 12 (+3)",
                "Distinct reports: 10 (+1)",
                "Quarantined: 2 (+1)",
                "New stories (1):",
                "- Port strike begins: 4 articles, 3 sources",
                "Grown stories (1):",
                "- Fenwick Dale results: 6 articles (+2), 4 sources (+1)",
                "Full summary: newsmon summary --day 2026-03-04",
            ],
            ["Degraded", "Gone quiet"],
        ),
        (
            {"articles": 3, "previous_articles": 9, "new": [], "grown": [], "gone": ["gazette"]},
            ["3 articles (-6)", "0 new stories, 0 grown"],
            ["Articles: 3 (-6)", "No story started or grew.", "Gone quiet (articles yesterday, none today): gazette"],
            ["New stories", "Grown stories"],
        ),
        (
            {"with_stories": False},
            ["12 articles (+3)"],
            ["Articles: 12 (+3)"],
            ["stories", "No story"],
        ),
    ],
    ids=["figures-and-stories", "quiet-day", "no-story-section"],
)
def test_summary_notification_has_the_figures_and_the_top_stories(kwargs, title_has, body_has, body_lacks):
    message = summary_notification(summary(**kwargs))
    assert message.kind == "info"
    assert "\n" not in message.title
    for text in title_has:
        assert text in message.title
    for text in body_has:
        assert text in message.body
    for text in body_lacks:
        assert text not in message.body


def test_only_the_top_stories_are_listed_biggest_first_and_titles_are_one_short_line():
    long_title = "Council\nvotes " + "very " * 40 + "late"
    new = [story(f"Story {n}", n, 1) for n in range(1, 9)] + [story(long_title, 20, 2), story(None, 1, 1)]
    message = summary_notification(summary(new=new, grown=[]), top_stories=3)
    lines = message.body.splitlines()
    listed = [line for line in lines if line.startswith("- ")]
    assert listed[0].startswith("- Council votes very") and "…: 20 articles" in listed[0]
    assert listed[1:3] == ["- Story 8: 8 articles, 1 source", "- Story 7: 7 articles, 1 source"]
    assert listed[3] == "- and 7 more"
    assert max(len(line) for line in lines) < 130  # readable in a chat window and a mail client


def test_an_untitled_story_says_so():
    message = summary_notification(summary(new=[story(None, 2, 1)], grown=[]))
    assert "- (untitled): 2 articles, 1 source" in message.body


def test_a_degraded_run_says_so_first_with_its_reason():
    message = summary_notification(
        summary(), status="degraded", reason="every web source failed (2 of 2: timeout x2); see the fetches table"
    )
    assert message.kind == "warning"
    assert message.title.startswith("newsmon 2026-03-04 DEGRADED:")
    first = message.body.splitlines()[0]
    assert first.startswith("Degraded: every web source failed (2 of 2: timeout x2)")
    assert "newsmon status" in message.body and "Articles: 12 (+3)" in message.body


@pytest.mark.parametrize(
    ("status", "command", "days", "reason", "expected_title", "body_has"),
    [
        (
            "failed",
            "daily",
            [date(2026, 3, 4)],
            "RuntimeError: the articles suite could not check rows",
            "newsmon 2026-03-04: daily run failed",
            [
                "The daily run for 2026-03-04 failed.",
                "Reason: RuntimeError: the articles suite",
                "warehouse is as it was",
            ],
        ),
        (
            "refused",
            "fetch",
            ["2026-03-04"],
            "another newsmon run is writing /w/newsmon.duckdb; try again when it ends",
            "newsmon 2026-03-04: fetch run refused",
            ["The fetch run for 2026-03-04 was refused.", "Reason: another newsmon run is writing", "Nothing ran"],
        ),
        (
            "interrupted",
            "backfill",
            [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)],
            "TerminationSignal",
            "newsmon 2026-03-01..2026-03-03: backfill run interrupted",
            ["The backfill run for 2026-03-01..2026-03-03 was interrupted.", "Reason: TerminationSignal", "discarded"],
        ),
        (
            "degraded",
            "daily",
            [date(2026, 3, 4)],
            "every web source failed",
            "newsmon 2026-03-04: daily run degraded",
            [
                "The daily run for 2026-03-04 completed degraded.",
                "Reason: every web source failed",
                "with what it could load",
            ],
        ),
        ("failed", "daily", [date(2026, 3, 4)], None, "newsmon 2026-03-04: daily run failed", ["Reason: not recorded"]),
    ],
)
def test_problem_notification_says_what_why_which_day_and_where_to_look(
    status, command, days, reason, expected_title, body_has
):
    message = problem_notification(status, command, days, reason, run_id="abc123", host="news-1")
    assert message.title == expected_title
    assert message.kind == ("warning" if status == "degraded" else "failure")
    for text in body_has:
        assert text in message.body
    assert "More: run `newsmon status` on news-1 (run id abc123)." in message.body


def test_a_long_multiline_reason_is_one_line_of_bounded_length():
    message = problem_notification("failed", "daily", [date(2026, 3, 4)], "ValueError: " + "x\n" * 500)
    reason_line = next(line for line in message.body.splitlines() if line.startswith("Reason:"))
    assert len(reason_line) <= 310 and reason_line.endswith("…")


def test_headline_is_shared_by_the_notification_title_and_the_feed():
    assert summary_headline(summary()) == "12 articles (+3), 10 distinct reports, 1 new story, 1 grown, 2 quarantined"
