"""The stored suites, run by the real Great Expectations on small frames."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from expectations import load_suite, suite_parameters, suite_path, validate_frame

DAY = dt.date(2024, 6, 1)
ARTICLE_PARAMS = {"max_published_at": DAY + dt.timedelta(days=2)}
ROOT = Path(__file__).resolve().parents[2]


def _doc_id(n: int) -> str:
    return hashlib.sha256(str(n).encode()).hexdigest()


def _document(n: int, **changes: Any) -> dict[str, Any]:
    row = {
        "doc_id": _doc_id(n),
        "file_name": f"doc{n}.html",
        "size_bytes": 2_000,
        "media_type": "html",
        "encoding": "utf-8",
        "day": DAY,
    }
    return {**row, **changes}


def _article(n: int, **changes: Any) -> dict[str, Any]:
    text = " ".join(["word"] * 60)
    row = {
        "article_id": f"{_doc_id(n)}:{n}",
        "doc_id": _doc_id(n),
        "day": DAY,
        "title": f"Headline {n}",
        "text": text,
        "text_chars": len(text),
        "word_count": 60,
        "language": "en",
        "source": "example.org",
        "url": f"https://example.org/{n}",
        "published_at": dt.datetime(2024, 5, 31, 8, 30, tzinfo=dt.UTC),
        "published_provenance": "html_metadata",
    }
    return {**row, **changes}


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def _failures_of(validation, key: Any) -> set[tuple[str, str | None]]:
    return {(f.expectation, f.column) for f in validation.failures if f.key == key}


@pytest.mark.parametrize("name", ["documents", "articles"])
def test_suites_load_from_their_json_files(name: str) -> None:
    stored = json.loads(suite_path(name).read_text(encoding="utf-8"))
    suite = load_suite(name)
    assert suite.name == name
    assert [e.expectation_type for e in suite.expectations] == [e["type"] for e in stored["expectations"]]


def test_parameter_defaults_come_from_the_suite_meta() -> None:
    assert suite_parameters("documents") == {"max_bytes": 5 * 1024 * 1024}
    assert suite_parameters("articles")["min_chars"] == 200
    assert suite_parameters("articles")["languages"] == ["en"]


@pytest.mark.parametrize(
    ("suite", "rows", "key", "params"),
    [
        ("documents", [_document(i) for i in range(3)], "doc_id", None),
        ("articles", [_article(i) for i in range(3)], "article_id", ARTICLE_PARAMS),
    ],
)
def test_clean_frame_passes(suite: str, rows: list[dict], key: str, params: dict | None) -> None:
    validation = validate_frame(suite, _frame(rows), key, params)
    assert validation.success, validation.failures + validation.table_failures
    assert validation.failures == []
    assert validation.failed_keys == []
    assert validation.statistics["evaluated_expectations"] == len(load_suite(suite).expectations)


@pytest.mark.parametrize(
    ("changes", "expectation", "column"),
    [
        ({"doc_id": "ABC"}, "expect_column_values_to_match_regex", "doc_id"),
        ({"doc_id": "g" * 64}, "expect_column_values_to_match_regex", "doc_id"),
        ({"size_bytes": 0}, "expect_column_values_to_be_between", "size_bytes"),
        ({"size_bytes": 6 * 1024 * 1024}, "expect_column_values_to_be_between", "size_bytes"),
        ({"media_type": "binary"}, "expect_column_values_to_be_in_set", "media_type"),
        ({"media_type": "empty"}, "expect_column_values_to_be_in_set", "media_type"),
        ({"media_type": "unknown"}, "expect_column_values_to_be_in_set", "media_type"),
    ],
)
def test_bad_document_row_is_quarantined(changes: dict, expectation: str, column: str) -> None:
    bad = _document(99, **changes)
    validation = validate_frame("documents", _frame([_document(1), bad, _document(2)]), "doc_id")
    assert not validation.success
    assert validation.failed_keys == [bad["doc_id"]]
    assert (expectation, column) in _failures_of(validation, bad["doc_id"])


@pytest.mark.parametrize(
    ("changes", "expectation", "column"),
    [
        ({"text": None}, "expect_column_values_to_not_be_null", "text"),
        ({"text": "too short"}, "expect_column_value_lengths_to_be_between", "text"),
        ({"word_count": 39}, "expect_column_values_to_be_between", "word_count"),
        ({"language": "fr"}, "expect_column_values_to_be_in_set", "language"),
        ({"title": "x" * 301}, "expect_column_value_lengths_to_be_between", "title"),
        ({"url": "ftp://example.org/a"}, "expect_column_values_to_match_regex", "url"),
        ({"url": "example.org/a"}, "expect_column_values_to_match_regex", "url"),
        (
            {"published_at": dt.datetime(1989, 12, 31, tzinfo=dt.UTC)},
            "expect_column_values_to_be_between",
            "published_at",
        ),
        (
            {"published_at": dt.datetime(2024, 6, 3, 0, 1, tzinfo=dt.UTC)},
            "expect_column_values_to_be_between",
            "published_at",
        ),
        (
            {"published_provenance": "guess"},
            "expect_column_values_to_be_in_set",
            "published_provenance",
        ),
        (
            {"published_provenance": None},
            "expect_column_values_to_not_be_null",
            "published_provenance",
        ),
        ({"source": None}, "expect_column_values_to_not_be_null", "source"),
    ],
)
def test_bad_article_row_is_quarantined(changes: dict, expectation: str, column: str) -> None:
    bad = _article(99, **changes)
    frame = _frame([_article(1), bad, _article(2)])
    validation = validate_frame("articles", frame, "article_id", ARTICLE_PARAMS)
    assert not validation.success
    assert validation.failed_keys == [bad["article_id"]]
    assert (expectation, column) in _failures_of(validation, bad["article_id"])
    assert validation.table_failures == []


@pytest.mark.parametrize(
    "changes",
    [{"title": None}, {"url": None}, {"language": None}, {"title": "x" * 300}],
)
def test_absent_optional_values_pass(changes: dict) -> None:
    frame = _frame([_article(1, **changes)])
    assert validate_frame("articles", frame, "article_id", ARTICLE_PARAMS).success


def test_duplicate_key_quarantines_every_copy() -> None:
    frame = _frame([_article(1), _article(2), _article(1)])
    validation = validate_frame("articles", frame, "article_id", ARTICLE_PARAMS)
    duplicates = [f for f in validation.failures if f.expectation.endswith("_unique")]
    assert [f.key for f in duplicates] == [_article(1)["article_id"]] * 2


def test_row_failing_several_expectations_gets_several_failures() -> None:
    bad = _article(7, text="short", word_count=1, language="fr", source=None)
    validation = validate_frame("articles", _frame([bad]), "article_id", ARTICLE_PARAMS)
    assert _failures_of(validation, bad["article_id"]) == {
        ("expect_column_value_lengths_to_be_between", "text"),
        ("expect_column_values_to_be_between", "word_count"),
        ("expect_column_values_to_be_in_set", "language"),
        ("expect_column_values_to_not_be_null", "source"),
    }


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (
            {"text": "x" * 35},
            "text is 35 characters long; at least 200 are required (expect_column_value_lengths_to_be_between)",
        ),
        (
            {"language": "fr"},
            "language 'fr' is not one of ['en'] (expect_column_values_to_be_in_set)",
        ),
        (
            {"word_count": 12},
            "word_count is 12; it must be at least 40 (expect_column_values_to_be_between)",
        ),
        ({"source": None}, "source is missing (expect_column_values_to_not_be_null)"),
    ],
)
def test_reasons_are_readable(changes: dict, reason: str) -> None:
    validation = validate_frame("articles", _frame([_article(1, **changes)]), "article_id", ARTICLE_PARAMS)
    assert [f.reason for f in validation.failures] == [reason]


def test_parameters_override_the_suite_defaults() -> None:
    frame = _frame([_article(1, language="fr", text="x" * 120)])
    strict = validate_frame("articles", frame, "article_id", ARTICLE_PARAMS)
    assert len(strict.failures) == 2
    relaxed = {**ARTICLE_PARAMS, "languages": ["en", "fr"], "min_chars": 100}
    assert validate_frame("articles", frame, "article_id", relaxed).success


def test_missing_run_parameter_is_an_error() -> None:
    with pytest.raises(ValueError, match="max_published_at"):
        validate_frame("articles", _frame([_article(1)]), "article_id")


def test_naive_datetimes_are_taken_as_utc() -> None:
    frame = _frame([_article(1), _article(2)])
    frame["published_at"] = pd.to_datetime(["2024-05-31 08:30", "1980-01-01 00:00"])  # naive
    validation = validate_frame("articles", frame, "article_id", ARTICLE_PARAMS)
    assert validation.failed_keys == [_article(2)["article_id"]]


def test_missing_column_is_a_table_failure() -> None:
    frame = _frame([_article(1)]).drop(columns=["source"])
    validation = validate_frame("articles", frame, "article_id", ARTICLE_PARAMS)
    assert not validation.success
    assert validation.failures == []
    kinds = {(f.expectation, f.column) for f in validation.table_failures}
    assert ("expect_table_columns_to_match_set", None) in kinds
    assert ("expect_column_values_to_not_be_null", "source") in kinds
    assert any("['source']" in f.reason for f in validation.table_failures)


def test_data_docs_index_is_written(tmp_path: Path) -> None:
    docs = tmp_path / "data_docs"
    frame = _frame([_article(1), _article(2, language="fr")])
    validation = validate_frame("articles", frame, "article_id", ARTICLE_PARAMS, docs, "2024-06-01")
    assert validation.docs_index == docs.resolve() / "index.html"
    assert validation.docs_index.is_file()
    pages = list((docs / "validations" / "articles").rglob("*.html"))
    assert len(pages) == 1
    assert "2024-06-01" in str(pages[0])
    assert "language" in pages[0].read_text()
    validate_frame("documents", _frame([_document(1)]), "doc_id", None, docs, "2024-06-01")
    assert len(list((docs / "validations").rglob("*.html"))) == 2


def test_5000_row_frame_validates() -> None:
    rows = [
        _article(i, word_count=10) if i % 10 == 0 else _article(i, language="de" if i % 7 == 0 else "en")
        for i in range(5_000)
    ]
    frame = _frame(rows)
    start = time.perf_counter()
    validation = validate_frame("articles", frame, "article_id", ARTICLE_PARAMS)
    print(f"\n5,000-row articles validation: {time.perf_counter() - start:.2f} s")
    expected = {r["article_id"] for r in rows if r["word_count"] < 40 or r["language"] != "en"}
    assert set(validation.failed_keys) == expected


def test_importing_the_package_does_not_import_great_expectations() -> None:
    code = "import sys, expectations; print('great_expectations' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_mixed_offsets_and_naive_datetimes_are_compared_in_utc() -> None:
    paris = dt.timezone(dt.timedelta(hours=2))
    rows = [
        _article(1, published_at=dt.datetime(2024, 5, 31, 10, tzinfo=paris)),
        _article(2, published_at=dt.datetime(2024, 5, 31, 10)),
        _article(3, published_at=dt.datetime(2024, 6, 3, 1, 30, tzinfo=paris)),  # 23:30 UTC
        _article(4, published_at=dt.datetime(2024, 6, 3, 3, tzinfo=paris)),  # 01:00 UTC, too late
    ]
    params = {"max_published_at": dt.datetime(2024, 6, 3)}
    validation = validate_frame("articles", _frame(rows), "article_id", params)
    assert validation.table_failures == []
    assert validation.failed_keys == [rows[3]["article_id"]]


@pytest.mark.parametrize(
    ("suite", "columns", "key", "params"),
    [
        ("documents", list(_document(0)), "doc_id", None),
        ("articles", list(_article(0)), "article_id", ARTICLE_PARAMS),
    ],
)
def test_empty_frame_passes(suite: str, columns: list[str], key: str, params: dict | None) -> None:
    validation = validate_frame(suite, pd.DataFrame(columns=columns), key, params)
    assert validation.success, validation.table_failures
