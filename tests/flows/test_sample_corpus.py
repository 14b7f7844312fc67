"""The bundled sample (what `make demo` runs) against samples/expected.json, through the
real daily flow. Needs nothing outside the repository."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples"
REASON_WORDS = {
    "empty": ("'empty'", "size_bytes is 0"),
    "binary": ("binary",),
    "no_article": ("text is", "word_count is"),
    "language": ("language",),
    "duplicate": ("same bytes as",),
}


# On one xdist worker with the other users of the session's sample runs (tests/conftest.py).
pytestmark = pytest.mark.xdist_group("sample_runs")


def _fold(s: str | None) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s or "")).strip()


@pytest.fixture(scope="module")
def sample_run(sample_days_run):
    """The three sample days, run once per session (tests/flows/conftest.py); (warehouse, summaries)."""
    return sample_days_run


@pytest.fixture(scope="module")
def expected() -> dict:
    return json.loads((SAMPLE / "expected.json").read_text())


def _articles(warehouse: Path) -> dict[str, dict]:
    con = duckdb.connect(str(warehouse / "newsmon.duckdb"), read_only=True)
    cur = con.execute("select d.source_path, a.* from articles a join documents d using (doc_id)")
    cols = [c[0] for c in cur.description]
    out = {}
    for row in cur.fetchall():
        rec = dict(zip(cols, row, strict=True))
        suffix = ":" + rec["article_id"].split(":")[1] if ":" in rec["article_id"] else ""
        out[rec["source_path"] + suffix] = rec
    con.close()
    return out


@pytest.mark.slow
def test_daily_counts_match(sample_run, expected):
    _, summaries = sample_run
    for day, want in expected["days"].items():
        s = summaries[day]
        assert (s.totals.articles, s.totals.quarantined) == (want["articles"], want["quarantined"]), (
            day,
            s.quarantined_by_reason,
        )


@pytest.mark.slow
def test_articles_match_expected(sample_run, expected):
    warehouse, _ = sample_run
    got = _articles(warehouse)
    problems = []
    for key, want in expected["articles"].items():
        if key not in got:
            problems.append(f"{key}: missing")
            continue
        a = got[key]
        text = _fold(a["text"])
        if want.get("title") is not None and _fold(a["title"]) != _fold(want["title"]):
            problems.append(f"{key}: title {a['title']!r}")
        if want.get("published_date") and a["published_at"].date().isoformat() != want["published_date"]:
            problems.append(f"{key}: published {a['published_at']} ({a['published_provenance']})")
        if want.get("source") and a["source"] != want["source"]:
            problems.append(f"{key}: source {a['source']!r}")
        if want.get("author") and _fold(want["author"]) not in _fold(a["author"]):
            problems.append(f"{key}: author {a['author']!r}")
        problems += [f"{key}: lost {s!r}" for s in want.get("must_contain", []) if _fold(s) not in text]
        problems += [f"{key}: kept {s!r}" for s in want.get("must_not_contain", []) if s and _fold(s) in text]
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_bad_sample_files_are_quarantined_with_their_reason(sample_run, expected):
    warehouse, _ = sample_run
    con = duckdb.connect(str(warehouse / "newsmon.duckdb"), read_only=True)
    rows = con.execute(
        "select f.source_path, q.reason from quarantine q join inbox_files f on q.doc_id = f.doc_id"
        " where q.stage <> 'load' or q.item_id like '%' || f.source_path"
    ).fetchall()
    con.close()
    reasons: dict[str, list[str]] = {}
    for path, reason in rows:
        reasons.setdefault(path, []).append(reason)
    for path, kind in expected["quarantined"].items():
        assert path in reasons, f"{path} not quarantined"
        assert any(w in r for r in reasons[path] for w in REASON_WORDS[kind]), (path, reasons[path])


@pytest.mark.slow
def test_data_docs_and_reports_are_written(sample_run):
    warehouse, summaries = sample_run
    assert (warehouse / "data_docs" / "index.html").exists()
    for day in summaries:
        md = (warehouse / "reports" / f"{day}.md").read_text()
        assert f"daily summary for {day}" in md
        html = (warehouse / "reports" / f"{day}.html").read_text()
        assert "<svg" in html and "http://" not in html.split("</head>")[0]
    assert (warehouse / "reports" / "index.html").exists()
