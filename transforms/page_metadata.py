"""trafilatura's metadata pass (`trafilatura.extract_metadata`), with its author search done in one
walk over the page instead of five XPath queries on a copy of it.

trafilatura looks for a byline element where the page's meta tags and JSON-LD name no author (half
the pages): it copies the whole tree, prunes comment sections, sidebars, dates and figures from the
copy, then runs three XPath queries whose class and id tests are EXSLT regular expressions, which
lxml answers by calling back into Python once per element. That costs 4 ms a page at the median, a
fifth of trafilatura's whole time. Here the same tests are Python regular expressions on one walk
over the elements, and only a candidate's own subtree is copied and pruned to read its text: the
same author on every page (tests/transforms/test_page_metadata.py compares the two on every page
of tests/transforms/pages/ and, where present, ../shared/corpora/trafilatura-eval).

Everything else is trafilatura 2.3's extract_metadata, step for step, with its own helpers.
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy
from typing import Any

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_catstags,
    extract_domain,
    extract_license,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document
from trafilatura.utils import trim
from trafilatura.xml import delete_element

LOGGER = logging.getLogger(__name__)


def page_metadata(tree: HtmlElement, default_url: str | None, date_config: dict[str, Any]) -> Document:
    """trafilatura.extract_metadata(tree, default_url, date_config), without an author blacklist."""
    date_config = {**date_config}
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception as err:  # as trafilatura: bugs in its json_metadata.py
        LOGGER.warning("error in JSON metadata extraction: %s", err)
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.author:
        metadata.author = tree_author(tree)
    if not metadata.url:
        metadata.url = extract_url(tree, default_url)
    if metadata.url:
        metadata.hostname = extract_domain(metadata.url, fast=True)
    date_config["url"] = metadata.url
    metadata.date = find_date(tree, **date_config)
    if not metadata.sitename:
        metadata.sitename = extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")
        if metadata.sitename and "." not in metadata.sitename and not metadata.sitename[0].isupper():
            metadata.sitename = metadata.sitename.title()
    elif metadata.url:
        match = META_URL.match(metadata.url)
        if match:
            metadata.sitename = match[1]
    if not metadata.categories:
        metadata.categories = extract_catstags("category", tree)
    if not metadata.tags:
        metadata.tags = extract_catstags("tag", tree)
    metadata.license = extract_license(tree)
    metadata.filedate = date_config.get("max_date")
    metadata.clean_and_trim()
    return metadata


# ---------------------------------------------------------------- the author search

# trafilatura.xpaths.AUTHOR_DISCARD_XPATHS, as tests on one element: comment sections, sidebars,
# titles and dates (its first query, for descendants of the root only) and <time>/<figure>.
_DISCARD_TAGS = frozenset(("a", "div", "section", "span"))
_DISCARD_EQUAL_ID = frozenset(("comments",))
_DISCARD_EQUAL_CLASS = frozenset(("comments", "title", "date"))
_DISCARD_ID = re.compile("^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile(
    "^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|article-(?:share|support)|print|"
    "category|meta-date|meta-reviewer"
)
_ALWAYS_DISCARDED = frozenset(("time", "figure"))

# trafilatura.xpaths.AUTHOR_XPATHS, in their order: specific, generic, last resort.
_SPECIFIC_TAGS = frozenset(("a", "address", "div", "link", "p", "span", "strong"))
_SPECIFIC_CLASS = re.compile("author-?name|AuthorName|authorName")
_SPECIFIC_TESTIDS = frozenset(("AuthorCard", "AuthorURL"))
_GENERIC_TAGS = frozenset(("a", "div", "h3", "h4", "p", "span"))
_GENERIC_EQUAL_CLASS = frozenset(("byline", "username", "byl", "BBL"))
_GENERIC_ID = re.compile("author|zuozhe|bianji|xiaobian")
_GENERIC_CLASS = re.compile("author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name")
_LAST_ID = re.compile("[Aa]uthor")
_LAST_CLASS = re.compile("[Aa]uthor|screenname|writer|[Bb]yline")
_AUTHOR_MAX_CHARS = 120  # extract_author's len_limit


def _discarded_here(element: HtmlElement, is_root: bool) -> bool:
    """The element matches AUTHOR_DISCARD_XPATHS' first query (never the root: it searches
    descendants) or its second."""
    tag = element.tag
    if tag in _ALWAYS_DISCARDED:
        return True
    if is_root or tag not in _DISCARD_TAGS:
        return False
    get = element.get
    element_id, element_class = get("id"), get("class")
    return (
        element_id in _DISCARD_EQUAL_ID
        or element_class in _DISCARD_EQUAL_CLASS
        or (element_id is not None and _DISCARD_ID.search(element_id) is not None)
        or (element_class is not None and _DISCARD_CLASS.search(element_class) is not None)
        or "Figure" in (get("data-component") or "")
    )


def _specific(element: HtmlElement) -> bool:
    tag = element.tag
    if tag == "author":
        return True
    if tag not in _SPECIFIC_TAGS:
        return False
    get = element.get
    element_class = get("class")
    return (
        get("rel") == "author"
        or get("id") == "author"
        or element_class == "author"
        or get("itemprop") == "author name"
        # XPath's rel='me' compares child elements named "rel"
        or any(child.tag == "rel" and child.text_content() == "me" for child in element)
        or get("data-testid") in _SPECIFIC_TESTIDS
        or (element_class is not None and _SPECIFIC_CLASS.search(element_class) is not None)
    )


def _generic(element: HtmlElement) -> bool:
    if element.tag not in _GENERIC_TAGS:
        return False
    get = element.get
    element_id, element_class = get("id"), get("class")
    return (
        element_class in _GENERIC_EQUAL_CLASS
        or "author" in (get("itemprop") or "")
        or (element_id is not None and _GENERIC_ID.search(element_id) is not None)
        or (element_class is not None and _GENERIC_CLASS.search(element_class) is not None)
    )


def _last_resort(element: HtmlElement) -> bool:
    get = element.get
    element_id, element_class = get("id"), get("class")
    return (
        "Byline" in (get("data-component") or "")
        or "author" in (get("itemprop") or "")
        or (element_id is not None and _LAST_ID.search(element_id) is not None)
        or (element_class is not None and _LAST_CLASS.search(element_class) is not None)
    )


_QUERIES = (_specific, _generic, _last_resort)
# Elements the tests take by their tag alone.
_BARE_TAGS = frozenset(("author", "time", "figure"))
# Attributes that count whatever their value; a word that every class or id test above needs.
_TESTED_ATTRIBUTES = frozenset(("rel", "itemprop", "data-testid", "data-component"))
_TESTED_WORD = re.compile(
    "uthor|omment|ProductReviews|title|date|sidebar|is-hidden|quote|embedly-instagram|article-|print|category|"
    "meta-|zuozhe|bianji|xiaobian|channel-name|submitted-by|posted-by|journalist-name|byl|BBL|username|screenname|"
    "writer|yline"
)


def _may_match(attributes: list[tuple[str, str]]) -> bool:
    for name, value in attributes:
        if name in _TESTED_ATTRIBUTES:
            return True
        if (name == "class" or name == "id") and _TESTED_WORD.search(value):
            return True
    return False


def tree_author(tree: HtmlElement) -> str | None:
    """trafilatura.metadata.extract_author(tree): the first byline element's text, by query, then in
    document order, of 3 to 119 characters, outside the parts it prunes."""
    root = tree.getroottree().getroot()
    found: list[list[HtmlElement]] = [[], [], []]
    discarded: set[HtmlElement] = set()
    # XPath's rel='me' compares child elements named "rel" (lxml finds them in C).
    with_rel = {rel.getparent() for rel in root.iter("rel")}
    for element in root.iter():
        # Every test but the tag ones needs one of a few attributes, and a class or id only counts
        # with one of the tests' words in it: most elements have neither.
        if element.tag not in _BARE_TAGS and element not in with_rel and not _may_match(element.items()):
            continue
        if not isinstance(element.tag, str):
            continue
        if _discarded_here(element, element is root):
            discarded.add(element)
        for i, query in enumerate(_QUERIES):
            if query(element):
                found[i].append(element)
    for candidates in found:
        for element in candidates:
            if element in discarded or any(a in discarded for a in element.iterancestors()):
                continue
            content = trim(" ".join(_pruned(element).itertext()))
            if content and 2 < len(content) < _AUTHOR_MAX_CHARS:
                return normalize_authors(None, content)
    return None


def _pruned(element: HtmlElement) -> HtmlElement:
    """The element as it reads in trafilatura's pruned copy: its descendants that the discard
    queries match deleted, their tails kept, the first query's matches before the second's."""
    inside = [e for e in element.iterdescendants() if isinstance(e.tag, str)]
    first = [e for e in inside if e.tag not in _ALWAYS_DISCARDED and _discarded_here(e, False)]
    if not first and not any(e.tag in _ALWAYS_DISCARDED for e in inside):
        return element
    copy = deepcopy(element)
    for match in [e for e in copy.iterdescendants() if isinstance(e.tag, str) and _first_query(e)]:
        if match.getparent() is not None and _attached(match, copy):
            delete_element(match)
    for match in [e for e in copy.iterdescendants() if e.tag in _ALWAYS_DISCARDED]:
        delete_element(match)
    return copy


def _first_query(element: HtmlElement) -> bool:
    return element.tag not in _ALWAYS_DISCARDED and _discarded_here(element, False)


def _attached(element: HtmlElement, root: HtmlElement) -> bool:
    """The element is still in the copy (an ancestor of it was not deleted before it)."""
    node = element
    while node is not None and node is not root:
        node = node.getparent()
    return node is root
