"""Data docs written by the real Great Expectations: every validation has its page, the index
lists every stored validation (those of earlier processes too), and the costly parts are made
once per process."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest

from expectations import docs_batch, runner, validate_frame

DAY = dt.date(2024, 6, 1)
PARAMS = {"max_published_at": DAY + dt.timedelta(days=2)}


def _doc_id(n: int) -> str:
    return hashlib.sha256(f"docs-{n}".encode()).hexdigest()


def _documents(*media_types: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "doc_id": _doc_id(n),
                "file_name": f"doc{n}.txt",
                "size_bytes": 1_000,
                "media_type": media_type,
                "encoding": "utf-8",
                "day": DAY,
            }
            for n, media_type in enumerate(media_types)
        ]
    )


def _articles(*languages: str) -> pd.DataFrame:
    text = " ".join(["harbour"] * 60)
    return pd.DataFrame(
        [
            {
                "article_id": f"{_doc_id(n)}:0",
                "doc_id": _doc_id(n),
                "day": DAY,
                "title": f"Ferry timetable {n}",
                "text": text,
                "text_chars": len(text),
                "word_count": 60,
                "language": language,
                "source": "harbour.example",
                "url": f"https://harbour.example/{n}",
                "published_at": dt.datetime(2024, 5, 31, 9, tzinfo=dt.UTC),
                "published_provenance": "sidecar",
            }
            for n, language in enumerate(languages)
        ]
    )


def _pages(docs: Path, section: str) -> list[str]:
    return sorted(str(p.relative_to(docs)) for p in (docs / section).rglob("*.html"))


def _index_links(docs: Path) -> set[str]:
    """Validation pages the index links to."""
    text = (docs / "index.html").read_text(encoding="utf-8")
    return set(re.findall(r"validations/[^'\"]+?\.html", text))


@pytest.fixture
def fresh_contexts():
    """Each test starts as a new process would: no Data Context made yet."""
    saved = dict(runner._CONTEXTS)
    runner._CONTEXTS.clear()
    yield
    runner._CONTEXTS.clear()
    runner._CONTEXTS.update(saved)


def test_every_validation_has_a_page_and_an_index_entry(tmp_path: Path, fresh_contexts) -> None:
    docs = tmp_path / "data_docs"
    for day in ("2024-06-01", "2024-06-02"):
        validate_frame("documents", _documents("text", "binary"), "doc_id", None, docs, day)
        validate_frame("articles", _articles("en", "fr"), "article_id", PARAMS, docs, day)
    pages = _pages(docs, "validations")
    assert len(pages) == 4
    assert {p.split("/")[1] for p in pages} == {"documents", "articles"}
    assert {p.split("/")[2] for p in pages} == {"2024-06-01", "2024-06-02"}
    assert _index_links(docs) == set(pages)
    assert _pages(docs, "expectations") == ["expectations/articles.html", "expectations/documents.html"]
    assert len(list((docs / runner.RESULTS_SUBDIR).rglob("*.json"))) == 4
    failing = next(p for p in pages if p.startswith("validations/articles"))
    assert "fr" in (docs / failing).read_text(encoding="utf-8")


def test_the_index_keeps_the_validations_of_earlier_processes(tmp_path: Path, fresh_contexts) -> None:
    docs = tmp_path / "data_docs"
    validate_frame("documents", _documents("text"), "doc_id", None, docs, "2024-06-01")
    earlier = _index_links(docs)
    runner._CONTEXTS.clear()  # as in the next day's run: a new process, a new context
    validation = validate_frame("documents", _documents("html"), "doc_id", None, docs, "2024-06-02")
    assert validation.docs_index == docs.resolve() / "index.html"
    links = _index_links(docs)
    assert earlier < links
    assert len(links) == 2


def test_costly_objects_are_made_once_per_docs_folder(tmp_path: Path, fresh_contexts) -> None:
    docs = tmp_path / "data_docs"
    validate_frame("documents", _documents("text"), "doc_id", None, docs, "2024-06-01")
    context = runner._context(docs)
    site, store = context.site, context.context.validation_results_store
    validate_frame("articles", _articles("en"), "article_id", PARAMS, docs, "2024-06-01")
    validate_frame("documents", _documents("html"), "doc_id", None, docs, "2024-06-02")
    assert runner._context(docs) is context
    assert context.site is site
    assert context.context.validation_results_store is store
    assert type(store).__name__ == "WriteOnceResultsStore"


def test_without_a_docs_folder_nothing_is_written(tmp_path: Path, fresh_contexts, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    validation = validate_frame("documents", _documents("text", "binary"), "doc_id")
    assert validation.docs_index is None
    assert validation.failed_keys == [_doc_id(1)]
    assert runner._context(None).site is None
    assert list(tmp_path.iterdir()) == []


def test_a_batch_writes_its_pages_once_at_the_end(tmp_path: Path, fresh_contexts, monkeypatch) -> None:
    """Inside `docs_batch` the pages wait; at its end one site build writes them all and the index."""
    docs = tmp_path / "data_docs"
    builds = []
    with docs_batch():
        for day in ("2024-06-01", "2024-06-02"):
            validate_frame("documents", _documents("text", "binary"), "doc_id", None, docs, day)
            validate_frame("articles", _articles("en", "fr"), "article_id", PARAMS, docs, day)
        site = runner._context(docs).site
        monkeypatch.setattr(site, "build", lambda **kw: builds.append(kw) or type(site).build(site, **kw))
        assert not (docs / "index.html").exists()
        assert len(list((docs / runner.RESULTS_SUBDIR).rglob("*.json"))) == 4  # results are stored at once
    assert len(builds) == 1
    pages = _pages(docs, "validations")
    assert len(pages) == 4
    assert _index_links(docs) == set(pages)


def test_a_failed_batch_still_writes_its_pages(tmp_path: Path, fresh_contexts) -> None:
    docs = tmp_path / "data_docs"
    with pytest.raises(RuntimeError, match="stage failed"), docs_batch():
        validate_frame("documents", _documents("text"), "doc_id", None, docs, "2024-06-01")
        raise RuntimeError("stage failed")
    assert len(_pages(docs, "validations")) == 1
    assert len(_index_links(docs)) == 1
