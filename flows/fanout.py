"""Extraction and NER fanned out to a Dask cluster through Prefect's Dask task runner (issue 10).

With `NEWSMON_DASK_ADDRESS` set (e.g. `tcp://10.0.0.5:8786`, a `dask scheduler` with `dask worker`s
on other machines; see docs/scaling.md), a day's documents are extracted, and the texts the
model has not read before are read, in batches on the cluster's workers. Each batch is a Prefect
task run (`extract-batch`, `read-batch`), so the cluster's work shows in the flow run's graph.
The results come back in order and are the same as in one process: every batch runs the same
functions (`flows.extraction.extracted_document`, `transforms.entities.read_texts`) on the same
inputs, and everything after them runs here, in the writer.

The workers need newsmon installed (the same version: the lock file), the raw archive at the
same path (shared storage), and the model package. They never open the warehouse.
Unset, nothing here is imported (prefect-dask and distributed cost ~1.8 s to import).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Sequence
from typing import Any

from prefect import task
from prefect.cache_policies import NONE

from flows.extraction import Job, Result, extracted_document

EXTRACT_BATCH = 25  # documents per task: ~1-2 s of work, so the per-task overhead (~50 ms) stays small
READ_BATCH = 50  # texts per task: NER is ~20 ms per text


@task(name="extract-batch", cache_policy=NONE)
def extract_batch(jobs: list[Job], seconds: float) -> list[Result]:
    """`extracted_document` over a batch, on a worker. The time budget needs the worker's main
    thread (SIGALRM); Dask runs tasks in other threads, so there it is not enforced."""
    return [extracted_document(job, seconds) for job in jobs]


@task(name="read-batch", cache_policy=NONE)
def read_batch(texts: list[str], model: str) -> list[dict[str, list]]:
    """What the model reads in each text (`Parsed.to_json`), on a worker; the model loads once per worker."""
    from transforms.entities import load_nlp, read_texts

    return [parsed.to_json() for parsed in read_texts(load_nlp(model), texts)]


def _batches(items: Sequence[Any], size: int) -> list[list[Any]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _on_cluster(address: str, work: Any, batches: dict[str, list[list[Any]]], **params: Any) -> list[Any]:
    """`work` on each batch (`batches`: its parameter name -> the batches) as a task on the
    cluster at `address`; the items of their results, in order.

    The tasks are submitted from a copy of this context without the calling task's run context:
    prefect-dask ships the current context to the workers, and the calling stage's parameters
    (the warehouse connection) cannot travel. The batches are the flow run's own task runs.
    """
    from prefect.context import TaskRunContext
    from prefect_dask import DaskTaskRunner

    ((name, parts),) = batches.items()

    def submitted() -> list[Any]:
        TaskRunContext.__var__.set(None)
        with DaskTaskRunner(address=address) as runner:
            futures = [runner.submit(work, parameters={name: part, **params}) for part in parts]
            return [item for future in futures for item in future.result()]

    return contextvars.copy_context().run(submitted)


def extracted_on_cluster(address: str, jobs: list[Job], seconds: float) -> Iterator[Result]:
    """Each job's result, in job order, extracted on the cluster."""
    yield from _on_cluster(address, extract_batch, {"jobs": _batches(jobs, EXTRACT_BATCH)}, seconds=seconds)


def read_on_cluster(address: str, texts: Sequence[str], model: str) -> list[dict[str, list]]:
    """What the model reads in each text (JSON of `Parsed`), read on the cluster, in order."""
    return _on_cluster(address, read_batch, {"texts": _batches(texts, READ_BATCH)}, model=model)
