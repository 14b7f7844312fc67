"""Unicode normalisation of article text, and the comparison key used to match lines.

`normalized_text` gives every later stage the same shape of text: one paragraph per line,
paragraphs separated by one blank line, NFC, no mojibake, no invisible characters.
It is idempotent, so stages may apply it again to text that already went through it.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy

# Conservative: repair mojibake and control characters, but leave typography (curly
# quotes, full-width CJK forms) alone, and skip the two heuristics ftfy itself calls
# risky (guessing a lost 0xA0 byte, replacing lossy sequences), which can damage
# correct text more often than they repair it.
_FTFY = ftfy.TextFixerConfig(
    unescape_html="auto",
    restore_byte_a0=False,
    replace_lossy_sequences=False,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=True,
    normalization="NFC",
    explain=False,
)

# Spaces of other widths, tabs and the no-break family all read as one space.
_ODD_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Invisible characters that only get in the way of matching. ZWJ/ZWNJ (U+200C/D) are
# kept: they carry meaning in Persian, Indic scripts and emoji sequences.
# U+FFFD is dropped too: it marks a character already lost upstream (often a ©).
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad\u200e\u200f\u202a-\u202e\ufffd]")
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028]")
_PARAGRAPH_SEPARATOR = "\u2029"
_SPACE_RUN = re.compile(r" {2,}")
_BLANK_RUN = re.compile(r"\n\s*\n")

# Hard-wrapped text (e-mail, wire copy at ~72 columns) has every line of a paragraph
# close to one width; saved web pages have one (long) line per paragraph instead.
_WRAP_MAX_WIDTH = 100
_WRAP_MIN_WIDTH = 40
_WRAP_FULL_SHARE = 0.7


def normalized_text(s: str) -> str:
    """Article text with mojibake fixed, odd spaces folded, one paragraph per line, NFC."""
    s = ftfy.fix_text(s, _FTFY)
    s = s.replace(_PARAGRAPH_SEPARATOR, "\n\n")
    s = _LINE_BREAKS.sub("\n", s)
    s = _ODD_SPACES.sub(" ", s)
    s = _INVISIBLE.sub("", s)
    lines = [_SPACE_RUN.sub(" ", line).strip() for line in s.split("\n")]
    blocks = _BLANK_RUN.split("\n".join(lines).strip("\n"))
    width = _wrap_width(lines)
    paragraphs: list[str] = []
    for block in blocks:
        block_lines = [line for line in block.split("\n") if line]
        paragraphs.extend(_unwrapped(block_lines, width) if width else block_lines)
    return unicodedata.normalize("NFC", "\n\n".join(paragraphs))


def match_key(s: str) -> str:
    """A comparison key: NFKC, whitespace folded to single spaces, casefolded."""
    return " ".join(unicodedata.normalize("NFKC", s).split()).casefold()


def _wrap_width(lines: list[str]) -> int | None:
    """The column the text is hard-wrapped at, or None when it is not hard-wrapped."""
    lengths = [len(line) for line in lines if line]
    if len(lengths) < 4:
        return None
    width = max(lengths)
    if not _WRAP_MIN_WIDTH <= width <= _WRAP_MAX_WIDTH:
        return None
    full = sum(1 for n in lengths if n >= 0.8 * width)
    return width if full / len(lengths) >= 0.5 else None


def _unwrapped(lines: list[str], width: int) -> list[str]:
    """Join the lines of hard-wrapped paragraphs: a nearly full line continues on the next."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        current.append(line)
        if len(line) < _WRAP_FULL_SHARE * width:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs
