"""The entity stage for one day: NER + canonicalisation (transforms/entities.py), its data
contract, and the warehouse writes. Plain functions on a DuckDB connection, so the daily
flow can wrap them in a task and tests can run them on a real file.

Repeatable by construction: the registry handed to the NER is what was known *before*
the day (entities mentioned on earlier days, aliases learned from earlier days'
articles), the day's mentions and aliases are deleted and re-inserted, and `entities`
is recomputed from all mentions. Re-running a day, or a backfill of a range in day
order, gives the same tables.

A day streams through NER in chunks (`CHUNK_ARTICLES`): each chunk's mentions are checked and
written as soon as they are read (the run is one transaction on the writer's private copy, so
this is as atomic as one write), and only the day's entities and aliases are kept to its end
(issue 10 item 5: the day's mentions of a 1,000-document day are ~120k objects).
"""

from __future__ import annotations

import hashlib
import logging
import time as _time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from pydantic import BaseModel, Field

from expectations import Validation
from expectations.runner import short_value
from flows.checks import checked as checked_frame
from flows.gazetteer import installed_gazetteer
from flows.progress import progress_bar
from newsmon.models import QuarantineRecord
from transforms.entities import (
    ArticleText,
    Entity,
    EntityAlias,
    EntityMention,
    EntityResult,
    Registry,
    entity_mentions,
    read_texts,
)
from transforms.gazetteer import Gazetteer
from transforms.ner_input import Parsed, ner_text
from warehouse import reuse

log = logging.getLogger("newsmon")

STAGE = "entities"
# Articles per `entity_mentions` call. spaCy docs of a whole chunk stay in memory while
# its rules run (~0.1 MB each with md's tensors), so a large day is cut into chunks; a
# chunk knows what earlier chunks of the same day learned (same order every run).
CHUNK_ARTICLES = 200  # spaCy docs of a chunk stay in memory; 500 long articles held ~2 GB


class EntitiesReport(BaseModel):
    """What the entity stage produced for one day."""

    day: date
    articles: int = 0
    mentions: int = 0  # written
    entities: int = 0  # distinct entities mentioned on the day (written)
    new_entities: int = 0  # first seen on the day
    aliases: int = 0  # learned from the day's articles and written
    quarantined: list[QuarantineRecord] = Field(default_factory=list)
    reused: int = 0  # texts whose stored model output was used (text, model and code unchanged)
    seconds: float = 0.0


# ---------------------------------------------------------------- reading


def day_articles(conn: duckdb.DuckDBPyConnection, day: date) -> list[tuple[str, ArticleText]]:
    """The day's articles as (doc_id, ArticleText), ordered by article_id."""
    rows = conn.execute(
        "select article_id, doc_id, title, text, source from articles where day = ? order by article_id",
        [day],
    ).fetchall()
    return [(r[1], _article_text(r[0], r[2], r[3], r[4])) for r in rows]


class DayArticles(Sequence[ArticleText]):
    """The day's articles in `day_articles` order, read from the warehouse a slice at a time:
    the entity stage holds one chunk's texts, not the day's (issue 10 item 5)."""

    def __init__(self, conn: duckdb.DuckDBPyConnection, day: date) -> None:
        rows = conn.execute(
            "select rowid, article_id, doc_id from articles where day = ? order by article_id", [day]
        ).fetchall()
        self.conn, self.day = conn, day
        self.rowids = [r[0] for r in rows]  # the articles table does not change while the stage runs
        self.doc_of = {r[1]: r[2] for r in rows}

    def __len__(self) -> int:
        return len(self.rowids)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return self._read(self.rowids[index])
        return self._read([self.rowids[index]])[0]

    def _read(self, rowids: list[int]) -> list[ArticleText]:
        if not rowids:
            return []
        rows = self.conn.execute(
            "select rowid, article_id, title, text, source from articles where rowid in (select unnest(?))",
            [rowids],
        ).fetchall()
        found = {r[0]: _article_text(*r[1:]) for r in rows}
        return [found[i] for i in rowids]

    def by_id(self, article_ids: Iterable[str]) -> dict[str, ArticleText]:
        """The articles with these ids (for an id the day holds twice, the later in the day's order)."""
        wanted = sorted(set(article_ids))
        if not wanted:
            return {}
        rows = self.conn.execute(
            "select article_id, title, text, source from articles"
            " where day = ? and article_id in (select unnest(?)) order by article_id",
            [self.day, wanted],
        ).fetchall()
        return {r[0]: _article_text(*r) for r in rows}

    def total_chars(self) -> int:
        row = self.conn.execute("select sum(length(text)) from articles where day = ?", [self.day]).fetchone()
        return int(row[0] or 0) if row else 0


def _article_text(article_id: str, title: str | None, text: str, source: str | None) -> ArticleText:
    # the outlet's name: a mention of it is that organisation ("unknown" is no name)
    return ArticleText(article_id=article_id, title=title, text=text, source=source if source != "unknown" else None)


def registry_before(conn: duckdb.DuckDBPyConnection, day: date) -> Registry:
    """Entities mentioned on days before `day` and aliases learned from those days' articles.

    An entity's `first_seen` is the first day of its mentions (`_RECOMPUTE_STATS`), so "first seen
    before the day" is "mentioned before the day" without reading the mentions (1.8M rows at 100k
    articles: 0.4 s of CPU a run, growing with the history).
    """
    entities = _rows(
        conn,
        """
        select e.entity_id, e.canonical_name, e.type
        from entities as e
        where e.first_seen < ?
        order by e.entity_id
    """,
        [day],
    )
    aliases = _rows(
        conn,
        """
        select al.alias, al.entity_id, al.learned_from, al.how
        from entity_aliases as al
        join articles as a on a.article_id = al.learned_from
        where a.day < ?
        order by al.alias, al.entity_id
    """,
        [day],
    )
    return Registry.from_rows(entities, aliases)


def _rows(conn: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = conn.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


# ---------------------------------------------------------------- NER


PARALLEL_NER_CHARS = 300_000


def day_entity_result(
    articles: Sequence[ArticleText],
    nlp: Any,
    registry: Registry,
    *,
    chunk_articles: int = CHUNK_ARTICLES,
    n_process: int = 1,
    advance: Callable[[int], None] | None = None,
    gazetteer: Gazetteer | None = None,
    reader: Callable[[Sequence[str]], list[Parsed]] | None = None,
    on_chunk: Callable[[list[EntityMention], Mapping[str, Entity]], None] | None = None,
) -> EntityResult:
    """`entity_mentions` over the articles in chunks; later chunks know what earlier ones found.

    `advance(n)` is told after each chunk how many articles it held (a progress bar). `gazetteer`
    defaults to the installed one, loaded on the first day with articles (once per process).
    With `on_chunk`, each chunk's mentions go to it (with the day's entities found so far, by id)
    instead of into the result, so a day's mentions need not be held at once (`run_entities`).
    """
    result = EntityResult()
    if articles and gazetteer is None:
        gazetteer = installed_gazetteer()
    grown = _Grown(registry)
    aliases: dict[tuple[str, str], EntityAlias] = {}
    day_entities: dict[str, Entity] = {}
    for i in range(0, len(articles), chunk_articles):
        chunk = articles[i : i + chunk_articles]
        part = entity_mentions(
            chunk,
            nlp,
            grown.registry,
            n_process=n_process,
            gazetteer=gazetteer,
            reader=reader,
        )
        result.failed |= part.failed
        new_aliases = []
        for a in part.aliases:
            if (a.alias, a.entity_id) not in aliases:
                aliases[a.alias, a.entity_id] = a
                new_aliases.append(a)
        grown.add(part.entities, new_aliases)
        for e in part.entities:
            day_entities.setdefault(e.entity_id, grown.registry.entities[e.entity_id])
        if on_chunk is None:
            result.mentions += part.mentions
        else:
            on_chunk(part.mentions, day_entities)
        if advance is not None:
            advance(len(chunk))
        del part, chunk
    result.entities = sorted(day_entities.values(), key=lambda e: e.entity_id)
    result.aliases = list(aliases.values())
    return result


class _Grown:
    """The registry a day's next chunk reads: what was known before the day, and the entities and
    aliases its earlier chunks found. Grown in place chunk by chunk (one copy of the registry
    for the day, not one per chunk), indexed as `Registry(entities, aliases)` would index them."""

    def __init__(self, before: Registry) -> None:
        self.before = before
        self.copied: Registry | None = None
        self.pending: list[EntityAlias] = []  # aliases of an entity no chunk has shown yet

    @property
    def registry(self) -> Registry:
        return self.copied or self.before

    def add(self, entities: Sequence[Entity], aliases: Sequence[EntityAlias]) -> None:
        """Know a chunk's entities (the first object seen for an id is kept) and its new aliases."""
        if self.copied is None:
            if not entities and not aliases:
                return
            self.copied = self.before.copy()  # the caller's registry is left as it was
        registry = self.copied
        for e in entities:
            registry.add(e)
        waiting = self.pending + list(aliases)
        self.pending = [a for a in waiting if not registry.know_alias(a)]


# ---------------------------------------------------------------- contract


def mentions_frame(articles: Sequence[ArticleText], result: EntityResult) -> pd.DataFrame:
    """Mentions with the helper columns the entity_mentions suite checks."""
    by_id = {a.article_id: a for a in articles}
    return _mentions_frame(result.mentions, by_id, {e.entity_id: e.type for e in result.entities})


def _mentions_frame(
    mentions: Sequence[EntityMention], by_id: Mapping[str, ArticleText], types: Mapping[str, str]
) -> pd.DataFrame:
    rows = []
    for m in mentions:
        article = by_id.get(m.article_id)
        source = (article.title if m.in_headline else article.text) if article else None
        source = source or ""
        rows.append(
            {
                "mention_key": mention_key(m),
                "article_id": m.article_id,
                "entity_id": m.entity_id,
                "type": types.get(m.entity_id),
                "surface": m.surface,
                "start": m.start,
                "end": m.end,
                "in_headline": m.in_headline,
                "source_chars": len(source),
                "chars_past_end": m.end - len(source),
                "span_chars": m.end - m.start,
                "text_at_offsets": source[m.start : m.end] if 0 <= m.start <= m.end else "",
                "surface_matches": 0 <= m.start < m.end <= len(source) and source[m.start : m.end] == m.surface,
            }
        )
    cols = [
        "mention_key",
        "article_id",
        "entity_id",
        "type",
        "surface",
        "start",
        "end",
        "in_headline",
        "source_chars",
        "chars_past_end",
        "span_chars",
        "text_at_offsets",
        "surface_matches",
    ]
    return pd.DataFrame(rows, columns=cols)


def entities_frame(result: EntityResult) -> pd.DataFrame:
    """Entities with a row key that exists even when entity_id is missing."""
    rows = [
        {
            "row_key": e.entity_id or f"#{i}",
            "entity_id": e.entity_id,
            "canonical_name": e.canonical_name,
            "type": e.type,
        }
        for i, e in enumerate(result.entities)
    ]
    return pd.DataFrame(rows, columns=["row_key", "entity_id", "canonical_name", "type"])


def mention_key(m: EntityMention) -> str:
    """The mention's table key as one string: article_id:title|text:start-end."""
    return f"{m.article_id}:{'title' if m.in_headline else 'text'}:{m.start}-{m.end}"


def checked_result(
    day: date,
    articles: Sequence[tuple[str, ArticleText]],
    result: EntityResult,
    *,
    docs_dir: Path | None = None,
) -> tuple[EntityResult, list[QuarantineRecord]]:
    """The part of `result` that passes both suites, and quarantine records for the rest.

    A failing entity takes its mentions with it (each is quarantined as `valid_entity`);
    aliases are kept only where a passing mention in their article supports them.
    (`run_entities` applies the same contract chunk by chunk, on the rows it writes.)
    """
    by_id = {a.article_id: a for _, a in articles}
    doc_of = {a.article_id: doc_id for doc_id, a in articles}
    quarantined: list[QuarantineRecord] = []
    failed_ids = _entity_failures(day, result.entities, quarantined, docs_dir)
    types = {e.entity_id: e.type for e in result.entities}
    failed_mentions = _mention_failures(day, result.mentions, by_id, types, doc_of, quarantined, docs_dir)

    passing: list[EntityMention] = []
    for m in result.mentions:
        key = mention_key(m)
        if key in failed_mentions:
            continue
        bad = failed_ids.get(m.entity_id)
        if bad is not None or m.entity_id not in types:
            quarantined.append(_invalid_entity(day, key, doc_of.get(m.article_id), m.surface, m.entity_id, bad))
            continue
        passing.append(m)

    used = {m.entity_id for m in passing}
    supported = {(m.article_id, m.entity_id) for m in passing}
    good = EntityResult(
        mentions=passing,
        entities=[e for e in result.entities if e.entity_id in used],
        aliases=[a for a in result.aliases if (a.learned_from, a.entity_id) in supported],
    )
    return good, quarantined


def _entity_failures(
    day: date,
    entities: Sequence[Entity],
    quarantined: list[QuarantineRecord],
    docs_dir: Path | None,
    conn: duckdb.DuckDBPyConnection | None = None,
) -> dict[str, str]:
    """The day's entities through the entities suite: failures go to `quarantined`; the failing
    entity ids, each with its (first) reason, come back."""
    ent_frame = entities_frame(EntityResult.model_construct(entities=list(entities)))
    ent_check = checked_frame(conn, "entities", ent_frame, "row_key", docs_dir=docs_dir, run_name=str(day))
    _require_rows_checked(ent_check)
    failed_entities: dict[str, str] = {}
    names = dict(zip(ent_frame["row_key"], ent_frame["canonical_name"], strict=True))
    for f in ent_check.failures:
        quarantined.append(
            QuarantineRecord(
                day=day,
                stage=STAGE,
                item_id=f"{f.key}@{day.isoformat()}",
                expectation=f.expectation,
                reason=f.reason,
                details={"column": f.column, "canonical_name": names.get(f.key)},
            )
        )
        failed_entities.setdefault(f.key, f.reason)
    row_key = {e.entity_id: e.entity_id or f"#{i}" for i, e in enumerate(entities)}
    return {entity: failed_entities[key] for entity, key in row_key.items() if key in failed_entities}


def _mention_failures(
    day: date,
    mentions: Sequence[EntityMention],
    by_id: Mapping[str, ArticleText],
    types: Mapping[str, str],
    doc_of: Mapping[str, str],
    quarantined: list[QuarantineRecord],
    docs_dir: Path | None,
    conn: duckdb.DuckDBPyConnection | None = None,
    part: int = 0,
) -> set[str]:
    """Mentions through the entity_mentions suite: failures go to `quarantined`; their keys come back.

    Every check but the key's uniqueness reads one row, and a key names one article, so a day's
    mentions can be checked in parts that each hold whole articles.
    """
    men_frame = _mentions_frame(mentions, by_id, types)
    men_check = checked_frame(
        conn, "entity_mentions", men_frame, "mention_key", docs_dir=docs_dir, run_name=str(day), part=part
    )
    _require_rows_checked(men_check)
    if not men_check.failures:
        return set()
    rows = men_frame.set_index("mention_key", drop=False)
    rows = rows[~rows.index.duplicated()]
    failed_mentions = set()
    for f in men_check.failures:
        row = rows.loc[f.key] if f.key in rows.index else None
        article_id = row["article_id"] if row is not None else None
        details: dict[str, Any] = {"column": f.column}
        if row is not None:
            details |= {
                "surface": row["surface"],
                "start": int(row["start"]),
                "end": int(row["end"]),
                "in_headline": bool(row["in_headline"]),
                "text_at_offsets": row["text_at_offsets"],
                "entity_id": row["entity_id"],
            }
        quarantined.append(
            QuarantineRecord(
                day=day,
                stage=STAGE,
                item_id=str(f.key),
                doc_id=doc_of.get(article_id),
                expectation=f.expectation,
                reason=_mention_reason(f.column, f.reason, row),
                details=details,
            )
        )
        failed_mentions.add(f.key)
    return failed_mentions


def _invalid_entity(
    day: date, key: str, doc_id: str | None, surface: str, entity: str | None, bad: str | None
) -> QuarantineRecord:
    """A mention that passed its suite, of an entity that failed its own (or is not the stage's)."""
    return QuarantineRecord(
        day=day,
        stage=STAGE,
        item_id=key,
        doc_id=doc_id,
        expectation="valid_entity",
        reason=f"its entity {entity} failed the entities contract: {bad}"
        if bad
        else f"its entity {entity} is not in the stage's entities",
        details={"surface": surface, "entity_id": entity},
    )


def _mention_reason(column: str | None, reason: str, row: Any) -> str:
    """GE's reason, said in terms of the article for the helper columns."""
    if row is None or column not in ("surface_matches", "chars_past_end"):
        return reason
    where = "title" if row["in_headline"] else "text"
    kind = reason[reason.rfind("(") :]
    if column == "chars_past_end":
        return (
            f"mention {row['surface']!r} ends at {row['end']}, past the end of the"
            f" {where} ({row['source_chars']} characters) {kind}"
        )
    return (
        f"the {where} at {row['start']}-{row['end']} reads {row['text_at_offsets']!r},"
        f" not the mention's surface {row['surface']!r} {kind}"
    )


def _require_rows_checked(checked: Validation) -> None:
    """A suite that could not check rows (missing column, GE error) must stop the run."""
    if checked.table_failures:
        reasons = "; ".join(f.reason for f in checked.table_failures)
        raise RuntimeError(f"the {checked.suite} suite could not check rows: {reasons}")


# ---------------------------------------------------------------- writing


_DELETE_DAY_MENTIONS = """
    delete from entity_mentions
    where article_id in (select article_id from articles where day = ?)
        or article_id not in (select article_id from articles)
"""
_DELETE_DAY_ALIASES = """
    delete from entity_aliases
    where learned_from in (select article_id from articles where day = ?)
        or learned_from not in (select article_id from articles)
"""
# An alias keeps the earliest article it was learned from: a re-run of an earlier day
# takes over an alias that a later day had learned first.
_DELETE_LATER_ALIASES = """
    delete from entity_aliases
    where (alias, entity_id) in (select alias, entity_id from _day_aliases)
        and learned_from in (select article_id from articles where day > ?)
"""
# Keyed on (alias, entity_id) by this statement, not by a constraint (a DuckLake warehouse has
# none): an alias already known keeps its row, and a pair repeated in the day keeps its first.
_INSERT_ALIASES = """
    insert into entity_aliases
    select alias, entity_id, learned_from, how from _day_aliases as d
    where not exists (
        select 1 from entity_aliases as e where e.alias = d.alias and e.entity_id = d.entity_id
    )
    qualify row_number() over (partition by alias, entity_id order by ordinal) = 1
"""
_INSERT_MENTIONS = """
    insert into entity_mentions
    select article_id, entity_id, surface, start, "end", sentence_index, in_headline, in_lead,
        label, how
    from _day_mentions
"""
# The day's entities carry their canonical name: the registry's for entities known
# before the day (so unchanged), the day's own for entities first seen on it.
_DELETE_NAMES = "delete from entities where entity_id in (select entity_id from _day_entities)"
_INSERT_NAMES = """
    insert into entities
    select entity_id, canonical_name, type, ?::date, ?::date, 0 from _day_entities
"""
# Only entities whose mentions the run can have changed are looked at: those of mentions on
# the day (their stats span it, including the day's entities, just written as first and last
# seen on it) and those of the day's replaced mentions (a run deletes articles and mentions of
# its own day only, so their stats span it too). The rest keep their rows and stats: at 100k
# articles, looking at all of them read 1.8M mentions twice a run (0.4 s of CPU).
_SPANNING_DAY = "(select entity_id from entities where first_seen <= $day and last_seen >= $day)"
_DROP_UNMENTIONED = f"""
    delete from entities
    where entity_id in {_SPANNING_DAY}
        and entity_id not in (select entity_id from entity_mentions where entity_id in {_SPANNING_DAY})
"""
_RECOMPUTE_STATS = f"""
    update entities
    set first_seen = s.first_seen, last_seen = s.last_seen, mention_count = s.mention_count
    from (
        select m.entity_id, min(a.day) as first_seen, max(a.day) as last_seen,
            count(*) as mention_count
        from entity_mentions as m
        join articles as a on a.article_id = m.article_id
        where m.entity_id in {_SPANNING_DAY}
        group by m.entity_id
    ) as s
    where entities.entity_id = s.entity_id
"""


_MENTION_COLUMNS = [
    "article_id",
    "entity_id",
    "surface",
    "start",
    "end",
    "sentence_index",
    "in_headline",
    "in_lead",
    "label",
    "how",
]


def write_day(conn: duckdb.DuckDBPyConnection, day: date, result: EntityResult) -> int:
    """Replace the day's mentions and aliases, then recompute `entities`; return aliases written."""
    conn.execute(_DELETE_DAY_MENTIONS, [day])
    conn.execute(_DELETE_DAY_ALIASES, [day])
    insert_mentions(conn, result.mentions)
    return _write_names_and_aliases(conn, day, result.entities, result.aliases)


def insert_mentions(conn: duckdb.DuckDBPyConnection, mentions: Sequence[EntityMention]) -> None:
    """Append mentions to `entity_mentions` (the caller has deleted what they replace)."""
    if not mentions:
        return
    frame = pd.DataFrame([m.model_dump() for m in mentions], columns=_MENTION_COLUMNS)
    conn.register("_day_mentions", frame)
    try:
        conn.execute(_INSERT_MENTIONS)
    finally:
        conn.unregister("_day_mentions")


def _write_names_and_aliases(
    conn: duckdb.DuckDBPyConnection, day: date, entities: Sequence[Entity], aliases: Sequence[EntityAlias]
) -> int:
    """The day's aliases and entity names, once its mentions are written; then `entities` is recomputed."""
    frames = {
        "_day_entities": pd.DataFrame(
            [e.model_dump() for e in entities], columns=["entity_id", "canonical_name", "type"]
        ),
        "_day_aliases": pd.DataFrame(
            [[a.alias, a.entity_id, a.learned_from, a.how, n] for n, a in enumerate(aliases)],
            columns=["alias", "entity_id", "learned_from", "how", "ordinal"],
        ),
    }
    for name, frame in frames.items():
        conn.register(name, frame)
    try:
        conn.execute(_DELETE_LATER_ALIASES, [day])
        before = _count(conn, "entity_aliases")
        conn.execute(_INSERT_ALIASES)
        written = _count(conn, "entity_aliases") - before
        conn.execute(_DELETE_NAMES)
        conn.execute(_INSERT_NAMES, [day, day])
    finally:
        for name in frames:
            conn.unregister(name)
    conn.execute(_DROP_UNMENTIONED, {"day": day})
    conn.execute(_RECOMPUTE_STATS, {"day": day})
    return written


def _count(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    row = conn.execute(f"select count(*) from {table}").fetchone()
    return int(row[0]) if row else 0


# ---------------------------------------------------------------- the stage


class StoredReads:
    """What the model read in each text, reused from `stage_results` when the text, the model and
    the reading code (transforms/ner_input.py, the installed libraries) are unchanged; texts not
    read before go to the model, loaded only then. A backfill after a change to the entity rules,
    stories or events reads the stored reads and runs no model at all."""

    def __init__(
        self,
        conn: duckdb.DuckDBPyConnection,
        nlp: Any,
        model: str,
        n_process: int = 1,
        remote: Callable[[list[str]], list[dict]] | None = None,
    ) -> None:
        self.conn, self.nlp, self.n_process, self.remote = conn, nlp, n_process, remote
        self.key = reuse.result_key(reuse.code_fingerprint("transforms.ner_input"), model)
        self.fresh: dict[str, tuple[str, dict]] = {}
        self.stored: set[str] = set()  # texts read in this run and already kept (`store`)
        self.reused = 0

    def __call__(self, texts: Sequence[str]) -> list[Parsed]:
        ids = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
        stored = reuse.stored_results(self.conn, "ner", dict.fromkeys(ids, self.key))
        missing = [t for t, i in zip(texts, ids, strict=True) if i not in stored and i not in self.fresh]
        read = dict(zip(missing, self._read(missing), strict=True)) if missing else {}
        out = []
        for text, item in zip(texts, ids, strict=True):
            if text in read:
                out.append(read[text])
                self.fresh[item] = (self.key, read[text].to_json())
            else:
                value = stored[item] if item in stored else self.fresh[item][1]
                out.append(Parsed.from_json(ner_text(text)[0], value))
                self.reused += item in stored and item not in self.stored
        return out

    def _read(self, texts: list[str]) -> list[Parsed]:
        if self.remote is None:
            return read_texts(self.nlp, texts, n_process=self.n_process)
        return [Parsed.from_json(ner_text(t)[0], value) for t, value in zip(texts, self.remote(texts), strict=True)]

    def store(self) -> None:
        """Keep the reads made since the last call (in the run's transaction), and let them go."""
        reuse.store_results(self.conn, "ner", [(item, key, value) for item, (key, value) in self.fresh.items()])
        self.stored.update(self.fresh)
        self.fresh = {}


_DAY_ROWS = "article_id in (select article_id from articles where day = ?)"


class _DayMentions:
    """The day's mentions checked and written chunk by chunk, so a day is never held at once.

    Same rows and quarantine as `checked_result` on the whole day followed by `write_day`: each
    chunk's mentions go through the entity_mentions suite (all its checks but the key's
    uniqueness read one row, and a key names one article, which is in one chunk) and the passing
    ones are inserted at once, in the run's transaction. What needs the whole day is done at its
    end on the written rows: a key written twice (SQL, as the suite's uniqueness check would
    have found it), the entities suite on the day's entities, and taking out the mentions of an
    entity that failed it.
    """

    def __init__(
        self,
        conn: duckdb.DuckDBPyConnection,
        day: date,
        articles: DayArticles,
        docs_dir: Path | None,
        after_chunk: Callable[[], None] | None = None,
    ) -> None:
        self.conn, self.day, self.docs_dir, self.after_chunk = conn, day, docs_dir, after_chunk
        self.articles = articles  # the texts of a chunk's articles are read again when its mentions are checked
        self.doc_of = articles.doc_of
        self.quarantined: list[QuarantineRecord] = []
        # mentions of an entity the day has not shown yet (none, by construction of
        # `entity_mentions`): their type is known only at the day's end, so they are checked then
        self.pending: list[EntityMention] = []
        self.checked = False
        self.parts = 0  # mention frames validated so far (each is one part of the day's validation)
        conn.execute(_DELETE_DAY_MENTIONS, [day])
        conn.execute(_DELETE_DAY_ALIASES, [day])

    def __call__(self, mentions: list[EntityMention], day_entities: Mapping[str, Entity]) -> None:
        if self.after_chunk is not None:
            self.after_chunk()
        known = [m for m in mentions if m.entity_id in day_entities]
        if len(known) < len(mentions):
            self.pending += [m for m in mentions if m.entity_id not in day_entities]
        self._write(known, {m.entity_id: day_entities[m.entity_id].type for m in known})

    def _write(self, mentions: Sequence[EntityMention], types: Mapping[str, str]) -> None:
        by_id = self.articles.by_id(m.article_id for m in mentions)
        failed = _mention_failures(
            self.day, mentions, by_id, types, self.doc_of, self.quarantined, self.docs_dir, self.conn, self.parts
        )
        self.parts += 1
        insert_mentions(self.conn, [m for m in mentions if mention_key(m) not in failed] if failed else mentions)
        self.checked = True

    def finish(self, entities: Sequence[Entity]) -> tuple[list[Entity], list[QuarantineRecord]]:
        """The day's end: the entities that keep written mentions, and the day's quarantine records
        (the entities suite's first, as `checked_result` gives them)."""
        if self.pending or not self.checked:  # a day without mentions is still checked (data docs)
            self._write(self.pending, {e.entity_id: e.type for e in entities})
            self.pending = []
        self._drop_repeated_keys()
        quarantined: list[QuarantineRecord] = []
        failed_ids = _entity_failures(self.day, entities, quarantined, self.docs_dir, self.conn)
        quarantined += self.quarantined
        if failed_ids:
            quarantined += self._drop_mentions_of(failed_ids)
        used = {
            r[0]
            for r in self.conn.execute(
                f"select distinct entity_id from entity_mentions where {_DAY_ROWS}", [self.day]
            ).fetchall()
        }
        return [e for e in entities if e.entity_id in used], quarantined

    def supported(self, aliases: Sequence[EntityAlias]) -> list[EntityAlias]:
        """The aliases a written mention of their entity, in the article they were learned from, supports."""
        if not aliases:
            return []
        frame = pd.DataFrame(
            {
                "seq": range(len(aliases)),
                "learned_from": [a.learned_from for a in aliases],
                "entity_id": [a.entity_id for a in aliases],
            }
        )
        self.conn.register("_all_aliases", frame)
        try:
            kept = self.conn.execute(
                f"""
                select a.seq from _all_aliases as a
                where (a.learned_from, a.entity_id) in (
                    select article_id, entity_id from entity_mentions where {_DAY_ROWS}
                )
                order by a.seq
                """,
                [self.day],
            ).fetchall()
        finally:
            self.conn.unregister("_all_aliases")
        return [aliases[r[0]] for r in kept]

    def count(self) -> int:
        row = self.conn.execute(f"select count(*) from entity_mentions where {_DAY_ROWS}", [self.day]).fetchone()
        return int(row[0]) if row else 0

    def _drop_repeated_keys(self) -> None:
        """The suite's key uniqueness across chunks: a key can repeat only in an article that came
        in two chunks (an article_id twice in the day's articles), so this is normally empty."""
        rows = self.conn.execute(
            f"""
            select article_id, in_headline, start_char, end_char, surface, entity_id from entity_mentions
            where {_DAY_ROWS} and (article_id, in_headline, start_char, end_char) in (
                select article_id, in_headline, start_char, end_char from entity_mentions where {_DAY_ROWS}
                group by all having count(*) > 1
            )
            """,
            [self.day, self.day],
        ).fetchall()
        seen: set[str] = set()
        by_id = self.articles.by_id(r[0] for r in rows) if rows else {}
        for article_id, in_headline, start, end, surface, entity in rows:
            m = EntityMention.model_construct(article_id=article_id, in_headline=in_headline, start=start, end=end)
            key = mention_key(m)
            if key in seen:
                continue
            seen.add(key)
            article = by_id.get(article_id)
            source = ((article.title if in_headline else article.text) if article else None) or ""
            reason = f"mention_key {short_value(key)!r} occurs more than once (expect_column_values_to_be_unique)"
            self.quarantined += [
                QuarantineRecord(
                    day=self.day,
                    stage=STAGE,
                    item_id=key,
                    doc_id=self.doc_of.get(article_id),
                    expectation="expect_column_values_to_be_unique",
                    reason=reason,
                    details={
                        "column": "mention_key",
                        "surface": surface,
                        "start": int(start),
                        "end": int(end),
                        "in_headline": bool(in_headline),
                        "text_at_offsets": source[start:end] if 0 <= start <= end else "",
                        "entity_id": entity,
                    },
                )
            ]
        if rows:
            self._delete([r[:4] for r in rows])

    def _drop_mentions_of(self, failed_ids: Mapping[str, str]) -> list[QuarantineRecord]:
        """Take out the written mentions of entities that failed their suite, each quarantined."""
        frame = pd.DataFrame({"entity_id": list(failed_ids)})
        self.conn.register("_failed_entities", frame)
        try:
            rows = self.conn.execute(
                f"""
                select article_id, in_headline, start_char, end_char, surface, entity_id from entity_mentions
                where {_DAY_ROWS} and entity_id in (select entity_id from _failed_entities)
                """,
                [self.day],
            ).fetchall()
        finally:
            self.conn.unregister("_failed_entities")
        out = []
        for article_id, in_headline, start, end, surface, entity in rows:
            m = EntityMention.model_construct(article_id=article_id, in_headline=in_headline, start=start, end=end)
            out.append(
                _invalid_entity(
                    self.day, mention_key(m), self.doc_of.get(article_id), surface, entity, failed_ids[entity]
                )
            )
        if rows:
            self._delete([r[:4] for r in rows])
        return out

    def _delete(self, keys: list[tuple]) -> None:
        frame = pd.DataFrame(keys, columns=["article_id", "in_headline", "start_char", "end_char"])
        self.conn.register("_dropped", frame)
        try:
            self.conn.execute(
                """
                delete from entity_mentions
                where (article_id, in_headline, start_char, end_char) in (
                    select article_id, in_headline, start_char, end_char from _dropped
                )
                """
            )
        finally:
            self.conn.unregister("_dropped")


def rules_failed(day: date, failed: Mapping[str, str], doc_of: Mapping[str, str]) -> list[QuarantineRecord]:
    """A quarantine record per article whose entities the rules could not read (the article is kept)."""
    return [
        QuarantineRecord(
            day=day,
            stage=STAGE,
            item_id=article_id,
            doc_id=doc_of.get(article_id),
            expectation="entity_rules_error",
            reason=f"article kept, its entities not read: the entity rules failed on its text ({why})",
        )
        for article_id, why in sorted(failed.items())
    ]


def run_entities(
    conn: duckdb.DuckDBPyConnection,
    day: date,
    nlp: Any,
    *,
    docs_dir: Path | None = None,
    chunk_articles: int = CHUNK_ARTICLES,
    processes: int = 1,
    model: str | None = None,
    remote: Callable[[list[str]], list[dict]] | None = None,
) -> EntitiesReport:
    """Find, check and store the day's entity mentions; quarantined rows come back in the report.

    `model` names the pipeline `nlp` is (its package), for the key of the stored model output
    (`StoredReads`); by default it is read from `nlp` itself. `remote` reads texts elsewhere (a
    Dask cluster: flows/fanout.py) instead of `nlp`.
    """
    if model is None:
        model = f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}" if nlp is not None else "none"
    started = _time.perf_counter()
    articles = DayArticles(conn, day)
    registry = registry_before(conn, day)
    # Worker processes pay off only on a lot of text: each loads the model (~2 s). Measured in
    # docs/entities.md: 81 long articles (630k chars) took 18.6 s in one process, 12.2 s in two.
    n_process = processes if articles.total_chars() >= PARALLEL_NER_CHARS else 1
    reader = StoredReads(conn, nlp, model, n_process, remote)
    written = _DayMentions(conn, day, articles, docs_dir, after_chunk=reader.store)
    with progress_bar(f"{day} entities", len(articles)) as advance:
        result = day_entity_result(
            articles,
            nlp,
            registry,
            chunk_articles=chunk_articles,
            n_process=n_process,
            advance=advance,
            reader=reader,
            on_chunk=written,
        )
    reader.store()
    good_entities, quarantined = written.finish(result.entities)
    good_aliases = written.supported(result.aliases)
    quarantined += rules_failed(day, result.failed, written.doc_of)
    aliases = _write_names_and_aliases(conn, day, good_entities, good_aliases)
    new = conn.execute("select count(*) from entities where first_seen = ?", [day]).fetchone()
    report = EntitiesReport(
        day=day,
        articles=len(articles),
        mentions=written.count(),
        entities=len(good_entities),
        new_entities=int(new[0]) if new else 0,
        aliases=aliases,
        quarantined=quarantined,
        reused=reader.reused,
        seconds=round(_time.perf_counter() - started, 3),
    )
    log.info(
        "%s: %d articles -> %d mentions of %d entities (%d new), %d aliases, %d quarantined (%.1f s)",
        day,
        report.articles,
        report.mentions,
        report.entities,
        report.new_entities,
        report.aliases,
        len(quarantined),
        report.seconds,
    )
    return report
