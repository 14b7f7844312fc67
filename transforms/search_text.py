"""Full-text search, the pure parts: parse what a user typed, find the words the index would
find, pick the best passage of an article and highlight the matches. Pure.

The query language is small on purpose: words (every one must match, by its stem, so
`strike` finds "strikes" and "striking"), "quoted phrases" (these words, in this order),
and `-word` / `-"phrase"` to exclude. Anything that looks like another engine's syntax
(`OR`, parentheses, `title:`, `word*`) is refused with a one-line reason rather than
silently searched as words.

Tokens mirror the DuckDB fts index built by warehouse/models/search_index.sql: accents
stripped, lower-cased, runs of `[a-z0-9]`; stems and stopwords come from the index itself
(warehouse/search.py asks DuckDB), so the query and the index never disagree on them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from pydantic import BaseModel, Field

MAX_QUERY_CHARS = 500
MAX_QUERY_PARTS = 32
SNIPPET_CHARS = 240

_BOOLEAN_WORDS = {"AND", "OR", "NOT", "&&", "||"}
_BOOLEAN_CHARS = set("()[]{}|")
_FIELD = re.compile(r"^[A-Za-z_]+:\S")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+|\n\s*")
_SPACE = re.compile(r"\s+")


class SearchQueryError(ValueError):
    """A query that cannot be searched; the message says what is wrong in one line."""


class ParsedQuery(BaseModel):
    """What a query asks for: each part as typed (tokenised later)."""

    words: list[str] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)
    excluded_words: list[str] = Field(default_factory=list)
    excluded_phrases: list[str] = Field(default_factory=list)


class Snippet(BaseModel):
    """The best passage of a text: offsets into the text, and the highlighted spans inside it."""

    start: int
    end: int
    highlights: list[tuple[int, int]] = Field(default_factory=list)


class SearchHit(BaseModel):
    """One ranked article. Offsets (snippet_start/end, highlights) index articles.text;
    title_highlights index the title."""

    rank: int
    score: float
    article_id: str
    title: str | None
    source: str
    day: date  # arrival day
    published_at: datetime
    url: str | None
    story_id: str | None
    story_title: str | None
    snippet: str  # text[snippet_start:snippet_end]
    snippet_start: int
    snippet_end: int
    highlights: list[tuple[int, int]]
    title_highlights: list[tuple[int, int]]
    snippet_markdown: str  # the passage with **matches**, whitespace collapsed, … where cut


# ---------------------------------------------------------------- the query


def parsed_query(text: str) -> ParsedQuery:
    """The words, phrases and exclusions of a query; SearchQueryError when it cannot be searched."""
    if not text or not text.strip():
        raise SearchQueryError('empty query; e.g. newsmon search "port strike"')
    if len(text) > MAX_QUERY_CHARS:
        raise SearchQueryError(f"query is {len(text)} characters long; at most {MAX_QUERY_CHARS}")
    query = ParsedQuery()
    parts = 0
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        excluded = text[i] == "-"
        if text[i] in "-+":
            i += 1
            if i == n or text[i].isspace():
                raise SearchQueryError(
                    f"'{text[i - 1]}' at character {i} stands alone; write -word or -\"a phrase\" to exclude"
                )
        if text[i] == '"':
            close = text.find('"', i + 1)
            if close < 0:
                raise SearchQueryError(f'unbalanced quote at character {i + 1}: close the phrase with "')
            phrase = text[i + 1 : close].strip()
            if not index_tokens(phrase):
                raise SearchQueryError(f'the phrase "{phrase}" has no words to search for')
            (query.excluded_phrases if excluded else query.phrases).append(phrase)
            i = close + 1
        else:
            end = i
            while end < n and not text[end].isspace() and text[end] != '"':
                end += 1
            word = text[i:end]
            _check_word(word)
            i = end
            if not index_tokens(word):
                continue  # punctuation such as "&" or "—": nothing the index holds
            (query.excluded_words if excluded else query.words).append(word)
        parts += 1
        if parts > MAX_QUERY_PARTS:
            raise SearchQueryError(f"query has more than {MAX_QUERY_PARTS} words and phrases")
    if not (query.words or query.phrases):
        if query.excluded_words or query.excluded_phrases:
            raise SearchQueryError("the query only excludes (-...); add a word or phrase to look for")
        raise SearchQueryError(f"no words to search for in {text.strip()!r}")
    return query


def _check_word(word: str) -> None:
    if word in _BOOLEAN_WORDS or _BOOLEAN_CHARS & set(word):
        raise SearchQueryError(
            f"boolean operators are not supported ({word!r}): every word must match; exclude with -word"
        )
    if "*" in word:
        raise SearchQueryError(
            f"wildcards are not supported ({word!r}): words match by stem, so strike finds strikes and striking"
        )
    if _FIELD.match(word):
        raise SearchQueryError(
            f"field searches are not supported ({word!r}): search words, filter with --source, --from, --to"
        )
    if set("~^") & set(word):
        raise SearchQueryError(f"fuzzy and boost operators are not supported ({word!r})")


# ---------------------------------------------------------------- tokens


_FOLD_CACHE: dict[str, str] = {}


def _fold_char(c: str) -> str:
    """One character as the index sees it: accents stripped (NFD, marks dropped), lower case."""
    if c.isascii():
        return c.lower()
    folded = _FOLD_CACHE.get(c)
    if folded is None:
        folded = "".join(ch for ch in unicodedata.normalize("NFD", c) if not unicodedata.combining(ch)).lower()
        _FOLD_CACHE[c] = folded
    return folded


def token_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, token) for every index token of `text`: maximal runs of [a-z0-9] after folding."""
    spans: list[tuple[int, int, str]] = []
    start, buf = -1, []
    for i, c in enumerate(text):
        f = _fold_char(c)
        if f and all("a" <= ch <= "z" or "0" <= ch <= "9" for ch in f):
            if start < 0:
                start = i
            buf.append(f)
        elif start >= 0:
            spans.append((start, i, "".join(buf)))
            start, buf = -1, []
    if start >= 0:
        spans.append((start, len(text), "".join(buf)))
    return spans


def index_tokens(text: str) -> list[str]:
    """The tokens the index would make of `text`, in order (stopwords included)."""
    return [t for _, _, t in token_spans(text)]


def phrase_pattern(tokens: list[str]) -> str:
    """An RE2 pattern for these tokens in this order, over lower-cased, accent-stripped text."""
    return "(^|[^a-z0-9])" + "[^a-z0-9]+".join(re.escape(t) for t in tokens) + "([^a-z0-9]|$)"


# ---------------------------------------------------------------- snippets


def matched_spans(
    spans: list[tuple[int, int, str]],
    stem_of: Mapping[str, str],
    query_stems: set[str],
    phrases: Iterable[list[str]] = (),
) -> list[tuple[int, int, str]]:
    """(start, end, key) of every match: a token whose stem is a query stem (key: the stem),
    and every occurrence of a phrase (key: the phrase), merged where they overlap."""
    found = [(s, e, stem_of.get(t, t)) for s, e, t in spans if stem_of.get(t, t) in query_stems]
    tokens = [t for _, _, t in spans]
    for phrase in phrases:
        k = len(phrase)
        if not k:
            continue
        key = " ".join(phrase)
        for i in range(len(tokens) - k + 1):
            if tokens[i : i + k] == phrase:
                found.append((spans[i][0], spans[i + k - 1][1], key))
    found.sort()
    merged: list[tuple[int, int, str]] = []
    for s, e, key in found:
        if merged and s <= merged[-1][1]:
            ps, pe, pkey = merged[-1]
            # a phrase swallowing its own words keeps the phrase as its key
            merged[-1] = (ps, max(pe, e), key if (e - s) > (pe - ps) else pkey)
        else:
            merged.append((s, e, key))
    return merged


def body_start(text: str, title: str | None) -> int:
    """Where the text starts after a leading copy of its title (extracted pages often repeat it)."""
    if not title or not title.strip():
        return 0
    stripped = text.lstrip()
    if not stripped.startswith(title.strip()):
        return 0
    pos = len(text) - len(stripped) + len(title.strip())
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos if pos < len(text) else 0


def best_snippet(
    text: str, matches: list[tuple[int, int, str]], max_chars: int = SNIPPET_CHARS, start_at: int = 0
) -> Snippet:
    """The passage of at most `max_chars` from `start_at` on with the most distinct matches (then
    the most matches, then the earliest); the lead when nothing there matches."""
    if not text:
        return Snippet(start=0, end=0)
    matches = [m for m in matches if m[0] >= start_at]
    if not matches:
        end = _snap_end(text, start_at, max_chars)
        return Snippet(start=start_at, end=end)
    sentence_starts = {start_at} | {m.end() for m in _SENTENCE_END.finditer(text, start_at)}
    # long sentences: also windows opening a little before each match
    starts = sentence_starts | {_snap_start(text, max(start_at, s - max_chars // 4)) for s, _, _ in matches}
    best: tuple[float, int, int] | None = None
    for start in sorted(starts):
        if start >= len(text):
            continue
        end = _snap_end(text, start, max_chars)
        inside = [m for m in matches if m[0] >= start and m[1] <= end]
        if not inside:
            continue
        # distinct matches first; then a passage that opens a sentence over one more repeat;
        # then the one whose first match comes soonest
        score = (
            len({k for _, _, k in inside})
            + 0.01 * min(len(inside), 50)
            + 0.015 * (start in sentence_starts)
            - 0.001 * (inside[0][0] - start) / max_chars
        )
        if best is None or score > best[0]:
            best = (score, start, end)
    if best is None:  # a single match longer than the window (a very long phrase)
        s, e, _ = matches[0]
        best = (0.0, s, min(e, s + max_chars))
    _, start, end = best
    end = _sentence_cut(text, start, end, [m for m in matches if m[0] >= start and m[1] <= end])
    highlights = [(s, e) for s, e, _ in matches if s >= start and e <= end]
    return Snippet(start=start, end=end, highlights=highlights)


def _snap_start(text: str, pos: int) -> int:
    """`pos` moved forward to the start of a word (unless it is the text's start)."""
    if pos <= 0:
        return 0
    while pos < len(text) and not text[pos - 1].isspace():
        pos += 1
    return pos


def _snap_end(text: str, start: int, max_chars: int) -> int:
    """The end of the last whole word within `max_chars` of `start`."""
    limit = start + max_chars
    if limit >= len(text):
        return len(text)
    cut = limit
    while cut > start and not text[cut].isspace():
        cut -= 1
    if cut == start:  # one enormous word
        return limit
    while cut > start and text[cut - 1].isspace():
        cut -= 1
    return cut


def _sentence_cut(text: str, start: int, end: int, inside: list[tuple[int, int, str]]) -> int:
    """End the passage at a sentence end after its last match, when there is one."""
    if end >= len(text):
        return len(text)
    last_match = max((e for _, e, _ in inside), default=start)
    for m in reversed(list(_SENTENCE_END.finditer(text, start, end + 1))):
        cut = m.start()
        if cut >= last_match and cut > start:
            return cut
    return end


def highlighted(text: str, start: int, end: int, highlights: list[tuple[int, int]], mark: str = "**") -> str:
    """text[start:end] with each highlight wrapped in `mark`, whitespace collapsed, … where cut."""
    pieces, pos = [], start
    for s, e in highlights:
        if s < start or e > end:
            continue
        pieces += [text[pos:s], mark, text[s:e], mark]
        pos = e
    pieces.append(text[pos:end])
    body = _SPACE.sub(" ", "".join(pieces)).strip()
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


# ---------------------------------------------------------------- rendering


def search_results_markdown(query: str, hits: list[SearchHit]) -> str:
    """Ranked hits for a terminal or a Markdown page: title, source, day, story, passage."""
    if not hits:
        return f'no articles match "{query}"'
    lines = []
    for hit in hits:
        title = highlighted(hit.title, 0, len(hit.title), hit.title_highlights) if hit.title else "(untitled)"
        where = [hit.source, hit.day.isoformat()]
        if hit.story_id:
            where.append(f'story "{hit.story_title}"' if hit.story_title else f"story {hit.story_id}")
        lines.append(f"{hit.rank}. {title}  (score {hit.score:.2f})")
        lines.append(f"   {' · '.join(where)} · {hit.article_id}")
        if hit.snippet_markdown:
            lines.append(f"   {hit.snippet_markdown}")
        lines.append("")
    return "\n".join(lines).rstrip()
