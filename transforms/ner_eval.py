"""Entity-level exact-span scoring against CoNLL-style gold spans (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Iterable

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
