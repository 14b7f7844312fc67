"""Entity-level exact-span scoring against CoNLL-style gold spans (pure, no I/O)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

# spaCy/OntoNotes type -> CoNLL type. FAC is left out: on conllpp-dev it costs LOC
# precision more than it adds recall (docs/entities.md); MISC is not scored.
CONLL_TYPE = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}
SCORED_TYPES = ("PER", "ORG", "LOC")

Span = tuple[object, int, int, str]  # (doc key, start, end, CoNLL type)


class SpanScore(BaseModel):
    """Precision, recall and F1 of exact span+type matches."""

    precision: float
    recall: float
    f1: float
    true_pos: int
    gold: int
    predicted: int


def span_scores(gold: Iterable[Span], predicted: Iterable[Span]) -> dict[str, SpanScore]:
    """Per-type and overall ("ALL") exact-match scores over SCORED_TYPES."""
    g_all = {s for s in gold if s[3] in SCORED_TYPES}
    p_all = {s for s in predicted if s[3] in SCORED_TYPES}
    out = {}
    for t in (*SCORED_TYPES, "ALL"):
        g = {s for s in g_all if t in ("ALL", s[3])}
        p = {s for s in p_all if t in ("ALL", s[3])}
        tp = len(g & p)
        prec = tp / len(p) if p else 0.0
        rec = tp / len(g) if g else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[t] = SpanScore(precision=prec, recall=rec, f1=f1, true_pos=tp, gold=len(g), predicted=len(p))
    return out


# Rules are tuned on one half of conllpp-dev and gated on the other, so the gate measures rules
# on documents they were not fitted to: even doc ids are the tuning half, odd ids the report half.
HALVES = ("tune", "report")


def conll_half(docs: Iterable[Mapping[str, Any]], half: str) -> list[Mapping[str, Any]]:
    """The documents of one half of a CoNLL doc list: "tune" (even doc_id) or "report" (odd)."""
    if half not in HALVES:
        raise ValueError(f"unknown half {half!r}: use one of {HALVES}")
    return [d for d in docs if int(d["doc_id"]) % 2 == HALVES.index(half)]


def gold_spans(docs: Iterable[Mapping[str, Any]]) -> list[Span]:
    """Gold spans of CoNLL docs ({doc_id, text, entities: [{start, end, type}]})."""
    return [(d["doc_id"], e["start"], e["end"], e["type"]) for d in docs for e in d["entities"]]


def predicted_spans(result: Any) -> list[Span]:
    """Body mentions of an `EntityResult` as CoNLL-typed spans keyed by int(article_id)."""
    types = {e.entity_id: e.type for e in result.entities}
    return [
        (int(m.article_id), m.start, m.end, CONLL_TYPE.get(types[m.entity_id], "-"))
        for m in result.mentions
        if not m.in_headline
    ]


class RuleChanges(BaseModel):
    """What one rule changed, span by span, against gold: right, wrong, or wrong either way."""

    right: int
    wrong: int
    neutral: int


def rule_changes(gold: Iterable[Span], with_rule: Iterable[Span], without_rule: Iterable[Span]) -> RuleChanges:
    """Compare predictions with and without a rule at each span where they differ.

    A change is right when it makes the span match gold (a new correct mention, a fixed type, a
    wrong mention removed), wrong when it breaks a match or adds a wrong mention, neutral else.
    """

    def typed(spans: Iterable[Span]) -> dict[tuple[object, int, int], str]:
        return {s[:3]: s[3] for s in spans if s[3] in SCORED_TYPES}

    g, on, off = typed(gold), typed(with_rule), typed(without_rule)
    right = wrong = neutral = 0
    for key in on.keys() | off.keys():
        after, before, truth = on.get(key), off.get(key), g.get(key)
        if after == before:
            continue
        if after == truth:
            right += 1
        elif before == truth:
            wrong += 1
        else:
            neutral += 1
    return RuleChanges(right=right, wrong=wrong, neutral=neutral)


_MARK = re.compile(r"\[(PER|ORG|LOC) ([^\[\]]+)\]")


def marked_text(marked: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Plain text and gold (start, end, type) spans from "[PER Jean-Luc Brassard] met [ORG Castellan]"."""
    out: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = length = 0
    for m in _MARK.finditer(marked):
        out.append(marked[pos : m.start()])
        length += m.start() - pos
        spans.append((length, length + len(m.group(2)), m.group(1)))
        out.append(m.group(2))
        length += len(m.group(2))
        pos = m.end()
    out.append(marked[pos:])
    return "".join(out), spans


def marked_docs(source: str) -> list[dict[str, Any]]:
    """CoNLL-style docs ({doc_id, text, entities}) from a file of marked blocks separated by '---' lines.

    Lines starting with '#' are comments.
    """
    lines = [ln for ln in source.splitlines() if not ln.startswith("#")]
    blocks = [b.strip("\n") for b in "\n".join(lines).split("\n---\n")]
    docs = []
    for block in (b for b in blocks if b.strip() and b.strip() != "---"):
        text, spans = marked_text(block.strip().removeprefix("---").strip())
        docs.append(
            {"doc_id": len(docs), "text": text, "entities": [{"start": s, "end": e, "type": t} for s, e, t in spans]}
        )
    return docs
