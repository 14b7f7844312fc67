"""Dated events: modality and negation, timeline dates, the type taxonomy, merging."""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta

import pytest

from newsmon.models import Article
from transforms.entities import Entity, EntityMention
from transforms.events import (
    EVENT_TYPES,
    EventRecord,
    Participant,
    article_events,
    event_candidates,
    merged_events,
    place_participants,
    reference_date,
    story_participants,
    timeline_entries,
    trigger_modality,
)

PEOPLE = {
    "Blinken": "person_blinken",
    "Xi": "person_xi",
    "Wang": "person_wang",
    "Qin": "person_qin",
    "Okafor": "person_okafor",
    "Baptiste": "person_baptiste",
}
PLACES = {"Beijing": "gpe_beijing", "Ashcombe": "gpe_ashcombe", "Rome": "gpe_rome"}
ENTITIES = {
    **{i: Entity(entity_id=i, canonical_name=n, type="PERSON") for n, i in PEOPLE.items()},
    **{i: Entity(entity_id=i, canonical_name=n, type="GPE") for n, i in PLACES.items()},
}


def _article(
    text: str,
    published: date = date(2023, 6, 19),
    provenance: str = "stated_line",
    dateline: date | None = None,
    dateline_place: str | None = None,
) -> Article:
    return Article(
        article_id="a1",
        doc_id="d1",
        day=published,
        text=text,
        source="test",
        published_at=datetime.combine(published, datetime.min.time()),
        published_provenance=provenance,
        dateline_date=dateline,
        dateline_place=dateline_place,
        word_count=len(text.split()),
        content_hash="h",
    )


def _mentions(text: str) -> list[EntityMention]:
    """Entity mentions for the known names, as the entity stage would give them."""
    out = []
    for names in (PEOPLE, PLACES):
        for name, eid in names.items():
            for m in re.finditer(rf"\b{name}\b", text):
                out.append(
                    EntityMention(
                        article_id="a1",
                        entity_id=eid,
                        surface=name,
                        start=m.start(),
                        end=m.end(),
                        sentence_index=0,
                        in_headline=False,
                        in_lead=False,
                        label="X",
                        how="exact",
                    )
                )
    return out


def _events(text: str, **kw) -> list[EventRecord]:
    return article_events(_article(text, **kw), _mentions(text), ENTITIES)


# ---------------------------------------------------------------- modality and negation

MODALITY_CASES = [
    ("Blinken met Xi on Monday.", "met", "asserted"),
    ("Blinken will meet Xi at 4:30 pm on Monday.", "meet", "scheduled"),
    ("Blinken is set to travel to Beijing this weekend.", "travel", "scheduled"),
    ("The State Department said Blinken would meet Xi on Monday.", "meet", "scheduled"),
    ("Blinken would meet Xi if the talks went well.", "meet", "conditional"),
    ("Biden said he hoped to meet Xi soon.", "meet", "hedged"),
    ("Xi could potentially visit the US in November.", "visit", "hedged"),
    ("Blinken may meet Xi on Monday.", "meet", "hedged"),
    ("Blinken and Xi did not meet on Monday.", "meet", "negated"),
    ("The meeting on Monday was cancelled.", "meeting", "negated"),
    ("Blinken postponed his trip to Beijing in February.", "trip", "negated"),
    ("He is the first secretary of state to visit China in five years.", "visit", "nonfinite"),
    ("Blinken plans to hold meetings in China on June 18-19.", "meetings", "scheduled"),
    ("China rejected a request for a meeting on Friday.", "meeting", "negated"),
    ("The visit could set the stage for a meeting later this year.", "meeting", "hedged"),
    (
        '"That is to be welcomed," Dujarric told reporters on Wednesday.',
        "told reporters",
        "asserted",
    ),
]


@pytest.mark.parametrize(("sentence", "trigger", "expected"), MODALITY_CASES)
def test_trigger_modality(sentence, trigger, expected):
    start = sentence.index(trigger)
    assert trigger_modality(sentence, start, start + len(trigger)) == expected


KEPT_OR_REJECTED = [
    # (text, reference day, kept (type, date_value) pairs)
    (
        "Blinken met Wang on Monday for almost three hours.",
        date(2023, 6, 19),
        {("meeting", "2023-06-19")},
    ),
    (
        "Blinken would meet with Xi at 4:30 pm on Monday, the State Department said.",
        date(2023, 6, 19),
        set(),
    ),  # "would" with its reporting verb after it: conditional, not reported future
    (
        "The State Department said that Blinken would meet with Xi at 4:30 pm on Monday.",
        date(2023, 6, 19),
        {("meeting", "2023-06-19T16:30")},
    ),
    ("Biden said on Saturday that he hoped to meet Xi soon.", date(2023, 6, 19), set()),
    ("Looking ahead, Xi could potentially visit the US in November.", date(2023, 6, 19), set()),
    (
        "Blinken will hold meetings in China on June 18-19 and may meet with Xi.",
        date(2023, 6, 16),
        {("meeting", "2023-06-18/2023-06-19")},
    ),
    (
        "The visit could set the stage for a meeting between Xi and Biden later this year.",
        date(2023, 6, 17),
        set(),
    ),
    (
        "Following their six-hour meeting on Sunday, Blinken and Qin announced that talks will continue.",
        date(2023, 6, 19),
        {("meeting", "2023-06-18")},
    ),  # Sunday is the day before, not the next
    ("Blinken met Xi.", date(2023, 6, 19), set()),  # undated: not an event here
    ("Okafor said the strike will begin on Monday.", date(2026, 3, 1), {("strike", "2026-03-02")}),
    (
        "Polling day is March 26, when voters choose a mayor.",
        date(2026, 3, 1),
        {("election", "2026-03-26")},
    ),
    ("Polling day may be March 26.", date(2026, 3, 1), set()),
]


@pytest.mark.parametrize(("text", "ref", "expected"), KEPT_OR_REJECTED)
def test_kept_and_rejected_sentences(text, ref, expected):
    got = {(r.type, r.date_value) for r in _events(text, published=ref)}
    assert got == expected


def test_participants_leave_out_hedged_and_later_names():
    text = "Blinken is expected to meet with Wang and possibly Xi on Monday."
    (record,) = _events(text, published=date(2023, 6, 18))
    assert record.participant_ids == ("person_blinken", "person_wang")
    assert {p.role for p in record.participants} == {"actor", "counterpart"}


def test_place_evidence_and_reference():
    text = "Other news first.\n\nBlinken began meetings in Beijing on Sunday."
    article = _article(text, published=date(2023, 6, 18), provenance="arrival_day")
    (record,) = article_events(article, _mentions(text), ENTITIES)
    assert record.place == "Beijing" and record.place_source == "sentence"
    assert text[record.start_char : record.end_char] == record.sentence
    assert (record.reference_date, record.reference_kind) == (date(2023, 6, 18), "arrival_day")
    assert (record.date_start, record.precision) == (date(2023, 6, 18), "day")


@pytest.mark.parametrize(
    ("published", "dateline", "expected"),
    [
        (date(2023, 6, 17), date(2023, 6, 16), (date(2023, 6, 16), "dateline")),
        (date(2023, 6, 17), None, (date(2023, 6, 17), "stated_line")),
        (date(2023, 6, 17), date(2023, 5, 1), (date(2023, 6, 17), "stated_line")),  # too old
    ],
)
def test_reference_date(published, dateline, expected):
    assert reference_date(_article("x", published=published, dateline=dateline)) == expected


def test_dateline_place_only_near_the_reference():
    text = "Blinken met Wang on Monday.\n\nBlinken met Qin on March 14, 2021."
    got = {r.date_value: r.place for r in _events(text, published=date(2023, 6, 19), dateline_place="WASHINGTON")}
    assert got == {"2023-06-19": "Washington", "2021-03-14": None}


# ---------------------------------------------------------------- timeline dates

TIMELINE = """Top exchanges since 2021
Below is a list.
Blinken-Xi phone call — February 10, 2021
Blinken and Xi held their first phone call and appeared at odds.
Wang-Qin talks in Rome — March 14, 2021
Wang held a seven-hour meeting with Qin to warn him.
The talks came a month after Blinken visited Beijing.
Risk of miscalculation
Blinken met Xi in Beijing."""


def test_timeline_entries():
    entries = timeline_entries(TIMELINE, date(2023, 6, 18))
    assert [e.date.value for e in entries] == ["2021-02-10", "2021-03-14"]
    # the second entry ends at the section heading "Risk of miscalculation"
    assert TIMELINE[entries[1].scope_end :].startswith("Risk of miscalculation")


def test_timeline_lines_inherit_the_heading_date():
    records = _events(TIMELINE, published=date(2023, 6, 18))
    got = sorted({(r.type, r.date_value, r.participant_ids, r.date_source) for r in records})
    assert got == [
        ("call", "2021-02-10", ("person_blinken", "person_xi"), "timeline"),
        ("talks", "2021-03-14", ("person_qin", "person_wang"), "timeline"),
    ]
    # "a month after Blinken visited Beijing" is another happening: not dated by the heading,
    # and "Blinken met Xi in Beijing." after the section heading has no date at all
    _, records = event_candidates(_article(TIMELINE, published=date(2023, 6, 18)), _mentions(TIMELINE), ENTITIES)
    assert not [r for r in records if r.type == "visit"]
    # heading and lines make one event per entry
    assert len(merged_events(records, ENTITIES)) == 2


# ---------------------------------------------------------------- taxonomy

TAXONOMY = [
    ("Blinken met Xi on Monday.", "meeting"),
    ("Blinken and Xi held talks on Monday.", "talks"),
    ("Blinken and Wang held negotiations on Monday.", "talks"),
    ("Blinken held a phone call with Qin on Tuesday.", "call"),
    ("Biden and Xi spoke via video link on Tuesday.", "call"),
    ("Blinken visited Beijing on Monday.", "visit"),
    ("Blinken flew to Beijing on Saturday.", "visit"),
    ("The ministry said in a statement on Friday that talks were over.", "statement"),
    ("Okafor and Baptiste signed an agreement on Tuesday.", "agreement"),
    ("Voters will go to the polls in the election on March 26, 2026.", "election"),
    ("Dock workers began a strike on Monday.", "strike"),
]


@pytest.mark.parametrize(("text", "expected"), TAXONOMY)
def test_taxonomy(text, expected):
    records = _events(text, published=date(2026, 3, 4) if "2026" in text else date(2023, 6, 19))
    assert expected in {r.type for r in records}
    assert expected in EVENT_TYPES


@pytest.mark.parametrize(
    "text",
    [
        "The talks were held in the meeting room on Monday.",  # "meeting room": a place
        "Russia launched an air strike on Monday.",  # not a labour strike
        "Biden and Xi held talks on the sidelines of the G20 summit on Monday.",  # summit: occasion
    ],
)
def test_not_events(text):
    types = [r.type for r in _events(text)]
    assert "meeting" not in types or "room" not in text
    assert "strike" not in types
    assert types.count("meeting") == 0 or "summit" not in text


# ---------------------------------------------------------------- merging


def _record(
    article: str,
    typ: str,
    who: tuple[str, ...],
    start: date,
    end: date | None = None,
    precision: str = "day",
    day: date = date(2023, 6, 19),
    offset: int = 0,
) -> EventRecord:
    end = end or start
    value = start.isoformat() if precision == "day" else f"{start}/{end}"
    return EventRecord(
        mention_id=f"m_{article}_{offset}",
        article_id=article,
        day=day,
        type=typ,
        trigger=typ,
        participants=tuple(Participant(entity_id=w, role="actor") for w in who),
        date_start=start,
        date_end=end,
        precision=precision,
        date_value=value,
        date_text=value,
        date_source="sentence",
        reference_date=day,
        reference_kind="stated_line",
        sentence="s",
        start_char=offset,
        end_char=offset + 1,
        modality="asserted",
        confidence=0.8,
    )


BX = ("person_blinken", "person_xi")
MERGE_CASES = [
    (
        "same day",
        [
            _record("a", "meeting", BX, date(2023, 6, 19)),
            _record("b", "meeting", BX, date(2023, 6, 19)),
        ],
        1,
    ),
    (
        "a day apart",
        [
            _record("a", "meeting", BX, date(2023, 6, 19)),
            _record("b", "meeting", BX, date(2023, 6, 20)),
        ],
        1,
    ),
    (
        "three days apart",
        [
            _record("a", "meeting", BX, date(2023, 6, 19)),
            _record("b", "meeting", BX, date(2023, 6, 22)),
        ],
        2,
    ),
    (
        "day inside a range",
        [
            _record("a", "meeting", BX, date(2023, 6, 18), date(2023, 6, 19), "range"),
            _record("b", "meeting", BX, date(2023, 6, 19)),
        ],
        1,
    ),
    (
        # the strike of Monday and the strike "due to end on Wednesday" reported on Tuesday
        "a day before a span",
        [
            _record("a", "strike", ("org_castellan",), date(2026, 3, 2)),
            _record("b", "strike", ("org_castellan",), date(2026, 3, 3), date(2026, 3, 4), "range"),
        ],
        1,
    ),
    (
        "two days before a span",
        [
            _record("a", "strike", ("org_castellan",), date(2026, 3, 1)),
            _record("b", "strike", ("org_castellan",), date(2026, 3, 3), date(2026, 3, 4), "range"),
        ],
        2,
    ),
    (
        "day inside a month",
        [
            _record("a", "talks", BX, date(2022, 11, 1), date(2022, 11, 30), "month"),
            _record("b", "talks", BX, date(2022, 11, 14)),
        ],
        1,
    ),
    (
        "other type",
        [
            _record("a", "meeting", BX, date(2023, 6, 19)),
            _record("b", "call", BX, date(2023, 6, 19)),
        ],
        2,
    ),
    (
        "other participants",
        [
            _record("a", "meeting", BX, date(2023, 6, 19)),
            _record("b", "meeting", ("person_blinken", "person_wang"), date(2023, 6, 19)),
        ],
        2,
    ),
    (
        # same day, same type, same (no) participants: one happening reported twice
        "nobody named, two articles",
        [
            _record("a", "meeting", (), date(2023, 6, 19)),
            _record("b", "meeting", (), date(2023, 6, 19)),
        ],
        1,
    ),
    (
        "nobody named, two stated places",
        [
            _record("a", "meeting", (), date(2023, 6, 19)).model_copy(
                update={"place": "Ashcombe", "place_source": "sentence"}
            ),
            _record("b", "meeting", (), date(2023, 6, 19)).model_copy(
                update={"place": "Kellbridge", "place_source": "sentence"}
            ),
        ],
        2,
    ),
    (
        "nobody named, a stated place and a dateline",
        [
            _record("a", "agreement", (), date(2023, 6, 19)).model_copy(
                update={"place": "Ashcombe", "place_source": "sentence"}
            ),
            _record("b", "agreement", (), date(2023, 6, 19)).model_copy(
                update={"place": "Kellbridge", "place_source": "dateline"}
            ),
        ],
        1,
    ),
]


@pytest.mark.parametrize(("name", "records", "expected"), MERGE_CASES, ids=[c[0] for c in MERGE_CASES])
def test_merging(name, records, expected):
    events = merged_events(records)
    assert len(events) == expected
    assert sum(e.mention_count for e in events) == len(records)


def test_event_ids_are_stable_and_order_free():
    records = [
        _record("a", "meeting", BX, date(2023, 6, 18), date(2023, 6, 19), "range", day=date(2023, 6, 17)),
        _record("b", "meeting", BX, date(2023, 6, 19), day=date(2023, 6, 19)),
        _record("c", "meeting", BX, date(2023, 6, 19), day=date(2023, 6, 19), offset=5),
    ]
    first = merged_events(records)
    for seed in range(5):
        shuffled = records[:]
        random.Random(seed).shuffle(shuffled)  # noqa: S311 (test order, not secrets)
        assert merged_events(shuffled) == first
    (event,) = first
    # the sharpest date wins; the id comes from the first report (day 2023-06-17), so later
    # sharper reports do not rename the event
    assert (event.event_date, event.precision, event.first_reported) == (
        date(2023, 6, 19),
        "day",
        date(2023, 6, 17),
    )
    assert merged_events(records[:1])[0].event_id == event.event_id
    assert event.article_count == 3 and event.confidence > 0.8


# ---------------------------------------------------------------- outlets, date anchors

OUTLETS = {
    "org_newswire": Entity(entity_id="org_newswire", canonical_name="Norland Newswire", type="ORG"),
    "org_courier": Entity(entity_id="org_courier", canonical_name="Harbourton Courier", type="ORG"),
    "org_union": Entity(entity_id="org_union", canonical_name="Dock Union", type="ORG"),
}


def _with_orgs(text: str) -> list[EventRecord]:
    mentions = _mentions(text)
    for eid, ent in OUTLETS.items():
        for m in re.finditer(re.escape(ent.canonical_name), text):
            mentions.append(
                EntityMention(
                    article_id="a1",
                    entity_id=eid,
                    surface=m.group(),
                    start=m.start(),
                    end=m.end(),
                    sentence_index=0,
                    in_headline=False,
                    in_lead=False,
                    label="ORG",
                    how="exact",
                )
            )
    article = _article(text).model_copy(update={"source": "Harbourton Courier", "author": "Callum Reyes"})
    return article_events(article, mentions, ENTITIES | OUTLETS)


@pytest.mark.parametrize(
    ("text", "participants"),
    [
        # an outlet hosting a debate is not a party to it; the union is
        ("The debate will be held on Tuesday, March 3, hosted by Norland Newswire.", set()),
        ("Dock Union and the Harbourton Courier met on Monday.", {"org_union"}),
        ("The Harbourton Courier met Baptiste on Monday.", {"person_baptiste"}),
    ],
)
def test_outlets_are_never_participants(text, participants):
    records = _with_orgs(text)
    assert records
    assert {p.entity_id for r in records for p in r.participants} == participants


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("The deal, announced outside the offices, offers a 5 per cent pay rise this year.", False),
        ("Further debates are planned in Ashcombe later this month.", False),
        ("Blinken met Xi on Monday.", True),
        ("The settlement was reached in 2021.", True),  # a year named: the precision says so
        ("Blinken and Xi met in March.", True),
    ],
)
def test_events_need_a_date_anchor(text, kept):
    assert bool(_events(text)) is kept, [(r.type, r.date_text) for r in _events(text)]


@pytest.mark.parametrize("text", ["Ministers met this year.", "The ballot closed three days before."])
def test_vague_dates_are_a_named_reason(text):
    cands, records = event_candidates(_article(text), [], ENTITIES)
    assert not records
    assert [c.reason for c in cands] == ["vague_date"]


def test_possessive_date_dates_the_noun_after_it():
    text = "The strike at the port and the weekend's flood dominated the debate on Tuesday night."
    assert {r.type: r.date_text for r in _events(text)}.get("strike") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "the 2023 ... dispute" dates the dispute, not the talks Okafor leads now
        ("Leading the talks is Okafor, who settled the 2023 regional bus drivers' dispute.", set()),
        ("Okafor brokered the settlement of the bus drivers' dispute in 2023.", {("agreement", "2023")}),
        # a date that modifies the trigger itself still dates it
        ("Voters turned out for the March 26 election in Ashcombe.", {("election", "2026-03-26")}),
    ],
)
def test_attributive_date_dates_the_noun_after_it(text, expected):
    assert {(r.type, r.date_value) for r in _events(text, published=date(2026, 3, 27))} == expected


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # the flood's place, before a verb of its own, is not the debate's
        ("The strike and the flood in Rome dominated the first televised debate on Tuesday night.", None),
        ("In Beijing on Sunday, Blinken met Xi.", "Beijing"),
        ("Blinken met Xi in Beijing on Sunday.", "Beijing"),
    ],
)
def test_a_place_before_another_verb_is_not_the_events(text, place):
    (record,) = _events(text, published=date(2023, 6, 19))
    assert record.place == place


def test_a_subject_happening_with_must_is_on_the_calendar():
    # "said" is the reporting verb's past: the meeting that "must agree" is the coming Thursday
    text = "Pryce said Thursday's emergency meeting of the regional council's committee must agree a timetable."
    assert {(r.type, r.date_value, r.modality) for r in _events(text, published=date(2026, 3, 3))} == {
        ("meeting", "2026-03-05", "scheduled")
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the date is the talks', not the strike's
        ("Talks aimed at ending the strike began on Tuesday.", {("talks", "2026-03-03")}),
        ("Conciliation talks to end the dock strike got under way on Tuesday.", {("talks", "2026-03-03")}),
        ("The strike began on Monday.", {("strike", "2026-03-02")}),
    ],
)
def test_a_strike_being_ended_is_not_dated_by_the_sentence(text, expected):
    assert {(r.type, r.date_value) for r in _events(text, published=date(2026, 3, 4))} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a coming day the happening lasts until: it goes on from the article's day to then
        ("The stoppage is scheduled to last 48 hours, until 6am on Wednesday.", "2026-03-02/2026-03-04"),
        ("The 48-hour walkout is due to end at 6am on Wednesday.", "2026-03-02/2026-03-04"),
        ("The union said the 48-hour strike will end on Wednesday.", "2026-03-02/2026-03-04"),
        ("Talks will continue until Friday.", "2026-03-02/2026-03-06"),
        # the day it began is its date; a day it will happen on is that day
        ("The walkout began on Monday and is set to last 48 hours, ending on Wednesday.", "2026-03-02"),
        ("Blinken will meet Xi on Wednesday.", "2026-03-04"),
        # an end already past, or a month: the date as it is written
        ("The strike lasted until Friday, the union said.", "2026-02-27"),
        ("The strike will go on until April, the union said.", "2026-04"),
        # the date of what ends it, a pause, or a happening that does not last
        ("Ministers will meet union leaders to end the strike on Thursday.", "2026-03-05"),
        ("Blinken will stay in Beijing until Thursday, when he will meet Xi.", "2026-03-05"),
        ("Talks will resume in Ashcombe, adjourned until Thursday.", "2026-03-05"),
    ],
)
def test_a_day_a_happening_lasts_until_is_the_end_of_its_span(text, expected):
    assert [r.date_value for r in _events(text, published=date(2026, 3, 2))] == [expected]


# ---------------------------------------------------------------- participants named by the story

STRIKE = date(2026, 3, 2)
STORIES = {"a": "story_port", "b": "story_port", "c": "story_port", "x": "story_rail"}


def _who(records: list[EventRecord]) -> list[tuple[str, ...]]:
    return [r.participant_ids for r in records]


def test_a_report_naming_nobody_takes_the_one_happening_its_story_names() -> None:
    named = _record("a", "strike", ("org_castellan",), STRIKE, day=STRIKE)
    unnamed = _record("b", "strike", (), STRIKE, day=STRIKE, offset=5)
    out = story_participants([named, unnamed], STORIES)
    assert _who(out) == [("org_castellan",), ("org_castellan",)]
    assert len(merged_events(out)) == 1
    # from an earlier day's stored report of the story as well
    later = _record("c", "strike", (), STRIKE + timedelta(days=1), day=STRIKE + timedelta(days=1))
    assert _who(story_participants([later], STORIES, earlier=[named])) == [("org_castellan",)]


@pytest.mark.parametrize(
    ("records", "earlier"),
    [
        # another story's strike
        ([_record("x", "strike", (), STRIKE, day=STRIKE)], [_record("a", "strike", ("org_castellan",), STRIKE)]),
        # two strikes named in the story: which one is meant cannot be told
        (
            [_record("b", "strike", (), STRIKE, day=STRIKE)],
            [
                _record("a", "strike", ("org_castellan",), STRIKE),
                _record("c", "strike", ("org_dockers_union",), STRIKE, offset=3),
            ],
        ),
        # another type, or dates that do not fit
        ([_record("b", "talks", (), STRIKE, day=STRIKE)], [_record("a", "strike", ("org_castellan",), STRIKE)]),
        (
            [_record("b", "strike", (), STRIKE + timedelta(days=5), day=STRIKE + timedelta(days=5))],
            [_record("a", "strike", ("org_castellan",), STRIKE)],
        ),
        # a named report of a later day is not used (a day's rows must not depend on later days)
        (
            [_record("b", "strike", (), STRIKE, day=STRIKE)],
            [_record("a", "strike", ("org_castellan",), STRIKE, day=STRIKE + timedelta(days=1))],
        ),
        # an article in no story
        ([_record("z", "strike", (), STRIKE, day=STRIKE)], [_record("a", "strike", ("org_castellan",), STRIKE)]),
    ],
    ids=["other-story", "two-named", "other-type", "other-dates", "later-day", "no-story"],
)
def test_a_report_naming_nobody_stays_so_without_one_answer(records, earlier) -> None:
    assert _who(story_participants(records, STORIES, earlier=earlier)) == [()]


# ---------------------------------------------------------------- participants of the strike at a place

HARBOURTON = "gpe_harbourton"


def _placed(article: str, day: date = STRIKE, source: str = "sentence", typ: str = "strike") -> EventRecord:
    """A report naming nobody but Harbourton: "the dock strike at Harbourton, which began on Monday"."""
    return _record(article, typ, (), STRIKE, day=day, offset=7).model_copy(
        update={"place": "Harbourton", "place_entity_id": HARBOURTON, "place_source": source}
    )


def _named(
    article: str,
    who: str = "org_castellan",
    sentence: str = "Dockworkers at Harbourton Container Terminal went on strike against Castellan Port Services.",
    **kwargs,
) -> EventRecord:
    return _record(article, kwargs.pop("typ", "strike"), (who,), kwargs.pop("start", STRIKE), **kwargs).model_copy(
        update={"sentence": sentence}
    )


def test_a_report_naming_only_a_place_takes_the_one_strike_reported_there() -> None:
    named = _named("a", day=STRIKE)
    out = place_participants([named, _placed("g")])
    assert _who(out) == [("org_castellan",), ("org_castellan",)]
    assert len(merged_events(out)) == 1
    # from an earlier day's stored report, and from a report whose stated place it is
    later = _placed("g", day=STRIKE + timedelta(days=1))
    assert _who(place_participants([later], earlier=[named])) == [("org_castellan",)]
    # a report of Tuesday that the strike "ends on Wednesday": Tuesday to Wednesday, the strike of Monday
    ending = _placed("g", day=STRIKE + timedelta(days=1)).model_copy(
        update={"date_start": STRIKE + timedelta(days=1), "date_end": STRIKE + timedelta(days=2), "precision": "range"}
    )
    assert _who(place_participants([ending], earlier=[named])) == [("org_castellan",)]
    stated = _named("q", sentence="The union struck on Monday.").model_copy(
        update={"place": "Harbourton", "place_entity_id": HARBOURTON, "place_source": "sentence"}
    )
    assert _who(place_participants([_placed("g")], earlier=[stated])) == [("org_castellan",)]


@pytest.mark.parametrize(
    ("records", "earlier"),
    [
        # the named strike's sentence is about another town, or names Harbourton only in its dateline
        ([_placed("g")], [_named("c", sentence="Bus drivers in Kellbridge went on strike.")]),
        ([_placed("g")], [_named("c", sentence="HARBOURTON, March 2 (Reuters) - Bus drivers went on strike.")]),
        # its sentence states another town than Harbourton
        ([_placed("g")], [_named("c").model_copy(update={"place": "Kellbridge", "place_source": "sentence"})]),
        # two strikes reported at Harbourton: which one is meant cannot be told
        ([_placed("g")], [_named("a"), _named("a", who="org_dockers_union", offset=3)]),
        # dates that do not fit, a named report dated only to the year, a later day
        ([_placed("g")], [_named("a", start=STRIKE - timedelta(days=5))]),
        ([_placed("g")], [_named("a", start=date(2026, 1, 1), end=date(2026, 12, 31), precision="year")]),
        ([_placed("g")], [_named("a", day=STRIKE + timedelta(days=1))]),
        # a place from the dateline only says where the article was filed
        ([_placed("g", source="dateline")], [_named("a")]),
        # a meeting "in Harbourton" is one of many there: only strikes are named by their place
        ([_placed("g", typ="meeting")], [_named("a", typ="meeting")]),
    ],
    ids=[
        "other-town",
        "dateline-only",
        "other-stated-place",
        "two-named",
        "other-dates",
        "year-wide",
        "later-day",
        "dateline-place",
        "meeting",
    ],
)
def test_a_report_naming_only_a_place_stays_so_without_one_answer(records, earlier) -> None:
    assert _who(place_participants(records, earlier=earlier)) == [()]


@pytest.mark.timeout(120)  # a hang guard; the cost is measured by bench/bench_long_text.py
def test_a_long_article_costs_its_length() -> None:
    """Each trigger scanned every date and every entity mention of the article: 3,000 short dated
    sentences took 12 s (a 4.8 MB inbox file: hours); now each looks at its own span (about 2 s)."""
    records = _events("Okafor met Baptiste in Ashcombe on Tuesday. " * 3000, published=date(2026, 3, 4))
    assert len(records) == 3000
    assert {(r.type, r.date_value, r.place) for r in records} == {(records[0].type, "2026-03-03", "Ashcombe")}
    assert all(len(r.participants) == 2 for r in records)


@pytest.mark.timeout(120)  # a hang guard; the cost is measured by bench/bench_long_text.py
def test_many_alike_reports_merge_without_comparing_every_pair() -> None:
    """6,000 reports of one meeting (one article repeating its sentence) were compared pair by pair:
    18 million comparisons, about 20 s; alike reports now join the first of their kind."""
    (one,) = _events("Okafor met Baptiste in Ashcombe on Tuesday.", published=date(2026, 3, 4))
    reports = [one.model_copy(update={"start_char": i, "mention_id": f"m{i}"}) for i in range(6000)]
    (event,) = merged_events(reports, ENTITIES)
    assert event.date_value == "2026-03-03" and event.mention_count == 6000
