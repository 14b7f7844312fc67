"""The entities section of the daily summary: new, top and rising entities. Pure.

Built from the rows of `warehouse/models/daily_entities.sql` (one row per entity mentioned
on the day or the day before). Entities are ranked by the number of distinct articles that
mention them, then by mentions: a name repeated 20 times in one long article is one
outlet's focus, a name in 5 articles is what the news is about, and article counts do not
grow with article length. Mentions are shown beside articles in every table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, Field, computed_field

TOP_N = 10
NEW_N = 10
RISERS_N = 10
# A riser is in at least this many articles today (one article is an anecdote, not a rise).
MIN_RISER_ARTICLES = 2


class EntityCount(BaseModel):
    """One entity's mentions and distinct articles on the day and the day before."""

    entity_id: str
    name: str
    type: str
    first_seen: date
    mentions: int
    articles: int
    previous_mentions: int
    previous_articles: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def article_change(self) -> int:
        """Articles today minus yesterday."""
        return self.articles - self.previous_articles

    @computed_field  # type: ignore[prop-decorator]
    @property
    def mention_change(self) -> int:
        """Mentions today minus yesterday."""
        return self.mentions - self.previous_mentions


class EntitySection(BaseModel):
    """Who and what appeared on `day`: new entities, the top ones, and the risers."""

    day: date
    previous_day: date
    ranked_by: str = "articles, then mentions"
    entities: int = 0  # distinct entities mentioned on the day
    mentions: int = 0
    new_total: int = 0  # entities first seen on the day (all of them, `new` lists the top)
    min_riser_articles: int = MIN_RISER_ARTICLES
    new: list[EntityCount] = Field(default_factory=list)
    top: list[EntityCount] = Field(default_factory=list)
    risers: list[EntityCount] = Field(default_factory=list)


def entity_counts(rows: Iterable[Mapping[str, Any]]) -> list[EntityCount]:
    """Rows of daily_entities.sql as records."""
    return [
        EntityCount(
            name=r["canonical_name"],
            **{
                k: r[k]
                for k in (
                    "entity_id",
                    "type",
                    "first_seen",
                    "mentions",
                    "articles",
                    "previous_mentions",
                    "previous_articles",
                )
            },
        )
        for r in rows
    ]


def _by_coverage(e: EntityCount) -> tuple[int, int, str, str]:
    return (-e.articles, -e.mentions, e.name, e.entity_id)


def _by_rise(e: EntityCount) -> tuple[int, int, int, int, str, str]:
    return (-e.article_change, -e.mention_change, -e.articles, -e.mentions, e.name, e.entity_id)


def entity_section(
    day: date,
    rows: Iterable[Mapping[str, Any]],
    *,
    top_n: int = TOP_N,
    new_n: int = NEW_N,
    risers_n: int = RISERS_N,
    min_riser_articles: int = MIN_RISER_ARTICLES,
) -> EntitySection:
    """New, top and rising entities on `day` from the rows of daily_entities.sql.

    Risers were seen before `day` (new ones have their own list), are in at least
    `min_riser_articles` articles today and in more articles than yesterday; ranked by
    that article change, then the mention change.
    """
    today = [e for e in entity_counts(rows) if e.mentions > 0]
    new = sorted((e for e in today if e.first_seen >= day), key=_by_coverage)
    risers = sorted(
        (e for e in today if e.first_seen < day and e.articles >= min_riser_articles and e.article_change > 0),
        key=_by_rise,
    )
    return EntitySection(
        day=day,
        previous_day=day - timedelta(days=1),
        entities=len(today),
        mentions=sum(e.mentions for e in today),
        new_total=len(new),
        min_riser_articles=min_riser_articles,
        new=new[:new_n],
        top=sorted(today, key=_by_coverage)[:top_n],
        risers=risers[:risers_n],
    )


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def _cell(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")


def entity_section_markdown(section: EntitySection) -> str:
    """The section as Markdown: a heading, one line of totals, and three tables."""
    lines = [
        "## Entities",
        "",
        f"{section.entities} entities in {section.mentions} mentions on {section.day.isoformat()};"
        f" {section.new_total} first seen that day. Ranked by {section.ranked_by}.",
        "",
        "### Top entities",
        "",
    ]
    if section.top:
        lines += ["| entity | type | articles | change | mentions | change |", "|---|---|---:|---:|---:|---:|"]
        lines += [
            f"| {_cell(e.name)} | {e.type} | {e.articles} | {_signed(e.article_change)}"
            f" | {e.mentions} | {_signed(e.mention_change)} |"
            for e in section.top
        ]
    else:
        lines.append("No entities mentioned.")
    lines += ["", "### First seen today", ""]
    if section.new:
        lines += ["| entity | type | articles | mentions |", "|---|---|---:|---:|"]
        lines += [f"| {_cell(e.name)} | {e.type} | {e.articles} | {e.mentions} |" for e in section.new]
        if section.new_total > len(section.new):
            lines += ["", f"And {section.new_total - len(section.new)} more."]
    else:
        lines.append("No new entities.")
    lines += ["", "### Risers", ""]
    if section.risers:
        lines += [
            "| entity | type | articles | yesterday | change | mentions | change |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {_cell(e.name)} | {e.type} | {e.articles} | {e.previous_articles}"
            f" | {_signed(e.article_change)} | {e.mentions} | {_signed(e.mention_change)} |"
            for e in section.risers
        ]
    else:
        lines.append(
            f"No entity seen before is in more articles than on {section.previous_day.isoformat()}"
            f" (and in at least {section.min_riser_articles} today)."
        )
    return "\n".join(lines) + "\n"
