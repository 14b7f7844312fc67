"""The events stage for one day: articles and entity mentions from DuckDB -> dated events.

A plain function (the daily flow wraps it in a Prefect task). It works inside the caller's
transaction: the day's `event_mentions` are delete-then-inserted, and the events of every
merge block (type + participants) the day touches, old or new, are recomputed from all of
that block's mentions on any day. Re-running any day therefore gives identical tables.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time as _time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from pydantic import BaseModel, Field

from flows.checks import checked as checked_frame
from flows.gazetteer import installed_gazetteer
from newsmon.models import Article, QuarantineRecord
from transforms.entities import ArticleText, Entity, EntityMention, entity_mentions
from transforms.events import (
    EVENT_TYPES,
    Event,
    EventRecord,
    Participant,
    article_events,
    merged_events,
    place_bound,
    place_participants,
    reference_date,
    story_participants,
)
from transforms.temporal import DateMention, date_mentions
from warehouse import db, reuse
from warehouse.store import upsert_quarantine

log = logging.getLogger("newsmon")

# Articles read at once (with their entity mentions and dates); a day's records are a few per article.
CHUNK_ARTICLES = 500
_DAY_ARTICLE_IDS = "select article_id from articles where day = ? order by article_id"

_MENTION_COLUMNS = [
    "mention_id",
    "event_id",
    "article_id",
    "day",
    "type",
    "trigger",
    "block",
    "participants",
    "place",
    "place_entity_id",
    "place_source",
    "date_start",
    "date_end",
    "precision",
    "date_value",
    "date_text",
    "date_source",
    "reference_date",
    "reference_kind",
    "sentence",
    "start_char",
    "end_char",
    "modality",
    "confidence",
]
_EVENT_COLUMNS = [
    "event_id",
    "type",
    "label",
    "event_date",
    "date_start",
    "date_end",
    "precision",
    "date_value",
    "place",
    "place_entity_id",
    "first_reported",
    "last_reported",
    "mention_count",
    "article_count",
    "modality",
    "confidence",
]


class EventsReport(BaseModel):
    """What the events stage did for one day."""

    day: date
    articles: int = 0
    mentions: int = 0  # event mentions loaded for the day
    events_recomputed: int = 0  # events rewritten (in the blocks the day touches)
    entity_source: str = "warehouse"  # warehouse | computed (no entity rows for the day)
    seconds: float = 0.0
    quarantined: list[QuarantineRecord] = Field(default_factory=list)


def run_events(
    conn: duckdb.DuckDBPyConnection, day: date, nlp: Any = None, docs_dir: Path | None = None
) -> EventsReport:
    """Extract, validate and load the dated events of `day`'s articles (delete-then-insert).

    The day's articles are read in chunks (`CHUNK_ARTICLES`), each with its entity mentions and
    date expressions, so a large day is never held at once: what is kept to the day's end is its
    event records and their check rows (a few per article), validated together as before.
    """
    started = _time.perf_counter()
    ids = [r[0] for r in conn.execute(_DAY_ARTICLE_IDS, [day]).fetchall()]
    # The entity stage's rows, if the day has any, else entities computed here for the whole day
    # in one batch (a chunk without mentions must not be read by the model instead).
    from_warehouse = _day_has_entity_rows(conn, day)
    chunk = CHUNK_ARTICLES if from_warehouse else max(1, len(ids))
    records: list[EventRecord] = []
    checks: list[pd.DataFrame] = []
    entities: dict[str, Entity] = {}
    existing: set[str] = set()
    doc_of: dict[str, str] = {}
    source = "warehouse"
    for i in range(0, len(ids), chunk):
        articles = _day_articles(conn, day, ids[i : i + chunk])
        mentions, found, source = _entity_inputs(conn, articles, nlp, from_warehouse=from_warehouse)
        dates = _article_dates(conn, articles)
        part: list[EventRecord] = []
        for article in articles:
            part += article_events(
                article, mentions.get(article.article_id, []), found, dates=dates[article.article_id]
            )
        del mentions, dates
        # The union of each chunk's existing participants is the day's: a participant exists or not
        existing |= _existing_participants(conn, part, found)
        if part:
            checks.append(_checks_frame(part, {a.article_id: a.text for a in articles}))
        doc_of |= {a.article_id: a.doc_id for a in articles}
        entities |= found
        records += part
        del articles

    quarantined = _frame_failures(day, records, checks, doc_of, existing, docs_dir, conn)
    del checks
    failed = {q.item_id for q in quarantined}
    good = _with_story_participants(conn, day, [r for r in records if r.mention_id not in failed])
    good = _with_place_participants(conn, day, good)

    new_blocks = {r.block for r in good}
    old_blocks = {
        row[0] for row in conn.execute("select distinct block from event_mentions where day = ?", [day]).fetchall()
    }
    blocks = sorted(new_blocks | old_blocks)
    _register(conn, "_event_blocks", pd.DataFrame({"block": blocks}, dtype="object"))
    try:
        touched = "select distinct event_id from event_mentions where block in (select block from _event_blocks)"
        conn.execute(f"delete from event_participants where event_id in ({touched})")
        conn.execute(f"delete from events where event_id in ({touched})")
        conn.execute("delete from event_mentions where day = ?", [day])
        _insert(conn, "event_mentions", _mentions_frame(good))
        block_records = _block_records(conn)
        events = merged_events(block_records, entities | _entities_of(conn, block_records))
        _insert(conn, "events", _events_frame(events))
        _insert(
            conn,
            "event_participants",
            pd.DataFrame(
                [
                    {"event_id": e.event_id, "entity_id": p.entity_id, "role": p.role}
                    for e in events
                    for p in e.participants
                ],
                columns=["event_id", "entity_id", "role"],
            ),
        )
        _register(
            conn,
            "_event_ids",
            pd.DataFrame(
                [{"mention_id": m, "event_id": e.event_id} for e in events for m in e.mention_ids],
                columns=["mention_id", "event_id"],
                dtype="object",
            ),
        )
        try:
            conn.execute(
                "update event_mentions set event_id = i.event_id from _event_ids as i"
                " where event_mentions.mention_id = i.mention_id"
            )
        finally:
            conn.unregister("_event_ids")
    finally:
        conn.unregister("_event_blocks")

    conn.execute("delete from quarantine where day = ? and stage = 'events'", [day])
    upsert_quarantine(conn, quarantined)
    report = EventsReport(
        day=day,
        articles=len(ids),
        mentions=len(good),
        events_recomputed=len(events),
        entity_source=source,
        seconds=round(_time.perf_counter() - started, 3),
        quarantined=quarantined,
    )
    log.info(
        "%s: %d articles -> %d event mentions, %d events recomputed, %d quarantined (%.1f s)",
        day,
        report.articles,
        report.mentions,
        report.events_recomputed,
        len(quarantined),
        report.seconds,
    )
    return report


# ---------------------------------------------------------------- reading


def _rows(conn: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cur = conn.execute(sql, list(params))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def _day_articles(conn: duckdb.DuckDBPyConnection, day: date, ids: Sequence[str] | None = None) -> list[Article]:
    """The day's articles ordered by id; with `ids`, only those."""
    fields = set(Article.model_fields)
    if ids is None:
        rows = _rows(conn, "select * from articles where day = ? order by article_id", [day])
    else:
        rows = _rows(
            conn,
            "select * from articles where day = ? and article_id in (select unnest(?)) order by article_id",
            [day, list(ids)],
        )
    return [Article(**{k: v for k, v in row.items() if k in fields}) for row in rows]


def _day_has_entity_rows(conn: duckdb.DuckDBPyConnection, day: date) -> bool:
    """Whether the entity stage wrote mentions for any of the day's articles (then they are used)."""
    if not (_table_exists(conn, "entity_mentions") and _table_exists(conn, "entities")):
        return False
    row = conn.execute(
        "select exists (select 1 from entity_mentions as m join articles as a on a.article_id = m.article_id"
        " where a.day = ?)",
        [day],
    ).fetchone()
    return bool(row and row[0])


def _table_exists(conn: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        conn.execute("select count(*) from information_schema.tables where table_name = ?", [name]).fetchone()[0]
    )


def _article_dates(conn: duckdb.DuckDBPyConnection, articles: list[Article]) -> dict[str, list[DateMention]]:
    """Each article's date expressions (`date_mentions`, most of the stage's cost), reused from
    `stage_results` when the text, its reference date and transforms/temporal.py are unchanged."""
    key = reuse.result_key(reuse.code_fingerprint("transforms.temporal"))
    refs = {a.article_id: reference_date(a)[0] for a in articles}
    items = {
        a.article_id: hashlib.sha256(f"{refs[a.article_id].isoformat()}\0{a.text}".encode()).hexdigest()
        for a in articles
    }
    stored = reuse.stored_results(conn, "dates", dict.fromkeys(items.values(), key))
    found: dict[str, list[DateMention]] = {}
    fresh = []
    for a in articles:
        item = items[a.article_id]
        if item in stored:
            found[a.article_id] = [DateMention.model_validate(m) for m in stored[item]]
        else:
            found[a.article_id] = date_mentions(a.text, refs[a.article_id])
            fresh.append((item, key, [m.model_dump(mode="json") for m in found[a.article_id]]))
    reuse.store_results(conn, "dates", {item: (item, k, v) for item, k, v in fresh}.values())  # copies: once
    return found


def _entity_inputs(
    conn: duckdb.DuckDBPyConnection, articles: list[Article], nlp: Any, *, from_warehouse: bool | None = None
) -> tuple[dict[str, list[EntityMention]], dict[str, Entity], str]:
    """The articles' entity mentions and their entities: from the warehouse, else computed.

    `from_warehouse` says where, decided for the whole day (`run_events`): then articles without
    rows have no mentions. By default, from the warehouse when it holds rows for these articles.
    """
    by_article: dict[str, list[EntityMention]] = {a.article_id: [] for a in articles}
    if not articles:
        return by_article, {}, "warehouse"
    ids = pd.DataFrame({"article_id": list(by_article)}, dtype="object")
    if from_warehouse is not False and _table_exists(conn, "entity_mentions") and _table_exists(conn, "entities"):
        _register(conn, "_event_articles", ids)
        try:
            rows = _rows(
                conn,
                "select m.* from entity_mentions as m"
                " join _event_articles as a on a.article_id = m.article_id"
                " order by m.article_id, m.in_headline, m.start_char",
            )
            ents = _rows(
                conn,
                "select distinct e.entity_id, e.canonical_name, e.type from entities as e"
                " join entity_mentions as m on m.entity_id = e.entity_id"
                " join _event_articles as a on a.article_id = m.article_id",
            )
        finally:
            conn.unregister("_event_articles")
        if rows:
            for r in rows:
                by_article[r["article_id"]].append(
                    EntityMention(
                        article_id=r["article_id"],
                        entity_id=r["entity_id"],
                        surface=r["surface"],
                        start=r["start_char"],
                        end=r["end_char"],
                        sentence_index=r["sentence_index"],
                        in_headline=r["in_headline"],
                        in_lead=r["in_lead"],
                        label=r["label"] or "",
                        how=r["how"] or "",
                    )
                )
            return by_article, {e["entity_id"]: Entity(**e) for e in ents}, "warehouse"
        if from_warehouse:
            return by_article, {}, "warehouse"
    if nlp is None:
        raise ValueError("no entity mentions in the warehouse for this day and no nlp to compute them")
    result = entity_mentions(
        [ArticleText(article_id=a.article_id, title=a.title, text=a.text) for a in articles],
        nlp,
        gazetteer=installed_gazetteer(),
    )
    for m in result.mentions:
        by_article[m.article_id].append(m)
    return by_article, {e.entity_id: e for e in result.entities}, "computed"


def _existing_participants(
    conn: duckdb.DuckDBPyConnection, records: list[EventRecord], entities: dict[str, Entity]
) -> set[str]:
    """The records' participant ids that exist: computed in this run or in the entities table.

    The events suite checks participants against this set. Checking a value against the
    existing ids among the values checked gives the same verdicts as checking it against every
    known id, and keeps what Great Expectations copies, stores and shows the size of a day.
    """
    wanted = {p.entity_id for r in records for p in r.participants}
    found = wanted & set(entities)
    if wanted - found and _table_exists(conn, "entities"):
        found |= {row["entity_id"] for row in db.query(conn, "known_entity_ids", entity_ids=sorted(wanted - found))}
    return found


def _entities_of(conn: duckdb.DuckDBPyConnection, records: list[EventRecord]) -> dict[str, Entity]:
    """Canonical names for the participants of events from other days (for labels)."""
    if not _table_exists(conn, "entities"):
        return {}
    wanted = sorted({p.entity_id for r in records for p in r.participants})
    if not wanted:
        return {}
    return {r["entity_id"]: Entity(**r) for r in db.query(conn, "entities_by_id", entity_ids=wanted)}


def _block_records(conn: duckdb.DuckDBPyConnection) -> list[EventRecord]:
    """Every stored mention in the blocks in `_event_blocks`, as records to merge."""
    rows = _rows(
        conn,
        "select * from event_mentions where block in (select block from _event_blocks) order by mention_id",
    )
    return [_stored_record(r) for r in rows]


def _stored_record(row: dict[str, Any]) -> EventRecord:
    r = dict(row)
    for column in ("event_id", "block", "story_id"):
        r.pop(column, None)
    r["participants"] = tuple(Participant(**p) for p in json.loads(r["participants"]))
    return EventRecord(**r)


def _with_story_participants(
    conn: duckdb.DuckDBPyConnection, day: date, records: list[EventRecord]
) -> list[EventRecord]:
    """The day's reports that name nobody, given the participants their story names for the same
    happening (transforms.events.story_participants): from the day's own reports and the story's
    stored reports of earlier days only, so a day gives the same rows whenever it is run again."""
    if not any(not r.participants for r in records) or not _table_exists(conn, "story_articles"):
        return records
    found = db.query(conn, "story_of_articles", article_ids=sorted({r.article_id for r in records}))
    story_of = {r["article_id"]: r["story_id"] for r in found}
    if not story_of:
        return records
    rows = db.query(conn, "story_named_event_mentions", story_ids=sorted(set(story_of.values())), day=day)
    story_of |= {r["article_id"]: r["story_id"] for r in rows}
    return story_participants(records, story_of, [_stored_record(r) for r in rows])


def _with_place_participants(
    conn: duckdb.DuckDBPyConnection, day: date, records: list[EventRecord]
) -> list[EventRecord]:
    """The day's reports that name nobody but a place, given the participants of the one
    happening of their type reported at that place (transforms.events.place_participants): from
    the day's own reports and stored reports of earlier days only, each placed report's dates
    widened by a day, so a day gives the same rows whenever it is run again."""
    placed = [r for r in records if place_bound(r)]
    if not placed:
        return records
    rows = db.query(
        conn,
        "place_named_event_mentions",
        day=day,
        types=[r.type for r in placed],
        date_starts=[r.date_start - timedelta(days=1) for r in placed],
        date_ends=[r.date_end + timedelta(days=1) for r in placed],
    )
    return place_participants(records, [_stored_record(r) for r in rows])


# ---------------------------------------------------------------- validating


def _checks_frame(records: list[EventRecord], texts: dict[str, str]) -> pd.DataFrame:
    rows = []
    for r in records:
        text = texts.get(r.article_id, "")
        base = {
            "mention_id": r.mention_id,
            "article_id": r.article_id,
            "type": r.type,
            "modality": r.modality,
            "precision": r.precision,
            "reference_kind": r.reference_kind,
            "days_from_reference": (r.date_start - r.reference_date).days,
            "start_char": r.start_char,
            "evidence_chars": r.end_char - r.start_char,
            "chars_after_evidence": len(text) - r.end_char,
            "evidence_matches": text[r.start_char : r.end_char] == r.sentence,
            "confidence": r.confidence,
        }
        for pid in [p.entity_id for p in r.participants] or [None]:
            rows.append({**base, "participant_id": pid})
    cols = [
        "mention_id",
        "article_id",
        "type",
        "modality",
        "precision",
        "reference_kind",
        "days_from_reference",
        "start_char",
        "evidence_chars",
        "chars_after_evidence",
        "evidence_matches",
        "participant_id",
        "confidence",
    ]
    frame = pd.DataFrame(rows, columns=cols)
    return frame.astype({"participant_id": "object", "evidence_matches": "bool"})


def _failures(
    day: date,
    records: list[EventRecord],
    articles: list[Article],
    entity_ids: set[str],
    docs_dir: Path | None,
) -> list[QuarantineRecord]:
    """Mentions failing the events suite, as quarantine records (one per mention and check)."""
    if not records:
        return []
    checks = [_checks_frame(records, {a.article_id: a.text for a in articles})]
    return _frame_failures(day, records, checks, {a.article_id: a.doc_id for a in articles}, entity_ids, docs_dir)


def _frame_failures(
    day: date,
    records: list[EventRecord],
    checks: list[pd.DataFrame],
    doc_of: dict[str, str],
    entity_ids: set[str],
    docs_dir: Path | None,
    conn: duckdb.DuckDBPyConnection | None = None,
) -> list[QuarantineRecord]:
    """`_failures` on check rows made in parts (`_checks_frame` of each chunk's records, in order):
    one validation of the day, as if made at once, without the day's texts."""
    if not records:
        return []
    frame = checks[0] if len(checks) == 1 else pd.concat(checks, ignore_index=True)
    checked = checked_frame(
        conn,
        "events",
        frame,
        "mention_id",
        params={"entity_ids": sorted(entity_ids), "event_types": list(EVENT_TYPES)},
        docs_dir=docs_dir,
        run_name=str(day),
    )
    if checked.table_failures:
        reasons = "; ".join(f.reason for f in checked.table_failures)
        raise RuntimeError(f"the events suite could not check rows: {reasons}")
    article_of = {r.mention_id: r.article_id for r in records}
    out: dict[tuple[str, str], QuarantineRecord] = {}
    for f in checked.failures:
        aid = article_of.get(f.key)
        out.setdefault(
            (f.key, f.expectation),
            QuarantineRecord(
                day=day,
                stage="events",
                item_id=f.key,
                doc_id=doc_of.get(aid) if aid is not None else None,
                expectation=f.expectation,
                reason=f.reason,
                details={"column": f.column, "article_id": aid, "value": f.value},
            ),
        )
    return list(out.values())


# ---------------------------------------------------------------- writing


def _mentions_frame(records: list[EventRecord]) -> pd.DataFrame:
    rows = []
    for r in records:
        row = r.model_dump()
        row["participants"] = json.dumps([p.model_dump() for p in sorted(r.participants, key=lambda p: p.entity_id)])
        row["block"] = r.block
        row["event_id"] = None
        rows.append(row)
    return pd.DataFrame(rows, columns=_MENTION_COLUMNS)


def _events_frame(events: list[Event]) -> pd.DataFrame:
    return pd.DataFrame([e.model_dump(include=set(_EVENT_COLUMNS)) for e in events], columns=_EVENT_COLUMNS)


def _register(conn: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    conn.register(name, frame)


def _insert(conn: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    cols = [r[0] for r in conn.execute(f"describe {table}").fetchall()]
    conn.register("_event_rows", frame[cols])
    try:
        conn.execute(f"insert into {table} select {', '.join(cols)} from _event_rows")
    finally:
        conn.unregister("_event_rows")
