"""Dated events from article text: who met, talked, called, visited, ... when and where.

Pure: an article, its entity mentions and the canonical entities in, `EventRecord`s out; no
I/O, no clock. Every record carries its evidence (sentence and offsets into `article.text`),
the reference date its date was resolved against (and where that date came from), the
modality that let it through, and a confidence. `merged_events` folds the records of many
articles into events with ids derived from their key. The rules are documented in
docs/events.md; the word lists below are the whole model.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from newsmon.models import Article
from transforms.entities import Entity, EntityMention
from transforms.temporal import DateMention, ResolvedDate, date_mentions, resolved_date

EventType = Literal["meeting", "talks", "call", "visit", "statement", "agreement", "election", "strike"]
EVENT_TYPES: tuple[str, ...] = EventType.__args__  # type: ignore[attr-defined]
Modality = Literal["asserted", "scheduled", "hedged", "negated", "conditional", "nonfinite"]
KEPT_MODALITIES = frozenset({"asserted", "scheduled"})
DateSource = Literal["sentence", "timeline"]
Role = Literal["actor", "counterpart"]

# Precisions that date an event; a decade or an open "PAST_REF" does not.
_DATING_PRECISIONS = frozenset({"day", "week", "month", "range", "quarter", "year"})
# The dateline place stands in for an event's place only when the event is this close to
# the article's reference date (a dateline says where the reporter was, not where a 2021
# meeting in a timeline took place).
DATELINE_PLACE_DAYS = 7
# A dateline date within this many days before the publish date is the writer's "today".
DATELINE_REFERENCE_DAYS = 7


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Participant(_Record):
    """A canonical entity taking part in an event: before the trigger (actor) or after it."""

    entity_id: str
    role: Role


class EventRecord(_Record):
    """One report of a dated happening in one article (an `event_mentions` row)."""

    mention_id: str
    article_id: str
    day: date  # arrival day of the article
    type: EventType
    trigger: str
    participants: tuple[Participant, ...] = ()
    place: str | None = None
    place_entity_id: str | None = None
    place_source: Literal["sentence", "dateline"] | None = None
    date_start: date
    date_end: date
    precision: str
    date_value: str
    date_text: str
    date_source: DateSource
    reference_date: date
    reference_kind: str  # the article's date provenance: stated_line, dateline, sidecar, ...
    sentence: str
    start_char: int
    end_char: int
    modality: Modality
    confidence: float

    @property
    def participant_ids(self) -> tuple[str, ...]:
        """Sorted canonical entity ids of the participants."""
        return tuple(sorted({p.entity_id for p in self.participants}))

    @property
    def block(self) -> str:
        """Records can only merge within a block: same type and participants.

        Records naming nobody share one block per type: two reports of "the agreement reached
        late on Tuesday" are one event. Within it, places stated in the sentences must agree
        (`_compatible`), so a meeting in Ashcombe and one in Kellbridge stay apart.
        """
        return f"{self.type}|{','.join(self.participant_ids) or 'none'}"


class Candidate(_Record):
    """A trigger found in a sentence, before filtering: kept or with the reason it was not."""

    type: EventType
    trigger: str
    trigger_start: int
    sentence: str
    start_char: int
    modality: Modality
    date_value: str | None
    kept: bool
    reason: str  # "kept", or why not: "hedged", "negated", "undated", ...


class Event(_Record):
    """A happening reported by one or more articles (an `events` row and its participants)."""

    event_id: str
    type: EventType
    participants: tuple[Participant, ...]
    event_date: date | None  # the day, when known to the day
    date_start: date
    date_end: date
    precision: str
    date_value: str
    place: str | None
    place_entity_id: str | None
    first_reported: date
    last_reported: date
    mention_count: int
    article_count: int
    modality: Literal["asserted", "scheduled"]
    confidence: float
    label: str
    mention_ids: tuple[str, ...] = Field(default_factory=tuple)


# ---------------------------------------------------------------------------------------------
# Taxonomy: trigger words per type. Multi-word patterns first; the longest match wins.

_V, _N = "verb", "noun"
# (type, pattern, kind): a verb trigger is its clause's own predicate, so it bounds the
# reach of other triggers' participants and dates (see `_scope`); a noun trigger does not.
_TRIGGERS: list[tuple[EventType, str, str]] = [
    (
        "call",
        r"(?:phone|telephone|video|virtual)[ -](?:call|calls|conversation|meeting|summit|talks)",
        _N,
    ),
    ("call", r"video[ -]link", _N),
    ("call", r"(?:spoke|speaks|talked) (?:by|over the|on the|via) (?:phone|telephone|video)", _V),
    ("call", r"(?:held|hold|holds|had|have|has) a (?:phone |video |telephone )?call|phoned", _V),
    ("call", r"a call (?:with|between)", _N),
    ("meeting", r"meet|meets|met|greet|greets|greeted|hosted|hosts", _V),
    ("meeting", r"sh(?:ake|akes|ook) hands|(?:sat|sit|sits) down with", _V),
    (
        "meeting",
        r"meeting|meetings|summit|summits|debate|debates|hearing|annual general meeting|agm",
        _N,
    ),
    ("talks", r"negotiated|discussed", _V),
    ("talks", r"talks|negotiations|discussions|dialogue", _N),
    ("visit", r"visited|visiting|toured|travelled|traveled|travels", _V),
    ("visit", r"(?:fly|flies|flew|head|heads|headed|heading) to|arriv(?:e|es|ed|ing) in", _V),
    ("visit", r"land(?:s|ed)? in|depart(?:s|ed|ing)? for", _V),
    ("visit", r"visit|visits|trip|tour|travel|arrival", _N),
    ("statement", r"announced|announces|declared|told reporters", _V),
    ("statement", r"statement|announcement|declaration|(?:press|news) conference|briefing", _N),
    ("agreement", r"agreed|signed", _V),
    ("agreement", r"agreement|agreements|deal|accord|treaty|pact|settlement", _N),
    ("election", r"voted", _V),
    ("election", r"election|elections|by-election|referendum|ballot|vote|polling day", _N),
    ("strike", r"walked out|went on strike", _V),
    ("strike", r"strike|strikes|walkout|walk-out|industrial action|stoppage", _N),
]
_TRIGGER_RES = [
    (typ, re.compile(rf"(?<![\w-])(?:{pat})(?![\w-])", re.IGNORECASE), kind) for typ, pat, kind in _TRIGGERS
]
# Phrases a trigger word sits in without naming a happening of that type.
_NOT_EVENTS = re.compile(
    r"meeting room|met with (?:criticism|resistance|scepticism|skepticism|opposition|silence)|"
    r"small talk|deal(?:s|t|ing)? with|(?:air|drone|missile|military) strikes?|"
    r"strike (?:a|the) (?:deal|balance|chord|note)|sign(?:s)? of|trip(?:s)? (?:up|over)|"
    r"vote of (?:confidence|thanks)|(?:shangri-la|raisina) dialogue|"
    # a strike as the object of ending it: the sentence's date is the talks' or the deal's
    r"\b(?:end|ends|ended|ending|resolve[sd]?|resolving|settle[sd]?|settling|avert(?:s|ed|ing)?) "
    r"(?:the |a |an |this |their )?(?:[\w-]+ ){0,2}?(?:strike|walkout|walk-out|stoppage)s?\b|"
    r"\b(?:at|during|sidelines of|margins of) (?:the |a |an )?(?:[\w-]+ ){0,6}?summits?\b",
    re.IGNORECASE,
)

# ---------------------------------------------------------------------------------------------
# Modality cues, read in the words before a trigger (same sentence, up to a hard boundary).

_WINDOW = 12  # words before the trigger that can carry its modality
_HEDGES = {
    "may",
    "might",
    "could",
    "can",
    "possibly",
    "potentially",
    "perhaps",
    "maybe",
    "likely",
    "unlikely",
    "probably",
    "hope",
    "hopes",
    "hoped",
    "hoping",
    "want",
    "wants",
    "wanted",
    "wish",
    "wishes",
    "seek",
    "seeks",
    "sought",
    "aim",
    "aims",
    "consider",
    "considering",
    "if",
    "whether",
    "unless",
    "should",
    "prospect",
    "prospects",
    "possible",
    "potential",
    "proposal",
    "proposed",
    "propose",
    "proposes",
    "request",
    "requested",
    "invitation",
    "offer",
    "offered",
    "urged",
    "urge",
    "urges",
    "calling",
    "pave",
    "paves",
    "paving",
    "ready",
    "willing",
    "eager",
    "push",
    "pushing",
    "anticipated",
    "speculation",
    "would-be",
}
_HEDGE_PHRASES = re.compile(
    r"\b(?:set the stage|open the door|pave the way|call(?:ed|s)? for|would like|"
    r"in the hope|no plans?|too early)\b",
    re.IGNORECASE,
)
_NEGATORS = {
    "not",
    "no",
    "never",
    "n't",
    "without",
    "neither",
    "nor",
    "cancelled",
    "canceled",
    "cancel",
    "cancels",
    "postponed",
    "postpone",
    "postpones",
    "delayed",
    "scrapped",
    "suspended",
    "rejected",
    "rejects",
    "refused",
    "refuses",
    "declined",
    "declines",
    "failed",
    "fails",
    "denied",
    "denies",
    "instead",
    "cancellation",
    "postponement",
}
_NEGATION_PHRASES = re.compile(r"\b(?:called off|ruled out|put off|did not|didn't)\b", re.I)
_SCHEDULED = {
    "will",
    "'ll",
    "shall",
    "scheduled",
    "slated",
    "planned",
    "plans",
    "plan",
    "due",
    "expected",
    "upcoming",
    "going",
    "set",
    "to-be",
}
_REPORTING = {
    "said",
    "says",
    "say",
    "told",
    "tells",
    "announced",
    "confirmed",
    "confirms",
    "according",
    "reported",
    "added",
    "stated",
}
_SUBORDINATORS = {"after", "before", "since", "following", "until", "prior", "ahead", "when"}
# Clause edges the modality of a trigger does not cross: ; : dashes, and quotation marks
# (the words of a quote do not govern its attribution, and the reverse).
_HARD_BOUNDARY = re.compile(r"[;:\u2014\u2013\"“”]|\s-\s")
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|n['’]t|['’]ll")
# Present-tense or progressive travel/meeting verbs read as scheduled with a future date:
# "Blinken flies to Beijing this weekend", "is heading to Beijing".
_PRESENT_FOR_FUTURE = re.compile(
    r"^(?:flies|heads|heading|travels|travelling|traveling|visits|visiting|meets|meeting|"
    r"hosts|arrives|departs|lands|begins|opens|holds)\b",
    re.IGNORECASE,
)


# "Polling day is March 26", "the ballot closes on Monday": a dated noun is on the calendar.
_IS_DATED = re.compile(
    r"^\s*(?:is|are|closes|opens|falls)\s+(?:on\s+|set for\s+)?"
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|"
    r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|\d)"
)


# A happening named as the subject, with an "of ..." phrase, then will/shall/must: "Thursday's
# emergency meeting of the regional council's environment committee must agree a timetable".
_SUBJECT_FUTURE = re.compile(r"^(?:\s+of(?:\s+[\w'\u2019-]+){1,6}?)?\s+(?:will|shall|must)\s+(?!have\b)", re.I)


def trigger_modality(sentence: str, trigger_start: int, trigger_end: int) -> Modality:
    """Whether the trigger at sentence[trigger_start:trigger_end] happened, is scheduled, or not.

    The words before the trigger (up to `_WINDOW`, not across ; : or a dash) and a few words
    after it decide: a negator or a cancellation anywhere there wins, then a hedge, then a
    scheduling cue; with none of them the sentence asserts the happening.
    """
    left = sentence[:trigger_start]
    cut = max((m.end() for m in _HARD_BOUNDARY.finditer(left)), default=0)
    left = left[cut:]
    before = [w.lower().replace("’", "'") for w in _WORD.findall(left)][-_WINDOW:]
    after = [w.lower().replace("’", "'") for w in _WORD.findall(sentence[trigger_end:])][:4]
    near_left = " ".join(before[-6:])
    if (
        _NEGATION_PHRASES.search(near_left)
        or any(w in _NEGATORS for w in before[-6:])
        or any(w in _NEGATORS for w in after)
        or _NEGATION_PHRASES.search(" ".join(after))
    ):
        return "negated"
    window = " ".join(before)
    if _HEDGE_PHRASES.search(window) or any(w in _HEDGES for w in before):
        return "hedged"
    if "would" in before or "'d" in before:
        # "the State Department said that Blinken would meet Xi": reported future.
        head = [w.lower() for w in _WORD.findall(sentence[:trigger_start])]
        idx = max(i for i, w in enumerate(head) if w in ("would", "'d"))
        return "scheduled" if any(w in _REPORTING for w in head[:idx]) else "conditional"
    if before and before[-1] == "to":
        # "the first diplomat to visit China", "ready to meet": an infinitive asserts
        # nothing unless a scheduling verb governs it ("is set to travel").
        gov = before[-4:-1]
        if not any(w in _SCHEDULED or w in ("is", "are", "was", "were") for w in gov):
            return "nonfinite"
    if any(w in _SCHEDULED for w in before) or re.search(r"\b(?:is|are) to\b", window):
        return "scheduled"
    # A happening named as the subject takes its modality from the verb after it:
    # "the strike will begin on Monday", "the meeting could take place on Friday".
    nxt = after[:2]
    if any(w in ("may", "might", "could") for w in nxt):
        return "hedged"
    if (
        any(w in ("will", "'ll", "shall") for w in nxt)
        or _SUBJECT_FUTURE.match(sentence[trigger_end:])
        or re.match(
            r"^\s*(?:is|are|was|were) (?:set|due|scheduled|slated|expected|planned) (?:to|for)\b",
            sentence[trigger_end:],
        )
        or _IS_DATED.match(sentence[trigger_end:])
    ):
        return "scheduled"
    return "asserted"


# ---------------------------------------------------------------------------------------------
# Sentences, timeline headings, reference date

_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_ABBREV = re.compile(
    r"(?:\b[A-Za-z]|\b(?:[A-Za-z]\.)+[A-Za-z]|\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Lt|Col|Sen|Rep|"
    r"Gov|Prof|No|Inc|Corp|Co|Ltd|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
    r"Mt|Ft|Capt|Cmdr|Adm|Sgt|Cllr|Rev|Hon))\.$"
)


def text_sentences(text: str, sentences: Any = None) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of `text`, never across a line break.

    `sentences` may be a spaCy Doc of `text` (its `.sents`) or (start, end) pairs; without
    it a rule splitter is used (spaCy's small senter joins headline-like timeline lines).
    """
    if sentences is None:
        spans = _rule_sentences(text)
    elif hasattr(sentences, "sents"):
        spans = [(s.start_char, s.end_char) for s in sentences.sents]
    else:
        spans = [(int(s), int(e)) for s, e in sentences]
    out: list[tuple[int, int]] = []
    for s, e in spans:
        for m in re.finditer(r"[^\n]+", text[s:e]):
            a, b = s + m.start(), s + m.end()
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if b > a:
                out.append((a, b))
    return out


def _rule_sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for m in _SENT_END.finditer(line.group()):
            head = line.group()[: m.start()].rstrip("\"'”’)]")
            if _ABBREV.search(head[-12:]):
                continue
            spans.append((start, line.start() + m.start()))
            start = line.start() + m.end()
        spans.append((start, line.end()))
    return spans


_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_HEADING_DATE = (
    rf"(?:{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}|\d{{1,2}} {_MONTH},? \d{{4}}|"
    rf"{_MONTH},? \d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
)
_TIMELINE_AFTER = re.compile(rf"^(?P<head>[^.!?\n]{{3,140}}?)\s+[\u2014\u2013:-]+\s+(?P<date>{_HEADING_DATE})\s*$")
_TIMELINE_BEFORE = re.compile(rf"^(?P<date>{_HEADING_DATE})\s*[\u2014\u2013:-]+\s+(?P<head>[^.!?\n]{{3,140}})$")


@dataclass(frozen=True)
class TimelineEntry:
    """A timeline heading ("Biden-Xi phone call — February 10, 2021") and the lines it dates."""

    heading_start: int
    heading_end: int
    date_text: str
    date: ResolvedDate
    scope_end: int  # the entry's lines run to here (the next heading, or the text's end)


def timeline_entries(text: str, reference: date) -> list[TimelineEntry]:
    """Timeline headings in `text`; each dates the lines under it until the next heading.

    Any other short line without closing punctuation (a section heading) also ends an entry.
    """
    lines = [(m.start(), m.end(), m.group().strip()) for m in re.finditer(r"[^\n]+", text)]
    found: list[tuple[int, int, str, ResolvedDate]] = []
    stops: list[int] = []
    for s, e, line in lines:
        if not line:
            continue
        m = _TIMELINE_AFTER.match(line) or _TIMELINE_BEFORE.match(line)
        if m:
            resolved = resolved_date(m.group("date"), reference)
            if resolved is not None and resolved.precision in ("day", "month"):
                found.append((s, e, m.group("date"), resolved))
                continue
        if len(line.split()) <= 12 and not re.search(r"[.!?:\"”’)]$", line):
            stops.append(s)
    entries = []
    for i, (s, e, dtext, resolved) in enumerate(found):
        nxt = found[i + 1][0] if i + 1 < len(found) else len(text)
        nxt = min([nxt, *(x for x in stops if x > e)])
        entries.append(TimelineEntry(s, e, dtext, resolved, nxt))
    return entries


def reference_date(article: Article) -> tuple[date, str]:
    """The date relative expressions resolve against, and where it came from.

    The stated publish date (or sidecar, metadata, arrival day: `published_provenance`),
    except that a dateline dated up to a week earlier is the writer's own "today".
    """
    published = article.published_at.date()
    dl = article.dateline_date
    if dl is not None and timedelta(0) <= published - dl <= timedelta(days=DATELINE_REFERENCE_DAYS):
        return dl, "dateline"
    return published, article.published_provenance


# ---------------------------------------------------------------------------------------------
# The extractor


@dataclass
class _Hit:
    type: EventType
    start: int  # in article text
    end: int
    kind: str


def _triggers(sentence: str, offset: int) -> list[_Hit]:
    hits: list[_Hit] = []
    blocked = [(m.start(), m.end()) for m in _NOT_EVENTS.finditer(sentence)]
    for typ, rx, kind in _TRIGGER_RES:
        for m in rx.finditer(sentence):
            if any(a <= m.start() < b for a, b in blocked):
                continue
            hits.append(_Hit(typ, offset + m.start(), offset + m.end(), kind))
    hits.sort(key=lambda h: (-(h.end - h.start), h.start))
    kept: list[_Hit] = []
    for h in hits:
        if all(h.end <= k.start or h.start >= k.end for k in kept):
            kept.append(h)
    return sorted(kept, key=lambda h: h.start)


_PLACE_PREP = re.compile(r"\b(?:in|at|to|near|from|into|for|outside|inside)\s+(?:the\s+)?$", re.I)
_OCCASION_PREP = re.compile(r"\b(?:at|during|in|on)\s+(?:the\s+|a\s+|an\s+)?$", re.I)
_HEDGED_NAME = re.compile(r"\b(?:possibly|perhaps|maybe|potentially|probably)\s+(?:\w+\s+){0,3}$", re.I)
_ATTRIBUTION = re.compile(r"\baccording to\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,2}$", re.I)
_POSSESSIVE_HEAD = re.compile(r"^['’]s\s+(?P<next>[\w-]+)")
_MODIFIER_HEAD = re.compile(r"^\s+(?:administration|government|era|team|camp|campaign|cabinet|presidency)\b", re.I)
_PAST_CUES = {
    "was",
    "were",
    "had",
    "held",
    "did",
    "began",
    "took",
    "after",
    "following",
    "since",
    "last",
    "earlier",
    "ended",
    "hosted",
}
_IRREGULAR_PAST = {"met", "held", "flew", "spoke", "shook", "sat", "began", "took", "had", "went"}
_DATE_REACH = 30  # characters: a date this close to a trigger dates it even across a comma


@dataclass
class _Ctx:
    article: Article
    text: str
    mentions: list[EntityMention]
    entities: Mapping[str, Entity]
    reference: date
    reference_kind: str
    dates: list[DateMention]
    timeline: list[TimelineEntry]


_Span = TypeVar("_Span", DateMention, EntityMention)


def _starting_within(spans: list[_Span], lo: int, hi: int) -> list[_Span]:
    """The spans (sorted by start) that start in [lo, hi]: a slice, where a scan of the whole
    article per trigger made a long text's events quadratic (a dated sentence 50,000 times: hours)."""
    return spans[bisect.bisect_left(spans, lo, key=_start) : bisect.bisect_right(spans, hi, key=_start)]


def _start(span: DateMention | EntityMention) -> int:
    return span.start


def _clause_bounds(text: str, s: int, e: int, pos: int) -> tuple[int, int]:
    """The part of sentence text[s:e] around pos not cut by ; or a spaced dash."""
    left, right = s, e
    for m in re.finditer(r";|\s[\u2014\u2013-]\s", text[s:e]):
        a = s + m.start()
        if a < pos:
            left = s + m.end()
        else:
            right = min(right, a)
    return left, right


def _scope(text: str, s: int, e: int, hit: _Hit, hits: Sequence[_Hit]) -> tuple[int, int]:
    """The comma-separated stretch of the trigger's clause that belongs to it.

    From the trigger's own comma segment it grows left and right over segments that have
    no verb trigger of their own: "While X visited the US in May, Burns visited China"
    gives each visit its own half.
    """
    cs, ce = _clause_bounds(text, s, e, hit.start)
    cuts = [cs] + [cs + m.start() for m in re.finditer(",", text[cs:ce])] + [ce]
    segments = list(pairwise(cuts))
    k = next(i for i, (a, b) in enumerate(segments) if a <= hit.start < b or b == ce)

    def has_verb(i: int) -> bool:
        a, b = segments[i]
        return any(h is not hit and h.kind == _V and a <= h.start < b for h in hits)

    lo = k
    while lo > 0 and not has_verb(lo - 1):
        lo -= 1
    hi = k
    while hi < len(segments) - 1 and not has_verb(hi + 1):
        hi += 1
    return segments[lo][0], segments[hi][1]


def _participants_and_place(
    ctx: _Ctx, scope: tuple[int, int], hit: _Hit, hits: Sequence[_Hit]
) -> tuple[list[Participant], tuple[str, str] | None]:
    """Entities in the trigger's scope: people if any, else organisations and countries.

    A GPE/LOC/FAC after 'in', 'at', 'to' ... is the place, not a participant. Left out:
    the source of the report ("according to a US official"), names a hedge qualifies
    ("and possibly President Xi"), modifiers ("Biden's administration", "the Biden
    administration"), names after the trigger that belong to a later trigger, and names in
    an 'after/before/since ...' phrase of another happening.
    """
    cs, ce = scope
    people: list[Participant] = []
    others: list[Participant] = []
    places: list[tuple[int, str, str]] = []
    for m in _starting_within(ctx.mentions, cs, ce):
        if m.in_headline or not (cs <= m.start and m.end <= ce):
            continue
        ent = ctx.entities.get(m.entity_id)
        if ent is None or _is_outlet(ent, ctx.article):
            continue  # the outlet reporting (or hosting) and its reporters are no party to the news
        before = ctx.text[max(cs, m.start - 60) : m.start]
        after = ctx.text[m.end : m.end + 30]
        lo, hi = sorted((m.end, hit.start)) if m.start < hit.start else (hit.end, m.start)
        between = ctx.text[lo:hi]
        visited = (
            hit.type == "visit"
            and 0 <= m.start - hit.end <= 5
            and (re.fullmatch(r"\s+(?:the\s+)?", ctx.text[hit.end : m.start]) is not None)
        )  # "visited the US": the destination
        if ent.type in ("GPE", "LOC", "FAC") and (_PLACE_PREP.search(before[-14:]) or visited):
            if abs(m.start - hit.end) <= 80 and not (m.end <= hit.start and _verb_between(ctx.text[m.end : hit.start])):
                places.append(
                    (
                        abs(m.start - hit.end) + (0 if m.start >= hit.end else 500),
                        ctx.text[m.start : m.end],
                        ent.entity_id,
                    )
                )
            continue
        if _ATTRIBUTION.search(before) or (
            hit.type != "statement" and m.start > hit.end and re.match(r"^,?\s+(?:said|says|told)\b", after)
        ):
            continue  # the source of the report, not a participant
        if m.start > hit.end and _HEDGED_NAME.search(ctx.text[max(cs, m.start - 40) : m.start]):
            continue
        poss = _POSSESSIVE_HEAD.match(after)
        if poss and not any(rx.fullmatch(poss.group("next")) for _, rx, _ in _TRIGGER_RES):
            continue
        if _MODIFIER_HEAD.match(after):
            continue
        if m.start > hit.end and any(hit.end <= h.start < m.start for h in hits if h is not hit):
            continue  # "hold meetings in China ... and may meet with Xi": Xi is the later trigger's
        if _subordinated(between):
            continue
        role: Role = "actor" if m.start < hit.start else "counterpart"
        if ent.type == "PERSON":
            people.append(Participant(entity_id=ent.entity_id, role=role))
        elif ent.type in ("ORG", "GPE") and not _OCCASION_PREP.search(before[-14:]):
            others.append(Participant(entity_id=ent.entity_id, role=role))
    seen: dict[str, Participant] = {}
    for p in people or others:
        seen.setdefault(p.entity_id, p)
    place = None
    if places:
        _, surface, pid = min(places)
        place = (ctx.entities[pid].canonical_name if pid in ctx.entities else surface, pid)
    return list(seen.values()), place


_FINITE = frozenset(["is", "are", "was", "were", "has", "have", "had", "will", "did", "does", *_IRREGULAR_PAST])
_ADJECTIVE_BEFORE = frozenset(["the", "a", "an", "first", "newly", "most", "recently", "long", "much"])


def _verb_between(between: str) -> bool:
    """A verb between a place and a later trigger: the place is another clause's ("the flood in
    Kellbridge dominated the debate"), not the trigger's ("In Beijing on Sunday, Blinken met Xi")."""
    words = [w.lower() for w in _WORD.findall(between)]
    return any(
        w in _FINITE or (w.endswith("ed") and len(w) > 4 and (i == 0 or words[i - 1] not in _ADJECTIVE_BEFORE))
        for i, w in enumerate(words)
    )


# Words that make an organisation's name a news outlet's: "Norland Newswire", "Tidewater Gazette",
# "Channel 6 Carrick", "Meridian Business Daily".
_MEDIA_WORDS = frozenset(
    [
        *("newswire", "gazette", "courier", "wire", "times", "post", "herald", "daily", "news", "radio", "tv"),
        *("television", "channel", "press", "tribune", "journal", "chronicle", "telegraph", "broadcasting"),
        *("reuters", "bbc"),
    ]
)


def _is_outlet(entity: Entity, article: Article) -> bool:
    """The article's own outlet or byline, or any organisation named like a news outlet."""
    key = _name_key(entity.canonical_name)
    own = {article.source, article.sitename, *re.split(r"\s*(?:;|,|\band\b)\s*", article.author or "")}
    if key and key in {_name_key(n) for n in own if n}:
        return True
    return entity.type == "ORG" and any(w in _MEDIA_WORDS for w in key.split())


def _name_key(name: str) -> str:
    return re.sub(r"[^\w ]", "", name.casefold()).strip()


def _subordinated(between: str) -> bool:
    """An 'after/before/since ...' opened between two positions and not closed by a comma."""
    words = _WORD.findall(between)
    idx = [i for i, w in enumerate(words) if w.lower() in _SUBORDINATORS]
    if not idx:
        return False
    opened = between.find(words[idx[-1]])
    return "," not in between[opened:]


def _trigger_tense(sentence: str, start: int, end: int, modality: Modality) -> str | None:
    """Tense the trigger's own words give, to read "on Sunday" next to it; None: no opinion."""
    if modality == "scheduled":
        return "future"
    word = sentence[start:end].lower().split()[0]
    if word in _IRREGULAR_PAST or (word.endswith("ed") and len(word) > 4):
        return "past"
    left = sentence[:start]
    left = left[max((m.end() for m in _HARD_BOUNDARY.finditer(left)), default=0) :]
    before = [w.lower() for w in _WORD.findall(left)][-6:]
    if any(w in _PAST_CUES or w in _IRREGULAR_PAST for w in before):
        return "past"
    return None


# A date anchors an event when it names a day, a month, a weekday or a year, or is today's
# neighbour; "this year", "later this month" and "three days before" (another event) do not.
_ANCHOR = re.compile(
    rf"\d|\b{_MONTH}(?![a-z])|\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|\b(?:today|tonight|yesterday|tomorrow|weekend)\b",
    re.IGNORECASE,
)
_OFFSET = re.compile(r"\b(?:days?|weeks?|months?|years?)\s+(?:before|after|earlier|later)\b", re.IGNORECASE)


def _anchored(date_text: str) -> bool:
    """The date names a concrete day or period of its own (see `_ANCHOR`)."""
    return bool(_ANCHOR.search(date_text)) and not (_OFFSET.search(date_text) and not re.search(r"\d", date_text))


def _attachment(d: DateMention, hit: _Hit) -> float:
    """How far a date is from a trigger; a date before its trigger counts three times over
    ("hold meetings on June 18-19 and may meet" dates the meetings)."""
    if d.start >= hit.end:
        return d.start - hit.end
    return 3 * max(0, hit.start - d.end) + 0.5


# Words after "the <date>" that end the date's phrase rather than start a noun it modifies.
_NOT_A_HEAD = frozenset(
    [
        *("and", "or", "but", "to", "at", "in", "on", "of", "for", "from", "by", "with", "when", "after"),
        *("before", "until", "is", "was", "were", "are", "will", "would", "has", "had", "have", "that", "which"),
    ]
)


def _attributive(d: DateMention, text: str) -> bool:
    """ "the 2023 regional dispute", "the March 26 election": a date used as a modifier of the noun after it."""
    if not d.text.lower().startswith("the "):
        return False
    m = re.match(r"[ \t]+([A-Za-z][\w'\u2019-]*)", text[d.end :])
    return m is not None and m.group(1).lower() not in _NOT_A_HEAD


def _pick_date(
    ctx: _Ctx,
    s: int,
    e: int,
    hit: _Hit,
    scope: tuple[int, int],
    entry: TimelineEntry | None,
    tense: str | None,
    hits: Sequence[_Hit] = (),
) -> tuple[ResolvedDate, str, DateSource] | None:
    """The date mention nearest the trigger within its scope, or the timeline heading's date."""
    inside = [d for d in _starting_within(ctx.dates, s, e) if d.end <= e]
    if entry is not None:
        # Inside a timeline entry only absolute dates stand on their own; "on Monday" there
        # is relative to the entry, not to the article.
        inside = [d for d in inside if re.search(r"\d{4}", d.text)]
        if not inside:
            return entry.date, entry.date_text, "timeline"
    near = []
    for d in inside:
        gap = d.start - hit.end if d.start >= hit.end else hit.start - d.end
        if not ((scope[0] <= d.start and d.end <= scope[1]) or gap <= _DATE_REACH):
            continue
        if any(_attachment(d, h) < _attachment(d, hit) for h in hits if h is not hit):
            continue  # a date belongs to the trigger it is nearest to
        if (re.search(r"['\u2019]s?$", d.text) or _attributive(d, ctx.text)) and not (
            d.end <= hit.start and re.fullmatch(r"(?:\s+[\w-]+){0,3}\s+", ctx.text[d.end : hit.start])
        ):
            # "the weekend's flood", "the 2023 bus drivers' dispute": a possessive or attributive
            # date dates the noun right after it
            continue
        near.append((_attachment(d, hit), d))
    if not near:
        return None
    _, best = min(near, key=lambda x: x[0])
    resolved = best.date
    if tense and tense != best.tense and not re.search(r"\d{4}", best.text):
        # temporal reads the tense of the whole sentence; the trigger's own is sharper:
        # "Following their meeting on Sunday, they announced talks will continue".
        resolved = resolved_date(best.text, ctx.reference, tense=tense) or resolved  # type: ignore[arg-type]
    if resolved.precision not in _DATING_PRECISIONS or resolved.value.endswith("_REF"):
        return None
    if entry is None and hit.type in _LASTING_TYPES:
        before = ctx.text[max(s, best.start - _UNTIL_REACH) : best.start]
        until = _UNTIL.search(before)
        if until is not None and not _NOT_AN_END.search(before[: until.start("cue")]):
            resolved = _going_on_until(resolved, ctx.reference)
    return resolved, best.text, "timeline" if entry is not None else "sentence"


# A date that ends a happening: "until 6am on Wednesday", "is due to end at 6am on Wednesday",
# "will end on Friday", "runs through Sunday": the cue right before the date, a time of day at
# most between ("to end the strike on Thursday" is the date of what ends it, not of its end).
_UNTIL = re.compile(
    r"\b(?P<cue>until|till|(?:due|set|scheduled|expected|going|is|are) to end|will end|would end|ends|ending"
    r"|runs? (?:to|through|until))"
    r"(?:\s+(?:at|on|by))?(?:\s+(?:\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|noon|midnight)(?:\s+(?:on|at))?)?\s*$",
    re.IGNORECASE,
)
# "adjourned until Thursday", "not until Thursday": the happening stops, or begins, then.
_NOT_AN_END = re.compile(
    r"\b(?:adjourned|postponed|delayed|deferred|put off|suspended|recessed|not)\s+$", re.IGNORECASE
)
# Happenings that last: a strike, talks, a visit. A meeting or a call "until Thursday" is not one.
_LASTING_TYPES = frozenset({"strike", "talks", "visit"})
_UNTIL_REACH = 40  # characters before the date searched for the cue
_UNTIL_DAYS = 31  # an end further ahead than this is no span anyone reports as one happening


def _going_on_until(resolved: ResolvedDate, reference: date) -> ResolvedDate:
    """A day after the article's reference day that a happening lasts until: the happening goes
    on from the reference day (at the latest) to that day, a span, not an event of that day. A
    strike "due to end on Wednesday", reported on Monday, is the strike of Monday to Wednesday."""
    if resolved.precision != "day" or not reference < resolved.start <= reference + timedelta(days=_UNTIL_DAYS):
        return resolved
    return ResolvedDate(
        start=reference,
        end=resolved.end,
        precision="range",
        value=f"{reference.isoformat()}/{resolved.end.isoformat()}",
        reference=resolved.reference,
    )


def _confidence(
    modality: Modality,
    precision: str,
    participants: Sequence[Participant],
    kind: str,
    date_text: str,
    reference_kind: str,
    entities: Mapping[str, Entity],
) -> float:
    c = 0.6
    c += 0.15 if modality == "asserted" else 0.05
    c += {"day": 0.1, "week": 0.0, "month": 0.0, "range": 0.0}.get(precision, -0.1)
    if any(entities[p.entity_id].type in ("PERSON", "ORG") for p in participants if p.entity_id in entities):
        c += 0.1
    elif not participants:
        c -= 0.15
    c += 0.05 if kind == _V else 0.0
    relative = not re.search(r"\d{4}|\b\d{1,2}\b", date_text)
    if relative and reference_kind == "arrival_day":
        c -= 0.1  # "on Monday" read against the day the file arrived, not a stated date
    return round(min(0.99, max(0.05, c)), 2)


def mention_id(article_id: str, start_char: int, end_char: int, event_type: str) -> str:
    """Stable id of one event mention: article, evidence offsets and type."""
    digest = hashlib.sha256(f"{article_id}|{start_char}|{end_char}|{event_type}".encode()).hexdigest()
    return f"evm_{digest[:16]}"


def event_candidates(
    article: Article,
    mentions: Iterable[EntityMention],
    entities: Iterable[Entity] | Mapping[str, Entity],
    sentences: Any = None,
    dates: Sequence[DateMention] | None = None,
) -> tuple[list[Candidate], list[EventRecord]]:
    """Every trigger with its verdict, and the kept ones as records (see `article_events`).

    `dates` are `date_mentions(article.text, reference_date(article)[0])` when the caller has
    them already (the stage keeps them: they are most of the cost); else they are found here.
    """
    text = article.text
    ents = entities if isinstance(entities, Mapping) else {e.entity_id: e for e in entities}
    ref, ref_kind = reference_date(article)
    ctx = _Ctx(
        article,
        text,
        sorted(
            (m for m in mentions if m.article_id == article.article_id and not m.in_headline),
            key=lambda m: m.start,
        ),
        ents,
        ref,
        ref_kind,
        sorted(dates if dates is not None else date_mentions(text, ref), key=_start),
        timeline_entries(text, ref),
    )
    candidates: list[Candidate] = []
    records: list[EventRecord] = []
    by_entry: dict[int, list[int]] = defaultdict(list)  # timeline entry -> record indexes
    for s, e in text_sentences(text, sentences):
        sentence = text[s:e]
        entry = next((t for t in ctx.timeline if t.heading_start <= s < t.scope_end), None)
        hits = _triggers(sentence, s)
        previous: tuple[_Hit, Modality] | None = None
        for hit in hits:
            modality = trigger_modality(sentence, hit.start - s, hit.end - s)
            if (
                previous is not None
                and hit.kind == _N
                and modality in KEPT_MODALITIES
                and previous[1] not in KEPT_MODALITIES
                and not re.search(r"[,;:\u2014\u2013]", text[previous[0].end : hit.start])
            ):
                # "could lead to a meeting ... at the G20 meeting": the hedge carries on
                modality = previous[1]
            previous = (hit, modality)
            scope = _scope(text, s, e, hit, hits)
            tense = _trigger_tense(sentence, hit.start - s, hit.end - s, modality)
            picked = _pick_date(ctx, s, e, hit, scope, entry, tense, hits)
            reason = "kept"
            if modality not in KEPT_MODALITIES:
                reason = modality
            elif picked is None:
                reason = "undated"
            elif not _anchored(picked[1]) and picked[2] == "sentence":
                reason = "vague_date"  # "this year", "later this month", "three days before"
            elif picked[2] == "timeline" and _subordinate(text, s, hit.start):
                reason = "relative_clause"  # "a month after Pelosi visited Taiwan"
            elif picked[0].start > ref and modality == "asserted":
                if (hit.kind == _V and _PRESENT_FOR_FUTURE.match(text[hit.start : hit.end + 1])) or (
                    _progressive(text, s, hit.start)
                ):
                    modality = "scheduled"
                else:
                    reason = "unscheduled_future"  # "a meeting ... later this year"
            elif (
                picked[0].end < ref - timedelta(days=1)
                and modality == "scheduled"
                and (picked[2] == "sentence" and picked[0].precision == "day")
            ):
                reason = "scheduled_in_past"
            candidates.append(
                Candidate(
                    type=hit.type,
                    trigger=text[hit.start : hit.end],
                    trigger_start=hit.start,
                    sentence=sentence,
                    start_char=s,
                    modality=modality,
                    date_value=picked[0].value if picked else None,
                    kept=reason == "kept",
                    reason=reason,
                )
            )
            if reason != "kept" or picked is None:
                continue
            resolved, date_text, source = picked
            participants, place = _participants_and_place(ctx, scope, hit, hits)
            place_source: Literal["sentence", "dateline"] | None = "sentence" if place else None
            if (
                place is None
                and article.dateline_place
                and source == "sentence"
                and (abs((resolved.start - ref).days) <= DATELINE_PLACE_DAYS)
            ):
                place, place_source = (article.dateline_place.title(), ""), "dateline"
            records.append(
                EventRecord(
                    mention_id=mention_id(article.article_id, s, e, hit.type),
                    article_id=article.article_id,
                    day=article.day,
                    type=hit.type,
                    trigger=text[hit.start : hit.end],
                    participants=tuple(participants),
                    place=place[0] if place else None,
                    place_entity_id=(place[1] or None) if place else None,
                    place_source=place_source,
                    date_start=resolved.start,
                    date_end=resolved.end,
                    precision=resolved.precision,
                    date_value=resolved.value,
                    date_text=date_text,
                    date_source=source,
                    reference_date=ref,
                    reference_kind=ref_kind,
                    sentence=sentence,
                    start_char=s,
                    end_char=e,
                    modality=modality,
                    confidence=_confidence(
                        modality,
                        resolved.precision,
                        participants,
                        hit.kind,
                        date_text,
                        ref_kind,
                        ents,
                    ),
                )
            )
            if entry is not None and source == "timeline":
                by_entry[entry.heading_start].append(len(records) - 1)
    records = _consolidated_timeline(records, by_entry, ents, ctx.timeline)
    return candidates, _deduplicated(records)


def article_events(
    article: Article,
    mentions: Iterable[EntityMention],
    entities: Iterable[Entity] | Mapping[str, Entity],
    sentences: Any = None,
    dates: Sequence[DateMention] | None = None,
) -> list[EventRecord]:
    """Dated events reported by one article, one record per (sentence, type).

    `mentions` are the article's entity mentions (others are ignored), `entities` the
    canonical entities they point to, `sentences` an optional spaCy Doc of `article.text`
    or (start, end) pairs. Only asserted or scheduled happenings with a date are returned.
    """
    return event_candidates(article, mentions, entities, sentences, dates)[1]


def _subordinate(text: str, sentence_start: int, pos: int) -> bool:
    """The trigger sits in an 'after/before/since ...' phrase of its comma-clause."""
    left = text[sentence_start:pos]
    left = left[left.rfind(",") + 1 :]
    return any(w.lower() in _SUBORDINATORS for w in _WORD.findall(left))


def _progressive(text: str, sentence_start: int, pos: int) -> bool:
    words = [w.lower() for w in _WORD.findall(text[sentence_start:pos])][-2:]
    return bool(words) and words[-1] in ("is", "are", "'s")


def _consolidated_timeline(
    records: list[EventRecord],
    by_entry: Mapping[int, list[int]],
    entities: Mapping[str, Entity],
    timeline: Sequence[TimelineEntry],
) -> list[EventRecord]:
    """Records dated by one timeline entry describe that entry's one happening.

    They take the heading's type (or the first record's) and the union of participants
    (people only, when any record names people), so they merge into one event.
    """
    out = list(records)
    headings = {t.heading_start: t for t in timeline}
    for start, idxs in by_entry.items():
        if len(idxs) < 2 and not idxs:
            continue
        entry = headings[start]
        group = [records[i] for i in idxs]
        heading = [r for r in group if r.start_char == entry.heading_start]
        typ = (heading or group)[0].type
        union: dict[str, Participant] = {}
        for r in group:
            for p in r.participants:
                union.setdefault(p.entity_id, p)
        people = {k: p for k, p in union.items() if k in entities and entities[k].type == "PERSON"}
        parts = tuple(sorted((people or union).values(), key=lambda p: p.entity_id))
        places = [r for r in group if r.place_source == "sentence"]
        for i in idxs:
            r = records[i]
            update: dict[str, Any] = {
                "type": typ,
                "participants": parts,
                "mention_id": mention_id(r.article_id, r.start_char, r.end_char, typ),
            }
            if places and r.place is None:
                update |= {
                    "place": places[0].place,
                    "place_entity_id": places[0].place_entity_id,
                    "place_source": "sentence",
                }
            out[i] = r.model_copy(update=update)
    return out


def _deduplicated(records: list[EventRecord]) -> list[EventRecord]:
    """One record per mention id (a sentence naming the same type twice is one report)."""
    best: dict[str, EventRecord] = {}
    for r in records:
        if r.mention_id not in best or r.confidence > best[r.mention_id].confidence:
            best[r.mention_id] = r
    return sorted(best.values(), key=lambda r: (r.start_char, r.type))


# ---------------------------------------------------------------------------------------------
# Merging reports into events


def _compatible(a: EventRecord, b: EventRecord) -> bool:
    """Dates within a day of each other (a day up to a day outside the other's span: the strike
    of Monday and the strike "due to end on Wednesday" reported on Tuesday), or one span inside
    the other; for records naming nobody, no two different places stated in their sentences."""
    if (
        not a.participants
        and a.place_source == "sentence"
        and b.place_source == "sentence"
        and (a.place or "").casefold() != (b.place or "").casefold()
    ):
        return False
    if a.precision == "day" and b.precision == "day":
        return abs((a.date_start - b.date_start).days) <= 1
    return _within(a, b) or _within(b, a)


def _within(a: EventRecord, b: EventRecord) -> bool:
    """`a`'s dates inside `b`'s span; a day may stand a day outside it."""
    slack = timedelta(days=1 if a.precision == "day" else 0)
    return a.date_start >= b.date_start - slack and a.date_end <= b.date_end + slack


def _compatibility_key(r: EventRecord) -> tuple:
    """Everything `_compatible` reads: records with equal keys are compatible, and alike to any other."""
    return (bool(r.participants), r.place_source, (r.place or "").casefold(), r.precision, r.date_start, r.date_end)


def _span_width(r: EventRecord) -> int:
    return (r.date_end - r.date_start).days


def event_id(
    event_type: str,
    participant_ids: Sequence[str],
    date_value: str,
    place: str | None = None,
    article_id: str | None = None,
) -> str:
    """Stable event id from its key: type, sorted participants, date.

    With nobody named, the place (or the one reporting article) stands in for participants.
    """
    who = ",".join(sorted(participant_ids))
    if not who:
        who = f"place:{place.casefold()}" if place else f"article:{article_id}"
    digest = hashlib.sha256(f"{event_type}|{who}|{date_value}".encode()).hexdigest()
    return f"evt_{digest[:12]}"


def story_participants(
    records: Sequence[EventRecord], story_of: Mapping[str, str], earlier: Sequence[EventRecord] = ()
) -> list[EventRecord]:
    """Reports that name nobody ("the 48-hour walkout is due to end on Wednesday"), given the
    participants of the one happening of their type that their story names.

    A report naming nobody takes the participants of the named reports of the same type in the
    same story (`story_of`: article id -> story id), from the same records or `earlier` ones (the
    story's reports of earlier days), whose dates are compatible with its own and whose stated
    places do not differ. Only where those reports name one set of participants: two different
    strikes in one story leave it naming nobody. The records come back in their order.
    """
    named: dict[tuple[str, str], list[EventRecord]] = defaultdict(list)
    for r in (*earlier, *records):
        story = story_of.get(r.article_id)
        if r.participants and story is not None:
            named[story, r.type].append(r)
    out = []
    for r in records:
        story = story_of.get(r.article_id)
        if r.participants or story is None:
            out.append(r)
            continue
        matching = [c for c in named.get((story, r.type), ()) if c.day <= r.day and _compatible(r, c)]
        out.append(_with_participants_of(r, matching))
    return out


# Happenings that reports name by their place alone ("the dock strike at Harbourton"): a strike
# stands somewhere for days. A meeting, visit or statement "in Beijing" is one of many there.
PLACE_BOUND_TYPES = frozenset({"strike"})
# A report dated more widely than this (a month, a year) cannot say it is the same happening.
_PLACE_SPAN_DAYS = 7
# A dateline opening the sentence ("HARBOURTON, March 2 (Reuters) - "): where the article was
# filed, not what the sentence is about.
_DATELINE_OPENING = re.compile(
    r"^(?:[A-Z][A-Z .'\u2019-]{1,39}|[^,.]{1,40},\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?))"
    r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^)]{1,30}\))?\s*[-\u2013\u2014]\s"
)


def place_bound(r: EventRecord) -> bool:
    """A report naming nobody but a place its own sentence states, of a place-bound type, dated
    to a day or a short span: what `place_participants` may give participants to."""
    return (
        not r.participants
        and r.type in PLACE_BOUND_TYPES
        and r.place is not None
        and r.place_entity_id is not None
        and r.place_source == "sentence"
        and _short(r)
    )


def _short(r: EventRecord) -> bool:
    return (r.date_end - r.date_start).days <= _PLACE_SPAN_DAYS


def _names_place(sentence: str, place: str) -> bool:
    """The sentence names the place, outside an opening dateline ("dockworkers at Harbourton
    Container Terminal went on strike")."""
    body = sentence[m.end() :] if (m := _DATELINE_OPENING.match(sentence)) else sentence
    return re.search(rf"(?<!\w){re.escape(place)}(?!\w)", body) is not None


def place_participants(records: Sequence[EventRecord], earlier: Sequence[EventRecord] = ()) -> list[EventRecord]:
    """Reports that name nobody but a place ("the dock strike at Harbourton, which began on
    Monday"), given the participants of the one happening of their type reported at that place.

    A `place_bound` report takes the participants of the named reports of the same type, from
    the same records or `earlier` ones, on the same or earlier days, dated to a day or a short
    span compatible with its own, whose own sentence names that place (its stated place, or the
    place's name in the sentence, as in "dockworkers at Harbourton Container Terminal went on
    strike"; not in an opening dateline). Only where those reports name one set of participants:
    two strikes at one place leave it naming nobody. This reaches across stories, where
    `story_participants` does not (another story's article that mentions the strike in passing).
    Everything it reads is in the reports themselves, so it gives the same answer whatever else
    the warehouse holds. The records come back in their order.
    """
    named: dict[str, list[EventRecord]] = defaultdict(list)
    for c in (*earlier, *records):
        if c.participants and c.type in PLACE_BOUND_TYPES and _short(c):
            named[c.type].append(c)
    out = []
    for r in records:
        if not place_bound(r):
            out.append(r)
            continue
        place = r.place or ""
        matching = [
            c
            for c in named.get(r.type, ())
            if c.day <= r.day
            and _compatible(r, c)
            and (
                (c.place_source == "sentence" and c.place_entity_id == r.place_entity_id)
                or _names_place(c.sentence, place)
            )
        ]
        out.append(_with_participants_of(r, matching))
    return out


def _with_participants_of(r: EventRecord, matching: Sequence[EventRecord]) -> EventRecord:
    """`r` with the participants of the matching named reports where they name one set, taken
    from the first of them (earliest day, then article and offset); else `r` as it is."""
    if len({c.participant_ids for c in matching}) != 1:
        return r
    source = min(matching, key=lambda c: (c.day, c.article_id, c.start_char))
    return r.model_copy(update={"participants": source.participants})


def merged_events(records: Iterable[EventRecord], entities: Mapping[str, Entity] | None = None) -> list[Event]:
    """Fold reports into events: same type and participants, compatible dates.

    Deterministic and order-free: the same records give the same events and ids. The id
    comes from the key of the event's first report (earliest day, then article and offset),
    so later, vaguer or sharper reports join an event without renaming it.
    """
    entities = entities or {}
    blocks: dict[str, list[EventRecord]] = defaultdict(list)
    for r in records:
        blocks[r.block].append(r)
    events: list[Event] = []
    for _block, rs in sorted(blocks.items()):
        rs = sorted(rs, key=lambda r: (r.date_start, r.date_end, r.day, r.article_id, r.start_char))
        parent = list(range(len(rs)))
        # Records alike in all that _compatible reads are compatible with each other and with the same
        # others: each joins the first of its kind, and only the first of each kind are compared (all
        # pairs were: one article repeating a dated sentence 50,000 times held a run for hours).
        first_of: dict[tuple, int] = {}
        for i, r in enumerate(rs):
            parent[i] = first_of.setdefault(_compatibility_key(r), i)
        firsts = sorted(first_of.values())
        for a, i in enumerate(firsts):
            for j in (firsts[b] for b in range(a + 1, len(firsts))):
                if rs[j].date_start > rs[i].date_end + timedelta(days=1):
                    break
                if _compatible(rs[i], rs[j]):
                    parent[_root(parent, j)] = _root(parent, i)
        groups: dict[int, list[EventRecord]] = defaultdict(list)
        for i, r in enumerate(rs):
            groups[_root(parent, i)].append(r)
        events += [_event(g, entities) for g in groups.values()]
    return sorted(events, key=lambda e: (e.date_start, e.type, e.event_id))


def _root(parent: list[int], i: int) -> int:
    """Union-find root, with path halving."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _event(group: list[EventRecord], entities: Mapping[str, Entity]) -> Event:
    first = min(group, key=lambda r: (r.day, r.article_id, r.start_char))
    dated = Counter((r.date_start, r.date_end, r.precision, r.date_value) for r in group)
    ds, de, precision, value = min(dated, key=lambda k: ((k[1] - k[0]).days, -dated[k], k[0]))
    roles: dict[str, Counter[str]] = defaultdict(Counter)
    for r in group:
        for p in r.participants:
            roles[p.entity_id][p.role] += 1
    participants = tuple(
        Participant(entity_id=k, role=min(c, key=lambda role: (-c[role], role)))  # type: ignore[arg-type]
        for k, c in sorted(roles.items())
    )
    places = Counter((r.place, r.place_entity_id) for r in group if r.place and r.place_source == "sentence")
    if not places:
        places = Counter((r.place, r.place_entity_id) for r in group if r.place)
    place = min(places, key=lambda k: (-places[k], k[0] or "")) if places else (None, None)
    articles = {r.article_id for r in group}
    confidence = round(min(0.99, max(r.confidence for r in group) + 0.05 * (len(articles) - 1)), 2)
    names = [entities[p.entity_id].canonical_name if p.entity_id in entities else p.entity_id for p in participants]
    who = ", ".join(names) or "no named participants"
    label = f"{first.type}: {who}" + (f" in {place[0]}" if place[0] else "") + f" ({value})"
    return Event(
        event_id=event_id(first.type, first.participant_ids, first.date_value, first.place, first.article_id),
        type=first.type,
        participants=participants,
        event_date=ds if precision == "day" else None,
        date_start=ds,
        date_end=de,
        precision=precision,
        date_value=value,
        place=place[0],
        place_entity_id=place[1],
        first_reported=min(r.day for r in group),
        last_reported=max(r.day for r in group),
        mention_count=len(group),
        article_count=len(articles),
        modality="asserted" if any(r.modality == "asserted" for r in group) else "scheduled",
        confidence=confidence,
        label=label,
        mention_ids=tuple(sorted(r.mention_id for r in group)),
    )
