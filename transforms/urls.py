"""URL normalisation: one canonical spelling per page, so seen-URL state and dedup agree."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

# Query keys that only track the click, never select content. Prefixes end in "_".
_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_", "itm_")
_TRACKING_KEYS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "__hssc",
        "__hstc",
        "__hsfp",
        "hsctatracking",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "vero_conv",
        "rb_clickid",
        "s_cid",
        "ncid",
        "ocid",
        "cmpid",
        "sr_share",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "__twitter_impression",
        "spm",
        "ref_src",
        "ref_url",
        "wt_mc",
        "wt.mc_id",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PCT = re.compile(r"%([0-9A-Fa-f]{2})")


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k in _TRACKING_KEYS or k.startswith(_TRACKING_PREFIXES)


def _normalise_escapes(part: str, safe: str) -> str:
    """Uppercase %xx escapes, decode unreserved ones, escape what must be escaped."""

    def _unescape_unreserved(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    part = _PCT.sub(_unescape_unreserved, part)
    out = []
    for i, char in enumerate(part):
        if char in _UNRESERVED or char in safe:
            out.append(char)
        elif char == "%" and _PCT.match(part, i):
            out.append(char)  # an existing (now normalised) escape
        else:
            out.extend(f"%{b:02X}" for b in char.encode("utf-8"))
    return "".join(out)


def _path_without_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4 remove_dot_segments."""
    if "." not in path:
        return path
    segments = path.split("/")
    out: list[str] = []
    for seg in segments:
        if seg == "..":
            if len(out) > 1:
                out.pop()
        elif seg != ".":
            out.append(seg)
    if segments[-1] in (".", ".."):
        out.append("")
    result = "/".join(out)
    return result if result.startswith("/") else "/" + result


def _host(hostname: str) -> str:
    host = hostname.lower().rstrip(".")
    if ":" in host:  # IPv6 literal
        return f"[{host}]"
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def url_host(url: str | None) -> str | None:
    """The URL's host name as urlsplit reads it (lower case), or None where it has none or cannot
    be parsed at all ("http://[::1/story": a bracket never closed)."""
    if not url:
        return None
    try:
        return urlsplit(url).hostname or None
    except ValueError:
        return None


def canonical_url(url: str) -> str:
    """Canonical spelling of a URL: lowercase scheme/host, no default port, fragment or tracking."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1" (a bracket never closed): no parts to normalise
        return url
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return url  # not a web URL: nothing we can safely normalise
    netloc = _host(parts.hostname)
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    path = _normalise_escapes(parts.path, safe="/:@!$&'()*+,;=")
    path = _path_without_dot_segments(path) or "/"
    pairs = []
    for item in parts.query.split("&"):
        if not item:
            continue
        key, sep, value = item.partition("=")
        if _is_tracking(key):
            continue
        safe = "/:@!$'()*+,;?"
        pairs.append((_normalise_escapes(key, safe), sep, _normalise_escapes(value, safe + "=")))
    pairs.sort()
    query = "&".join(k + sep + v for k, sep, v in pairs)
    return urlunsplit((scheme, netloc, path, query, ""))
