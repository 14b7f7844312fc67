"""trafilatura's metadata pass (`trafilatura.extract_metadata`), with its author, category and tag
searches done in one walk over the page instead of fifteen XPath queries and a copy of the page.

trafilatura looks for a byline element where the page's meta tags and JSON-LD name no author (half
the pages): it copies the whole tree, prunes comment sections, sidebars, dates and figures from the
copy, then runs three XPath queries whose class and id tests are EXSLT regular expressions, which
lxml answers by calling back into Python once per element. For categories and tags it runs ten
more queries, one after the other, each over the whole page. Together that is 2.5-4 ms a page at
the median, a sixth of trafilatura's time. Here the same tests are Python string tests on one walk
over the elements (only elements with a tested attribute, and a class or id holding one of the
tests' words, are tested at all), and only a byline candidate's own subtree is copied and pruned
to read its text. The answers are the same on every page: tests/transforms/test_page_metadata.py
compares them with trafilatura's on invented pages for each rule, on tests/transforms/pages/ and
samples/, and on every page of ../shared/corpora/trafilatura-eval where present.

Everything else is trafilatura 2.3's extract_metadata, step for step, with its own helpers: a
trafilatura upgrade must be checked against that test (`make lock` does not do it by itself).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from copy import deepcopy
from typing import Any

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.baseline import block_text
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_domain,
    extract_license,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document
from trafilatura.utils import line_processing, trim
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
    walk: _Walk | None = None  # made where trafilatura would search the page, once
    if not metadata.author:
        walk = _Walk(tree)
        metadata.author = walk.author()
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
    if not metadata.categories or not metadata.tags:
        walk = walk or _Walk(tree)
        if not metadata.categories:
            metadata.categories = catstags("category", tree, walk.categories)
        if not metadata.tags:
            metadata.tags = catstags("tag", tree, walk.tags)
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
    return _Walk(tree).author()


class _Walk:
    """What the author search and the category and tag search need of the page, from one walk over
    its elements (a Python object is made for each element visited: the walk is the cost)."""

    def __init__(self, tree: HtmlElement) -> None:
        root = tree.getroottree().getroot()
        self.found: list[list[HtmlElement]] = [[], [], []]
        self.discarded: set[HtmlElement] = set()
        self.categories: list[list[HtmlElement]] = [[] for _ in _CATEGORY_CONTAINERS]
        self.tags: list[list[HtmlElement]] = [[] for _ in _TAG_CONTAINERS]
        # XPath's rel='me' compares child elements named "rel" (lxml finds them in C).
        with_rel = {rel.getparent() for rel in root.iter("rel")}
        for element in root.iter():
            tag = element.tag
            attributes = element.items()
            # Every test but the tag ones needs one of a few attributes, and a class or id only
            # counts with one of the tests' words in it: most elements have neither.
            if isinstance(tag, str) and (
                tag in _BARE_TAGS or element in with_rel or (attributes and _may_match(attributes))
            ):
                self._author_tests(element, element is root)
            if attributes:
                self._container_tests(element, tag, attributes)

    def _author_tests(self, element: HtmlElement, is_root: bool) -> None:
        if _discarded_here(element, is_root):
            self.discarded.add(element)
        for query, found in zip(_QUERIES, self.found, strict=True):
            if query(element):
                found.append(element)

    def _container_tests(self, element: HtmlElement, tag: str, attributes: list[tuple[str, str]]) -> None:
        cls = eid = ""
        for name, value in attributes:
            if name == "class":
                cls = value
            elif name == "id":
                eid = value
        if not _CONTAINER_WORD.search(cls) and not _CONTAINER_WORD.search(eid):
            return
        for tests, found in ((_CATEGORY_CONTAINERS, self.categories), (_TAG_CONTAINERS, self.tags)):
            for test, elements in zip(tests, found, strict=True):
                if test(tag, cls, eid):
                    elements.append(element)

    def author(self) -> str | None:
        for candidates in self.found:
            for element in candidates:
                if element in self.discarded or any(a in self.discarded for a in element.iterancestors()):
                    continue
                content = trim(" ".join(_pruned(element).itertext()))
                if content and 2 < len(content) < _AUTHOR_MAX_CHARS:
                    return normalize_authors(None, content)
        return None


def _pruned(element: HtmlElement) -> HtmlElement:
    """The element as it reads in trafilatura's pruned copy: its descendants that the discard
    queries match deleted, their tails kept, the first query's matches before the second's."""
    if not any(isinstance(e.tag, str) and _discarded_here(e, False) for e in element.iterdescendants()):
        return element
    copy = deepcopy(element)
    # As trafilatura: a query's matches are all found, then deleted in page order (deleting one
    # inside another that is already gone changes nothing).
    for query in (_first_query, _second_query):
        for match in [e for e in copy.iterdescendants() if isinstance(e.tag, str) and query(e)]:
            delete_element(match)
    return copy


def _first_query(element: HtmlElement) -> bool:
    return element.tag not in _ALWAYS_DISCARDED and _discarded_here(element, False)


def _second_query(element: HtmlElement) -> bool:
    return element.tag in _ALWAYS_DISCARDED


# ---------------------------------------------------------------- categories and tags

# trafilatura.xpaths.CATEGORIES_XPATHS and TAGS_XPATHS: the links under containers of these kinds,
# tried in this order (the first kind with a link whose href names the metatype wins). Each test
# takes the element's tag, class and id.
_CATEGORY_CONTAINERS = (
    lambda tag, cls, eid: (
        tag == "div"
        and (
            re.match("(?:post-?info|post-?meta|meta|entry-meta|entry-info|entry-utility)", cls) is not None
            or eid.startswith("postpath")
        )
    ),
    lambda tag, cls, eid: (
        tag == "p" and (cls.startswith(("postmeta", "entry-categories")) or cls == "postinfo" or eid == "filedunder")
    ),
    lambda tag, cls, eid: tag == "footer" and cls.startswith(("entry-meta", "entry-footer")),
    lambda tag, cls, eid: (
        tag in ("li", "span") and (cls in ("post-category", "postcategory", "entry-category") or "cat-links" in cls)
    ),
    lambda tag, cls, eid: tag == "header" and cls == "entry-header",
    lambda tag, cls, eid: tag == "div" and cls in ("row", "tags"),
)
_TAG_CONTAINERS = (
    lambda tag, cls, eid: tag == "div" and cls == "tags",
    lambda tag, cls, eid: tag == "p" and cls.startswith("entry-tags"),
    lambda tag, cls, eid: (
        tag == "div"
        and (cls in ("row", "jp-relatedposts", "entry-utility") or re.match("(?:tag|postmeta|meta)", cls) is not None)
    ),
    lambda tag, cls, eid: cls == "entry-meta" or "topics" in cls or "tags-links" in cls,
)
# A word that every container test above needs in the class or id.
_CONTAINER_WORD = re.compile("meta|post|entry|cat|row|tag|topics|jp-relatedposts|filedunder")
_CATEGORY_META = './/head//meta[@property="article:section" or contains(@name, "subject")][@content]'


def _links_under(containers: list[HtmlElement]) -> Iterator[HtmlElement]:
    """The <a href> elements below the containers (not a container itself), in document order, once."""
    taken = set(containers)
    for container in containers:
        if any(a in taken for a in container.iterancestors()):
            continue  # its links come with the outer container's
        for link in container.iterdescendants("a"):
            if link.get("href") is not None:
                yield link


def catstags(metatype: str, tree: HtmlElement, containers: list[list[HtmlElement]]) -> list[str]:
    """trafilatura.metadata.extract_catstags(metatype, tree), given the page's containers of that
    metatype's kinds."""
    pattern = re.compile("/" + metatype.rstrip("y") + "(?:y|ies|s)?/")
    results: list[str] = []
    for kind in containers:
        results.extend(block_text(link) for link in _links_under(kind) if pattern.search(link.attrib["href"]))
        if results:
            break
    if metatype == "category" and not results:
        results.extend(element.attrib["content"] for element in tree.xpath(_CATEGORY_META))
    return [r for r in dict.fromkeys(line_processing(x) for x in results if x) if r]
