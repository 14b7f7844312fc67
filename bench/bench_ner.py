"""Print NER throughput (docs/s) for models, nlp.pipe batch sizes and n_process.

Usage: python bench/bench_ner.py [--models sm md] [--docs 120] [--batch-sizes 8 32 128]
       [--n-process 1 2]
Reads ../shared/corpora/conllpp-dev (Reuters news, ~1.3k chars a doc) and the seeds.
Figures, not assertions: the machine is shared, so run it twice and compare.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.gazetteer import installed_gazetteer  # noqa: E402
from transforms.entities import ArticleText, entity_mentions, load_nlp  # noqa: E402

SHARED = ROOT.parent / "shared"


def _texts(n: int) -> list[str]:
    path = SHARED / "corpora" / "conllpp-dev" / "conllpp_dev.docs.jsonl"
    with path.open(encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh]
    texts += [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds").glob("*.txt"))]
    return (texts * (n // len(texts) + 1))[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="+", default=["sm", "md"])
    ap.add_argument("--docs", type=int, default=120)
    ap.add_argument("--batch-sizes", nargs="+", type=int, default=[8, 32, 128])
    ap.add_argument("--n-process", nargs="+", type=int, default=[1, 2])
    args = ap.parse_args()
    texts = _texts(args.docs)
    chars = sum(map(len, texts))
    print(f"{len(texts)} docs, {chars / len(texts):.0f} chars/doc")
    print(f"{'model':5} {'n_proc':>6} {'batch':>5} {'docs/s':>7} {'kchar/s':>7}  stage")
    for model in args.models:
        t0 = time.perf_counter()
        nlp = load_nlp(model)
        print(f"{model:5} load {time.perf_counter() - t0:.1f}s, pipes {nlp.pipe_names}")
        list(nlp.pipe(texts[:8]))  # warm-up
        for n_process in args.n_process:
            for batch_size in args.batch_sizes:
                t0 = time.perf_counter()
                for _ in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
                    pass
                dt = time.perf_counter() - t0
                print(
                    f"{model:5} {n_process:>6} {batch_size:>5} {len(texts) / dt:>7.1f} "
                    f"{chars / dt / 1000:>7.1f}  nlp.pipe"
                )
        arts = [ArticleText(article_id=str(i), text=t) for i, t in enumerate(texts)]
        t0 = time.perf_counter()
        entity_mentions(arts, nlp, gazetteer=installed_gazetteer())
        dt = time.perf_counter() - t0
        print(
            f"{model:5} {1:>6} {32:>5} {len(texts) / dt:>7.1f} {chars / dt / 1000:>7.1f}  entity_mentions (NER + rules)"
        )


if __name__ == "__main__":
    main()
