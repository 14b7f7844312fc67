"""The stories stage on a real DuckDB file with the real schema: the sample corpus and the
seed replay, and re-running a day or a range changes nothing."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from flows.stories import run_stories
from newsmon.models import Article
from tests.transforms.corpus_articles import sample_articles, seed_articles
from warehouse import db

TABLES = ["article_duplicates", "story_articles", "stories", "quarantine"]


def _warehouse(path: Path, articles: list[Article]) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect(str(path))
    db.apply_schema(conn)
    frame = pd.DataFrame([{**a.model_dump(), "published_date": a.published_at.date()} for a in articles])
    cols = [r[0] for r in conn.execute("describe articles").fetchall()]
    conn.register("_new", frame[cols])
    conn.execute(f"insert into articles select {', '.join(cols)} from _new")
    conn.unregister("_new")
    return conn


def _snapshot(conn: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {t: conn.execute(f"select * from {t} order by all").fetchall() for t in TABLES}


def _run(conn: duckdb.DuckDBPyConnection, days: list[date]) -> None:
    for day in days:
        conn.execute("begin transaction")
        run_stories(conn, day)
        conn.execute("commit")


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory) -> dict:
    """The sample articles loaded into a warehouse file once for the module ("loaded"), and a copy of it
    with the stories stage run over every sample day ("run"); tests take copies of these files."""
    articles = {k: a for k, a in sample_articles().items() if a.word_count >= 40}
    days = sorted({a.day for a in articles.values()})
    folder = tmp_path_factory.mktemp("stories_sample")
    conn = _warehouse(folder / "loaded.duckdb", list(articles.values()))
    conn.execute("checkpoint")
    conn.close()
    shutil.copy2(folder / "loaded.duckdb", folder / "run.duckdb")
    conn = duckdb.connect(str(folder / "run.duckdb"))
    _run(conn, days)
    conn.execute("checkpoint")
    conn.close()
    return {
        "loaded": folder / "loaded.duckdb",
        "run": folder / "run.duckdb",
        "key_of": {a.article_id: k for k, a in articles.items()},
        "days": days,
    }


def _sample_warehouse(
    tmp_path: Path, sample_files: dict, state: str = "loaded"
) -> tuple[duckdb.DuckDBPyConnection, dict[str, str], list[date]]:
    """A connection to the test's own copy of the module's sample warehouse, loaded or with the stage run."""
    path = tmp_path / "w.duckdb"
    shutil.copy2(sample_files[state], path)
    return duckdb.connect(str(path)), sample_files["key_of"], sample_files["days"]


def test_sample_days_then_reruns_and_backfill_change_nothing(tmp_path, sample_files):
    conn, key_of, days = _sample_warehouse(tmp_path, sample_files, "run")  # the stage run over every day, once
    first = _snapshot(conn)
    stories = conn.execute("select story_id, article_count from stories order by article_count desc").fetchall()
    assert [n for _, n in stories[:3]] == [6, 4, 2]
    dups = conn.execute("select article_id, duplicate_of, kind from article_duplicates").fetchall()
    assert [(key_of[a], key_of[b], k) for a, b, k in dups] == [
        (
            "2026-03-03/coastline_port-talks.txt",
            "2026-03-03/courier_port-talks-mediator.html",
            "rewrite",
        )
    ]
    assert first["quarantine"] == []

    _run(conn, [days[-1]])  # re-run the last day
    assert _snapshot(conn) == first
    _run(conn, [days[1]])  # re-run a middle day whose stories later days grew
    assert _snapshot(conn) == first
    _run(conn, [days[0]])  # re-run the day that founded every story
    assert _snapshot(conn) == first
    _run(conn, days)  # a backfill of the whole range
    assert _snapshot(conn) == first


def test_daily_stories_model_reports_new_and_grown(tmp_path, sample_files):
    conn, _, days = _sample_warehouse(tmp_path, sample_files, "run")
    day1 = db.query(conn, "daily_stories", day=days[0])
    assert {r["status"] for r in day1} == {"new"}
    day3 = {r["title"]: r for r in db.query(conn, "daily_stories", day=days[2])}
    # The port strike's story, by what it is about (its title is whichever member is most central).
    port = next(r for r in day3.values() if "harbourton container terminal" in r["top_entities"])
    assert port["status"] == "grown"
    assert port["added_articles"] == 2 and port["articles"] == 6
    # Courier, Norland and Meridian: the Coastline rewrite of a Courier piece adds no source.
    assert port["sources"] == 3 and port["added_sources"] == 1
    print(
        "\n"
        + "\n".join(
            f"{r['status']:5} +{r['added_articles']} art +{r['added_sources']} src  {t}" for t, r in day3.items()
        )
    )


def test_seed_replay_gives_one_story_of_five_and_the_rewrite_pair(tmp_path, seeds_dir):
    articles = list(seed_articles(seeds_dir).values())
    conn = _warehouse(tmp_path / "w.duckdb", articles)
    replay = json.loads((seeds_dir / "replay.json").read_text())["days"]
    _run(conn, [date.fromisoformat(d["day"]) for d in replay])
    stories = conn.execute("select story_id, article_count, title, top_entities from stories").fetchall()
    assert len(stories) == 1 and stories[0][1] == 5, stories
    by_doc = {a.article_id: name[:3] for name, a in seed_articles(seeds_dir).items()}
    pairs = conn.execute("select article_id, duplicate_of, kind from article_duplicates").fetchall()
    assert [({by_doc[a], by_doc[b]}, k) for a, b, k in pairs] == [({"000", "001"}, "rewrite")]
    print(f"\nseed story: {stories[0][2]!r} top entities {stories[0][3]}")


def test_suite_failures_become_quarantine_rows(tmp_path):
    """A story row that breaks the contract (here: forced through the validator) is reported."""
    from datetime import datetime

    from flows.stories import _checked
    from transforms.stories import Story

    bad = Story(
        story_id="story_x",
        title="t",
        first_seen=datetime(2026, 3, 4),
        last_seen=datetime(2026, 3, 2),
        article_count=0,
        report_count=0,
        source_count=0,
    )
    found = _checked([bad], date(2026, 3, 4), None)
    assert {q.expectation for q in found} >= {
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_in_set",
    }
    assert all(q.stage == "stories" and q.item_id == "story_x" for q in found)


@pytest.mark.parametrize("table", ["article_duplicates", "story_articles", "stories"])
def test_schema_keeps_the_key_columns_not_null_without_an_index(tmp_path, table):
    """Schema 095: these tables grow every day, so their key is kept by the stage's delete-then-insert,
    not by an index DuckDB would rewrite whole at every checkpoint (tests/warehouse/test_schema_keys.py)."""
    conn = duckdb.connect(str(tmp_path / "k.duckdb"))
    db.apply_schema(conn)
    keys = conn.execute(
        "select count(*) from duckdb_constraints() where table_name = ? and constraint_type = 'PRIMARY KEY'",
        [table],
    ).fetchone()[0]
    assert keys == 0
    nullable = conn.execute(
        "select is_nullable from information_schema.columns where table_name = ? and column_name = ?",
        [table, "story_id" if table == "stories" else "article_id"],
    ).fetchone()[0]
    assert nullable == "NO"


def test_quarantine_keeps_its_key_index(tmp_path):
    conn = duckdb.connect(str(tmp_path / "k.duckdb"))
    db.apply_schema(conn)
    keys = conn.execute(
        "select count(*) from duckdb_constraints() where table_name = 'quarantine' and constraint_type = 'PRIMARY KEY'"
    ).fetchone()[0]
    assert keys == 1


# How the stage chose open stories when it read every story of every earlier day with its text.
_OPEN_STORIES_BEFORE = """
    with members as (
        select sa.story_id, a.article_id, a.published_at,
            row_number() over (
                partition by sa.story_id order by a.published_at desc, a.article_id desc
            ) as rn,
            max(a.published_at) over (partition by sa.story_id) as latest
        from story_articles as sa
        inner join articles as a on a.article_id = sa.article_id
        where sa.day < ?
    )
    select story_id, article_id from members
    where latest >= ? and rn <= ?
    order by story_id, published_at, article_id
"""


@pytest.mark.parametrize(
    ("days_back", "max_members"),
    [(7, 50), (1, 50), (0, 2), (30, 1)],
    ids=["story window", "a day", "two members", "one member"],
)
def test_open_story_members_are_the_stories_read_before(tmp_path, sample_files, days_back, max_members):
    conn, _, days = _sample_warehouse(tmp_path, sample_files, "run")
    for day in [*days, days[-1] + timedelta(days=1)]:
        since = datetime.combine(day, time.min) - timedelta(days=days_back)
        rows = db.query(conn, "open_story_members", day=day, since=since, max_members=max_members)
        want = conn.execute(_OPEN_STORIES_BEFORE, [day, since, max_members]).fetchall()
        assert [(r["story_id"], r["article_id"]) for r in rows] == want


def _entities_read_before(conn: duckdb.DuckDBPyConnection) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """How the stage read entity ids when it loaded every mention of the warehouse."""
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


def _made_up_mentions(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Three mentions per sample article, out of text order, one in the headline, some in the lead."""
    ids = [r[0] for r in conn.execute("select article_id from articles order by article_id").fetchall()]
    rows = []
    for n, a in enumerate(ids):
        rows += [
            (a, f"person_{n:04d}", "P", 40, 45, 1, False, n % 2 == 0, "PERSON", "exact"),
            (a, f"org_{n % 3:04d}", "O", 0, 3, 0, True, False, "ORG", "exact"),
            (a, f"gpe_{n % 5:04d}", "G", 10, 14, 0, False, True, "GPE", "exact"),
        ]
    conn.executemany("insert into entity_mentions values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return ids


def test_entity_ids_are_read_for_the_articles_asked_only(tmp_path, sample_files):
    from flows.stories import _entities_by_article

    conn, _, _ = _sample_warehouse(tmp_path, sample_files)
    ids = _made_up_mentions(conn)
    whole = _entities_read_before(conn)
    for asked in (ids, ids[:2], ids[-1:], [], ["no_such_article"]):
        assert _entities_by_article(conn, asked) == {k: v for k, v in whole.items() if k in asked}


def test_with_entity_rows_reruns_and_backfill_change_nothing(tmp_path, sample_files):
    conn, _, days = _sample_warehouse(tmp_path, sample_files)
    _made_up_mentions(conn)
    conn.executemany(
        "insert into entities values (?, ?, 'PERSON', ?, ?, 1)",
        [[f"person_{n:04d}", f"Person {n}", days[0], days[0]] for n in range(40)],
    )
    _run(conn, days)
    first = _snapshot(conn)
    assert any("Person" in (r[-1] or "") for r in first["stories"])  # names come from the entities table
    _run(conn, [days[1]])
    _run(conn, days)
    assert _snapshot(conn) == first


def test_stored_terms_are_read_for_earlier_days_and_give_the_same_rows(tmp_path, sample_files, monkeypatch):
    """article_terms: later days read the terms their earlier days stored, rows unchanged; a row
    whose article changed (content hash) or whose code changed (version) is computed again."""
    import flows.stories as stories_module
    from transforms import duplicates as duplicates_module

    conn, _, days = _sample_warehouse(tmp_path, sample_files, "run")
    first = _snapshot(conn)
    stored = conn.execute("select count(*), count(distinct day) from article_terms").fetchone()
    assert stored == (conn.execute("select count(*) from articles").fetchone()[0], len(days))

    computed: list[str] = []
    original = duplicates_module.content_terms

    def counted(text: str) -> list[str]:
        computed.append(text)
        return original(text)

    monkeypatch.setattr(duplicates_module, "content_terms", counted)
    last_day_articles = conn.execute("select count(*) from articles where day = ?", [days[-1]]).fetchone()[0]
    _run(conn, [days[-1]])  # re-run the last day: earlier days' terms come from the table
    assert _snapshot(conn) == first
    whole_texts = [t for t in computed if "\n" in t]  # TextDoc.terms reads "title\ntext"; sentences have none
    assert len(whole_texts) == last_day_articles

    # An earlier article edited since its terms were stored: its stored row is not used.
    changed = conn.execute("select article_id from articles where day = ? order by article_id limit 1", [days[0]])
    article_id = changed.fetchone()[0]
    conn.execute("update article_terms set terms = 'zzz' where article_id = ?", [article_id])
    conn.execute("update article_terms set content_hash = 'edited' where article_id = ?", [article_id])
    computed.clear()
    _run(conn, [days[-1]])
    assert _snapshot(conn) == first
    assert len([t for t in computed if "\n" in t]) == last_day_articles + 1

    # Stored by another version of the code: not used at all.
    conn.execute("update article_terms set version = 'older'")
    stories_module._terms_version.cache_clear()
    computed.clear()
    _run(conn, [days[-1]])
    assert _snapshot(conn) == first
    assert len([t for t in computed if "\n" in t]) > last_day_articles + 1


def test_stored_terms_older_than_the_windows_are_dropped(tmp_path, sample_files):
    from flows.stories import TERMS_KEPT

    conn, _, days = _sample_warehouse(tmp_path, sample_files, "run")
    conn.execute(
        "insert into article_terms values ('old-one', ?, null, 'v', 'a b'), ('recent', ?, null, 'v', 'c')",
        [days[-1] - TERMS_KEPT - timedelta(days=1), days[-1] - TERMS_KEPT],
    )
    _run(conn, [days[-1]])
    ids = {r[0] for r in conn.execute("select article_id from article_terms").fetchall()}
    assert "old-one" not in ids and "recent" in ids
