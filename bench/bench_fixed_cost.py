"""Fixed cost of a run: `newsmon run` on a one-document day, as a subprocess, a few rounds.
Prints figures; asserts nothing.

    .venv/bin/python bench/bench_fixed_cost.py [--rounds 3] [--server ephemeral,running,early]
        [--tree NAME=PATH ...] [--history-days N] [--set [TREE:]KEY=VALUE] [--save NAME] [--compare NAME]

Each round builds a fresh warehouse and runs the console script `.venv/bin/newsmon run --inbox X
--day 2026-03-02` (the headline figures), then the same `newsmon.cli.main` under a small probe
(the breakdown), then `python -c "import pandas"` (a reference). How the run reaches Prefect:

- `ephemeral`: PREFECT_API_URL unset, so Prefect starts its temporary server (a uvicorn
  subprocess) for the run, as `newsmon run` does on a laptop;
- `running`: PREFECT_API_URL points to a `prefect server start` this script starts on a free
  127.0.0.1 port before the rounds (and stops after), so the server's start-up is not in the run;
- `early`: a sketch of a CLI change, not in newsmon: the probe starts the temporary server
  itself first thing, without importing Prefect's server app, and waits for it only before the
  flow (see `_early_server`).

Every process uses a private PREFECT_HOME; a first (warm-up) run migrates its database and is
not counted. Figures are CPU seconds (user + sys), because the machine is shared and wall time
is noisy; medians over the rounds:

- `newsmon cpu`: the newsmon process alone, interpreter teardown included: "newsmon's own time".
  `server cpu`: the processes it started (the temporary server). `tree cpu`: both, from this
  script's getrusage(RUSAGE_CHILDREN) deltas; `wall` beside it, for what it is worth;
- `running API cpu`: what the already-running server spent serving the run (psutil);
- `ref cpu`: the reference, so that sessions on a busier machine compare as ratios.

The breakdown is the newsmon process's CPU by part (time.process_time, so Prefect's threads
count towards what the main thread is doing), exclusive (a stage excludes the validation and
model loading nested in it) with the garbage collector's share (gc.callbacks).

`--tree before=/copy/a --tree after=/copy/b` measures two copies of the code (put first on
PYTHONPATH) in alternating rounds, so both see the same machine; the second is printed with
ratios to the first. `--history-days N` gives every run data docs that already hold N earlier
days of validations (copies of the warm-up run's). Raw figures go to bench/out/ with --save.

Measured 2026-12-01, 2 cores, load average < 1.5, Prefect 3.9.1, GE 1.24.1, spaCy md 3.8;
before = the tree without, after = with the runner change (expectations/runner.py, one site
builder per process, write-once results store, GE imported with the collector paused and
frozen); `--rounds 5 --server ephemeral,running --tree before=.. --tree after=..`:

                                             before     after   after/before
  running API (PREFECT_API_URL set)
    newsmon cpu                              11.76 s    9.10 s     0.77
    wall                                     12.60 s    9.72 s     0.77
      validation, 6 suites                    2.27 s    1.27 s
      interpreter teardown                    1.64 s    0.23 s
      import great_expectations               2.37 s    2.02 s   (its GC passes: 0.41 -> 0 s)
      spaCy model load + import spacy         1.72 s    1.66 s
      import prefect + flows.daily            1.69 s    1.81 s
      Prefect flow engine, 7 task runs        0.68 s    0.71 s   (+ 0.75 s in the API server)
  temporary server (PREFECT_API_URL unset, the default)
    newsmon cpu                              13.81 s   11.72 s     0.85
      of which importing Prefect's server app 2.07 s    2.26 s   (only to start the subprocess)
      waiting for the server (wall)           4.62 s    4.71 s
    server cpu (the subprocess)               5.90 s    6.17 s
    tree cpu                                 20.42 s   17.50 s     0.86
    wall                                     20.50 s   17.11 s     0.83
  early (5 rounds, another session): newsmon cpu 11.28 -> 8.06 s, wall 16.71 -> 12.86 s
  with 60 days of data docs (366 stored validations), running API, 3 rounds:
    newsmon cpu 17.47 -> 12.63 s; validation 7.42 -> 4.14 s

What is left of the ~9 s is mostly imports and models (GE 2.0, Prefect + pipeline 1.8, spaCy 1.7,
py3langid's model 0.45 inside process-day), so "5 s of newsmon's own CPU" is out of reach while
one process imports GE, Prefect and spaCy: importing flows.daily and GE (as the runner does) and
loading the spaCy md model, then exiting at once, is 5.6-6.1 s of CPU here.

So `newsmon serve` pays for them once: each served run is a fork of a process that has already
done all of that (newsmon/warm.py). bench/bench_served.py measures a one-document day served
against the same day as `newsmon run` (2026-12-02, 3 rounds: 2.61 s against 7.15 s of CPU).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import importlib.abc
import importlib.util
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
DAY = "2026-03-02"
OUT_DIR = ROOT / "bench" / "out"

# Written for this benchmark: one short local-news article of a made-up town.
ARTICLE = """\
Harbour council approves new ferry timetable after months of talks

BRANTLEY, March 2 - The Brantley harbour council voted on Monday to approve a new ferry
timetable for the spring, ending a dispute with the operator Northway Ferries that had run
since October.

Council chair Miriam Okafor said the agreement keeps the early morning crossing that
commuters asked for and adds two evening sailings on Fridays. "People told us the last boat
left too early for anyone who works in the city," Okafor said after the meeting.

Northway Ferries chief executive Daniel Reyes said the company would hire six more deck
hands before the timetable starts on April 1. The operator had asked the council for a
higher subsidy, and the two sides settled on a review of passenger numbers in September.

The harbour master, Colin Ashby, said repair work on the north pier will finish in
March, so the larger vessel can return to service in time for the new schedule.
"""

SIDECAR = {
    "url": "https://brantley-harbour.example/news/ferry-timetable",
    "source": "brantley-harbour",
    "published_at": "2026-03-02T09:15:00+00:00",
    "language": "en",
}


# ---------------------------------------------------------------- the probe (runs inside newsmon)


class _Timers:
    """Nested CPU/wall timers; each row's `self` time excludes the rows nested in it."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, float]] = {}
        self._stack: list[list[float]] = []  # [cpu_start, wall_start, nested_cpu, nested_wall]
        self._names: list[str] = []
        self._gc_started = 0.0

    @contextlib.contextmanager
    def timed(self, name: str) -> Iterator[None]:
        frame = [time.process_time(), time.perf_counter(), 0.0, 0.0]
        self._stack.append(frame)
        self._names.append(name)
        try:
            yield
        finally:
            self._stack.pop()
            self._names.pop()
            cpu = time.process_time() - frame[0]
            wall = time.perf_counter() - frame[1]
            row = self._row(name)
            row["cpu"] += cpu - frame[2]
            row["wall"] += wall - frame[3]
            row["calls"] += 1
            if self._stack:
                self._stack[-1][2] += cpu
                self._stack[-1][3] += wall

    def _row(self, name: str) -> dict[str, float]:
        return self.rows.setdefault(name, {"cpu": 0.0, "wall": 0.0, "calls": 0, "gc": 0.0})

    def on_gc(self, phase: str, info: dict[str, int]) -> None:
        """gc.callbacks hook: garbage collection time, charged to the innermost row (part of its cpu)."""
        if phase == "start":
            self._gc_started = time.process_time()
        elif self._names:
            self._row(self._names[-1])["gc"] += time.process_time() - self._gc_started

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed_call(*args: Any, **kwargs: Any) -> Any:
            with self.timed(name):
                return fn(*args, **kwargs)

        timed_call.__wrapped__ = fn  # type: ignore[attr-defined]
        timed_call.__name__ = getattr(fn, "__name__", name)
        timed_call.__doc__ = getattr(fn, "__doc__", None)
        return timed_call


_TIMERS = _Timers()
# module -> how to instrument it once it has been executed
_AFTER_IMPORT: dict[str, Callable[[Any], None]] = {}
# modules whose import is timed as a row of its own
_TIMED_IMPORTS = {
    "flows.daily": "import flows.daily (all pipeline imports)",
    "great_expectations": "import great_expectations",
    "spacy": "import spacy",
    "trafilatura": "import trafilatura",
    "prefect": "import prefect",
    "prefect.server.api.server": "import prefect server app (ephemeral)",
}


class _ImportHook(importlib.abc.MetaPathFinder):
    """Times some imports and instruments some modules as soon as they have been executed."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name not in _TIMED_IMPORTS and name not in _AFTER_IMPORT:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        original = loader.exec_module

        def exec_module(module: Any) -> None:
            with _TIMERS.timed(_TIMED_IMPORTS.get(name, f"import {name}")):
                original(module)
            if name in _AFTER_IMPORT:
                _AFTER_IMPORT.pop(name)(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _instrument_runner(module: Any) -> None:
    module.validate_frame = _TIMERS.wrap("validation (Great Expectations)", module.validate_frame)


def _instrument_expectations(module: Any) -> None:
    module.validate_frame = sys.modules["expectations.runner"].validate_frame


def _instrument_entities(module: Any) -> None:
    module.load_nlp = _TIMERS.wrap("spaCy model load", module.load_nlp)


def _instrument_server(module: Any) -> None:
    cls = module.SubprocessASGIServer
    cls.start = _TIMERS.wrap("Prefect temporary server start (wait)", cls.start)


def _instrument_daily(module: Any) -> None:
    for name in ("load_inbox", "process_day", "entities_stage", "stories_stage", "events_stage", "summarise"):
        task = getattr(module, name)
        task.fn = _TIMERS.wrap(f"stage {task.name}", task.fn)
    task = module.publish_summary
    task.fn = _TIMERS.wrap("stage publish-summary (+ artifact)", task.fn)
    module.daily = _FlowCall(module.daily)


class _FlowCall:
    """The daily flow, timed as a whole (Prefect's own work is what its stages leave over)."""

    before: Callable[[], None] | None = None  # run once before the first flow run (the early server's wait)

    def __init__(self, flow: Any) -> None:
        self.flow = flow

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _FlowCall.before is not None:
            _FlowCall.before()
            _FlowCall.before = None
        with _TIMERS.timed("Prefect flow engine (flow run, task runs, API calls)"):
            return self.flow(*args, **kwargs)


def _probe(out: Path, argv: list[str], early_server: bool) -> int:
    """Run `newsmon.cli.main(argv)` with timers; write the figures to `out` at exit."""
    import psutil

    started = psutil.Process().cpu_times()
    startup_cpu = started.user + started.system  # interpreter start and this module, before main
    _AFTER_IMPORT.update(
        {
            "expectations.runner": _instrument_runner,
            "expectations": _instrument_expectations,
            "transforms.entities": _instrument_entities,
            "prefect.server.api.server": _instrument_server,
            "flows.daily": _instrument_daily,
        }
    )
    sys.meta_path.insert(0, _ImportHook())
    gc.callbacks.append(_TIMERS.on_gc)
    marks: dict[str, tuple[float, float]] = {}

    def write() -> None:  # registered first, so it runs after Prefect's own exit handlers
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu, wall = time.process_time(), time.perf_counter()
        if "main_done" in marks:
            _TIMERS.rows["exit (Prefect shutdown, server stop)"] = {
                "cpu": cpu - marks["main_done"][0],
                "wall": wall - marks["main_done"][1],
                "calls": 1,
                "gc": 0.0,
            }
        figures = {
            "own_cpu": own.ru_utime + own.ru_stime,
            "children_cpu": kids.ru_utime + kids.ru_stime,
            "startup_cpu": startup_cpu,
            "peak_rss_mb": own.ru_maxrss / 1024,
            "rows": _TIMERS.rows,
        }
        out.write_text(json.dumps(figures, indent=1), encoding="utf-8")

    atexit.register(write)
    if early_server:
        _FlowCall.before = _early_server()
    from newsmon.cli import main

    with _TIMERS.timed("newsmon.cli (rest: CLI, settings, summary printing)"):
        code = main(argv)
    marks["main_done"] = (time.process_time(), time.perf_counter())
    return code


def _early_server() -> Callable[[], None]:
    """A sketch of a change to `newsmon run` without PREFECT_API_URL (not in newsmon yet).

    Start Prefect's temporary server first thing, with the command and environment Prefect's
    SubprocessASGIServer uses, but without importing prefect.server into this process (Prefect's
    own start does, ~2 s of CPU), so the server starts while newsmon imports; point the client at
    it; wait for it only before the flow starts; stop it at exit. Returns that wait.
    """
    import urllib.request

    port = _free_port()
    prefect_dir = Path(importlib.util.find_spec("prefect").origin).parent  # type: ignore[arg-type, union-attr]
    command = [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect_dir.parent), "--factory"]
    command += ["prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--log-level", "error", "--lifespan", "on"]
    server = subprocess.Popen(
        command,
        env={**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"},
    )
    api = f"http://127.0.0.1:{port}/api"
    os.environ["PREFECT_API_URL"] = api

    def stop() -> None:  # registered after the figures' writer, so it runs before it
        server.terminate()
        server.wait(timeout=10)

    atexit.register(stop)

    def wait() -> None:
        with _TIMERS.timed("wait for the early temporary server"):
            deadline = time.perf_counter() + 90
            while time.perf_counter() < deadline:
                with contextlib.suppress(OSError), urllib.request.urlopen(f"{api}/health", timeout=2) as reply:  # noqa: S310
                    if reply.status == 200:  # a local URL we made
                        return
                time.sleep(0.05)
            raise RuntimeError("the early temporary server did not start in 90 s")

    return wait


# ---------------------------------------------------------------- the benchmark


def _inbox(work: Path) -> Path:
    inbox = work / "inbox"
    day_dir = inbox / DAY
    day_dir.mkdir(parents=True)
    (day_dir / "brantley_ferry.txt").write_text(ARTICLE, encoding="utf-8")
    (day_dir / "brantley_ferry.txt.meta.json").write_text(json.dumps(SIDECAR), encoding="utf-8")
    return inbox


def _history(docs: Path, days: int, out: Path) -> Path:
    """Data docs as after `days` earlier runs: each of a run's validations copied under earlier run names."""
    shutil.copytree(docs, out)
    for section in ("_results", "validations"):
        for run_dir in [p for p in (out / section).glob("*/*") if p.is_dir()]:
            for n in range(days):
                shutil.copytree(run_dir, run_dir.with_name(f"{run_dir.name} history {n:04d}"))
    return out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _measured(argv: list[str], env: dict[str, str], cwd: Path) -> dict[str, float]:
    """Wall and tree CPU seconds of one subprocess (which must succeed)."""
    cpu0, wall0 = _children_cpu(), time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    figures = {"wall": time.perf_counter() - wall0, "tree_cpu": _children_cpu() - cpu0}
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return figures


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _prefect_server(env: dict[str, str], log: Path) -> Iterator[tuple[str, int]]:
    """`prefect server start` on a free local port; yields (api url, pid). Stopped by its pid's group."""
    import urllib.request

    port = _free_port()
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(VENV_BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env={**env, "PREFECT_UI_ENABLED": "false"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stopping it stops its uvicorn too
        )
    api = f"http://127.0.0.1:{port}/api"
    started = time.perf_counter()
    try:
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"prefect server exited ({server.returncode}); see {log}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{api}/health", timeout=2) as reply:  # noqa: S310
                if reply.status == 200:  # a local URL we made
                    break
            if time.perf_counter() - started > 120:
                raise RuntimeError(f"prefect server did not answer in 120 s; see {log}")
            time.sleep(0.2)
        print(f"prefect server up on {api} in {time.perf_counter() - started:.1f} s wall (pid {server.pid})")
        yield api, server.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _server_cpu(pid: int | None) -> float:
    """CPU seconds so far of a server process and its children (psutil)."""
    if pid is None:
        return 0.0
    import psutil

    proc = psutil.Process(pid)
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            t = p.cpu_times()
            total += t.user + t.system
    return total


def _round(work: Path, env: dict[str, str], mode: str, server_pid: int | None, history: Path | None, *,
           plain: bool = True, probe: bool = True) -> dict[str, Any]:  # fmt: skip
    """Fresh warehouses; the console script's run (`plain`), the probed run, and the reference."""
    figures: dict[str, Any] = {}
    run_args = ["run", "--inbox", str(work / "inbox"), "--day", DAY]
    probe_out = work / "probe.json"
    for label in [name for name, wanted in (("plain", plain), ("probe", probe)) if wanted]:
        warehouse = work / f"warehouse-{label}"
        shutil.rmtree(warehouse, ignore_errors=True)
        if history is not None:
            shutil.copytree(history, warehouse / "data_docs")
        if label == "plain":
            argv = [str(VENV_BIN / "newsmon"), *run_args]
        else:
            early = ["--early-server"] if mode == "early" else []
            argv = [sys.executable, str(Path(__file__).resolve()), "--probe", str(probe_out), *early, "--", *run_args]
        served0 = _server_cpu(server_pid)
        measured: dict[str, Any] = _measured(argv, {**env, "NEWSMON_WAREHOUSE_DIR": str(warehouse)}, work)
        measured["api_server_cpu"] = _server_cpu(server_pid) - served0
        if label == "probe":
            found = json.loads(probe_out.read_text(encoding="utf-8"))
            # The whole newsmon process, interpreter teardown included, is its tree less its children.
            own = measured["tree_cpu"] - found["children_cpu"]
            found["rows"]["interpreter teardown (after exit handlers)"] = {
                "cpu": max(0.0, own - found["own_cpu"]),
                "wall": 0.0,
                "calls": 1,
                "gc": 0.0,  # not seen: the collector runs its last passes after the probe's hooks
            }
            measured |= {
                "own_cpu": own,
                "server_cpu": found["children_cpu"],
                "peak_rss_mb": found["peak_rss_mb"],
                "rows": found["rows"],
                "startup_cpu": found["startup_cpu"],
            }
        figures[label] = measured
    figures["ref_cpu"] = _measured([sys.executable, "-c", "import pandas"], env, work)["tree_cpu"]
    return figures


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _summary(rounds: list[dict]) -> dict[str, Any]:
    """Medians over rounds of the headline figures (the console script's, else the probe's) and of each row."""
    heads = [r.get("plain") or r["probe"] for r in rounds]
    probes = [r["probe"] for r in rounds if "probe" in r]
    out: dict[str, Any] = {
        "rounds": len(rounds),
        "wall": _median([h["wall"] for h in heads]),
        "wall_min": min(h["wall"] for h in heads),
        "tree_cpu": _median([h["tree_cpu"] for h in heads]),
        "api_server_cpu": _median([h["api_server_cpu"] for h in heads]),
        "ref_cpu": _median([r["ref_cpu"] for r in rounds]),
    }
    if probes:
        out |= {
            "own_cpu": _median([p["own_cpu"] for p in probes]),
            "server_cpu": _median([p["server_cpu"] for p in probes]),
            "probe_wall": _median([p["wall"] for p in probes]),
            "probe_tree_cpu": _median([p["tree_cpu"] for p in probes]),
            "startup_cpu": _median([p["startup_cpu"] for p in probes]),
            "peak_rss_mb": _median([p["peak_rss_mb"] for p in probes]),
        }
        names = list(dict.fromkeys(name for p in probes for name in p["rows"]))
        out["rows"] = {
            name: {
                key: _median([p["rows"].get(name, {}).get(key, 0.0) for p in probes])
                for key in ("cpu", "wall", "calls", "gc")
            }
            for name in names
        }
    out["own_per_ref"] = out.get("own_cpu", out["tree_cpu"]) / out["ref_cpu"]
    return out


def _print_summary(mode: str, s: dict[str, Any], before: dict[str, Any] | None) -> None:
    def vs(key: str) -> str:
        if not before or not before.get(key):
            return ""
        return f"   (before {before[key]:6.2f}, after/before {s[key] / before[key]:.2f})"

    print(f"\n== server: {mode}  (median of {s['rounds']} rounds)")
    print(f"  wall                 {s['wall']:6.2f} s (min {s['wall_min']:.2f}){vs('wall')}")
    print(f"  tree cpu             {s['tree_cpu']:6.2f} s  newsmon + the processes it started{vs('tree_cpu')}")
    if "own_cpu" in s:
        print(f"  newsmon cpu          {s['own_cpu']:6.2f} s  the newsmon process alone{vs('own_cpu')}")
        print(f"  server cpu           {s['server_cpu']:6.2f} s  its children (temporary server){vs('server_cpu')}")
    if mode == "running":
        print(f"  running API cpu      {s['api_server_cpu']:6.2f} s  the already-running server, serving the run")
    print(f"  ref cpu              {s['ref_cpu']:6.2f} s  `python -c 'import pandas'`; newsmon cpu / ref = "
          f"{s['own_per_ref']:.1f}{vs('own_per_ref')}")  # fmt: skip
    if "rows" in s:
        print(f"  probed run           {s['probe_wall']:6.2f} s wall, {s['probe_tree_cpu']:.2f} s tree cpu")
        print(f"  peak RSS             {s['peak_rss_mb']:6.0f} MB (newsmon process)")
        print(f"  newsmon cpu by part (exclusive: cpu s, of which garbage collection, wall s, calls);"
              f" interpreter start {s['startup_cpu']:.2f} s:")  # fmt: skip
        before_rows = (before or {}).get("rows", {})
        for name, row in sorted(s["rows"].items(), key=lambda kv: -kv[1]["cpu"]):
            was = before_rows.get(name, {}).get("cpu")
            shown = f"   (before {was:5.2f})" if was is not None else ""
            gc_cpu = row.get("gc", 0.0)
            print(f"    {row['cpu']:6.2f} {gc_cpu:5.2f} {row['wall']:6.2f} {row['calls']:4.0f}  {name}{shown}")


def _run_mode(mode: str, work: Path, env: dict[str, str], trees: dict[str, Path | None], args: argparse.Namespace):
    """Warm-up, optional history, then the rounds of one way to reach Prefect; the trees' rounds alternate."""
    with contextlib.ExitStack() as stack:
        pid = None
        if mode == "running":
            api, pid = stack.enter_context(_prefect_server(env, work / "prefect-server.log"))
            env = {**env, "PREFECT_API_URL": api}
        plain, probe = mode != "early", args.breakdown or mode == "early"
        tree_envs = {name: _tree_env(env, path) for name, path in trees.items()}
        histories: dict[str, Path | None] = {}
        for name, tree_env in tree_envs.items():
            # The first run migrates the fresh Prefect database and warms the file cache: not counted,
            # and without --set (which may switch those migrations off).
            warm = _round(work, tree_env, mode, pid, None, plain=plain, probe=not plain)
            tree_envs[name] = {**tree_env, **_settings(args.set, name)}
            head = warm.get("plain") or warm["probe"]
            print(f"[{mode} {name}] warm-up: wall {head['wall']:.2f} s, tree cpu {head['tree_cpu']:.2f} s")
            histories[name] = None
            if args.history_days:
                label = "plain" if plain else "probe"
                out = work / f"history-{name}"
                shutil.rmtree(out, ignore_errors=True)
                histories[name] = _history(work / f"warehouse-{label}" / "data_docs", args.history_days, out)
                stored = len(list((out / "_results").rglob("*.json")))
                print(f"[{mode} {name}] data docs hold {stored} stored validations before each run")
        rounds: dict[str, list[dict]] = {name: [] for name in trees}
        for n in range(1, args.rounds + 1):
            for name, tree_env in tree_envs.items():
                figures = _round(work, tree_env, mode, pid, histories[name], plain=plain, probe=probe)
                rounds[name].append(figures)
                head = figures.get("plain") or figures["probe"]
                own = figures.get("probe", {}).get("own_cpu", float("nan"))
                print(
                    f"[{mode} {name}] round {n}: wall {head['wall']:.2f} s, tree cpu {head['tree_cpu']:.2f} s, "
                    f"newsmon cpu {own:.2f} s, ref {figures['ref_cpu']:.2f} s"
                )
    return {name: {"summary": _summary(runs), "rounds": runs} for name, runs in rounds.items()}


def _settings(items: list[str], tree: str) -> dict[str, str]:
    """The --set values for a tree: `KEY=VALUE` for every tree, `TREE:KEY=VALUE` for one."""
    chosen = {}
    for item in items:
        key, value = item.split("=", 1)
        only, _, key = key.rpartition(":")
        if only in ("", tree):
            chosen[key] = value
    return chosen


def _tree_env(env: dict[str, str], tree: Path | None) -> dict[str, str]:
    """The runs' environment for a project tree (a copy of newsmon's code); None: the installed one."""
    if tree is None:
        return env
    return {**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(tree.resolve()), env.get("PYTHONPATH")]))}


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--probe":
        out, rest = Path(sys.argv[2]), sys.argv[3:]
        early = rest[:1] == ["--early-server"]
        rest = rest[1:] if early else rest
        rest = rest[1:] if rest[:1] == ["--"] else rest
        raise SystemExit(_probe(out, rest, early))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument(
        "--server",
        default="ephemeral,running",
        help="comma-separated: ephemeral, running, early (default: ephemeral,running)",
    )
    ap.add_argument(
        "--tree",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="a copy of the project to measure (on PYTHONPATH); several alternate round by round",
    )
    ap.add_argument("--no-breakdown", dest="breakdown", action="store_false", help="headline runs only")
    ap.add_argument("--history-days", type=int, default=0, help="data docs already hold this many days of runs")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="[TREE:]KEY=VALUE",
        help="environment of the measured runs (not the warm-up), of every tree or of one",
    )
    ap.add_argument("--save", help="write the figures to bench/out/fixed_cost_<NAME>.json")
    ap.add_argument("--compare", help="print ratios against bench/out/fixed_cost_<NAME>.json (its first tree)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    modes = [m.strip() for m in args.server.split(",") if m.strip()]
    if unknown := set(modes) - {"ephemeral", "running", "early"}:
        ap.error(f"unknown --server {sorted(unknown)}")
    trees: dict[str, Path | None] = {"installed": None}
    if args.tree:
        trees = {name: Path(path) for name, path in (item.split("=", 1) for item in args.tree)}

    work = Path(tempfile.mkdtemp(prefix="newsmon-fixed-cost-"))
    _inbox(work)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSMON_", "PREFECT_"))}
    # A private Prefect home: the runs do not touch ~/.prefect or share its database with others.
    env |= {"PREFECT_HOME": str(work / "prefect-home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    before = None
    if args.compare:
        saved = json.loads((OUT_DIR / f"fixed_cost_{args.compare}.json").read_text(encoding="utf-8"))
        before = next(iter(saved["trees"].values()))
    print(f"work dir {work}; {os.cpu_count()} cpus; load average {os.getloadavg()[0]:.2f}; trees {trees}")
    results: dict[str, Any] = {
        "day": DAY,
        "load_average": os.getloadavg(),
        "history_days": args.history_days,
        "set": args.set,
        "trees": {name: {"path": str(path) if path else None, "modes": {}} for name, path in trees.items()},
    }
    try:
        for mode in modes:
            measured = _run_mode(mode, work, env, trees, args)
            first = next(iter(measured.values()))["summary"]
            for name, figures in measured.items():
                results["trees"][name]["modes"][mode] = figures
                was = first if name != next(iter(measured)) else (before or {}).get("modes", {}).get(mode, {})
                was = was.get("summary", was) if was else None
                print(f"\n[tree {name}]", end="")
                _print_summary(mode, figures["summary"], was)
    finally:
        if args.save:
            OUT_DIR.mkdir(parents=True, exist_ok=True)
            path = OUT_DIR / f"fixed_cost_{args.save}.json"
            path.write_text(json.dumps(results, indent=1), encoding="utf-8")
            print(f"\nsaved {path}")
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
