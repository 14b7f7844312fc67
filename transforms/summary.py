"""The daily diff summary: one pydantic structure, rendered to Markdown. Pure."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, Field


class SourceCount(BaseModel):
    """Articles from one source today against yesterday."""

    source: str
    articles: int
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


class Totals(BaseModel):
    """Headline counts for a day."""

    documents: int = 0
    articles: int = 0
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
    # Later stages add their sections here (stories, entities, events, fetch health).
    sections: dict[str, Any] = Field(default_factory=dict)


def daily_summary(
    day: date,
    totals_rows: list[dict[str, Any]],
    source_rows: list[dict[str, Any]],
    quarantine_rows: list[dict[str, Any]],
    sections: dict[str, Any] | None = None,
) -> DailySummary:
    """Assemble the summary from the rows of the warehouse's daily models."""
    by_which = {row["which"]: Totals(**{k: v for k, v in row.items() if k != "which"}) for row in totals_rows}
    sources = [SourceCount(**row) for row in source_rows]
    return DailySummary(
        day=day,
        previous_day=day - timedelta(days=1),
        totals=by_which.get("today", Totals()),
        previous_totals=by_which.get("yesterday", Totals()),
        new_articles_by_source=[s for s in sources if s.articles],
        gone_sources=sorted(s.source for s in sources if not s.articles and s.previous_articles),
        quarantined_by_reason=[QuarantineCount(**row) for row in quarantine_rows],
        sections=sections or {},
    )


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def summary_markdown(summary: DailySummary) -> str:
    """Render the summary as Markdown for people, the report file and Prefect's artifact."""
    t, p = summary.totals, summary.previous_totals
    lines = [
        f"# newsmon daily summary for {summary.day.isoformat()}",
        "",
        f"Compared with {summary.previous_day.isoformat()}.",
        "",
        "| | today | yesterday | change |",
        "|---|---:|---:|---:|",
    ]
    for label, a, b in (
        ("documents", t.documents, p.documents),
        ("articles", t.articles, p.articles),
        ("quarantined", t.quarantined, p.quarantined),
        ("sources", t.sources, p.sources),
    ):
        lines.append(f"| {label} | {a} | {b} | {_signed(a - b)} |")
    lines += ["", "## New articles by source", ""]
    if summary.new_articles_by_source:
        lines += ["| source | articles | yesterday | change |", "|---|---:|---:|---:|"]
        lines += [
            f"| {s.source} | {s.articles} | {s.previous_articles} | {_signed(s.delta)} |"
            for s in summary.new_articles_by_source
        ]
    else:
        lines.append("No new articles.")
    if summary.gone_sources:
        lines += ["", "## Gone quiet", "", "Sources with articles yesterday and none today: "
                  + ", ".join(summary.gone_sources) + "."]
    lines += ["", "## Quarantined by reason", ""]
    if summary.quarantined_by_reason:
        lines += ["| stage | check | items | example |", "|---|---|---:|---|"]
        lines += [
            f"| {q.stage} | {q.expectation} | {q.items} | {q.example_reason.replace('|', '/')} |"
            for q in summary.quarantined_by_reason
        ]
    else:
        lines.append("Nothing quarantined.")
    for title, body in summary.sections.items():
        lines += ["", f"## {title}", "", body if isinstance(body, str) else str(body)]
    return "\n".join(lines) + "\n"
