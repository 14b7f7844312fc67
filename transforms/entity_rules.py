"""Offline, explainable string rules for entity canonicalisation (no spaCy, no I/O).

Each rule returns what it changed so the caller can record the rule's name in `how`.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Container

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


@functools.lru_cache(maxsize=1 << 16)  # asked ~1,600 times per article, mostly for the same names
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
        "sr.",
        "sra.",
        "sra",
        "mme",
        "cllr",
        "captain",
        "capt.",
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
# Scores, ranks and dates NER glues to a name in tables and datelines: "Blackpool 0",
# "DUBLIN 1996-08-31", "1. Michael Johnson".
_TRAILING_NUMBERS = re.compile(r"(?:\s+[\d(][\d.,:/()\-\u2013]*)+$")
_LEADING_NUMBERS = re.compile(r"^(?:[\d][\d.,:/()\-]*\s+)+")


def trimmed_span(text: str, start: int, end: int, *, numbers: bool = True) -> tuple[int, int, list[str]]:
    """Span without a leading "the", a trailing possessive, stray punctuation or (`numbers`) scores."""
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
        elif numbers and (m := _TRAILING_NUMBERS.search(s)) and re.search(r"[^\W\d]", s[: m.start()]):
            end = start + m.start()
            rules.append("number_trimmed")
        elif numbers and (m := _LEADING_NUMBERS.match(s)) and re.search(r"[^\W\d]", s[m.end() :]):
            start += m.end()
            rules.append("number_trimmed")
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
    return list(name_token_keys(name))


_NAME_SPLIT = re.compile(r"[\s\-\u2010\u2011]+")


@functools.lru_cache(maxsize=1 << 16)  # the same few names are compared with every short form of an article
def name_token_keys(name: str) -> tuple[str, ...]:
    """`name_tokens` as a tuple (cached: the rules ask for the words of the same names many times)."""
    return tuple(alias_key(w) for w in _NAME_SPLIT.split(name) if w)


def entity_id(entity_type: str, canonical_name: str) -> str:
    """Stable id from type and canonical-name key: same entity, same id, on every run."""
    digest = hashlib.sha256(f"{entity_type}|{alias_key(canonical_name)}".encode()).hexdigest()
    return f"{entity_type.lower()}_{digest[:12]}"


# Last words that make a name an organisation ("Kestrel Bay Seafoods", "Van Houten Marine",
# "Manchester United"), whatever NER called it. "City" is left out: "Mexico City" is a place.
ORG_SUFFIXES = frozenset(
    [
        *("ltd", "ltd.", "limited", "inc", "inc.", "corp", "corp.", "corporation", "co", "co.", "plc", "llc"),
        *("llp", "ag", "gmbh", "sa", "nv", "bv", "spa", "ab", "asa", "group", "holdings", "partners"),
        *("seafoods", "foods", "marine", "shipping", "airlines", "airways", "motors", "industries", "bros"),
        *("bros.", "association", "council", "party", "club", "committee", "commission", "agency", "authority"),
        *("service", "services", "ministry", "army", "department", "university", "college", "school"),
        *("institute", "federation", "trust", "fund", "society", "company", "enterprises", "systems"),
        *("technologies", "research", "media", "news", "newswire", "gazette", "courier", "times", "post"),
        *("herald", "daily", "press", "radio", "television", "tv", "wire", "rovers", "wanderers", "athletic"),
        *("fc", "afc", "united", "hotspur", "albion"),
    ]
)


# ("Bank" and "Union" are left out: "West Bank", "Soviet Union".)
# Last words of streets, buildings and landforms: a name ending in one is no person ("Grace Road").
PLACE_SUFFIXES = frozenset(
    [
        *("road", "street", "avenue", "lane", "square", "park", "bridge", "hall", "stadium", "ground", "arena"),
        *("airport", "station", "quay", "pier", "harbour", "harbor", "river", "lake", "bay", "island"),
        *("islands", "valley", "hill", "hills", "mountain", "mountains", "sea", "ocean", "gulf", "strait"),
        *("coast", "county", "province", "district"),
    ]
)


def has_org_suffix(surface: str) -> bool:
    """True when a name of two or more words ends in an organisation word ("Brennock Fibre Ltd")."""
    words = surface.split()
    return len(words) > 1 and words[-1].casefold() in ORG_SUFFIXES


def has_org_or_place_word(surface: str) -> bool:
    """True when any word of the name is an organisation or place word ("British Labour Party", "Grace Road")."""
    return any(w.casefold() in ORG_SUFFIXES or w.casefold() in PLACE_SUFFIXES for w in surface.split()[1:])


# Datelines open a wire story: "BELGRADE 1996-08-30" (CoNLL), "KELLBRIDGE, March 1:",
# "TOFTIR , Faroe Islands 1996-08-31", "HARBOURTON —", "WASHINGTON, Aug 30 (Reuters) -".
_CAPS = r"[A-Z][A-Z.'\-]*[A-Z.](?: [A-Z][A-Z.'\-]*[A-Z.])*"
_REGION = r"[A-Z][A-Za-z.'\-]*(?: [A-Z][A-Za-z.'\-]*)*"
_DAY = r"(?:[A-Z][a-z]{2,8}\.? \d{1,2}|\d{1,2} [A-Z][a-z]{2,8})"  # "March 1", "Aug. 30", "1 March"
_AGENCY = r"(?:\([A-Za-z ]+\)\s*)"  # "(Reuters)"
_DATELINE = re.compile(
    rf"^(?P<place>{_CAPS})(?:\s*,\s*(?P<region>{_REGION}))?"
    rf"(?:\s+\d{{4}}-\d{{2}}-\d{{2}}\s*$|"
    rf"(?:\s*,\s*{_DAY})?\s*{_AGENCY}?[:\u2013\u2014]\s|"
    # a plain hyphen only after a date or an agency: "CRICKET - ..." and "U.S. - China" are headlines
    rf"(?:\s*,\s*{_DAY}\s*{_AGENCY}?|\s*{_AGENCY})-\s)",
    re.MULTILINE,
)
DATELINE_LINES = 5  # a dateline is among the first lines of a story (after its headline and byline)


def dateline_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the place (and region) of the story's dateline, if it has one."""
    head = "\n".join(text.split("\n")[:DATELINE_LINES])
    m = _DATELINE.search(head)
    if m is None:
        return []
    return [m.span(g) for g in ("place", "region") if m.group(g)]


_PLACE_WORDS = r"town|city|village|port|county|region|province|state|suburb|capital|island|district"
# Lowercase nouns of natural features after a name: "the Tallow catchment", "the Tallow river". No person
# name stands before one of these ("the Biden administration" has a noun no place takes).
_FEATURE_WORDS = r"river|catchment|estuary|basin|watershed|floodplain|delta|valley|gorge|peninsula|coastline|lake"


# After "in X" a place is followed by punctuation or a word like these, not by a noun it modifies
# ("in Dutch bond futures", "in the Singer world series").
_AFTER_PLACE = (
    r"on|at|in|and|or|but|last|this|next|later|earlier|yesterday|today|tomorrow|tonight|since|until|before|after"
    r"|during|for|from|to|where|when|which|who|with|by|is|was|were|are|has|had|have|will|would|said|says|since"
)
# "invest $200 million in X", "a stake in X": an organisation
_NOT_PLACE_BEFORE = re.compile(r"\b(?:invest\w*|stakes?|shares?|interests?)\b[^.;]*$", re.IGNORECASE)


def place_context_keys(text: str) -> set[str]:
    """Keys of names the text itself places: "in X", "near X", "X-based", "the town of X"."""
    name = r"([A-Z][\w\-]*(?: [A-Z][\w\-]*)?)"
    after = rf"(?=\s*(?:[,.;:)!?\"\u201d]|$)|\s+(?:{_AFTER_PLACE})\b)"
    found = set()
    for rx in (
        rf"\b(?:in|near|outside|across|around) (?:the )?{name}{after}",
        rf"\b{name}-based\b",
        rf"\b(?:{_PLACE_WORDS}) of {name}\b",
        rf"\b(?:River|Lake|Mount|Loch|(?<=[Tt]he )(?:river|lake|loch)) {name}\b",
        # "the Tallow catchment", "the Severn estuary": a water or land feature named by a lowercase noun
        rf"\b(?:the|The) {name} (?:{_FEATURE_WORDS})\b",
    ):
        for m in re.finditer(rx, text):
            if not _NOT_PLACE_BEFORE.search(text[max(0, m.start() - 40) : m.start()]):
                found.add(alias_key(re.sub(r"^(?:The|THE) ", "", m.group(1))))
    return found


def org_context_keys(text: str) -> set[str]:
    """Keys of names the text makes companies: "X's managing director", "the X yard", "shares in X"."""
    name = r"([A-Z][\w\-]*(?: [A-Z][\w\-]*){0,2})"
    found = set()
    for rx in (
        rf"\b{name}['\u2019]s (?:managing director|chief executive|chairman|chairwoman|board|shares|shareholders"
        rf"|share price|finance director|chief financial officer)\b",
        rf"\bthe {name} (?:yard|shipyard|plant|factory|works|mill|terminal|company|group|firm)\b",
        rf"\b(?:shares|stake) in {name}\b",
    ):
        found |= {alias_key(m.group(1)) for m in re.finditer(rx, text)}
    return found


_SPORTS = re.compile(
    r"^(?:SOCCER|FOOTBALL|CRICKET|TENNIS|GOLF|BASEBALL|BASKETBALL|RUGBY(?: UNION| LEAGUE)?|ICE HOCKEY|HOCKEY|"
    r"ATHLETICS|CYCLING|BOXING|MOTOR RACING|MOTORCYCLING|SQUASH|SWIMMING|SAILING|SKIING|HORSE RACING|"
    r"BADMINTON|VOLLEYBALL|HANDBALL|NFL|NBA|NHL)\b",
)
_SPORTS_WORDS = re.compile(
    r"\b(?:beat|beats|drew|draw|halftime|half-time|goals?|scored|innings|wickets?|league|fixtures?|"
    r"standings|striker|midfielder|coach|championship|semi-?finals?|quarter-?finals?|cup|tournament|"
    r"match|season|points|home|away|seeded|scorers?|kick-off)\b",
    re.IGNORECASE,
)


# "beat Sevilla 2-1", "drew 1-1 with Burnley": a result in a sentence
_RESULT = re.compile(r"\b(?:beat|beats|drew|draw|won|lost|defeated|edged|thrashed)\b[^.\n]{0,40}?\b\d{1,2}-\d{1,2}\b")


def is_sports_text(text: str) -> bool:
    """A sports story: a wire sports slug ("SOCCER -"), a match result, or the vocabulary of results."""
    if _SPORTS.match(text.lstrip()) or _RESULT.search(text[:3000]):
        return True
    return len(_SPORTS_WORDS.findall(text[:3000])) >= 6


def is_table_line(line: str) -> bool:
    """A row of a results table or list: two or more numbers and few lower-case words."""
    words = line.split()
    numbers = sum(bool(re.fullmatch(r"[(\-]?\d[\d.,:/\-]*[)]?", w)) for w in words)
    lower = sum(w[:1].islower() for w in words)
    return numbers >= 2 and lower <= max(1, len(words) // 4)


def is_typo_of(typo: str, name: str) -> bool:
    """True when `typo` is `name` with two neighbouring letters swapped or one doubled letter added or dropped.

    Only these slips count: a substitution ("Smyth"/"Smith") or another letter added ("Jon"/"John") often
    makes a different real name.
    """
    if typo == name or abs(len(typo) - len(name)) > 1:
        return False
    if len(typo) == len(name):
        diff = [i for i, (x, y) in enumerate(zip(typo, name, strict=True)) if x != y]
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and typo[diff[0]] == name[diff[1]]
            and typo[diff[1]] == name[diff[0]]
        )
    short, long_ = sorted((typo, name), key=len)
    i = next((k for k in range(len(short)) if short[k] != long_[k]), len(short))
    return short[i:] == long_[i + 1 :] and i > 0 and long_[i] == long_[i - 1]


@functools.lru_cache(maxsize=1 << 14)
def typo_forms(word: str) -> frozenset[str]:
    """The words `word` may be a slip of: `is_typo_of(word, t)` only for `t` in this set (it holds more).

    Looked up instead of testing every name word of an article: a long article names hundreds.
    """
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    doubled = {word[:i] + word[i - 1] + word[i:] for i in range(1, len(word) + 1)}
    dropped = {word[:i] + word[i + 1 :] for i in range(1, len(word)) if word[i] == word[i - 1]}
    return frozenset(swapped | doubled | dropped)


def slips_among(typo: str, words: Container[str]) -> set[str]:
    """The `words` that `typo` is a slip of (`is_typo_of`), found without testing each of them."""
    return {t for t in typo_forms(typo) if t in words and is_typo_of(typo, t)}


def plausible_person(name: str) -> bool:
    """False for names no person has: one word, a repeated word ("Barcelona Barcelona"), digits."""
    toks = name_tokens(name)
    return len(toks) > 1 and len(set(toks)) == len(toks) and not re.search(r"\d", name)
