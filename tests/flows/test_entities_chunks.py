"""The entity stage streams a day in chunks (issue 10 item 5): each chunk's mentions are checked
and written as it is read, and what needs the whole day (the key's uniqueness, the entities
suite) is done at the day's end on the written rows. The rows must be those of the whole-day
path: `checked_result` on all the day's mentions, then `write_day`."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

import flows.entities as stage
from flows.entities import (
    checked_result,
    day_articles,
    day_entity_result,
    registry_before,
    rules_failed,
    run_entities,
    write_day,
)
from newsmon.models import QuarantineRecord
from tests.flows.test_entities_stage import _warehouse, nlp, replay_days, seed_articles  # noqa: F401 (fixtures)
from transforms.entities import Entity, EntityAlias, EntityMention, EntityResult
from warehouse import db

TABLES = ["entities", "entity_aliases", "entity_mentions"]
DAY = date(2024, 5, 2)


def _rows(path: Path) -> dict[str, list[tuple]]:
    conn = duckdb.connect(str(path), read_only=True)
    try:
        return {t: conn.execute(f"select * from {t} order by all").fetchall() for t in TABLES}
    finally:
        conn.close()


def _records(records: list[QuarantineRecord]) -> set[tuple]:
    """Quarantine rows as `upsert_quarantine` keeps them (the key, a later record wins)."""
    latest = {(r.stage, r.item_id, r.expectation): r for r in records}
    return {(*k, r.day, r.doc_id, r.reason, json.dumps(r.details, sort_keys=True)) for k, r in latest.items()}


def _whole_day(path: Path, day: date, model: Any, chunk_articles: int) -> list[QuarantineRecord]:
    """The stage as it was before streaming: the day's mentions held, checked at once, written at once."""
    with db.writer(path) as conn:
        articles = day_articles(conn, day)
        result = day_entity_result(
            [a for _, a in articles], model, registry_before(conn, day), chunk_articles=chunk_articles
        )
        good, quarantined = checked_result(day, articles, result)
        quarantined += rules_failed(day, result.failed, {a.article_id: doc_id for doc_id, a in articles})
        write_day(conn, day, good)
    return quarantined


def _streamed(path: Path, day: date, model: Any, chunk_articles: int) -> list[QuarantineRecord]:
    with db.writer(path) as conn:
        return run_entities(conn, day, model, chunk_articles=chunk_articles).quarantined


# ---------------------------------------------------------------- the real stage on the seeds


@pytest.mark.shared
@pytest.mark.slow
def test_a_day_in_small_chunks_writes_the_rows_of_one_chunk(tmp_path, seed_articles, replay_days, nlp):  # noqa: F811
    one = _warehouse(tmp_path / "one.duckdb", seed_articles)
    small = _warehouse(tmp_path / "small.duckdb", seed_articles)
    whole = _warehouse(tmp_path / "whole.duckdb", seed_articles)
    for day in replay_days:
        assert _records(_streamed(one, day, nlp, 10_000)) == _records(_streamed(small, day, nlp, 2))
        _whole_day(whole, day, nlp, 2)
        assert _rows(small) == _rows(one)
    assert _rows(small) == _rows(whole)
    assert all(_rows(small)[t] for t in TABLES)


# ---------------------------------------------------------------- the contract across chunks

_BLINKEN = Entity(entity_id="person_4685497e4f9e", canonical_name="Antony Blinken", type="PERSON")
_XI = Entity(entity_id="person_0b42a20a5a42", canonical_name="Xi Jinping", type="PERSON")
_BLANK = Entity.model_construct(entity_id="gpe_a6ce35a42815", canonical_name=" ", type="GPE")
_TALKS = Entity(entity_id="org_0123456789ab", canonical_name="Talks", type="ORG")
_TEXT = "Antony Blinken met Xi Jinping in Beijing for talks."
_TITLE = "Blinken meets Xi"


def _m(article: str, entity: Entity, surface: str, start: int, end: int, in_headline: bool = False):
    return EntityMention(
        article_id=article,
        entity_id=entity.entity_id,
        surface=surface,
        start=start,
        end=end,
        sentence_index=0,
        in_headline=in_headline,
        in_lead=True,
        label=entity.type,
        how="exact",
    )


def _alias(alias: str, entity: Entity, article: str) -> EntityAlias:
    return EntityAlias(alias=alias, entity_id=entity.entity_id, learned_from=article, how="exact")


# What the rules "find" in each article: clean rows, a surface that is not the text, an entity
# failing its suite, a mention of an entity only a later chunk brings, an article twice in the
# day (a key written by two chunks), rules failing on an article.
_FOUND = {
    "a1": EntityResult(
        mentions=[
            _m("a1", _BLINKEN, "Antony Blinken", 0, 14),
            _m("a1", _XI, "Xi Jinpang", 19, 29),
            _m("a1", _XI, "Xi", 14, 16, True),
        ],
        entities=[_BLINKEN, _XI],
        aliases=[_alias("Xi", _XI, "a1"), _alias("Antony Blinken", _BLINKEN, "a1")],
    ),
    "a2": EntityResult(
        mentions=[_m("a2", _BLANK, "Beijing", 33, 40), _m("a2", _TALKS, "talks", 45, 50)],
        entities=[_BLANK],
        aliases=[_alias("Beijing", _BLANK, "a2"), _alias("talks", _TALKS, "a2")],
    ),
    "a3": EntityResult(
        mentions=[_m("a3", _BLINKEN, "Antony Blinken", 0, 14), _m("a3", _XI, "Xi Jinping", 19, 29)],
        entities=[_BLINKEN, _XI],
        aliases=[_alias("Blinken", _BLINKEN, "a3")],
    ),
    "a4": EntityResult(
        mentions=[_m("a4", _TALKS, "talks", 45, 50)], entities=[_TALKS], aliases=[_alias("Talks", _TALKS, "a4")]
    ),
    "a5": EntityResult(failed={"a5": "ValueError: boom"}),
}


def _fake_entity_mentions(articles, model, registry=None, **kwargs) -> EntityResult:
    out = EntityResult()
    for a in articles:
        found = _FOUND[a.article_id]
        out.mentions += found.mentions
        out.failed |= found.failed
        out.entities += [e for e in found.entities if e not in out.entities]
        out.aliases += found.aliases
    out.entities.sort(key=lambda e: e.entity_id)
    return out


def _day_file(path: Path) -> Path:
    conn = duckdb.connect(str(path))
    try:
        db.apply_schema(conn)
        ids = ["a1", "a2", "a3", "a3", "a4", "a5"]  # a3 twice: its copies fall in two chunks
        frame = pd.DataFrame(
            {
                "article_id": ids,
                "doc_id": [f"doc-{i}-{n}" for n, i in enumerate(ids)],
                "day": DAY,
                "title": _TITLE,
                "text": _TEXT,
                "source": "unknown",
                "published_at": datetime(2024, 5, 2, 9),
                "published_date": DAY,
                "published_provenance": "meta",
                "word_count": 9,
                "content_hash": "x",
            }
        )
        conn.register("_a", frame)
        cols = ", ".join(frame.columns)
        conn.execute(f"insert into articles ({cols}) select {cols} from _a")
    finally:
        conn.close()
    return path


@pytest.mark.parametrize("chunk_articles", [1, 2, 100])
def test_the_streamed_contract_quarantines_and_writes_as_the_whole_day(tmp_path, monkeypatch, chunk_articles):
    monkeypatch.setattr(stage, "entity_mentions", _fake_entity_mentions)
    monkeypatch.setattr(stage, "installed_gazetteer", lambda: None)
    whole = _whole_day(_day_file(tmp_path / "whole.duckdb"), DAY, None, chunk_articles)
    streamed = _streamed(_day_file(tmp_path / "streamed.duckdb"), DAY, None, chunk_articles)
    assert _records(streamed) == _records(whole)
    assert _rows(tmp_path / "streamed.duckdb") == _rows(tmp_path / "whole.duckdb")

    found = {(q.item_id, q.expectation) for q in streamed}
    assert ("a1:text:19-29", "expect_column_values_to_be_in_set") in found  # surface is not the text
    assert ("gpe_a6ce35a42815@2024-05-02", "expect_column_values_to_match_regex") in found  # blank name
    assert ("a2:text:33-40", "valid_entity") in found  # its entity failed
    assert ("a5", "entity_rules_error") in found
    if chunk_articles < 3:  # a3's copies in two chunks: the key written twice, both taken out
        assert ("a3:text:0-14", "expect_column_values_to_be_unique") in found
    written = _rows(tmp_path / "streamed.duckdb")
    assert ("a2", "org_0123456789ab") in {(r[0], r[1]) for r in written["entity_mentions"]}  # a later chunk's entity
    assert {r[0] for r in written["entity_aliases"]} == {"Xi", "Antony Blinken", "talks", "Talks"}


def test_reads_kept_chunk_by_chunk_are_not_counted_as_reused(tmp_path):
    """A text read in one chunk and met again in a later one (a syndicated copy) was read in this
    run: kept after its chunk, it is taken from the table but not counted as reused."""
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    db.apply_schema(conn)
    asked: list[str] = []

    def remote(texts: list[str]) -> list[dict]:
        asked.extend(texts)
        return [{"ents": [[0, 5, "GPE"]], "sents": [0]} for _ in texts]

    reader = stage.StoredReads(conn, None, "test_model", remote=remote)
    first = reader(["Paris is big.", "Rome is old."])
    reader.store()
    again = reader(["Rome is old.", "Oslo is far."])
    reader.store()
    assert asked == ["Paris is big.", "Rome is old.", "Oslo is far."]
    assert again[0] == first[1] and reader.reused == 0 and not reader.fresh
    assert conn.execute("select count(*) from stage_results where stage = 'ner'").fetchone()[0] == 3

    later = stage.StoredReads(conn, None, "test_model", remote=remote)
    assert later(["Paris is big.", "Oslo is far."]) == [first[0], again[1]] and later.reused == 2
    conn.close()


# ---------------------------------------------------------------- the registry grown chunk by chunk


def _rebuilt(before, entities: list[Entity], aliases: list[EntityAlias]):
    """The registry a later chunk read before it was grown in place: rebuilt from every entity and
    alias known so far, with the earlier registry's aliases."""
    from transforms.entities import Registry

    known = dict(before.entities)
    for e in entities:
        known.setdefault(e.entity_id, e)
    grown = Registry(known.values(), aliases)
    for key, ids in before.by_alias.items():
        grown.by_alias[key] |= ids
    return grown


def _indexes(registry) -> tuple:
    return (
        registry.entities,
        {k: v for k, v in registry.by_alias.items() if v},
        {k: v for k, v in registry.person_by_token.items() if v},
        registry.retired,
    )


_ANNA = Entity(entity_id="person_anna", canonical_name="Anna Brook", type="PERSON")
_BROOK_CO = Entity(entity_id="org_brook", canonical_name="Brook Holdings", type="ORG")
_ODD = Entity(entity_id="person_odd", canonical_name="Barcelona Barcelona", type="PERSON")  # retired
_ANNA_TOO = Entity(entity_id="person_anna", canonical_name="ANNA BROOK", type="PERSON")  # first object kept


@pytest.mark.parametrize(
    "chunks",
    [
        pytest.param([([_ANNA], [_alias("Ms Brook", _ANNA, "a1")])], id="one chunk"),
        pytest.param(
            [([_ANNA], [_alias("Brook Co", _BROOK_CO, "a1")]), ([_BROOK_CO, _ODD], []), ([_ANNA_TOO], [])],
            id="an alias before its entity",
        ),
        pytest.param(
            [([], [_alias("Antony", _BLINKEN, "a2")]), ([_XI], [_alias("Xi", _XI, "a3")]), ([], [])],
            id="aliases of entities known before the day",
        ),
        pytest.param([([], []), ([], [_alias("Nobody", _TALKS, "a4")])], id="an alias whose entity never comes"),
    ],
)
def test_the_registry_grown_in_place_indexes_as_rebuilt(chunks):
    """Each chunk reads the registry a rebuild from everything known so far would give, and the
    registry known before the day is left as it was."""
    from transforms.entities import Registry

    before = Registry([_BLINKEN, _XI], [_alias("Tony Blinken", _BLINKEN, "old")])
    untouched = _indexes(before.copy())
    grown = stage._Grown(before)
    entities: list[Entity] = []
    aliases: list[EntityAlias] = []
    expected = before
    for found, learned in chunks:
        assert _indexes(grown.registry) == _indexes(expected)
        grown.add(found, learned)
        entities += found
        aliases += learned
        expected = _rebuilt(expected, entities, aliases)
    assert _indexes(grown.registry) == _indexes(expected)
    assert _indexes(before) == untouched


# ---------------------------------------------------------------- the day's articles read a chunk at a time


@pytest.mark.parametrize("step", [1, 2, 4, 100])
def test_the_day_read_in_slices_is_the_day_read_at_once(tmp_path, step):
    """`DayArticles` gives the articles `day_articles` gives, in its order, slice by slice: rows
    committed before the run and rows the run inserted in its own transaction (as process_day's)."""
    conn = duckdb.connect(str(_day_file(tmp_path / "day.duckdb")))
    conn.execute("begin transaction")
    conn.execute(
        "insert into articles (article_id, doc_id, day, title, text, source, published_at, published_date,"
        " published_provenance, word_count, content_hash)"
        " values ('a0', 'doc-new', ?, null, 'Fresh text from the run.', 'Tidewater Gazette', ?, ?, 'meta', 5, 'y')",
        [DAY, datetime(2024, 5, 2, 10), DAY],
    )
    conn.execute("update articles set text = text || ' (' || doc_id || ')' where article_id <> 'a0'")
    whole = day_articles(conn, DAY)
    day = stage.DayArticles(conn, DAY)
    assert len(day) == len(whole) == 7
    parts = [a for i in range(0, len(day), step) for a in day[i : i + step]]
    assert parts == [a for _, a in whole]
    assert day[3] == whole[3][1] and day[-1] == whole[-1][1]
    assert day.doc_of == {a.article_id: doc_id for doc_id, a in whole}
    assert day.total_chars() == sum(len(a.text) for _, a in whole)
    assert day.by_id(["a0", "a5", "nobody"]) == {a.article_id: a for _, a in whole if a.article_id in ("a0", "a5")}
    assert day.by_id([]) == {} and day[5:5] == []
    assert whole[0][1].source == "Tidewater Gazette" and whole[1][1].source is None  # "unknown" is no name
