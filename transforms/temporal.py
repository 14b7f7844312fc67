"""Date expressions in news text, resolved against a reference date (pure: no clock, no I/O).

`resolved_date` turns one expression ("last Tuesday", "the third quarter", "June 18-19")
into a calendar span plus a TIMEX3-style `value`; `date_mentions` finds such expressions in
running text; `tense_near` reads the verbs around a mention, because "Monday" in "will meet
Monday" and in "met Monday" are different days.
"""

from __future__ import annotations

import bisect
import calendar
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from dateutil.easter import easter
from dateutil.relativedelta import MO, TH, relativedelta
from pydantic import BaseModel, ConfigDict

Tense = Literal["past", "present", "future"]
Precision = Literal["day", "week", "month", "quarter", "year", "range", "decade"]

PAST_REF = "PAST_REF"
PRESENT_REF = "PRESENT_REF"
FUTURE_REF = "FUTURE_REF"


class ResolvedDate(BaseModel):
    """A date expression resolved to a calendar span.

    `value` is TIMEX3-style ("2023-06-19", "2023-W25", "2023-Q2", "199", "PAST_REF"); an
    explicit range is an ISO interval ("2023-06-18/2023-06-19"). Vague references span
    open-endedly: PAST_REF is date.min..reference, FUTURE_REF reference..date.max.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: date
    end: date
    precision: Precision
    value: str
    reference: date


class DateMention(BaseModel):
    """A date expression found in text: character offsets into that text and its resolution."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: int
    end: int
    text: str
    tense: Tense | None
    date: ResolvedDate


# ---------------------------------------------------------------------------------------------
# Vocabulary

_MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "febr": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
_SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
_UNITS = {
    "day": "day",
    "week": "week",
    "month": "month",
    "year": "year",
    "decade": "decade",
    "quarter": "quarter",
    "fortnight": "fortnight",
    "century": "century",
}

_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_SEASON_RE = "|".join(_SEASONS)
_ORD = r"(?:st|nd|rd|th)?"
_DAY = rf"(\d{{1,2}}){_ORD}"
_YEAR = r"(\d{4})"

_PRESENT_WORDS = {
    "now",
    "right now",
    "just now",
    "currently",
    "current",
    "at present",
    "presently",
    "these days",
    "nowadays",
    "at the moment",
    "at this time",
    "at this point",
    "today's",
    "the present",
    "present",
    "this time",
    "this moment",
    "the moment",
    "already",
    "yet",
    "so far",
    "to date",
    "as yet",
    "by now",
    "the current period",
}
_PAST_WORDS = {
    "recently",
    "recent",
    "lately",
    "the past",
    "past",
    "in the past",
    "earlier",
    "previously",
    "formerly",
    "once",
    "before",
    "more recently",
    "until recently",
    "recent years",
    "recent months",
    "recent weeks",
    "recent days",
    "recent times",
    "past years",
    "years ago",
    "long ago",
    "some time ago",
    "a while ago",
    "a while back",
    "a few years ago",
    "several years ago",
    "some years ago",
    "many years ago",
    "years earlier",
    "the old days",
    "the last few months",
    "the last few years",
    "the past few years",
    "the past few months",
    "the past several years",
    "the past several months",
    "the past several quarters",
    "recent weeks and months",
    "the time",
    "at the time",
    "historically",
}
_FUTURE_WORDS = {
    "the future",
    "future",
    "in the future",
    "soon",
    "the near future",
    "the near term",
    "the short term",
    "the long term",
    "the longer term",
    "the long run",
    "the coming months",
    "coming months",
    "the coming weeks",
    "coming weeks",
    "the coming years",
    "coming years",
    "the coming days",
    "coming days",
    "future quarters",
    "coming quarters",
    "a later date",
    "later date",
    "as soon as possible",
    "shortly",
    "eventually",
    "one day",
    "someday",
    "some day",
    "in due course",
    "the months ahead",
    "the weeks ahead",
    "the years ahead",
    "the days ahead",
    "upcoming",
    "the next few years",
    "the next few months",
    "the next few weeks",
    "the next few days",
    "the months to come",
    "the years to come",
}

_SMALL = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
}
_DECADE_WORDS = {
    "twenties": 2,
    "thirties": 3,
    "forties": 4,
    "fifties": 5,
    "sixties": 6,
    "seventies": 7,
    "eighties": 8,
    "nineties": 9,
}


# ---------------------------------------------------------------------------------------------
# Spans


@dataclass(frozen=True)
class _Span:
    start: date
    end: date
    precision: Precision
    value: str


def _day(d: date) -> _Span:
    return _Span(d, d, "day", d.isoformat())


def _month(year: int, month: int) -> _Span:
    last = calendar.monthrange(year, month)[1]
    return _Span(date(year, month, 1), date(year, month, last), "month", f"{year:04d}-{month:02d}")


def _year(year: int) -> _Span:
    return _Span(date(year, 1, 1), date(year, 12, 31), "year", f"{year:04d}")


def _quarter(year: int, q: int) -> _Span:
    first = date(year, 3 * q - 2, 1)
    last_month = 3 * q
    last = date(year, last_month, calendar.monthrange(year, last_month)[1])
    return _Span(first, last, "quarter", f"{year:04d}-Q{q}")


def _half(year: int, h: int) -> _Span:
    return _Span(date(year, 6 * h - 5, 1), date(year, 6 * h, 30 + (h == 2)), "range", f"{year:04d}-H{h}")


def _week(d: date) -> _Span:
    monday = d - timedelta(days=d.weekday())
    iso_year, iso_week, _ = monday.isocalendar()
    return _Span(monday, monday + timedelta(days=6), "week", f"{iso_year:04d}-W{iso_week:02d}")


def _weekend(d: date) -> _Span:
    """The weekend of the ISO week containing d."""
    week = _week(d)
    return _Span(week.start + timedelta(days=5), week.end, "range", f"{week.value}-WE")


def _season(year: int, code: str) -> _Span:
    # Meteorological seasons; winter of Y runs from December Y into February Y+1.
    if code == "WI":
        end = date(year + 1, 2, calendar.monthrange(year + 1, 2)[1])
        return _Span(date(year, 12, 1), end, "range", f"{year:04d}-WI")
    first = {"SP": 3, "SU": 6, "FA": 9}[code]
    end = date(year, first + 2, 31 if first + 2 in (5, 8) else 30)
    return _Span(date(year, first, 1), end, "range", f"{year:04d}-{code}")


def _decade(first_year: int) -> _Span:
    return _Span(date(first_year, 1, 1), date(first_year + 9, 12, 31), "decade", f"{first_year // 10:03d}")


def _century(index: int) -> _Span:
    """The nth century, TIMEX3-style: the 20th century is "19" (1900-1999)."""
    first = (index - 1) * 100
    return _Span(date(max(first, 1), 1, 1), date(first + 99, 12, 31), "range", f"{index - 1:02d}")


def _vague(value: str, ref: date) -> _Span:
    if value == PAST_REF:
        return _Span(date.min, ref, "range", value)
    if value == FUTURE_REF:
        return _Span(ref, date.max, "range", value)
    return _Span(ref, ref, "day", value)


def _interval(first: date, last: date) -> _Span | None:
    if last < first:
        return None
    return _Span(first, last, "range", f"{first.isoformat()}/{last.isoformat()}")


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# Choosing among occurrences: the direction comes from a modifier ("last", "next") or the tense


def _direction(modifier: str | None, tense: Tense | None) -> str:
    """ "past" (on or before the reference), "future" (on or after), or "near"."""
    if modifier in ("last", "past", "previous", "preceding"):
        return "strict_past"
    if modifier in ("next", "following"):
        return "strict_future"
    if modifier in ("coming", "this coming", "upcoming"):
        return "future"
    if tense == "future":
        return "future"
    if tense == "past":
        return "past"
    return "near"


def _weekday_date(weekday: int, ref: date, modifier: str | None, tense: Tense | None) -> date:
    back = (ref.weekday() - weekday) % 7
    fwd = (weekday - ref.weekday()) % 7
    if modifier == "this":
        # "this Monday": the one in the current week, whichever side of the reference it is.
        return ref - timedelta(days=ref.weekday()) + timedelta(days=weekday)
    way = _direction(modifier, tense)
    if way == "strict_past":
        return ref - timedelta(days=back or 7)
    if way == "strict_future":
        return ref + timedelta(days=fwd or 7)
    if way == "future":
        return ref + timedelta(days=fwd)
    if way == "past":
        return ref - timedelta(days=back)
    # No tense to go on: news mostly reports what happened, so a bare weekday is the latest one
    # unless it is only a day or two ahead.
    return ref + timedelta(days=fwd) if 0 < fwd <= 1 else ref - timedelta(days=back)


def _month_year(month: int, ref: date, modifier: str | None, tense: Tense | None) -> int:
    way = _direction(modifier, tense)
    if modifier == "this":
        return ref.year
    if way == "strict_past":
        return ref.year if month < ref.month else ref.year - 1
    if way == "strict_future":
        return ref.year if month > ref.month else ref.year + 1
    if way == "past":
        return ref.year if month <= ref.month + _MONTH_SLACK else ref.year - 1
    if way == "future":
        return ref.year if month >= ref.month - _MONTH_SLACK else ref.year + 1
    return _nearest_year(ref, date(ref.year, month, 15), window=6)


def _nearest_year(ref: date, candidate: date, *, window: int) -> int:
    """The year putting candidate (a day in ref.year) within `window` months of ref."""
    months = (candidate.year - ref.year) * 12 + candidate.month - ref.month
    if months > window:
        return ref.year - 1
    if months < -window:
        return ref.year + 1
    return ref.year


_SLACK = timedelta(days=90)
_MONTH_SLACK = 1  # months; see _SLACK


def _month_day_date(month: int, day: int, ref: date, modifier: str | None, tense: Tense | None) -> date | None:
    way = _direction(modifier, tense)
    this_year = _safe_date(ref.year, month, day) or _safe_date(ref.year, month, 28)
    assert this_year is not None
    # Tense read off running text is a weak signal, and a dated event is rarely far away: the
    # tense only decides between years when the date is more than a few months off.
    if way in ("past", "strict_past"):
        year = ref.year if this_year <= ref + _SLACK else ref.year - 1
    elif way in ("future", "strict_future"):
        year = ref.year if this_year >= ref - _SLACK else ref.year + 1
    else:
        year = _nearest_year(ref, this_year, window=6)
    return _safe_date(year, month, day)


def _quarter_year(q: int, ref: date, tense: Tense | None) -> int:
    # Quarters are mostly results being reported: "will report third-quarter results" late in
    # the year is still this year's; only past tense pushes a later quarter back a year.
    current = (ref.month - 1) // 3 + 1
    if tense == "past":
        return ref.year if q <= current else ref.year - 1
    return ref.year


def _last_complete_quarter(ref: date) -> tuple[int, int]:
    current = (ref.month - 1) // 3 + 1
    return (ref.year, current - 1) if current > 1 else (ref.year - 1, 4)


# ---------------------------------------------------------------------------------------------
# Normalising an expression


def _number_words(s: str) -> str:
    """Spelled numbers to digits ("twenty four" -> "24", "nineteen ninety-six" -> "1996")."""
    words = s.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        parts: list[str] = []
        j = i
        while j < len(words):
            w = words[j]
            pieces = w.split("-")
            if all(p in _SMALL or p in _TENS or p in ("hundred", "thousand") for p in pieces) or (
                parts and w == "and" and j + 1 < len(words) and words[j + 1] in _SMALL
            ):
                parts.extend(pieces)
                j += 1
                continue
            break
        if parts and j < len(words) and words[j] in _ORDINALS and words[j - 1] in _TENS:
            # "twenty first" -> 21st
            parts.append(words[j])
            j += 1
        if not parts:
            w = words[i]
            pieces = w.split("-")
            if len(pieces) == 2 and pieces[0] in _TENS and pieces[1] in _ORDINALS:
                n = _TENS[pieces[0]] + _ORDINALS[pieces[1]]
                out.append(f"{n}{_suffix(n)}")
            elif w in _ORDINALS:
                n = _ORDINALS[w]
                out.append(f"{n}{_suffix(n)}")
            else:
                out.append(w)
            i += 1
            continue
        out.append(_number_value(parts))
        i = j
    return " ".join(out)


def _suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _number_value(parts: list[str]) -> str:
    ordinal = parts[-1] in _ORDINALS
    if ordinal:
        parts = [*parts[:-1], str(_ORDINALS[parts[-1]])]
    groups: list[int] = []  # consecutive sub-hundred groups, for years like "nineteen ninety six"
    total = 0
    current = 0
    last_small = False
    for p in parts:
        if p == "and":
            continue
        if p.isdigit():
            current += int(p)
        elif p in _SMALL:
            if last_small:
                groups.append(current)
                current = 0
            current += _SMALL[p]
            last_small = True
            continue
        elif p in _TENS:
            if current and current % 100 and (current % 10 or current >= 10):
                groups.append(current)
                current = 0
            current += _TENS[p]
        elif p == "hundred":
            current = (current or 1) * 100
        elif p == "thousand":
            total += (current or 1) * 1000
            current = 0
        last_small = False
    groups.append(total + current)
    if len(groups) == 2 and 10 <= groups[0] <= 20 and groups[1] < 100:
        value = groups[0] * 100 + groups[1]  # "nineteen ninety six", "twenty twenty three"
    else:
        value = sum(groups) if len(groups) == 1 else int("".join(str(g) for g in groups))
    return f"{value}{_suffix(value)}" if ordinal else str(value)


_TIME_RE = re.compile(
    r"(?:(?:at|around|about|by|from|until|before|after) )?"
    r"(?:(\d{1,2})(?::(\d{2}))? ?(am|pm)|(noon|midday|midnight)|(\d{1,2}):(\d{2}))"
    r"(?: (?:edt|est|cdt|cst|mdt|mst|pdt|pst|gmt|utc|bst|cet|cest|et|pt|local time))?"
)
_DAYPART_RE = re.compile(r"\b(morning|afternoon|evening|night|overnight|midday|lunchtime|dawn|daybreak|dusk)\b")


def _normalised(expression: str) -> str:
    s = expression.lower().strip()
    s = s.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    s = re.sub(r"\ba\.m\.?", "am", s)
    s = re.sub(r"\bp\.m\.?", "pm", s)
    s = re.sub(r"(?<![\d-])\b(\d{1,2}) ?- ?(\d{1,2})\b(?![:-])", r"\1 - \2", s)
    s = re.sub(r"(\w)\.(?=\s|,|$)", r"\1", s)  # "nov." -> "nov", "u.s." stays mostly harmless
    s = re.sub(r"'s\b", "", s)  # "year's end", "friday's"
    s = re.sub(r"[\"()\[\];:!?]+(?!\d)", " ", s)
    s = re.sub(r",", " , ", s)
    s = re.sub(r"\s+", " ", s).strip(" ,.-")
    s = re.sub(r"\b(mid|post|pre|late|early|end|year)-(?=[a-z'\d])", r"\1 ", s)
    s = re.sub(r"-(quarter|half|year|month|week|day|period)\b", r" \1", s)
    s = re.sub(r"\bfiscal-", "fiscal ", s)
    s = _number_words(s)
    return s


_LEAD_RE = re.compile(
    r"^(?:(?:on|in|at|by|during|since|until|till|through|throughout|from|for|of|around|about|"
    r"approximately|roughly|circa|sometime|some time|as of|as early as|as late as|no later than|"
    r"not until|before|after|starting|beginning|effective|within|over|over the course of)\s+)+"
)


# ---------------------------------------------------------------------------------------------
# Grammar: each rule fullmatches the normalised expression and returns a span


@dataclass(frozen=True)
class _Ctx:
    ref: date
    tense: Tense | None
    focus: _Span | None = None  # the date the text was last talking about, for "that year"


def _year_before_focus(c: _Ctx) -> _Span | None:
    """ "A year earlier" in results news means the same period a year before the one in focus."""
    if c.focus is None or c.focus.precision != "quarter":
        return None
    year, q = int(c.focus.value[:4]), int(c.focus.value[-1])
    return _quarter(year - 1, q)


_Rule = Callable[[re.Match[str], _Ctx], "_Span | None"]
_RULES: list[tuple[re.Pattern[str], _Rule]] = []


def _rule(pattern: str) -> Callable[[_Rule], _Rule]:
    def register(fn: _Rule) -> _Rule:
        _RULES.append((re.compile(pattern), fn))
        return fn

    return register


_REL = r"(last|this|next|past|previous|coming|this coming|upcoming|following|current|preceding)"


def _anaphoric(word: str, unit: str, c: _Ctx) -> _Span | None:
    """ "That year", "the following day", "the previous Friday": relative to the focus."""
    f = c.focus
    if f is None or f.value.endswith("_REF"):
        return None
    shift = {"following": 1, "next": 1, "previous": -1, "preceding": -1, "prior": -1}.get(word, 0)
    if unit in _WEEKDAYS:
        if f.precision != "day":
            return None
        wd = _WEEKDAYS[unit]
        if shift < 0:
            return _day(f.start - timedelta(days=(f.start.weekday() - wd) % 7 or 7))
        if shift > 0:
            return _day(f.start + timedelta(days=(wd - f.start.weekday()) % 7 or 7))
        return None
    if unit in ("day", "morning", "night", "evening", "afternoon"):
        return _day(f.start + timedelta(days=shift)) if f.precision == "day" else None
    if unit == "week":
        return _week(f.start + timedelta(days=7 * shift))
    if unit == "month":
        d = f.start + relativedelta(months=shift)
        return _month(d.year, d.month)
    if unit == "quarter":
        d = f.start + relativedelta(months=3 * shift)
        return _quarter(d.year, (d.month - 1) // 3 + 1)
    return _year(f.start.year + shift)


_RULES.append(
    (
        re.compile(
            r"(?:(?:earlier|later|early|late) (?:in )?)?"
            r"(that|the same|that same|the following|the next|the previous|the preceding|the prior)"
            rf" (day|morning|night|evening|afternoon|week|month|quarter|year|{_WEEKDAY_RE})"
        ),
        lambda m, c: _anaphoric(m[1].split()[-1], m[2], c),
    )
)
_RULES.append(
    (
        re.compile(r"(?:the )?(day|week|month|year) (before|after)"),
        lambda m, c: _anaphoric("previous" if m[2] == "before" else "next", m[1], c),
    )
)


@_rule(
    r"(?:the )?(today|tonight|yesterday|tomorrow|day before yesterday|day after tomorrow|"
    r"last night|this morning|this afternoon|this evening|tomorrow night|yesterday night)"
)
def _day_word(m: re.Match[str], c: _Ctx) -> _Span:
    word = m[1]
    offset = {
        "yesterday": -1,
        "tomorrow": 1,
        "day before yesterday": -2,
        "day after tomorrow": 2,
        "last night": -1,
        "tomorrow night": 1,
        "yesterday night": -1,
    }.get(word, 0)
    return _day(c.ref + timedelta(days=offset))


@_rule(rf"(?:(?:{_REL}|the) )?({_WEEKDAY_RE})(?: , ?)?(?: ({_MONTH_RE}) {_DAY}(?: , ?{_YEAR})?)?")
def _weekday(m: re.Match[str], c: _Ctx) -> _Span | None:
    if m[3]:  # "Friday, Oct. 23": the explicit date wins; the weekday picks its year
        if not m[5]:
            month, day, weekday = _MONTHS[m[3]], int(m[4]), _WEEKDAYS[m[2]]
            fits = [
                d
                for y in (c.ref.year, c.ref.year - 1, c.ref.year + 1)
                if (d := _safe_date(y, month, day)) and d.weekday() == weekday
            ]
            if fits:
                return _day(fits[0])
        return _month_day(m[3], int(m[4]), m[5], c, None)
    modifier = m[1]
    if modifier in ("past", "previous", "preceding", "following"):
        return None  # anaphoric ("the previous Friday"): relative to another mention, not to ref
    return _day(_weekday_date(_WEEKDAYS[m[2]], c.ref, modifier, c.tense))


def _month_day(month_word: str, day: int, year: str | None, c: _Ctx, modifier: str | None) -> _Span | None:
    month = _MONTHS[month_word]
    d = _safe_date(int(year), month, day) if year else _month_day_date(month, day, c.ref, modifier, c.tense)
    return _day(d) if d else None


@_rule(rf"(?:the )?({_MONTH_RE}) {_DAY}(?: , ?{_YEAR})?")
def _month_day_rule(m: re.Match[str], c: _Ctx) -> _Span | None:
    return _month_day(m[1], int(m[2]), m[3], c, None)


@_rule(rf"(?:the )?{_DAY}(?: of)? ({_MONTH_RE})(?:(?: ,)? {_YEAR})?")
def _day_month(m: re.Match[str], c: _Ctx) -> _Span | None:
    return _month_day(m[2], int(m[1]), m[3], c, None)


@_rule(rf"({_MONTH_RE}) {_DAY} ?- ?{_DAY}(?: , ?{_YEAR})?")
def _month_day_range(m: re.Match[str], c: _Ctx) -> _Span | None:
    first = _month_day(m[1], int(m[2]), m[4], c, None)
    if first is None:
        return None
    last = _safe_date(first.start.year, first.start.month, int(m[3]))
    return _interval(first.start, last) if last else None


@_rule(rf"{_DAY} ?- ?{_DAY} ({_MONTH_RE})(?: , ?{_YEAR})?")
def _day_day_month(m: re.Match[str], c: _Ctx) -> _Span | None:
    first = _month_day(m[3], int(m[1]), m[4], c, None)
    if first is None:
        return None
    last = _safe_date(first.start.year, first.start.month, int(m[2]))
    return _interval(first.start, last) if last else None


@_rule(
    rf"(?:from |between )?({_MONTH_RE}) {_DAY} ?(?:-|to|through|until|and) ?({_MONTH_RE}) "
    rf"{_DAY}(?: , ?{_YEAR})?"
)
def _month_day_month_day(m: re.Match[str], c: _Ctx) -> _Span | None:
    first = _month_day(m[1], int(m[2]), m[5], c, None)
    if first is None:
        return None
    year = first.start.year + (_MONTHS[m[3]] < first.start.month)
    last = _safe_date(year, _MONTHS[m[3]], int(m[4]))
    return _interval(first.start, last) if last else None


@_rule(rf"(?:from |between )?({_MONTH_RE}) {_DAY} ?(?:to|through|until|and) ?{_DAY}(?: , ?{_YEAR})?")
def _month_day_to_day(m: re.Match[str], c: _Ctx) -> _Span | None:
    return _month_day_range(m, c)


@_rule(rf"(?:{_REL} )?({_MONTH_RE})(?: (?:of )?(?:{_YEAR}|(this|last|next) year))?")
def _month_rule(m: re.Match[str], c: _Ctx) -> _Span | None:
    modifier, month = m[1], _MONTHS[m[2]]
    if modifier in ("previous", "preceding", "following"):
        return None
    if m[3]:
        return _month(int(m[3]), month)
    if m[4]:
        return _month(c.ref.year + {"this": 0, "last": -1, "next": 1}[m[4]], month)
    if modifier == "current":
        return None
    return _month(_month_year(month, c.ref, modifier, c.tense), month)


@_rule(
    r"(?:the )?(?:year |calendar |fiscal |fiscal year |fy ?|the year )?(\d{4})"
    r"(?: (?:period|or later|and beyond|or so|onwards?|fiscal year|calendar year))?"
)
def _year_rule(m: re.Match[str], c: _Ctx) -> _Span | None:
    year = int(m[1])
    if not 1000 <= year <= 2199:
        return None
    if m[0].endswith("period") and c.focus is not None and c.focus.precision == "quarter":
        return _quarter(year, int(c.focus.value[-1]))  # "the 1988 period" in a results story
    return _year(year)


@_rule(r"(?:the )?(?:year )?'(\d{2})")
def _short_year(m: re.Match[str], c: _Ctx) -> _Span:
    return _year(_century_of(int(m[1]), c.ref))


def _century_of(two_digits: int, ref: date) -> int:
    """A two-digit year, taken as the nearest year ending that way not far in the future."""
    year = ref.year - ref.year % 100 + two_digits
    return year - 100 if year > ref.year + 10 else year


@_rule(r"q([1-4]) (?:of )?(\d{4})|(\d{4}) q([1-4])")
def _q_year(m: re.Match[str], c: _Ctx) -> _Span:
    return _quarter(int(m[2] or m[3]), int(m[1] or m[4]))


@_rule(r"(\d{4})-(\d{2})-(\d{2})")
def _iso_day(m: re.Match[str], c: _Ctx) -> _Span | None:
    d = _safe_date(int(m[1]), int(m[2]), int(m[3]))
    return _day(d) if d else None


@_rule(r"(\d{4})-(\d{2})")
def _iso_month(m: re.Match[str], c: _Ctx) -> _Span | None:
    return _month(int(m[1]), int(m[2])) if 1 <= int(m[2]) <= 12 else None


@_rule(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})")
def _slash_date(m: re.Match[str], c: _Ctx) -> _Span | None:
    a, b = int(m[1]), int(m[2])
    year = int(m[3]) if len(m[3]) == 4 else _century_of(int(m[3]), c.ref)
    # Month first (US wire style) unless that cannot be a month.
    month, day = (b, a) if a > 12 else (a, b)
    d = _safe_date(year, month, day)
    return _day(d) if d else None


@_rule(
    r"(?:the |its |their |a |(?:this|last|next) year )?"
    r"(?:(this|last|next|current|past|coming|previous|following|same|latest|most recent|"
    rf"{_YEAR}|(?:the )?year[- ]?(?:ago|earlier)|comparable|corresponding) )?"
    r"(?:comparable |corresponding |fiscal |fiscal-|calendar |financial |flat |full |whole "
    r"|entire )*"
    r"(?:(1st|2nd|3rd|4th|q[1-4]|[1-4]) ?-?)?(?:fiscal |fiscal-)?(?:quarter|qtr)"
    r"(?: (?:of |in )?(?:(?:fiscal |calendar )?(\d{4})|(this|last|next) year))?"
    r"(?: (?:a year ago|a year earlier|last year|of last year|year[- ]ago))?"
)
def _quarter_rule(m: re.Match[str], c: _Ctx) -> _Span | None:
    modifier, year_text, number, year_after, rel_year = m[1], m[2], m[3], m[4], m[5]
    text = m[0]
    if not rel_year and (lead := re.match(r"(this|last|next) year ", text)):
        rel_year = lead[1]  # "this year's third quarter"
    year_ago = ("year" in (modifier or "") and ("ago" in text or "earlier" in text)) or bool(
        re.search(
            r"a year ago|a year earlier|last year|year[- ]ago",
            text[m.end(3) if number else 0 :],
        )
    )
    year = int(year_text or year_after) if (year_text or year_after) else None
    if rel_year:
        year = c.ref.year + {"this": 0, "last": -1, "next": 1}[rel_year]
    if number:
        q = int(number.strip("q")[0])
        if modifier in ("last", "next", "past", "previous", "following", "latest", "current"):
            modifier = None
        if year is None:
            if modifier == "this":
                year = c.ref.year
            else:
                year = _quarter_year(q, c.ref, c.tense)
                if year_ago:
                    year -= 1
        return _quarter(year, q)
    if year is not None:
        # "the 1988 quarter": the same quarter as the latest complete one, that year.
        return _quarter(year, _last_complete_quarter(c.ref)[1])
    current = (c.ref.year, (c.ref.month - 1) // 3 + 1)
    if modifier in ("current", "this"):
        y, q = current
    elif modifier == "next" or modifier == "coming":
        y, q = (current[0], current[1] + 1) if current[1] < 4 else (current[0] + 1, 1)
    elif modifier == "last" or modifier == "past" or modifier == "previous":
        y, q = _last_complete_quarter(c.ref)
    elif modifier in ("following", "same", "comparable", "corresponding"):
        if not year_ago:
            return None
        y, q = _last_complete_quarter(c.ref)
    else:  # "the quarter", "the latest quarter": results reported for the quarter just ended
        y, q = current if c.tense == "future" else _last_complete_quarter(c.ref)
    if year_ago:
        return _year_before_focus(c) or _quarter(y - 1, q)
    return _quarter(y, q)


@_rule(
    r"(?:the )?(?:(?:same|comparable|corresponding|latest|year[- ]?ago|year[- ]?earlier) )+"
    r"(?:period|quarter|months?)(?: (?:a year ago|a year earlier|last year|of last year))?|"
    r"(?:the )?(?:quarter|period) (?:a year ago|a year earlier)|"
    r"(?:the )?(?:corresponding|comparable|same) period (?:of |in )?(?:last year|a year ago)"
)
def _year_ago_period(m: re.Match[str], c: _Ctx) -> _Span | None:
    y, q = _last_complete_quarter(c.ref)
    text = m[0]
    if not re.search(r"year|ago|earlier", text):
        if "latest" in text and "period" in text:
            return _quarter(y, q)
        return None
    return _year_before_focus(c) or _quarter(y - 1, q)


@_rule(
    r"(?:the )?(?:(first|second|last|latter|1st|2nd) half|(?:first|1st|last|final) (?:2|two) "
    r"quarters)(?: (?:of )?(?:(?:fiscal )?(\d{4})|(this|last|next) year))?"
)
def _half_rule(m: re.Match[str], c: _Ctx) -> _Span | None:
    text = m[0]
    h = 1 if (m[1] in ("first", "1st") or re.search(r"(?:first|1st) (?:2|two)", text)) else 2
    if m[2]:
        year = int(m[2])
    elif m[3]:
        year = c.ref.year + {"this": 0, "last": -1, "next": 1}[m[3]]
    else:
        year = c.ref.year
    return _half(year, h)


@_rule(rf"(?:{_REL} |the |(\d{{4}}) )?({_SEASON_RE})(?: (?:of )?(?:(\d{{4}})|(this|last|next) year))?")
def _season_rule(m: re.Match[str], c: _Ctx) -> _Span | None:
    modifier, code = m[1], _SEASONS[m[3]]
    if m[2] or m[4]:
        return _season(int(m[2] or m[4]), code)
    if m[5]:
        return _season(c.ref.year + {"this": 0, "last": -1, "next": 1}[m[5]], code)
    current = _season_of(c.ref)
    order = ["WI", "SP", "SU", "FA"]
    # Seasons counted from the winter that starts in December of the previous year.
    cur_index = order.index(current[1])
    want = order.index(code)
    cur_year = current[0] + (1 if current[1] == "WI" else 0)  # "season year" of current

    def season_at(season_year: int, idx: int) -> _Span:
        return _season(season_year - 1 if idx == 0 else season_year, order[idx])

    if modifier in ("last", "past", "previous"):
        year = cur_year if want < cur_index else cur_year - 1
        if modifier == "past" and want == cur_index:
            year = cur_year
    elif modifier in ("next", "coming", "this coming", "upcoming"):
        year = cur_year if want > cur_index else cur_year + 1
    elif modifier == "this" or modifier == "current":
        year = cur_year
    elif modifier in ("following", "preceding"):
        return None
    elif c.tense == "past":
        year = cur_year if want <= cur_index else cur_year - 1
    elif c.tense == "future":
        year = cur_year if want >= cur_index else cur_year + 1
    else:
        year = cur_year
    return season_at(year, want)


def _season_of(d: date) -> tuple[int, str]:
    if d.month == 12:
        return d.year, "WI"
    if d.month <= 2:
        return d.year - 1, "WI"
    return d.year, {3: "SP", 4: "SP", 5: "SP", 6: "SU", 7: "SU", 8: "SU"}.get(d.month, "FA")


@_rule(r"(?:the )?(?:(last|this|next|past|coming|current|previous|following) )?(?:weekend)")
def _weekend_rule(m: re.Match[str], c: _Ctx) -> _Span | None:
    modifier = m[1]
    this = _weekend(c.ref)
    if modifier in ("this", "current"):
        return this
    if modifier in ("last", "past", "previous"):
        return _weekend(c.ref - timedelta(days=7))
    if modifier in ("next", "coming"):
        return this if c.ref.weekday() < 5 and modifier == "coming" else _weekend(c.ref + timedelta(days=7))
    if modifier == "following":
        return None
    if c.ref.weekday() >= 5:
        return this
    return _weekend(c.ref - timedelta(days=7)) if c.tense != "future" else this


@_rule(
    r"(?:the )?(?:(last|this|next|past|coming|current|previous|following|same|latest|"
    r"most recent|prior) )?(week|month|year|decade|century|fiscal year|calendar year|"
    r"financial year|full year|whole year|entire year|year to date)"
)
def _relative_unit(m: re.Match[str], c: _Ctx) -> _Span | None:
    modifier, unit = m[1], m[2]
    if modifier in ("following", "same", "previous", "prior") and unit != "year":
        return None
    if unit.endswith("year") or unit == "year to date":
        shift = {
            "last": -1,
            "past": -1,
            "next": 1,
            "coming": 1,
            "latest": -1,
            "most recent": -1,
            "previous": -1,
            "prior": -1,
            "following": 1,
        }.get(modifier or "", 0)
        if modifier in ("following", "same"):
            return None
        return _year(c.ref.year + shift)
    if unit in ("decade", "century"):
        if unit == "decade":
            base = c.ref.year - c.ref.year % 10
            shift = {"last": -10, "past": -10, "next": 10, "coming": 10}.get(modifier or "", 0)
            return _decade(base + shift)
        index = c.ref.year // 100 + 1
        shift = {"last": -1, "past": -1, "next": 1, "coming": 1}.get(modifier or "", 0)
        return _century(index + shift)
    if modifier is None and unit != "week":
        return None
    shift = {"last": -1, "past": -1, "next": 1, "coming": 1, "latest": -1, "most recent": -1}.get(modifier or "", 0)
    if unit == "week":
        if modifier is None and not m[0].startswith("the"):
            return None
        return _week(c.ref + timedelta(days=7 * shift))
    first = date(c.ref.year, c.ref.month, 1) + relativedelta(months=shift)
    return _month(first.year, first.month)


@_rule(
    r"(?:the )?(?:(early|mid|late) )?(\d{3})0'?s|(?:the )?(?:(early|mid|late) )?'(\d)0s|"
    r"(?:the )?(?:(early|mid|late) )?(twenties|thirties|forties|fifties|sixties|seventies|"
    r"eighties|nineties)"
)
def _decade_rule(m: re.Match[str], c: _Ctx) -> _Span | None:
    if m[2]:
        return _decade(int(m[2]) * 10)
    digit = int(m[4]) if m[4] else _DECADE_WORDS[m[6]]
    first = _century_of(digit * 10, c.ref)
    return _decade(first - first % 10)


@_rule(r"(?:the )?(\d{1,2})(?:st|nd|rd|th) century")
def _century_rule(m: re.Match[str], c: _Ctx) -> _Span | None:
    index = int(m[1])
    return _century(index) if 1 <= index <= 22 else None


_COUNT = r"(\d+|a|an|one|a couple of|a few|several|some|many|few)"


@_rule(
    rf"(?:(?:nearly|almost|about|around|roughly|some|more than|less than|over|just over|"
    rf"just under|under|approximately|exactly|only|barely) )?{_COUNT} (?:or so )?"
    rf"(day|week|fortnight|month|year|decade|quarter)s? (?:or so )?(ago|earlier|before|back|"
    rf"from now|hence|later)"
)
def _ago(m: re.Match[str], c: _Ctx) -> _Span | None:
    count_text, unit, direction = m[1], m[2], m[3]
    sign = 1 if direction in ("from now", "hence", "later") else -1
    if count_text in ("a couple of", "a few", "several", "some", "many", "few"):
        if count_text == "a couple of":
            n = 2
        else:
            return _vague(FUTURE_REF if sign > 0 else PAST_REF, c.ref)
    else:
        n = 1 if count_text in ("a", "an", "one") else int(count_text)
    if n == 1 and unit == "year" and sign < 0 and (before_focus := _year_before_focus(c)):
        return before_focus
    return _shifted(c.ref, n * sign, unit)


def _shifted(ref: date, n: int, unit: str) -> _Span | None:
    if unit == "day":
        return _day(ref + timedelta(days=n))
    if unit in ("week", "fortnight"):
        return _week(ref + timedelta(days=n * (14 if unit == "fortnight" else 7)))
    if unit == "month":
        d = ref + relativedelta(months=n)
        return _month(d.year, d.month)
    if unit == "quarter":
        d = ref + relativedelta(months=3 * n)
        return _quarter(d.year, (d.month - 1) // 3 + 1)
    if unit == "decade":
        return _year(ref.year + 10 * n)
    return _year(ref.year + n)


@_rule(rf"(?:in|within|after) {_COUNT} (day|week|fortnight|month|year|decade)s?(?: time)?")
def _in_n_units(m: re.Match[str], c: _Ctx) -> _Span | None:
    if not m[1].isdigit() and m[1] not in ("a", "an", "one"):
        return _vague(FUTURE_REF, c.ref)
    n = 1 if m[1] in ("a", "an", "one") else int(m[1])
    return _shifted(c.ref, n, m[2])


@_rule(r"(?:the )?(?:a |one )?year[- ]?(?:ago|earlier)(?: (?:period|levels?|results?|figures?))?")
def _year_ago(m: re.Match[str], c: _Ctx) -> _Span:
    return _year_before_focus(c) or _year(c.ref.year - 1)


@_rule(r"(?:the )?week of (.+)")
def _week_of(m: re.Match[str], c: _Ctx) -> _Span | None:
    inner = _resolve(m[1], c)
    return _week(inner.start) if inner and inner.precision == "day" else None


_HOLIDAYS: dict[str, Callable[[int], date]] = {
    "new year day": lambda y: date(y, 1, 1),
    "new year eve": lambda y: date(y, 12, 31),
    "christmas": lambda y: date(y, 12, 25),
    "christmas day": lambda y: date(y, 12, 25),
    "christmas eve": lambda y: date(y, 12, 24),
    "boxing day": lambda y: date(y, 12, 26),
    "valentine day": lambda y: date(y, 2, 14),
    "independence day": lambda y: date(y, 7, 4),
    "the fourth of july": lambda y: date(y, 7, 4),
    "halloween": lambda y: date(y, 10, 31),
    "veterans day": lambda y: date(y, 11, 11),
    "armistice day": lambda y: date(y, 11, 11),
    "easter": easter,
    "easter sunday": easter,
    "easter monday": lambda y: easter(y) + timedelta(days=1),
    "good friday": lambda y: easter(y) - timedelta(days=2),
    "thanksgiving": lambda y: date(y, 11, 1) + relativedelta(weekday=TH(4)),
    "thanksgiving day": lambda y: date(y, 11, 1) + relativedelta(weekday=TH(4)),
    "labor day": lambda y: date(y, 9, 1) + relativedelta(weekday=MO(1)),
    "memorial day": lambda y: date(y, 5, 31) + relativedelta(weekday=MO(-1)),
    "martin luther king day": lambda y: date(y, 1, 1) + relativedelta(weekday=MO(3)),
    "presidents day": lambda y: date(y, 2, 1) + relativedelta(weekday=MO(3)),
    "black friday": lambda y: date(y, 11, 1) + relativedelta(weekday=TH(4)) + timedelta(days=1),
    "election day": lambda y: date(y, 11, 2) + relativedelta(weekday=MO(1)) + timedelta(days=1),
    "mother day": lambda y: _nth_weekday(y, 5, 6, 2),
    "father day": lambda y: _nth_weekday(y, 6, 6, 3),
    "bastille day": lambda y: date(y, 7, 14),
    "may day": lambda y: date(y, 5, 1),
}


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


_HOLIDAY_RE = "|".join(sorted((re.escape(h) for h in _HOLIDAYS), key=len, reverse=True))


@_rule(rf"(?:(last|this|next|past|coming) |the )?({_HOLIDAY_RE})(?: (week|weekend))?(?: (\d{{4}}))?")
def _holiday(m: re.Match[str], c: _Ctx) -> _Span | None:
    modifier, name, week, year = m[1], m[2], m[3], m[4]
    when = _HOLIDAYS[name]
    if year:
        d = when(int(year))
    else:
        this_year = when(c.ref.year)
        way = _direction(modifier, c.tense)
        if modifier == "this":
            d = this_year
        elif way in ("past", "strict_past"):
            d = this_year if this_year < c.ref or (way == "past" and this_year == c.ref) else when(c.ref.year - 1)
        elif way in ("future", "strict_future"):
            d = this_year if this_year > c.ref or (way == "future" and this_year == c.ref) else (when(c.ref.year + 1))
        else:
            d = when(_nearest_year(c.ref, this_year, window=6))
    if week == "week":
        return _week(d)
    if week == "weekend":
        return _weekend(d)
    return _day(d)


_VAGUE = {
    **dict.fromkeys(_PRESENT_WORDS, PRESENT_REF),
    **dict.fromkeys(_PAST_WORDS, PAST_REF),
    **dict.fromkeys(_FUTURE_WORDS, FUTURE_REF),
}


# ---------------------------------------------------------------------------------------------
# Modifiers that narrow a span: "early", "late", "mid", "earlier this", "the end of"

_MODIFIER_RE = re.compile(
    r"^(?:the )?(earlier|later|early|late|mid|middle|the middle of|middle of|the end of|end of|"
    r"the beginning of|beginning of|the start of|start of|the close of|close of|the turn of|"
    r"the first part of|the latter part of|a good part of|much of|most of|the rest of|"
    r"the remainder of|the balance of|the first days of|the last days of|the dawn of|"
    r"the spring of|the summer of|the fall of|the autumn of|the winter of|"
    r"the first half of|the second half of)\s+(?:in |of )?(.+)$"
)
_TAIL_MODIFIER_RE = re.compile(r"^(.+?)\s+(end|-end|start|close)$")


def _narrowed(span: _Span, modifier: str, ref: date) -> _Span | None:
    if span.precision == "day" or span.value in (PAST_REF, PRESENT_REF, FUTURE_REF):
        return span
    if modifier in ("earlier", "later"):
        if span.start <= ref <= span.end:
            if modifier == "earlier":
                return _Span(span.start, ref, "range", span.value)
            return _Span(ref, span.end, "range", span.value)
        return _Span(span.start, span.end, "range", span.value) if span.precision == "range" else span
    days = (span.end - span.start).days + 1
    third = max(days // 3, 1)
    if modifier in (
        "early",
        "the beginning of",
        "beginning of",
        "the start of",
        "start of",
        "the first part of",
        "the first days of",
        "the dawn of",
        "start",
    ):
        return _Span(span.start, span.start + timedelta(days=third - 1), "range", span.value)
    if modifier in (
        "late",
        "the end of",
        "end of",
        "the close of",
        "close of",
        "end",
        "-end",
        "close",
        "the latter part of",
        "the last days of",
        "the turn of",
    ):
        return _Span(span.end - timedelta(days=third - 1), span.end, "range", span.value)
    if modifier in ("mid", "middle", "the middle of", "middle of"):
        return _Span(
            span.start + timedelta(days=third),
            span.end - timedelta(days=third),
            "range",
            span.value,
        )
    if modifier in ("the rest of", "the remainder of", "the balance of"):
        return _Span(max(span.start, ref), span.end, "range", span.value)
    if modifier in ("the first half of", "the second half of") and span.precision == "year":
        return _half(span.start.year, 1 if "first" in modifier else 2)
    if modifier.startswith("the ") and modifier.endswith(" of") and span.precision == "year":
        season = modifier.split()[1]
        return _season(span.start.year, _SEASONS[season])
    return span  # "a good part of 1990", "much of the year": the unit itself


def _resolve(s: str, c: _Ctx) -> _Span | None:
    s = s.strip(" ,")
    if not s:
        return None
    if s in _VAGUE:
        return _vague(_VAGUE[s], c.ref)
    for pattern, fn in _RULES:
        m = pattern.fullmatch(s)
        if m:
            span = fn(m, c)
            if span is not None:
                return span
    stripped = _LEAD_RE.sub("", s)
    if stripped != s:
        return _resolve(stripped, c)
    m = _MODIFIER_RE.match(s)
    if m:
        inner = _resolve(m[2], c)
        return _narrowed(inner, m[1], c.ref) if inner else None
    m = _TAIL_MODIFIER_RE.match(s)
    if m:
        inner = _resolve(m[1], c)
        if inner and inner.precision != "day":
            return _narrowed(inner, m[2], c.ref)
    if s.startswith("the ") and s[4:] in _VAGUE:
        return _vague(_VAGUE[s[4:]], c.ref)
    return None


def _with_time(s: str) -> tuple[str, str | None]:
    """Split a clock time off the expression: ("monday", "16:30")."""
    m = _TIME_RE.search(s)
    if not m:
        return s, None
    if m[4]:
        hh, mm = {"noon": (12, 0), "midday": (12, 0), "midnight": (0, 0)}[m[4]]
    elif m[3]:
        hh, mm = int(m[1]) % 12 + (12 if m[3] == "pm" else 0), int(m[2] or 0)
    else:
        hh, mm = int(m[5]), int(m[6])
    if hh > 23 or mm > 59:
        return s, None
    rest = (s[: m.start()] + " " + s[m.end() :]).strip()
    rest = re.sub(r"^(?:on|,)\s+|\s+(?:on|,)$", "", rest).strip(" ,")
    rest = re.sub(r"\s+", " ", rest)
    rest = re.sub(r"^(?:on|,) ", "", rest)
    return rest, f"{hh:02d}:{mm:02d}"


def resolved_date(
    expression: str,
    reference: date,
    *,
    tense: Tense | None = None,
    focus: ResolvedDate | None = None,
) -> ResolvedDate | None:
    """Resolve one date expression against `reference`; None when it is not one we read.

    `focus` is the date the text was last talking about (the previous mention); anaphoric
    expressions ("that year", "the following day", "a year earlier" after a quarter) use it.
    """
    return _resolved_date(expression, reference, tense, focus)


# date_mentions tries every window of tokens around each anchor word, and neighbouring anchors
# share most of their windows: the same expressions are resolved again and again (about 30
# calls per anchor). The answer depends on the arguments alone and is immutable.
@functools.lru_cache(maxsize=1 << 16)
def _resolved_date(
    expression: str, reference: date, tense: Tense | None, focus: ResolvedDate | None
) -> ResolvedDate | None:
    s = _normalised(expression)
    s, clock = _with_time(s)
    if clock and s in ("", "this", "the", "early", "late", "earlier", "later"):
        s = "today"
    ctx = _Ctx(
        reference,
        tense,
        _Span(focus.start, focus.end, focus.precision, focus.value) if focus else None,
    )
    span = _resolve(s, ctx)
    if span is None and _DAYPART_RE.search(s):
        # Parts of the day do not change the date: "Tuesday morning", "late Friday night".
        bare = re.sub(r"\s+", " ", _DAYPART_RE.sub(" ", s)).strip(" ,")
        if bare in ("", "this", "the", "early", "late", "earlier", "later"):
            bare = "today"
        span = _resolve(bare, ctx)
    if span is None:
        return None
    value = span.value
    if clock and span.precision == "day":
        value = f"{value}T{clock}"

    return ResolvedDate(start=span.start, end=span.end, precision=span.precision, value=value, reference=reference)


# ---------------------------------------------------------------------------------------------
# Tense of the clause around a mention

_FUTURE_AUX = {"will", "'ll", "shall", "wo", "won't", "gonna"}
_FUTURE_CUES = {
    "scheduled",
    "slated",
    "expected",
    "due",
    "planned",
    "plans",
    "plan",
    "intends",
    "intend",
    "aims",
    "hopes",
    "set",
    "upcoming",
    "tentatively",
    "would",
    "'d",
}
_PAST_AUX = {"was", "were", "had", "did", "didn't", "wasn't", "weren't", "hadn't", "ago"}
_PRESENT_AUX = {"is", "are", "am", "'s", "'re", "isn't", "aren't", "does", "do", "doesn't", "don't"}
_PERFECT = {"has", "have", "'ve", "hasn't", "haven't"}
_REPORTING = {
    "said",
    "says",
    "say",
    "told",
    "tells",
    "reported",
    "reports",
    "added",
    "adds",
    "according",
    "noted",
    "notes",
    "stated",
    "announced",
    "explained",
    "quoted",
}
_IRREGULAR_PAST = {
    "arose",
    "awoke",
    "bore",
    "beat",
    "became",
    "began",
    "bent",
    "bet",
    "bit",
    "bled",
    "blew",
    "broke",
    "brought",
    "built",
    "burnt",
    "burst",
    "bought",
    "caught",
    "chose",
    "clung",
    "came",
    "cost",
    "crept",
    "dealt",
    "dug",
    "dove",
    "drew",
    "dreamt",
    "drank",
    "drove",
    "ate",
    "fell",
    "fed",
    "felt",
    "fought",
    "found",
    "fled",
    "flew",
    "forbade",
    "forgot",
    "forgave",
    "froze",
    "got",
    "gave",
    "went",
    "grew",
    "hung",
    "heard",
    "hid",
    "hit",
    "held",
    "hurt",
    "kept",
    "knelt",
    "knew",
    "laid",
    "led",
    "leapt",
    "left",
    "lent",
    "lay",
    "lit",
    "lost",
    "made",
    "meant",
    "met",
    "paid",
    "quit",
    "rode",
    "rang",
    "rose",
    "ran",
    "sought",
    "sold",
    "sent",
    "shook",
    "shone",
    "shot",
    "shut",
    "sang",
    "sank",
    "sat",
    "slept",
    "slid",
    "spoke",
    "sped",
    "spent",
    "spun",
    "spat",
    "split",
    "spread",
    "sprang",
    "stood",
    "stole",
    "stuck",
    "stung",
    "struck",
    "strove",
    "swore",
    "swept",
    "swam",
    "swung",
    "took",
    "taught",
    "tore",
    "thought",
    "threw",
    "understood",
    "woke",
    "wore",
    "wove",
    "wept",
    "won",
    "wound",
    "wrote",
    "withdrew",
    "overtook",
    "overcame",
    "undertook",
    "upheld",
    "underwent",
}

_NOT_PAST_ED = {
    "need",
    "needed",
    "united",
    "red",
    "bed",
    "hundred",
    "speed",
    "seed",
    "feed",
    "indeed",
    "proceed",
    "exceed",
    "succeed",
    "breed",
    "weed",
    "shed",
    "wed",
    "embed",
    "naked",
    "sacred",
    "wicked",
    "kindred",
    "shred",
    "deed",
    "greed",
    "creed",
    "bled",
    "fled",
    "led",
    "fed",
    "sped",
    "ted",
    "ned",
    "fred",
    "ahmed",
    "mohammed",
    "muhammed",
    "mohamed",
    "limited",
    "based",
    "related",
    "detailed",
    "advanced",
    "concerned",
    "interested",
    "unemployed",
    "armed",
}
_WORD_RE = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|n't|'[a-z]+|[.;:!?]|,|\u2014|--")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n\s*\n")


# How far either side of a mention its sentence's ends are looked for. Scanning from the start
# of the text made every mention cost the text's length: a 340 KB article with a date in each
# sentence took 15 s, a 5 MB one most of an hour. A longer "sentence" is cut here.
_SENTENCE_REACH = 1000


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(0, start - _SENTENCE_REACH)
    for m in _SENTENCE_END_RE.finditer(text, left, start):
        left = m.end()
    reach = min(len(text), end + _SENTENCE_REACH)
    m = _SENTENCE_END_RE.search(text, end, reach)
    right = m.start() if m else reach
    return left, right


def _token_tense(tokens: list[str], i: int) -> tuple[Tense | None, bool]:
    """Tense signalled by tokens[i] (and the words just before it); bool: a reporting verb."""
    w = tokens[i].lower()
    before = [t.lower() for t in tokens[max(0, i - 3) : i]]
    if w in _FUTURE_AUX or (w == "going" and i + 1 < len(tokens) and tokens[i + 1] == "to"):
        return "future", False
    if w in _FUTURE_CUES:
        if w == "would" or w == "'d":
            return "future", False
        if w in ("plans", "plan", "intends", "intend", "aims", "hopes") and not (
            i + 1 < len(tokens) and tokens[i + 1].lower() in ("to", "for")
        ):
            return None, False
        if (
            w in ("set", "due", "expected", "scheduled", "slated", "planned")
            and not (i + 1 < len(tokens) and tokens[i + 1].lower() in ("to", "for", "on", "in", "at"))
            and w in ("set", "due")
        ):
            return None, False
        return "future", False
    if w in _PAST_AUX:
        return "past", False
    if w in _PERFECT:
        return "past" if i + 1 < len(tokens) and _is_past_form(tokens[i + 1].lower()) else (
            "present",
            False,
        )[0], False
    if w in _PRESENT_AUX:
        return "present", False
    if w in _REPORTING:
        return (
            "past" if w not in ("says", "say", "tells", "reports", "adds", "notes", "according") else "present"
        ), True
    if _is_past_form(w):
        if any(b in _FUTURE_AUX or b in ("to", "be", "being", "been", "would") for b in before):
            return None, False  # part of a verb group whose auxiliary carries the tense
        if any(b in ("is", "are", "am") for b in before):
            return "present", False
        return "past", False
    return None, False


def _is_past_form(w: str) -> bool:
    if w in _IRREGULAR_PAST:
        return True
    return len(w) > 4 and w.endswith("ed") and w not in _NOT_PAST_ED


# "lasted until Friday", "stayed closed till Monday": a happening that went on until a past day
# (a past verb of going on; "postponed until Tuesday" still points ahead, and so does a passive,
# as courts use it: "the hearing was continued until Friday").
_LASTED_UNTIL = re.compile(
    r"(?<!\bwas )(?<!\bwere )(?<!\bbeen )(?<!\bbe )(?<!\bis )(?<!\bare )"
    r"\b(?:lasted|continued|stayed|remained|persisted|ran|went on|carried on)(?: \w+)? (?:until|till)$"
)


def tense_near(text: str, start: int, end: int) -> Tense | None:
    """The tense of the verb nearest the mention text[start:end], within its sentence."""
    left, right = _sentence_bounds(text, start, end)
    before = [(m.group(), m.start()) for m in _WORD_RE.finditer(text, left, start)]
    after = [(m.group(), m.start()) for m in _WORD_RE.finditer(text, end, right)]
    tokens = [t for t, _ in before] + ["<MENTION>"] + [t for t, _ in after]
    anchor = len(before)
    # A preposition right before the date says which way it points: "until Tuesday".
    lead = " ".join(t.lower() for t, _ in before[-3:])
    if re.search(r"\b(?:until|till|as soon as|as early as|no later than|starting|effective)$", lead) and not (
        _LASTED_UNTIL.search(lead)
    ):
        return "future"
    if re.search(r"\bsince$", lead):
        return "past"
    best: tuple[float, Tense] | None = None
    for i, tok in enumerate(tokens):
        if i == anchor or tok in ".;:!?,":
            continue
        tense, reporting = _token_tense(tokens, i)
        if tense is None:
            continue
        distance = float(abs(i - anchor))
        if reporting and abs(i - anchor) > 2:
            distance += 12  # "..., officials said": a fallback, not the event's own verb
        if i > anchor:
            distance += 0.5
        # A clause boundary between cue and mention weakens the cue.
        lo, hi = sorted((i, anchor))
        distance += 3 * sum(1 for t in tokens[lo + 1 : hi] if t in (",", ";", "--", "\u2014"))
        if best is None or distance < best[0]:
            best = (distance, tense)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------------
# Finding mentions in running text

_TOKEN_RE = re.compile(
    r"\d{1,2}:\d{2}|\d{4}-\d{2}(?:-\d{2})?|\d{1,2}/\d{1,2}/\d{2,4}|'\d0s|'\d{2}|"
    r"[A-Za-z]\.[A-Za-z]\.|[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*\.?|,|-|–"
)
_ANCHORS = set(_WEEKDAYS) - {"mon", "tue", "wed", "thu", "sat", "sun", "fri", "thur"} | {
    "today",
    "tonight",
    "yesterday",
    "tomorrow",
    "week",
    "weekend",
    "month",
    "year",
    "quarter",
    "decade",
    "century",
    "ago",
    "earlier",
    "later",
    "weeks",
    "months",
    "years",
    "days",
    "spring",
    "summer",
    "fall",
    "autumn",
    "winter",
    "half",
    "now",
    "currently",
    "recently",
    "future",
    "soon",
    "christmas",
    "easter",
    "thanksgiving",
    "halloween",
    "day",
    "eve",
    "year-end",
    "year-ago",
    "year-earlier",
    "mid-year",
    "midyear",
    "period",
    "quarters",
    "fiscal",
    "twenties",
    "thirties",
    "forties",
    "fifties",
    "sixties",
    "seventies",
    "eighties",
    "nineties",
    "thousand",
}
_AMBIGUOUS_MONTHS = {
    "may",
    "march",
    "jan",
    "sep",
    "mar",
    "jun",
    "jul",
    "aug",
    "dec",
    "oct",
    "nov",
    "feb",
    "apr",
    "sept",
}
_VAGUE_ANCHORS = {
    "now",
    "currently",
    "recently",
    "future",
    "soon",
    "earlier",
    "later",
    "days",
    "weeks",
    "months",
    "years",
}


def _is_anchor(token: str, next_token: str | None) -> bool:
    bare = token.rstrip(".").lower().replace("’", "'")
    if re.fullmatch(r"\d{4}s?|\d{4}-\d{2}(?:-\d{2})?|\d{1,2}/\d{1,2}/\d{2,4}|'\d0s|\d0s", bare):
        if bare.isdigit():
            return 1000 <= int(bare) <= 2199
        return True
    if bare in _MONTHS:
        if bare in _AMBIGUOUS_MONTHS:
            # Capitalised, and "Mar"/"Dec" style abbreviations need their dot or a day number.
            if not token[0].isupper():
                return False
            if len(bare) <= 4 and bare not in ("june", "july", "may") and not token.endswith("."):
                return bool(next_token and next_token[:1].isdigit())
            if bare in ("may", "march"):
                return True
        return token[0].isupper() or bare not in _AMBIGUOUS_MONTHS
    if bare in _WEEKDAYS and bare in _ANCHORS:
        return token[0].isupper()
    return bare in _ANCHORS or (bare.endswith("'s") and bare[:-2] in _ANCHORS)


def date_mentions(text: str, reference: date, *, include_vague: bool = False) -> list[DateMention]:
    """Date expressions in text, with offsets, each resolved against `reference`.

    Vague references (PAST_REF, "recently"; PRESENT_REF, "now"; FUTURE_REF, "soon") are left
    out unless include_vague.
    """
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]
    found: list[tuple[int, int, ResolvedDate, Tense | None]] = []
    for k, (_, _, tok) in enumerate(tokens):
        nxt = tokens[k + 1][2] if k + 1 < len(tokens) else None
        if not _is_anchor(tok, nxt):
            continue
        best = _widest_mention(text, tokens, k, reference)
        if best is not None:
            found.append(best)
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    # Widest first, each kept unless it overlaps one kept already. The kept spans are disjoint, so
    # in start order their ends are in order too: two neighbours tell (a scan of all was quadratic).
    chosen: list[tuple[int, int, ResolvedDate, Tense | None]] = []
    starts: list[int] = []
    for f in found:
        at = bisect.bisect_left(starts, f[0])
        if (at == 0 or chosen[at - 1][1] <= f[0]) and (at == len(chosen) or f[1] <= chosen[at][0]):
            starts.insert(at, f[0])
            chosen.insert(at, f)
    mentions: list[DateMention] = []
    focus: ResolvedDate | None = None
    for s, e, d, t in chosen:
        resolved = resolved_date(text[s:e], reference, tense=t, focus=focus) or d
        mentions.append(DateMention(start=s, end=e, text=text[s:e], tense=t, date=resolved))
        # Only a mention that stands on its own moves the focus; "a year earlier" does not.
        if not resolved.value.endswith("_REF") and resolved == d:
            focus = resolved
    if include_vague:
        return mentions
    return [m for m in mentions if m.date.value not in (PAST_REF, PRESENT_REF, FUTURE_REF)]


_PREPOSITIONS = {
    "on",
    "in",
    "at",
    "by",
    "during",
    "since",
    "until",
    "till",
    "through",
    "from",
    "for",
    "of",
    "around",
    "about",
    "sometime",
    "before",
    "after",
    "within",
    "over",
    "as",
    "starting",
    "beginning",
    "effective",
    "circa",
    "approximately",
    "roughly",
    "not",
    "no",
    "than",
    "early",
    "late",
}


def _widest_mention(
    text: str, tokens: list[tuple[int, int, str]], k: int, reference: date
) -> tuple[int, int, ResolvedDate, Tense | None] | None:
    tense = tense_near(text, tokens[k][0], tokens[k][1])
    best: tuple[int, int, ResolvedDate, Tense | None] | None = None
    for i in range(max(0, k - 6), k + 1):
        if tokens[i][2] in (",", "-", "–"):
            continue
        for j in range(min(len(tokens) - 1, k + 6), k - 1, -1):
            if tokens[j][2] in (",", "-", "–"):
                continue
            s, e = tokens[i][0], tokens[j][1]
            if "\n" in text[s:e]:
                continue
            if best is not None and e - s <= best[1] - best[0]:
                continue
            surface = text[s:e]
            if surface.endswith(".") and not re.search(r"\b(?:[A-Za-z]{3,4}|a\.m|p\.m)\.$", surface):
                e -= 1
                surface = text[s:e]
            resolved = resolved_date(surface, reference, tense=tense)
            if resolved is None:
                continue
            # Leading prepositions are context, not part of the expression ("on Monday").
            while i < k and tokens[i][2].lower() in _PREPOSITIONS and tokens[i][2].lower() not in ("early", "late"):
                i += 1
                s = tokens[i][0]
            best = (s, e, resolved, tense)
            break
    return best
