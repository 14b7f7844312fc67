"""End-to-end benchmark: the daily flow on N varied copies of real pages, against a bare
trafilatura.extract loop over the same documents. Prints figures; asserts nothing.

    python bench/bench_pipeline.py [--docs 3000] [--corpus ../shared/corpora/trafilatura-eval]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build_corpus(pages: list[Path], n: int, inbox: Path, day: date) -> int:
    """Write n documents: real pages, each copy made distinct in its markup and its text."""
    day_dir = inbox / day.isoformat()
    day_dir.mkdir(parents=True)
    total = 0
    for i in range(n):
        page = pages[i % len(pages)]
        raw = page.read_bytes()
        copy = i // len(pages)
        marker = f"<!-- bench copy {copy} of {page.name} -->".encode()
        if copy:
            # Change the article text itself (a sentence at the end of a few paragraphs), so
            # copies are near-duplicates downstream, not byte-identical texts.
            raw = raw.replace(b"</p>", f" Revised {copy}.</p>".encode(), 3)
        raw = marker + b"\n" + raw
        (day_dir / f"{i:05d}_{page.name}").write_bytes(raw)
        total += len(raw)
    return total


def bare_trafilatura(files: list[Path]) -> float:
    """Seconds for trafilatura.extract over the same files (the floor we compare to)."""
    import trafilatura

    started = time.perf_counter()
    for f in files:
        trafilatura.extract(f.read_bytes(), with_metadata=True)
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpora" / "trafilatura-eval")
    ap.add_argument("--keep", action="store_true", help="keep the temporary warehouse")
    args = ap.parse_args()
    pages = sorted((args.corpus / "html").glob("*.htm*")) or sorted(args.corpus.rglob("*.htm*"))
    if not pages:
        sys.exit(f"no pages under {args.corpus}")
    work = Path(tempfile.mkdtemp(prefix="newsmon-bench-"))
    inbox, day = work / "inbox", date(2026, 1, 15)
    size = build_corpus(pages, args.docs, inbox, day)
    files = sorted((inbox / day.isoformat()).iterdir())
    print(f"corpus: {len(files)} documents from {len(pages)} real pages, {size / 1e6:.1f} MB")

    os.environ["NEWSMON_WAREHOUSE_DIR"] = str(work / "warehouse")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s newsmon %(message)s", "%H:%M:%S"))
    logging.getLogger("newsmon").addHandler(handler)
    logging.getLogger("newsmon").setLevel(logging.INFO)
    logging.getLogger("newsmon").propagate = False
    t0 = time.perf_counter()
    from flows.daily import daily

    t_import = time.perf_counter() - t0
    t1 = time.perf_counter()
    summary = daily(day=day, inbox=str(inbox))
    t_flow = time.perf_counter() - t1
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    import duckdb

    con = duckdb.connect(str(work / "warehouse" / "newsmon.duckdb"), read_only=True)
    stage_counts = con.execute("select stage, count(*) from quarantine group by 1 order by 1").fetchall()
    counts = json.loads(con.execute("select counts from runs where flow = 'daily'").fetchone()[0])
    con.close()
    stage_seconds = {name: counts[name]["seconds"] for name in ("process", "entities", "stories", "events")}

    t_bare = bare_trafilatura(files)
    n = len(files)
    print(f"articles: {summary.totals.articles}, quarantined: {summary.totals.quarantined} {dict(stage_counts)}")
    print(f"imports: {t_import:.1f} s")
    print(f"daily flow end-to-end: {t_flow:.1f} s = {n / t_flow:.1f} docs/s (incl. Prefect server start)")
    print(f"bare trafilatura.extract loop: {t_bare:.1f} s = {n / t_bare:.1f} docs/s")
    print(f"overhead ratio (flow / bare): {t_flow / t_bare:.2f}x")
    for name, seconds in stage_seconds.items():
        print(f"  stage {name:9s} {seconds:7.1f} s  {seconds / t_flow:5.1%} of the flow")
    ner_docs = counts["entities"]["articles"]
    print(
        f"NER: {ner_docs} articles in {stage_seconds['entities']:.1f} s = "
        f"{ner_docs / max(stage_seconds['entities'], 1e-9):.1f} docs/s"
    )
    print(f"peak RSS: {rss_self:.0f} MB (this process), {rss_children:.0f} MB (largest child: Prefect server)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"kept: {work}")


if __name__ == "__main__":
    main()
