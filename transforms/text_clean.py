"""The plain-text cleaner: headline, stated publish date, dateline and page chrome of a
plain-text save of a news page. Pure: no I/O, no clock (the reference day is passed in).

How it reads a document, in order:

1. `normalized_text`, so every paragraph is one line.
2. The publish-line rule (`_STATED`) and the line rules (`_LINE_RULES`, a table of
   (pattern, reason, longest line)) mark chrome wherever it stands; so do learned
   `boilerplate` lines (match-keys from `boilerplate_lines`).
3. Context rules: the line just above a photo credit is its caption (`_is_caption`);
   headline-like lines under a "Related articles" heading are links.
4. Head and tail are what lies above the first and below the last body-like paragraph.
   `_EDGE_RULES` (clock/date lines) apply there, `_HEAD_RULES` (section labels, crumbs,
   bylines) and kickers above the headline in the head only: lower down, the same shapes
   are sub-headings and timeline dates, which are text.
5. The first line left in the head is the headline when it reads like one (short, no
   sentence punctuation, text after it). No headline is ever made up from body text.
6. A dateline is read from the start of the first body lines. Its prefix stays in the
   text: "WASHINGTON, June 16: US Secretary ..." is part of the sentence as published.
   Its year comes from the stated publish date, else the reference day.
7. A wire agency's mark glued after the last sentence ("... on Wednesday. REUTERS") is cut.

Contributor credits ("Reporting by ...", "X contributed to this report.") are removed and
recorded: they name journalists, not people in the story, and would pollute entities.
Every removed line is listed in `CleanedText.removed` with its reason; the headline is
listed there too (reason "headline"), as it moves out of the text into `title`.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import chain, pairwise
from typing import NamedTuple

from newsmon.models import CleanedText
from transforms.boilerplate import FOLLOW_PROMPT
from transforms.normalize import match_key, normalized_text

# ---------------------------------------------------------------------------------------
# Dates

_MONTH = (
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = (
    r"(?i:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# Dates that carry a year, tried in this order at the start of a string.
_FULL_DATES = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)"),
    re.compile(rf"(?P<d>\d{{1,2}}){_ORD}(?:\s+of)?[\s-]+(?P<mon>{_MONTH}),?[\s-]+(?P<y>\d{{4}})(?!\d)"),
    re.compile(rf"(?P<mon>{_MONTH})\s+(?P<d>\d{{1,2}}){_ORD},?\s+(?P<y>\d{{4}})(?!\d)"),
    re.compile(r"(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})(?!\d)"),
)
# Dates without a year, as datelines write them ("June 16", "16 June").
_SHORT_DATE = re.compile(
    rf"(?:(?P<mon>{_MONTH})\s+(?P<d>\d{{1,2}}){_ORD}|(?P<d2>\d{{1,2}}){_ORD}\s+(?P<mon2>{_MONTH}))"
    r"(?:,?\s+(?P<y>\d{4}))?"
)
_TIME = r"\d{1,2}[:.]\d{2}(?![./]\d)(?::\d{2})?\s*(?i:[ap]\.?m\.?)?"
_TZ = (
    r"(?:GMT|UTC|BST|CET|CEST|EET|EEST|EST|EDT|CST|CDT|MST|MDT|PST|PDT|IST|PKT|BDT|NPT|JST|KST"
    r"|HKT|SGT|AEST|AEDT|WIB|MSK|EAT|WAT|SAST|GST|ET|PT|CT)"
)
_DATE_PREFIX = re.compile(
    rf"\s*(?:{_TIME}\s*(?:{_TZ}(?:[+-]\d{{1,2}})?)?\s*[,|/•·-]?\s*)?(?:{_WEEKDAY}\s*,?\s*)?(?:the\s+)?"
)
# A date on the reference day's calendar may be this far ahead (time zones, late filing).
_AHEAD = timedelta(days=2)


def _month(name: str) -> int:
    return _MONTHS[name.rstrip(".").casefold()]


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _leading_date(s: str, reference: date) -> tuple[date, int] | None:
    """The date at the start of `s` and where it ends, or None.

    A weekday and a time of day may come first ("10:15 AM EDT, Sat June 17, 2023").
    """
    skipped = _DATE_PREFIX.match(s)
    start = skipped.end() if skipped else 0
    for pattern in _FULL_DATES:
        m = pattern.match(s, start)
        if not m:
            continue
        found = _full_date(m, reference)
        return (found, m.end()) if found else None
    return None


def _full_date(m: re.Match[str], reference: date) -> date | None:
    y = int(m["y"])
    groups = m.groupdict()
    if "mon" in groups:
        return _safe_date(y, _month(m["mon"]), int(m["d"]))
    if "a" not in groups:
        return _safe_date(y, int(m["m"]), int(m["d"]))
    a, b = int(m["a"]), int(m["b"])
    if m["sep"] == ".":  # 17.06.2023 is day-first wherever it is written
        return _safe_date(y, b, a)
    # 06/07/2023 is ambiguous: take the reading nearest before the reference.
    readings = [x for x in (_safe_date(y, b, a), _safe_date(y, a, b)) if x]
    past = [x for x in readings if x <= reference + _AHEAD]
    return max(past) if past else (readings[0] if readings else None)


def _date_near(month: int, day: int, reference: date) -> date | None:
    """The latest (month, day) on or before the reference (give or take `_AHEAD`)."""
    for year in (reference.year + 1, reference.year, reference.year - 1):
        d = _safe_date(year, month, day)
        if d and d <= reference + _AHEAD:
            return d
    return None


# ---------------------------------------------------------------------------------------
# Line rules: (pattern, reason, longest line the pattern may remove)


class _Rule(NamedTuple):
    pattern: re.Pattern[str]
    reason: str
    max_len: int = 200


def _rules(reason: str, max_len: int, *patterns: str, flags: int = re.IGNORECASE) -> list[_Rule]:
    return [_Rule(re.compile(p, flags), reason, max_len) for p in patterns]


_CLOCK_TOKEN = (
    rf"(?:{_WEEKDAY}|{_MONTH}|{_TIME}|\d{{1,4}}(?!\d){_ORD}|(?i:[ap]\.?m\.?)"
    rf"|{_TZ}|[+-]\d{{2}}:?\d{{2}}|(?i:at|on|hrs|today))"
)
_CLOCK_SEP = r"[\s,|/.:\-–—()•·]*"
# Agencies that sign photos; _WIRE: those that sign stories.
_AGENCY = (
    r"(?:Reuters|AFP|AP|Associated Press|Getty Images|Getty|Pool|Bloomberg|EPA|EPA-EFE|EFE"
    r"|Xinhua|Shutterstock|AAP|PTI|ANI|IANS|UNB|BSS|Anadolu(?: Agency)?|NurPhoto|SOPA Images"
    r"|LightRocket|Sipa|Alamy|iStock|Zuma|Imago|dpa|Kyodo|Yonhap|TASS|Sputnik|Bernama|Handout)"
)
_WIRE = r"(?:REUTERS|Reuters|AFP|AP|Xinhua|XINHUA|ANI|IANS|PTI|UNB|BSS|Bernama|Yonhap|dpa|APP|EFE|TASS)"
_SOCIAL = (
    r"(?:share|tweet|e-?mail|print|whatsapp|facebook|twitter|x|linkedin|telegram|pinterest|reddit"
    r"|messenger|tumblr|copy link|flipboard|comments?)"
)

# Chrome recognised by the line alone, wherever it stands. First match names the reason.
_LINE_RULES: list[_Rule] = [
    *_rules(
        "view counter",
        60,
        r"^(?:views?|count|reads?|hits|page ?views)\s*[:：]?\s*[\d,.]+\s*k?$",
        r"^[\d,.]+\s*k?\s+(?:views|reads|shares|comments)$",
        r"^\d+\s*min(?:ute)?s?\s+read$",
    ),
    *_rules(
        "pagination",
        120,
        # "« PreviousNext »", "Previous article", "Next »", "Page 2 of 5", "1 2 3 Next"
        r"^[«‹<←]?\s*(?:previous|prev|older)\s*(?:post|article|story|page)?\s*[|/·•]?\s*"
        r"(?:next|newer)?\s*(?:post|article|story|page)?\s*[»›>→]?$",
        r"^(?:next|newer)\s*(?:post|article|story|page)?\s*[»›>→]?$",
        r"^page\s+\d+\s+of\s+\d+$",
        r"^(?:[«‹<]\s*)?(?:\d+\s+){2,}(?:next|»|›)?\s*[»›>]?$",
    ),
    *_rules("pagination", 220, r"^(?:previous|next)\s+(?:article|post|story)\s*[:\-–—]"),
    *_rules(
        "photo caption",
        400,
        # "Photo: ...", "FILE PHOTO: ...", "Image courtesy: ..."
        r"^(?:photo|photograph|image|picture|pic|file photo|illustration|caption)"
        r"(?:\s+(?:credit|courtesy))?\s*[:|]",
    ),
    *_rules(
        "photo credit",
        100,
        # "Ondřej Harník | Pool | Reuters", "Name/AFP via Getty Images", "Photo by X/Reuters"
        rf"^(?=[^.!?]*$)(?:\S+\s+){{0,8}}?\S*(?:[|/©]|\bvia\b|\bphoto(?:graph)?s?\s+by\b)\s*(?:\S+\s+){{0,3}}?"
        rf"{_AGENCY}(?:\s+(?:photos?|images|file|pool))?\s*\)?$",
        rf"^{_AGENCY}\s*/\s*(?:\S+\s*){{1,4}}$",
        r"^(?:getty images|shutterstock|istock|alamy)$",
        r"^(?:credit|courtesy)\s*:",
    ),
    *_rules(
        "photo caption",
        600,
        # "... in Beijing, June 18, 2023. (AP Photo/Leah Millis, Pool)"
        r"\((?:AP|AFP|Reuters|EPA|Getty|Xinhua|PTI|ANI)\s+Photos?\b[^)]*\)\s*$",
        # "... June 18, 2023. REUTERS/Leah Millis/Pool"
        rf"\b(?:REUTERS|AFP|EPA|EPA-EFE|Xinhua)\s*/\s*(?!{_WIRE}\b)"
        r"[A-Z][\w.'’ -]*(?:/[\w .'’-]+)*$",
        flags=0,
    ),
    *_rules("agency mark", 30, rf"^[-–—(©/\s]*{_WIRE}\s*[)/]?\s*(?:[-–—/]\s*{_WIRE}\s*)?$", flags=0),
    *_rules(
        "share/follow",
        300,
        r"\bfollow us on\b",
        "^" + FOLLOW_PROMPT,
        r"\blike us on facebook\b",
        # (not a row of "x" marks alone: a results table's, not the network X)
        rf"^(?!(?:x\s*)+$)(?:{_SOCIAL}(?:\s+(?:on|via)\s+\w+)?\s*(?:\(\d+\))?[\s,|•·/]*)+:?$",
        r"^share (?:this|on|via)\b",
        r"^click to (?:share|print|email)\b",
        r"^(?:print|email|e-mail|save|share) this (?:article|page|story|post)\b",
        r"\bjoin (?:us|our)\b.{0,40}\b(?:telegram|whatsapp|facebook)\b",
        r"^(?:download|get) (?:the|our)\b.{0,50}\bapp\b",
        r"\b(?:subscribe|sign up)\b.{0,80}\bnewsletters?\b",
    ),
    *_rules(
        "comment form",
        250,
        r"^leave a (?:reply|comment)\b",
        r"your email address will not be published",
        r"required fields are marked",
        r"^comments? (?:are|is) (?:closed|disabled)",
        r"^save my name, email",
        r"^(?:\d+\s+)?(?:comments?|responses?)\s*(?:\(\d+\))?:?$",
        r"^(?:post|add|write|view) (?:a |your )?comments?\b.{0,30}$",
        r"^cancel reply$",
        r"^you must be logged in to (?:post|comment)",
        r"^(?:name|e-?mail|website|comment)\s*\*?$",
        r"^(?:log ?in|sign ?in) to (?:comment|reply)",
        r"^(?:log ?in|sign ?in|register)(?: or (?:register|sign ?up|log ?in|sign ?in))? to"
        r" (?:comment|reply|post|join the discussion)",
        r"^join the (?:conversation|discussion)$",
    ),
    *_rules(
        "related links",
        200,
        r"^(?:read (?:more|also|next)|also read|see also|must read|you (?:may|might) also like"
        r"|recommended(?: for you| reading| stories)?|more (?:from|on|in) .{1,40})\s*[:\-–—»>]",
    ),
    *_rules(
        "related links heading",
        60,
        r"^(?:related|more|latest|other|similar)(?:\s+(?:articles?|posts?|news|stories|coverage"
        r"|reading|content|topics|videos))?\s*:?$",
        r"^(?:read (?:more|also|next)|also read|see also|you (?:may|might) also like"
        r"|recommended(?: for you| reading| stories)?|trending(?: now| news)?"
        r"|most (?:read|popular|viewed|shared)|more (?:from|on|in) .{1,40}|top stories"
        r"|editor'?s picks?|don't miss)\s*:?$",
    ),
    *_rules(
        "navigation",
        60,
        r"^back to top(?: button)?$",
        r"^skip to (?:main )?content$",
        r"^(?:advertisement|advertisment|sponsored(?: content)?|ad|ads by \w+"
        r"|story continues below(?: advertisement)?|scroll to continue(?: with content)?"
        r"|continue reading(?: below)?|loading\.*|menu|search)$",
    ),
    *_rules(
        "aggregator disclaimer",
        800,
        r"denial of responsibility",
        r"is an automatic aggregator",
        r"all trademarks belong to their rightful owners",
        r"auto-generated from a syndicated feed",
        r"has not been edited by .{0,40}staff",
        r"^disclaimer\s*[:!-]",
        r"\b(?:automated|automatic) (?:news )?(?:aggregation|aggregator)\b",
        r"\bcompiled by .{1,60} from (?:reporting|reports|stories) (?:published|by)\b",
    ),
    *_rules(
        "site footer",
        300,
        # "Editor: X | Privacy Policy | Terms of Use | Contact Us": two or more footer links
        r"(?:privacy(?: policy| notice)?|terms (?:of|and) (?:use|service|conditions)|contact us|cookie"
        r" (?:policy|settings)|about us|advertise(?: with us)?|all rights reserved|sitemap|accessibility)"
        r"\s*[|·•/]\s*.{0,120}(?:privacy|terms|contact|cookie|about|advertise|rights reserved|sitemap"
        r"|accessibility)",
    ),
    *_rules(
        "copyright notice",
        200,
        r"^(?:copyright\s*)?(?:©|\(c\))",
        r"^copyright\s+\d{4}\b",
        r"\ball rights reserved\.?$",
        r"^our standards:\s*the thomson reuters trust principles",
    ),
    *_rules("tag list", 300, r"^(?:tags|topics|filed under|categories|category|keywords)\s*:"),
    *_rules(
        "contributor credit",
        300,
        r"\bcontributed (?:reporting|to this (?:report|story|article))\b",
        r"^[(\[]?\s*(?:additional |further )?reporting by\b",
        r"^[(\[]?\s*(?:writing|editing|edited|compiled|produced) by\b",
        r"^[-–—(\[]*\s*with (?:inputs?|reporting) from\b",
        r"^[-–—(\[]*\s*inputs? from (?:agencies|\w+)\W*$",
        r"^[-–—]\s*with\s+(?:AFP|Reuters|AP|agencies|PTI|IANS|ANI)\W*$",
    ),
]

# Rules for the head (above the first body paragraph) and the tail (below the last one),
# where such a line is page furniture; in the body the same shape is real text (a date
# heading in a timeline, a short sub-heading) and stays.
_EDGE_RULES: list[_Rule] = [
    # Nothing but a date and/or a time: the page's clock or a date stamp.
    *_rules(
        "clock line",
        80,
        rf"^(?=.*(?:{_MONTH}|{_WEEKDAY}|\d:\d\d|\d[/.-]\d))(?:{_CLOCK_TOKEN}{_CLOCK_SEP})+$",
        flags=0,
    ),
]
_HEAD_RULES: list[_Rule] = [
    # "INTERNATIONAL", "WORLD NEWS", "BUSINESS & ECONOMY"
    _Rule(re.compile(r"^(?=.*[A-Z]{2})[A-Z&/.'’-]+(?:\s+[A-Z&/.'’-]+){0,2}$"), "section label", 40),
    # "News › World › Asia", "Home / World"
    _Rule(re.compile(r"^[\w&'’ -]{1,30}(?:\s*[›>»/|•·]\s*[\w&'’ -]{1,30})+$"), "section crumb", 120),
    # "By Jane Doe", "By Jane Doe and John Roe, Reuters"
    _Rule(re.compile(r"^by\s+[A-Z][^.!?]{1,80}$", re.IGNORECASE), "byline", 100),
]
# Short labels that are chrome only when a headline follows them in the head, since a
# headline may have the same shape: "Home Foreign News" (a crumb saved without its
# separators) or a kicker ("World", "Asia Pacific").
_CRUMB_ABOVE_HEADLINE = re.compile(r"^Home(?:\s+[A-Z][\w&'’-]*){0,5}$")

# "Published : Saturday, 17 June, 2023 at 12:00 AM  Count : 127", "Updated: ...", "Posted on ..."
_STATED = re.compile(
    r"(?:^|[|•·]\s*|\s{2,})"
    r"(?P<kind>(?:first |originally |last )?(?:published|updated|posted|modified)(?: (?:on|at))?"
    r"|date(?:d| published)?(?=\s*[:：]))\b\s*[:：\-–—]?\s*",
    re.IGNORECASE,
)
_STATED_BY = re.compile(r"by\s+[^|•·,]{1,40}?\s*(?:\bon\b|\bat\b|[|•·,\-–—])\s*", re.IGNORECASE)
_RELATIVE_TIME = re.compile(r"\d+\s+(?:sec|min|hour|hr|day|week)s?\b.*\bago\b", re.IGNORECASE)
_STATED_MAX_LEN = 200
_STATED_MAX_TRAIL = 80  # text after the date: a time, a counter, "by Admin"; not a sentence

# A dateline opening the first paragraph. Places are upper case ("WASHINGTON",
# "NEW DELHI", "KYIV, Ukraine"); a title-case place needs a date or an agency after it
# ("Washington, June 16 (Reuters) -") so that a sentence's subject is not taken for one.
_DATELINE = re.compile(
    r"^(?:(?P<caps>[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}"
    r"(?:,\s+[A-Z][A-Za-z.]+(?:\s+[A-Z][A-Za-z.]+){0,2})?)"
    r"|(?P<title>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}(?:,\s+[A-Z][A-Za-z.]+)?))"
    rf"(?:,\s+(?:{_WEEKDAY},?\s+)?(?P<date>{_SHORT_DATE.pattern}))?"
    r"(?:\s*\((?P<agency>[A-Za-z][A-Za-z .&'-]{0,30})\))?"
    r"\s*(?P<sep>[-–—]{1,2}|:)\s+(?=\S)"
)
_NOT_PLACES = frozenset(
    {
        "BREAKING",
        "EXCLUSIVE",
        "UPDATE",
        "UPDATED",
        "NOTE",
        "EDITOR'S NOTE",
        "WATCH",
        "ANALYSIS",
        "OPINION",
        "LIVE",
        "VIDEO",
        "PHOTOS",
        "READ",
        "FACT CHECK",
        "Q",
        "A",
        "FILE",
        "PHOTO",
        "FILE PHOTO",
        "ALSO READ",
        "READ MORE",
        "CORRECTION",
        "URGENT",
        "FLASH",
    }
)
_DATELINE_LOOKAHEAD = 3  # a byline or a standfirst may sit between headline and body

# A wire agency's name glued after the last sentence ("... on Wednesday. REUTERS").
_TRAILING_AGENCY = re.compile(rf"(?<=[.!?\"”’])\s*[-–—(©/]*\s*(?P<mark>{_WIRE}(?:\s*[-–—/]\s*{_WIRE})?)\s*[)/]?\s*$")

_HEADLINE_MIN_WORDS = 3
_HEADLINE_MAX_WORDS = 30
_HEADLINE_MAX_LEN = 200
_LABEL_MAX_WORDS = 3
_BODY_MIN_WORDS = 20  # a line this long is body text wherever it stands
_SENTENCE_MIN_WORDS = 10  # ... and so is a shorter one that ends like a sentence
_CAPTION_MIN_WORDS = 20
_CAPTION_MAX_WORDS = 45
_PHOTO_WORDS = re.compile(r"\b(?:pictured|photo(?:graph)?(?:ed)?|file (?:photo|picture)|seen here)\b", re.I)
_LINK_MAX_WORDS = 20
_CLOSERS = "\"'”’)]»"


def _words(line: str) -> int:
    return len(line.split())


def _last_char(line: str) -> str:
    return line.rstrip(_CLOSERS)[-1:]


def _body_like(line: str) -> bool:
    n = _words(line)
    return n >= _BODY_MIN_WORDS or (n >= _SENTENCE_MIN_WORDS and _last_char(line) in ".!?")


def _headline_like(line: str) -> bool:
    """A short line without sentence punctuation that is not a byline or a dateline."""
    return (
        _HEADLINE_MIN_WORDS <= _words(line) <= _HEADLINE_MAX_WORDS
        and len(line) <= _HEADLINE_MAX_LEN
        and _last_char(line) not in ".:;,"
        and not line[:1].islower()
        and not re.match(r"(?i)by\s", line)
        and not _DATELINE.match(line)
    )


def _rule_reason(line: str, rules: Sequence[_Rule]) -> str | None:
    for rule in rules:
        if len(line) <= rule.max_len and rule.pattern.search(line):
            return rule.reason
    return None


def _stated(line: str, reference: date) -> tuple[str, date | None] | None:
    """(kind, date) when the line says when the article was published or updated."""
    if len(line) > _STATED_MAX_LEN:
        return None
    for m in _STATED.finditer(line):
        rest = line[m.end() :]
        by = _STATED_BY.match(rest)  # "Posted by Admin on June 17, 2023"
        if by:
            rest = rest[by.end() :]
        found = _leading_date(rest, reference)
        if found and len(rest) - found[1] <= _STATED_MAX_TRAIL:
            return m["kind"].casefold(), found[0]
        if _RELATIVE_TIME.match(rest) and len(rest) <= _STATED_MAX_TRAIL:
            return m["kind"].casefold(), None
    return None


def _is_caption(line: str, *, first: bool) -> bool:
    """Whether the line just above a photo credit is that photo's caption.

    A short line with a date or a photo word is one wherever it stands. Otherwise only the
    very first line of the page is taken for one, when it reads like a sentence: a short
    line without a full stop there is more likely a headline over an uncaptioned photo,
    and further down a paragraph may sit just above an uncaptioned photo's credit.
    """
    n = _words(line)
    if n > _CAPTION_MAX_WORDS:
        return False
    if _SHORT_DATE.search(line) or _PHOTO_WORDS.search(line):
        return True
    return first and (_last_char(line) in ".!?" or n >= _CAPTION_MIN_WORDS)


# ---------------------------------------------------------------------------------------
# The cleaner


def cleaned_text(raw: str, *, reference_day: date, boilerplate: frozenset[str] = frozenset()) -> CleanedText:
    """Headline, stated publish date, dateline and chrome-free text of a plain-text news page."""
    lines = [line for line in normalized_text(raw).split("\n\n") if line]
    reasons: list[str | None] = [None] * len(lines)
    for i, line in enumerate(lines):
        if _stated(line, reference_day):
            reasons[i] = "publish line"
        elif (reason := _rule_reason(line, _LINE_RULES)) is not None:
            reasons[i] = reason
        elif match_key(line) in boilerplate:
            reasons[i] = "boilerplate"
    _mark_captions(lines, reasons)
    _mark_link_lists(lines, reasons)
    _mark_edges(lines, reasons)
    _mark_head(lines, reasons)

    title_index = _headline_index(lines, reasons)
    title = lines[title_index] if title_index is not None else None
    if title_index is not None:
        # Above the headline of a saved page sit only its masthead, tagline and menus.
        for i in _kept(reasons, 0, title_index):
            reasons[i] = "masthead"
    # Read after the caption rule, so a caption's date can never become the publish date.
    stated_published = _preferred(
        [
            found
            for line, reason in zip(lines, reasons, strict=True)
            if reason == "publish line" and (found := _stated(line, reference_day))
        ]
    )
    place, dateline_date = _dateline(
        [line for i, line in enumerate(lines) if reasons[i] is None and i != title_index],
        stated_published or reference_day,
    )

    removed: list[tuple[str, str]] = []
    kept: list[str] = []
    for i, line in enumerate(lines):
        if i == title_index:
            removed.append((line, "headline"))
        elif reasons[i] is not None:
            removed.append((line, reasons[i] or ""))
        else:
            kept.append(line)
    if kept:
        m = _TRAILING_AGENCY.search(kept[-1])
        if m and m.start() > 0:
            removed.append((m["mark"], "trailing agency mark"))
            kept[-1] = kept[-1][: m.start()].rstrip()

    return CleanedText(
        author=_byline_author([line for line, reason in removed if reason == "byline"]),
        title=title,
        title_provenance="headline_line" if title else None,
        text="\n\n".join(kept),
        stated_published=stated_published,
        dateline_place=place,
        dateline_date=dateline_date,
        removed=removed,
    )


def _kept(reasons: list[str | None], start: int = 0, stop: int | None = None) -> list[int]:
    stop = len(reasons) if stop is None else stop
    return [i for i in range(start, stop) if reasons[i] is None]


def _mark_captions(lines: list[str], reasons: list[str | None]) -> None:
    """The line just above a photo credit is that photo's caption."""
    for i in range(1, len(lines)):
        if reasons[i] == "photo credit" and reasons[i - 1] in (None, "publish line"):
            # First: nothing but labels (no headline, no text) above it.
            first = not any(_words(lines[j]) > _LABEL_MAX_WORDS for j in _kept(reasons, 0, i - 1))
            if _is_caption(lines[i - 1], first=first):
                reasons[i - 1] = "photo caption"


def _mark_link_lists(lines: list[str], reasons: list[str | None]) -> None:
    """Headline-like lines under a "Related articles" heading are links, not text."""
    for i, reason in enumerate(reasons):
        if reason != "related links heading":
            continue
        for j in _kept(reasons, i + 1):
            line = lines[j]
            if _words(line) > _LINK_MAX_WORDS or _last_char(line) in ".:;,":
                break
            reasons[j] = "related links"


def _body_span(lines: list[str], reasons: list[str | None]) -> tuple[int, int]:
    """(first, last + 1) of the body-like lines still kept; what is outside is head and tail."""
    body = [i for i in _kept(reasons) if _body_like(lines[i])]
    return (body[0], body[-1] + 1) if body else (len(lines), len(lines))


def _mark_edges(lines: list[str], reasons: list[str | None]) -> None:
    start, stop = _body_span(lines, reasons)
    for i in _kept(reasons):
        if i < start or i >= stop:
            reasons[i] = _rule_reason(lines[i], _EDGE_RULES)


def _mark_head(lines: list[str], reasons: list[str | None]) -> None:
    """Section labels, crumbs, bylines and kickers above the first body paragraph."""
    head_end, _ = _body_span(lines, reasons)
    for i in _kept(reasons, 0, head_end):
        reasons[i] = _rule_reason(lines[i], _HEAD_RULES)
    # A label is chrome when a longer headline-like line follows it.
    kept = _kept(reasons, 0, head_end)
    for i, following in pairwise(kept):
        line, next_line = lines[i], lines[following]
        if not _headline_like(next_line):
            break
        if _CRUMB_ABOVE_HEADLINE.match(line):
            reasons[i] = "section crumb"
        elif _words(line) <= _LABEL_MAX_WORDS and _last_char(line) not in ".!?:;," and _words(next_line) > _words(line):
            reasons[i] = "section label"
        else:
            break


_BYLINE_NAME = re.compile(
    r"^by\s+(?P<names>.+?)(?:\s*(?:,|\||·|•|\s[-–—]\s|\bposted\b|\bpublished\b|\bon\s+\w+day\b|$))", re.IGNORECASE
)


def _byline_author(bylines: list[str]) -> str | None:
    """Names from the first byline: "By Ruth Gwillim, Chief Reporter" -> "Ruth Gwillim"."""
    for line in bylines:
        m = _BYLINE_NAME.match(line.strip())
        if m:
            names = re.split(r"\s+and\s+|\s*&\s*", m["names"].strip())
            return "; ".join(n for n in names if n) or None
    return None


def _headline_index(lines: list[str], reasons: list[str | None]) -> int | None:
    """The headline-like line nearest the body in the head (mastheads and taglines sit
    above it), when text follows it."""
    head_end, _ = _body_span(lines, reasons)
    kept = _kept(reasons)
    candidates = [i for i in kept if i < head_end and _headline_like(lines[i])]
    if len(kept) >= 2 and candidates:
        return candidates[-1]
    return None


def _preferred(stated: list[tuple[str, date | None]]) -> date | None:
    """A publish date wins over an update date; otherwise the first date stated."""
    dated = [(kind, d) for kind, d in stated if d is not None]
    for kind, d in dated:
        if not re.search(r"updated|modified", kind):
            return d
    return dated[0][1] if dated else None


def _dateline(body: list[str], reference: date) -> tuple[str | None, date | None]:
    """(place, date) of a dateline opening one of the first body lines."""
    for line in body[:_DATELINE_LOOKAHEAD]:
        m = _DATELINE.match(line)
        if not m:
            continue
        place = (m["caps"] or m["title"]).strip()
        if place.upper() in _NOT_PLACES or (m["title"] and not (m["date"] or m["agency"])):
            continue
        when = None
        d = _SHORT_DATE.match(m["date"]) if m["date"] else None
        if d:
            month, day = _month(d["mon"] or d["mon2"]), int(d["d"] or d["d2"])
            when = _safe_date(int(d["y"]), month, day) if d["y"] else _date_near(month, day, reference)
        return place, when
    return None, None


# ---------------------------------------------------------------------------------------
# Boilerplate learned across documents of one source

_SHINGLE = 5
_NEAR_DUPLICATE = 0.5  # Jaccard of word 5-shingles from which two documents are versions
# Two documents can share real text (near-duplicates, a story and its update); sitewide
# chrome shows up in many distinct ones. Below three, real headlines would be learned.
_MIN_DOCS_FLOOR = 3


# What learning needs from one document, stored once per document by the flow (bump the
# version when normalisation, shingling or `max_len` change: stored features are then recomputed).
BOILERPLATE_FEATURES_VERSION = 1
_MAX_LINE = 200


class BoilerplateFeatures(NamedTuple):
    """One document as boilerplate learning sees it: its short lines' match-keys, its word 5-shingles."""

    line_keys: frozenset[str]
    shingles: tuple[int, ...]  # distinct crc32 hashes, ascending


def boilerplate_features(text: str, *, max_len: int = _MAX_LINE) -> BoilerplateFeatures:
    """Match-keys of the document's lines up to `max_len` characters, and its shingle hashes."""
    doc = [line for line in normalized_text(text).split("\n\n") if line]
    keys = frozenset(match_key(line) for line in doc if len(line) <= max_len)
    return BoilerplateFeatures(keys, tuple(sorted(_shingles(doc))))


def boilerplate_lines(
    texts: Sequence[str], *, min_docs: int = 3, min_share: float = 0.5, max_len: int = _MAX_LINE
) -> frozenset[str]:
    """Match-keys of short lines repeated across distinct documents of one source.

    Near-duplicate documents (versions of one story) count once, so their shared
    headline and paragraphs are never learned; `min_docs` below 3 is raised to 3.
    """
    features = [boilerplate_features(t, max_len=max_len) for t in texts]
    return learned_boilerplate(features, min_docs=min_docs, min_share=min_share)


def learned_boilerplate(
    features: Sequence[BoilerplateFeatures], *, min_docs: int = 3, min_share: float = 0.5
) -> frozenset[str]:
    """`boilerplate_lines` from the documents' features (stored once per document; any order)."""
    groups = _distinct_groups([f.shingles for f in features])
    counts: Counter[str] = Counter()
    for group in groups:
        counts.update(set().union(*(features[i].line_keys for i in group)))
    needed = max(min_docs, _MIN_DOCS_FLOOR, min_share * len(groups))
    return frozenset(key for key, n in counts.items() if key and n >= needed)


def _distinct_groups(shingles: Sequence[Sequence[int]]) -> list[list[int]]:
    """Document indexes grouped into near-duplicate clusters (each document's shingles distinct).

    Shared shingles are counted for all pairs at once, as a sparse product of the documents x
    shingles matrix with itself, not pair by pair in Python: a source's 30 days are a few
    hundred documents, and a shingle below the cap may be shared by half of them.
    """
    # Imported here: extraction workers import this module for cleaned_text and never learn.
    import numpy as np
    from scipy import sparse
    from scipy.sparse import csgraph

    n = len(shingles)
    if n == 0:
        return []
    lengths = [len(s) for s in shingles]
    flat = np.fromiter(chain.from_iterable(shingles), dtype=np.int64, count=sum(lengths))
    docs = np.repeat(np.arange(n, dtype=np.int64), lengths)
    hashes, column, df = np.unique(flat, return_inverse=True, return_counts=True)
    # Shingles most documents share are sitewide chrome, not evidence of a shared story.
    kept = df[column] <= max(2, n // 2)
    incidence = sparse.csr_matrix(
        (np.ones(int(kept.sum()), dtype=np.int64), (docs[kept], column[kept])), shape=(n, max(1, len(hashes)))
    )
    sizes = np.asarray(incidence.sum(axis=1)).ravel()
    shared = sparse.triu(incidence @ incidence.T, k=1).tocoo()
    near = shared.data / (sizes[shared.row] + sizes[shared.col] - shared.data) >= _NEAR_DUPLICATE
    graph = sparse.coo_matrix((np.ones(int(near.sum())), (shared.row[near], shared.col[near])), shape=(n, n))
    _, labels = csgraph.connected_components(graph, directed=False)
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(i)
    return list(groups.values())


def _shingles(doc: list[str]) -> frozenset[int]:
    words = match_key(" ".join(doc)).split()
    return frozenset(
        zlib.crc32(" ".join(words[i : i + _SHINGLE]).encode()) for i in range(max(1, len(words) - _SHINGLE + 1))
    )
