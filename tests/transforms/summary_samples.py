"""Small DailySummary records for notification and feed tests (built like the warehouse rows make them)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from transforms.summary import (
    DailySummary,
    QuarantineCount,
    SourceCount,
    StoryChange,
    StorySection,
    Totals,
)


def story(title: str | None, articles: int, sources: int, added: int = 0, added_sources: int = 0) -> StoryChange:
    """One new (added == articles) or grown story."""
    return StoryChange(
        story_id="s-" + hashlib.sha256(repr(title).encode()).hexdigest()[:8],
        title=title,
        status="grown" if added and added < articles else "new",
        articles=articles,
        sources=sources,
        added_articles=added or articles,
        added_sources=added_sources or sources,
        top_entities=[{"name": "Ada Fenwick"}, {"name": "Port of Dunmere"}],
    )


def summary(
    day: date = date(2026, 3, 4),
    *,
    articles: int = 12,
    previous_articles: int = 9,
    new: list[StoryChange] | None = None,
    grown: list[StoryChange] | None = None,
    gone: list[str] | None = None,
    with_stories: bool = True,
) -> DailySummary:
    """A day with headline figures against the day before, new/grown stories and one quarantine reason."""
    return DailySummary(
        day=day,
        previous_day=day - timedelta(days=1),
        totals=Totals(documents=articles + 2, articles=articles, reports=articles - 2, quarantined=2, sources=5),
        previous_totals=Totals(
            documents=previous_articles + 1,
            articles=previous_articles,
            reports=previous_articles,
            quarantined=1,
            sources=5,
        ),
        new_articles_by_source=[SourceCount(source="courier", articles=4, copies=1, previous_articles=2)],
        gone_sources=gone or [],
        quarantined_by_reason=[
            QuarantineCount(stage="load", expectation="unique_document", items=2, example_reason="same bytes as x.txt")
        ],
        stories=StorySection(
            new=new if new is not None else [story("Port strike begins", 4, 3)],
            grown=grown if grown is not None else [story("Fenwick Dale results", 6, 4, added=2, added_sources=1)],
        )
        if with_stories
        else None,
    )
