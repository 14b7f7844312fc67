"""Offline, explainable string rules for entity canonicalisation (no spaCy, no I/O).

Each rule returns what it changed so the caller can record the rule's name in `how`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# spaCy labels we keep. NORP (demonyms: "Chinese", "American") is left out: it is not a
# place and merging it with GPE would be wrong; DATE/TIME go to the events stage.
ALLOWED_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT"})
# Other name-like labels are read only so label repair can rescue a mislabelled name
# ("Xi" tagged PRODUCT next to "Xi Jinping"); unrepaired, they are dropped.
REPAIRABLE_TYPES = frozenset({"NORP", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"})

# Curated variant tables: key (see `alias_key`) -> (canonical name, type).
_COUNTRY_VARIANTS: dict[str, tuple[str, list[str]]] = {
    "United States": [
        "us",
        "u.s.",
        "usa",
        "u.s.a.",
        "united states",
        "united states of america",
        "america",
    ],
    "United Kingdom": ["uk", "u.k.", "britain", "great britain", "united kingdom"],
    "China": ["china", "prc", "people's republic of china", "mainland china"],
    "Russia": ["russia", "russian federation"],
    "Washington": [
        "washington",
        "washington dc",
        "washington d.c.",
        "washington, dc",
        "washington, d.c.",
    ],
}
_ORG_VARIANTS: dict[str, list[str]] = {
    "United Nations": ["un", "u.n.", "united nations"],
    "European Union": ["eu", "e.u.", "european union"],
    "State Department": ["state department", "department of state"],
    "Defense Department": [
        "defense department",
        "defence department",
        "department of defense",
        "pentagon",
    ],
    "Treasury Department": ["treasury department", "department of the treasury"],
    "Congress": ["congress"],
    "White House": ["white house"],
}
# Prefixes that only qualify a US body ("US State Department" is the State Department).
_US_PREFIXES = ("us ", "united states ", "american ")


def alias_key(name: str) -> str:
    """Comparison key: NFKC, casefolded, periods/commas dropped, quotes and spaces unified."""
    s = unicodedata.normalize("NFKC", name)
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u2010", "-")
    s = s.replace("\u2013", "-").replace("\u2011", "-")
    s = re.sub(r"[.,]", "", s.casefold())
    return re.sub(r"\s+", " ", s).strip()


_GPE_TABLE = {alias_key(v): (name, "GPE") for name, vs in _COUNTRY_VARIANTS.items() for v in vs}
_ORG_TABLE = {alias_key(v): (name, "ORG") for name, vs in _ORG_VARIANTS.items() for v in vs}


def variant_canonical(surface: str) -> tuple[str, str, str] | None:
    """(canonical name, type, rule) from the curated country/organisation tables, or None."""
    key = alias_key(surface)
    if key in _GPE_TABLE:
        return (*_GPE_TABLE[key], "country_variant")
    if key in _ORG_TABLE:
        return (*_ORG_TABLE[key], "org_variant")
    for prefix in _US_PREFIXES:
        if key.startswith(prefix) and key[len(prefix) :] in _ORG_TABLE:
            return (*_ORG_TABLE[key[len(prefix) :]], "org_variant")
    return None


def is_place_variant(surface: str) -> bool:
    """True for surfaces in the country table ("US", "Washington"): never re-labelled a person."""
    return alias_key(surface) in _GPE_TABLE


# Words that make up titles before a name ("US Secretary of State", "Chinese Foreign
# Minister"). A run of these only counts as a title if it holds a head word.
TITLE_HEADS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "president",
        "vice-president",
        "secretary",
        "minister",
        "premier",
        "chancellor",
        "director",
        "speaker",
        "councillor",
        "councilor",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "adviser",
        "advisor",
        "ambassador",
        "envoy",
        "senator",
        "sen.",
        "rep.",
        "representative",
        "governor",
        "gov.",
        "mayor",
        "chairman",
        "chairwoman",
        "chair",
        "ceo",
        "chief",
        "general",
        "gen.",
        "admiral",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "prof.",
        "professor",
        "leader",
        "diplomat",
        "diplomats",
        "official",
        "officials",
        "commissioner",
        "attorney",
        "judge",
        "justice",
        "lawmaker",
        "lord",
        "sir",
    ]
)
_TITLE_MODIFIERS = frozenset(
    [
        "vice",
        "deputy",
        "assistant",
        "foreign",
        "defense",
        "defence",
        "commerce",
        "trade",
        "treasury",
        "state",
        "national",
        "security",
        "prime",
        "of",
        "the",
        "house",
        "interior",
        "finance",
        "home",
        "health",
        "energy",
        "affairs",
        "white",
        "top",
        "former",
        "then",
        "senior",
        "first",
        "general",
        "homeland",
        "justice",
        "attorney",
        "economic",
        "council",
    ]
)
_NATIONALITIES = frozenset(
    [
        "us",
        "u.s.",
        "american",
        "chinese",
        "british",
        "russian",
        "french",
        "german",
        "japanese",
        "indian",
        "ukrainian",
        "israeli",
        "iranian",
        "south",
        "north",
        "korean",
        "australian",
        "canadian",
        "taiwanese",
        "eu",
        "european",
        "un",
        "u.n.",
        "china",
        "china's",
        "us'",
        "america's",
        "britain's",
    ]
)
TITLE_WORDS = TITLE_HEADS | _TITLE_MODIFIERS


def _word_key(word: str) -> str:
    return word.casefold().replace("\u2019", "'")


def is_title_only(surface: str) -> bool:
    """True when every word is a title word ("State", "National Security Advisor")."""
    words = [_word_key(w) for w in surface.split()]
    return any(w in TITLE_WORDS for w in words) and all(w in TITLE_WORDS or w in _NATIONALITIES for w in words)


def leading_title(surface: str) -> int:
    """Length of a title at the start of `surface` ("President Xi" -> 10), 0 if none."""
    words = list(re.finditer(r"\S+", surface))
    cut, seen_head = 0, False
    for i, m in enumerate(words[:-1]):  # the last word is always the name
        w = _word_key(m.group())
        if w in TITLE_HEADS:
            seen_head = True
        elif w in _TITLE_MODIFIERS or (i == 0 and w in _NATIONALITIES):
            pass
        else:
            break
        if seen_head and not (w in _TITLE_MODIFIERS and w in {"of", "the"}):
            cut = words[i + 1].start()
    return cut


def title_before(text: str, start: int) -> int:
    """Start of a title phrase that ends right before `start` in `text`, or `start` if none."""
    pos, begin, seen_head = start, start, False
    while pos > 0 and text[pos - 1] == " ":  # title words are separated by single spaces
        m = re.search(r"(\S+)$", text[max(0, pos - 41) : pos - 1])
        if not m:
            break
        w = _word_key(m.group(1))
        if w in TITLE_HEADS:
            seen_head = True
        elif not (w in _TITLE_MODIFIERS or w in _NATIONALITIES):
            break
        pos = pos - 1 - len(m.group(1))
        if seen_head and w not in {"of", "the"}:
            begin = pos
    return begin


_LEADING_DET = re.compile(r"^(?:the|The|THE)\s+")
_TRAILING_POSSESSIVE = re.compile(r"(?:['\u2019]s|s['\u2019]|['\u2019])$")
_TRAILING_JUNK = re.compile(r"(?:[\s,;:\-\u2013\u2014\"\u201c\u201d(]+|\s+(?:and|or|&))$")
_LEADING_JUNK = re.compile(r"^[\s\"\u201c\u201d'\u2018\u2019(\[\-\u2013\u2014]+")


def trimmed_span(text: str, start: int, end: int) -> tuple[int, int, list[str]]:
    """Span without a leading "the", a trailing possessive or stray punctuation."""
    rules: list[str] = []
    while True:
        s = text[start:end]
        if m := _LEADING_JUNK.match(s):
            start += m.end()
        elif m := _LEADING_DET.match(s):
            start += m.end()
            rules.append("the_trimmed")
        elif (m := _TRAILING_POSSESSIVE.search(s)) and m.start() > 0:
            # "Blinken's" -> "Blinken"; "U.S.'s" -> "U.S."; "Fund’s" -> "Fund"
            end = start + m.start() + (1 if m.group().startswith("s") else 0)
            rules.append("possessive_trimmed")
        elif (m := _TRAILING_JUNK.search(s)) and m.start() > 0:
            end = start + m.start()
        else:
            return start, end, rules


def junk_reason(surface: str) -> str | None:
    """Why a surface is not an entity name, or None if it may be one."""
    letters = [c for c in surface if c.isalpha()]
    if not letters:
        return "no_letters"
    if len(surface.strip(" .")) == 1:
        return "single_letter"
    if not any(c.isupper() for c in letters):
        return "all_lowercase"
    if is_title_only(surface):
        return "title_only"
    return None


_HYPHEN = "-\u2010\u2011\u2013"
HYPHEN_PAIR = re.compile(rf"(?<![\w.])([A-Z][\w.]*?)[{_HYPHEN}]([A-Z][\w.]*?)(?=[^\w]|$)")


def name_tokens(name: str) -> list[str]:
    """Keys of the words of a person name, for short-form matching ("Xi Jinping" -> xi, jinping)."""
    return [alias_key(w) for w in re.split(r"[\s\-\u2010\u2011]+", name) if w]


def entity_id(entity_type: str, canonical_name: str) -> str:
    """Stable id from type and canonical-name key: same entity, same id, on every run."""
    digest = hashlib.sha256(f"{entity_type}|{alias_key(canonical_name)}".encode()).hexdigest()
    return f"{entity_type.lower()}_{digest[:12]}"
