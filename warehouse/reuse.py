"""Stage results kept for reuse, so a backfill recomputes only what changed (issue 10).

A stage's result for one input (a document's extraction, the model's entities in one text) is
stored in `stage_results` under a key made of that input and a fingerprint of the code that
computed it: the source of the newsmon modules the stage runs, found by following their
imports, and the versions of every installed distribution. Change a rule of the stage, or
upgrade a library, and the key changes, so the stage runs again; change a later stage only
(stories, events) and the key stays, so a backfill reads the result instead of recomputing it.

Results are written in the run's own transaction (the writer's private copy), so a killed run
leaves none behind, and one row per stage and item is kept: the table grows with the archive,
not with the number of runs.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
import zlib
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from warehouse import db

ROOT = Path(__file__).resolve().parents[1]  # the folder that holds newsmon's packages
_PACKAGES = ("transforms", "flows", "newsmon", "warehouse", "expectations")


@cache
def code_fingerprint(*modules: str) -> str:
    """sha256 of the installed distributions' versions and the source of `modules` and what they import of ours."""
    digest = hashlib.sha256()
    for line in installed_distributions():
        digest.update(line.encode() + b"\n")
    for path in module_files(modules):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def installed_distributions() -> list[str]:
    """`name-version.dist-info` of every installed distribution, from the folder names alone.

    Reading each one's metadata (importlib.metadata) costs ~0.6 s of CPU for the ~350 of a venv;
    the folder name already holds the normalised name and the version.
    """
    names = set()
    for entry in sys.path:
        folder = Path(entry or ".")
        if not folder.is_dir():
            continue
        with os.scandir(folder) as it:
            names.update(e.name for e in it if e.name.endswith((".dist-info", ".egg-info")))
    return sorted(names)


def module_files(modules: Iterable[str]) -> list[Path]:
    """Source files of `modules` and of every newsmon module they import, directly or not."""
    found: dict[str, Path | None] = {}
    todo = list(modules)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        path = found[name] = _source_file(name)
        if path is None:
            continue
        for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            else:
                continue
            todo += [n for n in names if n.split(".")[0] in _PACKAGES]
    return sorted({path for path in found.values() if path is not None})


def _source_file(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None  # a name imported from a module, not a module


def result_key(fingerprint: str, *inputs: str) -> str:
    """The key of one result: the code fingerprint and the inputs it was computed from."""
    digest = hashlib.sha256(fingerprint.encode())
    for part in inputs:
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


def stored_results(conn: duckdb.DuckDBPyConnection, stage: str, keys: Mapping[str, str]) -> dict[str, Any]:
    """The stored results (decoded JSON) of the items in `keys` (item_id -> key) whose key still matches."""
    if not keys:
        return {}
    rows = db.query(conn, "stage_results_of", stage=stage, ids=list(keys))
    return {
        row["item_id"]: json.loads(zlib.decompress(row["result"]))
        for row in rows
        if keys.get(row["item_id"]) == row["result_key"]
    }


def store_results(conn: duckdb.DuckDBPyConnection, stage: str, results: Iterable[tuple[str, str, Any]]) -> int:
    """Keep (item_id, key, JSON-able result) rows, replacing an item's older result; the number kept."""
    frame = pd.DataFrame(
        [
            {"stage": stage, "item_id": item, "result_key": key, "result": zlib.compress(_json(value), 6)}
            for item, key, value in results
        ],
        columns=["stage", "item_id", "result_key", "result"],
    )
    if frame.empty:
        return 0
    conn.register("_stage_results", frame)
    try:
        # Delete-then-insert: (stage, item_id) is the key, kept here, not by an index (schema 095).
        conn.execute(
            "delete from stage_results where stage = ? and item_id in (select item_id from _stage_results)", [stage]
        )
        conn.execute("insert into stage_results select stage, item_id, result_key, result from _stage_results")
    finally:
        conn.unregister("_stage_results")
    return len(frame)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
