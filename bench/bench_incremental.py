"""Does a day's cost grow with the history in the warehouse? The same 100-document day is run
through the daily flow on copies of warehouses holding ~0, 10k and 100k earlier articles,
interleaved over a few rounds; prints CPU and wall ratios against the empty warehouse, a
per-stage CPU breakdown, bytes of the DB file per 1k articles and peak RSS. Asserts nothing.

    .venv/bin/python bench/bench_incremental.py [--sizes 0,10000,100000] [--rounds 3]
        [--per-day 250] [--keep DIR] [--rebuild] [--tree NAME=PATH ...] [--storage file,ducklake]
        [--save FILE]

`--tree before=/copy/a --tree after=/copy/b` runs two copies of the code in alternating order
within each round (same warehouses, same machine state) and prints their CPU ratio and
whether the day's rows (stories, duplicates, events, mentions, quarantine) are identical.
`--storage file,ducklake` runs each tree on both storages (NAME on a DuckDB file, NAME-lake on a
DuckLake made from the same prepared history by `newsmon convert`), interleaved the same way.

Everything is synthetic and made here, deterministic from a seed: invented outlets, towns,
people, organisations and countries; stories of ten kinds (strikes, floods, elections, talks
between governments, trials, takeovers, ...) that run over several days with their actors,
places and dated happenings, told by several outlets, with exact copies, near copies and
rewrites among them, quotes from one-off people, and filler that varies from article to article.

The history warehouses are NOT made by running the pipeline (100k articles of NER would take
hours): the script inserts rows straight into the schema's tables (documents, inbox_files,
articles, entities, entity_aliases, entity_mentions, article_duplicates, story_articles,
stories, event_mentions, events, event_participants, runs), using what the generator knows:
entity ids from `transforms.entity_rules.entity_id` at the offsets it wrote the names at,
stories and duplicates as generated, event mentions from the real `transforms.events`
extractor run on the articles with those entity mentions. The last 35 days' raw documents
are archived (the boilerplate learner reads a source's last 30 days). A warehouse holds
`--per-day` articles a day on average (weekends lighter) ending the day before the benchmark
day, so the 7-day window of duplicates and stories holds the same articles at 10k and 100k:
what differs is only how far back the history goes. Built warehouses are cached in
bench/out/incremental/ (git-ignored) by size, density and generator version. Not made: the
data docs and reports of earlier runs (bench/bench_fixed_cost.py --history-days measures those).

Each measured run is a fresh process, as a cron run is: `--one-run` runs `flows.daily.daily`
on one copy with timers around the stage functions (exclusive CPU: a stage's figure leaves
out the validation, search index, ... timed inside it). CPU is time.process_time of the
run plus its finished children (the extraction pool), not imports or Prefect's temporary
server; "tree cpu" is the whole process tree as the parent sees it (getrusage children).

Measured 2026-12-02, 2 shared cores (load average ~4), `--rounds 3 --tree before=<HEAD without
the issue-10 change> --tree after=<with it>`; CPU medians, ratio to the empty warehouse:

                      empty     10k            100k
    before            21.3 s    43.2 s 2.11x   97.9 s 4.60x
    after             21.4 s    35.1 s 1.69x   93.3 s 4.74x   (the day's rows identical)
    stories stage     +9.1 s at 100k before, +2.0 s after (window-bound: ~2k articles' terms)
    events suite      +1.3 s at 100k before, +0 after
    still growing at 100k: search index rebuild +62 s, boilerplate learning +5 s,
    checkpoint +4.5 s, entity registry/stats +1.5 s, inbox look-ups +0.6 s

Then search postings, stored boilerplate features and set-based inbox look-ups, measured
2026-12-02 the same way (`--rounds 2`, load average 5-10; before = HEAD, after = HEAD with
that change; each tree's warehouses first prepared by that tree, `prepare`):

                      empty     10k            100k           B/1k art at 100k   peak RSS
    before            23.0 s    38.8 s 1.70x   112.5 s 4.92x  8.82 MB            2425 MB
    after             23.2 s    28.7 s 1.24x    34.6 s 1.49x  9.38 MB            1438 MB
    (the day's rows and the search hits identical; after/before run by run: 0.74x, 0.31x)
    search index +74.9 s -> +0.2 s; boilerplate learning +4.7 s -> +0.9 s; inbox +0.9 s -> 0
    still growing at 100k: commit + checkpoint + swap +3.8 s, entities write +0.75 s,
    stories duplicates +0.7 s, stories +0.6 s, summarise +0.5 s, publish +0.5 s

Measured 2026-12-03 at 41fd549, `--sizes 0,10000,100000 --rounds 3`, load average 1-3: CPU
14.9 s empty, 16.9 s at 10k (1.06x), 17.6 s at 100k (1.17x); run by run at 100k 1.18x, 1.04x,
1.17x (docs/storage.md, "Per-run cost", session 8).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# A measured run imports the pipeline from the tree under test (--tree), by default this one.
sys.path.insert(0, os.environ.get("NEWSMON_BENCH_TREE", str(ROOT)))

OUT_DIR = ROOT / "bench" / "out" / "incremental"
BENCH_DAY = date(2026, 6, 1)
DAY_DOCS = 100
SEED = 20260601
GENERATOR_VERSION = 4  # bump when the generator changes: cached warehouses are keyed by it
ARCHIVED_DAYS = 35

# ---------------------------------------------------------------- the invented world


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_FIRST = _words(
    "Aldous Amara Anwen Bastian Beatrix Bram Caius Calla Cedric Delphine Dorian Edda Elio Ember Esme "
    "Fenna Florin Gideon Greer Hale Hester Idris Ilse Ines Jarrah Jolie Kasimir Keturah Lorcan Lysa "
    "Magnus Maren Mireille Nazim Nell Oriel Osric Pallas Perrin Quill Rhona Rosalind Rufus Saoirse "
    "Severin Sidonie Tamsin Tobiah Ulla Vesna Wendeline Wystan Xanthe Yorick Ysolde Zeno Zinnia Ansel "
    "Brisa Corin Dagny Evander Farrah Gwilym Halcyon Ingram Juno Kester Leocadia Merritt Niamh Odile "
    "Piran Quenby Ravenna Sorcha Thaddeus Undine Verity"
)
_LAST = _words(
    "Ashdown Blackwood Brightwater Carrow Delacourt Elsworth Fairweather Galloway Hartigan Ingleby Jessop "
    "Kettering Larchmont Mabry Northcott Okonkwo Pellegrin Quarrie Redfern Salcombe Thorncroft Underhill "
    "Vantongeren Westerby Yardley Zeller Abernethy Bellamy Castellane Dunstable Everleigh Fitzwarren "
    "Grantham Holloway Iveson Jardine Kilbride Lockhart Merriweather Nightingale Ormsby Pemberton Quayle "
    "Rutherford Stanhope Treadwell Umfreville Vickery Whitlock Yelverton Achterberg Baptiste Cadwallader "
    "Drummond Eastwick Farrow Gillespie Haverford Ironside Kavanagh Lisle Montague Nettleton Oyelaran "
    "Prendergast Ravensworth Strachan Tolliver Upjohn Villiers Wainwright Adeyemi Bramhall Crossley "
    "Dimitriou Esterhazy Fennimore Goldthwaite Hutchence Imrie Jovanovic Kowalczyk Lindqvist Mbeki "
    "Nakamura Ostrowski Petrakis Rasmussen"
)
_TOWN_A = _words(
    "Ash Brent Carr Dun Fen Gull Harb Kell Lynd Marl Nor Pen Rother Stan Tarn Wel Bram Crom Dorn Elm Fal "
    "Grim Hal Ilk Kes Lang Mor Oak Quen Rave Sel Thorn Ul Wex Yar"
)
_TOWN_B = _words("ford mere bridge ton wick by stead haven field mouth dale port well combe ley minster holm")
_COUNTRIES = _words(
    "Valdoria Estmark Kareth Lusovia Ardenne Morvia Tessaly Brandor Quessar Oltania Severa Caldris "
    "Numeria Pellucia Drovania Halmyra"
)
_OUTLET_KIND = _words("Courier Gazette Post Herald Wire Chronicle Observer Mercury Echo Times Sentinel Ledger")
_COMPANY_KIND = _words("Holdings Logistics Foods Energy Shipping Textiles Pharma Construction Telecom Mills")
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = _words("January February March April May June July August September October November December")
_ROLES = {
    "strike": ("union secretary", "chief executive", "conciliator", "shop steward"),
    "flood": ("council leader", "flood warden", "environment agency director", "councillor"),
    "election": ("candidate", "candidate", "party chair", "returning officer"),
    "diplomacy": ("foreign minister", "foreign minister", "trade envoy", "prime minister"),
    "trial": ("defendant", "judge", "prosecutor", "defence barrister"),
    "takeover": ("chief executive", "chief executive", "chair", "analyst"),
    "transport": ("transport director", "council leader", "project manager", "campaigner"),
    "health": ("hospital chief executive", "health secretary", "consultant", "patients' advocate"),
    "festival": ("festival director", "mayor", "headline artist", "police superintendent"),
    "budget": ("finance minister", "opposition spokesperson", "economist", "treasury secretary"),
}
_KINDS = tuple(_ROLES)
_VOCAB = {
    "strike": "pay offer rosters walkout picket ballot overtime dockers terminal cranes shifts wages dispute "
    "stoppage arbitration grievance backlog cargo containers vessels berth",
    "flood": "floodwater river banks sandbags evacuation rainfall gauge defences embankment pumps residents "
    "insurance drainage culvert sewage warning storm levels damage clean-up",
    "election": "ballot turnout constituency manifesto polling hustings campaign voters count seats majority "
    "recount debate pledge canvassing swing marginal coalition results",
    "diplomacy": "treaty tariffs border summit delegation embassy sanctions accord ministers communique "
    "ceasefire fisheries quotas pipeline corridor visas envoy trade",
    "trial": "jury verdict testimony evidence witness courtroom sentencing fraud charges appeal bail "
    "prosecution defence hearing acquittal indictment plea",
    "takeover": "shareholders bid valuation merger acquisition dividend regulator shares offer premium board "
    "synergies debt competition investors stake",
    "transport": "bypass railway station timetable contractor tunnel viaduct buses fares commuters junction "
    "consultation route signalling platforms depot",
    "health": "hospital wards waiting lists nurses beds surgery clinics funding patients ambulance emergency "
    "staffing diagnosis outbreak vaccination",
    "festival": "stage tickets crowds headliners stewards campsite lineup fireworks traders parade marquee "
    "sound curfew volunteers",
    "budget": "deficit borrowing spending taxes revenue inflation forecast pensions allowances grants treasury "
    "surplus bonds levy subsidies",
}
_EVENT_SENTENCES = {
    # (event type, template); {a} and {b} are people, {p} a place, {d} a date phrase
    "meeting": "{a} met {b} in {p} {d} to discuss the {n1} and the {n2}.",
    "talks": "{a} held talks with {b} in {p} {d} about the {n1}.",
    "call": "{a} spoke by telephone with {b} {d}, according to officials in {p}.",
    "visit": "{a} visited {p} {d} and inspected the {n1} with {b}.",
    "statement": "{a} said in a statement {d} that the {n1} would be reviewed before the {n2}.",
    "agreement": "{a} signed an agreement with {b} in {p} {d} on the {n1}.",
    "election": "Voters in {p} elected {a} {d}, ending a campaign dominated by the {n1}.",
    "strike": "Workers in {p} went on strike {d} after {a} rejected the {n1}.",
}
_KIND_EVENTS = {
    "strike": ("strike", "talks", "statement", "meeting", "agreement"),
    "flood": ("visit", "statement", "meeting"),
    "election": ("election", "statement", "visit", "meeting"),
    "diplomacy": ("meeting", "talks", "call", "visit", "agreement"),
    "trial": ("statement",),
    "takeover": ("agreement", "talks", "statement"),
    "transport": ("meeting", "statement", "visit"),
    "health": ("visit", "statement", "meeting"),
    "festival": ("statement", "visit"),
    "budget": ("statement", "meeting", "talks"),
}
_DEVELOPMENTS = (
    "The {n1} has become the main concern for people in {p}, where {x} said the {n2} had been ignored for years.",
    "{a} told reporters that the {n1} was {adj}, and that the {n2} would take {k} weeks to settle.",
    "According to {o}, the {n1} has already cost about {m} million, far more than the {n2} was meant to save.",
    "Figures published by {o} show that the {n1} rose by {k} per cent in the past {k2} months.",
    '{b}, who has dealt with {o} for {k} years, called the {n1} "{adj}" and asked for a review of the {n2}.',
    "Officials at {o} in {p} said they expected a decision on the {n1} within {k} days.",
    "The row over the {n1} follows a {adj} year for {o}, which lost {k} of its {n2} contracts.",
    "Critics say the {n1} was rushed, while supporters point to the {n2} as proof that it works.",
    "{a} was expected to set out the {n1} in more detail before the end of the week.",
    "In {p}, {k} residents signed a petition about the {n1} and the {n2}.",
    "{o} declined to comment on the {n1}, saying the {n2} was a matter for {b}.",
    "The {n1} is the {ord} of its kind in {p} since the {n2} of {y}.",
)
_QUOTES = (
    '"Nobody told us anything about the {n1} until it was too late," said {q}, a {job} from {p}.',
    '"We have waited long enough for the {n1}," said {q}, who has lived in {p} for {k} years.',
    "{q}, a {job} in {p}, said the {n1} had changed the way the town talks about the {n2}.",
    '"It is {adj}, and everybody here knows it," {q}, a {job}, said of the {n1}.',
)
_FILLER = (
    "The {n1} of {p} has a population of about {k},000 and a long history of {n2}.",
    "Weather forecasters expect {adj} conditions across the region for the rest of the week.",
    "Traffic on the {p} ring road was slower than usual on {wd} morning.",
    "The {o} annual report, published last month, listed the {n1} among its priorities.",
    "Local schools reopened after the {n2}, with attendance close to {k} per cent.",
    "A public meeting on the {n1} is planned for the town hall in {p} later this month.",
    "Shops along the high street in {p} said trade had been {adj} since the spring.",
    "The council's website lists {k} open consultations, including one on the {n2}.",
)
_ADJ = _words(
    "disappointing unacceptable encouraging difficult unprecedented modest serious manageable costly "
    "uncertain remarkable troubling reasonable fragile"
)
_JOBS = ("shopkeeper", "teacher", "retired nurse", "fisherman", "taxi driver", "student", "farmer", "engineer", "baker")
_ORDINALS = ("first", "second", "third", "largest", "longest")
_SYNONYMS = {
    "said": "stated",
    "about": "roughly",
    "expected": "anticipated",
    "rejected": "turned down",
    "concern": "worry",
    "called": "described",
    "review": "fresh look",
    "people": "residents",
    "told": "informed",
    "asked": "pressed",
    "decision": "ruling",
    "published": "released",
}


@dataclass(frozen=True)
class Ent:
    """An invented entity: canonical name, spaCy-style type."""

    name: str
    type: str  # PERSON | ORG | GPE

    @property
    def entity_id(self) -> str:
        from transforms.entity_rules import entity_id

        return entity_id(self.type, self.name)


@dataclass(frozen=True)
class Outlet:
    name: str
    slug: str
    text_files: bool  # delivers plain text with a sidecar (else HTML)


@dataclass
class StoryPlan:
    """A story: its kind, actors, places, and how many articles it gets on each day it runs."""

    key: str
    kind: str
    start: date
    people: list[tuple[Ent, str]]  # (person, role)
    orgs: list[Ent]
    places: list[Ent]
    nouns: list[str]
    per_day: list[int]  # articles on start, start+1, ...


@dataclass
class Piece:
    """One generated article with what the generator knows about it."""

    key: str
    day: date
    published_at: datetime
    outlet: Outlet
    story: str
    title: str
    paragraphs: list[str]
    names: list[tuple[int, int, Ent, int]] = field(default_factory=list)  # text start, end, entity, sentence
    title_names: list[tuple[int, int, Ent]] = field(default_factory=list)
    copy_of: str | None = None
    copy_kind: str | None = None  # exact | near | rewrite
    dated: frozenset[int] = frozenset()  # paragraphs written around events (lead, later event, filler)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


class World:
    """The invented places, outlets and name pools, from one seed."""

    def __init__(self, seed: int = SEED) -> None:
        rng = random.Random(seed)  # noqa: S311 (a synthetic world, not security)
        towns = sorted({a + b for a in _TOWN_A for b in _TOWN_B})
        rng.shuffle(towns)
        self.towns = [Ent(t, "GPE") for t in towns[:300]]
        self.countries = [Ent(c, "GPE") for c in _COUNTRIES]
        outlets = []
        for i, town in enumerate(towns[300:330]):
            kind = _OUTLET_KIND[i % len(_OUTLET_KIND)]
            name = f"{town} {kind}"
            outlets.append(Outlet(name, f"{town.lower()}{kind.lower()}", text_files=i % 5 < 2))
        self.outlets = outlets

    def person(self, rng: random.Random) -> Ent:
        return Ent(f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", "PERSON")

    def org(self, rng: random.Random, kind: str, town: Ent) -> Ent:
        if kind in ("strike", "takeover"):
            return Ent(f"{rng.choice(_LAST)} {rng.choice(_COMPANY_KIND)}", "ORG")
        if kind == "health":
            return Ent(f"{town.name} General Hospital", "ORG")
        if kind == "trial":
            return Ent(f"{town.name} Crown Court", "ORG")
        if kind == "diplomacy":
            return Ent(f"{rng.choice(self.countries).name} Foreign Ministry", "ORG")
        return Ent(f"{town.name} {rng.choice(('Council', 'Authority', 'Trust', 'Partnership'))}", "ORG")


def _story_plans(world: World, day: date, per_day: int) -> list[StoryPlan]:
    """The stories that start on `day` (deterministic in the day, not in the history length)."""
    rng = random.Random(f"{SEED}:stories:{day.isoformat()}")  # noqa: S311 (a synthetic world, not security)
    target = per_day * (0.6 if day.weekday() >= 5 else 1.1) / 1.13  # copies add ~13%
    plans, total = [], 0
    i = 0
    while total < target:
        kind = rng.choice(_KINDS)
        length = 1 if rng.random() < 0.45 else min(21, 2 + int(rng.expovariate(1 / 4)))
        first = rng.randint(1, 4) if length > 1 else 1
        counts = [max(1, round(first * 0.75**d + rng.random() - 0.3)) for d in range(length)]
        home = rng.choice(world.towns)
        places = [home] + ([rng.choice(world.countries)] if kind == "diplomacy" else [rng.choice(world.towns)])
        roles = _ROLES[kind]
        people = [(world.person(rng), roles[j % len(roles)]) for j in range(rng.randint(2, 4))]
        orgs = [world.org(rng, kind, home) for _ in range(rng.randint(1, 2))]
        vocab = _VOCAB[kind].split()
        plans.append(
            StoryPlan(
                key=f"{day.isoformat()}#{i}",
                kind=kind,
                start=day,
                people=people,
                orgs=orgs,
                places=places,
                nouns=rng.sample(vocab, 6),
                per_day=counts,
            )
        )
        total += sum(counts)
        i += 1
    return plans


@functools.cache
def _real_sentences() -> tuple[str, ...]:
    """Sentences of real news (../shared/corpora: CoNLL++ dev, TimeBank, AQUAINT) for background
    paragraphs, so that articles differ in more than their invented parts; none without the corpora."""
    corpora = ROOT.parent / "shared" / "corpora"
    files = [
        corpora / "conllpp-dev" / "conllpp_dev.docs.jsonl",
        corpora / "timebank" / "tbaq_timebank.jsonl",
        corpora / "timebank" / "tbaq_aquaint.jsonl",
    ]
    out = []
    for path in files:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            text = re.sub(r" ([.,;:?!'])", r"\1", text).replace(" n't", "n't").replace("`` ", '"').replace(" ''", '"')
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text):
                sentence = " ".join(sentence.split())
                words = sentence.split()
                if 12 <= len(words) <= 40 and sentence[-1] in ".!?" and not sentence.isupper():
                    out.append(sentence)
    return tuple(out)


def _background(rng: random.Random) -> list[str]:
    pool = _real_sentences()
    return rng.sample(pool, rng.randint(2, 4)) if pool else []


def _date_phrase(rng: random.Random, published: date, day_offset: int) -> str:
    when = published + timedelta(days=day_offset)
    if day_offset < 0 and rng.random() < 0.6:
        return f"on {_WEEKDAYS[when.weekday()]}"
    if day_offset > 0 and rng.random() < 0.5:
        return f"next {_WEEKDAYS[when.weekday()]}"
    return f"on {_MONTHS[when.month - 1]} {when.day}"


class _Writer:
    """Builds one article's text paragraph by paragraph, recording where each name went."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.dated: set[int] = set()
        self.names: list[tuple[int, int, Ent, int]] = []
        self._offset = 0
        self._sentence = 0

    def paragraph(self, sentences: list[tuple[str, dict[str, Ent]]]) -> None:
        parts = []
        start = self._offset + (2 if self.paragraphs else 0)
        pos = start
        for template, ents in sentences:
            sentence = self._fill(template, ents, pos)
            parts.append(sentence)
            pos += len(sentence) + 1
            self._sentence += 1
        text = " ".join(parts)
        self.paragraphs.append(text)
        self._offset = start + len(text)

    def _fill(self, template: str, ents: dict[str, Any], pos: int) -> str:
        if not ents:  # a literal sentence
            return template
        out, i = [], 0
        while i < len(template):
            j = template.find("{", i)
            if j < 0:
                out.append(template[i:])
                break
            k = template.index("}", j)
            out.append(template[i:j])
            slot = template[j + 1 : k]
            value = ents[slot]
            if isinstance(value, Ent):
                at = pos + sum(len(s) for s in out)
                self.names.append((at, at + len(value.name), value, self._sentence))
                out.append(value.name)
            else:
                out.append(str(value))
            i = k + 1
        return "".join(out)


def _article(world: World, plan: StoryPlan, day: date, n: int, rng: random.Random) -> Piece:
    outlet = rng.choice(world.outlets)
    published = datetime.combine(day, datetime.min.time()) + timedelta(minutes=rng.randrange(6 * 60, 23 * 60))
    (a, role_a), (b, _role_b) = plan.people[0], plan.people[1]
    if rng.random() < 0.3 and len(plan.people) > 2:
        a, role_a = plan.people[2]
    o = rng.choice(plan.orgs)
    p = plan.places[0] if rng.random() < 0.7 else plan.places[-1]
    n1, n2 = rng.sample(plan.nouns, 2)
    common = {
        "a": a,
        "b": b,
        "o": o,
        "p": p,
        "n1": n1,
        "n2": n2,
        "adj": rng.choice(_ADJ),
        "k": rng.randint(2, 60),
        "k2": rng.randint(2, 18),
        "m": rng.randint(2, 90),
        "y": rng.randint(1990, 2024),
        "ord": rng.choice(_ORDINALS),
        "wd": rng.choice(_WEEKDAYS),
        "x": plan.people[-1][0],
    }
    offset = -1 if rng.random() < 0.6 else rng.choice((0, 1, 2, 7))
    event = rng.choice(_KIND_EVENTS[plan.kind])
    lead = {**common, "d": _date_phrase(rng, day, offset)}
    w = _Writer()
    dateline = f"{p.name.upper()}, {_MONTHS[day.month - 1]} {day.day} - "
    w.dated.add(len(w.paragraphs))
    w.paragraph(
        [
            (dateline + _EVENT_SENTENCES[event], lead),
            (f"{{a}}, the {role_a}, has been at the centre of the {{n2}}.", common),
        ]
    )
    body = rng.sample(_DEVELOPMENTS, rng.randint(4, 8))
    for i in range(0, len(body), 2):
        w.paragraph([(t, {**common, "n1": rng.choice(plan.nouns), "k": rng.randint(2, 60)}) for t in body[i : i + 2]])
        if rng.random() < 0.5 and (background := _background(rng)):
            w.paragraph([(sentence, {}) for sentence in background])
    for _ in range(rng.randint(1, 2)):
        quoted = {**common, "q": world.person(rng), "job": rng.choice(_JOBS), "n1": rng.choice(plan.nouns)}
        w.paragraph([(rng.choice(_QUOTES), quoted)])
    if rng.random() < 0.6:
        second = rng.choice(_KIND_EVENTS[plan.kind])
        later = {**common, "d": _date_phrase(rng, day, rng.choice((1, 2, 3, 7))), "a": b, "b": a}
        w.dated.add(len(w.paragraphs))
        w.paragraph([(_EVENT_SENTENCES[second], later)])
    fill = {**common, "p": rng.choice(world.towns), "n1": rng.choice(_VOCAB[rng.choice(_KINDS)].split())}
    w.dated.add(len(w.paragraphs))
    w.paragraph([(t, fill) for t in rng.sample(_FILLER, rng.randint(1, 3))])
    title_templates = (
        "{a} and {b} at odds over {n1} in {p}",
        "{p}: {n1} row deepens as {o} responds",
        "What the {n1} means for {p}",
        "{a} defends {n1} as pressure grows",
        "{o} under scrutiny over {n2}",
    )
    title_w = _Writer()
    title_w.paragraph([(rng.choice(title_templates), common)])
    title = title_w.paragraphs[0]
    title = title[0].upper() + title[1:]
    return Piece(
        key=f"{plan.key}@{day.isoformat()}#{n}",
        day=day,
        published_at=published,
        outlet=outlet,
        story=plan.key,
        title=title,
        paragraphs=w.paragraphs,
        names=w.names,
        title_names=[(s, e, ent) for s, e, ent, _ in title_w.names],
        dated=frozenset(w.dated),
    )


def _copy(world: World, original: Piece, kind: str, rng: random.Random, day: date) -> Piece:
    """Another outlet's exact copy, near copy (a line added) or rewrite (words swapped, order changed)."""
    outlet = rng.choice([o for o in world.outlets if o != original.outlet])
    paragraphs = list(original.paragraphs)
    names = list(original.names)
    if kind == "near":
        paragraphs.append(f"This story first appeared in the {original.outlet.name}. Follow us for more news.")
    elif kind == "rewrite":
        paragraphs, names = _rewritten(paragraphs, names)
    return Piece(
        key=f"{original.key}~{kind}",
        day=day,
        published_at=max(original.published_at, datetime.combine(day, datetime.min.time()))
        + timedelta(minutes=rng.randrange(20, 300)),
        outlet=outlet,
        story=original.story,
        title=original.title if kind != "rewrite" else original.title + " - update",
        paragraphs=paragraphs,
        names=names,
        title_names=list(original.title_names),
        copy_of=original.key,
        copy_kind=kind,
        dated=original.dated,
    )


def _rewritten(paragraphs: list[str], names: list[tuple[int, int, Ent, int]]) -> tuple[list[str], list]:
    """Synonyms swapped word by word; names re-found by search (they are never swapped)."""
    out = []
    for para in paragraphs:
        words = para.split(" ")
        out.append(" ".join(_SYNONYMS.get(word, word) for word in words))
    text = "\n\n".join(out)
    found, pos = [], 0
    for _s, _e, ent, sent in names:
        at = text.find(ent.name, pos)
        if at < 0:
            continue
        found.append((at, at + len(ent.name), ent, sent))
        pos = at + len(ent.name)
    return out, found


def _originals(world: World, day: date, per_day: int) -> list[Piece]:
    """The day's own articles: every running story's share."""
    pieces: list[Piece] = []
    rng = random.Random(f"{SEED}:day:{day.isoformat()}")  # noqa: S311 (a synthetic world, not security)
    for back in range(21, -1, -1):
        for plan in _story_plans(world, day - timedelta(days=back), per_day):
            if back < len(plan.per_day):
                for n in range(plan.per_day[back]):
                    pieces.append(_article(world, plan, day, n, rng))
    return pieces


def day_pieces(world: World, day: date, per_day: int) -> list[Piece]:
    """The articles of `day`: its own, other outlets' copies of them, and a few late copies of
    the day before's."""
    originals = _originals(world, day, per_day)
    rng = random.Random(f"{SEED}:copies:{day.isoformat()}")  # noqa: S311 (a synthetic world, not security)
    pieces = list(originals)
    for piece in originals:
        r = rng.random()
        if r < 0.05:
            pieces.append(_copy(world, piece, "exact", rng, day))
        elif r < 0.10:
            pieces.append(_copy(world, piece, "near", rng, day))
        elif r < 0.13:
            pieces.append(_copy(world, piece, "rewrite", rng, day))
    for piece in _originals(world, day - timedelta(days=1), per_day):
        if rng.random() < 0.03:
            pieces.append(_copy(world, piece, rng.choice(("exact", "near", "rewrite")), rng, day))
    return pieces


def bench_day_pieces(world: World, per_day: int) -> list[Piece]:
    """The benchmark day: DAY_DOCS of the day's articles (the stories continue from history)."""
    pieces = day_pieces(world, BENCH_DAY, per_day)
    rng = random.Random(f"{SEED}:bench")  # noqa: S311 (a synthetic world, not security)
    keep = sorted(rng.sample(range(len(pieces)), min(DAY_DOCS, len(pieces))))
    return [pieces[i] for i in keep]


# ---------------------------------------------------------------- raw documents


def raw_document(piece: Piece) -> tuple[str, bytes, dict[str, Any] | None]:
    """(file name, bytes, sidecar or None): plain text with a sidecar, or an HTML page."""
    slug = hashlib.sha1(piece.key.encode()).hexdigest()[:10]  # noqa: S324 (a file name, not security)
    url = f"https://{piece.outlet.slug}.example/news/{piece.day.isoformat()}/{slug}"
    if piece.outlet.text_files:
        body = f"{piece.title}\n\nBy {piece.outlet.name} staff\n\n{piece.text}\n"
        side = {
            "url": url,
            "source": piece.outlet.name,
            "published_at": piece.published_at.replace(tzinfo=UTC).isoformat(),
            "language": "en",
        }
        return f"{piece.outlet.slug}_{slug}.txt", body.encode(), side
    paras = "\n".join(f"<p>{_esc(p)}</p>" for p in piece.paragraphs)
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_esc(piece.title)} | {piece.outlet.name}</title>"
        f"<meta property='og:title' content='{_esc(piece.title)}'>"
        f"<meta property='og:site_name' content='{piece.outlet.name}'>"
        f"<meta property='article:published_time' content='{piece.published_at.isoformat()}Z'>"
        f"<link rel='canonical' href='{url}'></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{_esc(piece.title)}</h1><p class='byline'>By {piece.outlet.name} staff</p>{paras}</article>"
        f"<footer>&copy; 2026 {piece.outlet.name}. All rights reserved. Contact the newsdesk.</footer>"
        "</body></html>"
    )
    return f"{piece.outlet.slug}_{slug}.html", html.encode(), None


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")


def write_inbox(pieces: list[Piece], inbox: Path, day: date) -> None:
    """The day's documents as inbox files under <inbox>/<day>/."""
    folder = inbox / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    for piece in pieces:
        name, raw, side = raw_document(piece)
        (folder / name).write_bytes(raw)
        if side is not None:
            (folder / f"{name}.meta.json").write_text(json.dumps(side), encoding="utf-8")


# ---------------------------------------------------------------- history rows


def _article_row(piece: Piece, doc_id: str, url: str) -> dict[str, Any]:
    from transforms.normalize import match_key
    from transforms.urls import canonical_url

    text = piece.text
    return {
        "article_id": doc_id,
        "doc_id": doc_id,
        "day": piece.day,
        "title": piece.title,
        "title_provenance": "headline_line" if piece.outlet.text_files else "html_metadata",
        "text": text,
        "author": None,
        "url": url,
        "canonical_url": canonical_url(url),
        "source": piece.outlet.name,
        "sitename": None if piece.outlet.text_files else piece.outlet.name,
        "description": None,
        "language": "en",
        "published_at": piece.published_at,
        "published_date": piece.published_at.date(),
        "published_provenance": "sidecar" if piece.outlet.text_files else "html_metadata",
        "dateline_place": None,
        "dateline_date": None,
        "word_count": len(text.split()),
        "content_hash": hashlib.sha256(match_key(text).encode()).hexdigest(),
    }


def _mentions(piece: Piece, article_id: str) -> list[Any]:
    from transforms.entities import EntityMention

    first_para = len(piece.paragraphs[0])
    out = [
        EntityMention(
            article_id=article_id,
            entity_id=ent.entity_id,
            surface=ent.name,
            start=s,
            end=e,
            sentence_index=0,
            in_headline=True,
            in_lead=False,
            label=ent.type,
            how="exact",
        )
        for s, e, ent in piece.title_names
    ]
    out += [
        EntityMention(
            article_id=article_id,
            entity_id=ent.entity_id,
            surface=ent.name,
            start=s,
            end=e,
            sentence_index=sent,
            in_headline=False,
            in_lead=e <= first_para and sent < 3,
            label=ent.type,
            how="exact",
        )
        for s, e, ent, sent in piece.names
    ]
    return out


def _insert_new(conn: Any, table: str, source: str) -> None:
    """Rows of `source` into `table`, but none already there: `insert or ignore` where the table has a
    key, distinct rows where it has none (schema 095 dropped the growing tables' key indexes)."""
    keyed = conn.execute(
        "select count(*) from duckdb_constraints() where table_name = ? and constraint_type = 'PRIMARY KEY'", [table]
    ).fetchone()[0]
    if keyed:
        conn.execute(f"insert or ignore into {table} select * from {source}")
    else:
        conn.execute(f"insert into {table} select distinct * from {source}")


class HistoryWriter:
    """Turns generated days into rows of the warehouse's tables, a batch of days at a time."""

    def __init__(self, conn: Any, warehouse: Path, archive_from: date) -> None:
        self.conn = conn
        self.warehouse = warehouse
        self.archive_from = archive_from
        self.article_of: dict[str, str] = {}  # piece key -> article_id
        self.story_of: dict[str, str] = {}  # plan key -> story_id (its founding article)
        self.names: dict[str, Ent] = {}
        self.first_alias: dict[str, tuple[str, str]] = {}  # entity_id -> (surname, article)
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.records: list[Any] = []

    def add_day(self, pieces: list[Piece]) -> None:
        from flows.archive import archive_path
        from newsmon.models import Article
        from transforms.events import article_events
        from transforms.sniff import source_hint
        from transforms.stories import story_id

        for piece in pieces:
            name, raw, side = raw_document(piece)
            doc_id = hashlib.sha256(raw).hexdigest()
            if doc_id in self.article_of.values():
                continue  # a byte-identical copy: the loader keeps it once
            rel = f"{piece.day.isoformat()}/{name}"
            if piece.day >= self.archive_from:  # where flows.archive puts it (no fsync: a cache)
                path = archive_path(self.warehouse / "raw", doc_id)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(raw)
            self.article_of[piece.key] = doc_id
            self.rows["documents"].append(
                {
                    "doc_id": doc_id,
                    "file_name": name,
                    "source_path": rel,
                    "origin": "inbox",
                    "arrival_day": piece.day,
                    "size_bytes": len(raw),
                    "media_type": "text" if side else "html",
                    "encoding": "utf-8",
                    "encoding_note": None,
                    "archive_path": f"raw/{doc_id[:2]}/{doc_id[2:4]}/{doc_id}",
                    "source_hint": source_hint(rel),
                    "meta": json.dumps(side or {}),
                }
            )
            self.rows["inbox_files"].append(
                {"source_path": rel, "doc_id": doc_id, "day": piece.day, "outcome": "loaded"}
            )
            url = (side or {}).get("url") or f"https://{piece.outlet.slug}.example/news/{piece.day}/{name[-15:-5]}"
            row = _article_row(piece, doc_id, url)
            self.rows["articles"].append(row)
            mentions = _mentions(piece, doc_id)
            ents = {m.entity_id: m for m in mentions}
            for _, _, ent, _ in piece.names:
                self.names.setdefault(ent.entity_id, ent)
                if ent.type == "PERSON" and ent.entity_id not in self.first_alias:
                    self.first_alias[ent.entity_id] = (ent.name.split()[-1], doc_id)
            for _, _, ent in piece.title_names:
                self.names.setdefault(ent.entity_id, ent)
            self.rows["entity_mentions"] += [
                {
                    "article_id": m.article_id,
                    "entity_id": m.entity_id,
                    "surface": m.surface,
                    "start_char": m.start,
                    "end_char": m.end,
                    "sentence_index": m.sentence_index,
                    "in_headline": m.in_headline,
                    "in_lead": m.in_lead,
                    "label": m.label,
                    "how": m.how,
                }
                for m in mentions
            ]
            if piece.story not in self.story_of:
                self.story_of[piece.story] = story_id(doc_id)
            self.rows["story_articles"].append(
                {
                    "article_id": doc_id,
                    "story_id": self.story_of[piece.story],
                    "day": piece.day,
                    "similarity": 1.0 if self.story_of[piece.story] == story_id(doc_id) else 0.42,
                }
            )
            original = self.article_of.get(piece.copy_of or "")
            if original:
                self.rows["article_duplicates"].append(
                    {
                        "article_id": doc_id,
                        "duplicate_of": original,
                        "kind": piece.copy_kind,
                        "score": 1.0 if piece.copy_kind == "exact" else 0.8,
                        "day": piece.day,
                    }
                )
            # The real extractor, on the text with all but the paragraphs written around events
            # blanked out (same offsets): the dates and numbers elsewhere cost most of its time. A
            # near copy's added line and a rewrite keep the original's paragraphs in place.
            blanked = "\n\n".join(p if i in piece.dated else " " * len(p) for i, p in enumerate(piece.paragraphs))
            article = Article(**{k: v for k, v in row.items() if k != "published_date"} | {"text": blanked})
            entities = {i: self._entity(i) for i in ents}
            self.records += article_events(article, [m for m in mentions if not m.in_headline], entities)

    def _entity(self, entity_id: str) -> Any:
        from transforms.entities import Entity

        ent = self.names[entity_id]
        return Entity(entity_id=entity_id, canonical_name=ent.name, type=ent.type)

    def flush(self) -> None:
        """Insert the rows gathered so far."""
        import pandas as pd

        for table, rows in self.rows.items():
            if not rows:
                continue
            frame = pd.DataFrame(rows)
            cols = [r[0] for r in self.conn.execute(f"describe {table}").fetchall()]
            self.conn.register("_rows", frame.reindex(columns=cols))  # columns added since: null
            _insert_new(self.conn, table, "_rows")
            self.conn.unregister("_rows")
        self.rows = defaultdict(list)

    def finish(self, days: list[date]) -> None:
        """Entities, aliases, stories and events from the rows of every day; the runs table."""
        import pandas as pd

        from flows.events import _events_frame, _insert, _mentions_frame
        from transforms.events import merged_events

        self.flush()
        conn = self.conn
        names = pd.DataFrame(
            [{"entity_id": k, "canonical_name": e.name, "type": e.type} for k, e in self.names.items()]
        )
        conn.register("_names", names)
        conn.execute(
            """
            insert into entities
            select m.entity_id, any_value(n.canonical_name), any_value(n.type), min(a.day), max(a.day), count(*)
            from entity_mentions as m
            join articles as a on a.article_id = m.article_id
            join _names as n on n.entity_id = m.entity_id
            group by m.entity_id
            """
        )
        conn.unregister("_names")
        aliases = pd.DataFrame(
            [
                {"alias": alias, "entity_id": k, "learned_from": article, "how": "surname_same_article"}
                for k, (alias, article) in self.first_alias.items()
            ],
            columns=["alias", "entity_id", "learned_from", "how"],
        )
        conn.register("_aliases", aliases)
        _insert_new(conn, "entity_aliases", "_aliases")
        conn.unregister("_aliases")
        conn.execute(
            """
            insert into stories
            with members as (
                select sa.story_id, a.*, d.article_id is null as is_report
                from story_articles as sa
                join articles as a on a.article_id = sa.article_id
                left join article_duplicates as d on d.article_id = sa.article_id
            )
            select story_id, arg_min(title, published_at), min(published_at), max(published_at), count(*),
                count(*) filter (where is_report), count(distinct lower(source)) filter (where is_report), '[]'
            from members
            group by story_id
            """
        )
        events = merged_events(self.records, {k: self._entity(k) for k in self.names})
        _insert(conn, "event_mentions", _mentions_frame(self.records))
        _insert(conn, "events", _events_frame(events))
        _insert(
            conn,
            "event_participants",
            pd.DataFrame(
                [
                    {"event_id": e.event_id, "entity_id": p.entity_id, "role": p.role}
                    for e in events
                    for p in e.participants
                ],
                columns=["event_id", "entity_id", "role"],
            ),
        )
        conn.register(
            "_ids",
            pd.DataFrame(
                [{"mention_id": m, "event_id": e.event_id} for e in events for m in e.mention_ids],
                columns=["mention_id", "event_id"],
            ),
        )
        conn.execute(
            "update event_mentions set event_id = i.event_id from _ids as i"
            " where event_mentions.mention_id = i.mention_id"
        )
        conn.unregister("_ids")
        conn.executemany(
            "insert into runs values (?, 'daily', ?, ?, ?, ?, 'completed', '{}', '{}')",
            [
                [
                    f"history-{d.isoformat()}",
                    d,
                    d,
                    datetime.combine(d, datetime.min.time()) + timedelta(hours=6),
                    datetime.combine(d, datetime.min.time()) + timedelta(hours=6, minutes=3),
                ]
                for d in days
            ],
        )


def _memoised_date_resolution() -> None:
    """`transforms.temporal.resolved_date` memoised in this process (pure, and its results are
    frozen): the same few phrases recur in every article, and the build runs 2.5x faster."""
    import transforms.temporal as temporal

    if hasattr(temporal.resolved_date, "cache_info"):
        return
    original = temporal.resolved_date

    @functools.lru_cache(maxsize=500_000)
    def plain(expression: str, reference: date, tense: Any) -> Any:
        return original(expression, reference, tense=tense)

    def resolved_date(expression: str, reference: date, *, tense: Any = None, focus: Any = None) -> Any:
        if focus is not None:
            return original(expression, reference, tense=tense, focus=focus)
        return plain(expression, reference, tense)

    resolved_date.cache_info = plain.cache_info  # type: ignore[attr-defined]
    temporal.resolved_date = resolved_date


def history_days(world: World, size: int, per_day: int) -> list[date]:
    """The days before BENCH_DAY whose articles add up to about `size` (none for 0)."""
    days: list[date] = []
    total = 0
    day = BENCH_DAY
    while total < size:
        day -= timedelta(days=1)
        days.append(day)
        total += len(day_pieces(world, day, per_day))
    return sorted(days)


def built_warehouse(size: int, per_day: int, rebuild: bool = False) -> Path:
    """A warehouse folder (newsmon.duckdb + raw/) with ~`size` articles of history, cached."""
    import duckdb

    from warehouse import db

    folder = OUT_DIR / f"history-{size}-perday{per_day}-v{GENERATOR_VERSION}"
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    if (folder / "done").exists():
        return folder
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    started = time.perf_counter()
    _memoised_date_resolution()
    world = World()
    days = history_days(world, size, per_day)
    if days:
        conn = duckdb.connect(str(partial / "newsmon.duckdb"))
        db.apply_schema(conn)
        writer = HistoryWriter(conn, partial, BENCH_DAY - timedelta(days=ARCHIVED_DAYS))
        for n, day in enumerate(days, 1):
            writer.add_day(day_pieces(world, day, per_day))
            if n % 10 == 0 or n == len(days):
                writer.flush()
                print(
                    f"  history {size}: {n}/{len(days)} days, {len(writer.article_of)} articles "
                    f"({time.perf_counter() - started:.0f} s)",
                    file=sys.stderr,
                )
        writer.finish(days)
        conn.execute("checkpoint")
        conn.close()
    (partial / "done").write_text(json.dumps({"days": len(days), "built_seconds": time.perf_counter() - started}))
    partial.rename(folder)
    return folder


# ---------------------------------------------------------------- one measured run (a child process)


class _Timers:
    """Exclusive CPU and wall per named region: a region's time leaves out the regions inside it."""

    def __init__(self) -> None:
        self.stack: list[list[float]] = []  # [cpu at start, wall at start, nested cpu, nested wall]
        self.totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])

    @staticmethod
    def cpu() -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime

    @contextlib.contextmanager
    def region(self, name: str) -> Iterator[None]:
        frame = [self.cpu(), time.perf_counter(), 0.0, 0.0]
        self.stack.append(frame)
        try:
            yield
        finally:
            self.stack.pop()
            cpu, wall = self.cpu() - frame[0], time.perf_counter() - frame[1]
            total = self.totals[name]
            total[0] += cpu - frame[2]
            total[1] += wall - frame[3]
            total[2] += 1
            if self.stack:
                self.stack[-1][2] += cpu
                self.stack[-1][3] += wall

    def wrap(self, module: Any, attr: str, name: str) -> None:
        original = getattr(module, attr, None)
        if original is None:
            return

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.region(name):
                return original(*args, **kwargs)

        setattr(module, attr, timed)

    def wrap_writer(self, db_module: Any) -> None:
        original = db_module.writer

        @contextlib.contextmanager
        def writer(database: Path, *args: Any, **kwargs: Any) -> Iterator[Any]:
            manager = original(database, *args, **kwargs)
            with self.region("db: copy + open"):
                conn = manager.__enter__()
            try:
                yield conn
            except BaseException:
                if not manager.__exit__(*sys.exc_info()):
                    raise
            else:
                with self.region("db: commit + checkpoint + swap"):
                    manager.__exit__(None, None, None)

        db_module.writer = writer


# Searched after each run: ranked ids, scores and snippets must not depend on the tree.
_QUERIES = ("strike", "flood council", '"pay offer"', "treaty -tariffs", "election ballot", "Valdoria")


def one_run(warehouse: Path, inbox: Path, out: Path) -> None:
    """Run the daily flow once on `warehouse` with stage timers; write the figures to `out`."""
    os.environ["NEWSMON_WAREHOUSE_DIR"] = str(warehouse)
    import flows.daily as daily_module
    import flows.entities as entities_module
    import flows.events as events_module
    import flows.stories as stories_module
    import transforms.entities as ner_module
    from warehouse import db

    timers = _Timers()
    for name in ("load_inbox", "process_day", "entities_stage", "stories_stage", "events_stage", "summarise"):
        timers.wrap(daily_module, name, name.removesuffix("_stage").replace("_", " "))
    for name in ("read_report_extras", "publish_summary", "publish_report", "publish_feed", "notify_run_summary"):
        timers.wrap(daily_module, name, "publish + notify")
    timers.wrap(daily_module, "build_search_index", "search index rebuild")
    timers.wrap(daily_module, "update_search_index", "search index update")
    timers.wrap(daily_module, "_source_boilerplate", "process day: boilerplate learning")
    timers.wrap(ner_module, "_pipeline", "spaCy model load")
    for module in (daily_module, entities_module, events_module, stories_module):
        timers.wrap(module, "validate_frame", f"{module.__name__.split('.')[-1]}: GE validation")
        timers.wrap(module, "checked_frame", f"{module.__name__.split('.')[-1]}: GE validation")  # flows/checks.py
    timers.wrap(entities_module, "registry_before", "entities: registry load")
    timers.wrap(entities_module, "write_day", "entities: write")  # trees before the chunked writes
    timers.wrap(entities_module, "_write_names_and_aliases", "entities: write")
    timers.wrap(stories_module, "_entities_by_article", "stories: entity mentions load")
    timers.wrap(stories_module, "_entity_names", "stories: entity names load")
    timers.wrap(stories_module, "_open_stories", "stories: open stories load")
    timers.wrap(stories_module, "duplicates", "stories: duplicates")
    timers.wrap(stories_module, "story_members", "stories: story matching")
    timers.wrap(stories_module, "_refreshed_stories", "stories: story rows")
    timers.wrap(events_module, "_known_entity_ids", "events: known entity ids")
    timers.wrap(events_module, "_existing_participants", "events: known entity ids")
    timers.wrap(events_module, "_block_records", "events: block mentions load")
    timers.wrap(events_module, "merged_events", "events: merge")
    timers.wrap_writer(db)

    from flows.daily import daily

    cpu0, wall0 = timers.cpu(), time.perf_counter()
    with timers.region("flow (the rest)"):
        summary = daily(day=BENCH_DAY, inbox=str(inbox))
    cpu, wall = timers.cpu() - cpu0, time.perf_counter() - wall0
    from newsmon.settings import Settings

    database = Settings().database_path  # a DuckDB file, or a lake with NEWSMON_STORAGE=ducklake
    con = db.reader(database)
    articles = con.execute("select count(*) from articles").fetchone()[0]
    day_rows = {
        t: con.execute(f"select count(*) from {t} where day = ?", [BENCH_DAY]).fetchone()[0]
        for t in ("articles", "story_articles", "article_duplicates", "event_mentions")
    }
    # What the day produced, to check that two trees agree row for row (ids, scores, reasons).
    produced = {
        "story_articles": "select * from story_articles where day = $day order by all",
        "article_duplicates": "select * from article_duplicates where day = $day order by all",
        "stories": "select * from stories order by all",
        "event_mentions": "select * from event_mentions where day = $day order by all",
        "events": "select * from events order by all",
        "entity_mentions": "select m.* from entity_mentions as m join articles as a using (article_id)"
        " where a.day = $day order by all",
        "quarantine": "select * from quarantine where day = $day order by all",
    }
    digest = {
        table: hashlib.sha256(
            repr(con.execute(sql, {"day": BENCH_DAY} if "$day" in sql else {}).fetchall()).encode()
        ).hexdigest()[:16]
        for table, sql in produced.items()
    }
    from warehouse.search import search_articles

    hits = [[(h.article_id, h.score, h.snippet_start) for h in search_articles(con, q, limit=50)] for q in _QUERIES]
    digest["search hits"] = hashlib.sha256(repr(hits).encode()).hexdigest()[:16]
    con.close()
    out.write_text(
        json.dumps(
            {
                "cpu": cpu,
                "wall": wall,
                "stages": dict(timers.totals),
                "articles": articles,
                "day_rows": day_rows,
                "digest": digest,
                "quarantined": summary.totals.quarantined,
                "db_bytes": db.size_bytes(database) if hasattr(db, "size_bytes") else database.stat().st_size,
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "children_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            }
        )
    )


# ---------------------------------------------------------------- the rounds (the parent)


def prepare(warehouse: Path) -> None:
    """Leave a cached history as the previous run of this tree would have: its schema applied,
    its search index built, what boilerplate learning stores kept (not timed: once per tree)."""
    os.environ["NEWSMON_WAREHOUSE_DIR"] = str(warehouse)
    import flows.daily as daily_module
    from newsmon.settings import Settings
    from warehouse import db, search

    settings = Settings()
    with db.writer(settings.database_path) as conn:
        (getattr(search, "update_search_index", None) or search.build_search_index)(conn)
        stored = conn.execute("select count(*) from duckdb_tables() where table_name = 'boilerplate_features'")
        if stored.fetchone()[0]:
            since = BENCH_DAY - timedelta(days=settings.boilerplate_window_days)
            keys = conn.execute(
                "select distinct regexp_replace(lower(coalesce(meta ->> 'source', source_hint)), '[^a-z0-9]', '', 'g')"
                " from documents where media_type = 'text' and arrival_day >= ?",
                [since],
            ).fetchall()
            daily_module._source_boilerplate(conn, settings, BENCH_DAY, {k for (k,) in keys if k})
        # The terms the stories stage of the window's days stored (article_terms), where this tree has them.
        import flows.stories as stories_module

        if hasattr(stories_module, "_store_terms"):
            for back in range(stories_module.TERMS_KEPT.days, 0, -1):
                day = BENCH_DAY - timedelta(days=back)
                rows = db.query(conn, "story_day_articles", day=day)
                stories_module._store_terms(conn, day, stories_module._Articles(conn, day).of(rows))
    # The report index and feed as the last run left them (their digest of the stored summaries).
    import flows.report as report_module

    if hasattr(report_module, "stored_days") and settings.reports_dir.is_dir():
        from flows.publish import written_feed

        report_module.write_index(settings.reports_dir)
        written_feed(settings.reports_dir)


def _prepared(built: dict[int, Path], trees: dict[str, Path], env: dict[str, str], work: Path) -> dict:
    """Per tree and size, a copy of the cached history prepared by that tree (`prepare`)."""
    prepared: dict[str, dict[int, Path]] = {}
    for name, tree in trees.items():
        prepared[name] = {}
        for size, folder in built.items():
            if size == 0:
                prepared[name][size] = folder
                continue
            target = work / f"prepared-{name}-{size}"
            _copy_warehouse(folder, target)
            t0 = time.perf_counter()
            steps = ["--prepare", "--to-lake"] if _storage(name) == "ducklake" else ["--prepare"]
            for step in steps:  # each in a child running that tree's code
                subprocess.run(
                    [sys.executable, __file__, step, str(target)],
                    env={**env, "NEWSMON_BENCH_TREE": str(tree)},
                    cwd=tree,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
            print(f"history {size}: prepared for {name} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
            prepared[name][size] = target
    return prepared


def publish_history(warehouse: Path) -> None:
    """The reports of the history's recent days, as the runs that wrote them would have left them
    (a run republishes the recent days whose reports are missing: without them the first measured
    run would write 60 days of reports)."""
    os.environ["NEWSMON_WAREHOUSE_DIR"] = str(warehouse)
    import flows.daily as daily_module
    from newsmon.settings import Settings

    republish = getattr(daily_module, "republish_missing", None)
    if republish is not None:
        republish(Settings())


def _publish_cached_history(built: dict[int, Path], env: dict[str, str]) -> None:
    """Once per cached warehouse, its recent days' reports (in a child, against the server)."""
    for size, folder in built.items():
        if size == 0 or (folder / "published").exists():
            continue
        print(f"history {size}: writing the recent days' reports (once) ...", file=sys.stderr)
        subprocess.run(
            [sys.executable, __file__, "--publish-history", str(folder)],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        (folder / "published").write_text("reports written\n")


def _copy_warehouse(source: Path, target: Path) -> None:
    """The DB file copied; the raw archive hard-linked (runs only add files to it)."""
    target.mkdir(parents=True)
    if (source / "newsmon.duckdb").exists():
        shutil.copy2(source / "newsmon.duckdb", target / "newsmon.duckdb")
    if (source / "newsmon.lake").exists():  # its Parquet files are never changed in place: hard links
        shutil.copytree(source / "newsmon.lake", target / "newsmon.lake", copy_function=_link_or_copy)
    if (source / "raw").exists():
        shutil.copytree(source / "raw", target / "raw", copy_function=os.link)
    if (source / "reports").exists():
        shutil.copytree(source / "reports", target / "reports")


def _link_or_copy(source: str, target: str) -> None:
    """Hard-link immutable Parquet files; copy the rest (the SQLite catalog changes in place)."""
    if source.endswith(".parquet"):
        os.link(source, target)
    else:
        shutil.copy2(source, target)


def to_lake(warehouse: Path) -> None:
    """Convert a prepared history into a lake with this tree's code (`newsmon convert`), the file removed."""
    from warehouse import lake

    lake.convert_file(warehouse / "newsmon.duckdb", warehouse / "newsmon.lake")
    (warehouse / "newsmon.duckdb").unlink()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _measured_run(warehouse: Path, inbox: Path, env: dict[str, str], tree: Path) -> dict[str, Any]:
    """One run in a fresh process, on `tree`'s code (this script's timers, that tree's modules)."""
    out = warehouse.parent / f"{warehouse.name}.json"
    log = warehouse.parent / f"{warehouse.name}.log"
    cpu0, wall0 = _children_cpu(), time.perf_counter()
    with log.open("w") as fh:
        done = subprocess.run(
            [sys.executable, __file__, "--one-run", str(warehouse), str(inbox), str(out)],
            env={**env, "NEWSMON_BENCH_TREE": str(tree), "NEWSMON_STORAGE": _storage(warehouse.name)},
            cwd=tree,
            stdout=fh,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode:
        sys.exit(f"the run on {warehouse} failed ({done.returncode}):\n{log.read_text()[-3000:]}")
    figures = json.loads(out.read_text())
    figures["tree_cpu"] = _children_cpu() - cpu0
    figures["tree_wall"] = time.perf_counter() - wall0
    return figures


@contextlib.contextmanager
def _prefect_server(env: dict[str, str], log: Path) -> Iterator[str]:
    """`prefect server start` on a free local port for all the runs; yields its API URL.

    One server for the bench, not a temporary one per run: on a busy machine a temporary
    server may not start within Prefect's 20 s, and its start-up is the same for every run.
    """
    import signal
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "prefect"),
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env={**env, "PREFECT_UI_ENABLED": "false"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopping it stops its workers too
        )
    api = f"http://127.0.0.1:{port}/api"
    started = time.perf_counter()
    try:
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"prefect server exited ({server.returncode}); see {log}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{api}/health", timeout=2) as reply:  # noqa: S310
                if reply.status == 200:  # a local URL we made
                    break
            if time.perf_counter() - started > 300:
                raise RuntimeError(f"prefect server did not answer in 300 s; see {log}")
            time.sleep(0.5)
        yield api
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


LAKE_SUFFIX = "-lake"  # a variant name ending so runs its tree's code on a DuckLake warehouse


def _storage(name: str) -> str:
    return "ducklake" if name.endswith(LAKE_SUFFIX) else "file"


def _trees(specs: list[str], storages: list[str]) -> dict[str, Path]:
    """Variant name -> checkout: each tree once per storage (`NAME` on a file, `NAME-lake` on a lake)."""
    trees = {}
    for spec in specs or [f"this={ROOT}"]:
        name, _, path = spec.partition("=")
        if not path or not (Path(path) / "flows" / "daily.py").exists():
            sys.exit(f"--tree {spec}: expected NAME=PATH of a newsmon checkout")
        for storage in storages:
            if storage not in ("file", "ducklake"):
                sys.exit(f"--storage {storage}: expected file or ducklake")
            trees[name + (LAKE_SUFFIX if storage == "ducklake" else "")] = Path(path).resolve()
    return trees


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="0,10000,100000", help="history sizes in articles, comma-separated")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--per-day", type=int, default=250, help="history articles per day on average")
    ap.add_argument("--keep", type=Path, help="keep the run copies (warehouse, data docs, reports, logs) under DIR")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached history warehouses")
    ap.add_argument(
        "--tree",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="measure this copy of the code (repeat: the trees alternate within each round)",
    )
    ap.add_argument(
        "--storage",
        default="file",
        help="file, ducklake or file,ducklake: each tree on each storage (NAME and NAME-lake), interleaved",
    )
    ap.add_argument("--save", type=Path, help="write every run's figures to this JSON file")
    ap.add_argument("--to-lake", type=Path, metavar="WAREHOUSE", help=argparse.SUPPRESS)
    ap.add_argument("--one-run", nargs=3, type=Path, metavar=("WAREHOUSE", "INBOX", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--publish-history", type=Path, metavar="WAREHOUSE", help=argparse.SUPPRESS)
    ap.add_argument("--prepare", type=Path, metavar="WAREHOUSE", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one_run:
        one_run(*args.one_run)
        return
    if args.publish_history:
        publish_history(args.publish_history)
        return
    if args.prepare:
        prepare(args.prepare)
        return
    if args.to_lake:
        to_lake(args.to_lake)
        return
    trees = _trees(args.tree, args.storage.split(","))
    sizes = sorted({int(s) for s in args.sizes.split(",")} | {0})
    built = {}
    for size in sizes:
        t0 = time.perf_counter()
        built[size] = built_warehouse(size, args.per_day, args.rebuild)
        print(f"history {size}: {built[size].name} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)

    work = Path(tempfile.mkdtemp(prefix="newsmon-incremental-"))
    try:
        _rounds(args, trees, sizes, built, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _rounds(
    args: argparse.Namespace, trees: dict[str, Path], sizes: list[int], built: dict[int, Path], work: Path
) -> None:
    """The warm-up runs and the measured rounds, against one Prefect server."""
    env = {
        **os.environ,
        "PREFECT_HOME": str(work / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    env.pop("PREFECT_API_URL", None)
    with _prefect_server(env, work / "prefect-server.log") as api:
        env["PREFECT_API_URL"] = api
        _publish_cached_history(built, env)
        prepared = _prepared(built, trees, env, work)
        inbox = work / "inbox"
        pieces = bench_day_pieces(World(), args.per_day)
        write_inbox(pieces, inbox, BENCH_DAY)
        print(f"day {BENCH_DAY}: {len(pieces)} documents; warm-up run per tree (not counted) ...", file=sys.stderr)
        for name, tree in trees.items():
            _copy_warehouse(built[0], work / f"warmup-{name}")
            _measured_run(work / f"warmup-{name}", inbox, env, tree)
        runs: dict[str, dict[int, list[dict[str, Any]]]] = {name: defaultdict(list) for name in trees}
        names = list(trees)
        for r in range(args.rounds):
            order = sizes[r % len(sizes) :] + sizes[: r % len(sizes)]  # interleaved, rotated
            for size in order:
                for name in names[r % len(names) :] + names[: r % len(names)]:
                    target = work / f"r{r}-{size}-{name}"
                    _copy_warehouse(prepared[name][size], target)
                    figures = _measured_run(target, inbox, env, trees[name])
                    runs[name][size].append(figures)
                    print(
                        f"round {r + 1}/{args.rounds} history {size} {name}: cpu {figures['cpu']:.1f} s,"
                        f" wall {figures['wall']:.1f} s",
                        file=sys.stderr,
                    )
                    if args.keep is None:
                        shutil.rmtree(target, ignore_errors=True)
    for name in names:
        _report(name, runs[name], sizes, args)
    if len(names) > 1:
        _compare(runs, names, sizes)
    if args.save:
        args.save.write_text(json.dumps({"args": vars(args) | {"keep": None, "save": None}, "runs": runs}, default=str))
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        for path in work.iterdir():
            if path.name != "prefect":
                shutil.move(str(path), args.keep / path.name)
        print(f"kept: {args.keep}")


def _report(tree: str, runs: dict[int, list[dict[str, Any]]], sizes: list[int], args: argparse.Namespace) -> None:
    base = runs[0]
    first = base[0]
    print(
        f"\n[{tree}] the same {first['day_rows']['articles']}-article day ({BENCH_DAY}) on warehouses of"
        f" ~{', '.join(map(str, sizes))} articles ({args.per_day} a day); {args.rounds} rounds interleaved; medians"
    )
    print(
        f"{'history':>9} {'articles':>9} {'cpu s':>7} {'ratio':>6} {'wall s':>7} {'ratio':>6} {'tree cpu':>8}"
        f" {'DB MB':>7} {'B/1k art':>10} {'RSS MB':>7} {'dups':>5} {'stories':>7} {'events':>6}"
    )
    for size in sizes:
        rs = runs[size]
        cpu_ratio = _median([r["cpu"] / b["cpu"] for r, b in zip(rs, base, strict=True)])
        wall_ratio = _median([r["wall"] / b["wall"] for r, b in zip(rs, base, strict=True)])
        last = rs[-1]
        print(
            f"{size:>9} {last['articles']:>9} {_median([r['cpu'] for r in rs]):>7.1f} {cpu_ratio:>5.2f}x"
            f" {_median([r['wall'] for r in rs]):>7.1f} {wall_ratio:>5.2f}x"
            f" {_median([r['tree_cpu'] for r in rs]):>8.1f} {last['db_bytes'] / 1e6:>7.1f}"
            f" {last['db_bytes'] / max(1, last['articles']) * 1000:>10,.0f}"
            f" {max(r['maxrss_mb'] for r in rs):>7.0f} {last['day_rows']['article_duplicates']:>5}"
            f" {last['day_rows']['story_articles']:>7} {last['day_rows']['event_mentions']:>6}"
        )
    parts = sorted({n for rs in runs.values() for r in rs for n in r["stages"]})
    print(f"\n[{tree}] CPU seconds by part (exclusive: nested parts are their own rows; medians), growth over empty")
    header = "".join(f"{size:>9}" for size in sizes) + "".join(f"{'+' + str(s):>9}" for s in sizes[1:])
    print(f"{'part':<42}{header}")
    rows = []
    for part in parts:
        med = {size: _median([r["stages"].get(part, [0.0])[0] for r in runs[size]]) for size in sizes}
        rows.append((med[sizes[-1]] - med[0], part, med))
    for _, part, med in sorted(rows, key=lambda t: (-t[0], t[1])):
        cells = "".join(f"{med[s]:>9.2f}" for s in sizes) + "".join(f"{med[s] - med[0]:>+9.2f}" for s in sizes[1:])
        print(f"{part:<42}{cells}")


def _compare(runs: dict[str, dict[int, list[dict[str, Any]]]], names: list[str], sizes: list[int]) -> None:
    """Each tree against the first, size by size: ratios of runs made in the same round, and
    whether the day's rows are the same."""
    first = names[0]
    print("\nthe day's rows (stories, duplicates, events, entity mentions, quarantine) against " + first)
    for name in names[1:]:
        for size in sizes:
            theirs, ours = runs[first][size][0]["digest"], runs[name][size][0]["digest"]
            differ = sorted(t for t in theirs if theirs[t] != ours.get(t))
            print(f"  {name}, history {size}: " + (f"DIFFER in {', '.join(differ)}" if differ else "identical"))
    print(f"\nCPU ratio to {first}, run by run in the same rounds (median)")
    for name in names[1:]:
        cells = []
        for size in sizes:
            pairs = zip(runs[name][size], runs[first][size], strict=True)
            cells.append(f"{size}: {_median([a['cpu'] / b['cpu'] for a, b in pairs]):.2f}x")
        print(f"  {name}: " + ", ".join(cells))


if __name__ == "__main__":
    main()
