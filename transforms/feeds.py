"""Feed and sitemap parsing: raw bytes in, entry records out (no network, no clock).

XML is parsed by lxml with entity resolution, DTD loading and network access off and
`huge_tree` off; any document that declares entities in its DOCTYPE is refused before
parsing (billion laughs, XXE). Malformed XML is re-parsed in lxml's recover mode and
the result says so in `warnings`.
"""

from __future__ import annotations

import gzip
import html
import io
import json
import re
import zlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urljoin

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field

FeedKind = Literal["rss", "rdf", "atom", "json"]
FeedErrorKind = Literal["refused_entities", "malformed", "not_a_feed", "too_large", "empty"]

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed

_ATOM10 = "http://www.w3.org/2005/Atom"
_ATOM03 = "http://purl.org/atom/ns#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_FEEDBURNER = "http://rssnamespace.org/feedburner/ext/1.0"
_NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
_XHTML = "http://www.w3.org/1999/xhtml"

_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[(.*?)\]\s*>", re.DOTALL | re.IGNORECASE)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_XML_DECL_ENCODING = re.compile(rb"^(<\?xml[^>]*?encoding\s*=\s*)([\"'])[^\"']*\2")
_TAGS = re.compile(r"<[^>]+>")
_UNDECLARED_PREFIX = re.compile(r"Namespace prefix (\S+) (?:on|for) ")
_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)", re.DOTALL)
# Prefixes that feeds often use without declaring them, with their usual namespaces.
_KNOWN_PREFIXES = {
    "content": _CONTENT,
    "dc": _DC,
    "dcterms": _DCTERMS,
    "atom": _ATOM10,
    "feedburner": _FEEDBURNER,
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
    "sy": "http://purl.org/rss/1.0/modules/syndication/",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "media": "http://search.yahoo.com/mrss/",
    "georss": "http://www.georss.org/georss",
}
_FEED_ROOTS = ("rss", "RDF", "feed", "channel")


class FeedError(ValueError):
    """A feed or sitemap that cannot be read; `kind` says why in one word."""

    def __init__(self, kind: FeedErrorKind, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


class FeedEntry(BaseModel):
    """One item of a feed, or one <url> of a sitemap."""

    model_config = ConfigDict(extra="forbid")
    url: str | None = None
    title: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    summary: str | None = None
    author: str | None = None
    id: str | None = None


class ParsedFeed(BaseModel):
    """A feed's own metadata and its entries, in document order."""

    model_config = ConfigDict(extra="forbid")
    kind: FeedKind
    version: str  # e.g. "rss2.0", "rss1.0", "atom1.0", "atom0.3", "jsonfeed1.1"
    title: str | None = None
    link: str | None = None
    updated: datetime | None = None
    language: str | None = None
    entries: list[FeedEntry] = Field(default_factory=list)
    recovered: bool = False  # parsed in lxml recover mode: some content may be lost
    warnings: list[str] = Field(default_factory=list)


class ParsedSitemap(BaseModel):
    """A urlset (entries) or a sitemap index (sitemaps: child sitemap URLs with lastmod)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["urlset", "sitemapindex"]
    entries: list[FeedEntry] = Field(default_factory=list)
    sitemaps: list[FeedEntry] = Field(default_factory=list)
    recovered: bool = False
    warnings: list[str] = Field(default_factory=list)


# ---------------------------------------------------------------- XML plumbing


def _parser(*, recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=recover,
    )


def _as_utf8(raw: bytes) -> bytes:
    """Strip a BOM and leading blanks; re-encode UTF-16/32 so byte regexes can look at it."""
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if raw.startswith(bom):
            text = raw[len(bom) :].decode(codec, errors="replace")
            raw = _XML_DECL_ENCODING.sub(rb"\1\2utf-8\2", text.lstrip().encode("utf-8"))
            return raw
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return raw.lstrip()


def _refuse_entities(raw: bytes) -> None:
    subset = _DOCTYPE_SUBSET.search(raw[:1_000_000])
    if subset and _ENTITY_DECL.search(subset.group(1)):
        raise FeedError(
            "refused_entities",
            "the document declares XML entities in its DOCTYPE "
            "(refused: entity expansion could be a billion-laughs or XXE attack)",
        )


def _xml_root(raw: bytes, base_url: str | None) -> tuple[etree._Element, bool, list[str]]:
    """Parse safely: strict first, then a charset fallback, then lxml recover mode."""
    raw = _as_utf8(raw)
    if not raw:
        raise FeedError("empty", "the document is empty")
    _refuse_entities(raw)
    try:
        root = etree.fromstring(raw, _parser(recover=False), base_url=base_url)
        return _checked(root), False, []
    except etree.XMLSyntaxError as exc:
        first_error = str(exc)
    warnings = [f"malformed XML: {first_error}"]
    # Undeclared namespace prefixes (content:encoded without xmlns:content) are common
    # and recover mode drops whole items over them: declare them and parse strictly.
    fixed, declared = raw, []
    while (match := _UNDECLARED_PREFIX.search(first_error)) and len(declared) < 20:
        prefix = match.group(1)
        if prefix in declared:
            break
        declared.append(prefix)
        fixed = _with_declared_prefix(fixed, prefix)
        try:
            root = etree.fromstring(fixed, _parser(recover=False), base_url=base_url)
            return _checked(root), False, [*warnings, f"declared namespace prefixes {declared}"]
        except etree.XMLSyntaxError as exc:
            first_error = str(exc)
    raw = fixed
    # Bytes that are not what the declaration says (often cp1252 labelled utf-8).
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        fixed = _XML_DECL_ENCODING.sub(rb"\1\2utf-8\2", raw.decode("cp1252", "replace").encode())
        try:
            root = etree.fromstring(fixed, _parser(recover=False), base_url=base_url)
            return _checked(root), False, [*warnings, "decoded as windows-1252"]
        except etree.XMLSyntaxError:
            pass
    try:
        root = etree.fromstring(raw, _parser(recover=True), base_url=base_url)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        raise FeedError("malformed", first_error)
    return _checked(root), True, [*warnings, "recovered with lxml recover mode"]


def _with_declared_prefix(raw: bytes, prefix: str) -> bytes:
    """Add xmlns:prefix to the root element's start tag."""
    pos = 0
    while match := _PROLOG_ITEM.match(raw, pos):
        if match.end() == pos:
            break
        pos = match.end()
    start = raw.find(b"<", pos)
    end = start + 1
    while end < len(raw) and raw[end : end + 1] not in b" \t\r\n/>":
        end += 1
    uri = _KNOWN_PREFIXES.get(prefix, f"urn:newsmon:undeclared:{prefix}")
    return raw[:end] + f' xmlns:{prefix}="{uri}"'.encode() + raw[end:]


def _checked(root: etree._Element) -> etree._Element:
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise FeedError("refused_entities", "the document declares XML entities")
    return root


def _local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _ns(el: etree._Element) -> str:
    tag = el.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _children(el: etree._Element, name: str, ns: str | tuple[str, ...] | None = None) -> list:
    nss = (ns,) if isinstance(ns, str) else ns
    return [c for c in el if _local(c) == name and (nss is None or _ns(c) in nss)]


def _child(el: etree._Element, name: str, ns: str | tuple[str, ...] | None = None):
    found = _children(el, name, ns)
    return found[0] if found else None


def _text(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    text = "".join(el.itertext()).strip()
    return text or None


def _child_text(el: etree._Element, name: str, ns: str | tuple[str, ...] | None = None):
    for c in _children(el, name, ns):
        text = _text(c)
        if text:
            return text
    return None


def _plain(text: str | None) -> str | None:
    """Titles: drop markup and entities, collapse whitespace."""
    if text is None:
        return None
    text = html.unescape(_TAGS.sub("", text)) if "<" in text or "&" in text else text
    text = " ".join(text.split())
    return text or None


def _join(base: str | None, href: str | None) -> str | None:
    if not href:
        return None
    href = href.strip()
    return urljoin(base, href) if base else href


# ---------------------------------------------------------------- dates


def parsed_date(value: str | None) -> datetime | None:
    """RFC 822 or ISO 8601 date; naive values are taken as UTC; None when unreadable."""
    if not value:
        return None
    value = value.strip()
    if not value:
        return None
    result: datetime | None = None
    if value[:1].isdigit():
        iso = value.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", value) else value
        try:
            result = datetime.fromisoformat(iso)
        except ValueError:
            result = None
    if result is None:
        try:
            result = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            result = None
    if result is None:
        return None
    return result if result.tzinfo else result.replace(tzinfo=UTC)


# ---------------------------------------------------------------- feeds


def feed_entries(raw: bytes, *, base_url: str | None = None) -> ParsedFeed:
    """Parse RSS 0.9x/1.0/2.0, Atom 0.3/1.0 or JSON Feed bytes into entries."""
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        return _json_feed(raw, base_url)
    root, recovered, warnings = _xml_root(raw, base_url)
    if _local(root) not in _FEED_ROOTS:
        # A feed wrapped in a page (some servers and "view source" savers do this).
        nested = next((el for el in root.iter() if _local(el) in ("rss", "RDF", "feed")), None)
        if nested is not None:
            warnings.append(f"feed found nested inside <{_local(root)}>")
            root = nested
    name, ns = _local(root), _ns(root)
    if name == "rss":
        channel = _child(root, "channel")
        if channel is None:
            raise FeedError("not_a_feed", "<rss> without a <channel>")
        version = "rss" + (root.get("version") or "2.0").strip()
        feed = _rss(channel, channel, "rss", version, base_url)
    elif name == "channel":  # bare channel, as some RSS 0.9x generators send
        feed = _rss(root, root, "rss", "rss0.9x", base_url)
    elif name == "RDF":
        channel = _child(root, "channel")
        item_ns = _ns(channel) if channel is not None else None
        version = "rss0.90" if item_ns == "http://my.netscape.com/rdf/simple/0.9/" else "rss1.0"
        feed = _rss(channel if channel is not None else root, root, "rdf", version, base_url)
    elif name == "feed" and ns in (_ATOM10, _ATOM03, ""):
        feed = _atom(root, "atom0.3" if ns == _ATOM03 else "atom1.0", base_url)
    else:
        raise FeedError("not_a_feed", f"root element <{name or root.tag}> is not a feed")
    feed.recovered = recovered
    feed.warnings = warnings
    return feed


def _rss(
    channel: etree._Element,
    item_parent: etree._Element,
    kind: FeedKind,
    version: str,
    base_url: str | None,
) -> ParsedFeed:
    link = _rss_link(channel, base_url)
    return ParsedFeed(
        kind=kind,
        version=version,
        title=_plain(_child_text(channel, "title")),
        link=link,
        updated=parsed_date(
            _child_text(channel, "lastBuildDate")
            or _child_text(channel, "pubDate")
            or _child_text(channel, "date", _DC)
            or _child_text(channel, "updated", _ATOM10)
        ),
        language=_child_text(channel, "language") or _child_text(channel, "language", _DC),
        entries=[_rss_item(item, base_url or link) for item in _rss_items(item_parent)],
    )


def _rss_items(parent: etree._Element) -> list[etree._Element]:
    """Items of a channel; descendants too, as recover mode can nest them in an unclosed tag."""
    items = []
    for el in parent.iter():
        if _local(el) == "item" and not any(_local(a) == "item" for a in el.iterancestors()):
            items.append(el)
    return items


def _rss_link(el: etree._Element, base: str | None) -> str | None:
    for c in _children(el, "link"):
        if _ns(c) in (_ATOM10, _ATOM03):
            if c.get("rel", "alternate") == "alternate" and c.get("href"):
                return _join(base, c.get("href"))
        elif _text(c):
            return _join(base, _text(c))
    return None


def _rss_item(item: etree._Element, base: str | None) -> FeedEntry:
    guid_el = _child(item, "guid")
    guid = _text(guid_el)
    url = (
        _child_text(item, "origLink", _FEEDBURNER)
        or _rss_link(item, base)
        or (
            guid
            if guid
            and guid_el.get("isPermaLink", "true").lower() != "false"
            and guid.startswith(("http://", "https://"))
            else None
        )
    )
    if url is None:
        about = item.get(f"{{{_RDF}}}about")
        url = about if about and about.startswith(("http://", "https://")) else None
    dc_date = parsed_date(_child_text(item, "date", _DC))
    published = parsed_date(_child_text(item, "pubDate")) or dc_date
    author = (
        _child_text(item, "creator", _DC)
        or _child_text(item, "author", "")
        or _atom_person(_child(item, "author", (_ATOM10, _ATOM03)))
    )
    return FeedEntry(
        url=_join(base, url),
        title=_plain(_child_text(item, "title", ("", _DC))),
        published=published,
        updated=parsed_date(_child_text(item, "updated", _ATOM10) or _child_text(item, "modified", _DCTERMS)),
        summary=_child_text(item, "description") or _child_text(item, "encoded", _CONTENT),
        author=author,
        id=guid or url or item.get(f"{{{_RDF}}}about"),
    )


def _atom_person(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    return _child_text(el, "name") or _child_text(el, "email") or _text(el)


def _atom_text(el: etree._Element | None) -> str | None:
    """Text of an Atom text construct; xhtml content is serialised back to markup."""
    if el is None:
        return None
    if el.get("type") == "xhtml" or el.get("mode") == "xml":
        div = _child(el, "div", _XHTML)
        parts = [etree.tostring(c, encoding="unicode", with_tail=True) for c in (div if div is not None else el)]
        lead = (div if div is not None else el).text or ""
        text = (lead + "".join(parts)).strip()
        return re.sub(r'\sxmlns(:\w+)?="[^"]*"', "", text) or None
    return _text(el)


def _atom_link(el: etree._Element, base: str | None) -> str | None:
    links = _children(el, "link", (_ATOM10, _ATOM03, ""))
    ranked = sorted(
        (link for link in links if link.get("href")),
        key=lambda link: (
            link.get("rel", "alternate") != "alternate",
            (link.get("type") or "text/html") not in ("text/html", "application/xhtml+xml"),
        ),
    )
    for link in ranked:
        if link.get("rel", "alternate") in ("alternate", "related", "via"):
            return _join(link.base or base, link.get("href"))
    return None


def _atom(root: etree._Element, version: str, base_url: str | None) -> ParsedFeed:
    ns = (_ATOM10, _ATOM03, "")
    feed_author = _atom_person(_child(root, "author", ns))
    entries = []
    for entry in _children(root, "entry", ns):
        entry_id = _child_text(entry, "id", ns)
        url = _atom_link(entry, base_url) or _child_text(entry, "origLink", _FEEDBURNER)
        if url is None and entry_id and entry_id.startswith(("http://", "https://")):
            url = entry_id
        title_el = _child(entry, "title", ns)
        summary = _atom_text(_child(entry, "summary", ns)) or _atom_text(_child(entry, "content", ns))
        entries.append(
            FeedEntry(
                url=url,
                title=_plain(_atom_text(title_el)),
                published=parsed_date(
                    _child_text(entry, "published", ns)
                    or _child_text(entry, "issued", ns)
                    or _child_text(entry, "created", ns)
                ),
                updated=parsed_date(_child_text(entry, "updated", ns) or _child_text(entry, "modified", ns)),
                summary=summary,
                author=_atom_person(_child(entry, "author", ns)) or feed_author,
                id=entry_id or url,
            )
        )
    return ParsedFeed(
        kind="atom",
        version=version,
        title=_plain(_atom_text(_child(root, "title", ns))),
        link=_atom_link(root, base_url),
        updated=parsed_date(_child_text(root, "updated", ns) or _child_text(root, "modified", ns)),
        language=root.get("{http://www.w3.org/XML/1998/namespace}lang"),
        entries=entries,
    )


def _json_feed(raw: bytes, base_url: str | None) -> ParsedFeed:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedError("malformed", f"invalid JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise FeedError("not_a_feed", "JSON without an 'items' list is not a JSON Feed")
    version = str(data.get("version") or "")
    version = "jsonfeed" + (version.rsplit("/", 1)[-1] if "jsonfeed.org" in version else "?")
    feed_base = data.get("home_page_url") or base_url
    entries = []
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        url = _join(feed_base, _str(item.get("url")) or _str(item.get("external_url")))
        entries.append(
            FeedEntry(
                url=url,
                title=_plain(_str(item.get("title"))),
                published=parsed_date(_str(item.get("date_published"))),
                updated=parsed_date(_str(item.get("date_modified"))),
                summary=_str(item.get("summary")) or _str(item.get("content_html")) or _str(item.get("content_text")),
                author=_json_author(item) or _json_author(data),
                id=_str(item.get("id")) or url,
            )
        )
    return ParsedFeed(
        kind="json",
        version=version,
        title=_plain(_str(data.get("title"))),
        link=_str(data.get("home_page_url")),
        language=_str(data.get("language")),
        entries=entries,
    )


def _str(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _json_author(obj: dict[str, Any]) -> str | None:
    authors = obj.get("authors")
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        return _str(authors[0].get("name"))
    author = obj.get("author")
    return _str(author.get("name")) if isinstance(author, dict) else None


# ---------------------------------------------------------------- sitemaps


def _gunzipped(raw: bytes, limit: int) -> bytes:
    """Decompress a gzipped sitemap, refusing more than `limit` bytes (gzip bombs)."""
    stream = gzip.GzipFile(fileobj=io.BytesIO(raw))
    try:
        data = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise FeedError("malformed", f"bad gzip data: {exc}") from exc
    if len(data) > limit:
        raise FeedError("too_large", f"decompressed sitemap exceeds {limit} bytes")
    return data


def sitemap_entries(raw: bytes, *, max_bytes: int = MAX_SITEMAP_BYTES) -> ParsedSitemap:
    """Parse a sitemap urlset, sitemap index or Google News sitemap (gzipped or not)."""
    if raw[:2] == b"\x1f\x8b":
        raw = _gunzipped(raw, max_bytes)
    if len(raw) > max_bytes:
        raise FeedError("too_large", f"sitemap exceeds {max_bytes} bytes")
    root, recovered, warnings = _xml_root(raw, None)
    name = _local(root)
    if name == "sitemapindex":
        refs = [
            FeedEntry(url=loc, id=loc, updated=parsed_date(_child_text(s, "lastmod")))
            for s in _children(root, "sitemap")
            if (loc := _child_text(s, "loc"))
        ]
        return ParsedSitemap(kind="sitemapindex", sitemaps=refs, recovered=recovered, warnings=warnings)
    if name != "urlset":
        raise FeedError("not_a_feed", f"root element <{name or root.tag}> is not a sitemap")
    entries = []
    for url_el in _children(root, "url"):
        loc = _child_text(url_el, "loc")
        if not loc:
            continue
        news = _child(url_el, "news", _NEWS)
        title = published = None
        if news is not None:
            title = _plain(_child_text(news, "title", _NEWS))
            published = parsed_date(_child_text(news, "publication_date", _NEWS))
        entries.append(
            FeedEntry(
                url=loc,
                id=loc,
                title=title,
                published=published,
                updated=parsed_date(_child_text(url_el, "lastmod")),
            )
        )
    return ParsedSitemap(kind="urlset", entries=entries, recovered=recovered, warnings=warnings)
