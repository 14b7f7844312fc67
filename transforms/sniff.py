"""What a raw file is, from its name and its bytes (not libmagic: it calls text starting
with "Blinken" "Blink archive data"), and its text decoded."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from transforms.json_limits import JsonLimitError, loaded_json

_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"\x7fELF", "ELF executable"),
    (b"RIFF", "RIFF media"),
    (b"\x00\x00\x01\x00", "icon"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HTML_EXT = {".html", ".htm", ".xhtml", ".shtml"}
_TEXT_EXT = {".txt", ".text", ".md"}
_JSON_EXT = {".json"}
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|article)\b", re.I | re.S)
_HTML_TAGS = re.compile(r"</?(p|div|article|body|html|br|h[1-6]|span|a)\b[^>]*>", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_LATIN_SINGLE_BYTE = {
    "cp1250",
    "cp1252",
    "cp1257",
    "latin_1",
    "iso8859_2",
    "iso8859_9",
    "iso8859_15",
    "mac_roman",
    "cp850",
    "cp437",
    "iso8859_3",
    "iso8859_4",
    "iso8859_10",
    "iso8859_13",
    "iso8859_14",
    "iso8859_16",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Sniffed:
    """A raw file's kind, its decoded text, and notes on how it was decoded."""

    media_type: str  # html | text | json | empty | binary | unknown
    text: str | None
    encoding: str | None
    note: str | None = None


def sniffed(raw: bytes, file_name: str) -> Sniffed:
    """Decide media type and decode; never raises on bad input."""
    if not raw.strip():
        return Sniffed("empty", None, None, "file is empty" if not raw else "file holds only whitespace")
    head = raw[:16]
    for signature, kind in _BINARY_SIGNATURES:
        if head.startswith(signature):
            return Sniffed("binary", None, None, f"binary content ({kind} signature)")
    text, encoding, note = _decoded(raw)
    if text is None:
        return Sniffed("binary", None, None, note)
    control_share = len(_CONTROL.findall(text[:20000])) / max(1, min(len(text), 20000))
    if control_share > 0.02:
        return Sniffed("binary", None, encoding, f"binary content ({control_share:.0%} control characters)")
    return Sniffed(_media_type(raw, text, file_name), text, encoding, note)


def _media_type(raw: bytes, text: str, file_name: str) -> str:
    ext = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    looks_html = bool(_HTML_START.match(raw[:4096])) or len(_HTML_TAGS.findall(text[:20000])) >= 3
    if ext in _JSON_EXT or (not ext and text.lstrip()[:1] in "[{"):
        return "json"
    if ext in _HTML_EXT:
        # An .html file with no markup at all is a text save with the wrong name.
        return "html" if looks_html or "<" in text else "text"
    if ext in _TEXT_EXT:
        return "html" if _HTML_START.match(raw[:4096]) else "text"
    if looks_html:
        return "html"
    return "text" if ext == "" or ext not in {".xml"} else "unknown"


def _decoded(raw: bytes) -> tuple[str | None, str | None, str | None]:
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec), codec, None
            except UnicodeDecodeError:
                break
    if b"\x00" in raw[:8192]:
        return None, None, "binary content (NUL bytes)"
    try:
        return raw.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    declared = _META_CHARSET.search(raw[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        try:
            return raw.decode(name), name, f"not valid UTF-8 (byte {bad_at}); decoded as declared {name}"
        except (LookupError, UnicodeDecodeError):
            pass
    from charset_normalizer import from_bytes  # only for the rare non-UTF-8 file

    best = from_bytes(raw).best()
    if best is None:
        # Keep what we can: a UTF-8 file damaged in a few places is still text.
        text = raw.decode("utf-8", errors="replace")
        damaged = text.count("\ufffd")
        if damaged / max(1, len(text)) < 0.01:
            return text, "utf-8", f"invalid UTF-8: {damaged} undecodable bytes replaced"
        return None, None, "no text encoding fits (undecodable bytes)"
    encoding = best.encoding
    if encoding in _LATIN_SINGLE_BYTE:
        # Short Western texts fool the detector between cp1250/latin-2 and cp1252; for
        # English-language news cp1252 (a superset of Latin-1) is by far the likelier.
        try:
            return raw.decode("cp1252"), "cp1252", f"not valid UTF-8 (byte {bad_at}); decoded as cp1252"
        except UnicodeDecodeError:
            pass
    return str(best), encoding, f"not valid UTF-8 (byte {bad_at}); decoded as {encoding} (detected)"


def json_items(text: str) -> list[tuple[int, dict | str]]:
    """Article records in a .json file (one object, a list of them, or {"articles": [...]}),
    each with its index; an element that is not an object comes back as the reason why.

    Raises ValueError (with a readable reason) for a file that is not such JSON at all.
    """
    data = loaded_json(text)
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    if isinstance(data, dict):
        return [(0, data)]
    if not isinstance(data, list):
        raise JsonLimitError(f"expected an article object or a list of them, got {_json_kind(data)}")
    return [
        (i, item if isinstance(item, dict) else f"record {i} is {_json_kind(item)}, not an article object")
        for i, item in enumerate(data)
    ]


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    kinds = {bool: "true/false", int: "a number", float: "a number", str: "a string", list: "a list"}
    return kinds.get(type(value), type(value).__name__)


_DAY_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_GENERIC_PREFIXES = {
    "article",
    "articles",
    "upload",
    "file",
    "doc",
    "document",
    "page",
    "story",
    "news",
    "item",
    "post",
    "copy",
    "tmp",
    "temp",
    "download",
    "scrape",
    "feed",
    "export",
    "untitled",
    "new",
}
_NAME_PREFIX = re.compile(r"^([a-z][a-z0-9]*(?:[.-][a-z0-9]+)*)_", re.I)


def source_hint(relative_path: str) -> str | None:
    """The outlet a file's place in the inbox suggests: `<source>/x.txt`, or `<source>_x.txt`."""
    parts = relative_path.replace("\\", "/").split("/")
    folders = [p for p in parts[:-1] if not _DAY_FOLDER.match(p)]
    if folders:
        return folders[-1].lower()
    m = _NAME_PREFIX.match(parts[-1])
    if not m or m.group(1).lower() in _GENERIC_PREFIXES:
        return None
    return m.group(1).lower()


def source_key(name: str | None) -> str | None:
    """Comparable form of a source name: "Valley Wire" and "valleywire" are one source."""
    key = re.sub(r"[^a-z0-9]", "", (name or "").lower())
    return key or None


def source_name(hint: str, known_names: list[str]) -> str:
    """A hint's display name: the one known source whose key equals or starts with the hint's."""
    key = source_key(hint) or ""
    exact = [n for n in known_names if source_key(n) == key]
    if exact:
        return min(exact)
    prefixed = sorted({n for n in known_names if (source_key(n) or "").startswith(key)})
    return prefixed[0] if key and len(prefixed) == 1 else hint
