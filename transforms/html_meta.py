"""Title and authors of one parsed HTML page: what the page states, read once, without a copy.

html_extract.html_article calls `page_facts` on its tree, then `headline` and `page_authors` with
trafilatura's metadata. The rules and their figures are in docs/extraction.md ("Title, author, date").
"""

from __future__ import annotations

import html as html_entities
import json
import re
import unicodedata
from datetime import date

from lxml import etree
from lxml.html import HtmlElement
from pydantic import BaseModel, Field

# ---------------------------------------------------------------- what the page states


class PageFacts(BaseModel):
    """What html_article reads from the page itself, besides trafilatura's metadata."""

    title_tag: str | None = None
    # <h1> texts; an <h1> that opens with a kicker element ("<span class=kicker>Topic</span>
    # Headline") gives the headline without it, the full text is in `full_headings`.
    headings: list[str] = Field(default_factory=list)
    full_headings: list[str] = Field(default_factory=list)
    headline: str | None = None  # the article's JSON-LD headline
    site_names: list[str] = Field(default_factory=list)
    authors: list[str] = Field(default_factory=list)  # JSON-LD and meta author strings as written
    json_ld_authors: list[str] = Field(default_factory=list)  # the article's, in JSON-LD
    description: str | None = None  # the first of description, og:description, twitter:description
    declared_published: str | None = None  # article:published_time or JSON-LD datePublished, as written


_ARTICLE_TYPES = re.compile(r"Article|Posting|Report|Story|Review|Blog", re.IGNORECASE)
_META_SITE = ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site")
_META_DESCRIPTION = ("description", "og:description", "twitter:description")
_META_PUBLISHED = ("article:published_time", "og:article:published_time", "datepublished", "dc.date.issued")
_META_AUTHOR = ("author", "article:author", "dc.creator", "byl", "parsely-author", "sailthru.author")


def page_facts(tree: HtmlElement, hostname: str | None) -> PageFacts:
    """Title tag, <h1>s, JSON-LD headline, site names, stated authors and description of a page."""
    facts = PageFacts()
    for h1 in tree.iterfind(".//h1"):
        full = _text(h1)
        facts.full_headings.append(full)
        facts.headings.append(_without_kicker(h1) or full)
        if len(facts.headings) == 5:
            break
    title = tree.find(".//head//title")
    if title is not None:
        facts.title_tag = " ".join(title.text_content().split()) or None
    for meta in tree.iterfind(".//meta[@content]"):
        _read_meta(meta, facts)
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        _read_json_ld(script.text or "", facts)
    facts.authors += facts.json_ld_authors
    homes = _home_hrefs(hostname)
    home_names = (_link_name(a) for a in tree.iterfind(".//a[@href]") if a.get("href", "").strip() in homes)
    facts.site_names += [n for n in home_names if n and len(n) <= 60]
    return facts


def _read_meta(meta: HtmlElement, facts: PageFacts) -> None:
    key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
    content = meta.get("content", "").strip()
    if not key or not content:
        return
    if key in _META_SITE:
        facts.site_names.append(content.lstrip("@"))
    elif key in _META_AUTHOR and not content.lower().startswith("http"):
        facts.authors.append(content)
    elif key in _META_DESCRIPTION and facts.description is None:
        facts.description = content
    elif key in _META_PUBLISHED and facts.declared_published is None:
        facts.declared_published = content


# Inline markup inside a headline ("<em>Titanic</em> director returns") is part of it, not a kicker.
_INLINE_TAGS = {"em", "i", "b", "strong", "q", "cite", "abbr", "code", "sup", "sub", "mark", "u", "s", "br", "img"}
_KICKER_MARKS = ":：|｜-–—·•›»/ \u00a0"


def _without_kicker(h1: HtmlElement) -> str | None:
    """The <h1>'s text after a leading kicker element (a classed <span>/<div>, then the headline)."""
    node = h1
    # Wrappers such as <h1><a href><span>Kicker</span>Headline</a></h1>.
    while len(node) == 1 and not (node.text or "").strip() and not (node[0].tail or "").strip():
        node = node[0]
    if (node.text or "").strip() or len(node) < 1:
        return None
    first = node[0]
    if not isinstance(first.tag, str) or first.tag in _INLINE_TAGS or not first.get("class"):
        return None
    kicker = _text(first)
    rest_parts = [first.tail or ""]
    for sibling in first.itersiblings():
        if isinstance(sibling.tag, str):
            rest_parts.append(_text(sibling))
        rest_parts.append(sibling.tail or "")
    rest = " ".join(" ".join(rest_parts).split()).lstrip(_KICKER_MARKS)
    if not kicker or len(kicker.split()) > 8 or len(_squashed(rest)) < 6 or len(rest) < len(kicker):
        return None
    return rest


def _text(node: HtmlElement) -> str:
    """The element's text with whitespace folded, and a space for each <br> ("Line one<br>Line two")."""
    return " ".join(_spaced_text(node).split())


def _spaced_text(node: HtmlElement) -> str:
    if node.find(".//br") is None:
        return node.text_content()
    parts = [node.text or ""]
    for child in node:
        if isinstance(child.tag, str):
            parts.append(" " if child.tag == "br" else _spaced_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _read_json_ld(text: str, facts: PageFacts) -> None:
    try:
        data = json.loads(text)
    except ValueError:
        return
    items = _json_ld_items(data)
    articles = [i for i in items if _ARTICLE_TYPES.search(str(i.get("@type", "")))]
    for item in articles[:1]:
        facts.json_ld_authors += _json_ld_names(item.get("author"))
        if isinstance(item.get("datePublished"), str) and facts.declared_published is None:
            facts.declared_published = item["datePublished"]
        headline = item.get("headline")
        if isinstance(headline, str) and facts.headline is None:
            facts.headline = " ".join(html_entities.unescape(headline).split()) or None
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


def _home_hrefs(hostname: str | None) -> set[str]:
    """The ways a link may point at the site's home page: its texts name the site, in any script."""
    homes = {"/", "./", "index.html", "/index.html", "/index.php"}
    if hostname:
        host = hostname.removeprefix("www.")
        homes |= {
            f"{scheme}{h}{end}"
            for scheme in ("https://", "http://", "//")
            for h in (host, f"www.{host}")
            for end in ("", "/")
        }
    return homes


def _link_name(link: HtmlElement) -> str:
    text = " ".join(link.text_content().split())
    return text or next((img.get("alt", "").strip() for img in link.iterfind(".//img[@alt]")), "")


# ---------------------------------------------------------------- title

# Between a headline and a site or section name: spaced ASCII marks as most sites write them,
# full-width marks (：｜丨) with or without spaces, and "Kicker: Headline".
_CJK = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
_SEGMENT_SPLIT = re.compile(
    r"\s+(?:[|\-–—·•›»~/:_]|::)\s+|\s*[｜丨：]\s*|(?<=\w):\s+"
    # Between Chinese, Japanese or Korean words no space is needed: "标题_新闻中心_新浪网".
    rf"|(?<=[{_CJK}])[_|\-–—](?=[{_CJK}])"
)
# Any of these, spaced or not, may stand between a headline and a known site name ("标题-新华网",
# "标题_新华网").
_SITE_MARKS = "|｜丨:：-–—·•›»~/_"
_LETTERS = re.compile(r"[\W_]+")
_WORDS = re.compile(r"\w+")
# WordPress's old default title ("Blog » Blog Archive » Post") carries no headline.
_GENERIC_SEGMENTS = {"blogarchive", "archive", "home", "startseite"}
# A title cut short for a search result or a share card.
_TRUNCATED = ("...", "…")


def _squashed(value: str) -> str:
    """Letters and digits only, casefolded, accents off: "El País" and "elpais.com" meet."""
    if not value.isascii():
        value = "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))
    return _LETTERS.sub("", value).casefold()


# Host names spell umlauts out: "Süddeutsche Zeitung" at sueddeutsche.de.
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def _site_forms(value: str) -> set[str]:
    return {_squashed(value), _squashed(value.translate(_UMLAUTS))}


def _site_keys(site_names: list[str], hostname: str | None) -> set[str]:
    keys = {_squashed(n) for n in site_names}
    if hostname:
        host = hostname.removeprefix("www.")
        keys |= {_squashed(host), _squashed(host.rsplit(".", 1)[0])}
    return {k for k in keys if len(k) >= 3}


def _is_site_segment(segment: str, keys: set[str]) -> bool:
    forms = _site_forms(segment)
    if forms & _GENERIC_SEGMENTS:
        return True
    # "Evening Standard" in "London Evening Standard" is the site; "taz" in "Why the taz sold out"
    # is a headline that names it.
    return any(
        len(squashed) >= 3 and (squashed in k or (k in squashed and 2 * len(k) >= len(squashed)))
        for squashed in forms
        for k in keys
    )


def _is_section(segment: str, headline: str) -> bool:
    """A section or tag name between a headline and the site ("Headline | Politics | Site")."""
    words = segment.split()
    return (
        0 < len(words) <= 3
        and len(segment) <= 30
        and not re.search(r"[\d?!.,;\"“”«»]", segment)
        and len(headline) >= 2 * len(segment)
    )


def _without_site(title: str, site_names: list[str], keys: set[str]) -> str | None:
    """The title without leading or trailing site names; None when nothing else is left."""
    written = title.strip()
    for name in sorted({n.strip() for n in site_names if len(_squashed(n)) >= 2}, key=len, reverse=True):
        title = _without_name(title, name)
    pieces = _SEGMENT_SPLIT.split(title)
    seps = _SEGMENT_SPLIT.findall(title)
    kept = [(p, seps[i - 1].strip() if i else "") for i, p in enumerate(pieces) if p.strip()]
    parts = [p for p, _ in kept]
    if not parts:
        return None
    # A known name was cut off the end, or the start.
    site_at_end, site_at_start = not written.endswith(title.strip()), not written.startswith(title.strip())
    while len(parts) > 1 and _is_site_segment(parts[-1], keys):
        parts.pop()
        site_at_end = True
    while len(parts) > 1 and _is_site_segment(parts[0], keys):
        parts.pop(0)
        site_at_start = True
    # "Headline | Site | tagline | ...": everything from the site name on is the site's.
    for i, part in enumerate(parts[1:], start=1):
        if _is_site_segment(part, keys):
            parts = parts[:i]
            site_at_end = True
            break
    # "Headline | Section | Site", "Site | Section | Headline": short names between the headline
    # and the site are sections. Not after a colon: "Budget: Council agrees" is a kicker and its
    # headline.
    marks = {sep for p, sep in kept if p in parts[1:]}
    if len(parts) > 1 and not marks & {":", "："}:
        while site_at_end and len(parts) > 1 and _is_section(parts[-1], parts[0]):
            parts.pop()
        while site_at_start and len(parts) > 1 and _is_section(parts[0], parts[-1]):
            parts.pop(0)
    if len(parts) == 1 and _site_forms(parts[0]) & (keys | _GENERIC_SEGMENTS):
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


def headline(title: str | None, facts: PageFacts, site_names: list[str], hostname: str | None) -> str | None:
    """The article's headline: its title, og:title or JSON-LD headline without site names, or the
    <h1> they stand for."""
    keys = _site_keys(site_names, hostname)
    if hostname:
        site_names = [*site_names, hostname.removeprefix("www.")]
    tag = html_entities.unescape(facts.title_tag) if facts.title_tag else None
    # trafilatura's title may be a piece of the <title> it cut at a separator without knowing the
    # site ("Site » Section" of "Site » Section » Headline"): where the site is known, the <title>
    # read by our rules is the better reading.
    if title and tag and title != tag and title in tag and _without_site(tag, site_names, keys) not in (None, tag):
        title = None
    sources = list(dict.fromkeys(html_entities.unescape(t) for t in (title, tag, facts.headline) if t))
    if not sources:
        return None
    stripped = [s for s in (_without_site(t, site_names, keys) for t in sources) if s]
    if not stripped:
        return sources[0]  # the page's title is its site's name: better than nothing
    whole = [s for s in stripped if not s.endswith(_TRUNCATED)] or stripped
    headline = whole[0]
    # trafilatura's title may be the <title> with only its last segment cut ("Headline | Section"
    # of "Headline | Section | Site"): the shorter reading of the same title is the headline.
    for other in whole[1:]:
        if len(headline) <= len(other):
            continue
        if (headline.startswith(other) and headline[len(other) :].lstrip()[:1] in _SITE_MARKS) or (
            headline.endswith(other) and headline[: -len(other)].rstrip()[-1:] in _SITE_MARKS
        ):
            headline = other
    pairs = [
        (h, f)
        for h, f in zip(facts.headings, facts.full_headings, strict=False)
        if len(_squashed(f)) >= 8 and not _site_forms(f) & keys
    ]
    # An <h1> that is a title, or a segment of one ("Kicker: Headline", "Headline | Section"), is
    # the headline; of several, the longest ("Headline – Subtitle" over "Subtitle"). A kicker
    # element of the <h1> is left out where the rest is what a title states.
    segments = {_squashed(p) for candidate in stripped for p in [candidate, *_SEGMENT_SPLIT.split(candidate)]}
    for variant in ([h for h, _ in pairs], [f for _, f in pairs]):
        matching = [h for h in variant if _squashed(h) in segments]
        if matching:
            return max(matching, key=len)
    squashed_headline = _squashed(headline)
    best, best_score = None, 0.0
    for _, heading in pairs:
        squashed = _squashed(heading)
        if squashed.endswith(squashed_headline):
            return headline  # an <h1> with a kicker before the headline
        # "HeadlineSite tagline | Site tagline": a theme glued the site's tagline to the headline.
        if squashed_headline.startswith(squashed) and squashed_headline[len(squashed) :] in keys:
            return heading
        # A title cut short ("The council passes its…") stands for the <h1> it begins.
        if headline.endswith(_TRUNCATED) and squashed.startswith(_squashed(headline.rstrip(".…"))):
            return heading
        score = _similarity(heading, headline)
        if score > best_score:
            best, best_score = heading, score
    # The title was reworded for search or social media; the page shows the <h1>.
    if best is not None and best_score >= _HEADING_SIMILARITY:
        return best
    return headline


# ---------------------------------------------------------------- date

_ISO_DAY = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")


def published_day(found: str | None, facts: PageFacts, latest: date) -> date | None:
    """htmldate's publish day, unless the page declares one after `latest`: htmldate then makes up
    a coarser one (the 1st of that month or year), and no date is the honest answer."""
    match = _ISO_DAY.match(facts.declared_published or "")
    if match:
        try:
            if date(*map(int, match.groups())) > latest:
                return None
        except ValueError:
            pass
    match = _ISO_DAY.match(found or "")
    try:
        return date(*map(int, match.groups())) if match else None
    except ValueError:
        return None


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
    "editorialstaff", "editorialteam", "newsdesk", "authors", "autor", "autoren", "auteur",
    "about", "abouttheauthor", "moreauthors", "allauthors", "share", "contact", "profile",
    "by", "von", "par", "por", "door", "av", "di", "postedby", "writtenby", "text",
    # weekdays in a byline's date line ("Thursday, 2 May")
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo",
    "lunedi", "martedi", "mercoledi", "giovedi", "venerdi", "sabato", "domenica",
}  # fmt: skip


def page_authors(
    trafilatura_author: str | None,
    facts: PageFacts,
    site_names: list[str],
    hostname: str | None,
    html: str,
    tree: HtmlElement | None = None,
) -> list[str]:
    """The page's author names as it writes them, without template words or the site's own name."""
    names = []
    for name in (a.strip() for a in (trafilatura_author or "").split(";")):
        name = _AUTHOR_PREFIX.sub("", name).strip()
        if _squashed(name) and _squashed(name) not in _NOT_NAMES:
            names.append(_as_written(name, facts.authors, html))
    # trafilatura takes any text of an element classed "author" ("Last changed on", an institute's
    # name cut at "and"): a byline with a part that is no name is not a list of names.
    if not all(_is_name(n) for n in names):
        names = []
    # trafilatura keeps a meta author over the article's JSON-LD authors: add those it left out.
    for name in facts.json_ld_authors:
        squashed, known = _squashed(name), [_squashed(n) for n in names]
        if squashed and squashed not in _NOT_NAMES and not any(squashed in k or k in squashed for k in known):
            names.append(name)
    # The site or its publisher listed beside the writers ("FAZ GmbH; A; B") is not one of them;
    # alone, it is the byline the page gives (a foundation's own post), unless the page's byline
    # element names a person.
    keys = _site_keys(site_names, hostname)
    people = [n for n in names if not _site_forms(n) & keys and not _PUBLISHER.search(n)]
    if not people and tree is not None:
        byline = _byline_names(_BYLINE_CANDIDATES(tree)[:40], keys)
        if byline:
            return byline
    if not names:
        # trafilatura drops a meta author without a space in it: "李明", "Konstantin".
        stated = (_AUTHOR_PREFIX.sub("", n).strip() for a in facts.authors for n in _AUTHOR_SPLIT.split(a))
        people = [n for n in stated if n and _squashed(n) not in _NOT_NAMES | keys and not _PUBLISHER.search(n)]
        return list(dict.fromkeys(people)) if all(_is_name(n) for n in people) else []
    return _without_agencies(list(dict.fromkeys(people or names)))


def _without_agencies(names: list[str]) -> list[str]:
    """Agencies credited beside a writer ("Jane Doe, dpa") are not authors; alone, they are the byline."""
    people = [n for n in names if _squashed(n) not in _AGENCIES]
    return people or names


# Byline elements: rel=author, itemprop=author (with schema.org Person microdata inside), and
# classes that say author or byline (hCard's "author vcard", "Author", "autor", "auteur", "writer",
# "contributor"). Only looked for where trafilatura, the meta tags and JSON-LD name nobody but
# the site (3 pages in 10): the query costs about 1.5 ms.
_BYLINE_CANDIDATES = etree.XPath(
    "//*[@class or @rel or @itemprop][contains(@class, 'uthor') or contains(@class, 'yline')"
    " or contains(@class, 'autor') or contains(@class, 'auteur') or contains(@class, 'writer')"
    " or contains(@class, 'contributor') or @rel='author' or contains(@itemprop, 'author')] | //byline"
)
# Reader comments, side columns and teasers name other people. Whole class names and ids only:
# a layout's "with-sidebar" or Blogger's "widget Blog" wrap the article itself.
_NOT_BYLINE_AREA = re.compile(
    r"^(?:comments?|comment-?list|comment[-_].*|.*-comments?|sidebar|related.*|teaser.*|footer|site-footer"
    r"|replies|reply|reviews?)$",
    re.IGNORECASE,
)
# "Posted on 3 May 2024 by Jane Doe", "Von Jan Kowalski": the name follows the byline word.
_BYLINE_WORD = re.compile(
    r"(?:^|\s)(?:by|von|par|por|door|av|di|written by|posted by|autor(?:in)?|auteur|author|text|автор|作者)"
    r"\s*[:：]?\s+",
    re.IGNORECASE,
)
# What may stand before the byline word: a label or a date ("Posted on 3 May 2024 by"), never a
# name ("Walter von Aachen").
_BEFORE_BYLINE_WORD = re.compile(r"^(?:\W*|.*\d.*|posted|published|written|veröffentlicht|geschrieben)$", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:[,;&|/、]|\s(?:and|und|et|y|e|i|en|og|och|ve)\s)\s*")
# Agencies credited beside a writer ("Jane Doe, dpa"); alone, they are the byline.
_AGENCIES = {
    "dpa", "afp", "ap", "apa", "reuters", "sda", "ansa", "efe", "kna", "epd", "kyodo", "xinhua",
    "pti", "ians", "ani", "tass", "ria", "aa", "anp", "belga", "tt", "ntb", "ctk", "pap", "ats",
}  # fmt: skip


def _byline_names(nodes: list[HtmlElement], keys: set[str]) -> list[str]:
    """Author names in the page's first byline element outside comments and side columns."""
    for node in nodes:
        if node.tag in ("meta", "link", "script", "style", "img", "time"):
            continue
        if any(_in_other_area(a) for a in (node, *node.iterancestors())):
            continue
        named = node.find(".//*[@itemprop='name']")  # schema.org Person microdata
        # itertext, not text_content: "<b>Author</b>Jane Doe" is not "AuthorJane Doe".
        text = (named.get("content") or named.text_content()) if named is not None else " ".join(node.itertext())
        names = _byline_text_names(" ".join(text.split()), keys)
        if names:
            return names
    return []


def _in_other_area(node: HtmlElement) -> bool:
    if node.tag in ("aside", "footer"):
        return True
    words = f"{node.get('class', '')} {node.get('id', '')}".split()
    return any(_NOT_BYLINE_AREA.match(word) for word in words)


def _byline_text_names(text: str, keys: set[str]) -> list[str]:
    """The names in a byline element's text; none where a part of it is not a name (a date line,
    "Last changed on", a category)."""
    if not text or len(text) > 120:
        return []
    match = _BYLINE_WORD.search(text)
    if match and _BEFORE_BYLINE_WORD.match(text[: match.start()].strip()):
        text = text[match.end() :]
    # "Jane Doe - Chrome team", "Jane Doe | 3 May 2024", "Jane Doe in Politics": the name first.
    head = _AFTER_NAMES.split(text)[0]
    names = []
    for name in _NAME_SPLIT.split(head):
        name = name.strip(" .:-–")
        squashed = _squashed(name)
        if not squashed or squashed in _NOT_NAMES or squashed in keys or _PUBLISHER.search(name):
            continue
        # A one-word name must be all there is ("harbourwatcher"), not the head of a date line
        # ("Thursday, 4 May 2024").
        if not _is_name(name) or (len(name.split()) == 1 and head != text):
            return []
        names.append(name)
    return _without_agencies(list(dict.fromkeys(names)))


_AFTER_NAMES = re.compile(r"\s[-–—|•·]\s|\s\d|\s(?:in|im|on|am|um|dans|en|el|il|le|à|at)\s")
# Lowercase particles of names: "Walter von Aachen", "Ana de la Cruz", "Omar bin Said".
_NAME_PARTICLES = {
    "von", "van", "der", "den", "de", "la", "le", "di", "da", "du", "del", "della", "dos", "das",
    "bin", "ibn", "al", "el", "y", "zu", "ten", "ter", "af",
}  # fmt: skip


def _is_name(name: str) -> bool:
    """A person's name or a handle: at most 5 words ("José Luis Rodríguez de Vega"), each
    capitalised but for particles ("von", "d'Amato"); a single word may be a lowercase handle."""
    words = name.split()
    if len(words) > 5 or "@" in name or name.lower().startswith("http"):
        return False
    if len(words) == 1:
        return len(name) <= 30
    return not any(c.isdigit() for c in name) and all(
        w in _NAME_PARTICLES or w[1:2] in ("'", "’") or not w[0].isalpha() or not w[0].islower() for w in words
    )


def _as_written(name: str, stated: list[str], html: str) -> str:
    """trafilatura turns "H. Adwan" into "H Adwan" and "ThE_PaiN" into "ThE PaiN": the page's form."""
    words = _WORDS.findall(name)
    if len(words) == 1 and name not in html:
        # "Harbourwatcher" for "harbourwatcher": the page's spelling of a one-word name.
        match = re.search(rf"(?<![\w@/.]){re.escape(name)}(?![\w@])", html, re.IGNORECASE)
        return match.group() if match else name
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
