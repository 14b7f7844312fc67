"""Extraction of archived documents, each within a time budget, importable cheaply by
worker processes (no Prefect, no DuckDB, no Great Expectations).

No single document may stop or stall the day. Each one runs under an interval timer
(`seconds`; SIGALRM interrupts Python-level work such as trafilatura's tree walks), and on
big days in worker processes that the parent kills if even that does not end the job
(a hang inside C code) or if the worker dies; the document is then quarantined as
`timeout` / `extraction_crashed` and the run goes on with a fresh worker.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from flows.archive import archived_bytes
from newsmon.models import Article, Document, QuarantineRecord
from transforms.articles import document_articles
from transforms.sniff import sniffed

Job = tuple[Path, Document, frozenset[str]]
Result = tuple[list[Article], list[QuarantineRecord]]
_GRACE = 5.0  # seconds past the budget before the parent kills a worker whose timer did not fire
_STARTUP = 300.0  # seconds a new worker may take to start (imports, warm-up) on a loaded machine
_STARTED = "started"
_WORKER_MEMORY = 4 * 1024**3  # address-space cap per worker: a memory bomb raises MemoryError, not the OOM killer


class _Overrun(BaseException):  # BaseException: libraries' `except Exception` must not swallow it
    pass


@contextlib.contextmanager
def _time_budget(seconds: float | None) -> Iterator[None]:
    """Raise _Overrun in this thread after `seconds` (only where signals can be used: the main thread)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _overrun(_signum: int, _frame: Any) -> None:
        raise _Overrun

    previous = signal.signal(signal.SIGALRM, _overrun)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extracted_document(job: Job, seconds: float | None = None) -> Result:
    """Articles of one archived document; any failure or overrun becomes a quarantine record, never a crash."""
    archive_dir, doc, boilerplate = job
    started = time.process_time()
    try:
        with _time_budget(seconds):
            raw = archived_bytes(archive_dir, doc.doc_id)
            found, problems = document_articles(doc, sniffed(raw, doc.file_name), boilerplate=boilerplate)
    except _Overrun:
        return [], [_timeout(doc, seconds or 0, time.process_time() - started)]
    except Exception as exc:  # one bad document must not stop the run
        log = logging.getLogger("newsmon")
        log.warning("extraction failed for %s: %s", doc.source_path, _what(exc))
        log.debug("extraction failure of %s", doc.source_path, exc_info=True)
        problem = _problem(doc, "extraction_error", f"extraction failed: {_what(exc)}")
        problem.details = {"exception": type(exc).__name__}
        return [], [problem]
    return found, [
        QuarantineRecord(
            day=doc.arrival_day,
            stage="extract",
            item_id=p.item_id,
            doc_id=doc.doc_id,
            expectation=p.check,
            reason=p.reason,
        )
        for p in problems
    ]


def extracted_documents(jobs: list[Job], workers: int, seconds: float, parallel_from: int) -> Iterator[Result]:
    """Each job's result in job order: in this process for small days, else in killable worker processes."""
    if workers <= 1 or len(jobs) < parallel_from:
        for job in jobs:
            yield extracted_document(job, seconds)
        return
    yield from _Pool(workers, seconds).results(jobs)


def _what(exc: BaseException) -> str:
    """An exception as a person reads it: the message, or what kind of failure it was."""
    message = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    if isinstance(exc, RecursionError):
        return "the document is nested too deeply to read"
    if isinstance(exc, MemoryError):
        return "the document needs more memory than a worker may use"
    if isinstance(exc, AssertionError) or not message:
        return "the HTML extractor could not make sense of this page's structure (the raw bytes are kept)"
    return f"{message} ({type(exc).__name__})"


def _problem(doc: Document, check: str, reason: str) -> QuarantineRecord:
    return QuarantineRecord(
        day=doc.arrival_day, stage="extract", item_id=doc.doc_id, doc_id=doc.doc_id, expectation=check, reason=reason
    )


def _timeout(doc: Document, seconds: float, used: float) -> QuarantineRecord:
    return _problem(
        doc,
        "timeout",
        f"extraction took over {seconds:g} s ({used:.1f} s of CPU, {doc.size_bytes:,} bytes): not extracted"
        " (the budget is NEWSMON_EXTRACT_SECONDS)",
    )


def _worker(conn: multiprocessing.connection.Connection, seconds: float, work: Any = None) -> None:
    """A worker process: extract jobs from the pipe until told to stop (None)."""
    work = work or extracted_document
    import resource

    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (_WORKER_MEMORY, _WORKER_MEMORY))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C means
    _warm_up()
    while (job := conn.recv()) is not None:
        conn.send(_STARTED)  # the parent's clock for this job starts now, not while this process was starting
        conn.send(work(job, seconds))


def _warm_up() -> None:
    """Load what extraction loads lazily (language model, parsers) before the first budgeted job."""
    text = "Warm up\n\n" + "The council met on Tuesday to agree the new ferry timetable for the harbour. " * 5
    raw = f"<html><body><article><p>{text}</p></article></body></html>".encode()
    doc = Document(
        doc_id="0" * 64,
        file_name="warm.html",
        source_path="warm.html",
        arrival_day=date(2026, 1, 1),
        size_bytes=len(raw),
        media_type="html",
        archive_path="warm.html",
    )
    with contextlib.suppress(Exception):
        document_articles(doc, sniffed(raw, doc.file_name))
        document_articles(doc, sniffed(text.encode(), "warm.txt"))


class _Pool:
    """Worker processes, each running one job at a time; a worker past its deadline is killed and replaced."""

    def __init__(self, size: int, seconds: float, work: Any = None) -> None:
        self.size = size
        self.seconds = seconds
        self.work = work  # a module-level function(job, seconds) -> Result; default extracted_document
        # spawn, not fork: the parent holds DuckDB and Prefect threads that a fork would copy mid-flight.
        self.ctx = multiprocessing.get_context("spawn")

    def _start(self) -> tuple[Any, multiprocessing.connection.Connection]:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker, args=(child, self.seconds, self.work), daemon=True)
        proc.start()
        child.close()
        return proc, parent

    def results(self, jobs: list[Job]) -> Iterator[Result]:
        pending = deque(enumerate(jobs))
        done: dict[int, Result] = {}
        busy: dict[Any, tuple[Any, int, float]] = {}  # conn -> (process, job index, deadline)
        idle = [self._start() for _ in range(min(self.size, len(jobs)))]
        emitted = 0
        try:
            while emitted < len(jobs):
                while idle and pending:
                    proc, conn = idle.pop()
                    i, job = pending.popleft()
                    conn.send(job)
                    busy[conn] = (proc, i, time.monotonic() + _STARTUP)
                timeout = max(0.0, min(deadline for _, _, deadline in busy.values()) - time.monotonic())
                for conn in multiprocessing.connection.wait(list(busy), timeout=timeout):
                    proc, i, _ = busy.pop(conn)
                    try:
                        message = conn.recv()
                        if isinstance(message, str) and message == _STARTED:
                            busy[conn] = (proc, i, time.monotonic() + self.seconds + _GRACE)
                            continue
                        done[i] = message
                        idle.append((proc, conn))
                    except (EOFError, OSError):
                        proc.join(1)
                        done[i] = ([], [_crashed(jobs[i][1], proc.exitcode)])
                        idle.append(self._start())
                now = time.monotonic()
                for conn, (proc, i, deadline) in list(busy.items()):
                    if now > deadline:
                        proc.kill()
                        proc.join(5)
                        del busy[conn]
                        done[i] = ([], [_timeout(jobs[i][1], self.seconds, self.seconds + _GRACE)])
                        idle.append(self._start())
                while emitted in done:
                    yield done.pop(emitted)
                    emitted += 1
        finally:
            for _proc, conn in idle:
                with contextlib.suppress(OSError):
                    conn.send(None)
            for proc, _, _ in busy.values():
                proc.kill()
            for proc, _ in idle:
                proc.join(5)
                if proc.is_alive():
                    proc.kill()


def _crashed(doc: Document, exitcode: int | None) -> QuarantineRecord:
    how = f"killed by signal {-exitcode}" if exitcode and exitcode < 0 else f"exit code {exitcode}"
    return _problem(doc, "extraction_crashed", f"the extraction worker died on this document ({how}); run goes on")
