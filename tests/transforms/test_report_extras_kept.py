"""The report's extras read with the day's summary keep only the rows its page links, and the page
is the one the whole rows draw (transforms/report_html.py `report_extras`). Pure."""

from __future__ import annotations

from datetime import timedelta

from tests.transforms.test_report_html import DAY, _summary
from transforms.report_html import day_report_html, report_extras

HISTORY = [{"day": DAY - timedelta(days=i), "source": "Courier", "reports": 2, "copies": i % 2} for i in range(3)]
STORY_ENTITIES = [
    {"story_id": "story_a", "entity_id": "person_ada", "articles": 4},
    {"story_id": "story_a", "entity_id": "person_unlisted", "articles": 1},  # in no entity table
    {"story_id": "story_a", "entity_id": "gpe_harbourton", "articles": 2},
    {"story_id": "story/b c", "entity_id": "person_ben", "articles": 1},
    {"story_id": "story/b c", "entity_id": "person_ada", "articles": 1},
    {"story_id": "story_quiet", "entity_id": "org_nobody", "articles": 3},  # a story whose entities are not shown
]
EVENTS = [
    {"event_id": "evt_1", "place_entity_id": "gpe_harbourton",
     "participants": [{"entity_id": "person_ada", "name": "Ada Quill", "role": "actor"}],
     "stories": [{"story_id": "story_a", "title": "Port strike enters second day"}]},
    {"event_id": "evt_2", "place_entity_id": None, "participants": [], "stories": []},
    {"event_id": "evt_unshown", "place_entity_id": "gpe_harbourton",  # past the summary's sections
     "participants": [{"entity_id": "person_ben", "name": "Ben Rook", "role": "actor"}],
     "stories": [{"story_id": "story/b c", "title": None}]},
]  # fmt: skip


def _extras(summary=None):
    return report_extras(
        DAY, iter(HISTORY), iter(STORY_ENTITIES), iter(EVENTS), summary=summary
    )  # iterators: rows are read once, as they are fetched


def test_with_the_summary_only_linked_rows_are_kept() -> None:
    kept = _extras(_summary())
    assert kept.story_entities == {
        "story_a": ["person_ada", "gpe_harbourton"],
        "story/b c": ["person_ben", "person_ada"],
    }
    assert [e.event_id for e in kept.events] == ["evt_1", "evt_2"]
    assert kept.source_days == _extras().source_days


def test_without_the_summary_every_row_is_kept() -> None:
    every = _extras()
    assert sum(len(v) for v in every.story_entities.values()) == len(STORY_ENTITIES)
    assert [e.event_id for e in every.events] == ["evt_1", "evt_2", "evt_unshown"]


def test_the_page_is_the_same_from_the_kept_rows() -> None:
    summary = _summary()
    page = day_report_html(summary, _extras(summary))
    assert page == day_report_html(summary, _extras())
    assert "Ben Rook" in page and 'href="#' in page
