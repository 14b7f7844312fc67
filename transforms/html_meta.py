"""Title and authors of one parsed HTML page: what the page states, read once, without a copy.

html_extract.html_article calls `page_facts` on its tree, then `headline` and `page_authors` with
trafilatura's metadata. The rules and their figures are in docs/extraction.md ("Title, author, date").
"""

from __future__ import annotations

import html as html_entities
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache
from itertools import islice

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
    # The page has one <h1> (kicker lines aside), and it stands as the article's headline: marked
    # so, or in the article's content and outside the site's furniture (`_stands_as_headline`).
    lone_heading: bool = False
    # <h1>s whose class says they are the line above the headline ("strapline", "Dachzeile").
    kickers: list[str] = Field(default_factory=list)
    headline: str | None = None  # the article's JSON-LD headline
    site_names: list[str] = Field(default_factory=list)
    authors: list[str] = Field(default_factory=list)  # JSON-LD and meta author strings as written
    json_ld_authors: list[str] = Field(default_factory=list)  # the article's, in JSON-LD
    description: str | None = None  # the first of description, og:description, twitter:description
    declared_published: str | None = None  # article:published_time or JSON-LD datePublished, as written


# The site itself, as JSON-LD describes it beside the article.
_SITE_TYPES = ("WebSite", "Organization", "NewsMediaOrganization")
_ARTICLE_TYPES = re.compile(r"Article|Posting|Report|Story|Review|Blog", re.IGNORECASE)
_META_SITE = ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site")
_META_DESCRIPTION = ("description", "og:description", "twitter:description")
_META_PUBLISHED = ("article:published_time", "og:article:published_time", "datepublished", "dc.date.issued")
_META_AUTHOR = ("author", "article:author", "dc.creator", "byl", "parsely-author", "sailthru.author")


def page_facts(tree: HtmlElement, hostname: str | None) -> PageFacts:
    """Title tag, <h1>s, JSON-LD headline, site names, stated authors and description of a page."""
    facts = PageFacts()
    homes = _home_hrefs(hostname)
    title, scripts, home_links, h1s = None, [], [], []
    # One walk over the elements of these kinds (each search of the tree costs as much as all of
    # them at once); JSON-LD and the home links are read after the meta tags, which come first.
    for node in tree.iter("h1", "title", "meta", "script", "a"):
        tag = node.tag
        if tag == "a":
            href = node.get("href")
            if href is not None and href.strip() in homes:
                home_links.append(node)
        elif tag == "meta":
            if node.get("content") is not None:
                _read_meta(node, facts)
        elif tag == "script":
            if node.get("type") == "application/ld+json":
                scripts.append(node)
        elif tag == "h1":
            if _is_kicker_class(node.get("class") or ""):
                facts.kickers.append(_text(node))
                continue
            h1s.append(node)
            if len(facts.headings) < 5:
                full = _text(node)
                facts.full_headings.append(full)
                facts.headings.append(_without_kicker(node) or full)
        elif title is None and any(a.tag == "head" for a in node.iterancestors()):
            title = node  # the page's <title>, not an <svg>'s
    facts.lone_heading = len(h1s) == 1 and _stands_as_headline(h1s[0], homes)
    if title is not None:
        facts.title_tag = " ".join(title.text_content().split()) or None
    for script in scripts:
        _read_json_ld(script.text or "", facts)
    facts.authors += facts.json_ld_authors
    home_names = (_link_name(a) for a in home_links)
    facts.site_names += [n for n in home_names if n and len(n) <= 60]
    return facts


# Class names templates give the line above a headline, in the languages of the press; one word
# of a class token ("article__kicker", "c-eyebrow"), not a modifier of the headline's own class
# ("c-headline--has-eyebrow").
_KICKER_WORD = re.compile(
    r"kicker|strapline|overline|eyebrow|topline|roofline|supertitle|dachzeile|surtitre|occhiello|volanta|antetitulo"
)
_MODIFIER = re.compile(r"(?:^|[-_])(?:has|with|without|no)[-_]")


def _is_kicker_class(classes: str) -> bool:
    for token in classes.lower().split():
        if _MODIFIER.search(token):
            continue
        if _KICKER_WORD.search(re.split(r"--|__", token)[-1]):
            return True
    return False


# Where the article stands, and where the site's own furniture does: navigation, side bars,
# footers, a banner, the site's name or logo.
_CONTENT_TAGS = {"article", "main"}
_FURNITURE_TAGS = {"nav", "aside", "footer"}
_SITE_CLASS = re.compile(r"site-?(?:title|name|logo|brand)|\blogo\b|\bbrand\b|masthead", re.IGNORECASE)


def _stands_as_headline(h1: HtmlElement, homes: set[str]) -> bool:
    """An <h1> marked as the headline (itemprop), or one inside the article's content (<article>,
    <main>, role=main) and outside the site's furniture: not in a <nav>, <aside>, <footer> or
    banner, not classed as the site's name or logo, not a link to the home page."""
    if h1.get("itemprop") == "headline":
        return True
    if _SITE_CLASS.search(h1.get("class") or ""):
        return False
    in_content = False
    for a in h1.iterancestors():
        if a.tag in _FURNITURE_TAGS or a.get("role") == "banner":
            return False
        if a.tag == "a" and (a.get("href") or "").strip() in homes:
            return False
        in_content = in_content or a.tag in _CONTENT_TAGS or a.get("role") == "main"
    links = (a.get("href") for a in h1.iter("a"))
    return in_content and not any(href is not None and href.strip() in homes for href in links)


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
    # A graph names its people and organisations once and refers to them by "@id" (Yoast SEO's
    # "author": {"@id": ".../#/schema/person/1"}).
    by_id = {i["@id"]: i for i in items if isinstance(i.get("@id"), str) and "name" in i}
    articles = [i for i in items if _ARTICLE_TYPES.search(str(i.get("@type", "")))]
    # Without an article, the page itself: Yoast's "WebPage" with its author.
    articles = articles or [i for i in items if i.get("@type") == "WebPage" and i.get("author")]
    for item in articles[:1]:
        facts.json_ld_authors += _json_ld_names(item.get("author"), by_id)
        if isinstance(item.get("datePublished"), str) and facts.declared_published is None:
            facts.declared_published = item["datePublished"]
        headline = item.get("headline")
        if isinstance(headline, str) and facts.headline is None:
            facts.headline = " ".join(html_entities.unescape(headline).split()) or None
    for item in items:
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and "name" not in publisher:
            publisher = by_id.get(publisher.get("@id"), publisher)
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            facts.site_names.append(publisher["name"].strip())
        if item.get("@type") in _SITE_TYPES and isinstance(item.get("name"), str):
            facts.site_names.append(item["name"].strip())


def _json_ld_items(data: object) -> list[dict]:
    """The objects of a JSON-LD block, with @graph and lists flattened."""
    if isinstance(data, list):
        return [item for part in data for item in _json_ld_items(part)]
    if not isinstance(data, dict):
        return []
    return [data, *_json_ld_items(data.get("@graph", []))]


def _json_ld_names(value: object, by_id: dict[str, dict]) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() and not value.startswith("http") else []
    if isinstance(value, list):
        return [name for part in value for name in _json_ld_names(part, by_id)]
    if isinstance(value, dict) and "name" not in value and isinstance(value.get("@id"), str):
        value = by_id.get(value["@id"])
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return _json_ld_names(value["name"], by_id)
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
_CJK_CHAR = re.compile(f"[{_CJK}]")
# Symbols no headline uses between two words: stars, bullets, box-drawing and other bars.
_SYMBOL_MARKS = "⋆★☆✦◆◇♦■□●►▶▷¦│┃❘‖"
_SEGMENT_SPLIT = re.compile(
    rf"\s+(?:[|\-–—·•›»>~/:_{_SYMBOL_MARKS}]|::|//)\s+|\s*[｜丨：|]\s*|(?<=\w):\s+"
    # Between Chinese, Japanese or Korean words no space is needed: "标题_新闻中心_新浪网",
    # "标题——新华网".
    rf"|(?<=[{_CJK}])(?:[_|\-–—]|——)(?=[{_CJK}])"
)
# Any of these, spaced or not, may stand between a headline and a known site name ("标题-新华网",
# "标题_新华网").
_SITE_MARKS = f"|｜丨:：-–—·•›»~/_{_SYMBOL_MARKS}"
_LETTERS = re.compile(r"[\W_]+")
_WORDS = re.compile(r"\w+")
# WordPress's old default title ("Blog » Blog Archive » Post") carries no headline.
_GENERIC_SEGMENTS = {"blogarchive", "archive", "home", "startseite"}
# A title cut short for a search result or a share card.
_TRUNCATED = ("...", "…")


@lru_cache(maxsize=8192)
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


# Country codes under which names are registered one level down: "harbourpost.co.uk".
_SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go", "gv"}
_BLOG_PLATFORMS = {
    "wordpress", "blogspot", "blogger", "tumblr", "substack", "medium", "github", "gitlab", "wixsite",
    "jimdo", "jimdofree", "weebly", "typepad", "livejournal", "hypotheses", "overblog", "over-blog",
    "blogs", "home", "netlify", "ghost", "squarespace", "webnode", "hatenablog", "naver", "tistory",
}  # fmt: skip


def _host_label(hostname: str | None) -> str | None:
    """The name a site registered: "harbourpost" of news.harbourpost.co.uk, "nytimes" of nytimes.com."""
    if not hostname:
        return None
    labels = hostname.casefold().split(".")[:-1]
    if len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
        labels.pop()
    # A blog hosted by a platform is named by its subdomain: "harbourwatch" of harbourwatch.blogspot.com.
    if len(labels) > 1 and labels[-1] in _BLOG_PLATFORMS:
        labels.pop()
    return _squashed(labels[-1]) if labels else None


# Words a site's name opens or ends with that the host name leaves out: "The Harbour Post",
# "BBC News", "heise online", "Hafenblatt Nachrichten", "港新聞デジタル".
_ARTICLES = {"the", "le", "la", "les", "el", "los", "las", "il", "lo", "der", "die", "das", "de", "het"}
_SITE_WORDS = {
    "news", "online", "digital", "web", "com", "net", "org", "de", "tv", "nachrichten", "aktuell",
    "nieuws", "noticias", "notizie", "actualites", "info", "edition", "mobile", "newsroom",
}  # fmt: skip
_CJK_SITE_ENDINGS = ("デジタル", "オンライン", "ニュース", "新闻网", "新聞網", "网", "網", "新闻", "新聞", "뉴스")
_SQUASHED_CJK_SITE_ENDINGS = tuple(dict.fromkeys(_squashed(e) for e in _CJK_SITE_ENDINGS))
# Last words of press names: "Island News", "Kreis-Kurier", "Hafen Zeitung", "Портовые новости";
# in Chinese, Japanese and Korean the name ends in one: "港口晨报", "港新聞".
_PRESS_WORDS = {
    "news", "nachrichten", "zeitung", "times", "post", "herald", "journal", "tribune", "gazette",
    "online", "daily", "magazine", "magazin", "kurier", "courier", "anzeiger", "rundschau",
    "tagblatt", "tageblatt", "presse", "chronicle", "observer", "telegraph", "nieuws", "noticias",
    "notizie", "diario", "giornale", "jornal", "krant", "gazeta", "dagblad", "avis", "tidning",
    "новости", "газета", "вести", "ведомости", "известия",
}  # fmt: skip
_CJK_PRESS_ENDINGS = (
    "网", "網", "新闻", "新聞", "日报", "晚报", "晨报", "时报", "時報", "日報", "뉴스", "일보", "신문",
)  # fmt: skip


def _spelt(words: list[str], key: str, initials: bool = True) -> bool:
    """Each word whole or (with `initials`) by its initial, in order, spells the key: "new york
    times" -> nytimes, "frankfurter allgemeine zeitung" -> faz."""
    positions = {0}
    for word in words:
        ends = (len(word), 1) if initials else (len(word),)
        positions = {
            end for pos in positions for end in (pos + n for n in ends) if key.startswith(word[: end - pos], pos)
        }
        if not positions:
            return False
    return len(key) in positions


def _names_site(segment: str, keys: set[str], initials: bool = True) -> bool:
    """A segment that is a site's name beside the words news sites add to it, or (with `initials`)
    its initials."""
    words = [w for w in map(_squashed, segment.translate(_UMLAUTS).split()) if w]
    if not words or len(words) > 6:
        return False
    # Three capitalised words spell many a short host name ("Heart Rate Tracking: ..." at hrt.example):
    # by initials, only a name that ends in a press word ("Riverside Valley Gazette") or one in the
    # place of a site name, last and not after a colon, is the site's.
    initials = initials or words[-1] in _PRESS_WORDS
    while len(words) > 1 and words[0] in _ARTICLES:
        words.pop(0)
    while len(words) > 1 and words[-1] in _SITE_WORDS:
        words.pop()
    if len(words) == 1 and not words[0].isascii():
        for ending in _SQUASHED_CJK_SITE_ENDINGS:
            if words[0].endswith(ending) and words[0][: -len(ending)] in keys:
                return True
    return any(_spelt(words, k, initials) for k in keys if len(k) >= 3)


def _press_name(segment: str, headline: str) -> bool:
    """A name such as "Island News" or "港口晨报" beside a longer headline: a few capitalised words,
    the last a press word."""
    words = segment.split()
    if len(segment) >= len(headline):
        return False
    if len(words) == 1 and not segment.isascii() and len(segment) <= 8:
        return segment.endswith(_CJK_PRESS_ENDINGS)
    return (
        1 < len(words) <= 4
        and _squashed(words[-1]) in _PRESS_WORDS
        and all(w[0].isupper() or w[0] in "&-" for w in words if w.isalpha() or "-" in w)
        and not any(c.isdigit() for c in segment)
    )


def _is_site_segment(segment: str, keys: set[str], initials: bool = True) -> bool:
    forms = _site_forms(segment)
    if forms & _GENERIC_SEGMENTS:
        return True
    # "Evening Standard" in "London Evening Standard" is the site; "taz" in "Why the taz sold out"
    # is a headline that names it.
    return any(
        len(squashed) >= 3 and (squashed in k or (k in squashed and 2 * len(k) >= len(squashed)))
        for squashed in forms
        for k in keys
    ) or _names_site(segment, keys, initials)


def _is_section(segment: str, headline: str, mark: str = "") -> bool:
    """A section or tag name between a headline and the site ("Headline | Politics | Site"); not
    words in lower case after a dash, which go on with the sentence ("Bridge opens – at last")."""
    words = segment.split()
    return (
        0 < len(words) <= 3
        and not (mark in ("-", "–", "—") and segment[0].islower())
        and len(segment) <= 30
        and not re.search(r"[\d?!.,;\"“”«»]", segment)
        and len(headline) >= 2 * len(segment)
    )


def _is_byline(segment: str) -> bool:
    """A writer's name after a byline word: "by Jane Roe", "von Anna Beispiel"."""
    match = _BYLINE_WORD.match(segment)
    name = segment[match.end() :] if match else ""
    return name[:1].isupper() and _is_name(name)


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
    separator = dict(kept)
    colons = (":", "：")
    # A site's initials only where a site name stands: last, not after a colon (see _names_site).
    while len(parts) > 1 and _is_site_segment(parts[-1], keys, separator[parts[-1]] not in colons):
        parts.pop()
        site_at_end = True
    while len(parts) > 1 and _is_site_segment(parts[0], keys, initials=False):
        parts.pop(0)
        site_at_start = True
    # "Headline - Island News": a name that says it is a site's, the shorter part, not after a
    # colon ("Media: Trump Sues New York Times" is a kicker and its headline), and only where no
    # known site name was found at that end: a site has one name ("Bridge delayed - More Bad News
    # | Site").
    if not site_at_end and len(parts) > 1 and separator[parts[-1]] not in colons and _press_name(parts[-1], parts[0]):
        parts.pop()
        site_at_end = True
    if not site_at_start and len(parts) > 1 and separator[parts[1]] not in colons and _press_name(parts[0], parts[-1]):
        parts.pop(0)
        site_at_start = True
    # "Headline - by Jane Roe": the writer's name, not the headline's.
    while len(parts) > 1 and separator[parts[-1]] not in colons and _is_byline(parts[-1]):
        parts.pop()
    # "Headline | Site | tagline | ...": everything from the site name on is the site's.
    for i, part in enumerate(parts[1:], start=1):
        if _is_site_segment(part, keys, separator[part] not in colons):
            parts = parts[:i]
            site_at_end = True
            break
    # "Headline | Section | Site", "Site | Section | Headline": short names between the headline
    # and the site are sections. Not after a colon: "Budget: Council agrees" is a kicker and its
    # headline.
    marks = {sep for p, sep in kept if p in parts[1:]}
    if len(parts) > 1 and not marks & {":", "："}:
        while site_at_end and len(parts) > 1 and _is_section(parts[-1], parts[0], separator[parts[-1]]):
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
            cut = head.rstrip(_SITE_MARKS + " ")
            # "« Nous sommes en guerre » | Site": the closing mark of a quote is the headline's.
            if cut.count("«") > cut.count("»") and "»" in head[len(cut) :]:
                return head[: head.index("»", len(cut)) + 1]
            return cut
    if len(body) > size and body[:size].casefold() == key:
        tail = body[size:].lstrip()
        if tail[:1] and tail[0] in _SITE_MARKS:
            return tail.lstrip(_SITE_MARKS + " ")
    return title


# How a kicker line joins the headline in a title: a bar or colon, or a spaced dash, dot or chevron
# ("Kicker: Headline", "Headline - Kicker"); never a mark inside a word ("Covid-19", "US-China").
_KICKER_THEN = re.compile(r"^(?:\s*[:：|｜]|\s+[-–—·•›»/~])\s+|^\s*[|｜]")
_THEN_KICKER = re.compile(r"(?:\s[-–—·•›»/~:：|｜]|[|｜])\s+$|[|｜]$")


def _without_kicker_segment(title: str, kickers: list[str]) -> str:
    """The title without the page's kicker line at its end or start, behind a separator ("Headline
    - Kicker", "Kicker: Headline")."""
    folded = " ".join(title.split())
    low = folded.casefold()
    for kicker in (k.casefold() for k in kickers if k):
        size = len(kicker)
        if len(folded) <= size:
            continue
        if low.endswith(kicker) and (join := _THEN_KICKER.search(folded[:-size])):
            return folded[: join.start()].rstrip() or title
        if low.startswith(kicker) and (join := _KICKER_THEN.match(folded[size:])):
            return folded[size + join.end() :].lstrip() or title
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


# Marks a sentence goes on after ("Ferries - a history", "Ferries: a history"); bars, chevrons,
# dots and slashes stand between a headline and a site's name or tagline, never inside a sentence
# ("Headline » news and views from the valley").
_SENTENCE_MARKS = re.compile(r"\s+[-–—:]\s+")


def _goes_on(rest: str, keys: set[str]) -> bool:
    """The rest of a title is the headline going on: a dash or colon, then words in lower case that
    do not name the site ("a cup of tea" at acupoftea.example is one)."""
    mark = _SENTENCE_MARKS.match(rest)
    segment = rest[mark.end() :] if mark else ""
    words = segment.split()
    return (
        len(words) >= 3
        and words[0][0].islower()
        and not _is_byline(segment)
        and not _SEGMENT_SPLIT.search(segment)
        and not _is_site_segment(segment, keys)
    )


def _shared_last_segment(sources: list[str]) -> set[str]:
    """The last segment of two sources whose other segments have nothing in common; a short one,
    not after a colon ("Kicker: Headline" is no headline and its site)."""
    ends = set()
    split = [
        [_squashed(p) for p in pieces]
        for pieces, marks in ((_SEGMENT_SPLIT.split(s), _SEGMENT_SPLIT.findall(s)) for s in dict.fromkeys(sources))
        if len(pieces) > 1 and len(pieces[-1].split()) <= 4 and marks[-1].strip() not in (":", "：")
    ]
    for i, a in enumerate(split):
        for b in split[i + 1 :]:
            if a[-1] == b[-1] != "" and not set(a[:-1]) & set(b[:-1]):
                ends.add(a[-1])
    return ends


def _named_after(headlines: list[str], tag: str | None) -> set[str]:
    """The last segment of a <title> that opens with another source's headline and a separator
    ("Headline | Blog name" beside og:title "Headline"): a short one, not after a colon, is the
    site's, and an <h1> that says it is the site's logo, not the headline."""
    ends = set()
    for stated in headlines:
        if not tag or len(tag) <= len(stated) or not tag.startswith(stated):
            continue
        mark = _SEGMENT_SPLIT.match(tag, len(stated))
        if mark is None or mark.group().strip() in (":", "："):
            continue
        last = _SEGMENT_SPLIT.split(tag[mark.end() :])[-1]
        if 0 < len(last.split()) <= 4:
            ends.add(_squashed(last))
    return ends - {""}


def headline(title: str | None, facts: PageFacts, site_names: list[str], hostname: str | None) -> str | None:
    """The article's headline: its title, og:title or JSON-LD headline without site names, or the
    <h1> they stand for."""
    keys = _site_keys(site_names, hostname) | _site_keys([_host_label(hostname) or ""], None)
    if hostname:
        site_names = [*site_names, hostname.removeprefix("www.")]
    tag = html_entities.unescape(facts.title_tag) if facts.title_tag else None
    # Two differing headlines that end in the same segment ("A | Site" in og:title, "B | Site" in
    # the <title>): that segment is the site's name.
    keys |= _shared_last_segment([t for t in (title, tag, facts.headline) if t])
    # trafilatura's title may be a piece of the <title> it cut at a separator without knowing the
    # site ("Site » Section" of "Site » Section » Headline"): where the site is known, the <title>
    # read by our rules is the better reading.
    if title and tag and title != tag and title in tag and _without_site(tag, site_names, keys) not in (None, tag):
        title = None
    # trafilatura cuts a <title> without og:title or a single <h1> at its last separator, also where
    # the headline goes on in lower case ("Ferries - a history of the crossing"): no site name does.
    if title and tag and tag.startswith(title) and _goes_on(tag[len(title) :], keys):
        title = None
    # trafilatura takes a page's one <h1> for its title: not where that is the kicker line.
    if title and any(_squashed(title) == _squashed(k) for k in facts.kickers):
        title = None
    # og:title or the JSON-LD headline is the <title>'s opening: its last segment is the site's.
    keys |= _named_after([t for t in (title, facts.headline) if t], tag)
    sources = list(dict.fromkeys(html_entities.unescape(t) for t in (title, tag, facts.headline) if t))
    sources = [_without_kicker_segment(s, facts.kickers) for s in sources]
    if not sources:
        return None
    stripped = [s for s in (_without_site(t, site_names, keys) for t in sources) if s]
    if not stripped:
        return sources[0]  # the page's title is its site's name: better than nothing
    whole = [s for s in stripped if not s.endswith(_TRUNCATED)] or stripped
    headline = whole[0]
    # The <title> and the JSON-LD headline agree, og:title says something else (a line written for
    # social media): the two agreeing are the headline.
    if len(whole) == 3 and _squashed(whole[1]) == _squashed(whole[2]) != _squashed(headline):
        headline = whole[1]
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
    # The page's one <h1>, outside its furniture, reads as a headline and says something else: the
    # title was written for search or social media, and readers see the <h1>.
    if facts.lone_heading and pairs and _reads_as_headline(pairs[0][0]):
        return pairs[0][0]
    return headline


_HEADLINE_MIN_WORDS = 3
_HEADLINE_MIN_CJK = 8


def _reads_as_headline(heading: str) -> bool:
    """Three words or more (eight characters in scripts without spaces): not a section's name."""
    words = heading.split()
    if len(words) >= _HEADLINE_MIN_WORDS:
        return True
    return _CJK_CHAR.search(heading) is not None and len(_squashed(heading)) >= _HEADLINE_MIN_CJK


def without_headline(text: str, headlines: list[str | None]) -> str:
    """The text (paragraphs split by a blank line) without its first paragraph where that is one of
    the page's headlines (letters and digits compared); the text as it is where nothing would be
    left."""
    first, _, rest = text.partition("\n\n")
    if not rest.strip() or len(first) > _HEADLINE_LINE_CHARS:
        return text
    squashed = _squashed(first)
    if len(squashed) < _HEADLINE_MIN_LETTERS:
        return text
    return rest if any(h and _squashed(h) == squashed for h in headlines) else text


def without_author_box(text: str, authors: list[str]) -> str:
    """The text without an author box among its last paragraphs: a line that is an author's name
    ("Jane Doe"), or a short one about them ("Jane Doe is a reporter covering the port",
    "Jana Berg ist Redakteurin im Lokalressort")."""
    paragraphs = text.split("\n\n")
    names = [(_squashed(a), a) for a in authors if len(a.split()) >= 2 and len(_squashed(a)) >= 6]
    if len(paragraphs) < 2 or not names:
        return text
    first = max(1, len(paragraphs) - _AUTHOR_BOX_PARAGRAPHS)
    kept = paragraphs[:first] + [p for p in paragraphs[first:] if not _about_author(p, names)]
    return "\n\n".join(kept) if len(kept) < len(paragraphs) else text


def _about_author(paragraph: str, names: list[tuple[str, str]]) -> bool:
    if len(paragraph) > _AUTHOR_BOX_CHARS:
        return False
    squashed = _squashed(paragraph)
    for key, name in names:
        if squashed == key:
            return True
        if paragraph.startswith(name) and _AUTHOR_BIO.match(paragraph, len(name)):
            return True
    return False


# The last paragraphs looked at, the longest box, and what a box says after the name.
_AUTHOR_BOX_PARAGRAPHS = 3
_AUTHOR_BOX_CHARS = 400
_AUTHOR_BIO = re.compile(
    r",?\s+(is|was|has been|writes|covers|reports|ist|war|schreibt|arbeitet|est|écrit|es|escribe|è|scrive|é|escreve|"
    r"is (a|an|the)|works)\b",
    re.IGNORECASE,
)


# A headline is one line; a short one ("Update") may as well be a paragraph's.
_HEADLINE_LINE_CHARS = 300
_HEADLINE_MIN_LETTERS = 12


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

# A writer's role beside the name ("Jane Roe, Senior Editor"): words that make no name by themselves.
_ROLE_WORDS = {
    "senior", "chief", "deputy", "managing", "executive", "contributing", "associate", "assistant",
    "staff", "special", "political", "business", "science", "sports", "foreign", "digital", "news",
    "editor", "editors", "reporter", "reporters", "correspondent", "writer", "writers", "columnist",
    "contributor", "journalist", "photographer", "producer", "analyst", "intern", "freelance",
    "redakteur", "redakteurin", "korrespondent", "korrespondentin", "autorin", "volontär", "volontärin",
    "rédacteur", "rédactrice", "journaliste", "envoyé", "envoyée", "spécial", "spéciale", "redactor",
    "redactora", "periodista", "corresponsal", "giornalista", "inviato", "and", "of", "&", "at", "en", "chef",
}  # fmt: skip


def _is_role(name: str) -> bool:
    words = name.casefold().split()
    return bool(words) and all(w.strip(".,") in _ROLE_WORDS for w in words)


def page_authors(
    trafilatura_author: str | None,
    facts: PageFacts,
    site_names: list[str],
    hostname: str | None,
    html: str,
    tree: HtmlElement | None = None,
) -> list[str]:
    """The page's author names as it writes them, without template words or the site's own name."""
    keys = _site_keys(site_names, hostname)
    # trafilatura makes names of what the meta author states beside or instead of one: "Bueltge De"
    # of "http://bueltge.de", "Jobs; Hire" of the site's name "Jobs & Hire".
    not_names = _NOT_NAMES | _stated_sites(facts.authors, keys)
    names = []
    for name in (a.strip() for a in (trafilatura_author or "").split(";")):
        name = _AUTHOR_PREFIX.sub("", name).strip()
        if _squashed(name) and _squashed(name) not in not_names and not _is_role(name):
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
    people = [n for n in names if not _site_forms(n) & keys and not _PUBLISHER.search(n)]
    # "Google" of the site "Google Security Blog" is the organisation, not one of the writers; alone,
    # the byline it stands for unless the page's byline element names a person.
    organisation = _organisation_words(site_names, hostname)
    people = [n for n in people if _squashed(n) not in organisation]
    if not people and tree is not None:
        byline = _byline_names(islice(_byline_candidates(tree), 40), keys) or _byline_line_names(html, keys)
        if byline:
            return byline
    if not names:
        # trafilatura drops a meta author without a space in it: "李明", "Konstantin".
        stated = (_AUTHOR_PREFIX.sub("", n).strip() for a in facts.authors for n in _AUTHOR_SPLIT.split(a))
        people = [
            n
            for n in stated
            if n and _squashed(n) not in not_names | keys and not _PUBLISHER.search(n) and not _DOMAIN.search(n)
        ]
        return list(dict.fromkeys(people)) if all(_is_name(n) for n in people) else []
    return _without_agencies(list(dict.fromkeys(people or names)))


# Host names as bylines write them ("stol.it", "http://bueltge.de"), not user names ("jane.doe").
_DOMAIN = re.compile(
    r"[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|info|biz|io|eu|de|at|ch|fr|it|es|nl|be|uk|us|ca|au|in|ru|pl|cz|se"
    r"|no|dk|fi|pt|br|mx|ar|jp|cn|tv|me|co)\b",
    re.IGNORECASE,
)
_AT = re.compile(r"\s*(?:\[at\]|\(at\)|@)\s*", re.IGNORECASE)


def _stated_sites(stated: list[str], keys: set[str]) -> set[str]:
    """Squashed forms that are no names in the meta authors: domains and e-mail addresses, and the
    pieces of a meta author that is the site's name."""
    found = set()
    for value in stated:
        found |= {_squashed(d) for d in _DOMAIN.findall(_AT.sub("", value))}
        if _site_forms(value) & keys:
            found |= {_squashed(w) for w in _WORDS.findall(value)}
    return found


def _organisation_words(site_names: list[str], hostname: str | None) -> set[str]:
    """The first word of the site's longer names and the host's registered name: "google" of
    "Google Security Blog"."""
    words = {_squashed(n.split()[0]) for n in site_names if len(n.split()) > 1}
    return (words | {_host_label(hostname) or ""}) - {""}


def _without_agencies(names: list[str]) -> list[str]:
    """Agencies credited beside a writer ("Jane Doe, dpa") are not authors; alone, they are the byline."""
    people = [n for n in names if _squashed(n) not in _AGENCIES]
    return people or names


# Byline elements: rel=author, itemprop=author (with schema.org Person microdata inside), and
# classes that say author or byline (hCard's "author vcard", "Author", "autor", "auteur", "writer",
# "contributor"). Only looked for where trafilatura, the meta tags and JSON-LD name nobody but
# the site (3 pages in 10), by a walk that stops at the first byline with names: about 1 ms where
# it runs, a third less than an XPath query of the whole tree.
_BYLINE_CLASS = re.compile("uthor|yline|autor|auteur|writer|contributor")


def _byline_candidates(tree: HtmlElement) -> Iterator[HtmlElement]:
    """The byline elements in page order, found as they are needed: the byline is usually near the
    top, and a walk that stops there costs less than any query of the whole tree."""
    for node in tree.getroottree().iter(etree.Element):
        attributes = node.attrib
        if not attributes:
            if node.tag == "byline":
                yield node
            continue
        classes = attributes.get("class")
        if (
            (classes and _BYLINE_CLASS.search(classes))
            or attributes.get("rel") == "author"
            or "author" in attributes.get("itemprop", "")
        ):
            yield node


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


def _byline_names(nodes: Iterable[HtmlElement], keys: set[str]) -> list[str]:
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


# A byline written as a line of the page, without an author class: "<em>Von <span>Anna Beispiel</span>
# </em>", "<strong>Text:</strong> Anna Beispiel", "| By </span><span>Jane Roe</span>".
_BYLINE_LINE = re.compile(
    # The look-ahead lets the search skip the many ">" that no such word follows.
    r">[^<\S]*(?=[|BVPDWTAGES])(?:\|\s*)?(?:By|Von|Par|Por|Door|Di|Written by|Text|Texto|Autor|Autorin|Auteur"
    r"|Author|Verfasst von|Geschrieben von|Escrito por|Scritto da)(?:\s*:\s*|\s+|&nbsp;|&#160;|(?=<))(?:<[^>]*>\s*)*"
    r"([^<>]{3,80})<"
)
# Names a heading may start with: "By The Numbers".
_NOT_FIRST_NAMES = {
    "the", "a", "an", "der", "die", "das", "le", "la", "les", "el", "il", "our", "your", "unser", "unsere",
}  # fmt: skip


def _byline_line_names(html: str, keys: set[str]) -> list[str]:
    """The names of the page's first byline line (of the first 20 lines that open with a byline
    word); two words a name at least, a lone word may be anything ("By Car"), and no label ("By
    Main Ingredient:")."""
    start = html.find("<body")
    for match in islice(_BYLINE_LINE.finditer(html, max(start, 0)), 20):
        line = " ".join(html_entities.unescape(match.group(1)).split())
        if line.endswith(":"):
            continue  # a label: "By Main Ingredient:"
        names = _byline_text_names(line, keys)
        if names and all(len(n.split()) > 1 and n.split()[0].casefold() not in _NOT_FIRST_NAMES for n in names):
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
        if not squashed or squashed in _NOT_NAMES or squashed in keys or _PUBLISHER.search(name) or _is_role(name):
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
    if len(words) == 1:
        # trafilatura drops the digits of a handle: "Harbourwatch" of the stated "harbourwatch77".
        handle = re.compile(rf"{re.escape(name)}\d+", re.IGNORECASE)
        written = next((s.strip() for s in stated if handle.fullmatch(s.strip())), None)
        if written:
            return written
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
