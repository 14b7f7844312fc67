"""Incremental story clustering: each new article joins the most similar story still
active, or founds a new one. Pure: no I/O, no clock; the caller passes the open stories.

Similarity is a cosine between the article and a story's centroid in one TF-IDF space of
content words plus names (entity ids from the entity stage when it has run, capitalised
phrases otherwise), damped by the time since the story's last article. A story id is
derived from its founding article's id, so re-runs and backfills give the same ids.
See docs/stories.md for the thresholds and how they were chosen.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from scipy import sparse

from transforms.duplicates import NAME_PREFIX, SIMILARITY_BLOCK, TextDoc, tfidf_matrix

# A story takes new articles until this long after its latest article.
STORY_WINDOW = timedelta(days=7)
# Join the best story at or above this (time-damped) similarity, else found a new story.
JOIN_THRESHOLD = 0.2
# Names weigh this much more than words (per unit of IDF): shared actors are the main
# evidence of a shared story, but alone they are not enough (hard negatives share them).
NAME_WEIGHT = 1.5
# Similarity halves for every this many days between the story's latest article and this one.
DECAY_HALF_LIFE_DAYS = 14.0
FEATURE_WEIGHTS = {NAME_PREFIX: NAME_WEIGHT}
# The optional `minilm` similarity (Settings.story_similarity): the mean of the TF-IDF cosine
# and the all-MiniLM-L6-v2 cosine (transforms/embeddings.py), with its own threshold, since
# embedding cosines of unrelated news are already about 0.4. See docs/stories.md, "Backends".
Similarity = Literal["tfidf", "minilm"]
EMBEDDING_SHARE = 0.5
EMBEDDING_JOIN_THRESHOLD = 0.45
# Central people: PERSON entity ids (the entity stage's `person_` ids) named in an article's
# headline or lead. When an article and a story both have central people and share none, the
# article is about someone else (Yellen's trip against Blinken's), and it must score at least
# this to join; with no central people on either side the plain threshold applies.
PERSON_PREFIX = "person_"
ACTOR_MISMATCH_THRESHOLD = 0.3
EMBEDDING_ACTOR_MISMATCH_THRESHOLD = 0.55
# How many names a story lists.
TOP_ENTITIES = 5
_TITLE_CHARS = 120


@dataclass(frozen=True)
class OpenStory:
    """A story that may still grow, with the members the caller chose to pass (recent ones)."""

    story_id: str
    members: tuple[TextDoc, ...]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StoryMember(_Record):
    """One article's place in a story."""

    story_id: str
    article_id: str
    day: Any  # the article's arrival day (date)
    similarity: float  # to the story when it joined; 1.0 for the founding article


class Story(_Record):
    """A story's aggregate row, recomputed from all its members."""

    story_id: str
    title: str | None
    first_seen: datetime
    last_seen: datetime
    article_count: int
    report_count: int  # members that do not repeat another member (duplicates count once)
    source_count: int  # distinct sources among those reports
    top_entities: list[dict[str, Any]] = Field(default_factory=list)


def story_id(founding_article_id: str) -> str:
    """A story's id: stable for as long as its founding article is."""
    return "story_" + hashlib.sha256(founding_article_id.encode()).hexdigest()[:16]


def story_features(doc: TextDoc) -> list[str]:
    """The terms a story is compared on: content words plus prefixed names."""
    return doc.terms + [NAME_PREFIX + n for n in doc.names]


def central_people(doc: TextDoc) -> frozenset[str]:
    """The PERSON entities an article's headline or lead names (empty without the entity stage)."""
    return frozenset(e.lower() for e in doc.lead_entities if e.lower().startswith(PERSON_PREFIX))


def story_members(
    articles: Sequence[TextDoc],
    open_stories: Sequence[OpenStory] = (),
    duplicate_of: Mapping[str, str] | None = None,
    embeddings: Mapping[str, np.ndarray] | None = None,
    *,
    block: int = SIMILARITY_BLOCK,
) -> list[StoryMember]:
    """Assign each of `articles` (in first-seen order) to the best active story or a new one.

    A duplicate joins its original's story when the original is in one. With `embeddings`
    (article_id -> unit vector, for the articles and every open story member passed) the
    similarity is the `minilm` one, else TF-IDF alone.
    """
    duplicate_of = duplicate_of or {}
    todo = sorted({a.article_id: a for a in articles}.values(), key=lambda a: a.order_key)
    if not todo:
        return []
    todo_ids = {a.article_id for a in todo}
    stories = [s for s in open_stories if s.members]
    pool: list[TextDoc] = list(todo)
    pool_index: dict[str, int] = {a.article_id: i for i, a in enumerate(todo)}
    for s in stories:
        for m in s.members:
            if m.article_id not in pool_index and m.article_id not in todo_ids:
                pool_index[m.article_id] = len(pool)
                pool.append(m)
    vectors = tfidf_matrix([story_features(d) for d in pool], prefix_weights=FEATURE_WEIGHTS)
    threshold, mismatch_threshold = JOIN_THRESHOLD, ACTOR_MISMATCH_THRESHOLD
    if embeddings is not None:
        vectors = _joint_vectors(vectors, np.vstack([embeddings[d.article_id] for d in pool]))
        threshold, mismatch_threshold = EMBEDDING_JOIN_THRESHOLD, EMBEDDING_ACTOR_MISMATCH_THRESHOLD
    capacity = len(stories) + len(todo)
    norms2 = np.zeros(capacity)  # squared norm of each story's member sum
    last_seen: list[datetime] = []
    people: list[set[str]] = []  # each story's central people: union over its members
    ids: list[str] = []
    story_of: dict[str, int] = {}
    member_cols: list[list[int]] = []
    for s in stories:
        cols = sorted({pool_index[m.article_id] for m in s.members if m.article_id not in todo_ids})
        if not cols:
            continue
        k = len(ids)
        member_cols.append(cols)
        last_seen.append(max(m.published_at for m in s.members))
        people.append(set().union(*(central_people(m) for m in s.members)))
        ids.append(s.story_id)
        for m in s.members:
            story_of.setdefault(m.article_id, k)
    norms2[: len(ids)] = _squared_norms_of_sums(vectors, member_cols)
    # The day's articles against the pool, a block of rows at a time, so memory stays bounded on
    # a big day (a dense todo x pool matrix was 1 GB at 10k articles): each block's sums start
    # from its open stories' members and replay the day's earlier joins in order, the same
    # additions in the same order as one matrix for the whole day.
    joins: list[tuple[int, int]] = []  # (article row, story) in the order they were made
    out: list[StoryMember] = []
    sims = sums = np.zeros((0, 0))
    first = 0
    for i, article in enumerate(todo):
        if i % block == 0:
            first = i
            sims = (vectors[i : i + block] @ vectors.T).toarray()  # block x pool cosines
            sums = np.zeros((sims.shape[0], capacity))  # sum of cosines to each story's members
            for k, cols in enumerate(member_cols):
                sums[:, k] = sims[:, cols].sum(axis=1)
            for row, k in joins:
                sums[:, k] += sims[:, row]
        mine = central_people(article)
        original = duplicate_of.get(article.article_id)
        scores: dict[int, float] = {}  # stories in the window, scored
        k, best = -1, -math.inf
        for j in _reachable(sums[i - first, : len(ids)], norms2[: len(ids)], threshold) | (
            {story_of[original]} if original in story_of else set()
        ):
            gap = (article.published_at - last_seen[j]).total_seconds() / 86400
            if gap * 86400 > STORY_WINDOW.total_seconds():
                continue
            decay = 0.5 ** (max(gap, 0.0) / DECAY_HALF_LIFE_DAYS)
            scores[j] = sums[i - first, j] / math.sqrt(norms2[j]) * decay if norms2[j] > 0 else 0.0
            needed = threshold
            if mine and people[j] and not mine & people[j]:
                needed = max(threshold, mismatch_threshold)  # about someone else
            # the best story whose bar the article clears; first best: stories in founding order
            if scores[j] >= needed and (scores[j] > best or (scores[j] == best and j < k)):
                k, best = j, scores[j]
        if original in story_of and scores.get(story_of[original], -1.0) >= 0:
            k = story_of[original]
        if k < 0:
            k = len(ids)
            ids.append(story_id(article.article_id))
            last_seen.append(article.published_at)
            people.append(set())
            similarity = 1.0
        else:
            similarity = float(scores[k])
            last_seen[k] = max(last_seen[k], article.published_at)
        people[k] |= mine
        norms2[k] += 2 * sums[i - first, k] + 1.0
        sums[:, k] += sims[:, i]
        joins.append((i, k))
        story_of[article.article_id] = k
        out.append(
            StoryMember(
                story_id=ids[k],
                article_id=article.article_id,
                day=article.day,
                similarity=round(similarity, 4),
            )
        )
    return out


def _squared_norms_of_sums(vectors: sparse.csr_matrix, member_cols: list[list[int]]) -> np.ndarray:
    """Per story, the squared norm of the sum of its members' rows, from sparse rows: a dense
    vector over the whole vocabulary per story made a BLAS call per story, which on more than
    one core starts threads that spin for longer than the sum takes."""
    if not member_cols:
        return np.zeros(0)
    rows = np.repeat(np.arange(len(member_cols)), [len(c) for c in member_cols])
    indicator = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, np.concatenate(member_cols))), shape=(len(member_cols), vectors.shape[0])
    )
    totals = sparse.csr_matrix(indicator @ vectors)
    return np.asarray(totals.multiply(totals).sum(axis=1)).ravel()


def _reachable(sums: np.ndarray, norms2: np.ndarray, threshold: float) -> set[int]:
    """The stories an article could join: a story's score is its cosine to the article (the
    sum over its members divided by the norm of their sum) times a decay of at most 1, so a
    story whose cosine is below the threshold cannot clear it. The same operations as the
    scores (IEEE division and square root), so no story that could clear it is left out."""
    with np.errstate(divide="ignore", invalid="ignore"):
        cosines = np.where(norms2 > 0, sums / np.sqrt(norms2), 0.0)
    return set(np.flatnonzero(cosines >= threshold).tolist())


def _joint_vectors(tfidf: sparse.csr_matrix, dense: np.ndarray) -> sparse.csr_matrix:
    """Unit rows whose dot products are the weighted mean of both cosines, so the centroid
    bookkeeping in `story_members` works unchanged on the pair."""
    return sparse.csr_matrix(
        sparse.hstack([tfidf * math.sqrt(1 - EMBEDDING_SHARE), sparse.csr_matrix(dense * math.sqrt(EMBEDDING_SHARE))])
    )


def story(
    story_id: str,
    members: Sequence[TextDoc],
    duplicate_of: Mapping[str, str] | None = None,
    entity_names: Mapping[str, str] | None = None,
) -> Story:
    """A story's aggregate row from all of its member articles."""
    if not members:
        raise ValueError(f"story {story_id} has no members")
    duplicate_of = duplicate_of or {}
    entity_names = entity_names or {}
    members = sorted({m.article_id: m for m in members}.values(), key=lambda m: m.order_key)
    member_ids = {m.article_id for m in members}
    reports = [m for m in members if duplicate_of.get(m.article_id) not in member_ids]
    names: Counter[str] = Counter()  # reports naming it
    mentions: Counter[str] = Counter()  # all mentions, to break ties
    for m in reports:
        names.update(set(m.names))
        mentions.update(m.names)
    top = sorted(names.items(), key=lambda kv: (-kv[1], -mentions[kv[0]], kv[0]))[:TOP_ENTITIES]
    return Story(
        story_id=story_id,
        title=representative_title(members),
        first_seen=min(m.published_at for m in members),
        last_seen=max(m.published_at for m in members),
        article_count=len(members),
        report_count=len(reports),
        source_count=len({(m.source or "unknown").lower() for m in reports}),
        top_entities=[
            {
                "name": entity_names.get(n, n),
                "entity_id": n if n in entity_names else None,
                "articles": c,
            }
            for n, c in top
        ],
    )


def representative_title(members: Sequence[TextDoc]) -> str | None:
    """Title of the titled member closest to the others (ties: first seen); else a lead."""
    members = sorted(members, key=lambda m: m.order_key)
    titled = [i for i, m in enumerate(members) if m.title]
    if not titled:
        return _lead(members[0].text) if members else None
    if len(members) > 2:
        vectors = tfidf_matrix([story_features(m) for m in members], prefix_weights=FEATURE_WEIGHTS)
        closeness = np.asarray((vectors @ vectors.T).sum(axis=1)).ravel()
        best = max(titled, key=lambda i: (round(float(closeness[i]), 9), -i))
    else:
        best = titled[0]
    return members[best].title


def _lead(text: str) -> str | None:
    first = re.split(r"(?<=[.!?])\s|\n", text.strip(), maxsplit=1)[0].strip()
    if not first:
        return None
    return first if len(first) <= _TITLE_CHARS else first[: _TITLE_CHARS - 1].rstrip() + "…"
