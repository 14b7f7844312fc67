"""transforms/page_metadata.py gives what trafilatura's extract_metadata gives, faster: its author,
category and tag searches.

Compared on invented pages for each of the author search's rules, on the project's own test and
sample pages, and on trafilatura's evaluation pages where ../shared is present.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import trafilatura.metadata as trafilatura_metadata

from transforms.html_extract import decoded_html, parsed_html
from transforms.page_metadata import _Walk, catstags, page_metadata, tree_author

ROOT = Path(__file__).resolve().parents[2]
LOCAL_PAGES = sorted((ROOT / "tests" / "transforms" / "pages").glob("*.html")) + sorted(
    (ROOT / "samples" / "inbox").rglob("*.html")
)
EVAL_PAGES = ROOT.parent / "shared" / "corpora" / "trafilatura-eval" / "html"
DATE_CONFIG = {"extensive_search": True, "original_date": True, "outputformat": "%Y-%m-%d", "max_date": "2026-03-06"}


def _page(body: str, head: str = "") -> str:
    return f"<html><head><title>Ferry news</title>{head}</head><body>{body}</body></html>"


# One page per rule of trafilatura's author search (its AUTHOR_XPATHS and AUTHOR_DISCARD_XPATHS).
AUTHOR_CASES = [
    pytest.param(_page("<p>Text.</p><span class='author'>Jane Doe</span>"), id="class-author"),
    pytest.param(_page("<a rel='author' href='/jd'>Jane Doe</a>"), id="rel-author"),
    pytest.param(_page("<div data-testid='AuthorCard'>Jane Doe</div>"), id="testid"),
    pytest.param(_page("<author>Jane Doe</author>"), id="author-element"),
    pytest.param(_page("<p class='byline'>By Jane Doe</p>"), id="byline-equal"),
    pytest.param(_page("<h4 id='zuozhe-box'>Li Wei</h4>"), id="generic-id"),
    pytest.param(_page("<section class='AuthorBio'>Jane Doe</section>"), id="last-resort"),
    pytest.param(_page("<div itemprop='author'>Jane Doe</div>"), id="itemprop"),
    pytest.param(_page("<span><rel>me</rel>Jane Doe</span>"), id="rel-child"),
    # the first query finds nothing valid (too long), the next one does
    pytest.param(_page(f"<span class='author'>{'x' * 130}</span><p class='byline'>By John Roe</p>"), id="too-long"),
    # inside a comment section, a sidebar or a figure: pruned
    pytest.param(
        _page("<div id='comments'><span class='author'>Commenter</span></div><p class='byline'>Jane Doe</p>"),
        id="comments",
    ),
    pytest.param(_page("<div class='sidebar-left'><span class='author'>Other</span></div>"), id="sidebar"),
    pytest.param(_page("<figure><span class='author'>Photographer</span></figure>"), id="figure"),
    # a date inside the byline is cut out, its tail kept
    pytest.param(_page("<span class='author'>Jane<time>3 March</time>Doe</span>"), id="time-inside"),
    pytest.param(
        _page("<span class='author'>By <span class='date'>Mon</span> Jane <span class='print'>P</span>Doe</span>"),
        id="pruned-inside",
    ),
    pytest.param(_page("<div class='quote'><figure>x</figure><span class='author'>Q</span></div>"), id="nested"),
    pytest.param("<html class='author'><body><p>Jane Doe</p></body></html>", id="root"),
    pytest.param(_page("<p>No byline here.</p>"), id="none"),
]


@pytest.mark.parametrize("html", AUTHOR_CASES)
def test_tree_author_is_trafilaturas(html: str) -> None:
    tree = parsed_html(html)
    assert tree_author(tree) == trafilatura_metadata.extract_author(tree)


# One page per kind of container trafilatura reads categories and tags from.
CATSTAGS_CASES = [
    pytest.param(_page("<div class='entry-meta'><a href='/category/news/'>News</a></div>"), id="entry-meta"),
    pytest.param(_page("<div id='postpath-1'><a href='/categories/port/'>Port</a></div>"), id="postpath"),
    pytest.param(
        _page("<p class='postmeta x'><a href='/category/a/'>A</a> <a href='/tag/b/'>B</a></p>"), id="postmeta"
    ),
    pytest.param(_page("<footer class='entry-footer'><a href='/category/c/'>C</a></footer>"), id="footer"),
    pytest.param(
        _page("<span class='cat-links'><a href='/category/d/'>D</a><a href='/x/'>X</a></span>"), id="cat-links"
    ),
    pytest.param(_page("<header class='entry-header'><a href='/category/e/'>E</a></header>"), id="header"),
    pytest.param(
        _page("<div class='tags'><a href='/tag/ferry/'>ferry</a><a href='/tags/port/'>port</a></div>"), id="tags"
    ),
    pytest.param(_page("<p class='entry-tags'><a href='/tag/f/'>F</a></p>"), id="entry-tags"),
    pytest.param(_page("<ul class='topics'><li><a href='/tag/g/'>G</a></li></ul>"), id="topics"),
    # nested containers: each link once, in page order
    pytest.param(
        _page(
            "<div class='meta'><a href='/category/h/'>H</a><div class='meta-x'><a href='/category/i/'>I</a></div></div>"
        ),
        id="nested",
    ),
    # a link without the metatype in its href is not taken; the first kind with one wins
    pytest.param(
        _page("<div class='meta'><a href='/about/'>About</a></div><div class='row'><a href='/category/j/'>J</a></div>"),
        id="first-kind",
    ),
    pytest.param(_page("<p>x</p>", "<meta property='article:section' content='Harbour'>"), id="meta-section"),
]


@pytest.mark.parametrize("html", CATSTAGS_CASES)
def test_categories_and_tags_are_trafilaturas(html: str) -> None:
    tree = parsed_html(html)
    ours, theirs = _metadata(tree)
    assert (ours["categories"], ours["tags"]) == (theirs["categories"], theirs["tags"])


def _metadata(tree) -> tuple[dict, dict]:
    ours = page_metadata(tree, "https://example.org/news/x", DATE_CONFIG).as_dict()
    theirs = trafilatura_metadata.extract_metadata(
        tree, "https://example.org/news/x", date_config=DATE_CONFIG
    ).as_dict()
    for document in (ours, theirs):  # parsed bodies, not metadata
        document.pop("body"), document.pop("commentsbody")
    return ours, theirs


@pytest.mark.parametrize("path", LOCAL_PAGES, ids=[p.name for p in LOCAL_PAGES])
def test_page_metadata_is_trafilaturas_on_our_pages(path: Path) -> None:
    tree = parsed_html(decoded_html(path.read_bytes())[0])
    if tree is None:  # html_article does not look for metadata where there is no tree
        pytest.skip(f"{path.name} has no HTML tree")
    ours, theirs = _metadata(tree)
    assert ours == theirs


@pytest.mark.skipif(not EVAL_PAGES.is_dir(), reason="../shared/corpora/trafilatura-eval is not here")
def test_author_categories_and_tags_are_trafilaturas_on_the_evaluation_pages() -> None:
    differ = []
    for path in sorted(EVAL_PAGES.glob("*.html")):
        tree = parsed_html(decoded_html(path.read_bytes())[0])
        if tree is None:
            continue
        walk = _Walk(tree)
        ours = (walk.author(), catstags("category", tree, walk.categories), catstags("tag", tree, walk.tags))
        theirs = (
            trafilatura_metadata.extract_author(tree),
            trafilatura_metadata.extract_catstags("category", tree),
            trafilatura_metadata.extract_catstags("tag", tree),
        )
        if ours != theirs:
            differ.append(path.name)
    assert differ == []
