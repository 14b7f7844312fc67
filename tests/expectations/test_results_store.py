"""The data docs' results store (real Great Expectations, real files): each result is parsed once."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd
import pytest

from expectations import runner, validate_frame


@pytest.fixture
def store(tmp_path: Path):
    """The results store of a fresh context, holding two stored validations."""
    saved = dict(runner._CONTEXTS)
    runner._CONTEXTS.clear()
    frame = pd.DataFrame(
        [
            {
                "doc_id": hashlib.sha256(b"store").hexdigest(),
                "file_name": "a.txt",
                "size_bytes": 10,
                "media_type": "text",
                "encoding": "utf-8",
                "day": dt.date(2024, 6, 1),
            }
        ]
    )
    docs = tmp_path / "data_docs"
    for day in ("2024-06-01", "2024-06-02"):
        validate_frame("documents", frame, "doc_id", None, docs, day)
    yield runner._context(docs).context.validation_results_store
    runner._CONTEXTS.clear()
    runner._CONTEXTS.update(saved)


def test_a_result_is_parsed_once(store) -> None:
    keys = sorted(store.list_keys(), key=lambda k: k.to_tuple())
    assert len(keys) == 2
    first = store.get(keys[0])
    assert store.get(keys[0]) is first
    assert first.success
    assert store.get(keys[1]) is not first


def test_storing_again_replaces_the_parsed_copy(store) -> None:
    key = next(iter(store.list_keys()))
    kept = store.get(key)
    store.set(key, kept)
    again = store.get(key)
    assert again is not kept
    assert again.to_json_dict() == kept.to_json_dict()


def test_a_removed_result_is_not_kept(store) -> None:
    from great_expectations.exceptions import InvalidKeyError

    key = next(iter(store.list_keys()))
    assert store.get(key) is not None
    store.remove_key(key)
    with pytest.raises(InvalidKeyError):
        store.get(key)
