"""The daily summary as a self-contained HTML page, and the index of days. Pure.

The same `DailySummary` that becomes `<day>.md` and `<day>.json` is rendered here, plus
charts and cross-links that need a little more than the summary holds: 14 days of reports
per source and which entities, events and stories belong together (`ReportExtras`, from the
`report_*` SQL models). The page needs no network: CSS is inline, fonts are the system's,
charts are inline SVG (transforms/charts_svg.py) and a Content-Security-Policy forbids
loading anything. Text is escaped by Jinja2's autoescaping.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from jinja2 import DictLoader, Environment, StrictUndefined
from pydantic import BaseModel, Field

from transforms.charts_svg import BarChart, Chart, Group, Row, Segment, Strip, StripChart, Track, chart_svg, clipped
from transforms.display import shown
from transforms.entity_summary import EntityCount, EntitySection
from transforms.summary import DailySummary, EventItem, StoryChange, StorySection, Totals
from transforms.web_summary import SourceHealthSection

HISTORY_DAYS = 14
MAX_HISTORY_SOURCES = 15
INDEX_CHART_DAYS = 60
MAX_REFS = 6  # links listed per cell before "and N more"


# ---------------------------------------------------------------- what the page needs beyond the summary


class SourceDay(BaseModel):
    """Reports and copies from one source on one day."""

    day: date
    source: str
    reports: int = 0
    copies: int = 0


class EntityRef(BaseModel):
    """An entity named by an event."""

    entity_id: str
    name: str
    role: str | None = None


class StoryRef(BaseModel):
    """A story an event was reported in."""

    story_id: str
    title: str | None = None


class EventLinks(BaseModel):
    """One event of the summary: its participants, its place as an entity, and its stories."""

    event_id: str
    place_entity_id: str | None = None
    participants: list[EntityRef] = Field(default_factory=list)
    stories: list[StoryRef] = Field(default_factory=list)


class ReportExtras(BaseModel):
    """What the HTML report draws and links beyond the DailySummary."""

    day: date
    source_days: list[SourceDay] = Field(default_factory=list, description="zero-filled, up to 14 days to `day`")
    story_entities: dict[str, list[str]] = Field(
        default_factory=dict, description="story_id -> entities mentioned in its articles, most articles first"
    )
    events: list[EventLinks] = Field(default_factory=list)


def report_extras(
    day: date,
    history_rows: Iterable[Mapping[str, Any]],
    story_entity_rows: Iterable[Mapping[str, Any]],
    event_link_rows: Iterable[Mapping[str, Any]],
    summary: DailySummary | None = None,
) -> ReportExtras:
    """From the rows of report_source_history, report_story_entities and report_event_links, read
    one at a time (the rows may come as they are fetched).

    With the day's `summary`, only the rows its page links are kept: the page lists stories for
    the entities of its tables (~30) and links its events (<= 40), while the models give every
    entity of every story the day touched and every event shown or not (a 10k-document day:
    ~140k story-entity pairs, 3.7k events, ~160 MB at once as Python objects).
    """
    entity_ids, event_ids = _linked_ids(summary) if summary else (None, None)
    story_entities: dict[str, list[str]] = {}
    for row in story_entity_rows:
        if entity_ids is None or row["entity_id"] in entity_ids:
            story_entities.setdefault(row["story_id"], []).append(row["entity_id"])
    return ReportExtras(
        day=day,
        source_days=[SourceDay(**row) for row in history_rows],
        story_entities=story_entities,
        events=[EventLinks(**row) for row in event_link_rows if event_ids is None or row["event_id"] in event_ids],
    )


def _linked_ids(summary: DailySummary) -> tuple[set[str], set[str]]:
    """(entities, events) whose extras the summary's page uses: the rows of its entity tables and
    its events (`_Links`)."""
    entities = summary.entities
    entity_ids = {e.entity_id for e in (*entities.top, *entities.new, *entities.risers)} if entities else set()
    event_ids = {e.event_id for e in (*summary.events.new, *summary.events.upcoming)} if summary.events else set()
    return entity_ids, event_ids


# ---------------------------------------------------------------- chart data


def _plural(n: int | float, word: str, plural: str | None = None) -> str:
    n = int(n)
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def source_history_chart(extras: ReportExtras, limit: int = MAX_HISTORY_SOURCES) -> StripChart | None:
    """Reports (solid) and copies (hatched) per source per day, the biggest sources first."""
    if not extras.source_days:
        return None
    days = sorted({d.day for d in extras.source_days})
    by_source: dict[str, dict[date, SourceDay]] = {}
    for d in extras.source_days:
        by_source.setdefault(d.source, {})[d.day] = d

    def total(source: str) -> tuple[int, str]:
        return (-sum(d.reports + d.copies for d in by_source[source].values()), source)

    sources = sorted(by_source, key=total)
    strips = []
    for source in sources[:limit]:
        cells = by_source[source]
        reports = sum(d.reports for d in cells.values())
        copies = sum(d.copies for d in cells.values())
        columns = []
        for day in days:
            cell = cells.get(day, SourceDay(day=day, source=source))
            columns.append(
                (
                    Segment(cell.reports, "solid", f"{source}, {day}: {_plural(cell.reports, 'report')}"),
                    Segment(cell.copies, "hatch", f"{source}, {day}: {_plural(cell.copies, 'copy', 'copies')}"),
                )
            )
        note = _plural(reports, "report") + (f", {_plural(copies, 'copy', 'copies')}" if copies else "")
        strips.append(Strip(label=source, columns=tuple(columns), note=note))
    labels = [d.isoformat() for d in days]
    labels[-1] += " (today)"
    span = f"{days[0].isoformat()} to {days[-1].isoformat()}"
    omitted = max(len(sources) - limit, 0)
    return StripChart(
        key="chart-sources",
        title=f"Reports per source per day, {span}",
        description=(
            f"{len(strips)} sources, one strip each, one column per day on a shared scale; copies of earlier"
            " articles are hatched and stacked on the reports."
            + (f" {omitted} smaller sources are left out." if omitted else "")
        ),
        days=tuple(days),
        strips=tuple(strips),
        legend=(("solid", "reports"), ("hatch", "copies of earlier articles")),
        omitted=omitted,
        day_labels=tuple(labels),
    )


def _group_heading(name: str, n: int) -> str:
    return f"{name} ({n})" if n else f"{name}: none today"


def story_chart(section: StorySection | None) -> BarChart | None:
    """Articles per new or grown story: earlier articles hatched, the day's added articles solid."""
    if section is None or not (section.new or section.grown):
        return None

    def row(c: StoryChange) -> Row:
        earlier = c.articles - c.added_articles
        return Row(
            label=c.title or "(untitled)",
            tracks=(
                Track(
                    (
                        Segment(earlier, "hatch", f"{_plural(earlier, 'article')} before today"),
                        Segment(c.added_articles, "solid", f"{_plural(c.added_articles, 'article')} added today"),
                    ),
                    note=f"{c.articles} ({_signed(c.added_articles)})",
                ),
            ),
        )

    return BarChart(
        key="chart-stories",
        title=f"New and grown stories: {len(section.new)} new, {len(section.grown)} grown",
        description="Articles per story; the articles added today are solid, earlier ones hatched.",
        groups=(
            Group(tuple(row(c) for c in section.new), heading=_group_heading("New stories", len(section.new))),
            Group(tuple(row(c) for c in section.grown), heading=_group_heading("Grown stories", len(section.grown))),
        ),
        legend=(("solid", "articles added today"), ("hatch", "articles before today")),
    )


def riser_chart(section: EntitySection | None) -> BarChart | None:
    """Each riser's articles yesterday (hatched) and today (solid)."""
    if section is None or not section.risers:
        return None
    rows = tuple(
        Row(
            label=f"{e.name} ({e.type})",
            tracks=(
                Track(
                    (
                        Segment(
                            e.previous_articles,
                            "hatch",
                            f"{e.name}: {_plural(e.previous_articles, 'article')} on {section.previous_day}",
                        ),
                    ),
                    note=f"{e.previous_articles} yesterday",
                ),
                Track(
                    (Segment(e.articles, "solid", f"{e.name}: {_plural(e.articles, 'article')} on {section.day}"),),
                    note=f"{e.articles} today ({_signed(e.article_change)})",
                ),
            ),
        )
        for e in section.risers
    )
    return BarChart(
        key="chart-risers",
        title=f"Entity risers: articles on {section.previous_day} and {section.day}",
        description="For each entity in more articles than the day before: yesterday's articles (hatched bar)"
        " above today's (solid bar).",
        groups=(Group(rows),),
        legend=(("hatch", "articles yesterday"), ("solid", "articles today")),
    )


def quarantine_chart(summary: DailySummary) -> BarChart | None:
    """Items quarantined on the day per stage and check."""
    if not summary.quarantined_by_reason:
        return None
    rows = tuple(
        Row(
            label=f"{q.stage}: {q.expectation}",
            tracks=(
                Track(
                    (Segment(q.items, "warn", f"{q.stage} / {q.expectation}: {_plural(q.items, 'item')}"),),
                    note=_plural(q.items, "item"),
                ),
            ),
        )
        for q in summary.quarantined_by_reason
    )
    return BarChart(
        key="chart-quarantine",
        title=f"Quarantined on {summary.day} by stage and check",
        description="Items quarantined per stage and check, one bar each, with the count written after it.",
        groups=(Group(rows),),
        legend=(("warn", "items quarantined"),),
    )


def web_chart(section: SourceHealthSection | None) -> BarChart | None:
    """Per web source: new items (solid), not-modified answers (hatched) and failed URLs (cross-hatched)."""
    if section is None or not section.sources:
        return None
    rows = []
    for s in section.sources:
        parts = [f"{s.new_items} new"]
        if s.not_modified:
            parts.append(f"{s.not_modified} unchanged")
        if s.failed:
            parts.append(f"{s.failed} failed")
        stale = f"; nothing new for {s.days_without_new} days" if s.source in section.stale else ""
        label = f"{s.source}: {', '.join(parts)}{stale}"  # on the label line: too long to follow the bar at 400 px
        rows.append(
            Row(
                label=label,
                tracks=(
                    Track(
                        (
                            Segment(s.new_items, "solid", f"{s.source}: {_plural(s.new_items, 'new item')}"),
                            Segment(s.not_modified, "hatch", f"{s.source}: {s.not_modified} not modified (304)"),
                            Segment(s.failed, "cross", f"{s.source}: {_plural(s.failed, 'failed URL')}"),
                        ),
                    ),
                ),
            )
        )
    return BarChart(
        key="chart-web",
        title=f"Web source health on {section.day}",
        description="Per web source: new items (solid), unchanged answers to conditional requests (hatched) and"
        " failed URLs (cross-hatched), stacked, with the counts written above the bar.",
        groups=(Group(tuple(rows)),),
        legend=(("solid", "new items"), ("hatch", "not modified (304)"), ("cross", "failed URLs")),
    )


def index_chart(summaries: Sequence[DailySummary | IndexDay], days: int = INDEX_CHART_DAYS) -> StripChart | None:
    """Articles (reports solid, copies hatched) and quarantined items per day, the last `days` days."""
    if not summaries:
        return None
    by_day = {s.day: s for s in summaries}
    last = max(by_day)
    first = max(min(by_day), last - timedelta(days=days - 1))
    span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    articles, quarantined = [], []
    for day in span:
        s = by_day.get(day)
        reports = s.totals.reports if s else 0
        copies = s.totals.articles - s.totals.reports if s else 0
        articles.append(
            (
                Segment(reports, "solid", f"{day}: {_plural(reports, 'distinct report')}"),
                Segment(copies, "hatch", f"{day}: {_plural(copies, 'copy', 'copies')}"),
            )
        )
        q = s.totals.quarantined if s else 0
        quarantined.append((Segment(q, "warn", f"{day}: {_plural(q, 'item')} quarantined"),))
    shown = [by_day[d] for d in span if d in by_day]
    return StripChart(
        key="chart-days",
        title=f"Articles and quarantined items per day, {first} to {last}",
        description="Two strips, one column per day on a shared scale: articles (distinct reports solid, copies"
        " hatched) and quarantined items.",
        days=tuple(span),
        strips=(
            Strip("Articles", tuple(articles), note=_plural(sum(s.totals.articles for s in shown), "article")),
            Strip("Quarantined", tuple(quarantined), note=_plural(sum(s.totals.quarantined for s in shown), "item")),
        ),
        legend=(("solid", "distinct reports"), ("hatch", "copies"), ("warn", "quarantined")),
    )


# ---------------------------------------------------------------- links between rows


@dataclass(frozen=True)
class Ref:
    """A link to a row of the page, or plain text when that row is not on the page."""

    text: str
    href: str | None = None
    title: str | None = None


def anchor(kind: str, ident: str) -> str:
    """The id of the row showing `ident` (a story, event or entity id)."""
    return f"{kind}-{re.sub(r'[^A-Za-z0-9_-]', '_', ident)}"


def _event_when(e: EventItem) -> str:
    when = str(e.event_date or e.date_start or "")
    if e.date_end and e.date_start and e.date_end != e.date_start:
        when = f"{e.date_start} to {e.date_end}"
    return when


def _event_what(e: EventItem) -> str:
    return e.type + (f" ({e.modality})" if e.modality and e.modality != "asserted" else "")


class _Links:
    """Which story, event and entity rows the page has, and who links to whom."""

    def __init__(self, summary: DailySummary, extras: ReportExtras) -> None:
        stories = [*summary.stories.new, *summary.stories.grown] if summary.stories else []
        events = [*summary.events.new, *summary.events.upcoming] if summary.events else []
        self.story_title = {s.story_id: s.title or "(untitled)" for s in stories}
        self.event_label = {e.event_id: f"{e.type} {_event_when(e)}" for e in events}
        # An entity may be in the top, new and risers tables; the first of them holds its anchor.
        self.entity_table: dict[str, str] = {}
        if summary.entities:
            for kind in ("top", "new", "risers"):
                for e in getattr(summary.entities, kind):
                    self.entity_table.setdefault(e.entity_id, kind)
        self.event_links = {x.event_id: x for x in extras.events}
        self.entity_stories: dict[str, list[str]] = {}
        for story_id in self.story_title:  # page order
            for entity_id in extras.story_entities.get(story_id, []):
                self.entity_stories.setdefault(entity_id, []).append(story_id)
        self.entity_events: dict[str, list[str]] = {}
        self.story_events: dict[str, list[str]] = {}
        for event_id in self.event_label:
            links = self.event_links.get(event_id)
            if links is None:
                continue
            ids = [p.entity_id for p in links.participants]
            if links.place_entity_id and links.place_entity_id not in ids:
                ids.append(links.place_entity_id)
            for entity_id in ids:
                self.entity_events.setdefault(entity_id, []).append(event_id)
            for story in links.stories:
                self.story_events.setdefault(story.story_id, []).append(event_id)

    def holds_anchor(self, entity_id: str, kind: str) -> bool:
        """Whether the entity's row in table `kind` is the one links go to."""
        return self.entity_table.get(entity_id) == kind

    def entity(self, entity_id: str, name: str) -> Ref:
        if entity_id not in self.entity_table:
            return Ref(name, None, "not among today's entity tables")
        return Ref(name, f"#{anchor('entity', entity_id)}")

    def story(self, story_id: str, title: str | None = None) -> Ref:
        known = story_id in self.story_title
        text = self.story_title.get(story_id) or title or story_id
        return Ref(
            clipped(text, 40),
            f"#{anchor('story', story_id)}" if known else None,
            text if known else f"{text} (did not change today)",
        )

    def event(self, event_id: str) -> Ref:
        return Ref(self.event_label[event_id], f"#{anchor('event', event_id)}")

    def event_participants(self, e: EventItem) -> list[Ref]:
        links = self.event_links.get(e.event_id)
        if links is None or not links.participants:
            return [Ref(e.participants or "—")]
        return [self.entity(p.entity_id, p.name) for p in links.participants]

    def event_place(self, e: EventItem) -> list[Ref]:
        links = self.event_links.get(e.event_id)
        if not e.place:
            return []
        if links and links.place_entity_id:
            return [self.entity(links.place_entity_id, e.place)]
        return [Ref(e.place)]

    def event_stories(self, e: EventItem) -> list[Ref]:
        links = self.event_links.get(e.event_id)
        return [self.story(s.story_id, s.title) for s in links.stories] if links else []

    def story_entities(self, c: StoryChange) -> list[Ref]:
        refs = []
        for item in c.top_entities:
            if isinstance(item, dict):
                name = item.get("name") or item.get("canonical_name") or ""
                refs.append(self.entity(item["entity_id"], name) if item.get("entity_id") else Ref(name))
            else:
                refs.append(Ref(str(item)))
        return refs

    def story_event_refs(self, c: StoryChange) -> list[Ref]:
        return [self.event(i) for i in self.story_events.get(c.story_id, [])]

    def entity_story_refs(self, e: EntityCount) -> list[Ref]:
        return [self.story(i) for i in self.entity_stories.get(e.entity_id, [])]

    def entity_event_refs(self, e: EntityCount) -> list[Ref]:
        return [self.event(i) for i in self.entity_events.get(e.entity_id, [])]


# ---------------------------------------------------------------- pages

_CSS = """
:root { color-scheme: light dark; --fg: #1a202c; --muted: #4a5568; --bg: #fff; --line: #d5dbe3;
  --head: #f4f6f9; --hl: #fff5cc; --link: #1f5fa8; --solid: #2b6cb0; --warn: #c05621; --grey: #8a94a6;
  --today: #eef2f7; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e7ebf0; --muted: #a9b4c2; --bg: #14181f; --line: #39424f; --head: #1e242d; --hl: #4a3f10;
    --link: #8cbcf0; --solid: #6ea8e6; --warn: #f0925a; --grey: #8a94a6; --today: #222a35; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); line-height: 1.45;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.page { max-width: 68rem; margin: 0 auto; padding: 1rem; }
a { color: var(--link); }
a:focus-visible, .table-wrap:focus-visible { outline: 3px solid var(--link); outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: .5rem; z-index: 1; }
h1 { font-size: 1.5rem; margin: .2rem 0 .3rem; overflow-wrap: anywhere; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; padding-top: .5rem; border-top: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
p, li { overflow-wrap: anywhere; }
.muted { color: var(--muted); }
nav ul { list-style: none; padding: 0; margin: .4rem 0; display: flex; flex-wrap: wrap; gap: .3rem 1rem; }
.table-wrap { overflow-x: auto; max-width: 100%; margin: .4rem 0 1rem; border: 1px solid var(--line);
  border-radius: 4px; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
caption { text-align: left; font-weight: 600; padding: .4rem .6rem;
  /* a wide table scrolls under its caption, which stays readable at the left */
  position: sticky; left: 0; max-width: calc(100vw - 3.5rem); }
th, td { padding: .3rem .6rem; border-top: 1px solid var(--line); vertical-align: top; text-align: left; }
thead th { background: var(--head); vertical-align: bottom; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td.wide, th.wide { min-width: 14rem; }
.date { white-space: nowrap; font-variant-numeric: tabular-nums; }
ul.refs li { margin: 0 0 .15rem; }
td.refs { min-width: 10rem; }
tr:target { background: var(--hl); outline: 2px solid var(--warn); }
@media (max-width: 40rem) {
  /* on a phone a wide table scrolls sideways; its row names stay in view */
  tbody th[scope="row"] { position: sticky; left: 0; background: var(--bg); z-index: 1; }
  thead th:first-child { position: sticky; left: 0; z-index: 2; }
  tr:target th[scope="row"] { background: var(--hl); }
}
figure.chart { margin: .6rem 0 1rem; padding: .5rem .6rem; border: 1px solid var(--line); border-radius: 4px; }
figcaption { font-weight: 600; margin-bottom: .3rem; }
svg.chart { display: block; max-width: 100%; font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial,
  sans-serif; fill: var(--fg); }
svg.chart .heading { font-weight: 600; }
svg.chart .note, svg.chart .axis-label { fill: var(--muted); }
svg.chart .f-solid { fill: var(--solid); } svg.chart .f-hatch { fill: var(--solid); }
svg.chart .f-warn { fill: var(--warn); } svg.chart .f-cross { fill: var(--warn); }
svg.chart .f-muted { fill: var(--grey); }
svg.chart .p-hatch { stroke: var(--solid); } svg.chart .p-cross { stroke: var(--warn); }
svg.chart .pbg { fill: var(--bg); } svg.chart .axis { fill: var(--grey); } svg.chart .today { fill: var(--today); }
.legend { list-style: none; padding: 0; margin: .3rem 0 0; display: flex; flex-wrap: wrap; gap: .2rem 1rem;
  font-size: .85rem; color: var(--muted); }
.sw { display: inline-block; width: 1.6em; height: .9em; vertical-align: -.1em; margin-right: .35em;
  border: 1px solid var(--grey); }
.sw-solid { background: var(--solid); } .sw-warn { background: var(--warn); } .sw-muted { background: var(--grey); }
.sw-hatch { background: repeating-linear-gradient(45deg, var(--solid) 0 2px, var(--bg) 2px 5px); }
.sw-cross { background: repeating-linear-gradient(45deg, var(--warn) 0 2px, transparent 2px 5px),
  repeating-linear-gradient(-45deg, var(--warn) 0 2px, var(--bg) 2px 5px); }
ul.refs { list-style: none; margin: 0; padding: 0; }
footer { margin-top: 2rem; font-size: .85rem; color: var(--muted); }
"""

_MACROS = """
{% macro ref(r) -%}
{%- if r.href %}<a href="{{ r.href }}"{% if r.title %} title="{{ r.title }}"{% endif %}>{{ r.text }}</a>
{%- else %}<span{% if r.title %} title="{{ r.title }}"{% endif %}>{{ r.text }}</span>{% endif -%}
{%- endmacro %}

{% macro refs(items, limit=none, listed=false) -%}
{%- set shown = items if limit is none else items[:limit] -%}
{%- set more = items|length - shown|length -%}
{%- if not shown %}<span class="muted">—</span>
{%- elif listed %}<ul class="refs">{% for r in shown %}<li>{{ ref(r) }}</li>{% endfor -%}
{%- if more %}<li>and {{ more }} more</li>{% endif %}</ul>
{%- else %}{% for r in shown %}{% if not loop.first %}, {% endif %}{{ ref(r) }}{% endfor -%}
{%- if more %} and {{ more }} more{% endif %}{% endif -%}
{%- endmacro %}

{% macro table_open(id, caption) -%}
<div class="table-wrap" role="region" tabindex="0" aria-labelledby="{{ id }}">
<table><caption id="{{ id }}">{{ caption }}</caption>
{%- endmacro %}

{% macro figure(chart) -%}
{% if chart %}
<figure class="chart" id="fig-{{ chart.key }}">
<figcaption>{{ chart.title }}</figcaption>
{{ draw(chart) | safe }}
{% if chart.legend %}<ul class="legend" aria-label="Legend">
{% for fill, meaning in chart.legend %}<li><span class="sw sw-{{ fill }}" aria-hidden="true"></span>{{ meaning }}</li>
{% endfor %}</ul>{% endif %}
</figure>
{% endif %}
{%- endmacro %}

{% macro head(title) -%}
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="newsmon">
<title>{{ title }}</title>
<style>{{ css | safe }}</style>
</head>
{%- endmacro %}
"""

_DAY = """{% import "macros" as m with context %}
{{ m.head("newsmon daily summary for " ~ s.day.isoformat()) }}
<body>
<a class="skip" href="#main">Skip to the summary</a>
<div class="page">
<header>
<h1>newsmon daily summary for {{ s.day.isoformat() }}</h1>
<p class="muted">Compared with {{ s.previous_day.isoformat() }}.</p>
<nav aria-label="Files">
<ul><li><a href="index.html">All days</a></li><li><a href="{{ s.day.isoformat() }}.md">Markdown</a></li>
<li><a href="{{ s.day.isoformat() }}.json">JSON</a></li></ul>
</nav>
<nav aria-label="Sections">
<ul>{% for id, name in sections %}<li><a href="#{{ id }}">{{ name }}</a></li>{% endfor %}</ul>
</nav>
</header>
<main id="main">
<section id="totals" aria-labelledby="totals-h">
<h2 id="totals-h">Headline figures</h2>
{{ m.table_open("cap-totals", "Today against yesterday") }}
<thead><tr><th scope="col">figure</th><th scope="col" class="num">today</th><th scope="col" class="num">yesterday</th>
<th scope="col" class="num">change</th></tr></thead>
<tbody>
{% for label, a, b in totals %}<tr><th scope="row">{{ label }}</th><td class="num">{{ a }}</td>
<td class="num">{{ b }}</td>
<td class="num">{{ signed(a - b) }}</td></tr>
{% endfor %}</tbody></table></div>
</section>

<section id="sources" aria-labelledby="sources-h">
<h2 id="sources-h">New articles by source</h2>
{{ m.figure(charts.sources) }}
{% if s.new_articles_by_source %}
{{ m.table_open("cap-sources", "Distinct reports and copies per source, today against yesterday") }}
<thead><tr><th scope="col">source</th><th scope="col" class="num">reports</th><th scope="col" class="num">copies</th>
<th scope="col" class="num">yesterday</th><th scope="col" class="num">change</th></tr></thead>
<tbody>
{% for c in s.new_articles_by_source %}<tr><th scope="row">{{ c.source }}</th><td class="num">{{ c.articles }}</td>
<td class="num">{{ c.copies }}</td><td class="num">{{ c.previous_articles }}</td>
<td class="num">{{ signed(c.delta) }}</td></tr>
{% endfor %}</tbody></table></div>
{% else %}<p>No new articles.</p>{% endif %}
{% if s.gone_sources %}
<h3>Gone quiet</h3>
<p>Sources with articles yesterday and none today: {{ s.gone_sources | join(", ") }}.</p>
{% endif %}
</section>

<section id="quarantine" aria-labelledby="quarantine-h">
<h2 id="quarantine-h">Quarantined by reason</h2>
{{ m.figure(charts.quarantine) }}
{% if s.quarantined_by_reason %}
{{ m.table_open("cap-quarantine", "Quarantined items per stage and check, with one example reason") }}
<thead><tr><th scope="col">stage</th><th scope="col">check</th><th scope="col" class="num">items</th>
<th scope="col">example</th></tr></thead>
<tbody>
{% for q in s.quarantined_by_reason %}<tr><td>{{ q.stage }}</td><td>{{ q.expectation }}</td>
<td class="num">{{ q.items }}</td><td class="wide">{{ q.example_reason }}</td></tr>
{% endfor %}</tbody></table></div>
{% else %}<p>Nothing quarantined.</p>{% endif %}
</section>

{% if s.stories is not none %}
<section id="stories" aria-labelledby="stories-h">
<h2 id="stories-h">Stories</h2>
{% if not s.stories.new and not s.stories.grown %}<p>No story started or grew.</p>{% endif %}
{{ m.figure(charts.stories) }}
{% for rows, name, grown in ((s.stories.new, "New stories", false), (s.stories.grown, "Grown stories", true)) %}
{% if rows %}
{{ m.table_open("cap-stories-" ~ loop.index, name ~ " (" ~ rows|length ~ ")") }}
<thead><tr><th scope="col">story</th><th scope="col" class="num">articles</th><th scope="col" class="num">sources</th>
<th scope="col">who</th><th scope="col">events</th></tr></thead>
<tbody>
{% for c in rows %}<tr id="{{ anchor('story', c.story_id) }}">
<th scope="row" class="wide">{{ c.title or "(untitled)" }}</th>
<td class="num">{{ c.articles }}{% if grown %} ({{ signed(c.added_articles) }}){% endif %}</td>
<td class="num">{{ c.sources }}{% if grown %} ({{ signed(c.added_sources) }}){% endif %}</td>
<td class="refs">{{ m.refs(links.story_entities(c)) }}</td>
<td class="refs">{{ m.refs(links.story_event_refs(c), max_refs, true) }}</td></tr>
{% endfor %}</tbody></table></div>
{% endif %}
{% endfor %}
</section>
{% endif %}

{% if s.events is not none %}
<section id="events" aria-labelledby="events-h">
<h2 id="events-h">Events</h2>
{% if not s.events.new and not s.events.upcoming %}<p>No dated event found.</p>{% endif %}
{% for rows, name in ((s.events.new, "Dated or first reported today"), (s.events.upcoming, "Scheduled")) %}
{% if rows %}
{{ m.table_open("cap-events-" ~ loop.index, name ~ " (" ~ rows|length ~ ")") }}
<thead><tr><th scope="col">when</th><th scope="col">what</th><th scope="col">who</th><th scope="col">where</th>
<th scope="col" class="num">reports</th><th scope="col">story</th></tr></thead>
<tbody>
{% for e in rows %}<tr id="{{ anchor('event', e.event_id) }}"><td class="date">{{ when(e) }}</td>
<td>{{ what(e) }}</td>
<td class="refs">{{ m.refs(links.event_participants(e)) }}</td><td>{{ m.refs(links.event_place(e)) }}</td>
<td class="num">{{ e.article_count }}</td>
<td class="refs">{{ m.refs(links.event_stories(e), max_refs, true) }}</td></tr>
{% endfor %}</tbody></table></div>
{% endif %}
{% endfor %}
</section>
{% endif %}

{% if s.entities is not none %}{% set en = s.entities %}
<section id="entities" aria-labelledby="entities-h">
<h2 id="entities-h">Entities</h2>
<p>{{ en.entities }} entities in {{ en.mentions }} mentions on {{ en.day.isoformat() }}; {{ en.new_total }} first seen
that day. Ranked by {{ en.ranked_by }}.</p>
{{ m.figure(charts.risers) }}
{% for rows, name, kind in ((en.top, "Top entities", "top"), (en.new, "First seen today", "new"),
                            (en.risers, "Risers", "risers")) %}
<h3 id="entities-{{ kind }}">{{ name }}</h3>
{% if rows %}
{{ m.table_open("cap-entities-" ~ kind, name ~ " (" ~ rows|length ~ ")") }}
<thead><tr><th scope="col">entity</th><th scope="col">type</th><th scope="col" class="num">articles</th>
{% if kind == "risers" %}<th scope="col" class="num">yesterday</th>{% endif %}
{% if kind != "new" %}<th scope="col" class="num">change</th>{% endif %}<th scope="col" class="num">mentions</th>
{% if kind != "new" %}<th scope="col" class="num">change</th>{% endif %}<th scope="col">stories</th>
<th scope="col">events</th></tr></thead>
<tbody>
{% for e in rows %}{% set home = links.holds_anchor(e.entity_id, kind) %}
<tr{% if home %} id="{{ anchor('entity', e.entity_id) }}"{% endif %}>
<th scope="row">{% if home %}{{ e.name }}{% else %}{{ m.ref(links.entity(e.entity_id, e.name)) }}{% endif %}</th>
<td>{{ e.type }}</td><td class="num">{{ e.articles }}</td>
{% if kind == "risers" %}<td class="num">{{ e.previous_articles }}</td>{% endif %}
{% if kind != "new" %}<td class="num">{{ signed(e.article_change) }}</td>
{% endif %}<td class="num">{{ e.mentions }}</td>
{% if kind != "new" %}<td class="num">{{ signed(e.mention_change) }}</td>{% endif %}
<td class="refs">{{ m.refs(links.entity_story_refs(e), max_refs, true) }}</td>
<td class="refs">{{ m.refs(links.entity_event_refs(e), max_refs, true) }}</td></tr>
{% endfor %}</tbody></table></div>
{% if kind == "new" and en.new_total > rows|length %}<p>And {{ en.new_total - rows|length }} more.</p>{% endif %}
{% elif kind == "top" %}<p>No entities mentioned.</p>
{% elif kind == "new" %}<p>No new entities.</p>
{% else %}<p>No entity seen before is in more articles than on {{ en.previous_day.isoformat() }} (and in at least
{{ en.min_riser_articles }} today).</p>{% endif %}
{% endfor %}
</section>
{% endif %}

{% if s.web is not none %}{% set w = s.web %}
<section id="web" aria-labelledby="web-h">
<h2 id="web-h">Web sources</h2>
{% if w.sources %}
{{ m.figure(charts.web) }}
{{ m.table_open("cap-web", "Fetches per web source today") }}
<thead><tr><th scope="col">source</th><th scope="col" class="num">new items</th>
<th scope="col" class="num">feed/sitemap requests</th><th scope="col" class="num">not modified</th>
<th scope="col" class="num">pages</th><th scope="col">failures</th></tr></thead>
<tbody>
{% for h in w.sources %}<tr><th scope="row">{{ h.source }}</th><td class="num">{{ h.new_items }}</td>
<td class="num">{{ h.listing_requests }}</td><td class="num">{{ h.not_modified }}</td>
<td class="num">{{ h.page_requests }}</td>
<td>{% for f in h.failures %}{{ f.kind }} {{ f.urls }}{% if not loop.last %}, {% endif %}{% else %}none{% endfor %}
{% if h.too_soon %} (skipped as too soon: {{ h.too_soon }}){% endif %}</td></tr>
{% endfor %}</tbody></table></div>
<p>Failures by kind: {% for kind, n in w.failures_by_kind.items() -%}
{{ kind }} {{ n }}{% if not loop.last %}, {% endif %}{% else %}none{% endfor %}.</p>
{% if w.stale %}<p>Nothing new for {{ w.stale_days }} days or more:
{% for h in w.sources if h.source in w.stale -%}
{{ h.source }} ({{ h.days_without_new }} days){% if not loop.last %}, {% endif %}{% endfor %}.</p>{% endif %}
{% else %}<p>No web sources were fetched.</p>{% endif %}
</section>
{% endif %}
</main>
<footer><p>Written by newsmon from the warehouse's daily models; the same summary is in
<a href="{{ s.day.isoformat() }}.md">Markdown</a> and <a href="{{ s.day.isoformat() }}.json">JSON</a>.</p></footer>
</div>
</body>
</html>
"""

_INDEX = """{% import "macros" as m with context %}
{{ m.head("newsmon daily reports") }}
<body>
<a class="skip" href="#main">Skip to the list of days</a>
<div class="page">
<header>
<h1>newsmon daily reports</h1>
<p class="muted">{{ rows|length }} day{{ "" if rows|length == 1 else "s" }}{% if rows %}, {{ rows[-1].day }} to
{{ rows[0].day }}{% endif %}; newest first.</p>
</header>
<main id="main">
{{ m.figure(charts.days) }}
{% if rows %}
{{ m.table_open("cap-days", "Days, newest first, with their headline figures") }}
<thead><tr><th scope="col">day</th><th scope="col" class="num">documents</th><th scope="col" class="num">articles</th>
<th scope="col" class="num">change</th><th scope="col" class="num">distinct reports</th>
<th scope="col" class="num">quarantined</th><th scope="col" class="num">sources</th>
<th scope="col" class="num">new stories</th><th scope="col" class="num">grown stories</th>
<th scope="col" class="num">events</th><th scope="col" class="num">new entities</th><th scope="col">files</th>
</tr></thead>
<tbody>
{% for r in rows %}<tr id="day-{{ r.day }}">
<th scope="row" class="date">{% if r.html %}<a href="{{ r.day }}.html">{{ r.day }}</a>
{%- else %}{{ r.day }}{% endif %}</th>
<td class="num">{{ r.s.totals.documents }}</td><td class="num">{{ r.s.totals.articles }}</td>
<td class="num">{{ signed(r.s.totals.articles - r.s.previous_articles) }}</td>
<td class="num">{{ r.s.totals.reports }}</td><td class="num">{{ r.s.totals.quarantined }}</td>
<td class="num">{{ r.s.totals.sources }}</td><td class="num">{{ r.s.new_stories }}</td>
<td class="num">{{ r.s.grown_stories }}</td>
<td class="num">{{ r.s.events }}</td><td class="num">{{ r.s.new_entities }}</td>
<td class="date"><a href="{{ r.day }}.md">md</a>, <a href="{{ r.day }}.json">json</a></td></tr>
{% endfor %}</tbody></table></div>
{% else %}<p>No daily summaries yet: run <code>newsmon run</code>.</p>{% endif %}
</main>
<footer><p>Written by newsmon from the stored daily summaries (reports/&lt;day&gt;.json).</p></footer>
</div>
</body>
</html>
"""

_ENV = Environment(
    loader=DictLoader({"macros": _MACROS, "day": _DAY, "index": _INDEX}),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class DayCharts:
    """The charts of a day's page (None where there is nothing to draw)."""

    sources: StripChart | None
    quarantine: BarChart | None
    stories: BarChart | None
    risers: BarChart | None
    web: BarChart | None

    def all(self) -> list[Chart]:
        """The charts that will be drawn."""
        return [c for c in (self.sources, self.quarantine, self.stories, self.risers, self.web) if c is not None]


def day_charts(summary: DailySummary, extras: ReportExtras | None = None) -> DayCharts:
    """The chart data of a day's page."""
    return DayCharts(
        sources=source_history_chart(extras) if extras else None,
        quarantine=quarantine_chart(summary),
        stories=story_chart(summary.stories),
        risers=riser_chart(summary.entities),
        web=web_chart(summary.web),
    )


def _sections(summary: DailySummary) -> list[tuple[str, str]]:
    found = [("totals", "Headline figures"), ("sources", "Sources"), ("quarantine", "Quarantine")]
    for attr, name in (("stories", "Stories"), ("events", "Events"), ("entities", "Entities"), ("web", "Web sources")):
        if getattr(summary, attr) is not None:
            found.append((attr, name))
    return found


def day_report_html(
    summary: DailySummary, extras: ReportExtras | None = None, *, draw: Callable[[Chart], str] = chart_svg
) -> str:
    """The day's summary as one self-contained HTML page; `draw` turns chart data into markup."""
    extras = extras or ReportExtras(day=summary.day)
    links = _Links(summary, extras)
    t, p = summary.totals, summary.previous_totals
    return shown(
        _ENV.get_template("day").render(
            s=summary,
            css=_CSS,
            charts=day_charts(summary, extras),
            links=links,
            sections=_sections(summary),
            totals=[
                ("documents", t.documents, p.documents),
                ("articles", t.articles, p.articles),
                ("distinct reports", t.reports, p.reports),
                ("quarantined", t.quarantined, p.quarantined),
                ("sources", t.sources, p.sources),
            ],
            draw=draw,
            signed=_signed,
            anchor=anchor,
            when=_event_when,
            what=_event_what,
            max_refs=MAX_REFS,
        )
    )


class IndexDay(BaseModel):
    """What the index page shows of one day's summary (`IndexDay.of`): kept beside the stored
    summaries, so the index is rebuilt without reading every day ever published (flows/report.py)."""

    day: date
    totals: Totals
    previous_articles: int
    new_stories: int
    grown_stories: int
    events: int
    new_entities: int

    @classmethod
    def of(cls, s: DailySummary) -> IndexDay:
        return cls(
            day=s.day,
            totals=s.totals,
            previous_articles=s.previous_totals.articles,
            new_stories=len(s.stories.new) if s.stories else 0,
            grown_stories=len(s.stories.grown) if s.stories else 0,
            events=len(s.events.new) if s.events else 0,
            new_entities=s.entities.new_total if s.entities else 0,
        )


@dataclass(frozen=True)
class _IndexRow:
    day: str
    s: IndexDay
    html: bool


def index_html(
    days: Iterable[DailySummary | IndexDay], html_days: Iterable[date] = (), *, draw: Callable[[Chart], str] = chart_svg
) -> str:
    """The list of days, newest first, with headline figures; days in `html_days` link to their page."""
    by_day = {s.day: s if isinstance(s, IndexDay) else IndexDay.of(s) for s in days}
    with_html = set(html_days)
    rows = [_IndexRow(day=d.isoformat(), s=s, html=d in with_html) for d, s in sorted(by_day.items(), reverse=True)]
    return shown(
        _ENV.get_template("index").render(
            rows=rows,
            css=_CSS,
            charts={"days": index_chart(list(by_day.values()))},
            draw=draw,
            signed=_signed,
        )
    )
