"""Backfills reuse what did not change (warehouse/reuse.py): real Prefect, DuckDB and GE."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from transforms.entities import _pipeline
from warehouse import reuse

SAMPLE_INBOX = Path(__file__).resolve().parents[2] / "samples" / "inbox"
DAY = date(2026, 3, 2)
TABLES = ["articles", "quarantine", "entity_mentions", "stories", "events"]


# On one xdist worker with the other users of the session's sample runs (tests/conftest.py).
pytestmark = pytest.mark.xdist_group("sample_runs")


def _state(database: Path) -> tuple[dict[str, list[tuple]], list[dict]]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        tables = {t: con.execute(f"select * from {t} order by all").fetchall() for t in TABLES}
        runs = [json.loads(c) for (c,) in con.execute("select counts from runs order by started_at").fetchall()]
        return tables, runs
    finally:
        con.close()


def test_a_rerun_and_a_backfill_reuse_every_extraction_and_change_nothing(
    prefect_harness, sample_first_day_run, warehouse_dir
) -> None:
    from flows.daily import backfill, daily

    # The first run of DAY on the sample inbox (tests/flows/conftest.py), copied: the re-runs write to the copy.
    first_run, first_summary = sample_first_day_run
    assert first_summary.day == DAY
    shutil.copytree(first_run, warehouse_dir)
    database = warehouse_dir / "newsmon.duckdb"
    first, runs = _state(database)
    assert runs[-1]["process"]["reused"] == 0
    with duckdb.connect(str(database), read_only=True) as con:
        (extracted,) = con.execute("select count(*) from stage_results where stage = 'extract'").fetchone()
        (read,) = con.execute("select count(*) from stage_results where stage = 'ner'").fetchone()
        (dated,) = con.execute("select count(*) from stage_results where stage = 'dates'").fetchone()
    assert dated > 0
    assert runs[-1]["entities"]["reused"] == 0

    suites = {"documents", "articles", "entities", "entity_mentions", "stories", "events"}
    with duckdb.connect(str(database), read_only=True) as con:
        validated = con.execute("select item_id from stage_results where stage = 'validation'").fetchall()
    assert {item.split("@")[0] for (item,) in validated} == suites
    results = warehouse_dir / "data_docs" / "_results"
    ran = sorted(results.rglob("*.json"))
    assert len(ran) >= len(suites)

    daily(day=DAY, inbox=str(SAMPLE_INBOX))
    again, runs = _state(database)
    assert again == first
    assert sorted(results.rglob("*.json")) == ran  # every validation's outcome was read back, none run
    assert runs[-1]["process"]["reused"] == extracted > 0
    assert runs[-1]["entities"]["reused"] == read > 0

    loads = _pipeline.cache_info()
    backfill(start=DAY, end=DAY)
    after, runs = _state(database)
    assert after == first
    assert runs[-1]["days"][DAY.isoformat()]["process"]["reused"] == extracted
    assert runs[-1]["days"][DAY.isoformat()]["entities"]["reused"] == read
    assert _pipeline.cache_info()[:2] == loads[:2]  # the spaCy model was not asked for


def test_a_stored_result_is_used_only_under_its_own_key(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    from warehouse import db

    db.apply_schema(con)
    assert reuse.store_results(con, "extract", [("doc-a", "k1", {"articles": ["é"]}), ("doc-b", "k1", {"x": 1})]) == 2
    assert reuse.stored_results(con, "extract", {"doc-a": "k1", "doc-b": "k2", "doc-c": "k1"}) == {
        "doc-a": {"articles": ["é"]}
    }
    reuse.store_results(con, "extract", [("doc-a", "k3", {"articles": []})])  # a newer result replaces the older
    assert con.execute("select count(*) from stage_results").fetchone() == (2,)
    assert reuse.stored_results(con, "extract", {"doc-a": "k3"}) == {"doc-a": {"articles": []}}
    assert reuse.stored_results(con, "ner", {"doc-a": "k3"}) == {}


def test_the_extraction_key_follows_the_extraction_code_and_not_later_stages() -> None:
    """A change to extraction's rules changes its key; a change to stories or events does not."""
    files = {p.relative_to(reuse.ROOT).as_posix() for p in reuse.module_files(["flows.extraction"])}
    assert {"flows/extraction.py", "transforms/articles.py", "transforms/html_extract.py", "newsmon/models.py"} <= files
    assert not files & {"transforms/stories.py", "transforms/events.py", "flows/stories.py", "flows/daily.py"}
    assert any(name.startswith("trafilatura-") for name in reuse.installed_distributions())
    a, b = reuse.result_key("fp", "doc", "lines"), reuse.result_key("fp", "doc", "lines2")
    assert a != b and a == reuse.result_key("fp", "doc", "lines") != reuse.result_key("fp2", "doc", "lines")
