"""A handful of articles (and two stories) for warehouse tests, inserted straight into the tables."""

from __future__ import annotations

from datetime import date, datetime

import duckdb

D2, D3, D4 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)

ARTICLES = {
    "a1": (
        D2,
        "Harbourton Courier",
        "Dockers begin strike at Harbourton port",
        "Dockers walked out at Harbourton port on Monday. The strike is over pay. Pickets gathered at the gate.",
    ),
    "a2": (
        D3,
        "Coastline Post",
        "Strike talks open",
        "Conciliation talks to end the port strike began in Ashcombe. Striking dockers waited outside.",
    ),
    "a3": (
        D4,
        "Meridian Business Daily",
        "Exporters count the cost",
        "The strike cost exporters up to £14m, the trade body says. Ferry services ran as normal.",
    ),
    "a4": (
        D2,
        "Valley Wire",
        "Mill flooded",
        "The River Tallow flooded the Brennock paper mill in Kellbridge. Hundreds of jobs are on hold.",
    ),
    "a5": (
        D3,
        "Valley Wire",
        "Insurers visit the mill",
        "Insurers sent assessors to the flooded mill. Zürich Re said claims would follow. Covid-19 rules "
        "no longer apply on site.",
    ),
    "a6": (
        D4,
        "Tidewater Gazette",
        "Freight ferry to Bilbao",
        "A freight ferry will link Dunmere and Bilbao from June, the first new route from the port in a decade.",
    ),
}
STORIES = {"s1": ("Harbourton port strike", ["a1", "a2", "a3"]), "s2": ("Brennock mill flood", ["a4", "a5"])}


def insert_articles(conn: duckdb.DuckDBPyConnection, articles: dict[str, tuple]) -> None:
    """Articles straight into the table (the pipeline is tested elsewhere)."""
    for article_id, (day, source, title, text) in articles.items():
        published = datetime.combine(day, datetime.min.time())
        conn.execute(
            "insert into articles (article_id, doc_id, day, title, text, source, url, published_at, published_date,"
            " published_provenance, word_count, content_hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'sidecar', ?, ?)",
            [
                article_id,
                article_id,
                day,
                title,
                text,
                source,
                f"https://x.example/{article_id}",
                published,
                day,
                len(text.split()),
                article_id,
            ],
        )
