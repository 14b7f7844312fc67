"""Print throughput (docs/s) of duplicate detection and story clustering on ~3,000 articles.

Usage: python bench/bench_stories.py [--articles 3000] [--days 3] [--similarity tfidf|minilm]
Builds articles from the 472 real news texts of ../shared/corpora (CoNLL++ dev Reuters docs,
TimeBank and AQUAINT), each in a few versions (the original, exact copies, lightly edited
copies, shortened follow-ups), spread over `--days` arrival days, and runs the stage's
transforms day by day the way flows/stories.py does (earlier days as history). With
`--similarity minilm` (the optional `embeddings` extra) each article is embedded once and the
vectors are reused on later days; the embedding time is counted in "stories".
Figures, not assertions: the machine is shared, so run it twice and compare.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transforms.duplicates import TextDoc, duplicate_map, duplicates  # noqa: E402
from transforms.stories import OpenStory, story, story_members  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"


def _texts() -> list[str]:
    files = [
        CORPORA / "conllpp-dev" / "conllpp_dev.docs.jsonl",
        CORPORA / "timebank" / "tbaq_timebank.jsonl",
        CORPORA / "timebank" / "tbaq_aquaint.jsonl",
    ]
    texts = []
    for path in files:
        with path.open(encoding="utf-8") as fh:
            texts += [re.sub(r" ([.,;:])", r"\1", json.loads(line)["text"]).strip() for line in fh]
    return [t for t in texts if len(t.split()) >= 60]


def _articles(n: int, days: int) -> list[TextDoc]:
    rng = random.Random(7)  # noqa: S311 (a fixed synthetic corpus, not security)
    texts = _texts()
    start = date(2026, 3, 2)
    out: list[TextDoc] = []
    i = 0
    while len(out) < n:
        text = texts[i % len(texts)]
        round_ = i // len(texts)
        day = start + timedelta(days=rng.randrange(days))
        sentences = re.split(r"(?<=[.!?])\s+", text)
        if round_ == 0:
            version = text
        elif round_ % 3 == 1:
            version = text + "\n\nShare this story. Follow us for more news."  # near copy
        elif round_ % 3 == 2:
            version = " ".join(sentences[: max(3, len(sentences) // 2)])  # shorter follow-up
        else:
            version = text  # exact copy from another outlet
        out.append(
            TextDoc(
                article_id=f"a{len(out):05d}",
                day=day,
                published_at=datetime.combine(day, datetime.min.time()) + timedelta(minutes=rng.randrange(1440)),
                text=version,
                title=sentences[0][:100],
                source=f"source{rng.randrange(40)}",
                content_hash=str(hash(version)),
                canonical_url=None,
            )
        )
        i += 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--similarity", choices=["tfidf", "minilm"], default="tfidf")
    args = ap.parse_args()
    model, vectors = None, {}
    if args.similarity == "minilm":
        from flows.stories import minilm_model
        from transforms.embeddings import text_embeddings

        t0 = time.perf_counter()
        model = minilm_model()
        print(f"model load {time.perf_counter() - t0:.1f} s")
    docs = _articles(args.articles, args.days)
    by_day: dict[date, list[TextDoc]] = defaultdict(list)
    for d in docs:
        by_day[d.day].append(d)
    members: dict[str, list[TextDoc]] = defaultdict(list)
    seen: list[TextDoc] = []
    t_dup = t_story = t_rows = 0.0
    kinds: Counter[str] = Counter()
    for day in sorted(by_day):
        todo = by_day[day]
        t0 = time.perf_counter()
        found = duplicates(todo, seen)
        t1 = time.perf_counter()
        open_stories = [OpenStory(k, tuple(v[-50:])) for k, v in sorted(members.items())]
        embeddings = None
        if model is not None:
            new = [d for d in todo if d.article_id not in vectors]
            vectors.update(
                zip(
                    [d.article_id for d in new],
                    text_embeddings([f"{d.title or ''}\n{d.text}" for d in new], model),
                    strict=True,
                )
            )
            embeddings = vectors
        assigned = story_members(todo, open_stories, duplicate_map(found), embeddings)
        t2 = time.perf_counter()
        ids = {d.article_id: d for d in todo}
        touched = set()
        for m in assigned:
            members[m.story_id].append(ids[m.article_id])
            touched.add(m.story_id)
        dmap = duplicate_map(found)
        for sid in touched:
            story(sid, members[sid], dmap)
        t3 = time.perf_counter()
        t_dup, t_story, t_rows = t_dup + t1 - t0, t_story + t2 - t1, t_rows + t3 - t2
        kinds.update(d.kind for d in found)
        seen += todo
        print(
            f"{day}: {len(todo)} articles, {len(open_stories)} open stories, {len(found)} duplicates, "
            f"dup {t1 - t0:.1f}s, stories {t2 - t1:.1f}s, story rows {t3 - t2:.1f}s"
        )
    n = len(docs)
    total = t_dup + t_story + t_rows
    print(f"\n{n} articles over {len(by_day)} days -> {len(members)} stories; duplicates {dict(kinds)}")
    print(f"duplicates   {n / t_dup:7.0f} docs/s ({t_dup:.1f} s)")
    print(f"stories      {n / t_story:7.0f} docs/s ({t_story:.1f} s)")
    print(f"story rows   {n / t_rows:7.0f} docs/s ({t_rows:.1f} s)")
    print(f"all          {n / total:7.0f} docs/s ({total:.1f} s)")


if __name__ == "__main__":
    main()
