"""The validation results store behind the data docs: each stored result is parsed at most once per process.

Data docs' index page lists every stored validation result, and it is rebuilt after each
validation by reading and parsing every result file again (a few ms each): a cost that
grew with the warehouse's history, six times per day processed. A result is written once
under a key that holds its run time and never changed, so a parsed result is kept.

Imported by Great Expectations (by name, from the store config in `expectations.runner`),
never at import time of `expectations`, so it may import Great Expectations itself.
"""

from __future__ import annotations

from typing import Any

from great_expectations.data_context.store import ValidationResultsStore


class WriteOnceResultsStore(ValidationResultsStore):
    """A ValidationResultsStore that keeps what it has read (results are write-once)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._parsed: dict[tuple, Any] = {}

    def get(self, key: Any) -> Any:
        """The stored result under `key`, parsed on first use."""
        if not hasattr(key, "to_tuple"):  # the store backend id and other non-result keys
            return super().get(key)
        name = key.to_tuple()
        if name not in self._parsed:
            result = super().get(key)
            if result is None:  # not stored (yet): nothing to keep
                return None
            self._parsed[name] = result
        return self._parsed[name]

    def set(self, key: Any, value: Any, **kwargs: Any) -> Any:
        """Store a result (forgetting any parsed copy under the same key)."""
        if hasattr(key, "to_tuple"):
            self._parsed.pop(key.to_tuple(), None)
        return super().set(key, value, **kwargs)

    def remove_key(self, key: Any) -> Any:
        """Remove a result (and its parsed copy)."""
        if hasattr(key, "to_tuple"):
            self._parsed.pop(key.to_tuple(), None)
        return super().remove_key(key)
