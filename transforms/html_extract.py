"""Main text and metadata of one HTML page, with trafilatura configured by measurement.

The configuration and the figures behind it are in docs/extraction.md (bench/eval_extraction.py).
"""

from __future__ import annotations

import codecs
import logging
import re
from copy import deepcopy
from datetime import date

import charset_normalizer
import trafilatura
from lxml.html import HtmlElement
from pydantic import BaseModel, ConfigDict, Field
from trafilatura.utils import load_html

from transforms.language import declared_language, detected_language

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
    # date in a copy of the page without figure captions.
    captionless_date: bool = True
    # "Headline | Site name" -> "Headline" (our own step, not trafilatura's).
    title_without_site: bool = True
    # Without a paragraph of at least this many characters, what trafilatura found is navigation
    # or boilerplate (its fallbacks return link lists): the page counts as having no article.
    # Characters, not words: Chinese and Japanese paragraphs have no spaces.
    min_paragraph_chars: int = 50


# Chosen by measurement on the trafilatura evaluation set (docs/extraction.md).
CHOSEN_OPTIONS = ExtractionOptions()

# With no reference day we still must not let htmldate read the clock (its default bound is
# "today"), so the bound is only a sanity cap. The pipeline always passes the arrival day.
_NO_REFERENCE_CAP = "2099-12-31"

_CAPTION_XPATH = "|".join(
    [".//figcaption", ".//caption"]
    + [
        f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
        for name in ("caption", "wp-caption-text")
    ]
)


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
    """The page as text and the encoding used: BOM, then declared charset, then detection."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding, errors="replace"), encoding
    candidates = [_declared_charset(raw[:4096]), "utf-8"]
    for encoding in dict.fromkeys(c for c in candidates if c):
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    best = charset_normalizer.from_bytes(raw).best()
    if best is not None:
        return str(best), best.encoding
    return raw.decode("utf-8", errors="replace"), "utf-8"


# ---------------------------------------------------------------- extraction


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


def _captionless(tree: HtmlElement) -> HtmlElement:
    pruned = deepcopy(tree)
    for node in pruned.xpath(_CAPTION_XPATH):
        node.drop_tree()
    return pruned


def _date_params(options: ExtractionOptions, reference_day: date | None) -> dict[str, object]:
    return {
        "extensive_search": options.extensive_date_search,
        "original_date": options.original_date,
        "outputformat": "%Y-%m-%d",
        "max_date": reference_day.isoformat() if reference_day else _NO_REFERENCE_CAP,
    }


_TITLE_SEPARATOR = re.compile(r"\s+(?:[|\-–—·›»]|::)\s+")
_LETTERS = re.compile(r"[\W_]+")


def _squashed(value: str) -> str:
    return _LETTERS.sub("", value).casefold()


def _title_without_site(
    title: str | None, sitename: str | None, hostname: str | None, headings: list[str]
) -> str | None:
    """The page title without a leading or trailing site name ("Headline - Site.com")."""
    if not title:
        return title
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    squashed_headings = {_squashed(h) for h in headings}
    if _squashed(title) in squashed_headings:
        return title
    for part in parts:
        if _squashed(part) in squashed_headings and len(_squashed(part)) >= 8:
            return part.strip()
    site_names = {_squashed(n) for n in (sitename, hostname) if n}
    if hostname:
        site_names.add(_squashed(hostname.removeprefix("www.").rsplit(".", 1)[0]))
    site_names.discard("")

    def is_site(part: str) -> bool:
        squashed = _squashed(part)
        return bool(squashed) and any(n in squashed or squashed in n for n in site_names)

    if is_site(parts[-1]):
        return title[: _last_split(title)].strip()
    if is_site(parts[0]):
        return title[_first_split_end(title) :].strip()
    return title


def _last_split(title: str) -> int:
    return list(_TITLE_SEPARATOR.finditer(title))[-1].start()


def _first_split_end(title: str) -> int:
    return next(_TITLE_SEPARATOR.finditer(title)).end()


def _headings(tree: HtmlElement) -> list[str]:
    return [" ".join(h.text_content().split()) for h in tree.iterfind(".//h1")][:5]


def _as_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def html_article(
    html: str | bytes,
    *,
    url: str | None = None,
    reference_day: date | None = None,
    options: ExtractionOptions = CHOSEN_OPTIONS,
) -> HtmlExtraction:
    """Main text and metadata of a page; empty text when it holds no article.

    `reference_day` (the arrival day) bounds the publish date: nothing later is accepted.
    """
    encoding = None
    if isinstance(html, bytes):
        html, encoding = decoded_html(html)
    if not html.strip():
        return HtmlExtraction(url=url, encoding=encoding)
    tree = load_html(html)
    if tree is None:
        return HtmlExtraction(url=url, encoding=encoding)
    declared = _tree_language(tree)
    headings = _headings(tree)
    date_params = _date_params(options, reference_day)
    # Metadata and text are extracted separately so that the metadata pass can look at a page
    # without figure captions (a caption's "photographed in 1998" is not the publish date).
    metadata_tree = _captionless(tree) if options.captionless_date else deepcopy(tree)
    metadata = trafilatura.extract_metadata(metadata_tree, url, date_config=date_params)
    document = trafilatura.bare_extraction(
        tree,  # bare_extraction works on its own copy
        url=metadata.url or url,
        include_comments=options.include_comments,
        include_tables=options.include_tables,
        favor_precision=options.favor_precision,
        favor_recall=options.favor_recall,
        no_fallback=options.no_fallback,
        # deduplicate keeps a process-wide cache: a page seen twice would come back empty,
        # which a repeatable batch cannot have.
        deduplicate=False,
    )
    # None: no article on the page; the caller quarantines it, metadata still helps the review.
    text = _paragraphs(document.text if document is not None else None)
    if not any(len(p) >= options.min_paragraph_chars for p in text.split("\n\n")):
        text = ""
    language, confidence = detected_language(text, declared)
    authors = [a.strip() for a in (metadata.author or "").split(";") if a.strip()]
    return HtmlExtraction(
        title=(
            _title_without_site(metadata.title, metadata.sitename, metadata.hostname, headings)
            if options.title_without_site
            else metadata.title
        )
        or None,
        author=metadata.author or None,
        authors=authors,
        published=_as_date(metadata.date),
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
