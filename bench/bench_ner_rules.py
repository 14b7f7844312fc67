"""Per-rule effect of the entity rules on conllpp-dev: right/wrong changes and F1 on each half.

Rules are tuned on the "tune" half (even doc ids) and reported on the other ("report", odd),
so a rule is kept only when it helps on documents it was not fitted to. Each rule is measured
by leaving it out (`entity_mentions(..., skip_rules={rule})`) and comparing span by span.

    python bench/bench_ner_rules.py [--half tune|report] [--rules dateline,first_name]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.gazetteer import installed_gazetteer  # noqa: E402
from transforms.entities import ArticleText, entity_mentions, load_nlp  # noqa: E402
from transforms.ner_eval import conll_half, gold_spans, predicted_spans, rule_changes, span_scores  # noqa: E402

CORPUS = Path(os.environ.get("NEWSMON_SHARED", ROOT.parent / "shared")) / "corpora/conllpp-dev/conllpp_dev.docs.jsonl"
RULES = (
    "number_trimmed",
    "dateline",
    "table_row",
    "outlet_name",
    "org_suffix",
    "org_context",
    "first_name",
    "gazetteer_place",
    "place_evidence",
    "known_place",
    "org_short_form",
    "hyphen_split",
    "label_repair_person_name",
    "label_repair_person_token",
    "label_repair_person_typo",
    "label_repair_registry_person",
    "label_repair_registry_nonperson",
    "label_repair_majority",
    "sports_club",  # also turns off table_row (both need a sports story)
)


class _Parsed:
    """nlp.pipe with each distinct text parsed once (every leave-one-out run reuses the Docs)."""

    def __init__(self, nlp):
        self.nlp, self.docs = nlp, {}

    def pipe(self, texts, **kw):
        texts = list(texts)
        todo = [t for t in dict.fromkeys(texts) if t not in self.docs]
        self.docs |= dict(zip(todo, self.nlp.pipe(todo, **kw), strict=True))
        return (self.docs[t] for t in texts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--half", choices=("tune", "report"), default="tune")
    ap.add_argument("--rules", default=",".join(RULES))
    args = ap.parse_args()
    docs = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    nlp = _Parsed(load_nlp("md"))
    gaz = installed_gazetteer()
    for half in ("tune", "report"):
        part = conll_half(docs, half)
        arts = [ArticleText(article_id=str(d["doc_id"]), text=d["text"]) for d in part]
        s = span_scores(gold_spans(part), predicted_spans(entity_mentions(arts, nlp, gazetteer=gaz)))
        print(f"{half:6} ({len(part)} docs): " + "  ".join(f"{t} {v.f1:.3f}" for t, v in s.items()))
    part = conll_half(docs, args.half)
    arts = [ArticleText(article_id=str(d["doc_id"]), text=d["text"]) for d in part]
    gold = gold_spans(part)
    full = predicted_spans(entity_mentions(arts, nlp, gazetteer=gaz))
    f1 = span_scores(gold, full)["ALL"].f1
    head = f"{'rule':30} {'right':>6} {'wrong':>6} {'neutral':>7} {'F1 without':>10}"
    print(f"\nleave-one-out on the {args.half} half: {head}")
    for rule in args.rules.split(","):
        without = predicted_spans(entity_mentions(arts, nlp, gazetteer=gaz, skip_rules={rule}))
        ch = rule_changes(gold, full, without)
        f1_off = span_scores(gold, without)["ALL"].f1
        print(f"{'':38}{rule:30} {ch.right:6d} {ch.wrong:6d} {ch.neutral:7d} {f1_off:10.3f} ({f1 - f1_off:+.3f})")


if __name__ == "__main__":
    main()
