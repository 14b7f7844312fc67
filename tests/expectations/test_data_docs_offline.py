"""Data docs that open from the folder with no network: real Great Expectations writes them (with the
history that made the user's dead links: a later process that validates fewer suites), then
`make_offline` rewrites them as the runner does after each build. Every page is checked for remote
assets, dead relative links and `$PARAMETER`; then Debian's Chromium opens them from file:// with
every non-file request aborted (skipped cleanly without Chromium or playwright)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest

from expectations import data_docs, runner, suite_parameters, validate_frame
from expectations.data_docs import MARKER, OfflineReport, make_offline

DAY = dt.date(2024, 6, 1)
ARTICLE_PARAMS = {"max_published_at": DAY + dt.timedelta(days=2)}


def _doc_id(n: int) -> str:
    return hashlib.sha256(f"offline-{n}".encode()).hexdigest()


def _documents(*media_types: str) -> pd.DataFrame:
    rows = [
        {"doc_id": _doc_id(n), "file_name": f"doc{n}.txt", "size_bytes": 1_000, "media_type": media_type,
         "encoding": "utf-8", "day": DAY}
        for n, media_type in enumerate(media_types)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _articles(*languages: str) -> pd.DataFrame:
    text = " ".join(["harbour"] * 60)
    rows = [
        {"article_id": f"{_doc_id(n)}:0", "doc_id": _doc_id(n), "day": DAY, "title": f"Ferry timetable {n}",
         "text": text, "text_chars": len(text), "word_count": 60, "language": language,
         "source": "harbour.example", "url": f"https://harbour.example/{n}",
         "published_at": dt.datetime(2024, 5, 31, 9, tzinfo=dt.UTC), "published_provenance": "sidecar"}
        for n, language in enumerate(languages)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _validated(docs: Path, suite: str, frame: pd.DataFrame, key: str, params: dict | None, run: str) -> Any:
    """validate_frame, then make_offline as the runner calls it after each docs build."""
    validation = validate_frame(suite, frame, key, params, docs, run)
    make_offline(docs, {suite: {**suite_parameters(suite), **(params or {})}})
    return validation


class _Refs(HTMLParser):
    """Every src/href of a page, with its tag, and the page's visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [(tag, value) for name, value in attrs if name in ("src", "href") and value is not None]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _pages(docs: Path) -> list[Path]:
    return sorted(p for p in docs.rglob("*.html") if runner.RESULTS_SUBDIR not in p.parts)


def _problems(docs: Path) -> list[str]:
    """Remote assets or links, relative links to nowhere, and `$PARAMETER`, in every page."""
    problems = []
    for page in _pages(docs):
        name = page.relative_to(docs).as_posix()
        text = page.read_text(encoding="utf-8")
        parser = _Refs()
        parser.feed(text)
        for tag, url in parser.refs:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") or url.startswith("//"):
                problems.append(f"{name}: remote {tag} {url}")
            elif (
                url
                and not url.startswith("#")
                and not parts.scheme
                and not (page.parent / unquote(parts.path)).exists()
            ):
                problems.append(f"{name}: dead {tag} {url}")
        if "$PARAMETER" in text:
            problems.append(f"{name}: $PARAMETER")
        if re.search(r"url\((['\"]?)https?://", text):
            problems.append(f"{name}: remote url() in a style")
    return problems


@pytest.fixture
def fresh_contexts():
    """Each test starts as a new process would: no Data Context made yet."""
    saved = dict(runner._CONTEXTS)
    runner._CONTEXTS.clear()
    yield
    runner._CONTEXTS.clear()
    runner._CONTEXTS.update(saved)


@pytest.fixture
def ge_only(monkeypatch, fresh_contexts) -> None:
    """Data docs as Great Expectations alone writes them, whether or not the runner calls make_offline
    after its builds (this module's make_offline is the real one, imported before the patch)."""

    def untouched(docs_dir: Path, params_by_suite: Any = None) -> OfflineReport:
        return OfflineReport()

    monkeypatch.setattr(data_docs, "make_offline", untouched)
    monkeypatch.setattr(runner, "make_offline", untouched, raising=False)


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    """Two days of both suites, then a process that validates documents only (as a day without
    articles does): GE's index builder then deletes the articles suite page it still links to.
    Made once for the module; the tests only read it (and the one that calls make_offline again
    checks that it changes nothing)."""
    saved = dict(runner._CONTEXTS)
    runner._CONTEXTS.clear()
    docs = tmp_path_factory.mktemp("offline") / "data_docs"
    try:
        for day in ("2024-06-01", "2024-06-02"):
            _validated(docs, "documents", _documents("text", "binary"), "doc_id", None, day)
            _validated(docs, "articles", _articles("en", "fr"), "article_id", ARTICLE_PARAMS, day)
        runner._CONTEXTS.clear()  # the next day's process
        _validated(docs, "documents", _documents("html"), "doc_id", {"max_bytes": 4_000_000}, "2024-06-03")
    finally:
        runner._CONTEXTS.clear()
        runner._CONTEXTS.update(saved)
    return docs


def test_great_expectations_alone_leaves_what_the_user_saw(tmp_path: Path, ge_only) -> None:
    """Without make_offline: CDN assets, `$PARAMETER`, and a suite page deleted while still linked."""
    docs = tmp_path / "data_docs"
    validate_frame("articles", _articles("en"), "article_id", ARTICLE_PARAMS, docs, "2024-06-01")
    runner._CONTEXTS.clear()
    validate_frame("documents", _documents("text"), "doc_id", None, docs, "2024-06-02")
    problems = _problems(docs)
    assert any("remote script https://code.jquery.com/" in p for p in problems)
    assert "expectations/documents.html: $PARAMETER" in problems
    assert not (docs / "expectations" / "articles.html").exists()
    assert 'href="expectations/articles.html"' in (docs / "index.html").read_text(encoding="utf-8")


def test_every_page_is_local_linked_and_filled_in(docs: Path) -> None:
    assert _problems(docs) == []
    assert len(_pages(docs)) == 8  # the index, 2 suite pages, 5 validation pages
    assert all(MARKER in page.read_text(encoding="utf-8") for page in _pages(docs))


def test_the_folder_works_moved(docs: Path, tmp_path: Path) -> None:
    moved = shutil.copytree(docs, tmp_path / "elsewhere" / "docs")
    assert _problems(moved) == []


def test_the_vendored_css_finds_its_fonts(docs: Path) -> None:
    css = docs / "static" / "vendor" / "font-awesome" / "css" / "all.min.css"
    fonts = set(re.findall(r"url\(([^)]+)\)", css.read_text(encoding="utf-8")))
    assert fonts
    assert all((css.parent / unquote(font.strip("'\""))).exists() for font in fonts)


def test_the_index_lists_every_validation_and_suite_as_html(docs: Path) -> None:
    index = (docs / "index.html").read_text(encoding="utf-8")
    assert "bootstrapTable(" not in index
    validation_links = set(re.findall(r'href="(validations/[^"]+\.html)"', index))
    assert len(validation_links) == 5
    assert re.findall(r'href="(expectations/[^"]+\.html)"', index).count("expectations/articles.html") >= 2
    assert (docs / "expectations" / "articles.html").exists()  # made again after GE deleted it


def test_suite_pages_show_the_values_used_at_validation(docs: Path) -> None:
    """articles: from its newest stored result; documents: the values passed for the run just done."""
    articles = _visible_text(docs / "expectations" / "articles.html")
    assert "2024-06-03T00:00:00+00:00" in articles  # max_published_at as evaluated
    assert "max_published_at" in articles and "run 2024-06-02" in articles
    documents = _visible_text(docs / "expectations" / "documents.html")
    assert "4000000" in documents
    assert "5242880" not in documents  # the suite default, overridden at validation


def test_a_second_call_rewrites_nothing(docs: Path) -> None:
    before = {p: p.read_bytes() for p in _pages(docs)}
    report = make_offline(docs)
    assert report.pages == [] and report.suite_pages == [] and report.assets == []
    assert {p: p.read_bytes() for p in _pages(docs)} == before


def test_the_report_names_what_was_removed(tmp_path: Path, ge_only) -> None:
    docs = tmp_path / "data_docs"
    validate_frame("documents", _documents("text"), "doc_id", None, docs, "2024-06-01")
    report = make_offline(docs)
    assert report.unknown == []  # every CDN reference of this GE version is known
    assert any("bootstrap-table" in url for url in report.dropped)
    assert "static/vendor/jquery/jquery.min.js" in report.assets
    assert report.suite_pages == ["documents"]
    assert report.parameters["documents"] == {"max_bytes": 5 * 1024 * 1024}


def _visible_text(page: Path) -> str:
    parser = _Refs()
    parser.feed(page.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.text).split())


# ---- in a browser, with the network cut ----------------------------------------------------


def _opened(browser, path: Path):
    """The page from file:// with every other request aborted; the page, its errors, the blocked URLs."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    blocked: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: errors.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return context, page, errors, blocked


@pytest.mark.slow
def test_the_index_shows_its_tables_offline(browser, docs: Path) -> None:
    context, page, errors, blocked = _opened(browser, docs / "index.html")
    try:
        table = page.locator("table.ge-index-page-validation-results-table")
        box = table.bounding_box()
        assert box is not None and box["height"] > 100 and box["width"] > 300
        assert "articles" in table.inner_text() and "documents" in table.inner_text()
        assert page.locator("table.ge-index-page-validation-results-table tbody tr").count() == 5
        page.get_by_role("tab", name="Expectation Suites").click()  # Bootstrap's tabs: the bundled JS
        suites = page.locator("table.ge-index-page-expectation_suites-table")
        suites.wait_for(state="visible")
        assert suites.inner_text().split() == ["Expectation", "Suites", "articles", "documents"]
        assert errors == [] and blocked == []
    finally:
        context.close()


@pytest.mark.slow
def test_a_validation_page_shows_its_results_offline(browser, docs: Path) -> None:
    (path,) = (docs / "validations" / "articles" / "2024-06-02").rglob("*.html")
    context, page, errors, blocked = _opened(browser, path)
    try:
        rows = page.locator("table.table tbody tr", has_text="values must belong to this set")
        box = rows.first.bounding_box()
        assert box is not None and box["height"] > 0 and box["width"] > 300
        assert "fr" in rows.first.inner_text()  # the failing language, listed as unexpected
        failed = page.locator("i.fa-times").first  # a Font Awesome icon: the bundled font loaded
        assert failed.bounding_box()["width"] > 4
        assert "Font Awesome" in failed.evaluate("e => getComputedStyle(e, '::before').fontFamily")
        passed = page.locator("tr", has=page.locator("i.fa-check-circle")).first
        assert passed.is_visible()
        page.get_by_text("Failed Only").click()  # the page's own jQuery filter: the bundled jQuery
        passed.wait_for(state="hidden")
        assert rows.first.is_visible()
        assert errors == [] and blocked == []
    finally:
        context.close()


@pytest.mark.slow
def test_a_suite_page_shows_its_parameters_offline(browser, docs: Path) -> None:
    context, page, errors, blocked = _opened(browser, docs / "expectations" / "articles.html")
    try:
        note = page.get_by_text("Parameters.")
        assert note.is_visible()
        language = page.locator(".ge-section", has_text="values must belong to this set").first
        assert language.is_visible() and "en" in language.inner_text()
        assert errors == [] and blocked == []
    finally:
        context.close()
