"""`newsmon search` and `newsmon export` as a user runs them: output, exit codes, one-line errors.
Skipped until newsmon/cli.py has the two commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from newsmon import cli
from tests.warehouse.articles import ARTICLES, insert_articles
from warehouse import db
from warehouse.search import update_search_index

pytestmark = pytest.mark.skipif(
    not {"search", "export"} <= set(cli._COMMANDS), reason="newsmon/cli.py has no search/export commands yet"
)


def _newsmon(*args: str, env_dir: Path, stdin: str | None = None):
    env = {**os.environ, "NEWSMON_WAREHOUSE_DIR": str(env_dir)}
    return subprocess.run(
        [sys.executable, "-m", "newsmon.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        check=False,
    )


@pytest.fixture(scope="module")
def warehouse_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli_search")
    with db.writer(folder / "newsmon.duckdb") as conn:
        insert_articles(conn, ARTICLES)
        update_search_index(conn)
    return folder


def test_search_prints_ranked_hits_with_highlights(warehouse_dir):
    out = _newsmon("search", "ferry Bilbao", env_dir=warehouse_dir)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("1. Freight **ferry** to **Bilbao**")
    assert "Tidewater Gazette · 2026-03-04" in out.stdout


def test_search_json_has_offsets(warehouse_dir):
    out = _newsmon("search", "strike", "--json", "--limit", "2", "--source", "Coastline Post", env_dir=warehouse_dir)
    hits = json.loads(out.stdout)
    assert [h["article_id"] for h in hits] == ["a2"]
    text = ARTICLES["a2"][3]
    assert {text[s:e].lower() for s, e in hits[0]["highlights"]} == {"strike", "striking"}
    assert text[hits[0]["snippet_start"] : hits[0]["snippet_end"]] == hits[0]["snippet"]


def test_search_with_no_match_says_so_and_succeeds(warehouse_dir):
    out = _newsmon("search", "walkout", env_dir=warehouse_dir)
    assert (out.returncode, out.stdout.strip()) == (0, 'no articles match "walkout"')


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", ""], "empty query"),
        (["search", '"port strike'], "unbalanced quote"),
        (["search", "strike OR ferry"], "boolean operators"),
        (["search", "the"], "too common"),
        (["search", "strike", "--limit", "0"], "--limit must be between"),
        (["search", "strike", "--from", "2026-03-04", "--to", "2026-03-02"], "date range is empty"),
        (["search", "strike", "--from", "March"], "not a date"),
        (["export", "nope", "-o", "x.csv"], "unknown table 'nope'"),
        (["export", "articles", "-o", "x.csv", "--format", "xml"], "unknown format 'xml'"),
        (["export", "articles", "-o", "x.txt"], "cannot tell the format"),
        (["export", "entity_aliases", "-o", "x.csv", "--from", "2026-03-02"], "no day column"),
        (["export", "articles", "-o", "missing/x.csv"], "does not exist"),
    ],
)
def test_mistakes_exit_2_with_one_line(warehouse_dir, tmp_path, args, message):
    out = _newsmon(*[str(tmp_path / a) if a.startswith(("x.", "missing/")) else a for a in args], env_dir=warehouse_dir)
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert message in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_search_without_a_warehouse_or_an_index_fails_clearly(tmp_path):
    missing = _newsmon("search", "strike", env_dir=tmp_path / "none")
    assert missing.returncode == 1 and "newsmon run" in missing.stderr
    with db.writer(tmp_path / "newsmon.duckdb") as conn:
        insert_articles(conn, {"a1": ARTICLES["a1"]})
    unindexed = _newsmon("search", "strike", env_dir=tmp_path)
    assert unindexed.returncode == 1 and "no search index" in unindexed.stderr


def test_export_writes_the_file_and_says_what(warehouse_dir, tmp_path):
    target = tmp_path / "a.parquet"
    out = _newsmon("export", "articles", "--from", "2026-03-03", "-o", str(target), env_dir=warehouse_dir)
    assert out.returncode == 0, out.stderr
    assert "4 rows of articles" in out.stdout
    assert duckdb.sql(f"select count(*) from '{target}'").fetchone()[0] == 4
