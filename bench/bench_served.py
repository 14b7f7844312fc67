"""A one-document day run by `newsmon serve` (warm: a fork of a process that has imported the
pipeline and loaded its models, newsmon/warm.py) against the same day run by `newsmon run` (cold:
a fresh process). Prints figures; asserts nothing.

    .venv/bin/python bench/bench_served.py [--rounds 3] [--save NAME]

Set-up: a `prefect server start` on a free 127.0.0.1 port and `newsmon serve` (a cron that does
not fire during the bench), both with a private PREFECT_HOME. A first run of each kind migrates a
warehouse and is not counted; its warehouse is the template every round starts from, so each
round's run does the same work: the same one-document day (bench/bench_fixed_cost.py's article)
on the same warehouse. Rounds alternate cold and warm, so both see the same machine load.

- cold: `.venv/bin/newsmon run --inbox X --day D` as a subprocess; its CPU (user + sys, the
  process alone: the API server is already running) from getrusage(RUSAGE_CHILDREN) deltas.
- warm: a flow run of the served deployment created through the API with the same parameters
  (as the scheduler creates one). Its CPU is the fork's, polled with psutil every 10 ms until it
  exits (a fork's counters start at zero), plus what the `newsmon serve` process itself spent
  meanwhile (Prefect's runner: polling, starting the fork, watching it): "newsmon's own time".
  The journal's `cpu_seconds` (taken inside the run, at its end) is printed beside it.
- API: what the Prefect server spent serving the run, for both kinds (not newsmon's time).

Figures are CPU seconds, medians over the rounds, and the warm/cold ratio of the medians. Wall
time is printed for what it is worth (a served run also waits for the runner's next poll: 1 s here).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.bench_fixed_cost import (  # noqa: E402
    ARTICLE,
    DAY,
    OUT_DIR,
    SIDECAR,
    VENV_BIN,
    _children_cpu,
    _prefect_server,
    _server_cpu,
)

DEPLOYMENT = "newsmon-daily/newsmon-daily"
NEVER = "0 0 1 1 *"  # the served deployment's cron: once a year, not during the bench
WARM_UP_DAY = "2026-03-01"


def _api(url: str, payload: dict[str, Any] | None = None) -> Any:
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310 - a local URL we made
        return json.loads(reply.read() or b"null")


def _inbox(work: Path) -> Path:
    inbox = work / "inbox"
    for day in (WARM_UP_DAY, DAY):
        folder = inbox / day
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "brantley_ferry.txt").write_text(ARTICLE, encoding="utf-8")
        (folder / "brantley_ferry.txt.meta.json").write_text(json.dumps(SIDECAR), encoding="utf-8")
    return inbox


def _fresh(template: Path, warehouse: Path) -> None:
    shutil.rmtree(warehouse, ignore_errors=True)
    shutil.copytree(template, warehouse)


def _cold(inbox: Path, day: str, env: dict[str, str], warehouse: Path) -> dict[str, float]:
    cpu0, wall0 = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        [str(VENV_BIN / "newsmon"), "run", "--inbox", str(inbox), "--day", day],
        env={**env, "NEWSMON_WAREHOUSE_DIR": str(warehouse)},
        capture_output=True,
        text=True,
        check=False,
    )
    figures = {"cpu": _children_cpu() - cpu0, "wall": time.perf_counter() - wall0}
    if done.returncode != 0:
        raise RuntimeError(f"newsmon run failed ({done.returncode}):\n{done.stderr[-3000:]}")
    figures["journal_cpu"] = _last_journal_cpu(warehouse)
    return figures


def _last_journal_cpu(warehouse: Path) -> float:
    lines = (warehouse / "newsmon.runs.jsonl").read_text(encoding="utf-8").splitlines()
    return float(json.loads(lines[-1]).get("cpu_seconds") or 0.0)


def _fork_server(serve_pid: int) -> Any:
    import psutil

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for child in psutil.Process(serve_pid).children():
            with contextlib.suppress(psutil.NoSuchProcess):
                if "forkserver" in " ".join(child.cmdline()):
                    return child
        time.sleep(0.2)
    raise RuntimeError("newsmon serve started no fork server: are runs starting warm?")


def _warm(api: str, deployment_id: str, inbox: Path, day: str, serve_pid: int, fork_server: Any,
          warehouse: Path) -> dict[str, float]:  # fmt: skip
    import psutil

    serve = psutil.Process(serve_pid)
    serve0 = sum(serve.cpu_times()[:2])
    wall0 = time.perf_counter()
    run = _api(f"{api}/deployments/{deployment_id}/create_flow_run", {"parameters": {"day": day, "inbox": str(inbox)}})
    seen: dict[int, float] = {}
    state = None
    while True:
        for child in fork_server.children():
            with contextlib.suppress(psutil.NoSuchProcess):
                times = child.cpu_times()
                seen[child.pid] = times.user + times.system
        if state is None or int(time.perf_counter() * 10) % 5 == 0:
            state = _api(f"{api}/flow_runs/{run['id']}")["state"]["type"]
        if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") and not fork_server.children():
            break
        if time.perf_counter() - wall0 > 300:
            raise RuntimeError(f"served run {run['id']} did not finish in 300 s (state {state})")
        time.sleep(0.01)
    if state != "COMPLETED":
        raise RuntimeError(f"served run {run['id']} ended {state}")
    fork = sum(seen.values())
    serve_cpu = sum(serve.cpu_times()[:2]) - serve0
    return {
        "cpu": fork + serve_cpu,
        "fork_cpu": fork,
        "serve_cpu": serve_cpu,
        "wall": time.perf_counter() - wall0,
        "journal_cpu": _last_journal_cpu(warehouse),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--save", help="write the raw figures to bench/out/served_NAME.json")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="newsmon-served-"))
    home = work / "prefect_home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSMON_"))}
    env |= {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    inbox = _inbox(work)
    template, cold_wh, warm_wh = work / "template", work / "warehouse-cold", work / "warehouse-served"
    rounds: list[dict[str, Any]] = []
    with _prefect_server(env, work / "server.log") as (api, server_pid):
        env["PREFECT_API_URL"] = api
        _cold(inbox, WARM_UP_DAY, env, template)  # migrates the warehouse; the template of every round
        _fresh(template, warm_wh)
        serve_env = {**env, "NEWSMON_WAREHOUSE_DIR": str(warm_wh), "PREFECT_RUNNER_POLL_FREQUENCY": "1"}
        with (work / "serve.log").open("wb") as log:
            serve = subprocess.Popen(
                [str(VENV_BIN / "newsmon"), "serve", "--cron", NEVER],
                env=serve_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            fork_server = _fork_server(serve.pid)
            deployment_id = None
            deadline = time.monotonic() + 120
            while deployment_id is None:
                with contextlib.suppress(OSError):
                    deployment_id = _api(f"{api}/deployments/name/{DEPLOYMENT}")["id"]
                if deployment_id is None and time.monotonic() > deadline:
                    raise RuntimeError(f"no deployment {DEPLOYMENT}; see {work / 'serve.log'}")
                time.sleep(0.5)
            _warm(api, deployment_id, inbox, DAY, serve.pid, fork_server, warm_wh)  # warm-up, not counted
            for n in range(args.rounds):
                figures: dict[str, Any] = {}
                for kind in ("cold", "warm") if n % 2 == 0 else ("warm", "cold"):
                    api0 = _server_cpu(server_pid)
                    if kind == "cold":
                        _fresh(template, cold_wh)
                        figures[kind] = _cold(inbox, DAY, env, cold_wh)
                    else:
                        _fresh(template, warm_wh)
                        figures[kind] = _warm(api, deployment_id, inbox, DAY, serve.pid, fork_server, warm_wh)
                    figures[kind]["api_cpu"] = _server_cpu(server_pid) - api0
                rounds.append(figures)
                fork_rss = fork_server.memory_info().rss
                print(
                    f"round {n + 1}: cold {figures['cold']['cpu']:.2f} s CPU, "
                    f"warm {figures['warm']['cpu']:.2f} s CPU "
                    f"(fork {figures['warm']['fork_cpu']:.2f} + serve {figures['warm']['serve_cpu']:.2f})"
                )
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(serve.pid, signal.SIGINT)
            try:
                serve.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(serve.pid, signal.SIGKILL)
                serve.wait()

    def median(kind: str, key: str) -> float:
        return statistics.median(r[kind][key] for r in rounds)

    load = os.getloadavg()[0]
    print(f"\none-document day, {args.rounds} rounds, medians (CPU seconds; load average {load:.1f})")
    print(f"{'':44}{'cold run':>10}{'served':>10}{'served/cold':>13}")
    rows = [
        ("newsmon's own CPU", "cpu"),
        ("  as the journal records it (inside the run)", "journal_cpu"),
        ("Prefect API server CPU (not newsmon's)", "api_cpu"),
        ("wall", "wall"),
    ]
    for label, key in rows:
        cold, warm = median("cold", key), median("warm", key)
        print(f"{label:44}{cold:>9.2f}s{warm:>9.2f}s{warm / cold if cold else float('nan'):>13.2f}")
    print(f"{'  served: the fork':44}{'':>10}{median('warm', 'fork_cpu'):>9.2f}s")
    print(f"{'  served: the newsmon serve process':44}{'':>10}{median('warm', 'serve_cpu'):>9.2f}s")
    print(f"fork server resident memory (shared with each run's fork, copy-on-write): {fork_rss / 2**20:.0f} MB")
    if args.save:
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        (OUT_DIR / f"served_{args.save}.json").write_text(json.dumps(rounds, indent=2), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
