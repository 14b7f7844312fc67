"""Great Expectations validations, reused when nothing they read has changed (issue 10).

A validation's outcome is a function of the suite (its JSON file), the parameter values, the
frame's content and the code that runs it (Great Expectations' version and ours). `checked`
keys each validation by all of these and keeps its outcome in `stage_results` (stage
`validation`, one row per suite and run name, so the table grows with the days, not with the
runs); a later run that validates the same frame of the same day with the same suite reads
the outcome back instead of validating again. A backfill after a change to stories or events
thus validates the earlier stages' unchanged frames not at all, and a run that reuses every
validation does not import Great Expectations. Any difference in what is validated (one
character of one article, a parameter, a suite edit, a library upgrade) changes the key, and
the suite runs.

The data docs show each validation when it ran; a reused one keeps the page of the run that
made it. Where the docs folder is gone (deleted to save space, or a warehouse copied without
it), validations run again, so their pages are made again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from expectations import Validation, suite_path, validate_frame
from warehouse import reuse

STAGE = "validation"


def checked(
    conn: duckdb.DuckDBPyConnection | None,
    suite: str,
    frame: pd.DataFrame,
    key: str,
    params: dict[str, Any] | None = None,
    docs_dir: Path | None = None,
    run_name: str | None = None,
    part: int = 0,
) -> Validation:
    """`validate_frame(suite, frame, ...)`, or its stored outcome when every input is the same.

    `part` numbers the frames of one suite and run name when a stage validates a day in parts;
    without a connection the suite simply runs.
    """
    index = Path(docs_dir) / "index.html" if docs_dir is not None else None
    item = f"{suite}@{run_name or ''}#{part}"
    result_key = validation_key(suite, frame, key, params, docs_dir) if conn is not None else ""
    # With data docs on, an outcome is reused only where its pages are: a deleted docs folder is made again.
    if conn is not None and (index is None or index.is_file()):
        stored = reuse.stored_results(conn, STAGE, {item: result_key})
        if item in stored:
            return Validation.model_validate(stored[item]).model_copy(update={"docs_index": index})
    outcome = validate_frame(suite, frame, key=key, params=params, docs_dir=docs_dir, run_name=run_name)
    if conn is not None:
        # Without the docs folder's path, which is the warehouse's: the same rows wherever it lies.
        kept = outcome.model_dump(mode="json", exclude={"docs_index"})
        reuse.store_results(conn, STAGE, [(item, result_key, kept)])
    return outcome


def validation_key(
    suite: str, frame: pd.DataFrame, key: str, params: dict[str, Any] | None, docs_dir: Path | None
) -> str:
    """The key of one validation: code, suite, parameters, key column, data docs on or off, the frame's content.

    The docs folder's path is left out: it lies in the warehouse folder, and moves with it.
    """
    return reuse.result_key(
        reuse.code_fingerprint("expectations.runner"),
        suite_path(suite).read_text(encoding="utf-8"),
        key,
        repr(sorted((params or {}).items())),
        "docs" if docs_dir is not None else "",
        frame_digest(frame),
    )


def frame_digest(frame: pd.DataFrame) -> str:
    """sha256 of a frame's column names, types and values, in order (exact for floats and text)."""
    digest = hashlib.sha256(repr((list(frame.columns), [str(t) for t in frame.dtypes], len(frame))).encode())
    for name in frame.columns:
        column = frame[name]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            # Text, lists, dicts, mixed: repr is exact (floats included) and keeps the types apart.
            digest.update("\x1f".join(map(repr, column.tolist())).encode("utf-8", "surrogatepass"))
        else:
            digest.update(pd.util.hash_pandas_object(column, index=False).to_numpy().tobytes())
        digest.update(b"\x1e")
    return digest.hexdigest()
