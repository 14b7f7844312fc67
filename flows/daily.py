"""Prefect flows: `daily` (inbox -> archive -> extract -> validate -> warehouse -> summary)
and `backfill` (re-process archived raw documents for a date range). Thin: I/O here,
logic in transforms/."""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import sys
import time as _time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, get_type_hints

import duckdb
import pandas as pd
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE
from pydantic import BaseModel

from expectations import Validation, docs_batch
from flows.archive import archived_bytes
from flows.checks import checked as checked_frame
from flows.entities import EntitiesReport, run_entities
from flows.events import EventsReport, run_events
from flows.extraction import Job, Result, extracted_documents
from flows.inbox import LoadReport
from flows.inbox import load_inbox as read_inbox
from flows.memory import release_memory
from flows.notify import notify_run_problem, notify_run_summary
from flows.progress import progress_bar
from flows.publish import publish_feed
from flows.report import publish_index, publish_report, read_report_extras
from flows.stories import StoriesReport, run_stories
from flows.web import FetchReport, run_fetch
from newsmon.models import Article, Document, QuarantineRecord, SidecarMeta
from newsmon.settings import Settings
from newsmon.sources import SourcesConfig, load_sources
from transforms.display import ShownLogFilter
from transforms.entities import installed_ner_model, load_nlp
from transforms.entity_summary import entity_section
from transforms.ner_input import ner_text
from transforms.sniff import sniffed, source_key, source_name
from transforms.summary import DailySummary, daily_summary, event_section, story_section, summary_markdown
from transforms.text_clean import (
    BOILERPLATE_FEATURES_VERSION,
    BoilerplateFeatures,
    boilerplate_features,
    learned_boilerplate,
)
from transforms.web_summary import DEFAULT_STALE_DAYS, source_health_section
from warehouse import db, journal, reuse
from warehouse.search import update_search_index
from warehouse.store import json_dumps, upsert_documents, upsert_quarantine

log = logging.getLogger("newsmon")
if not any(isinstance(f, ShownLogFilter) for f in log.filters):
    log.addFilter(ShownLogFilter())  # file names and titles reach the logs: no terminal escapes
_PROGRESS_EVERY = 250


class DayReport(BaseModel):
    """What processing one day produced."""

    day: date
    documents: int = 0
    articles: int = 0
    quarantined: int = 0
    reused: int = 0  # documents whose stored extraction was used (inputs and code unchanged)
    seconds: float = 0.0


# ---------------------------------------------------------------- loading


@task(name="load-inbox", cache_policy=NONE)
def load_inbox(conn: duckdb.DuckDBPyConnection, settings: Settings, inbox: Path, day: date) -> LoadReport:
    """Archive new inbox files and record them as documents of `day` (flows/inbox.py)."""
    return read_inbox(conn, settings, inbox, day)


# ---------------------------------------------------------------- processing


def _day_documents(conn: duckdb.DuckDBPyConnection, day: date) -> list[Document]:
    return [
        Document(**{**row, "meta": SidecarMeta.model_validate_json(row["meta"] or "{}")})
        for row in db.query(conn, "day_documents", day=day)
    ]


def _source_boilerplate(
    conn: duckdb.DuckDBPyConnection, settings: Settings, day: date, sources: set[str]
) -> dict[str, frozenset[str]]:
    """Lines that repeat across a source's recent plain-text documents count as boilerplate.

    What learning needs from a document is read from its raw file once and kept in
    boilerplate_features, so a run reads the archive only for the documents new to the window.
    """
    learned: dict[str, frozenset[str]] = {}
    since = day - timedelta(days=settings.boilerplate_window_days)
    computed: list[dict[str, Any]] = []
    by_source: dict[str, list[dict[str, Any]]] = {}
    if sources:
        found_rows = db.query(
            conn,
            "source_text_documents",
            source_keys=sorted(sources),
            since=since,
            day=day,
            version=BOILERPLATE_FEATURES_VERSION,
        )
        for row in found_rows:
            by_source.setdefault(row["source_key"], []).append(row)
    for source in sorted(sources):
        rows = by_source.get(source, [])
        if len(rows) < settings.boilerplate_min_docs:
            continue
        features = []
        for row in rows:
            if row["has_text"] is None:  # not stored yet
                text = sniffed(archived_bytes(settings.archive_dir, row["doc_id"]), row["file_name"]).text
                found = boilerplate_features(text) if text else BoilerplateFeatures(frozenset(), ())
                row = {
                    **row,
                    "has_text": bool(text),
                    "line_keys": sorted(found.line_keys),
                    "shingles": list(found.shingles),
                }
                computed.append(row)
            if row["has_text"]:
                features.append(BoilerplateFeatures(frozenset(row["line_keys"]), tuple(row["shingles"])))
        learned[source] = learned_boilerplate(features, min_docs=settings.boilerplate_min_docs)
    # Stored in the run's transaction; rows past the window are dropped (a backfill computes them again).
    conn.execute("delete from boilerplate_features where arrival_day < ?", [since])
    if computed:
        frame = pd.DataFrame(computed, columns=["doc_id", "arrival_day", "has_text", "line_keys", "shingles"])
        conn.register("_boilerplate_features", frame)
        conn.execute("delete from boilerplate_features where doc_id in (select doc_id from _boilerplate_features)")
        conn.execute(
            "insert into boilerplate_features select doc_id, arrival_day, ?, has_text,"
            " line_keys::varchar[], shingles::uinteger[] from _boilerplate_features",
            [BOILERPLATE_FEATURES_VERSION],
        )
        conn.unregister("_boilerplate_features")
    return learned


def _known_source_names(conn: duckdb.DuckDBPyConnection, day: date) -> list[str]:
    """Source names stated by sidecars or records up to `day` (stable for re-runs of the day)."""
    return [row["name"] for row in db.query(conn, "known_source_names", day=day)]


def _source_key(doc: Document) -> str | None:
    return source_key(doc.meta.source or doc.source_hint)


def _documents_frame(docs: list[Document]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "doc_id": d.doc_id,
                "file_name": d.file_name,
                "size_bytes": d.size_bytes,
                "media_type": d.media_type,
                "encoding": d.encoding,
                "day": d.arrival_day,
            }
            for d in docs
        ],
        columns=["doc_id", "file_name", "size_bytes", "media_type", "encoding", "day"],
    )


def _articles_frame(articles: list[Article]) -> pd.DataFrame:
    cols = [
        "article_id",
        "doc_id",
        "day",
        "title",
        "text",
        "text_chars",
        "word_count",
        "language",
        "source",
        "url",
        "published_at",
        "published_provenance",
    ]
    return pd.DataFrame(
        [
            {
                "article_id": a.article_id,
                "doc_id": a.doc_id,
                "day": a.day,
                "title": a.title,
                "text": a.text,
                "text_chars": len(a.text),
                "word_count": a.word_count,
                "language": a.language,
                "source": a.source,
                "url": a.url,
                "published_at": a.published_at,
                "published_provenance": a.published_provenance,
            }
            for a in articles
        ],
        columns=cols,
    )


@task(name="process-day", cache_policy=NONE)
def process_day(conn: duckdb.DuckDBPyConnection, settings: Settings, day: date) -> DayReport:
    """Re-derive the day's articles and quarantine from archived raw bytes (delete-then-insert):
    read and sniff the raw files, check them (documents suite), extract the passing ones, check
    the articles (articles suite), write both."""
    started = _time.perf_counter()
    docs, notes, quarantined = _sniffed_documents(conn, settings, day)
    passing = _checked_documents(conn, settings, day, docs, notes, quarantined)
    articles, reused = _extracted_articles(conn, settings, day, passing, quarantined, started)
    good = _checked_articles(conn, settings, day, articles, quarantined)
    _write_day(conn, day, good, quarantined)
    report = DayReport(
        day=day,
        documents=len(docs),
        articles=len(good),
        quarantined=len({(q.stage, q.item_id) for q in quarantined}),
        reused=len(reused),
        seconds=round(_time.perf_counter() - started, 3),
    )
    log.info(
        "%s: %d documents -> %d articles, %d quarantined%s (%.1f s)",
        day,
        report.documents,
        report.articles,
        report.quarantined,
        f", {report.reused} extractions reused" if report.reused else "",
        _time.perf_counter() - started,
    )
    return report


def _sniffed_documents(
    conn: duckdb.DuckDBPyConnection, settings: Settings, day: date
) -> tuple[list[Document], dict[str, str | None], list[QuarantineRecord]]:
    """The day's documents whose raw bytes are archived, each with what its bytes are (media type,
    encoding; written back to `documents`), the sniffer's note on each, and a quarantine record
    for each whose bytes are missing.

    Only the verdicts are kept, not the decoded text, so a day of thousands of pages does not sit
    in memory twice.
    """
    quarantined: list[QuarantineRecord] = []
    notes: dict[str, str | None] = {}
    docs = _day_documents(conn, day)
    for doc in docs:
        try:
            raw = archived_bytes(settings.archive_dir, doc.doc_id)
        except FileNotFoundError:
            quarantined.append(
                QuarantineRecord(
                    day=day,
                    stage="documents",
                    item_id=doc.doc_id,
                    doc_id=doc.doc_id,
                    expectation="raw_archived",
                    reason=f"raw bytes missing from the archive ({doc.archive_path})",
                )
            )
            continue
        s = sniffed(raw, doc.file_name)
        doc.media_type, doc.encoding, doc.encoding_note = s.media_type, s.encoding, s.note
        notes[doc.doc_id] = s.note
    docs = [d for d in docs if d.doc_id in notes]
    upsert_documents(conn, docs)  # the sniffed media types, in one statement
    return docs, notes, quarantined


def _checked_documents(
    conn: duckdb.DuckDBPyConnection,
    settings: Settings,
    day: date,
    docs: list[Document],
    notes: dict[str, str | None],
    quarantined: list[QuarantineRecord],
) -> list[Document]:
    """The documents that pass the documents suite; a quarantine record (with the sniffer's note)
    for each that does not goes to `quarantined`."""
    checked = checked_frame(
        conn,
        "documents",
        _documents_frame(docs),
        "doc_id",
        params={"max_bytes": settings.max_file_bytes},
        docs_dir=settings.data_docs_dir,
        run_name=str(day),
    )
    _require_rows_checked(checked)
    for f in checked.failures:
        note = notes.get(f.key)
        quarantined.append(
            QuarantineRecord(
                day=day,
                stage="documents",
                item_id=f.key,
                doc_id=f.key,
                expectation=f.expectation,
                reason=f.reason + (f" ({note})" if note else ""),
                details={"column": f.column},
            )
        )
    failed = {f.key for f in checked.failures}
    return [d for d in docs if d.doc_id not in failed]


def _extracted_articles(
    conn: duckdb.DuckDBPyConnection,
    settings: Settings,
    day: date,
    passing: list[Document],
    quarantined: list[QuarantineRecord],
    started: float,
) -> tuple[list[Article], list[str]]:
    """The documents' articles (extraction problems go to `quarantined`), and the ids of the
    documents whose stored extraction was reused. Extraction runs in worker processes when the
    day is big enough to pay for them."""
    known_names = _known_source_names(conn, day)
    for doc in passing:
        if doc.source_hint and not doc.meta.source:
            doc.source_hint = source_name(doc.source_hint, known_names)
    boilerplate = _source_boilerplate(conn, settings, day, {_source_key(d) for d in passing} - {None})
    jobs = [(settings.archive_dir, doc, boilerplate.get(_source_key(doc), frozenset())) for doc in passing]
    articles: list[Article] = []
    reused: list[str] = []
    with progress_bar(f"{day} extract", len(jobs)) as advance:
        for i, (found, problems) in enumerate(_extractions(conn, settings, jobs, reused), 1):
            articles += found
            quarantined += problems
            advance(1)
            if i % _PROGRESS_EVERY == 0:
                rate = i / (_time.perf_counter() - started)
                log.info("%s: extracted %d/%d documents (%.0f docs/s)", day, i, len(passing), rate)
    return articles, reused


def _checked_articles(
    conn: duckdb.DuckDBPyConnection,
    settings: Settings,
    day: date,
    articles: list[Article],
    quarantined: list[QuarantineRecord],
) -> list[Article]:
    """The articles that pass the articles suite; quarantine records for the others, and notes on
    the texts the NER budget will cut, go to `quarantined`."""
    checked = checked_frame(
        conn,
        "articles",
        _articles_frame(articles),
        "article_id",
        params={
            "min_chars": settings.min_article_chars,
            "languages": settings.languages,
            "max_published_at": datetime.combine(day + timedelta(days=2), datetime.max.time()),
        },
        docs_dir=settings.data_docs_dir,
        run_name=str(day),
    )
    _require_rows_checked(checked)
    by_id = {a.article_id: a for a in articles}
    for f in checked.failures:
        quarantined.append(
            QuarantineRecord(
                day=day,
                stage="articles",
                item_id=f.key,
                doc_id=by_id[f.key].doc_id if f.key in by_id else None,
                expectation=f.expectation,
                reason=f.reason,
                details={"column": f.column},
            )
        )
    failed = {f.key for f in checked.failures}
    good = [a for a in articles if a.article_id not in failed]
    quarantined += _ner_budget_notes(day, good)
    return good


def _write_day(
    conn: duckdb.DuckDBPyConnection, day: date, articles: list[Article], quarantined: list[QuarantineRecord]
) -> None:
    """The day's articles and its quarantine from the stages above, in place of the ones written before."""
    conn.execute("delete from articles where day = ?", [day])
    conn.execute(
        "delete from quarantine where day = ? and stage in ('documents', 'extract', 'articles', 'entities')", [day]
    )
    _insert_articles(conn, articles)
    upsert_quarantine(conn, quarantined)


_STORE_EVERY = 200  # extraction results kept per write: their JSON copies the articles' text
# Extraction problems that may not happen again (a loaded machine, a killed worker): never reused.
_TRANSIENT = frozenset({"timeout", "extraction_crashed", "extraction_error"})


def _extractions(
    conn: duckdb.DuckDBPyConnection, settings: Settings, jobs: list[Job], reused: list[str]
) -> Iterator[Result]:
    """Each job's (articles, problems) in job order: stored ones whose inputs and code did not change, else extracted.

    The key of a document's result is its record (bytes' sha256, sniffed type, sidecar
    metadata, arrival day), its source's boilerplate lines and the code fingerprint of the
    extraction (warehouse/reuse.py): a backfill after a change to a later stage extracts nothing.
    The ids of the documents whose stored result was used are added to `reused`.
    """
    fingerprint = reuse.code_fingerprint("flows.extraction")
    keys = {
        doc.doc_id: reuse.result_key(fingerprint, doc.model_dump_json(), "\n".join(sorted(boilerplate)))
        for _, doc, boilerplate in jobs
    }
    stored = {doc_id: _result_from_json(value) for doc_id, value in reuse.stored_results(conn, "extract", keys).items()}
    todo = [job for job in jobs if job[1].doc_id not in stored]
    reused += [doc.doc_id for _, doc, _ in jobs if doc.doc_id in stored]
    if settings.dask_address and todo:
        from flows.fanout import extracted_on_cluster

        fresh = extracted_on_cluster(settings.dask_address, todo, settings.extract_seconds)
    else:
        fresh = extracted_documents(todo, settings.extract_workers, settings.extract_seconds, _PARALLEL_FROM)
    kept = []
    for _, doc, _ in jobs:
        if doc.doc_id in stored:
            yield stored[doc.doc_id]
            continue
        found, problems = next(fresh)
        if not any(p.expectation in _TRANSIENT for p in problems):
            kept.append((doc.doc_id, keys[doc.doc_id], _result_json(found, problems)))
            if len(kept) >= _STORE_EVERY:  # kept in the run's transaction as they come, not the day at once
                reuse.store_results(conn, "extract", kept)
                kept = []
        yield found, problems
    fresh.close()  # a worker pool ends here, not when the generator is collected
    reuse.store_results(conn, "extract", kept)


def _result_json(found: list[Article], problems: list[QuarantineRecord]) -> dict[str, Any]:
    return {
        "articles": [a.model_dump(mode="json") for a in found],
        "problems": [p.model_dump(mode="json") for p in problems],
    }


def _result_from_json(value: dict[str, Any]) -> Result:
    return (
        [Article.model_validate(a) for a in value["articles"]],
        [QuarantineRecord.model_validate(p) for p in value["problems"]],
    )


def _ner_budget_notes(day: date, articles: list[Article]) -> list[QuarantineRecord]:
    """A note for each article that NER will read only in part (transforms/ner_input.py); the article itself lands."""
    notes = []
    for a in articles:
        _, cut = ner_text(a.text)
        if cut is None:
            continue
        notes.append(
            QuarantineRecord(
                day=day,
                stage="entities",
                item_id=a.article_id,
                doc_id=a.doc_id,
                expectation="ner_budget",
                reason=cut.reason,
                details={"chars": cut.chars, "read_chars": cut.read_chars, "punct_runs": cut.punct_runs},
            )
        )
    return notes


_PARALLEL_FROM = 64  # below this many documents, starting worker processes costs more than it saves


def _require_rows_checked(checked: Validation) -> None:
    """A suite that could not check rows (missing column, GE error) must stop the run, not pass it."""
    if checked.table_failures:
        reasons = "; ".join(f.reason for f in checked.table_failures)
        raise RuntimeError(f"the {checked.suite} suite could not check rows: {reasons}")


def _insert_articles(conn: duckdb.DuckDBPyConnection, articles: list[Article]) -> None:
    if not articles:
        return
    frame = pd.DataFrame([{**a.model_dump(), "published_date": a.published_at.date()} for a in articles])
    cols = [r[0] for r in conn.execute("describe articles").fetchall()]
    conn.register("_new_articles", frame[cols])
    try:
        conn.execute(f"insert into articles select {', '.join(cols)} from _new_articles")
    finally:
        conn.unregister("_new_articles")


class _Pipeline:
    """The spaCy pipeline, loaded (~1.5 s) on first use: a day whose texts were all read before
    (a backfill: flows/entities.py StoredReads) never loads it."""

    def __init__(self, model: str) -> None:
        self.model = model

    def __getattr__(self, name: str) -> Any:
        return getattr(load_nlp(self.model), name)


def _nlp_if_needed(conn: duckdb.DuckDBPyConnection, settings: Settings, day: date) -> Any:
    """The spaCy pipeline (loaded when first used) when the day has articles to read, else None."""
    has_articles = db.query(conn, "day_has_articles", day=day)[0]["has_articles"]
    return _Pipeline(settings.ner_model) if has_articles else None


def _remote_reader(settings: Settings) -> Any:
    """With a Dask cluster, texts the model has not read are read there (flows/fanout.py)."""
    if not settings.dask_address:
        return None
    from flows.fanout import read_on_cluster

    return functools.partial(read_on_cluster, settings.dask_address, model=settings.ner_model)


@task(name="entities", cache_policy=NONE)
def entities_stage(conn: duckdb.DuckDBPyConnection, settings: Settings, day: date) -> EntitiesReport:
    """NER, canonicalisation and the entity contract for the day's articles."""
    nlp = _nlp_if_needed(conn, settings, day)
    report = run_entities(
        conn,
        day,
        nlp,
        docs_dir=settings.data_docs_dir,
        processes=settings.ner_processes,
        model=installed_ner_model(settings.ner_model).package,
        remote=_remote_reader(settings),
    )
    upsert_quarantine(conn, report.quarantined)
    return report


@task(name="stories", cache_policy=NONE)
def stories_stage(conn: duckdb.DuckDBPyConnection, settings: Settings, day: date) -> StoriesReport:
    """Duplicates and incremental story clustering for the day's articles."""
    return run_stories(conn, day, docs_dir=settings.data_docs_dir, similarity=settings.story_similarity)


@task(name="events", cache_policy=NONE)
def events_stage(conn: duckdb.DuckDBPyConnection, settings: Settings, day: date) -> EventsReport:
    """Dated events from the day's articles, merged with earlier reports of the same happening."""
    return run_events(conn, day, _nlp_if_needed(conn, settings, day), docs_dir=settings.data_docs_dir)


def _unify_source_names(conn: duckdb.DuckDBPyConnection) -> None:
    """One outlet, one name: articles named by an inbox hint ("tidewater") take the one stated
    name it abbreviates ("Tidewater Gazette"), on every day, whichever day stated it first."""
    stated = [r["name"] for r in db.query(conn, "stated_source_names")]
    for row in db.query(conn, "hinted_sources"):
        name = source_name(row["hint"], stated)
        if name != row["hint"]:
            db.query(conn, "renamed_hint_articles", hint=row["hint"], name=name)
            log.info("source %r is %r: its articles renamed", row["hint"], name)


def _rss_mb() -> int:
    import psutil

    return psutil.Process().memory_info().rss // 2**20


def _between_stages(conn: duckdb.DuckDBPyConnection) -> None:
    """The stage's rows out of the transaction's memory (a file warehouse's private copy, see
    warehouse/db.py `settle`), then what the stage freed back to the system."""
    db.settle(conn)
    release_memory()


def _day_stages(conn: duckdb.DuckDBPyConnection, settings: Settings, day: date) -> dict[str, Any]:
    """Every stage after loading, in order, for one day; their reports for the run log.

    Between stages, what a stage wrote is committed to a file warehouse's private copy and what
    it freed goes back to the system (flows/memory.py); the same before the first, for what the
    inbox load wrote and freed.
    """
    _between_stages(conn)
    processed = process_day(conn, settings, day)
    _unify_source_names(conn)
    _between_stages(conn)
    entities = entities_stage(conn, settings, day)
    _between_stages(conn)
    stories = stories_stage(conn, settings, day)
    _between_stages(conn)
    events = events_stage(conn, settings, day)
    _between_stages(conn)
    log.debug("%s: all stages done, rss %d MB", day, _rss_mb())
    return {
        "events": events.model_dump(mode="json", exclude={"quarantined"}),
        "process": processed.model_dump(mode="json"),
        "entities": entities.model_dump(mode="json", exclude={"quarantined"}),
        "stories": stories.model_dump(mode="json", exclude={"quarantined"}),
    }


# ---------------------------------------------------------------- summary


@task(name="fetch-web", cache_policy=NONE)
def fetch_web(
    conn: duckdb.DuckDBPyConnection, settings: Settings, day: date, sources: SourcesConfig, run_id: str
) -> FetchReport:
    """Fetch the web sources' new items as documents of `day`; quarantine the sources that failed."""
    report = run_fetch(conn, settings, day, sources, run_id=run_id)
    upsert_quarantine(conn, report.quarantine)
    log.info(
        "%s: web: %d requests (%d not modified), %d new documents, failures %s",
        day,
        report.requests,
        report.not_modified,
        report.loaded,
        report.failures or "none",
    )
    return report


@task(name="summarise", cache_policy=NONE)
def summarise(conn: duckdb.DuckDBPyConnection, day: date, stale_days: int = DEFAULT_STALE_DAYS) -> DailySummary:
    """The day's diff against the day before, from the warehouse's SQL models."""
    health = db.query(conn, "source_health", day=day)
    return daily_summary(
        day,
        totals_rows=db.query(conn, "daily_totals", day=day),
        source_rows=db.query(conn, "daily_source_counts", day=day),
        quarantine_rows=db.query(conn, "daily_quarantine_counts", day=day),
        stories=story_section(db.query(conn, "daily_stories", day=day)),
        events=event_section(db.query(conn, "daily_events", day=day)),
        entities=entity_section(day, db.query(conn, "daily_entities", day=day)),
        web=source_health_section(day, health, stale_days=stale_days) if health else None,
    )


@task(name="publish-summary", cache_policy=NONE)
def publish_summary(settings: Settings, summary: DailySummary) -> Path:
    """Write the summary as Markdown and JSON under reports/ and as a Prefect artifact."""
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    markdown = summary_markdown(summary)
    stem = settings.reports_dir / summary.day.isoformat()
    _atomic_write(stem.with_suffix(".md"), markdown)
    _atomic_write(stem.with_suffix(".json"), summary.model_dump_json(indent=2))
    create_markdown_artifact(
        markdown=markdown,
        key=f"daily-summary-{summary.day.isoformat()}",
        description=f"newsmon daily summary for {summary.day}",
    )
    return stem.with_suffix(".md")


REPUBLISH_RUNS = 3  # the latest completed runs whose days must have report files
REPUBLISH_DAYS = 60  # and at most this many of their days (a long backfill)


def republish_missing(settings: Settings) -> list[date]:
    """Publish the reports of the latest runs' days that are in the warehouse but have no report files.

    A run killed after its swap but before it wrote the day's report leaves such a day; the
    next run (of any day) writes it, from the warehouse as it is.
    """
    if not db.exists(settings.database_path):
        return []
    conn = db.reader(settings.database_path)
    try:
        days = [r["day"] for r in db.query(conn, "days_to_report", runs=REPUBLISH_RUNS, limit=REPUBLISH_DAYS)]
        missing = sorted(d for d in days if not (settings.reports_dir / f"{d.isoformat()}.md").exists())
        summaries = [summarise(conn, d, settings.source_stale_days) for d in missing]
        found = [(summary, read_report_extras(conn, summary.day, summary)) for summary in summaries]
    finally:
        conn.close()
    for summary, extras in found:
        publish_summary(settings, summary)
        publish_report(settings, summary, extras, index=False)
        log.info("%s: report written again (the run that wrote this day ended before publishing it)", summary.day)
    return missing


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# ---------------------------------------------------------------- flows


def _start_run(
    conn: duckdb.DuckDBPyConnection, run_id: str, flow_name: str, day_from: date, day_to: date, params: dict
) -> str:
    conn.execute(
        "insert into runs values (?, ?, ?, ?, ?, null, 'running', ?, null)",
        [run_id, flow_name, day_from, day_to, _now(), json_dumps(params)],
    )
    return run_id


def _finish_run(conn: duckdb.DuckDBPyConnection, run_id: str, counts: dict[str, Any]) -> None:
    # The search index after every stage, once a run: the run's days are re-indexed whole (their
    # articles were deleted and inserted again), other articles only when new, changed or gone.
    day_from, day_to = conn.execute("select day_from, day_to from runs where run_id = ?", [run_id]).fetchone()
    counts = {**counts, "search_index": update_search_index(conn, day_from, day_to).model_dump()}
    conn.execute(
        "update runs set finished_at = ?, status = 'completed', counts = ? where run_id = ?",
        [_now(), json_dumps(counts), run_id],
    )


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def log_to_prefect_run() -> None:
    """newsmon's stage lines go to the Prefect run's logs (the UI) at INFO, whatever the terminal shows.

    A served run is a fresh process started by Prefect's runner, where nothing else set this up.
    """
    from prefect.logging.handlers import APILogHandler

    if log.getEffectiveLevel() > logging.INFO:
        log.setLevel(logging.INFO)
    if not any(isinstance(h, APILogHandler) for h in log.handlers):
        log.addHandler(APILogHandler())


def _prefect_flow_run_id() -> str | None:
    from prefect.runtime import flow_run

    run_id = flow_run.id
    return str(run_id) if run_id else None


@contextlib.contextmanager
def journaled(settings: Settings, run_id: str, command: str, days: list[date], params: dict) -> Iterator[dict]:
    """Record the run in the journal beside the database, however it ends.

    The block may set `outcome["status"] = "degraded"` and `outcome["reason"]`; `counts` go in the end line.
    """
    path = journal.journal_path(settings.database_path)
    journal.record(
        path,
        run_id,
        "started",
        command=command,
        days=[d.isoformat() for d in days],
        pid=os.getpid(),
        prefect_flow_run_id=_prefect_flow_run_id(),
        params=params,
        warm="newsmon._preloaded" in sys.modules,  # a fork of `newsmon serve`'s warm process (newsmon/warm.py)
    )
    outcome: dict[str, Any] = {}
    try:
        yield outcome
    except db.WarehouseBusyError as exc:
        journal.record(path, run_id, "refused", reason=str(exc), cpu_seconds=_cpu())
        notify_run_problem(path, run_id, settings.notify, "refused", command, days, str(exc))
        raise
    except Exception as exc:
        journal.record(path, run_id, "failed", reason=journal.reason_of(exc), cpu_seconds=_cpu())
        notify_run_problem(path, run_id, settings.notify, "failed", command, days, journal.reason_of(exc))
        raise
    except BaseException as exc:  # KeyboardInterrupt, Prefect's TerminationSignal (SIGTERM), SystemExit
        journal.record(path, run_id, "interrupted", reason=type(exc).__name__, cpu_seconds=_cpu())
        notify_run_problem(path, run_id, settings.notify, "interrupted", command, days, type(exc).__name__)
        raise
    journal.record(
        path,
        run_id,
        outcome.get("status", "completed"),
        reason=outcome.get("reason"),
        counts=outcome.get("counts"),
        cpu_seconds=_cpu(),
    )


def _cpu() -> float:
    """CPU seconds this process has used (all threads). A served run is a fresh fork (newsmon/warm.py),
    whose counters start at zero, so there it is the run's own cost."""
    return round(_time.process_time(), 2)


def _all_sources_failed(report: FetchReport) -> str | None:
    """Why the web part of a run failed as a whole, when every configured source failed."""
    if not report.sources:
        return None
    failed = [s for s in report.sources if s.listing in ("failed", "unparsable") or (s.loaded == 0 and s.failed > 0)]
    if len(failed) < len(report.sources):
        return None
    kinds = ", ".join(f"{kind} x{n}" for kind, n in sorted(report.failures.items())) or "no usable listing"
    return f"every web source failed ({len(failed)} of {len(report.sources)}: {kinds}); see the fetches table"


@flow(name="newsmon-daily", log_prints=False)
def daily(
    day: date | None = None,
    inbox: str | None = None,
    sources: str | None = None,
    web_only: bool = False,
    run_id: str | None = None,
) -> DailySummary:
    """Load the inbox and fetch the web sources for `day`, process it, write the warehouse, publish the summary.

    Web sources come from `sources` or `settings.sources_file` (none: no fetching);
    `web_only` skips the inbox (`newsmon fetch`). Every run, however it ends, is a line in the
    journal (`warehouse.journal`) under `run_id` (a fresh one by default).
    """
    log_to_prefect_run()
    settings = Settings()
    day = day or datetime.now(UTC).date()
    run_id = run_id or journal.new_run_id()
    inbox_path = Path(inbox) if inbox else settings.inbox
    sources_path = Path(sources) if sources else settings.sources_file
    command = "fetch" if web_only else "daily"
    params = {"inbox": None if web_only else str(inbox_path), "sources": str(sources_path) if sources_path else None}
    with journaled(settings, run_id, command, [day], params) as outcome:
        if web_only and sources_path is None:
            raise FileNotFoundError("no sources file: pass --sources PATH or set NEWSMON_SOURCES_FILE")
        web_sources = load_sources(sources_path) if sources_path else None  # a bad file fails before the lock
        republish_missing(settings)
        with db.writer(settings.database_path, run_id=run_id, catalog=settings.lake_catalog) as conn, docs_batch():
            _start_run(conn, run_id, command, day, day, params)
            counts: dict[str, Any] = {}
            if not web_only:
                counts["load"] = load_inbox(conn, settings, inbox_path, day).model_dump()
            if web_sources is not None:
                fetched = fetch_web(conn, settings, day, web_sources, run_id)
                counts["fetch"] = fetched.model_dump(mode="json", exclude={"quarantine"})
                if reason := _all_sources_failed(fetched):
                    outcome.update(status="degraded", reason=reason)
                    log.warning("%s: %s", day, reason)
            counts |= _day_stages(conn, settings, day)
            summary = summarise(conn, day, settings.source_stale_days)
            extras = read_report_extras(conn, day, summary)
            _between_stages(conn)  # before the search index's postings
            _finish_run(conn, run_id, counts)
        publish_summary(settings, summary)
        publish_report(settings, summary, extras)
        publish_feed(settings.reports_dir)
        outcome["counts"] = _headline_counts(counts)
    notify_run_summary(
        journal.journal_path(settings.database_path),
        run_id,
        settings.notify,
        summary,
        outcome.get("status", "completed"),
        outcome.get("reason"),
    )
    return summary


# A served run gets this flow pickled (Prefect's runner; newsmon/warm.py). Pickled by value, its
# function keeps only the globals its code names, so the parameter types ("date" under
# `from __future__ import annotations`) are resolved here, where the module's names are at hand.
daily.fn.__annotations__ = get_type_hints(daily.fn)


def _headline_counts(counts: dict[str, Any]) -> dict[str, Any]:
    """The few figures the journal keeps per run (the full counts are in the `runs` table)."""
    process = counts.get("process", {})
    return {
        "documents": process.get("documents", 0),
        "articles": process.get("articles", 0),
        "quarantined": process.get("quarantined", 0),
    }


@flow(name="newsmon-backfill", log_prints=False)
def backfill(start: date, end: date, run_id: str | None = None) -> list[DailySummary]:
    """Re-process archived raw documents for every day in [start, end], in one atomic swap."""
    log_to_prefect_run()
    if end < start:
        raise ValueError(f"backfill range is empty: {start} > {end}")
    settings = Settings()
    run_id = run_id or journal.new_run_id()
    summaries = []
    extras = []
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    with journaled(settings, run_id, "backfill", days, {}) as outcome:
        republish_missing(settings)
        with db.writer(settings.database_path, run_id=run_id, catalog=settings.lake_catalog) as conn, docs_batch():
            _start_run(conn, run_id, "backfill", start, end, {})
            reports = {}
            for n, day in enumerate(days, 1):
                reports[day.isoformat()] = _day_stages(conn, settings, day)
                summaries.append(summarise(conn, day))
                extras.append(read_report_extras(conn, day, summaries[-1]))
                log.info("backfill: %d/%d days done", n, len(days))
            _finish_run(conn, run_id, {"days": reports})
        for summary, extra in zip(summaries, extras, strict=True):
            publish_summary(settings, summary)
            publish_report(settings, summary, extra, index=False)
        publish_index(settings)
        publish_feed(settings.reports_dir)
        outcome["counts"] = {"days": len(days)}
    return summaries


def served_options(cron: str, inbox: str | None = None, sources: str | None = None, timezone: str = "UTC") -> dict:
    """How `newsmon serve` deploys the daily flow: name, cron schedule, parameters (Runner.add_flow's arguments)."""
    from prefect.schedules import Cron

    params = {k: v for k, v in {"inbox": inbox, "sources": sources}.items() if v}
    return {
        "name": "newsmon-daily",
        "schedule": Cron(cron, timezone=timezone),
        "parameters": params,
        "description": "newsmon daily run: inbox and web sources -> warehouse -> summary",
        "tags": ["newsmon"],
    }


def daily_deployment(cron: str, inbox: str | None = None, sources: str | None = None, timezone: str = "UTC"):
    """The daily flow as a deployment on a cron schedule (what `newsmon serve` serves)."""
    return daily.to_deployment(**served_options(cron, inbox, sources, timezone))


def summary_json(summary: DailySummary) -> str:
    """The summary as JSON (for the CLI)."""
    return json.dumps(summary.model_dump(mode="json"), indent=2)
