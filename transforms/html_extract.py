"""Main text and metadata of one HTML page, with trafilatura configured by measurement.

The configuration and the figures behind it are in docs/extraction.md (bench/eval_extraction.py).
"""

from __future__ import annotations

import codecs
import logging
import re
from copy import copy
from datetime import date, timedelta
from functools import cache

import charset_normalizer
from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlElementClassLookup,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    fromstring,
)
from pydantic import BaseModel, ConfigDict, Field
from trafilatura.core import trafilatura_sequence
from trafilatura.settings import Extractor
from trafilatura.utils import (
    is_dubious_html,
    load_html,  # noqa: F401 -- bench/eval_extraction.py takes it from here
    repair_faulty_html,
)
from trafilatura.xml import xmltotxt

from transforms.body_vote import voted_body
from transforms.boilerplate import without_boilerplate
from transforms.html_meta import headline, page_authors, page_facts, published_day, without_author_box, without_headline
from transforms.language import declared_language, detected_language
from transforms.page_metadata import page_metadata
from transforms.urls import url_host

# trafilatura logs every discarded page at WARNING; a page without an article is a normal
# outcome here (the caller quarantines it), not something to shout about.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)


class ExtractionOptions(BaseModel):
    """The trafilatura/htmldate knobs that bench/eval_extraction.py compares."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    favor_precision: bool = False
    favor_recall: bool = False
    include_comments: bool = False
    include_tables: bool = True
    no_fallback: bool = False
    extensive_date_search: bool = True
    original_date: bool = True
    # Photo captions ("the hall, photographed in 1998") are not the publish date: look for the
    # date in the page without its figure captions.
    captionless_date: bool = True
    # "Headline | Site name" -> "Headline", or the <h1> the title rewords (our own step).
    title_without_site: bool = True
    # Authors without template words ("Admin", "By") or the site's own name, spelt as on the page.
    clean_authors: bool = True
    # Without a paragraph of at least this many characters, what trafilatura found is navigation
    # or boilerplate (its fallbacks return link lists): the page counts as having no article.
    # Characters, not words: Chinese and Japanese paragraphs have no spaces.
    min_paragraph_chars: int = 50
    # trafilatura's paragraphs checked per block against the page's structure and resiliparse
    # (transforms/body_vote.py): teaser cards out, a lost lead or second half of the body in.
    vote: bool = True
    # Cookie-consent, sign-in, paywall and other placeholder paragraphs out, in a dozen languages, and
    # (drop_furniture) short lines of site furniture, glued share bars and "related" headline lists:
    # transforms/boilerplate.py.
    drop_walls: bool = True
    drop_furniture: bool = True
    # The headline as the body's first paragraph (trafilatura keeps an <h1> inside the body's
    # container) out: it is the title; so is an author box after the body (the byline's business).
    drop_headline: bool = True


# Chosen by measurement on the trafilatura evaluation set (docs/extraction.md).
CHOSEN_OPTIONS = ExtractionOptions()

# With no reference day we still must not let htmldate read the clock (its default bound is
# "today"), so the bound is only a sanity cap. The pipeline always passes the arrival day.
_NO_REFERENCE_CAP = "2099-12-31"
# A publish date this long after the arrival day is a time zone, not an error: a site in UTC+9
# publishes "tomorrow" by the UTC calendar. The articles stage allows the same slack.
FUTURE_SLACK = timedelta(days=2)

# Captions are found from the page's source first: a search of the whole tree costs 0.5 ms a page,
# while most pages have no caption class at all (43 of 300 in the evaluation set) and their
# <figcaption>/<caption> elements are found by lxml's own tag iteration.
_CAPTION_TAG = re.compile(r"<(?:fig)?caption\b", re.IGNORECASE)
# A case-insensitive search of the whole source costs 0.13 ms a page; str.find for the tag name's
# tail ("aption" or "APTION") spares it on pages without one.
_CAPTION_TAIL = ("aption", "APTION")
_CAPTION_CLASS_ELEMENTS = etree.XPath(".//*[contains(@class, 'caption')]")
_CAPTION_CLASSES = {"caption", "wp-caption-text"}
# What may stand around a class name in the source: quotes, spaces, or an unquoted value's end.
_CLASS_EDGES = frozenset(" \t\r\n\"'=>")


def _has_caption_class(html: str) -> bool:
    """A 'caption' or 'wp-caption-text' token, as a class name would appear, is in the source."""
    at = html.find("caption")
    while at >= 0:
        end = at + len("caption")
        if html.startswith("-text", end) and html.startswith("wp-", at - 3):
            at, end = at - 3, end + len("-text")
        if at > 0 and html[at - 1] in _CLASS_EDGES and (end == len(html) or html[end] in _CLASS_EDGES):
            return True
        at = html.find("caption", end)
    return False


def _has_caption_tag(html: str) -> bool:
    """A <figcaption> or <caption> tag is in the source (in lower, upper or capitalised case: a
    name in mixed case such as "<CaPtIoN>" is missed)."""
    for tail in _CAPTION_TAIL:
        at = html.find(tail)
        while at >= 0:
            if _CAPTION_TAG.match(html, max(0, at - 1 - len("<fig")), at + len(tail) + 1) or _CAPTION_TAG.match(
                html, max(0, at - 2), at + len(tail) + 1
            ):
                return True
            at = html.find(tail, at + len(tail))
    return False


def _captions(tree: HtmlElement, html: str) -> list[HtmlElement]:
    """The page's figure captions: <figcaption>, <caption> and elements of class caption or
    wp-caption-text."""
    found = list(tree.iter("figcaption", "caption")) if _has_caption_tag(html) else []
    if _has_caption_class(html):
        found += [
            node
            for node in _CAPTION_CLASS_ELEMENTS(tree)
            if node.tag not in ("figcaption", "caption") and _CAPTION_CLASSES & set(node.get("class", "").split())
        ]
    return found


class HtmlExtraction(BaseModel):
    """What one HTML page yields: main text (paragraphs split by a blank line) and metadata."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    author: str | None = None  # as on the page, several names joined by "; "
    authors: list[str] = Field(default_factory=list)
    published: date | None = None
    sitename: str | None = None
    hostname: str | None = None
    language: str | None = None
    language_confidence: float = 0.0
    declared_language: str | None = None  # primary subtag of <html lang> / content-language
    url: str | None = None
    description: str | None = None
    categories: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    image: str | None = None
    license: str | None = None
    text: str = ""
    encoding: str | None = None  # how bytes input was decoded; None for str input


# ---------------------------------------------------------------- decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""")
# The WHATWG encoding standard maps these labels to windows-1252, and real pages labelled
# latin-1 routinely carry cp1252 quotes and dashes.
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii"}


def _declared_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not match:
        return None
    label = match.group(1).decode("ascii", "ignore").lower()
    if label in _WINDOWS_1252_LABELS:
        return "cp1252"
    if label.startswith("utf-16") or label.startswith("utf-32"):
        # A byte-oriented regex found the label, so the bytes are ASCII-compatible: the
        # declaration is wrong, and the spec says to treat it as UTF-8.
        return "utf-8"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decoded_html(raw: bytes) -> tuple[str, str]:
    """The page as text and the encoding used: BOM, then valid UTF-8, then declared charset, then detection."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding, errors="replace"), encoding
    # Valid UTF-8 first: text in a legacy encoding almost never decodes as UTF-8, while templates
    # and CMS migrations leave wrong charset declarations behind (a UTF-8 page labelled latin-1
    # would come out as mojibake).
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(raw[:4096])
    if declared and declared != "utf-8":
        try:
            return raw.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass
    best = charset_normalizer.from_bytes(raw).best()
    if best is not None:
        return str(best), best.encoding
    return raw.decode("utf-8", errors="replace"), "utf-8"


# ---------------------------------------------------------------- extraction


def _html_parser() -> HTMLParser:
    """trafilatura's HTML parser (trafilatura.utils.HTML_PARSER: same options), with lxml.html's
    element classes looked up in C. lxml.html's own lookup is a Python method that lxml calls each
    time it makes a Python object for an element of the tree (some 5000 times a page in
    trafilatura's steps, htmldate's and ours): about 3% of html_article's CPU time. The classes are
    the same (HtmlElement, its form classes, HtmlComment, ...), so is everything computed from
    them."""
    parser = HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
    )
    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
        )
    )
    # libxml2's HTML parser gives lower-case tag names, which lxml.html's lookup lowercases again.
    lookup.get_namespace(None).update(HtmlElementClassLookup._default_element_classes)
    parser.set_element_class_lookup(lookup)
    return parser


_HTML_PARSER = _html_parser()


def parsed_html(html: str) -> HtmlElement | None:
    """The page's tree as trafilatura.utils.load_html makes it from a decoded page, with
    _HTML_PARSER: repaired the same way, and None where load_html gives None
    (tests/transforms/test_html_extract.py compares the two)."""
    beginning = html[:50].lower()
    dubious = is_dubious_html(beginning)
    html = repair_faulty_html(html, beginning)
    tree = None
    from_bytes = False
    try:
        tree = fromstring(html, parser=_HTML_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree, from_bytes = _parsed_bytes(html), True
    except Exception:  # as load_html: a page lxml cannot parse has no tree
        logging.getLogger(__name__).debug("lxml could not parse the page", exc_info=True)
    if (tree is None or len(tree) < 1) and not from_bytes:
        tree = _parsed_bytes(html)
    if tree is not None and dubious and len(tree) < 2:
        return None
    return tree


def _parsed_bytes(html: str) -> HtmlElement | None:
    try:
        return fromstring(html.encode("utf8", "surrogatepass"), parser=_HTML_PARSER)
    except Exception:  # as load_html
        logging.getLogger(__name__).debug("lxml could not parse the page's bytes", exc_info=True)
        return None


def _trafilatura_text(tree: HtmlElement, url: str | None, options: ExtractionOptions) -> str | None:
    """trafilatura's main text, one block per line, as bare_extraction (without metadata) returns
    it, or None; the tree loses the few parts trafilatura prunes in place (comment sections, share
    buttons, infinite-scroll containers).

    bare_extraction copies a tree it is given (1 ms a page, 4% of trafilatura's time) because it
    prunes it; ours is only read afterwards, so its steps are run here without the copy.
    tests/transforms/test_html_extract.py checks that the text is bare_extraction's.
    """
    extractor = copy(_extractor(options))
    extractor.url = url
    extractor.source = url and url.encode("utf-8", "replace").decode("utf-8")
    try:
        body, text, _, comments = trafilatura_sequence(tree, extractor, url)
    except (TypeError, ValueError):
        return None
    if len(text) < extractor.min_output_size and len(comments) < extractor.min_output_comm_size:
        return None
    return xmltotxt(body, extractor.formatting)


@cache
def _extractor(options: ExtractionOptions) -> Extractor:
    """trafilatura's settings for these options, without a URL (building them reads its config:
    0.07 ms a page); html_article sets the page's URL on a copy."""
    return Extractor(
        output_format="python",
        fast=options.no_fallback,
        precision=options.favor_precision,
        recall=options.favor_recall,
        comments=options.include_comments,
        tables=options.include_tables,
        # dedup keeps a process-wide cache: a page seen twice would come back empty, which a
        # repeatable batch cannot have.
        dedup=False,
    )


def _paragraphs(text: str | None) -> str:
    """trafilatura's one-block-per-line text, as paragraphs separated by a blank line."""
    if not text:
        return ""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _tree_language(tree: HtmlElement) -> str | None:
    root = tree.getroottree().getroot()
    value = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not value:
        for meta in root.iterfind(".//meta[@http-equiv]"):
            if meta.get("http-equiv", "").lower() == "content-language":
                value = meta.get("content")
                break
    return declared_language(value)


def _date_params(options: ExtractionOptions, reference_day: date | None) -> dict[str, object]:
    return {
        "extensive_search": options.extensive_date_search,
        "original_date": options.original_date,
        "outputformat": "%Y-%m-%d",
        "max_date": _latest_day(reference_day).isoformat(),
    }


def _latest_day(reference_day: date | None) -> date:
    return reference_day + FUTURE_SLACK if reference_day else date.fromisoformat(_NO_REFERENCE_CAP)


# ---------------------------------------------------------------- the page


def html_article(
    html: str | bytes,
    *,
    url: str | None = None,
    reference_day: date | None = None,
    options: ExtractionOptions = CHOSEN_OPTIONS,
) -> HtmlExtraction:
    """Main text and metadata of a page; empty text when it holds no article.

    `reference_day` (the arrival day) bounds the publish date: nothing later than FUTURE_SLACK
    after it is accepted.
    """
    encoding = None
    if isinstance(html, bytes):
        html, encoding = decoded_html(html)
    if not html.strip():
        return HtmlExtraction(url=url, encoding=encoding)
    tree = parsed_html(html)
    if tree is None:
        return HtmlExtraction(url=url, encoding=encoding)
    declared = _tree_language(tree)
    hostname = url_host(url)
    facts = page_facts(tree, hostname)
    text = _paragraphs(_trafilatura_text(tree, url, options))
    if options.vote and text:
        text = voted_body(text, html, tree, description=facts.description)
    if options.drop_walls:
        text = without_boilerplate(text, furniture=options.drop_furniture)
    # The one metadata pass comes last, on the page itself, so that htmldate can search it without
    # figure captions (a caption's "photographed in 1998" is not the publish date) and without a
    # copy.
    if options.captionless_date:
        for node in _captions(tree, html):
            node.drop_tree()
    metadata = page_metadata(tree, url, _date_params(options, reference_day))
    hostname = metadata.hostname or hostname
    # trafilatura's sitename may be its guess from the <title> (any part with a dot in it, such as
    # "Sehnsucht von R. K. Lilley"): only a domain-like one is taken as the site's name.
    site_names = facts.site_names + [n for n in [metadata.sitename] if n and not re.search(r"\s", n)]
    title = headline(metadata.title, facts, site_names, hostname) if options.title_without_site else metadata.title
    # trafilatura keeps the article's <h1> where it sits inside the body's container (a quarter of
    # the pages): the headline is the title, not a paragraph of the body.
    if options.drop_headline:
        text = without_headline(text, [title, metadata.title, facts.headline, *facts.headings, *facts.full_headings])
    authors = [a.strip() for a in (metadata.author or "").split(";") if a.strip()]
    if options.clean_authors:
        authors = page_authors(metadata.author, facts, site_names, hostname, html, tree)
    # An author box after the body: the writer's name alone, or a line about them.
    if options.drop_headline and authors:
        text = without_author_box(text, authors)
    # No text: no article on the page; the caller quarantines it, metadata still helps the review.
    if not any(len(p) >= options.min_paragraph_chars for p in text.split("\n\n")):
        text = ""
    # The opening of the text decides its language; the rest only costs time.
    language, confidence = detected_language(text[:_LANGUAGE_SAMPLE], declared)
    return HtmlExtraction(
        title=title or None,
        author="; ".join(authors) or None,
        authors=authors,
        published=published_day(metadata.date, facts, _latest_day(reference_day)),
        sitename=metadata.sitename or None,
        hostname=metadata.hostname or None,
        language=language,
        language_confidence=confidence,
        declared_language=declared,
        url=metadata.url or url,
        description=metadata.description or None,
        categories=list(metadata.categories or []),
        tags=list(metadata.tags or []),
        image=metadata.image or None,
        license=metadata.license or None,
        text=text,
        encoding=encoding,
    )


# py3langid's answer on the first 150 characters matches the full text's on all 300 pages of the
# evaluation set (docs/extraction.md: 100% from 150 characters on), and the language chosen against
# the declared one is the same as with 300 on every page, at 0.2-0.3 ms less (py3langid walks the
# text byte by byte in Python through tables too large for the CPU's caches). Its probabilities
# are lower on a shorter text (under 0.90 on 11 pages instead of 3), which only matters where the
# detection and the declaration disagree.
_LANGUAGE_SAMPLE = 150
