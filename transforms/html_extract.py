"""Main text and metadata of one HTML page, with trafilatura configured by measurement.

The configuration and the figures behind it are in docs/extraction.md (bench/eval_extraction.py).
"""

from __future__ import annotations

import codecs
import json
import logging
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import charset_normalizer
import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from pydantic import BaseModel, ConfigDict, Field
from trafilatura.utils import load_html

from transforms.body_vote import voted_body
from transforms.boilerplate import without_boilerplate
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
    # Cookie-consent, sign-in and paywall paragraphs out, in a dozen languages, and short lines of
    # site furniture (credits, share and comment prompts, newsletter offers): transforms/boilerplate.py.
    drop_walls: bool = True
    drop_furniture: bool = True


# Chosen by measurement on the trafilatura evaluation set (docs/extraction.md).
CHOSEN_OPTIONS = ExtractionOptions()

# With no reference day we still must not let htmldate read the clock (its default bound is
# "today"), so the bound is only a sanity cap. The pipeline always passes the arrival day.
_NO_REFERENCE_CAP = "2099-12-31"
# A publish date this long after the arrival day is a time zone, not an error: a site in UTC+9
# publishes "tomorrow" by the UTC calendar. The articles stage allows the same slack.
FUTURE_SLACK = timedelta(days=2)

# A plain contains() in XPath, then the exact class test in Python: a third of the time of
# testing whole class names in XPath on every element.
_CAPTION_CANDIDATES = etree.XPath(".//figcaption|.//caption|.//*[contains(@class, 'caption')]")
_CAPTION_CLASSES = {"caption", "wp-caption-text"}


def _captions(tree: HtmlElement) -> list[HtmlElement]:
    return [
        node
        for node in _CAPTION_CANDIDATES(tree)
        if node.tag in ("figcaption", "caption") or _CAPTION_CLASSES & set(node.get("class", "").split())
    ]


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
    candidates = ["utf-8", _declared_charset(raw[:4096])]
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


def _date_params(options: ExtractionOptions, reference_day: date | None) -> dict[str, object]:
    return {
        "extensive_search": options.extensive_date_search,
        "original_date": options.original_date,
        "outputformat": "%Y-%m-%d",
        "max_date": _latest_day(reference_day).isoformat(),
    }


def _latest_day(reference_day: date | None) -> date:
    return reference_day + FUTURE_SLACK if reference_day else date.fromisoformat(_NO_REFERENCE_CAP)


# ---------------------------------------------------------------- what the page states


class _PageFacts(BaseModel):
    """What html_article reads from the page itself, besides trafilatura's metadata."""

    title_tag: str | None = None
    headings: list[str] = Field(default_factory=list)
    site_names: list[str] = Field(default_factory=list)
    authors: list[str] = Field(default_factory=list)  # JSON-LD and meta author strings as written
    json_ld_authors: list[str] = Field(default_factory=list)  # the article's, in JSON-LD
    description: str | None = None  # the first of description, og:description, twitter:description


_ARTICLE_TYPES = re.compile(r"Article|Posting|Report|Story|Review|Blog", re.IGNORECASE)
_META_SITE = ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site")
_META_DESCRIPTION = ("description", "og:description", "twitter:description")
_META_AUTHOR = ("author", "article:author", "dc.creator", "byl", "parsely-author", "sailthru.author")


def _page_facts(tree: HtmlElement, hostname: str | None) -> _PageFacts:
    facts = _PageFacts(headings=[" ".join(h.text_content().split()) for h in tree.iterfind(".//h1")][:5])
    title = tree.find(".//head//title")
    if title is not None:
        facts.title_tag = " ".join(title.text_content().split()) or None
    for meta in tree.iterfind(".//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = meta.get("content", "").strip()
        if not key or not content:
            continue
        if key in _META_SITE:
            facts.site_names.append(content.lstrip("@"))
        elif key in _META_AUTHOR and not content.lower().startswith("http"):
            facts.authors.append(content)
        elif key in _META_DESCRIPTION and facts.description is None:
            facts.description = content
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        _read_json_ld(script.text or "", facts)
    facts.authors += facts.json_ld_authors
    facts.site_names += _home_link_names(tree, hostname)
    return facts


def _read_json_ld(text: str, facts: _PageFacts) -> None:
    try:
        data = json.loads(text)
    except ValueError:
        return
    items = _json_ld_items(data)
    articles = [i for i in items if _ARTICLE_TYPES.search(str(i.get("@type", "")))]
    for item in articles[:1]:
        facts.json_ld_authors += _json_ld_names(item.get("author"))
    for item in items:
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            facts.site_names.append(publisher["name"].strip())
        if item.get("@type") == "WebSite" and isinstance(item.get("name"), str):
            facts.site_names.append(item["name"].strip())


def _json_ld_items(data: object) -> list[dict]:
    """The objects of a JSON-LD block, with @graph and lists flattened."""
    if isinstance(data, list):
        return [item for part in data for item in _json_ld_items(part)]
    if not isinstance(data, dict):
        return []
    return [data, *_json_ld_items(data.get("@graph", []))]


def _json_ld_names(value: object) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() and not value.startswith("http") else []
    if isinstance(value, list):
        return [name for part in value for name in _json_ld_names(part)]
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return _json_ld_names(value["name"])
    return []


def _home_link_names(tree: HtmlElement, hostname: str | None) -> list[str]:
    """Texts of links to the site's home page: the site's name as it writes it, in any script."""
    homes = {"/", "./", "index.html", "/index.html", "/index.php"}
    if hostname:
        host = hostname.removeprefix("www.")
        homes |= {
            f"{scheme}{h}{end}"
            for scheme in ("https://", "http://", "//")
            for h in (host, f"www.{host}")
            for end in ("", "/")
        }
    names = []
    for link in tree.iterfind(".//a[@href]"):
        if link.get("href", "").strip() not in homes:
            continue
        text = " ".join(link.text_content().split())
        if not text:
            text = next((img.get("alt", "").strip() for img in link.iterfind(".//img[@alt]")), "")
        if text and len(text) <= 60:
            names.append(text)
    return names


# ---------------------------------------------------------------- title

# Between a headline and a site or section name: spaced ASCII marks as most sites write them,
# full-width marks (：｜丨) with or without spaces, and "Kicker: Headline".
_SEGMENT_SPLIT = re.compile(r"\s+(?:[|\-–—·•›»~/:]|::)\s+|\s*[｜丨：]\s*|(?<=\w):\s+")
# Any of these, spaced or not, may stand between a headline and a known site name ("标题-新华网").
_SITE_MARKS = "|｜丨:：-–—·•›»~/_"
_LETTERS = re.compile(r"[\W_]+")
_WORDS = re.compile(r"\w+")
# WordPress's old default title ("Blog » Blog Archive » Post") carries no headline.
_GENERIC_SEGMENTS = {"blogarchive", "archive", "home", "startseite"}


def _squashed(value: str) -> str:
    return _LETTERS.sub("", value).casefold()


def _site_keys(site_names: list[str], hostname: str | None) -> set[str]:
    keys = {_squashed(n) for n in site_names}
    if hostname:
        host = hostname.removeprefix("www.")
        keys |= {_squashed(host), _squashed(host.rsplit(".", 1)[0])}
    return {k for k in keys if len(k) >= 3}


def _is_site_segment(segment: str, keys: set[str]) -> bool:
    squashed = _squashed(segment)
    if squashed in _GENERIC_SEGMENTS:
        return True
    # "Evening Standard" in "London Evening Standard" is the site; "taz" in "Why the taz sold out"
    # is a headline that names it.
    return len(squashed) >= 3 and any(squashed in k or (k in squashed and 2 * len(k) >= len(squashed)) for k in keys)


def _without_site(title: str, site_names: list[str], keys: set[str]) -> str | None:
    """The title without leading or trailing site names; None when nothing else is left."""
    for name in sorted({n.strip() for n in site_names if len(_squashed(n)) >= 2}, key=len, reverse=True):
        title = _without_name(title, name)
    parts = [p for p in _SEGMENT_SPLIT.split(title) if p.strip()]
    if not parts:
        return None
    while len(parts) > 1 and _is_site_segment(parts[-1], keys):
        parts.pop()
    while len(parts) > 1 and _is_site_segment(parts[0], keys):
        parts.pop(0)
    # "Headline | Site | tagline | ...": everything from the site name on is the site's.
    for i, part in enumerate(parts[1:], start=1):
        if _is_site_segment(part, keys):
            parts = parts[:i]
            break
    if len(parts) == 1 and (_squashed(parts[0]) in keys or _squashed(parts[0]) in _GENERIC_SEGMENTS):
        return None
    return _rejoined(title, parts)


def _without_name(title: str, name: str) -> str:
    """A known site name cut off behind any separator mark, spaced or not: "Headline-新华网",
    "Site｜Headline", "Headline (Site)"."""
    key, size = name.casefold(), len(name)
    body = title.strip()
    bracketed = body[-1:] in (")", "）")
    inner = body[:-1].rstrip() if bracketed else body
    if len(inner) > size and inner[-size:].casefold() == key:
        head = inner[:-size].rstrip()
        if bracketed and head[-1:] in ("(", "（"):
            return head[:-1].rstrip()
        if not bracketed and head[-1:] and head[-1] in _SITE_MARKS:
            return head.rstrip(_SITE_MARKS + " ")
    if len(body) > size and body[:size].casefold() == key:
        tail = body[size:].lstrip()
        if tail[:1] and tail[0] in _SITE_MARKS:
            return tail.lstrip(_SITE_MARKS + " ")
    return title


def _rejoined(title: str, parts: list[str]) -> str:
    """The span of `title` from the first to the last kept segment, separators as written."""
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if 0 <= start < end else " ".join(parts)


# Share of words an <h1> and the title have in common (Dice) for the <h1> to count as the same
# headline reworded; unrelated <h1>s (site logo, "Most read") share almost none.
_HEADING_SIMILARITY = 0.5


def _tokens(value: str) -> set[str]:
    words = _WORDS.findall(value.casefold())
    if words and max(map(len, words)) > 15:
        # Chinese, Japanese or Thai: no spaces between words, so compare character pairs.
        squashed = _squashed(value)
        return {squashed[i : i + 2] for i in range(len(squashed) - 1)}
    return set(words)


def _similarity(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    return 2 * len(ta & tb) / (len(ta) + len(tb)) if ta and tb else 0.0


def _headline(
    title: str | None, title_tag: str | None, headings: list[str], site_names: list[str], hostname: str | None
) -> str | None:
    """The article's headline: the title without site names, or the <h1> it stands for."""
    keys = _site_keys(site_names, hostname)
    if hostname:
        site_names = [*site_names, hostname.removeprefix("www.")]
    sources = list(dict.fromkeys(t for t in (title, title_tag) if t))
    if not sources:
        return None
    stripped = [s for s in (_without_site(t, site_names, keys) for t in sources) if s]
    if not stripped:
        return sources[0]  # the page's title is its site's name: better than nothing
    headline = stripped[0]
    headings = [h for h in headings if len(_squashed(h)) >= 8 and _squashed(h) not in keys]
    # An <h1> that is a title, or a segment of one ("Kicker: Headline", "Headline | Section"), is
    # the headline; of several, the longest ("Headline – Subtitle" over "Subtitle").
    segments = {_squashed(p) for candidate in stripped for p in [candidate, *_SEGMENT_SPLIT.split(candidate)]}
    matching = [h for h in headings if _squashed(h) in segments]
    if matching:
        return max(matching, key=len)
    best, best_score = None, 0.0
    for heading in headings:
        if _squashed(heading).endswith(_squashed(headline)):
            return headline  # an <h1> with a kicker before the headline
        score = _similarity(heading, headline)
        if score > best_score:
            best, best_score = heading, score
    # The title was reworded for search or social media; the page shows the <h1>.
    if best is not None and best_score >= _HEADING_SIMILARITY:
        return best
    return headline


# ---------------------------------------------------------------- author

# "By", "Von", "Auteur", "Автор:" before a name; Chinese "作者：" needs the colon, no space.
_AUTHOR_PREFIX = re.compile(
    r"^(?:by|von|vom|par|por|di|door|av|auteur|autor|author|interview|written by|posted by|автор|текст|بقلم)"
    r"\s*[:：]?\s+|^(?:责任编辑|编辑|作者|记者|文)\s*[:：/]\s*",
    re.IGNORECASE,
)
_PUBLISHER = re.compile(
    r"\b(?:GmbH|mbH|AG|KG|Ltd|Inc|LLC|Corp|plc|S\.?A\.?S?|e\.\s?V|Media|Média|Verlag|Publishing|Press|Presse)\b\.?$"
)
_AUTHOR_SPLIT = re.compile(r"\s*[;,|/、]\s*")
# Template words and credentials, not names.
_NOT_NAMES = {
    "admin", "administrator", "wordpressadmin", "staff", "editor", "editors", "editorial",
    "noauthor", "unknown", "anonymous", "guest", "posted", "follow", "name", "author", "phd",
    "md", "mba", "msc", "ma", "rd", "dr", "prof", "team", "staffwriter", "staffreporter",
    "editorialstaff", "editorialteam", "newsdesk",
}  # fmt: skip


def _authors(
    trafilatura_author: str | None, facts: _PageFacts, site_names: list[str], hostname: str | None, html: str
) -> list[str]:
    """The page's author names as it writes them, without template words or the site's own name."""
    names = []
    for name in (a.strip() for a in (trafilatura_author or "").split(";")):
        name = _AUTHOR_PREFIX.sub("", name).strip()
        if _squashed(name) and _squashed(name) not in _NOT_NAMES:
            names.append(_as_written(name, facts.authors, html))
    # trafilatura keeps a meta author over the article's JSON-LD authors: add those it left out.
    for name in facts.json_ld_authors:
        squashed, known = _squashed(name), [_squashed(n) for n in names]
        if squashed and squashed not in _NOT_NAMES and not any(squashed in k or k in squashed for k in known):
            names.append(name)
    # The site or its publisher listed beside the writers ("FAZ GmbH; A; B") is not one of them;
    # alone, it is the byline the page gives (a foundation's own post).
    keys = _site_keys(site_names, hostname)
    people = [n for n in names if _squashed(n) not in keys and not _PUBLISHER.search(n)]
    if not names:
        # trafilatura drops a meta author without a space in it: "李明", "Konstantin".
        stated = (_AUTHOR_PREFIX.sub("", n).strip() for a in facts.authors for n in _AUTHOR_SPLIT.split(a))
        people = [n for n in stated if _squashed(n) not in _NOT_NAMES | keys and not _PUBLISHER.search(n)]
        return list(dict.fromkeys(n for n in people if n))
    return list(dict.fromkeys(people or names))


def _as_written(name: str, stated: list[str], html: str) -> str:
    """trafilatura turns "H. Adwan" into "H Adwan" and "ThE_PaiN" into "ThE PaiN": the page's form."""
    words = _WORDS.findall(name)
    if len(words) < 2:
        return name
    # Case-sensitive, and not inside an e-mail address or a URL ("michael.andrusio@..."). The
    # pattern starts with a literal word so that re can skip through the page quickly.
    pattern = re.compile(r"[\s._+]{1,3}".join(map(re.escape, words)) + r"\.?(?![\w@])")
    for text in (*stated, html):
        for match in pattern.finditer(text):
            if not re.match(r"[\w@/.]", text[match.start() - 1 : match.start()]):
                return " ".join(match.group().split())
    return name


# ---------------------------------------------------------------- date


def _as_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


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
    tree = load_html(html)
    if tree is None:
        return HtmlExtraction(url=url, encoding=encoding)
    declared = _tree_language(tree)
    hostname = urlsplit(url).hostname if url else None
    facts = _page_facts(tree, hostname)
    document = trafilatura.bare_extraction(
        tree,  # bare_extraction works on its own copy
        url=url,
        include_comments=options.include_comments,
        include_tables=options.include_tables,
        favor_precision=options.favor_precision,
        favor_recall=options.favor_recall,
        no_fallback=options.no_fallback,
        # deduplicate keeps a process-wide cache: a page seen twice would come back empty,
        # which a repeatable batch cannot have.
        deduplicate=False,
    )
    text = _paragraphs(document.text if document is not None else None)
    if options.vote and text:
        text = voted_body(text, html, tree, description=facts.description)
    if options.drop_walls:
        text = without_boilerplate(text, furniture=options.drop_furniture)
    # The one metadata pass comes last, on the page itself, so that htmldate can search it without
    # figure captions (a caption's "photographed in 1998" is not the publish date) and without a
    # copy.
    if options.captionless_date:
        for node in _captions(tree):
            node.drop_tree()
    metadata = trafilatura.extract_metadata(tree, url, date_config=_date_params(options, reference_day))
    # No text: no article on the page; the caller quarantines it, metadata still helps the review.
    if not any(len(p) >= options.min_paragraph_chars for p in text.split("\n\n")):
        text = ""
    # The opening of the text decides its language; the rest only costs time.
    language, confidence = detected_language(text[:_LANGUAGE_SAMPLE], declared)
    hostname = metadata.hostname or hostname
    # trafilatura's sitename may be its guess from the <title> (any part with a dot in it, such as
    # "Sehnsucht von R. K. Lilley"): only a domain-like one is taken as the site's name.
    site_names = facts.site_names + [n for n in [metadata.sitename] if n and not re.search(r"\s", n)]
    if options.title_without_site:
        title = _headline(metadata.title, facts.title_tag, facts.headings, site_names, hostname)
    else:
        title = metadata.title
    authors = [a.strip() for a in (metadata.author or "").split(";") if a.strip()]
    if options.clean_authors:
        authors = _authors(metadata.author, facts, site_names, hostname, html)
    return HtmlExtraction(
        title=title or None,
        author="; ".join(authors) or None,
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


# py3langid's answer on the first 300 and on the first 500 characters matches the full text's on
# all 300 pages of the evaluation set (docs/extraction.md), at a ninth of the cost of 5000.
_LANGUAGE_SAMPLE = 500
