"""The daily diff summary: one pydantic structure, rendered to Markdown. Pure."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, Field

from transforms.display import shown
from transforms.entity_summary import EntitySection, entity_section_markdown
from transforms.web_summary import SourceHealthSection, source_health_markdown


class SourceCount(BaseModel):
    """Articles from one source today against yesterday."""

    source: str
    articles: int  # distinct reports: copies and rewrites of earlier articles are not counted
    copies: int = 0
    previous_articles: int

    @property
    def delta(self) -> int:
        """Change against yesterday."""
        return self.articles - self.previous_articles


class QuarantineCount(BaseModel):
    """Quarantined items of one kind today."""

    stage: str
    expectation: str
    items: int
    example_reason: str


class StoryChange(BaseModel):
    """A story that started or grew on the day."""

    story_id: str
    title: str | None
    status: str  # new | grown
    articles: int
    sources: int
    added_articles: int
    added_sources: int
    first_seen: Any = None
    last_seen: Any = None
    top_entities: list[Any] = Field(default_factory=list)


class StorySection(BaseModel):
    """New and grown stories."""

    new: list[StoryChange] = Field(default_factory=list)
    grown: list[StoryChange] = Field(default_factory=list)


def story_section(rows: list[dict[str, Any]]) -> StorySection:
    """From the rows of warehouse/models/daily_stories.sql."""
    changes = []
    for row in rows:
        entities = row.get("top_entities")
        if isinstance(entities, str):
            entities = json.loads(entities)
        changes.append(StoryChange(**{**row, "top_entities": entities or []}))
    return StorySection(
        new=[c for c in changes if c.status == "new"], grown=[c for c in changes if c.status == "grown"]
    )


def _entity_names(items: list[Any], limit: int = 4) -> str:
    names = [i.get("name") or i.get("canonical_name") or "" if isinstance(i, dict) else str(i) for i in items]
    return ", ".join(n for n in names[:limit] if n)


def story_section_markdown(section: StorySection) -> str:
    """Markdown tables of new and grown stories."""
    lines = ["## Stories", ""]
    if not section.new and not section.grown:
        return "\n".join([*lines, "No story started or grew."])
    if section.new:
        lines += ["New stories:", "", "| story | articles | sources | who |", "|---|---:|---:|---|"]
        lines += [
            f"| {_cell(c.title)} | {c.articles} | {c.sources} | {_entity_names(c.top_entities)} |" for c in section.new
        ]
    if section.grown:
        lines += ["", "Grown stories:", "", "| story | articles | sources | who |", "|---|---:|---:|---|"]
        lines += [
            f"| {_cell(c.title)} | {c.articles} ({_signed(c.added_articles)}) | {c.sources} "
            f"({_signed(c.added_sources)}) | {_entity_names(c.top_entities)} |"
            for c in section.grown
        ]
    return "\n".join(lines)


def _cell(text: str | None) -> str:
    return (text or "(untitled)").replace("|", "/")


class EventItem(BaseModel):
    """One dated event in the summary."""

    event_id: str
    type: str
    label: str | None = None
    participants: str | None = None
    event_date: Any = None
    date_start: Any = None
    date_end: Any = None
    precision: str | None = None
    place: str | None = None
    first_reported: Any = None
    mention_count: int = 0
    article_count: int = 0
    modality: str | None = None
    confidence: float | None = None


class EventSection(BaseModel):
    """Events dated or first reported on the day, and scheduled ones after it."""

    new: list[EventItem] = Field(default_factory=list)
    upcoming: list[EventItem] = Field(default_factory=list)


def event_section(rows: list[dict[str, Any]], limit: int = 20) -> EventSection:
    """From the rows of warehouse/models/daily_events.sql."""
    items = [(row["section"], EventItem(**{k: v for k, v in row.items() if k != "section"})) for row in rows]
    return EventSection(
        new=[e for sec, e in items if sec == "new"][:limit],
        upcoming=[e for sec, e in items if sec == "upcoming"][:limit],
    )


def _event_rows(events: list[EventItem]) -> list[str]:
    rows = ["| when | what | who | where | reports |", "|---|---|---|---|---:|"]
    for e in events:
        when = str(e.event_date or e.date_start or "")
        if e.date_end and e.date_start and e.date_end != e.date_start:
            when = f"{e.date_start} to {e.date_end}"
        what = e.type + (f" ({e.modality})" if e.modality and e.modality != "asserted" else "")
        who = (e.participants or "—").replace("|", "/")
        rows.append(f"| {when} | {what} | {who} | {e.place or ''} | {e.article_count} |")
    return rows


def event_section_markdown(section: EventSection) -> str:
    """Markdown tables of the day's events and the scheduled ones."""
    lines = ["## Events", ""]
    if not section.new and not section.upcoming:
        return "\n".join([*lines, "No dated event found."])
    if section.new:
        lines += ["Dated or first reported today:", "", *_event_rows(section.new)]
    if section.upcoming:
        lines += ["", "Scheduled:", "", *_event_rows(section.upcoming)]
    return "\n".join(lines)


class Totals(BaseModel):
    """Headline counts for a day."""

    documents: int = 0
    articles: int = 0
    reports: int = 0  # articles that copy no earlier article
    quarantined: int = 0
    sources: int = 0


class DailySummary(BaseModel):
    """What is new, grown or gone on `day` since the day before."""

    day: date
    previous_day: date
    totals: Totals
    previous_totals: Totals
    new_articles_by_source: list[SourceCount] = Field(default_factory=list)
    gone_sources: list[str] = Field(default_factory=list, description="sources with articles yesterday, none today")
    quarantined_by_reason: list[QuarantineCount] = Field(default_factory=list)
    stories: StorySection | None = None
    events: EventSection | None = None
    entities: EntitySection | None = None
    web: SourceHealthSection | None = None


def headline_figures(summary: DailySummary) -> list[tuple[str, int, int]]:
    """(label, today, yesterday) for the figures every rendering of the summary leads with."""
    t, p = summary.totals, summary.previous_totals
    return [
        ("documents", t.documents, p.documents),
        ("articles", t.articles, p.articles),
        ("distinct reports", t.reports, p.reports),
        ("quarantined", t.quarantined, p.quarantined),
        ("sources", t.sources, p.sources),
    ]


def daily_summary(
    day: date,
    totals_rows: list[dict[str, Any]],
    source_rows: list[dict[str, Any]],
    quarantine_rows: list[dict[str, Any]],
    *,
    stories: StorySection | None = None,
    events: EventSection | None = None,
    entities: EntitySection | None = None,
    web: SourceHealthSection | None = None,
) -> DailySummary:
    """Assemble the summary from the rows of the warehouse's daily models."""
    by_which = {row["which"]: Totals(**{k: v for k, v in row.items() if k != "which"}) for row in totals_rows}
    sources = [SourceCount(**row) for row in source_rows]
    return DailySummary(
        day=day,
        previous_day=day - timedelta(days=1),
        totals=by_which.get("today", Totals()),
        previous_totals=by_which.get("yesterday", Totals()),
        new_articles_by_source=[s for s in sources if s.articles or s.copies],
        gone_sources=sorted(s.source for s in sources if not s.articles and s.previous_articles),
        quarantined_by_reason=[QuarantineCount(**row) for row in quarantine_rows],
        stories=stories,
        events=events,
        entities=entities,
        web=web,
    )


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def summary_markdown(summary: DailySummary) -> str:
    """Render the summary as Markdown for people, the report file and Prefect's artifact."""
    lines = [
        f"# newsmon daily summary for {summary.day.isoformat()}",
        "",
        f"Compared with {summary.previous_day.isoformat()}.",
        "",
        "| | today | yesterday | change |",
        "|---|---:|---:|---:|",
    ]
    for label, a, b in headline_figures(summary):
        lines.append(f"| {label} | {a} | {b} | {_signed(a - b)} |")
    lines += ["", "## New articles by source", ""]
    if summary.new_articles_by_source:
        lines += ["| source | reports | copies | yesterday | change |", "|---|---:|---:|---:|---:|"]
        lines += [
            f"| {s.source} | {s.articles} | {s.copies} | {s.previous_articles} | {_signed(s.delta)} |"
            for s in summary.new_articles_by_source
        ]
    else:
        lines.append("No new articles.")
    if summary.gone_sources:
        lines += [
            "",
            "## Gone quiet",
            "",
            "Sources with articles yesterday and none today: " + ", ".join(summary.gone_sources) + ".",
        ]
    lines += ["", "## Quarantined by reason", ""]
    if summary.quarantined_by_reason:
        lines += ["| stage | check | items | example |", "|---|---|---:|---|"]
        lines += [
            f"| {q.stage} | {q.expectation} | {q.items} | {q.example_reason.replace('|', '/')} |"
            for q in summary.quarantined_by_reason
        ]
    else:
        lines.append("Nothing quarantined.")
    if summary.stories is not None:
        lines += ["", story_section_markdown(summary.stories)]
    if summary.events is not None:
        lines += ["", event_section_markdown(summary.events)]
    if summary.entities is not None:
        lines += ["", entity_section_markdown(summary.entities).rstrip("\n")]
    if summary.web is not None:
        lines += ["", "## Web sources", "", source_health_markdown(summary.web)]
    # Titles, sources and names come from the input: no terminal escapes or bidi overrides in the output.
    return shown("\n".join(lines) + "\n")
