"""Full-text search over articles: BM25 postings kept in the warehouse, run by run.

Each run brings the index up to date on its writer connection after the stages
(`update_search_index`): it drops the postings of articles that are gone or changed and
writes those of its new ones, so its cost follows the day, not the history. The index lives
in the warehouse file and is swapped in with the rest of the run; `search_articles` scores
it (BM25, as DuckDB's fts extension does) from any read-only connection.

Stems come from DuckDB's fts extension (`stem`), from the registry package
`duckdb-extension-fts` (the binary for this DuckDB version), LOADed from that file by path.
Auto-install is switched off on every connection that loads it, so DuckDB never reaches
for the network.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import duckdb
from pydantic import BaseModel

from transforms.search_text import (
    SNIPPET_CHARS,
    SearchHit,
    SearchQueryError,
    best_snippet,
    body_start,
    highlighted,
    index_tokens,
    matched_spans,
    parsed_query,
    phrase_pattern,
    token_spans,
)
from warehouse import db

__all__ = [
    "FtsExtensionMissingError",
    "SearchHit",
    "SearchIndexMissingError",
    "SearchIndexReport",
    "SearchQueryError",
    "fts_extension_path",
    "load_fts",
    "search_articles",
    "update_search_index",
]

MAX_LIMIT = 1000
_PHRASE_BATCH = 500  # candidates whose texts a phrase query checks per round trip
_INDEX_BATCH = 5000  # articles tokenised per statement (bounds memory when a whole warehouse is indexed)


class SearchIndexMissingError(RuntimeError):
    """The warehouse has no full-text index yet (written before search existed, or never run)."""


class FtsExtensionMissingError(RuntimeError):
    """The fts extension binary for this DuckDB is not installed."""


class SearchIndexReport(BaseModel):
    """What bringing the index up to date did (for the run's counts)."""

    articles: int  # in the index after the run
    indexed: int  # articles (re)indexed by the run
    dropped: int  # index entries removed: articles gone, changed, or of the run's days
    seconds: float


def fts_extension_path() -> Path:
    """The fts extension binary shipped by duckdb-extension-fts for the running DuckDB."""
    want = f"duckdb-extension-fts=={duckdb.__version__}"
    try:
        import duckdb_extension_fts
    except ImportError:
        raise FtsExtensionMissingError(f"the DuckDB fts extension is not installed: pip install {want}") from None
    path = Path(duckdb_extension_fts.__file__).parent / "extensions" / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    if not path.is_file():
        raise FtsExtensionMissingError(
            f"{path} is missing (installed fts is not for DuckDB {duckdb.__version__}): pip install {want}"
        )
    return path


def load_fts(conn: duckdb.DuckDBPyConnection) -> None:
    """Load the fts extension into this connection's database from the packaged binary; never download."""
    conn.execute("set autoinstall_known_extensions = false")
    loaded = conn.execute("select loaded from duckdb_extensions() where extension_name = 'fts'").fetchone()
    if loaded and loaded[0]:
        return
    # LOAD takes no bound parameters; the path is our installed package's, not user input.
    literal = str(fts_extension_path()).replace("'", "''")
    conn.execute(f"load '{literal}'")


def update_search_index(
    conn: duckdb.DuckDBPyConnection, day_from: date | None = None, day_to: date | None = None
) -> SearchIndexReport:
    """Re-index what changed inside the run's transaction: articles new, changed, gone, or of days day_from..day_to."""
    started = time.perf_counter()
    load_fts(conn)  # stem()
    stale = db.query(conn, "search_stale_documents", day_from=day_from, day_to=day_to)
    if stale:
        ids = [r["article_id"] for r in stale]
        # The day bounds let the delete skip the row groups of other days' postings.
        conn.execute(
            "delete from search_postings where day between ? and ? and article_id in (select unnest(?::varchar[]))",
            [min(r["day"] for r in stale), max(r["day"] for r in stale), ids],
        )
        conn.execute("delete from search_documents where article_id in (select unnest(?::varchar[]))", [ids])
    fresh = db.query(conn, "search_unindexed_articles")  # oldest day first
    for start in range(0, len(fresh), _INDEX_BATCH):
        rows = fresh[start : start + _INDEX_BATCH]
        batch = {"ids": [r["article_id"] for r in rows], "day_from": rows[0]["day"], "day_to": rows[-1]["day"]}
        postings = db.model_sql("search_postings_of")
        conn.execute(f"create or replace temporary table search_batch_postings as {postings}", batch)
        conn.execute("insert into search_postings select * from search_batch_postings")
        conn.execute(f"insert into search_documents {db.model_sql('search_documents_of')}", batch)
        conn.execute("drop table search_batch_postings")
    stats = db.query(conn, "search_index_stats")[0]
    return SearchIndexReport(
        articles=stats["articles"],
        indexed=len(fresh),
        dropped=len(stale),
        seconds=round(time.perf_counter() - started, 3),
    )


def _require_index(conn: duckdb.DuckDBPyConnection) -> None:
    found = conn.execute(
        "select count(*) from duckdb_tables() where schema_name = 'main' and table_name = 'search_documents'"
    ).fetchone()[0]
    # Articles but no index: written by a run from before search, or by something other than a run.
    if (
        not found
        or conn.execute(
            "select exists (select 1 from articles) and not exists (select 1 from search_documents)"
        ).fetchone()[0]
    ):
        raise SearchIndexMissingError(
            "the warehouse has no search index yet; the next `newsmon run` or `newsmon backfill` builds it"
        )


def search_articles(
    conn: duckdb.DuckDBPyConnection,
    query: str,
    *,
    day_from: date | None = None,
    day_to: date | None = None,
    source: str | None = None,
    limit: int = 10,
    snippet_chars: int = SNIPPET_CHARS,
) -> list[SearchHit]:
    """Articles matching `query`, best BM25 score first, each with its best passage highlighted.

    Works on a read-only connection. SearchQueryError (a ValueError) for a query or filter
    that cannot be searched; SearchIndexMissingError when no run has built the index yet.
    """
    parsed = parsed_query(query)
    if limit < 1 or limit > MAX_LIMIT:
        raise SearchQueryError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if day_from and day_to and day_from > day_to:
        raise SearchQueryError(f"the date range is empty: from {day_from} is after to {day_to}")
    load_fts(conn)
    _require_index(conn)

    word_tokens = [index_tokens(w) for w in parsed.words]
    phrase_tokens = [index_tokens(p) for p in parsed.phrases]
    excluded_word_tokens = [index_tokens(w) for w in parsed.excluded_words]
    excluded_phrase_tokens = [index_tokens(p) for p in parsed.excluded_phrases]
    # A word the index splits ("covid-19", "U.S.") must match as the phrase it was typed as.
    phrase_tokens += [t for t in word_tokens if len(t) > 1]
    excluded_phrase_tokens += [t for t in excluded_word_tokens if len(t) > 1]
    excluded_words = [t[0] for t in excluded_word_tokens if len(t) == 1]

    all_tokens = sorted({t for group in word_tokens + phrase_tokens + excluded_word_tokens for t in group})
    info = {r["token"]: r for r in db.query(conn, "search_query_terms", tokens=all_tokens)}
    terms = _unique(t for group in word_tokens + phrase_tokens for t in group if not info[t]["stopword"])
    if not terms:
        common = _unique(t for g in word_tokens + phrase_tokens for t in g)
        are = "is" if len(common) == 1 else "are"
        raise SearchQueryError(
            f"nothing to search for: {', '.join(common)} {are} too common to be indexed; add a rarer word"
        )
    too_common = [w for w in excluded_words if info[w]["stopword"]]
    if too_common:
        raise SearchQueryError(f"cannot exclude {', '.join(too_common)}: too common to be indexed")

    matches = db.query(
        conn,
        "search_matches",
        terms=terms,
        excluded=excluded_words,
        day_from=day_from,
        day_to=day_to,
        source=source,
        limit=None if phrase_tokens or excluded_phrase_tokens else limit,
    )
    rows = _hits_with_phrases(
        conn,
        [m["article_id"] for m in matches],
        [phrase_pattern(t) for t in phrase_tokens],
        [phrase_pattern(t) for t in excluded_phrase_tokens],
        limit,
    )
    if not rows:
        return []
    scores = {m["article_id"]: m["score"] for m in matches}
    query_stems = {info[t]["stem"] for t in terms}
    spans = {r["article_id"]: (token_spans(r["text"]), token_spans(r["title"] or "")) for r in rows}
    words = sorted({t for text_spans, title_spans in spans.values() for _, _, t in text_spans + title_spans})
    stem_of = {r["token"]: r["stem"] for r in db.query(conn, "word_stems", tokens=words)}
    hits = []
    for rank, row in enumerate(rows, 1):
        text_spans, title_spans = spans[row["article_id"]]
        text_matches = matched_spans(text_spans, stem_of, query_stems, phrase_tokens)
        snippet = best_snippet(row["text"], text_matches, snippet_chars, body_start(row["text"], row["title"]))
        title_matches = matched_spans(title_spans, stem_of, query_stems, phrase_tokens)
        hits.append(
            SearchHit(
                rank=rank,
                score=round(scores[row["article_id"]], 4),
                article_id=row["article_id"],
                title=row["title"],
                source=row["source"],
                day=row["day"],
                published_at=row["published_at"],
                url=row["url"],
                story_id=row["story_id"],
                story_title=row["story_title"],
                snippet=row["text"][snippet.start : snippet.end],
                snippet_start=snippet.start,
                snippet_end=snippet.end,
                highlights=snippet.highlights,
                title_highlights=[(s, e) for s, e, _ in title_matches],
                snippet_markdown=highlighted(row["text"], snippet.start, snippet.end, snippet.highlights),
            )
        )
    return hits


def _hits_with_phrases(
    conn: duckdb.DuckDBPyConnection, ids: list[str], phrases: list[str], excluded_phrases: list[str], limit: int
) -> list[dict]:
    """The first `limit` of the ranked `ids` whose text passes the phrase checks, with their rows.

    Without phrases that is the first `limit` ids; with them, candidates are checked a batch
    at a time in rank order, so a phrase query reads the texts of the best matches only.
    """
    if not phrases and not excluded_phrases:
        ids = ids[:limit]
    rows: list[dict] = []
    batch = max(_PHRASE_BATCH, 4 * limit)
    for start in range(0, len(ids), batch):
        rows += db.query(
            conn,
            "search_hits",
            ids=ids[start : start + batch],
            phrases=phrases,
            excluded_phrases=excluded_phrases,
            limit=limit - len(rows),
        )
        if len(rows) >= limit:
            break
    return rows


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))
