"""Quality gate: NER + canonicalisation on the CoNLL-2003 (conllpp) dev set, floors pinned.

The dev set is split in two (transforms/ner_eval.py `conll_half`): rules are tuned on the "tune"
half and the gate holds on the "report" half, which no rule was fitted to. Both are printed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.gazetteer import installed_gazetteer
from transforms.entities import ArticleText, entity_mentions, load_nlp
from transforms.ner_eval import (
    HALVES,
    conll_half,
    gold_spans,
    marked_docs,
    marked_text,
    predicted_spans,
    rule_changes,
    span_scores,
)

BASELINE = Path(__file__).resolve().parents[1] / "ner_baseline.json"


@pytest.fixture(scope="session")
def conll_docs(corpora_dir: Path) -> list[dict]:
    path = corpora_dir / "conllpp-dev" / "conllpp_dev.docs.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@pytest.mark.shared
@pytest.mark.slow
def test_conll_report_half_above_floor(conll_docs):
    baseline = json.loads(BASELINE.read_text())
    nlp = load_nlp(baseline["model"])
    scores = {}
    for half in HALVES:
        part = conll_half(conll_docs, half)
        result = entity_mentions(
            [ArticleText(article_id=str(d["doc_id"]), text=d["text"]) for d in part],
            nlp,
            gazetteer=installed_gazetteer(),
        )
        scores[half] = span_scores(gold_spans(part), predicted_spans(result))
        print(f"\nconllpp-dev {half} half, {len(part)} docs, model {baseline['model']}")
        print(f"{'type':4} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}")
        for t, s in scores[half].items():
            print(f"{t:4} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.gold:6d} {s.predicted:6d}")
    gate = baseline["gate"]
    floor = {t: v["f1"] - baseline["tolerance"] for t, v in baseline["measured"][gate].items()}
    below = {t: round(scores[gate][t].f1, 3) for t in floor if scores[gate][t].f1 < floor[t]}
    assert not below, f"{gate} half: F1 below the pinned floor {floor}: {below}"


@pytest.mark.parametrize(
    ("gold", "pred", "f1"),
    [
        ([(0, 0, 5, "PER")], [(0, 0, 5, "PER")], 1.0),
        ([(0, 0, 5, "PER")], [(0, 0, 4, "PER")], 0.0),  # exact spans only
        ([(0, 0, 5, "PER")], [(0, 0, 5, "ORG")], 0.0),  # and exact types
        ([(0, 0, 5, "PER"), (0, 6, 9, "LOC")], [(0, 0, 5, "PER")], 2 / 3),
        ([(0, 0, 5, "MISC")], [], 0.0),  # MISC is not scored
    ],
)
def test_span_scores(gold, pred, f1):
    assert span_scores(gold, pred)["ALL"].f1 == pytest.approx(f1)


def test_halves_split_by_doc_id():
    docs = [{"doc_id": i} for i in range(5)]
    assert [d["doc_id"] for d in conll_half(docs, "tune")] == [0, 2, 4]
    assert [d["doc_id"] for d in conll_half(docs, "report")] == [1, 3]
    with pytest.raises(ValueError, match="unknown half"):
        conll_half(docs, "test")


@pytest.mark.parametrize(
    ("gold", "with_rule", "without_rule", "counts"),
    [
        ([(0, 0, 5, "PER")], [(0, 0, 5, "PER")], [(0, 0, 5, "ORG")], (1, 0, 0)),  # fixed a type
        ([(0, 0, 5, "PER")], [(0, 0, 5, "ORG")], [(0, 0, 5, "PER")], (0, 1, 0)),  # broke one
        ([], [], [(0, 0, 5, "PER")], (1, 0, 0)),  # removed a wrong mention
        ([], [(0, 0, 5, "PER")], [], (0, 1, 0)),  # added a wrong mention
        ([(0, 0, 5, "LOC")], [(0, 0, 5, "PER")], [(0, 0, 5, "ORG")], (0, 0, 1)),  # wrong either way
        ([(0, 0, 5, "PER")], [(0, 0, 5, "PER")], [(0, 0, 5, "PER")], (0, 0, 0)),  # no change
    ],
)
def test_rule_changes(gold, with_rule, without_rule, counts):
    ch = rule_changes(gold, with_rule, without_rule)
    assert (ch.right, ch.wrong, ch.neutral) == counts


@pytest.mark.parametrize(
    ("marked", "text", "spans"),
    [
        ("[PER Jean-Luc Brassard] met", "Jean-Luc Brassard met", [(0, 17, "PER")]),
        ("The [LOC Harbourton]-based firm", "The Harbourton-based firm", [(4, 14, "LOC")]),
        ("no names here", "no names here", []),
    ],
)
def test_marked_text(marked, text, spans):
    assert marked_text(marked) == (text, spans)


def test_marked_docs_split_blocks_and_skip_comments():
    docs = marked_docs("# a comment\n---\n[PER Ann Lee] spoke.\n---\nIn [LOC Oslo].\n")
    assert [d["text"] for d in docs] == ["Ann Lee spoke.", "In Oslo."]
    assert docs[1]["entities"] == [{"start": 3, "end": 7, "type": "LOC"}]
