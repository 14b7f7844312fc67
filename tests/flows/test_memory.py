"""Memory handed back between a day's stages (flows/memory.py): garbage collected, glibc's heap
trimmed where there is glibc, and the daily stages doing it after each stage (after settling
the stage's rows: tests/warehouse/test_settle.py)."""

from __future__ import annotations

import gc
import platform
import weakref
from datetime import date

import pytest
from pydantic import BaseModel

from flows import memory


class _Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def no_auto_gc():
    """Garbage is collected only when the code under test collects it."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.fixture
def fresh_trim():
    """`_malloc_trim` looked up again (it is cached) for the test, and after it."""
    memory._malloc_trim.cache_clear()
    yield
    memory._malloc_trim.cache_clear()


def test_release_collects_reference_cycles(no_auto_gc) -> None:
    cycle = _Cycle()
    gone = weakref.ref(cycle)
    del cycle
    assert gone() is not None  # only a collection frees a cycle
    memory.release_memory()
    assert gone() is None


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_release_trims_the_heap_under_glibc(fresh_trim) -> None:
    assert memory._malloc_trim() is not None
    assert memory.release_memory() is True


def test_without_malloc_trim_release_only_collects(fresh_trim, no_auto_gc, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory.ctypes.util, "find_library", lambda _name: None)
    cycle = _Cycle()
    gone = weakref.ref(cycle)
    del cycle
    assert memory.release_memory() is False
    assert gone() is None


def test_a_libc_without_malloc_trim_is_no_trim(fresh_trim, monkeypatch: pytest.MonkeyPatch) -> None:
    class Libc:  # musl or macOS: a C library, no malloc_trim
        pass

    monkeypatch.setattr(memory.ctypes, "CDLL", lambda _name: Libc())
    assert memory._malloc_trim() is None
    assert memory.release_memory() is False


def test_day_stages_settle_and_release_memory_before_and_after_every_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.daily as daily

    class Report(BaseModel):
        n: int = 0

    calls: list[str] = []

    def stage(name: str):
        def run(*_args):
            calls.append(name)
            return Report()

        return run

    for name in ("process_day", "entities_stage", "stories_stage", "events_stage"):
        monkeypatch.setattr(daily, name, stage(name))
    monkeypatch.setattr(daily, "_unify_source_names", lambda _conn: calls.append("unify"))
    monkeypatch.setattr(daily, "release_memory", lambda: calls.append("release"))
    monkeypatch.setattr(daily.db, "settle", lambda _conn: calls.append("settle"))
    daily._day_stages(None, None, date(2026, 6, 1))
    between = ["settle", "release"]  # the stage's rows committed to the private copy, then the heap trimmed
    assert calls == [
        *between,
        "process_day",
        "unify",
        *between,
        "entities_stage",
        *between,
        "stories_stage",
        *between,
        "events_stage",
        *between,
    ]
