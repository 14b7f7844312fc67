"""Schema 095: the tables that grow with every day keep their keys in the writers, not in an index.

DuckDB rewrites a table's whole PRIMARY KEY index at each checkpoint after a change to the table,
so an index on a growing table makes every run's commit cost grow with the history
(bench/bench_incremental.py). These tests pin which tables may have one, and that a warehouse
made before 095 keeps every row when it is rebuilt without them.
"""

from __future__ import annotations

import duckdb

from warehouse import db

SMALL_KEYED = {"runs", "quarantine", "entities", "entity_aliases", "fetch_state", "search_stopwords", "schema_versions"}


def _keyed(conn: duckdb.DuckDBPyConnection) -> set[str]:
    rows = conn.execute(
        "select distinct table_name from duckdb_constraints() where constraint_type in ('PRIMARY KEY', 'UNIQUE')"
    ).fetchall()
    return {r[0] for r in rows}


def test_only_small_tables_have_a_key_index():
    conn = duckdb.connect(":memory:")
    db.apply_schema(conn)
    assert _keyed(conn) <= SMALL_KEYED, _keyed(conn) - SMALL_KEYED
    assert {"articles", "documents", "entity_mentions", "stage_results", "fetches"} <= {
        r[0] for r in conn.execute("select table_name from duckdb_tables()").fetchall()
    }


def test_a_warehouse_from_before_095_keeps_its_rows_and_columns(tmp_path):
    path = tmp_path / "old.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute(
        "create table schema_versions (version varchar primary key, checksum varchar not null, applied_at timestamp)"
    )
    for schema in db.schema_files():
        if schema.stem >= "095":
            break
        conn.execute(schema.read_text(encoding="utf-8"))
        conn.execute("insert into schema_versions values (?, 'old', now())", [schema.stem])
    conn.execute(
        "insert into documents values ('d1', 'a.txt', 'inbox/a.txt', 'inbox', '2026-03-02', 10, 'text/plain',"
        " 'utf-8', null, 'raw/d1', null, '{}')"
    )
    conn.execute("insert into inbox_files values ('inbox/a.txt', 'd1', '2026-03-02', 'loaded', null)")
    columns_sql = (
        "select table_name, column_name, data_type from duckdb_columns()"
        " where table_name in (select table_name from duckdb_tables() where table_name = any(?)) order by all"
    )
    tables = [r[0] for r in conn.execute("select table_name from duckdb_tables()").fetchall()]
    columns = conn.execute(columns_sql, [tables]).fetchall()  # tables of later schemas come new
    assert "documents" in _keyed(conn)
    db.apply_schema(conn)
    assert "documents" not in _keyed(conn)
    assert conn.execute("select doc_id, source_path, meta::varchar from documents").fetchall() == [
        ("d1", "inbox/a.txt", "{}")
    ]
    assert conn.execute("select count(*) from inbox_files").fetchall() == [(1,)]
    assert conn.execute(columns_sql, [tables]).fetchall() == columns
    conn.close()


def test_the_writers_replace_a_documents_row_instead_of_adding_one(tmp_path):
    from newsmon.models import Document
    from warehouse.store import InboxFileRow, upsert_document, upsert_inbox_files

    with db.writer(tmp_path / "w.duckdb") as conn:
        doc = Document(
            doc_id="d1",
            file_name="a.txt",
            source_path="inbox/a.txt",
            origin="inbox",
            arrival_day="2026-03-02",
            size_bytes=10,
            media_type="text",
            archive_path="raw/d1",
        )
        upsert_document(conn, doc)
        upsert_document(conn, doc.model_copy(update={"size_bytes": 11}))
        upsert_inbox_files(conn, [InboxFileRow("inbox/a.txt", "d1", doc.arrival_day, "loaded")])
        upsert_inbox_files(conn, [InboxFileRow("inbox/a.txt", "d1", doc.arrival_day, "seen")])
        # In one call too: the later row for a key wins.
        upsert_inbox_files(conn, [InboxFileRow("inbox/a.txt", "d1", doc.arrival_day, x) for x in ("a", "b")])
        assert conn.execute("select size_bytes from documents").fetchall() == [(11,)]
        assert conn.execute("select outcome from inbox_files").fetchall() == [("b",)]
