"""Sentence-embedding vectors of article texts, for the optional `minilm` story similarity.

Pure: texts and an already-loaded encoder in, a row-normalised matrix out. The encoder is
anything with sentence-transformers' `encode(list[str], ...) -> array` (flows/stories.py
loads the packaged all-MiniLM-L6-v2 only when `Settings.story_similarity == "minilm"`), so
this module imports neither torch nor sentence-transformers.

all-MiniLM-L6-v2 reads at most 256 word pieces (about 180 words), so a long article is cut
into chunks of whole sentences and its vector is the mean of its chunks' vectors: the body
counts, not only the lead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

# Words per chunk: below the model's 256 word-piece limit for ordinary news English.
CHUNK_WORDS = 150
# Chunks per article: the first ones carry the story; the tail is often background.
MAX_CHUNKS = 8
BATCH_SIZE = 32
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])|\n+")


class Encoder(Protocol):
    """What this module needs of a sentence-transformers model."""

    def encode(self, sentences: list[str], **kwargs: Any) -> Any: ...


def text_chunks(text: str, max_words: int = CHUNK_WORDS, max_chunks: int = MAX_CHUNKS) -> list[str]:
    """Consecutive runs of whole sentences of at most `max_words` words (a longer sentence alone)."""
    chunks: list[str] = []
    current: list[str] = []
    words = 0
    for sentence in (s.strip() for s in _SENTENCE_END.split(text)):
        if not sentence:
            continue
        n = len(sentence.split())
        if current and words + n > max_words:
            chunks.append(" ".join(current))
            if len(chunks) == max_chunks:
                return chunks
            current, words = [], 0
        current.append(sentence)
        words += n
    if current:
        chunks.append(" ".join(current))
    return chunks[:max_chunks] or [""]


def text_embeddings(texts: Sequence[str], model: Encoder, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """One L2-normalised row per text: the mean of its chunks' embeddings."""
    chunks = [text_chunks(t) for t in texts]
    flat = [c for cs in chunks for c in cs]
    if not flat:
        return np.zeros((0, 0))
    vectors = np.asarray(
        model.encode(flat, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False),
        dtype=np.float64,
    )
    out = np.zeros((len(texts), vectors.shape[1]))
    start = 0
    for i, cs in enumerate(chunks):
        out[i] = vectors[start : start + len(cs)].mean(axis=0)
        start += len(cs)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms
