"""Table-driven tests for transforms.temporal (reference 2023-06-17, a Saturday, unless stated)."""

from __future__ import annotations

from datetime import date

import pytest

from transforms.temporal import ResolvedDate, date_mentions, resolved_date, tense_near

REF = date(2023, 6, 17)
D = date


@pytest.mark.parametrize(
    ("expression", "tense", "start", "end", "precision", "value"),
    [
        ("on Tuesday", "past", D(2023, 6, 13), D(2023, 6, 13), "day", "2023-06-13"),
        ("on Monday", "future", D(2023, 6, 19), D(2023, 6, 19), "day", "2023-06-19"),
        ("Saturday", "past", D(2023, 6, 17), D(2023, 6, 17), "day", "2023-06-17"),
        ("last Friday", None, D(2023, 6, 16), D(2023, 6, 16), "day", "2023-06-16"),
        ("next Saturday", None, D(2023, 6, 24), D(2023, 6, 24), "day", "2023-06-24"),
        ("this weekend", None, D(2023, 6, 17), D(2023, 6, 18), "range", "2023-W24-WE"),
        ("last November", None, D(2022, 11, 1), D(2022, 11, 30), "month", "2022-11"),
        ("in November", "future", D(2023, 11, 1), D(2023, 11, 30), "month", "2023-11"),
        ("in November", "past", D(2022, 11, 1), D(2022, 11, 30), "month", "2022-11"),
        ("June 18-19", None, D(2023, 6, 18), D(2023, 6, 19), "range", "2023-06-18/2023-06-19"),
        ("earlier this month", None, D(2023, 6, 1), REF, "range", "2023-06"),
        ("later this year", None, REF, D(2023, 12, 31), "range", "2023"),
        (
            "at 4:30 pm on Monday",
            "future",
            D(2023, 6, 19),
            D(2023, 6, 19),
            "day",
            "2023-06-19T16:30",
        ),
        ("February 10, 2021", None, D(2021, 2, 10), D(2021, 2, 10), "day", "2021-02-10"),
        ("10 February 2021", None, D(2021, 2, 10), D(2021, 2, 10), "day", "2021-02-10"),
        ("March 2021", None, D(2021, 3, 1), D(2021, 3, 31), "month", "2021-03"),
        ("2021", None, D(2021, 1, 1), D(2021, 12, 31), "year", "2021"),
        ("in 2022", None, D(2022, 1, 1), D(2022, 12, 31), "year", "2022"),
        ("yesterday", None, D(2023, 6, 16), D(2023, 6, 16), "day", "2023-06-16"),
        ("today", None, REF, REF, "day", "2023-06-17"),
        ("tomorrow", None, D(2023, 6, 18), D(2023, 6, 18), "day", "2023-06-18"),
        ("last week", None, D(2023, 6, 5), D(2023, 6, 11), "week", "2023-W23"),
        ("this week", None, D(2023, 6, 12), D(2023, 6, 18), "week", "2023-W24"),
        ("next week", None, D(2023, 6, 19), D(2023, 6, 25), "week", "2023-W25"),
        ("next month", None, D(2023, 7, 1), D(2023, 7, 31), "month", "2023-07"),
        ("last year", None, D(2022, 1, 1), D(2022, 12, 31), "year", "2022"),
        ("two days ago", None, D(2023, 6, 15), D(2023, 6, 15), "day", "2023-06-15"),
        ("three months ago", None, D(2023, 3, 1), D(2023, 3, 31), "month", "2023-03"),
        ("the 1990s", None, D(1990, 1, 1), D(1999, 12, 31), "decade", "199"),
        ("the nineties", None, D(1990, 1, 1), D(1999, 12, 31), "decade", "199"),
        ("the second quarter", None, D(2023, 4, 1), D(2023, 6, 30), "quarter", "2023-Q2"),
        ("third-quarter", "past", D(2022, 7, 1), D(2022, 9, 30), "quarter", "2022-Q3"),
        ("Q1 2021", None, D(2021, 1, 1), D(2021, 3, 31), "quarter", "2021-Q1"),
        ("the first half of 2022", None, D(2022, 1, 1), D(2022, 6, 30), "range", "2022-H1"),
        ("last fall", None, D(2022, 9, 1), D(2022, 11, 30), "range", "2022-FA"),
        ("nineteen ninety-six", None, D(1996, 1, 1), D(1996, 12, 31), "year", "1996"),
        ("Friday, June 9", None, D(2023, 6, 9), D(2023, 6, 9), "day", "2023-06-09"),
        ("Christmas", "future", D(2023, 12, 25), D(2023, 12, 25), "day", "2023-12-25"),
        ("2023-06-19", None, D(2023, 6, 19), D(2023, 6, 19), "day", "2023-06-19"),
    ],
)
def test_resolved_date(expression: str, tense: str | None, start: date, end: date, precision: str, value: str) -> None:
    got = resolved_date(expression, REF, tense=tense)  # type: ignore[arg-type]
    assert got == ResolvedDate(start=start, end=end, precision=precision, value=value,  # type: ignore[arg-type]
                               reference=REF)  # fmt: skip


@pytest.mark.parametrize(
    ("expression", "value"),
    [("now", "PRESENT_REF"), ("recently", "PAST_REF"), ("in the near future", "FUTURE_REF")],
)
def test_vague_references(expression: str, value: str) -> None:
    got = resolved_date(expression, REF)
    assert got is not None and got.value == value


@pytest.mark.parametrize("expression", ["", "the dog", "42", "may", "quarterback", "Mayday"])
def test_not_a_date(expression: str) -> None:
    # A lowercase "may" alone is still a month to resolved_date; finding text decides context.
    got = resolved_date(expression, REF)
    assert got is None or expression == "may"


@pytest.mark.parametrize(
    ("text", "mention", "tense"),
    [
        ("The ministers will meet in Brussels on Monday.", "Monday", "future"),
        ("The ministers met in Brussels on Monday.", "Monday", "past"),
        ("The talks are expected to resume on Monday, officials said.", "Monday", "future"),
        ("Prices have fallen since March.", "March", "past"),
        ("The company is profitable this year.", "this year", "present"),
        ("Monday.", "Monday", None),
        # "until" points ahead, but not after a verb of going on in the past
        ("The talks will go on until Friday.", "Friday", "future"),
        ("Officials postponed until Tuesday any action on the case.", "Tuesday", "future"),
        ("The strike lasted until Friday, the union said.", "Friday", "past"),
        ("The terminal stayed closed until Monday.", "Monday", "past"),
        ("The hearing was continued until Friday.", "Friday", "future"),  # a court's "continued": put off
    ],
)
def test_tense_near(text: str, mention: str, tense: str | None) -> None:
    start = text.index(mention)
    assert tense_near(text, start, start + len(mention)) == tense


def test_a_year_earlier_follows_the_quarter_in_focus() -> None:
    focus = resolved_date("the third quarter", date(1989, 10, 26))
    got = resolved_date("a year earlier", date(1989, 10, 26), focus=focus)
    assert got is not None and got.value == "1988-Q3"
    assert resolved_date("a year earlier", date(1989, 10, 26)).value == "1988"  # type: ignore[union-attr]


def test_date_mentions_finds_offsets_and_uses_tense() -> None:
    text = (
        "The ministers will meet on Monday at 4:30 pm, officials said on Friday. "
        "Prices rose earlier this month, and in March 2021 they fell. Trading may resume."
    )
    mentions = date_mentions(text, REF)
    found = {m.text: m.date.value for m in mentions}
    assert found == {
        "Monday at 4:30 pm": "2023-06-19T16:30",
        "Friday": "2023-06-16",
        "earlier this month": "2023-06",
        "March 2021": "2021-03",
    }
    for m in mentions:
        assert text[m.start : m.end] == m.text


@pytest.mark.timeout(120)  # a hang guard; the cost is measured by bench/bench_long_text.py
def test_a_long_text_with_a_date_in_every_sentence_costs_its_length() -> None:
    """Each mention's sentence was found by scanning from the text's start: 4,000 dated sentences
    (340 KB, under the inbox's 5 MB file limit) took 15 s and a 5 MB text most of an hour."""
    sentence = "The plan was approved on Tuesday after a long debate about costs and the new routes. "
    mentions = date_mentions(sentence * 4000, date(2026, 3, 4))
    assert len(mentions) == 4000
    assert {(m.text, m.date.value, m.tense) for m in mentions} == {("Tuesday", "2026-03-03", "past")}
    assert mentions[-1].start == len(sentence) * 3999 + sentence.index("Tuesday")
