"""Quality gate: NER + canonicalisation on the CoNLL-2003 (conllpp) dev set, floors pinned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from transforms.entities import ArticleText, entity_mentions, load_nlp
from transforms.ner_eval import CONLL_TYPE, span_scores

BASELINE = Path(__file__).resolve().parents[1] / "ner_baseline.json"

pytestmark = [pytest.mark.shared, pytest.mark.slow]


@pytest.fixture(scope="session")
def conll_docs(corpora_dir: Path) -> list[dict]:
    path = corpora_dir / "conllpp-dev" / "conllpp_dev.docs.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_conll_scores_above_floor(conll_docs):
    baseline = json.loads(BASELINE.read_text())
    nlp = load_nlp(baseline["model"])
    articles = [ArticleText(article_id=str(d["doc_id"]), text=d["text"]) for d in conll_docs]
    result = entity_mentions(articles, nlp)
    types = {e.entity_id: e.type for e in result.entities}
    predicted = [
        (int(m.article_id), m.start, m.end, CONLL_TYPE.get(types[m.entity_id], "-"))
        for m in result.mentions
        if not m.in_headline
    ]
    gold = [
        (d["doc_id"], e["start"], e["end"], e["type"]) for d in conll_docs for e in d["entities"]
    ]
    scores = span_scores(gold, predicted)
    print(f"\nconllpp-dev, {len(conll_docs)} docs, model {baseline['model']}")
    print(f"{'type':4} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}")
    for t, s in scores.items():
        print(f"{t:4} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.gold:6d} {s.predicted:6d}")
    floor = {t: v["f1"] - baseline["tolerance"] for t, v in baseline["measured"].items()}
    below = {t: round(scores[t].f1, 3) for t in floor if scores[t].f1 < floor[t]}
    assert not below, f"F1 below the pinned floor {floor}: {below}"


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
