"""Memory of a big day (issue 10, item 5: "peak RSS <= 1.5 GB for a 10k-document day"). Runs
`newsmon run` on one day of N synthetic documents over a fresh warehouse and samples the memory
of its process tree; prints figures, asserts nothing.

    .venv/bin/python bench/bench_memory.py [--docs 10000] [--docs 1000 ...] [--tree PATH]
        [--keep DIR] [--interval 0.5]

The day is bench/bench_incremental.py's generator (imported, not copied): invented outlets,
stories of ten kinds told by several outlets, exact and near copies and rewrites, quotes and
filler that vary from article to article; ~2 kB of text each, 2/5 of the outlets plain text
with sidecars, the rest HTML pages. N documents picked with a fixed seed from a day generated
with enough stories to hold them (the same N documents every time).

Every `--interval` seconds a sampler reads the RSS of the main process and of every process of
its tree: extraction workers (spawned) and spaCy's NER workers (forked) share library pages, so
the tree's sum of RSS counts shared pages more than once; PSS splits them, USS is what each
holds alone. It prints the main process's peak, the tree's peaks (RSS, PSS, USS sums at one
instant), the CPU of the tree (getrusage of the finished run: user + sys of every process), the
task running at the main process's peak (the one after the last Prefect logged as finished) with
the last newsmon line before it, and each task's peak. `--tree PATH` runs another checkout of
newsmon (for a before/after); `--keep DIR` keeps the warehouses, logs and a timeline CSV per day
(seconds, main RSS MB, tree RSS MB).

A fresh warehouse each run, against a `prefect server start` this script runs (as
bench_pipeline.py does: the server's memory and CPU are not newsmon's). Prefect logs at INFO
for the measured run (its task lines say which stage ran), which the CLI otherwise keeps quiet.

Measured 2026-12-02, 2 shared cores at load average 8-11 (CPU is the tree's; wall times mean
little here). before = c26e22c; after = that plus this change (events read in chunks, the
registry grown in place, the entity stage reading its texts a chunk at a time, extraction
results stored as they come); rows identical on the 1k day (articles, entity_mentions,
entities, entity_aliases, stories, story_articles, article_duplicates, events, event_mentions,
event_participants, quarantine, stage_results):

    docs    tree   main peak  tree RSS/PSS/USS   at the peak
    1k      before  813 MB    826/800/793 MB     events (cpu 120 s)
    1k      after   786 MB    796/711/690 MB     publish-summary (cpu 159 s; events 751, entities 731)
    10k     before  >= 1,022 MB through extraction and entities (10 s ps samples; stopped there)
    10k     after  3,609 MB   3,570/3,535/3,520  stories (cpu 1,290 s, 269,608 mentions, 3,684 events)
            by task: process-day 535, entities 1,188, stories 3,608, events 1,318,
            publish-summary 1,428 MB. The stories stage's dense todo x pool cosine matrices
            (transforms/stories.py `sims`/`sums`, transforms/duplicates.py `cosines`) are
            quadratic in the day's size: without them the day's peak would be ~1.43 GB.

The events stage alone on the 1k warehouse (run_events, nlp=None): +176 MB -> +106 MB.

Then (docs/storage.md, "Memory of a big day"): the page's extras only and the heap trimmed
between stages (1,471-1,533 MB), and a run that commits on its private copy between stages
(79cfcc3): 10k main peak **1,306 MB**, tree PSS 1,262 MB, in the stories stage (load average 3.6).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench")]

import bench_incremental as synth  # noqa: E402 (bench/ on the path first)

DAY = synth.BENCH_DAY
# Prefect logs a task's end ("Task run 'entities-1f2' - Finished in state Completed()"); the next
# task of the day's order was running after it.
_FINISHED = re.compile(r"Task run '([a-z-]+?)-[0-9a-f]+' - Finished")
_ORDER = ("load-inbox", "process-day", "entities", "stories", "events")
_MB = 2**20


def day_documents(n: int) -> list[synth.Piece]:
    """N of one generated day's pieces: the day holds at least N, N of them picked with a fixed seed."""
    world = synth.World()
    per_day = max(10, round(n / 0.9))
    while True:
        pieces = synth.day_pieces(world, DAY, per_day)
        if len(pieces) >= n:
            break
        per_day = round(per_day * 1.1)
    keep = sorted(random.Random(f"memory:{n}").sample(range(len(pieces)), n))  # noqa: S311 (not security)
    return [pieces[i] for i in keep]


@dataclass
class Peaks:
    main_rss: int = 0
    tree_rss: int = 0
    tree_pss: int = 0
    tree_uss: int = 0
    processes: int = 0
    main_at: float = 0.0
    samples: int = 0
    timeline: list[tuple[float, int, int]] = field(default_factory=list)  # (seconds, main RSS, tree RSS)


def _sample(pid: int, peaks: Peaks, done: threading.Event, interval: float, started: float) -> None:
    import psutil

    try:
        main = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    while not done.is_set():
        try:
            procs = [main, *main.children(recursive=True)]
            main_rss = main.memory_info().rss
        except psutil.NoSuchProcess:
            break
        rss = pss = uss = 0
        for proc in procs:
            try:
                full = proc.memory_full_info()  # smaps_rollup: cheap on this kernel
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            rss += full.rss
            pss += getattr(full, "pss", 0)
            uss += full.uss
        now = time.perf_counter() - started
        peaks.samples += 1
        peaks.timeline.append((now, main_rss, rss))
        if main_rss > peaks.main_rss:
            peaks.main_rss, peaks.main_at = main_rss, now
        peaks.tree_rss = max(peaks.tree_rss, rss)
        peaks.tree_pss = max(peaks.tree_pss, pss)
        peaks.tree_uss = max(peaks.tree_uss, uss)
        peaks.processes = max(peaks.processes, len(procs))
        done.wait(interval)


def _read_log(stream, lines: list[tuple[float, str]], started: float, log: Path) -> None:
    with log.open("w") as out:
        for line in stream:
            lines.append((time.perf_counter() - started, line.rstrip()))
            out.write(line)
            out.flush()


def _running(finished: str | None) -> str:
    """The task that runs after `finished` (None: before the first ended)."""
    if finished is None:
        return _ORDER[0]
    if finished in _ORDER[:-1]:
        return _ORDER[_ORDER.index(finished) + 1]
    return f"after {finished}"


def _stage_at(lines: list[tuple[float, str]], at: float) -> tuple[str, str]:
    """(the task running, the last newsmon line) `at` seconds into the run."""
    finished, last = None, ""
    for seconds, line in lines:
        if seconds > at:
            break
        found = _FINISHED.search(line)
        if found:
            finished = found.group(1)
        elif " newsmon " in line:
            last = line
    return _running(finished), last[-160:]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured_run(tree: Path, inbox: Path, warehouse: Path, env: dict[str, str], interval: float) -> dict:
    """One `newsmon run` of the day in a fresh process on `tree`'s code; its memory, CPU and log."""
    cmd = [sys.executable, "-m", "newsmon.cli", "run", "--inbox", str(inbox), "--day", str(DAY)]
    env = {**env, "NEWSMON_WAREHOUSE_DIR": str(warehouse), "PYTHONPATH": str(tree)}
    lines: list[tuple[float, str]] = []
    peaks = Peaks()
    done = threading.Event()
    cpu0 = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    reader = threading.Thread(target=_read_log, args=(proc.stdout, lines, started, warehouse.with_suffix(".log")))
    sampler = threading.Thread(target=_sample, args=(proc.pid, peaks, done, interval, started))
    reader.start()
    sampler.start()
    code = proc.wait()
    done.set()
    sampler.join()
    reader.join()
    wall = time.perf_counter() - started
    if code:
        tail = "\n".join(line for _, line in lines[-40:])
        sys.exit(f"newsmon run failed ({code}); log {warehouse.with_suffix('.log')}:\n{tail}")
    task, last = _stage_at(lines, peaks.main_at)
    return {
        "cpu": _children_cpu() - cpu0,
        "wall": wall,
        "peaks": peaks,
        "task_at_peak": task,
        "line_at_peak": last,
        "stage_peaks": _stage_peaks(lines, peaks.timeline),
    }


def _stage_peaks(lines: list[tuple[float, str]], timeline: list[tuple[float, int, int]]) -> dict[str, int]:
    """Each task's peak main-process RSS (MB), in the order they ran."""
    ends = [(seconds, found.group(1)) for seconds, line in lines if (found := _FINISHED.search(line))]
    out: dict[str, int] = {}
    for seconds, main_rss, _ in timeline:
        finished = None
        for at, task in ends:
            if at > seconds:
                break
            finished = task
        name = _running(finished)
        out[name] = max(out.get(name, 0), main_rss // _MB)
    return out


def _articles(warehouse: Path) -> dict:
    import duckdb

    with duckdb.connect(str(warehouse / "newsmon.duckdb"), read_only=True) as con:
        return {
            table: con.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("articles", "entity_mentions", "entities", "events", "stories", "quarantine")
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, action="append", help="documents in the day (repeat; default 10000)")
    ap.add_argument("--tree", type=Path, default=ROOT, help="the newsmon checkout to run (default: this one)")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (warehouses, logs)")
    ap.add_argument("--interval", type=float, default=0.5, help="seconds between memory samples")
    args = ap.parse_args()
    sizes = args.docs or [10_000]
    work = args.keep or Path(tempfile.mkdtemp(prefix="newsmon-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSMON_", "PREFECT_"))}
    env |= {"PREFECT_HOME": str(work / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    # Prefect's task lines on stderr: they say which stage ended (the CLI keeps them off a
    # terminal unless told; its own stage lines come at each stage's end)
    run_env = {"PREFECT_LOGGING_LEVEL": "INFO", "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "INFO"}
    try:
        with synth._prefect_server(env, work / "server.log") as api:
            env["PREFECT_API_URL"] = api
            for n in sizes:
                inbox = work / f"inbox-{n}"
                if not (inbox / DAY.isoformat()).is_dir():
                    t0 = time.perf_counter()
                    synth.write_inbox(day_documents(n), inbox, DAY)
                    print(f"day of {n} documents written ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
                warehouse = work / f"warehouse-{n}"
                shutil.rmtree(warehouse, ignore_errors=True)
                run = measured_run(args.tree.resolve(), inbox, warehouse, env | run_env, args.interval)
                _print(n, run, _articles(warehouse))
                with (work / f"timeline-{n}.csv").open("w") as out:  # seconds, main and tree RSS in MB
                    out.writelines(f"{t:.1f},{m // _MB},{r // _MB}\n" for t, m, r in run["peaks"].timeline)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def _print(n: int, run: dict, counts: dict) -> None:
    p: Peaks = run["peaks"]
    print(f"{n} documents: cpu {run['cpu']:.0f} s, wall {run['wall']:.0f} s, load average {os.getloadavg()[0]:.1f}")
    print(
        f"  peak RSS: main {p.main_rss / _MB:,.0f} MB; tree RSS {p.tree_rss / _MB:,.0f} MB,"
        f" PSS {p.tree_pss / _MB:,.0f} MB, USS {p.tree_uss / _MB:,.0f} MB"
        f" (up to {p.processes} processes, {p.samples} samples)"
    )
    print(f"  main peak at {p.main_at:.0f} s, in task {run['task_at_peak']}; last line before: {run['line_at_peak']}")
    print("  main peak by task (MB): " + ", ".join(f"{k} {v:,}" for k, v in run["stage_peaks"].items()))
    print(f"  rows: {counts}")


if __name__ == "__main__":
    main()
