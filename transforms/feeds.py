"""Feed and sitemap parsing: raw bytes in, entry records out (no network, no clock).

XML is vetted by lxml with entity resolution, DTD loading and network access off and
`huge_tree` off; any document that declares entities in its DOCTYPE is refused before
parsing (billion laughs, XXE), and a feed over `max_bytes` is refused. Feed fields are then
read by feedparser (chosen by measurement over our own reader: bench/eval_feeds.py), given
a stream so it never opens a URL or a file; JSON Feed and sitemaps are read here. Malformed
XML is read by a forgiving parser and the result says so in `recovered` and `warnings`.
"""

from __future__ import annotations

import gzip
import html
import io
import re
import zlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urljoin

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field

from transforms.json_limits import JsonLimitError, loaded_json

FeedKind = Literal["rss", "rdf", "atom", "json"]
FeedErrorKind = Literal["refused_entities", "malformed", "not_a_feed", "too_large", "empty"]

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
MAX_FEED_BYTES = 50 * 1024 * 1024  # far above any real feed; feedparser takes seconds per 10 MB

_ATOM10 = "http://www.w3.org/2005/Atom"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_FEEDBURNER = "http://rssnamespace.org/feedburner/ext/1.0"
_NEWS = "http://www.google.com/schemas/sitemap-news/0.9"

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
    try:
        return urljoin(base, href) if base else href
    except ValueError:  # "http://[::1": kept as written, for the fetcher to refuse as a bad URL
        return href


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

# feedparser's version names, as (kind, version) here.
_FEEDPARSER_VERSIONS: dict[str, tuple[FeedKind, str]] = {
    "rss090": ("rdf", "rss0.90"),
    "rss10": ("rdf", "rss1.0"),
    "rss091u": ("rss", "rss0.91"),
    "rss091n": ("rss", "rss0.91"),
    "rss092": ("rss", "rss0.92"),
    "rss093": ("rss", "rss0.93"),
    "rss094": ("rss", "rss0.94"),
    "rss20": ("rss", "rss2.0"),
    "atom01": ("atom", "atom0.1"),
    "atom02": ("atom", "atom0.2"),
    "atom03": ("atom", "atom0.3"),
    "atom10": ("atom", "atom1.0"),
}


def feed_entries(raw: bytes, *, base_url: str | None = None, max_bytes: int = MAX_FEED_BYTES) -> ParsedFeed:
    """Parse RSS 0.9x/1.0/2.0, Atom 0.3/1.0 or JSON Feed bytes into entries."""
    if len(raw) > max_bytes:
        raise FeedError("too_large", f"feed exceeds {max_bytes} bytes")
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        return _json_feed(raw, base_url)
    # lxml (entities refused, no DTD, no network) vets the document and finds its root;
    # feedparser then reads the fields, from the same bytes.
    root, lxml_recovered, lxml_warnings = _xml_root(raw, base_url)
    recovered, warnings = False, []
    if lxml_warnings and not lxml_recovered:
        # lxml read it strictly once fixed (undeclared prefixes declared, charset relabelled):
        # feedparser gets the fixed document, not its loose parser's guesses.
        warnings = lxml_warnings
        raw = etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=True)
    if _local(root) not in _FEED_ROOTS:
        # A feed wrapped in a page (some servers and "view source" savers do this).
        nested = next((el for el in root.iter() if _local(el) in ("rss", "RDF", "feed")), None)
        if nested is None:
            raise FeedError("not_a_feed", f"root element <{_local(root) or root.tag}> is not a feed")
        # Serialised from lxml's tree: what lxml's recover mode dropped (if it ran) stays dropped.
        recovered = lxml_recovered
        warnings = [*lxml_warnings, f"feed found nested inside <{_local(root)}>"]
        root = nested
        raw = etree.tostring(nested, encoding="utf-8", xml_declaration=True)
    # Without a BOM and leading blanks, UTF-16/32 as UTF-8: feedparser's strict parser takes it.
    result = _feedparser_result(_as_utf8(raw), base_url)
    kind, version = _FEEDPARSER_VERSIONS.get(result.get("version") or "", (None, ""))
    if kind is None:  # feedparser could not name it; the root element can
        name = _local(root)
        kind = "atom" if name == "feed" else "rdf" if name == "RDF" else "rss"
        version = {"feed": "atom1.0", "RDF": "rss1.0", "channel": "rss0.9x"}.get(
            name, "rss" + (root.get("version") or "2.0").strip()
        )
    problem = result.get("bozo_exception")
    if problem is not None:
        if type(problem).__name__ == "CharacterEncodingOverride":
            warnings.append(f"decoded as {result.get('encoding')}")
        else:  # the strict parser gave up: feedparser's loose parser read it
            recovered = True
            warnings += [f"malformed XML: {problem}", "recovered with feedparser's loose parser"]
    meta = result.feed
    link = _join(base_url, meta.get("link"))
    if link is not None and link == meta.get("id") and not link.startswith(("http://", "https://")):
        link = None  # feedparser made the feed's id (urn:, tag:) its link
    feed_author = _fp_author(meta) if kind == "atom" else None
    return ParsedFeed(
        kind=kind,
        version=version,
        title=_fp_text(meta, "title"),
        link=link,
        updated=_fp_date(meta, "updated") or _fp_date(meta, "published") or _fp_date(meta, "created"),
        language=meta.get("language") or root.get("{http://www.w3.org/XML/1998/namespace}lang"),
        entries=[_fp_entry(e, base_url or link, kind, feed_author) for e in result.entries],
        recovered=recovered,
        warnings=list(dict.fromkeys(warnings)),
    )


def _feedparser_result(raw: bytes, base_url: str | None) -> Any:
    """feedparser's reading of `raw`: no network, no file, no external entity."""
    import feedparser  # ~45 ms to import: only when a feed is read

    # Given bytes, feedparser first tries them as a file name, and a str that looks like a
    # URL it fetches: a stream is read as it is. It drops the DOCTYPE (keeping only literal
    # entities) and turns off external entities itself; _xml_root refused any entity above.
    # The content type says "XML, charset from the document" (none makes it report bozo).
    headers = {"content-type": "application/xml"}
    if base_url:
        headers["content-location"] = base_url
    return feedparser.parse(io.BytesIO(raw), response_headers=headers, sanitize_html=True, resolve_relative_uris=True)


def _fp_text(obj: Any, key: str) -> str | None:
    """A title as plain text: markup stripped only when its declared or guessed type is (X)HTML."""
    value = obj.get(key)
    if not value:
        return None
    if "html" in (obj.get(f"{key}_detail") or {}).get("type", "text/plain"):
        # Already sanitized by feedparser (script and style bodies gone): drop the tags.
        value = html.unescape(_TAGS.sub("", value))
    return " ".join(value.split()) or None


def _fp_date(obj: Any, key: str) -> datetime | None:
    """feedparser's date (UTC, to the second); our reading of the same text when it agrees."""
    # dict.get: feedparser's own .get answers `updated` with `published` when there is none.
    parsed, text = dict.get(obj, f"{key}_parsed"), dict.get(obj, key)
    ours = parsed_date(text) if isinstance(text, str) else None
    if parsed is None:
        return ours
    theirs = datetime(*parsed[:6], tzinfo=UTC)
    # Ours keeps the publisher's UTC offset and fractions of a second.
    return ours if ours is not None and ours.astimezone(UTC).replace(microsecond=0) == theirs else theirs


def _fp_author(obj: Any) -> str | None:
    detail = obj.get("author_detail") or {}
    return _str(detail.get("name")) or _str(obj.get("author")) or _str(detail.get("email"))


def _fp_entry(entry: Any, base: str | None, kind: FeedKind, feed_author: str | None) -> FeedEntry:
    entry_id = _str(entry.get("id"))
    # FeedBurner's own link is a tracking redirect; origLink is the publisher's URL.
    url = _str(entry.get("feedburner_origlink")) or _str(entry.get("link"))
    if url is None and kind != "rss":
        url = entry_id  # an Atom id or an RDF item's rdf:about (an RSS guid is a link only as a permalink)
    if url is not None and url == entry_id and not url.startswith(("http://", "https://")):
        url = None  # feedparser made an id that is no URL (urn:, tag:) the link
    published = _fp_date(entry, "published") or _fp_date(entry, "created")
    updated = _fp_date(entry, "updated")
    if published is None and kind != "atom":
        published = updated  # RSS 1.0 dates an item with dc:date only: its publication date
    content = entry.get("content") or [{}]
    return FeedEntry(
        url=_join(base, url),
        title=_fp_text(entry, "title"),
        published=published,
        updated=updated,
        summary=_str(entry.get("summary")) or _str(content[0].get("value")),
        author=_fp_author(entry) or feed_author,
        id=entry_id or url,
    )


def _json_feed(raw: bytes, base_url: str | None) -> ParsedFeed:
    try:
        data = loaded_json(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FeedError("malformed", f"invalid JSON: {exc}") from exc
    except JsonLimitError as exc:  # also nesting and number limits: RecursionError or ValueError otherwise
        raise FeedError("malformed", str(exc)) from exc
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
    if not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _text_sitemap(raw)
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


_TEXT_SITEMAP_LINE = re.compile(r"https?://\S+")


def _text_sitemap(raw: bytes) -> ParsedSitemap:
    """A text sitemap, as the sitemap protocol allows: UTF-8, one http(s) URL per line."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FeedError("not_a_feed", "neither XML nor a UTF-8 text sitemap (one http(s) URL per line)") from exc
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise FeedError("empty", "the sitemap is empty")
    bad = next((n for n, line in enumerate(lines, 1) if not _TEXT_SITEMAP_LINE.fullmatch(line)), None)
    if bad is not None:
        raise FeedError(
            "not_a_feed",
            f"neither XML nor a text sitemap: line {bad} is not one http(s) URL ({lines[bad - 1][:80]!r})",
        )
    return ParsedSitemap(kind="urlset", entries=[FeedEntry(url=u, id=u) for u in dict.fromkeys(lines)])
