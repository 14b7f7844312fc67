"""Served runs start warm: `newsmon serve` forks each flow run from a process that has already
imported the pipeline and loaded its models.

Prefect's runner starts every flow run of a served deployment in a fresh interpreter
(`multiprocessing` "spawn"), so each scheduled run would pay again for importing Prefect, Great
Expectations and the pipeline and for loading the NER model: ~7 s of CPU before the first
document (bench/bench_fixed_cost.py). `serve_warm()` makes the runner use a "forkserver"
context instead. The fork server is one process, started with `newsmon serve`, that imports
this module's `preload()` work once (see `_preloaded`); every run is a fork of it, so it begins
with those modules and models in memory (shared copy-on-write) and pays only for its own day.

What stays per run: Prefect's flow engine (client, task runs, logs to the API), validation,
the stages and publishing. What a run changes (settings read from the environment and
newsmon.toml, the warehouse, data docs) is read by the run itself, as before, so a config edit
takes effect at the next run; a code upgrade needs `newsmon serve` restarted, as any service.

If Prefect stops starting runs through `multiprocessing.get_context("spawn")` in
`prefect.flow_engine`, runs simply start cold again (the served-schedule test still passes;
bench/bench_fixed_cost.py --server served shows the cost).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
from types import ModuleType
from typing import Any

log = logging.getLogger("newsmon.warm")

PRELOAD_MODULE = "newsmon._preloaded"  # importing it runs preload(): the fork server's start-up


def preload() -> list[str]:
    """Import what a run imports and load what it loads, once; returns what was made warm.

    Each part is optional: a part that fails here (a missing model, a bad config) is left to
    the run, which reports it as it always does.
    """
    warm: list[str] = []
    parts = (
        ("flows.daily", _import_pipeline),
        ("great_expectations", _import_gx),
        ("ner model", _load_ner_model),
        ("language identifier", _load_language_identifier),
        ("gazetteer", _load_gazetteer),
    )
    for name, part in parts:
        try:
            part()
        except Exception as exc:  # the run meets it again and says so
            log.warning("warm start: %s not preloaded (%s); runs load it themselves", name, exc)
        else:
            warm.append(name)
    # What the preload made lives as long as the server: keep it out of every run's collections.
    gc.collect()
    gc.freeze()
    return warm


def _import_pipeline() -> None:
    import flows.daily  # noqa: F401  (Prefect, pandas, duckdb, pydantic models, the transforms)


def _import_gx() -> None:
    from expectations.runner import _imported_gx

    _imported_gx()


def _load_ner_model() -> None:
    from newsmon.settings import Settings
    from transforms.entities import load_nlp

    load_nlp(Settings().ner_model)


def _load_language_identifier() -> None:
    from transforms.language import _identifier

    _identifier()


def _load_gazetteer() -> None:
    from flows.gazetteer import installed_gazetteer

    installed_gazetteer()


class _ForkserverMultiprocessing(ModuleType):
    """Stands in for `multiprocessing` inside prefect.flow_engine: "spawn" becomes the fork server."""

    def __init__(self, context: multiprocessing.context.BaseContext) -> None:
        super().__init__("multiprocessing")
        self._context = context

    def __getattr__(self, name: str) -> Any:
        return getattr(multiprocessing, name)

    def get_context(self, method: str | None = None) -> multiprocessing.context.BaseContext:
        return self._context if method == "spawn" else multiprocessing.get_context(method)


def serve_warm(preload_now: bool = True) -> bool:
    """Make this process's Prefect runner start flow runs as forks of a warm fork server.

    Starts the fork server now (so the first scheduled run is warm too) unless `preload_now` is
    false. Returns whether runs will start warm (False where the platform has no fork server or
    Prefect no longer starts runs the way this hooks into).
    """
    import prefect.flow_engine as engine

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    if not isinstance(getattr(engine, "multiprocessing", None), ModuleType):
        return False
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([PRELOAD_MODULE])
    engine.multiprocessing = _ForkserverMultiprocessing(context)
    if preload_now:
        multiprocessing.forkserver.ensure_running()
    return True
