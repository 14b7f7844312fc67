"""Table exports with COPY from the read-only warehouse: formats, day filters, clear refusals."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.warehouse.articles import ARTICLES, D2, D3, D4, insert_articles
from warehouse import db
from warehouse.export import EXPORT_TABLES, ExportError, export_request, export_table


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("export") / "newsmon.duckdb"
    with db.writer(path) as conn:
        insert_articles(conn, ARTICLES)
        conn.execute(
            "insert into runs values ('r1', 'daily', ?, ?, now(), now(), 'completed', '{}', '{}'),"
            " ('r2', 'backfill', ?, ?, now(), now(), 'completed', '{}', '{}')",
            [D2, D2, D3, D4],
        )
        conn.execute("insert into entity_aliases values ('Okafor', 'person_1', 'a1', 'exact')")
    return path


@pytest.fixture
def reader(warehouse: Path):
    conn = db.reader(warehouse)
    yield conn
    conn.close()


def _read_back(path: Path, fmt: str) -> list[tuple]:
    reader = {"parquet": "read_parquet", "csv": "read_csv", "json": "read_json"}[fmt]
    return duckdb.sql(f"select * from {reader}(?)", params=[str(path)]).fetchall()


@pytest.mark.parametrize("fmt", ["parquet", "csv", "json"])
def test_every_format_round_trips(reader, tmp_path, fmt):
    out = tmp_path / f"articles.{fmt}"
    report = export_table(reader, export_request("articles", out, fmt))
    assert (report.rows, report.format, report.bytes) == (len(ARTICLES), fmt, out.stat().st_size)
    rows = _read_back(out, fmt)
    assert len(rows) == len(ARTICLES)
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left behind


def test_json_is_one_object_per_line(reader, tmp_path):
    out = tmp_path / "runs.jsonl"
    export_table(reader, export_request("runs", out))  # format from the suffix
    lines = out.read_text().splitlines()
    assert [json.loads(line)["run_id"] for line in lines] == ["r1", "r2"]


@pytest.mark.parametrize(
    ("table", "day_from", "day_to", "rows"),
    [
        ("articles", D3, None, 4),
        ("articles", None, D2, 2),
        ("articles", D3, D3, 2),
        ("articles", date(2027, 1, 1), None, 0),
        ("runs", D3, D3, 1),  # r2 spans 03-03..03-04, r1 is 03-02
        ("runs", D2, D4, 2),
        ("runs", None, D2, 1),
        ("entity_aliases", None, None, 1),
    ],
)
def test_the_day_range_applies_to_the_day_column(reader, tmp_path, table, day_from, day_to, rows):
    out = tmp_path / "out.csv"
    assert export_table(reader, export_request(table, out, None, day_from, day_to)).rows == rows
    assert out.read_text().count("\n") == rows + 1  # the header, then one line a row


@pytest.mark.parametrize(
    ("table", "path", "fmt", "days", "message"),
    [
        ("nope", "out.csv", None, (None, None), "unknown table 'nope'"),
        ("fts_main_articles.docs", "out.csv", None, (None, None), "unknown table"),
        ("articles; drop table runs", "out.csv", None, (None, None), "unknown table"),
        ("articles", "out.csv", "xml", (None, None), "unknown format 'xml'"),
        ("articles", "out.txt", None, (None, None), "cannot tell the format"),
        ("entity_aliases", "out.csv", None, (D2, None), "no day column"),
        ("articles", "out.csv", None, (D4, D2), "date range is empty"),
        ("articles", ".", "csv", (None, None), "is a folder"),
        ("articles", "missing/out.csv", None, (None, None), "does not exist"),
        ("articles", "a_file/out.csv", None, (None, None), "is not a folder"),
    ],
)
def test_mistakes_are_one_line_errors(tmp_path, table, path, fmt, days, message):
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(ExportError, match=message) as info:
        export_request(table, tmp_path / path, fmt, *days)
    assert isinstance(info.value, ValueError) and "\n" not in str(info.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_a_folder_without_write_permission_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    with pytest.raises(ExportError, match="cannot write in"):
        export_request("articles", locked / "out.csv")


def test_a_path_nothing_can_write_is_refused():
    with pytest.raises(ExportError, match="cannot write in /proc"):
        export_request("articles", Path("/proc/out.csv"))


def test_an_existing_file_is_replaced_whole(reader, tmp_path):
    out = tmp_path / "articles.parquet"
    out.write_text("old contents")
    export_table(reader, export_request("articles", out, None, D4, D4))
    assert len(_read_back(out, "parquet")) == 2


def test_every_listed_table_exports_from_the_real_schema(reader, tmp_path):
    for table in EXPORT_TABLES:
        report = export_table(reader, export_request(table, tmp_path / f"{table}.parquet"))
        assert report.rows >= 0 and Path(report.path).exists()
