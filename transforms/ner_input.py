"""What spaCy is given to read: a bounded, tokenizer-safe view of each text, offsets unchanged.

spaCy's tokenizer is super-linear on runs of punctuation with no spaces (5k `&` take ~3 s,
20k ~100 s: it peels one suffix at a time and rescans), and refuses texts over
`nlp.max_length` (error E088). So before parsing, each run of punctuation longer than
`PUNCT_RUN` keeps its first characters and the rest become spaces (same length, so every
character offset still points into the article's own text), a text is cut at `max_chars`
(a budget, reported to the caller), and what is left is parsed in chunks that end at
whitespace and are joined back into one Doc.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Self

PUNCT_RUN = 8  # "........" and "--------" are still read; longer runs are not words
_KEEP = 3
_PUNCT_RUN = re.compile(rf"[^\w\s]{{{PUNCT_RUN + 1},}}")
CHUNK_CHARS = 100_000  # well under spaCy's max_length, and bounds a parse's memory
MAX_CHARS = 300_000  # ~75 pages of news; a longer text's entities are read from its start


@dataclass(frozen=True)
class NerBudget:
    """How a text was cut down for NER, when it was."""

    chars: int
    read_chars: int
    punct_runs: int

    @property
    def reason(self) -> str:
        """What NER did not read, for a person (the article itself is kept whole)."""
        parts = []
        if self.read_chars < self.chars:
            parts.append(f"text is {self.chars:,} characters; entities read from the first {self.read_chars:,}")
        if self.punct_runs:
            parts.append(f"{self.punct_runs:,} runs of over {PUNCT_RUN} punctuation characters not read as words")
        return "article kept; " + "; ".join(parts)


def ner_text(text: str, max_chars: int = MAX_CHARS) -> tuple[str, NerBudget | None]:
    """The text spaCy reads (same offsets, at most `max_chars`), and what was cut, if anything."""
    runs = 0

    def _blank(m: re.Match[str]) -> str:
        nonlocal runs
        runs += 1
        s = m.group()
        return s[:_KEEP] + " " * (len(s) - _KEEP)

    read = _PUNCT_RUN.sub(_blank, text[:max_chars])
    if runs == 0 and len(text) <= max_chars:
        return text, None
    return read, NerBudget(chars=len(text), read_chars=len(read), punct_runs=runs)


def _chunks(text: str, size: int) -> list[str]:
    """Pieces of at most ~`size` characters, each ending just after whitespace where there is any."""
    out, start = [], 0
    while len(text) - start > size:
        cut = max(text.rfind(" ", start, start + size), text.rfind("\n", start, start + size))
        end = cut + 1 if cut > start else start + size
        out.append(text[start:end])
        start = end
    out.append(text[start:])
    return out


def parsed_texts(
    nlp: Any, texts: Sequence[str], *, batch_size: int, n_process: int = 1, chunk_chars: int = CHUNK_CHARS
) -> Iterator[Any]:
    """One spaCy Doc per text, in order; long texts parsed in chunks and joined (Doc.from_docs)."""
    from spacy.tokens import Doc

    pieces: list[str] = []
    counts: list[int] = []
    for text in texts:
        parts = _chunks(text, chunk_chars) if len(text) > chunk_chars else [text]
        pieces += parts
        counts.append(len(parts))
    docs = nlp.pipe(pieces, batch_size=batch_size, n_process=n_process)
    for n in counts:
        if n == 1:
            yield next(docs)
        else:
            # Every chunk but the last ends with whitespace, so the joined text is the original.
            yield Doc.from_docs([next(docs) for _ in range(n)], ensure_whitespace=False)


@dataclass(frozen=True)
class Span:
    """An entity as the rules read it off a spaCy Doc (the same attribute names)."""

    start_char: int
    end_char: int
    label_: str
    text: str


@dataclass(frozen=True)
class Sentence:
    start_char: int


@dataclass(frozen=True)
class Parsed:
    """What the entity rules read of a parsed text: the text, the model's entities, its sentences.

    A plain value in place of a spaCy Doc: small (the Doc's tokens and vectors are dropped as soon
    as it is read), and storable as JSON, so a text the model already read need not be read again
    (warehouse/reuse.py) and a text read in another process can be sent back.
    """

    text: str
    ents: tuple[Span, ...]
    sents: tuple[Sentence, ...]

    @classmethod
    def of_doc(cls, doc: Any) -> Self:
        return cls(
            doc.text,
            tuple(Span(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents),
            tuple(Sentence(s.start_char) for s in doc.sents),
        )

    def to_json(self) -> dict[str, list]:
        """Entities and sentence starts (the text is the caller's: it is the key)."""
        return {
            "ents": [[e.start_char, e.end_char, e.label_] for e in self.ents],
            "sents": [s.start_char for s in self.sents],
        }

    @classmethod
    def from_json(cls, text: str, value: dict[str, list]) -> Self:
        return cls(
            text,
            tuple(Span(start, end, label, text[start:end]) for start, end, label in value["ents"]),
            tuple(Sentence(start) for start in value["sents"]),
        )


def parsed_views(nlp: Any, texts: Sequence[str], *, batch_size: int, n_process: int = 1) -> Iterator[Parsed]:
    """`parsed_texts`, each Doc read into a `Parsed` and let go."""
    for doc in parsed_texts(nlp, texts, batch_size=batch_size, n_process=n_process):
        yield Parsed.of_doc(doc)
