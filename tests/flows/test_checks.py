"""Validations reused when nothing they read changed (flows/checks.py): real GE, a real DuckDB file.

Whether the suite ran is read off GE's own results store (one file per validation it ran).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from flows.checks import checked, frame_digest
from warehouse import db

DAY = date(2026, 3, 2)


def _documents(size: int = 120) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["a" * 64, "b" * 64, "not-a-sha"],
            "file_name": ["a.html", "b.txt", "c.txt"],
            "size_bytes": [size, 80, 90],
            "media_type": ["html", "text", "binary"],
            "encoding": ["utf-8", None, None],
            "day": [DAY] * 3,
        }
    )


def _validations_run(docs: Path) -> int:
    return sum(1 for path in (docs / "_results").rglob("*.json"))


@pytest.fixture
def conn(tmp_path: Path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    db.apply_schema(con)
    yield con
    con.close()


def test_the_same_frame_of_the_same_day_is_validated_once(conn, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    first = checked(conn, "documents", _documents(), "doc_id", docs_dir=docs, run_name=str(DAY))
    assert {f.key for f in first.failures} == {"not-a-sha"}
    ran = _validations_run(docs)
    assert ran == 1

    again = checked(conn, "documents", _documents(), "doc_id", docs_dir=docs, run_name=str(DAY))
    assert _validations_run(docs) == ran  # read back, not run
    assert again.model_dump() == first.model_dump()
    assert conn.execute("select count(*) from stage_results where stage = 'validation'").fetchone() == (1,)


@pytest.mark.parametrize(
    "change",
    [
        {"frame": _documents(size=6_000_000)},  # one value: now over the default max_bytes
        {"params": {"max_bytes": 100}},  # a parameter
        {"key": "file_name"},  # the key column
    ],
    ids=["one value", "a parameter", "the key column"],
)
def test_any_change_to_what_is_validated_runs_the_suite_again(conn, tmp_path: Path, change: dict) -> None:
    docs = tmp_path / "docs"
    first = checked(conn, "documents", _documents(), "doc_id", docs_dir=docs, run_name=str(DAY))

    def changed():
        return checked(
            conn,
            "documents",
            change.get("frame", _documents()),
            change.get("key", "doc_id"),
            params=change.get("params"),
            docs_dir=docs,
            run_name=str(DAY),
        )

    second = changed()
    assert _validations_run(docs) == 2
    assert second.model_dump() != first.model_dump()
    if "key" in change:
        assert {f.key for f in second.failures} == {"c.txt"}  # rows named by the new key
    else:
        assert [f.key for f in second.failures if f.column == "size_bytes"] == ["a" * 64]
    # the newer outcome replaced the older under the day's name, and is itself reused
    third = changed()
    assert _validations_run(docs) == 2 and third.model_dump() == second.model_dump()
    assert conn.execute("select count(*) from stage_results where stage = 'validation'").fetchone() == (1,)


def test_a_killed_run_leaves_no_stored_outcome(tmp_path: Path) -> None:
    """Outcomes are written in the run's transaction: a run that does not commit keeps none."""
    path = tmp_path / "w.duckdb"
    with db.writer(path):
        pass
    with pytest.raises(RuntimeError), db.writer(path) as conn:
        checked(conn, "documents", _documents(), "doc_id", run_name=str(DAY))
        raise RuntimeError("killed")
    reader = db.reader(path)
    try:
        assert reader.execute("select count(*) from stage_results").fetchone() == (0,)
    finally:
        reader.close()


def test_the_digest_sees_types_order_and_exact_values() -> None:
    base = pd.DataFrame({"x": [0.1, 0.2], "s": ["a", "b"], "l": [[1], [2]]})
    assert frame_digest(base) == frame_digest(base.copy())
    assert frame_digest(base) != frame_digest(base.assign(x=[0.1, 0.2 + 1e-16 * 2]))
    assert frame_digest(base) != frame_digest(base.assign(s=["b", "a"]))
    assert frame_digest(base) != frame_digest(base.assign(l=[[1], ["2"]]))
    assert frame_digest(base) != frame_digest(base.astype({"x": "float32"}))
    assert frame_digest(base) != frame_digest(base.rename(columns={"s": "t"}))


def test_a_deleted_docs_folder_is_made_again(conn, tmp_path: Path) -> None:
    import shutil

    from expectations import docs_batch

    docs = tmp_path / "docs"
    with docs_batch():
        checked(conn, "documents", _documents(), "doc_id", docs_dir=docs, run_name=str(DAY))
    assert (docs / "index.html").is_file()
    shutil.rmtree(docs)
    with docs_batch():
        checked(conn, "documents", _documents(), "doc_id", docs_dir=docs, run_name=str(DAY))
    assert _validations_run(docs) == 1 and (docs / "index.html").is_file()
