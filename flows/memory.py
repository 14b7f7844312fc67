"""Memory handed back to the system between a day's stages (issue 10, item 5: a 10k-document day
in <= 1.5 GB).

glibc's malloc keeps what a stage freed (its frames, texts, spaCy docs, DuckDB's result
buffers) in the process's heap for reuse; what the next stage does not reuse stays in the
process's RSS under every later stage. Elsewhere (musl, macOS) there is no `malloc_trim`;
freeing is then the allocator's business and `release_memory` only collects garbage.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, or None where the C library has none."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def release_memory() -> bool:
    """Collect garbage (reference cycles of a stage's objects), then return the heap's free pages
    to the system; whether a trim was possible."""
    gc.collect()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
