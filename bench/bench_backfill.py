"""What a backfill costs when only a later stage changed: the stored stage results are reused
(warehouse/reuse.py), against recomputing them. Prints figures; asserts nothing.

    .venv/bin/python bench/bench_backfill.py [--days 5] [--per-day 100] [--rounds 3] [--keep DIR]

Five synthetic days (bench/bench_incremental.py's generator: invented outlets, people, places;
HTML pages and plain text with sidecars) are written to an inbox, and run once fresh into an
empty warehouse (`newsmon run --day D1 --to D5`: loading, extraction, NER, every stage). Then,
on copies of that warehouse, in alternating order within each round:

- `reuse`: `newsmon backfill --from D1 --to D5`, as after a change to stories or events: the
  extraction and NER results stored by the fresh run are read back (their keys hold), and so
  are the validations of the earlier stages' unchanged frames (flows/checks.py); the stored
  validations of stories and events are deleted first, so those suites run as they would
  after a change there;
- `recompute`: the same backfill with `stage_results` emptied first, as before issue 10 or
  after a change to extraction itself: every stage runs again.

Each command is a fresh process against a `prefect server start` this script runs on a free
127.0.0.1 port (so the server's start-up is not in the figures). CPU is user+sys of the
process and its children (getrusage), the figure that holds on a shared machine; wall time is
printed beside it. The ratios are of medians measured in the same rounds.

Measured 2026-12-02 (2 shared cores, load average 2-6), `--rounds 2`, 5 days, 577 documents:

                                         cpu       wall
    fresh run (load + every stage)      99.9 s    151.1 s
    backfill, recompute                 81.5 s     83.4 s
    backfill, reuse                     26.9 s     38.3 s   same articles as the fresh run
    reuse / fresh run                   0.27       0.25
    reuse / recompute                   0.33       0.46

With stored extractions and model output but not yet the events' date expressions (104d6b0 +
87d05bb), reuse was 41.9 s CPU (0.39 of the fresh run); date_mentions was then a third of it.
What is left in a reuse backfill: imports and Prefect (~10 s), Great Expectations on every
stage of every day, the entity rules, stories, events' rules, the search index and reports.

Measured again 2026-12-02 at 79cfcc3, same command, load average 2.8: fresh run 81.6 s CPU
(141.1 s wall), recompute 80.6 s, reuse 25.1 s (29.6 s wall); reuse / fresh run **0.31**,
reuse / recompute 0.31. The fresh run got cheaper since the first measurement (99.9 s); the
reuse backfill did not. A cProfile of the reuse backfill puts ~30% of its time in Great
Expectations: process_day's two suites a day, ~0.85 s a call, on results that are the same as
when they were stored.

Measured 2026-12-03 with validations reused (flows/checks.py; the stories and events suites
still run, as after a change there), same command at 76a8c43, load average 2.3: fresh run
78.9 s CPU (85.6 s wall), recompute 78.7 s, reuse **17.5 s** (19.3 s wall); reuse / fresh run
**0.22**, reuse / recompute 0.22. Same articles.
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
from datetime import date, timedelta
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import bench_incremental as synth  # noqa: E402

FIRST_DAY = date(2026, 4, 6)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _newsmon(args: list[str], env: dict[str, str], log: Path) -> dict[str, float]:
    cpu0, wall0 = _children_cpu(), time.perf_counter()
    with log.open("a") as fh:
        done = subprocess.run(
            [str(Path(sys.executable).parent / "newsmon"), *args], env=env, stdout=fh, stderr=fh, check=False
        )
    if done.returncode:
        sys.exit(f"newsmon {' '.join(args)} failed ({done.returncode}); see {log}")
    return {"cpu": _children_cpu() - cpu0, "wall": time.perf_counter() - wall0}


def _rows(database: Path, sql: str) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--days", type=int, default=5)
    ap.add_argument("--per-day", type=int, default=100, help="documents a day (about)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = ap.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="newsmon-backfill-"))
    work.mkdir(parents=True, exist_ok=True)
    log = work / "runs.log"
    days = [FIRST_DAY + timedelta(days=i) for i in range(args.days)]
    inbox = work / "inbox"
    shutil.rmtree(inbox, ignore_errors=True)
    world = synth.World()
    for day in days:
        synth.write_inbox(synth.day_pieces(world, day, args.per_day), inbox, day)
    files = sum(1 for p in inbox.rglob("*") if p.is_file() and not p.name.endswith(".meta.json"))

    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSMON_", "PREFECT_"))}
    env |= {"PREFECT_HOME": str(work / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    with synth._prefect_server(env, work / "server.log") as api:
        env["PREFECT_API_URL"] = api
        fresh_dir = work / "fresh"
        shutil.rmtree(fresh_dir, ignore_errors=True)
        fresh = _newsmon(
            ["run", "--inbox", str(inbox), "--day", str(days[0]), "--to", str(days[-1])],
            {**env, "NEWSMON_WAREHOUSE_DIR": str(fresh_dir)},
            log,
        )
        database = fresh_dir / "newsmon.duckdb"
        articles = _rows(database, "select count(*) from articles")[0][0]
        stored = dict(_rows(database, "select stage, count(*) from stage_results group by all"))
        print(f"{args.days} days, {files} documents -> {articles} articles; stored results {stored}")
        print(f"fresh run (load + every stage): cpu {fresh['cpu']:.1f} s, wall {fresh['wall']:.1f} s")

        figures: dict[str, list[dict[str, float]]] = {"reuse": [], "recompute": []}
        same: dict[str, bool] = {}
        for n in range(args.rounds):
            for mode in ("reuse", "recompute") if n % 2 == 0 else ("recompute", "reuse"):
                copy = work / f"{mode}-{n}"
                shutil.rmtree(copy, ignore_errors=True)
                shutil.copytree(fresh_dir, copy, ignore=shutil.ignore_patterns("reports"))
                import duckdb

                with duckdb.connect(str(copy / "newsmon.duckdb")) as con:
                    if mode == "recompute":
                        con.execute("delete from stage_results")
                    else:  # as after a change to stories and events: their validations are not reused
                        con.execute(
                            "delete from stage_results where stage = 'validation'"
                            " and (item_id like 'stories@%' or item_id like 'events@%')"
                        )
                run = _newsmon(
                    ["backfill", "--from", str(days[0]), "--to", str(days[-1])],
                    {**env, "NEWSMON_WAREHOUSE_DIR": str(copy)},
                    log,
                )
                counts = json.loads(
                    _rows(copy / "newsmon.duckdb", "select counts from runs order by started_at desc limit 1")[0][0]
                )
                run["reused"] = sum(d["process"].get("reused", 0) for d in counts["days"].values())
                run["ner_reused"] = sum(d["entities"].get("reused", 0) for d in counts["days"].values())
                figures[mode].append(run)
                tables = "select * from articles order by all"
                same[mode] = _rows(copy / "newsmon.duckdb", tables) == _rows(database, tables)
                print(
                    f"  round {n + 1} {mode:9s}: cpu {run['cpu']:6.1f} s  wall {run['wall']:6.1f} s  "
                    f"extractions reused {run['reused']}, NER texts reused {run['ner_reused']}"
                )
                shutil.rmtree(copy, ignore_errors=True)

    cpu = {mode: median(r["cpu"] for r in runs) for mode, runs in figures.items()}
    wall = {mode: median(r["wall"] for r in runs) for mode, runs in figures.items()}
    print(f"\nmedians of {args.rounds} rounds (load average {os.getloadavg()[0]:.1f}):")
    for mode in ("reuse", "recompute"):
        print(f"  backfill, {mode:9s}: cpu {cpu[mode]:6.1f} s  wall {wall[mode]:6.1f} s  same articles: {same[mode]}")
    print(
        f"  reuse / recompute: cpu {cpu['reuse'] / cpu['recompute']:.2f}, wall {wall['reuse'] / wall['recompute']:.2f}"
    )
    print(f"  reuse / fresh run: cpu {cpu['reuse'] / fresh['cpu']:.2f}, wall {wall['reuse'] / fresh['wall']:.2f}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
