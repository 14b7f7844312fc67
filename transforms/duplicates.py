"""Exact, near and rewrite duplicates among articles, and the text features they share with
story clustering (content terms, names, TF-IDF). Pure: no I/O, no clock.

A rewrite tells the same facts in other words, so word shingles barely overlap (seed 000
rewrites seed 001 at a 3-shingle Jaccard of 0.09). What survives rewording is the sentence
structure: most sentences of a rewrite still share about half of their content words with
one sentence of the original. Articles of the same story that are not rewrites share
topics and names but rarely whole sentences. See docs/stories.md for the figures.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict
from scipy import sparse

DuplicateKind = Literal["exact", "near", "rewrite"]

# Word 3-shingle Jaccard at or above this is a near-duplicate (light edits, new chrome).
NEAR_JACCARD = 0.5
# A rewrite: this share of one article's sentences each find a sentence in the other
# sharing at least ALIGN_JACCARD of content terms ... (seed 001 in 000: 0.67, sample
# Courier in Coastline: 0.92; a wire brief of the Courier's strike story: 0.44; other
# same-story pairs at most 0.33).
REWRITE_ALIGNED_SHARE = 0.55
ALIGN_JACCARD = 0.35
# ... and the whole texts are close on TF-IDF (rewrites 0.53-0.73, other pairs <= 0.42).
REWRITE_MIN_COSINE = 0.3
# Pairs below this TF-IDF cosine are not examined at all (keeps the pair work small).
CANDIDATE_COSINE = 0.25
# A sentence needs this many content terms to count as evidence.
_MIN_SENTENCE_TERMS = 5
# Copies and rewrites appear within days of the original; older articles are not candidates.
DUPLICATE_WINDOW = timedelta(days=7)
SIMILARITY_BLOCK = 512  # the day's articles compared with the pool this many at a time
# Name features share the TF-IDF space with words, told apart by this prefix.
NAME_PREFIX = "@"

_STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "said",
        "says",
        "say",
        "saying",
        "told",
        "tell",
        "may",
        "might",
        "must",
        "shall",
        "one",
        "two",
        "also",
        "new",
        "mr",
        "mrs",
        "ms",
        "dr",
        "per",
        "cent",
        "percent",
        "year",
        "years",
        "week",
        "weeks",
        "day",
        "days",
        "time",
        "times",
        "last",
        "next",
        "first",
        "according",
        "including",
        "however",
        "though",
        "although",
        "like",
        "just",
        "even",
        "still",
        "yet",
        "around",
        "across",
        "us",
        "let",
        "get",
        "got",
        "go",
        "went",
        "make",
        "made",
    ]
)
_WORD = re.compile(r"[^\W\d_](?:[\w'’.&-]*[^\W_])?|\d[\d,.]*\d|\d", re.UNICODE)
_POSSESSIVE = re.compile(r"'s?$")
_US = re.compile(r"^u\.?s\.?a?\.?$|^us$")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])|\n+")
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.&-]*|[A-Z]\.)$")
_NAME_JOINERS = frozenset({"of", "de", "del", "la", "van", "von", "der", "al", "bin", "and", "&"})
_NOT_NAMES = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "but",
        "or",
        "if",
        "in",
        "on",
        "at",
        "for",
        "to",
        "of",
        "by",
        "as",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "his",
        "her",
        "its",
        "their",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "when",
        "while",
        "after",
        "before",
        "then",
        "so",
        "yet",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "mr",
        "mrs",
        "ms",
        "dr",
        "sir",
    ]
)
_SUFFIXES = (("ies", "y", 5), ("ing", "", 6), ("ed", "", 5), ("es", "", 6), ("s", "", 4))


@dataclass(frozen=True)
class TextDoc:
    """What duplicate detection and story clustering read of an article."""

    article_id: str
    day: date  # arrival day
    published_at: datetime
    text: str
    title: str | None = None
    source: str | None = None
    content_hash: str | None = None
    canonical_url: str | None = None
    entities: tuple[str, ...] = ()  # entity ids (or names) from the entity stage, one per mention
    lead_entities: tuple[str, ...] = ()  # entity ids mentioned in the headline or the lead

    @property
    def order_key(self) -> tuple[date, datetime, str]:
        """First seen first: arrival day, then publish time, then id (earlier days never change)."""
        return (self.day, self.published_at, self.article_id)

    @cached_property
    def terms(self) -> list[str]:
        return content_terms(f"{self.title or ''}\n{self.text}")

    @cached_property
    def names(self) -> list[str]:
        if self.entities:
            return [e.lower() for e in self.entities]
        return name_terms(f"{self.title or ''}.\n{self.text}")

    # The two largest features (a text's shingles are ~50 KB) are remembered for the texts read
    # most recently, not on the document: a day of 10,000 articles held them all (issue 10 item 5).
    @property
    def sentence_terms(self) -> list[frozenset[str]]:
        return _sentence_terms(self.text)

    @property
    def word_shingles(self) -> frozenset[tuple[str, str, str]]:
        return _word_shingles(self.text)


# Features are read only for the candidates of the day's articles, fewer than the ~2,000 of an
# ordinary day's window, so such a day computes each text's features once, as when they were
# kept on the document; a 10,000-article day holds at most this many (~100 MB).
_FEATURES_REMEMBERED = 2048


def forget_features() -> None:
    """Drop the remembered features and words' terms: ~150 MB after a 10k-article day that the
    stages after the stories stage need (issue 10, item 5). Only the stories stage reads them;
    a run is a process of its own, and a backfill's next day computes its window's again."""
    _sentence_terms.cache_clear()
    _word_shingles.cache_clear()
    _word_terms.cache_clear()


@functools.lru_cache(maxsize=_FEATURES_REMEMBERED)
def _sentence_terms(text: str) -> list[frozenset[str]]:
    sets = (frozenset(content_terms(s)) for s in _SENTENCE_END.split(text))
    return [s for s in sets if len(s) >= _MIN_SENTENCE_TERMS]


@functools.lru_cache(maxsize=_FEATURES_REMEMBERED)
def _word_shingles(text: str) -> frozenset[tuple[str, str, str]]:
    # The shingles themselves, not 64-bit digests of them: the same Jaccard (short of a
    # digest collision), without a blake2b call per shingle; as word triples, not joined
    # strings (no word holds a space, so the same sets), made in C by zip.
    words = list(map(str.lower, _WORD.findall(text)))
    return frozenset(zip(words, words[1:], words[2:], strict=False))


class Duplicate(BaseModel):
    """One article that repeats an earlier one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    article_id: str
    duplicate_of: str
    kind: DuplicateKind
    score: float  # 1.0 for exact; 3-shingle Jaccard for near; aligned-sentence share for rewrite


def content_terms(text: str) -> list[str]:
    """Lowercased, lightly stemmed content words (no stopwords, no 1-letter words)."""
    return list(itertools.chain.from_iterable(map(_word_terms, _WORD.findall(text))))


@functools.lru_cache(maxsize=1 << 17)
def _word_terms(raw: str) -> tuple[str, ...]:
    """The content terms of one word as written (a word's terms depend on nothing else, and
    news repeats its words: remembered, a window's articles are read several times faster)."""
    out: list[str] = []
    head, _, rest = raw.partition("-")
    if head in {"US", "U.S", "U.S.", "USA", "U.S.A."}:  # not the pronoun "us"
        out.append("usa")
        raw = rest
    word = raw.lower().replace("’", "'")
    word = _POSSESSIVE.sub("", word).replace(".", "").replace(",", "")
    for part in word.split("-"):
        if len(part) > 1 and part not in _STOPWORDS:
            out.append(_stem(part))
    return tuple(out)


def name_terms(text: str) -> list[str]:
    """Capitalised phrases that are not sentence-initial single words: a cheap stand-in for
    entities when the entity stage has not run."""
    names: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        tokens = sentence.split()
        i = 0
        while i < len(tokens):
            word = tokens[i].strip("\"“”‘’'(),:;!?")
            if not _NAME_WORD.match(word) or word.lower() in _NOT_NAMES:
                i += 1
                continue
            phrase, j = [word], i + 1
            while j < len(tokens):
                nxt = tokens[j].strip("\"“”‘’'(),:;!?")
                ends = tokens[j - 1][-1:] in ',:;.!?)"”' and not re.fullmatch(r"[A-Z]\.", phrase[-1])
                if ends:
                    break
                if (_NAME_WORD.match(nxt) and nxt.lower() not in _NOT_NAMES) or (
                    nxt.lower() in _NAME_JOINERS
                    and j + 1 < len(tokens)
                    and _NAME_WORD.match(tokens[j + 1].strip("\"“”‘’'(),:;!?"))
                ):
                    phrase.append(nxt)
                else:
                    break
                j += 1
            if i > 0 or len(phrase) > 1:
                key = re.sub(r"['’]s$", "", " ".join(phrase)).lower().rstrip(".")
                names.append("usa" if _US.match(key) else key)
            i = j
    return names


def tfidf_matrix(
    term_lists: Sequence[Sequence[str]], prefix_weights: Mapping[str, float] | None = None
) -> sparse.csr_matrix:
    """Rows of sublinear TF x smoothed IDF, L2-normalised; IDF from these documents only.

    Terms starting with a key of `prefix_weights` (a one-character family prefix such as
    `NAME_PREFIX`) get that weight times their IDF.
    """
    # Columns in order of first occurrence; one entry per (document, term) with its count.
    vocab = {term: c for c, term in enumerate(dict.fromkeys(itertools.chain.from_iterable(term_lists)))}
    n_docs = len(term_lists)
    lengths = np.fromiter(map(len, term_lists), dtype=np.int64, count=n_docs)
    tokens = np.fromiter(map(vocab.__getitem__, itertools.chain.from_iterable(term_lists)), dtype=np.int64)
    keys, counts = np.unique(
        np.repeat(np.arange(n_docs, dtype=np.int64), lengths) * len(vocab) + tokens, return_counts=True
    )
    rows, cols = np.divmod(keys, max(len(vocab), 1))
    # 1 + log(n) by math.log, as a table over the counts that occur
    sublinear = np.array([1.0 + math.log(n) if n else 0.0 for n in range(int(counts.max(initial=0)) + 1)])
    vals = sublinear[counts]
    matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(n_docs, len(vocab)), dtype=np.float64)
    df = np.bincount(matrix.indices, minlength=len(vocab))
    idf = np.log((1 + n_docs) / (1 + df)) + 1.0
    if prefix_weights:
        idf = idf * np.array([prefix_weights.get(t[:1], 1.0) for t in vocab])
    matrix = matrix @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def duplicates(
    articles: Sequence[TextDoc], earlier: Sequence[TextDoc] = (), *, block: int = SIMILARITY_BLOCK
) -> list[Duplicate]:
    """Duplicates among `articles` (the run's articles) of each other or of `earlier` ones.

    Each duplicate points at the first-seen article (`TextDoc.order_key`) it copies,
    rewrites or repeats; rows come only for `articles`, in their order key.
    """
    todo = sorted({a.article_id: a for a in articles}.values(), key=lambda a: a.order_key)
    todo_ids = {a.article_id for a in todo}
    if not todo:
        return []
    oldest = min(a.published_at for a in todo) - DUPLICATE_WINDOW
    pool = todo + sorted(
        (
            e
            for e in {e.article_id: e for e in earlier}.values()
            if e.article_id not in todo_ids and e.published_at >= oldest
        ),
        key=lambda a: a.order_key,
    )
    vectors = tfidf_matrix([a.terms for a in pool])
    cosines = np.zeros((0, 0))
    by_hash: dict[str, list[int]] = {}
    by_url: dict[str, list[int]] = {}
    for j, a in enumerate(pool):
        if a.content_hash:
            by_hash.setdefault(a.content_hash, []).append(j)
        if a.canonical_url:
            by_url.setdefault(a.canonical_url, []).append(j)
    found = []
    for i, article in enumerate(todo):
        if i % block == 0:  # a block of rows at a time: memory bounded on a big day
            cosines = (vectors[i : i + block] @ vectors.T).toarray()
        row = cosines[i % block]
        exact = {
            j
            for group in (
                by_hash.get(article.content_hash or ""),
                by_url.get(article.canonical_url or ""),
            )
            for j in group or ()
        }
        candidates = set(np.flatnonzero(row >= CANDIDATE_COSINE).tolist()) | exact
        # First seen first: the first candidate that is a duplicate is the one kept.
        for j in sorted(candidates, key=lambda j: pool[j].order_key):
            other = pool[j]
            if other.order_key >= article.order_key:
                break
            kind_score = ("exact", 1.0) if j in exact else _near_or_rewrite(article, other, float(row[j]))
            if kind_score is not None:
                found.append(
                    Duplicate(
                        article_id=article.article_id,
                        duplicate_of=other.article_id,
                        kind=kind_score[0],
                        score=round(kind_score[1], 4),
                    )
                )
                break
    return found


def _near_or_rewrite(a: TextDoc, b: TextDoc, cosine: float) -> tuple[DuplicateKind, float] | None:
    jaccard = _jaccard(a.word_shingles, b.word_shingles)
    if jaccard >= NEAR_JACCARD:
        return ("near", jaccard)
    if cosine < REWRITE_MIN_COSINE:
        return None
    aligned = aligned_share(a.sentence_terms, b.sentence_terms)
    if aligned >= REWRITE_ALIGNED_SHARE:
        return ("rewrite", aligned)
    return None


def aligned_share(a: Sequence[frozenset[str]], b: Sequence[frozenset[str]]) -> float:
    """Share of one text's sentences (the better side) that have a close sentence in the other."""
    if not a or not b:
        return 0.0
    # Only sentences sharing a term can be close, so each sentence of `a` is compared with those
    # of `b` found through an index of b's terms, by the same counts `_jaccard` takes.
    postings: dict[str, list[int]] = {}
    for j, y in enumerate(b):
        for term in y:
            postings.setdefault(term, []).append(j)
    hits_a = 0
    hits_b: set[int] = set()
    for x in a:
        # One count over all of the sentence's postings (one Counter per sentence, not an update per term).
        shared = Counter(itertools.chain.from_iterable(postings.get(term, ()) for term in x))
        close = [j for j, inter in shared.items() if inter / (len(x) + len(b[j]) - inter) >= ALIGN_JACCARD]
        if close:
            hits_a += 1
            hits_b.update(close)
    return max(hits_a / len(a), len(hits_b) / len(b))


def duplicate_map(found: Iterable[Duplicate]) -> Mapping[str, str]:
    """article_id -> the article it duplicates."""
    return {d.article_id: d.duplicate_of for d in found}


def _jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def _stem(word: str) -> str:
    if word.endswith("ss"):
        return word
    for suffix, replacement, min_len in _SUFFIXES:
        if word.endswith(suffix) and len(word) >= min_len:
            return word[: len(word) - len(suffix)] + replacement
    return word
