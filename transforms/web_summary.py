"""The daily summary's web section: per-source fetch health, from `source_health` rows. Pure."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

DEFAULT_STALE_DAYS = 3


class FailureCount(BaseModel):
    """URLs of one source that failed one way today."""

    kind: str  # flows.fetching.FetchErrorKind
    urls: int


class SourceHealth(BaseModel):
    """One web source on one day."""

    source: str
    new_items: int = 0  # pages recorded as documents today
    listing_requests: int = 0  # feed and sitemap fetches
    page_requests: int = 0
    not_modified: int = 0  # 304 answers to conditional requests
    too_soon: int = 0  # skipped: min_interval_seconds not over
    failed: int = 0
    failures: list[FailureCount] = Field(default_factory=list)
    last_new_day: date | None = None
    days_without_new: int = 0  # since last_new_day, or since the first fetch when never


class SourceHealthSection(BaseModel):
    """Per-source health for `day`; `stale` lists sources with nothing new for `stale_days`."""

    day: date
    stale_days: int = DEFAULT_STALE_DAYS
    sources: list[SourceHealth] = Field(default_factory=list)
    stale: list[str] = Field(default_factory=list)

    @property
    def failures_by_kind(self) -> dict[str, int]:
        """All sources' failed URLs per error kind."""
        totals: dict[str, int] = {}
        for source in self.sources:
            for failure in source.failures:
                totals[failure.kind] = totals.get(failure.kind, 0) + failure.urls
        return dict(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))


def source_health_section(
    day: date, rows: list[dict[str, Any]], *, stale_days: int = DEFAULT_STALE_DAYS
) -> SourceHealthSection:
    """Build the section from the rows of warehouse/models/source_health.sql."""
    sources = [SourceHealth(**row) for row in rows]
    stale = sorted(s.source for s in sources if s.days_without_new >= stale_days)
    return SourceHealthSection(day=day, stale_days=stale_days, sources=sources, stale=stale)


def source_health_markdown(section: SourceHealthSection) -> str:
    """The section as a Markdown table plus the stale-source line (no heading)."""
    if not section.sources:
        return "No web sources were fetched."
    lines = [
        "| source | new items | feed/sitemap requests | not modified | pages | failures |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for s in section.sources:
        failures = ", ".join(f"{f.kind} {f.urls}" for f in s.failures) or "none"
        if s.too_soon:
            failures += f" (skipped as too soon: {s.too_soon})"
        lines.append(
            f"| {s.source} | {s.new_items} | {s.listing_requests} | {s.not_modified} | {s.page_requests} | {failures} |"
        )
    by_kind = section.failures_by_kind
    lines += [
        "",
        "Failures by kind: " + (", ".join(f"{kind} {n}" for kind, n in by_kind.items()) if by_kind else "none") + ".",
    ]
    if section.stale:
        lines += [
            "",
            f"Nothing new for {section.stale_days} days or more: "
            + ", ".join(f"{s.source} ({s.days_without_new} days)" for s in section.sources if s.source in section.stale)
            + ".",
        ]
    return "\n".join(lines)
