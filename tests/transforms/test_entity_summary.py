"""The entities section of the daily summary: ranking, new entities, risers, Markdown."""

from __future__ import annotations

from datetime import date

import pytest

from transforms.entity_summary import EntitySection, entity_section, entity_section_markdown

DAY = date(2023, 6, 19)
EARLIER = date(2023, 6, 1)


def _row(name: str, mentions: int, articles: int, prev_mentions: int = 0, prev_articles: int = 0,
         first_seen: date = EARLIER, type_: str = "PERSON") -> dict:
    return {"entity_id": f"{type_.lower()}_{abs(hash(name)) % 10**12:012d}", "canonical_name": name,
            "type": type_, "first_seen": first_seen, "mentions": mentions, "articles": articles,
            "previous_mentions": prev_mentions, "previous_articles": prev_articles}


ROWS = [
    _row("Antony Blinken", 20, 1, 3, 1),        # many mentions in one article
    _row("Xi Jinping", 6, 5, 4, 2),             # fewer mentions, more articles
    _row("Wang Yi", 6, 5, 1, 1),                # same coverage as Xi, rose more
    _row("Qin Gang", 2, 2, 0, 0),               # back after a quiet day
    _row("Bill Gates", 3, 3, first_seen=DAY),   # new today
    _row("Shangri-La", 1, 1, first_seen=DAY, type_="FAC"),
    _row("Joe Biden", 0, 0, 5, 3),              # only yesterday
]


@pytest.mark.parametrize(("field", "want"), [
    # by distinct articles first, then mentions, then name
    ("top", ["Wang Yi", "Xi Jinping", "Bill Gates", "Qin Gang", "Antony Blinken", "Shangri-La"]),
    ("new", ["Bill Gates", "Shangri-La"]),
    # seen before, >= 2 articles today, more articles than yesterday; by article change
    ("risers", ["Wang Yi", "Xi Jinping", "Qin Gang"]),
])
def test_rankings(field, want):
    section = entity_section(DAY, ROWS)
    assert [e.name for e in getattr(section, field)] == want


@pytest.mark.parametrize(("kwargs", "field", "want"), [
    ({"top_n": 2}, "top", ["Wang Yi", "Xi Jinping"]),
    ({"new_n": 1}, "new", ["Bill Gates"]),
    ({"min_riser_articles": 3}, "risers", ["Wang Yi", "Xi Jinping"]),
    ({"min_riser_articles": 1}, "risers", ["Wang Yi", "Xi Jinping", "Qin Gang"]),
])
def test_limits(kwargs, field, want):
    assert [e.name for e in getattr(entity_section(DAY, ROWS, **kwargs), field)] == want


def test_totals_and_changes():
    section = entity_section(DAY, ROWS, new_n=1)
    assert (section.entities, section.mentions, section.new_total) == (6, 38, 2)
    xi = next(e for e in section.top if e.name == "Xi Jinping")
    assert (xi.article_change, xi.mention_change) == (3, 2)
    dumped = section.model_dump(mode="json")
    assert dumped["top"][0]["article_change"] == 4  # changes are in the JSON report too
    assert EntitySection.model_validate(dumped).top[0].name == "Wang Yi"


def test_markdown_tables():
    md = entity_section_markdown(entity_section(DAY, ROWS, new_n=1))
    assert md.startswith("## Entities\n")
    assert "| entity | type | articles | change | mentions | change |" in md
    assert "| Wang Yi | PERSON | 5 | +4 | 6 | +5 |" in md
    assert "| Antony Blinken | PERSON | 1 | 0 | 20 | +17 |" in md
    assert "| Bill Gates | PERSON | 3 | 3 |" in md
    assert "And 1 more." in md
    assert "| Qin Gang | PERSON | 2 | 0 | +2 | 2 | +2 |" in md
    assert "Joe Biden" not in md


def test_empty_day():
    md = entity_section_markdown(entity_section(DAY, []))
    assert "No entities mentioned." in md
    assert "No new entities." in md
    assert "No entity seen before is in more articles than on 2023-06-18" in md


def test_pipes_in_names_do_not_break_tables():
    md = entity_section_markdown(entity_section(DAY, [_row("A|B", 1, 1)]))
    assert "| A/B | PERSON |" in md
