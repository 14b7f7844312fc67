"""`db.settle` between a run's stages: on a file warehouse's private copy it commits what the run
wrote so far (out of the transaction's memory), and the run stays all or nothing; on a lake it
does nothing, since a lake's commit is a snapshot readers would see."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse import db


def _notes(path: Path) -> list[tuple[int, str]]:
    conn = db.reader(path)
    try:
        return conn.execute("select id, body from notes order by id").fetchall()
    finally:
        conn.close()


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "newsmon.duckdb"
    with db.writer(path) as conn:
        conn.execute("create table notes (id integer, body varchar)")
        conn.execute("insert into notes values (0, 'before')")
    return path


def _stage(conn, first: int) -> None:
    conn.execute("insert into notes select i, repeat('x', 100) from range(?, ? + 1000) t(i)", [first, first])


def test_settled_stages_land_together(warehouse: Path) -> None:
    with db.writer(warehouse) as conn:
        _stage(conn, 1)
        db.settle(conn)
        assert conn.execute("select count(*) from notes").fetchone() == (1001,)  # the run still sees its rows
        assert _notes(warehouse) == [(0, "before")]  # readers do not: they read the warehouse, not the copy
        _stage(conn, 1001)
        db.settle(conn)
    rows = _notes(warehouse)
    assert len(rows) == 2001
    assert rows[-1] == (2000, "x" * 100)


def test_a_failure_after_settling_leaves_the_warehouse_as_it_was(warehouse: Path) -> None:
    with pytest.raises(RuntimeError, match="stage failed"), db.writer(warehouse) as conn:
        _stage(conn, 1)
        db.settle(conn)
        conn.execute("delete from notes where id = 0")
        db.settle(conn)
        raise RuntimeError("stage failed")
    assert _notes(warehouse) == [(0, "before")]
    assert sorted(p.name for p in warehouse.parent.iterdir()) == ["newsmon.duckdb", "newsmon.duckdb.lock"]


def test_settling_commits_the_copy(warehouse: Path) -> None:
    """What a stage wrote is committed on the copy: a rollback after settling keeps it."""
    with db.writer(warehouse) as conn:
        _stage(conn, 1)
        db.settle(conn)
        _stage(conn, 1001)
        conn.execute("rollback")  # only what came after settle goes
        conn.execute("begin transaction")
    assert len(_notes(warehouse)) == 1001


def test_settle_does_nothing_outside_a_private_copy(tmp_path: Path) -> None:
    import duckdb

    conn = duckdb.connect(str(tmp_path / "other.duckdb"))
    conn.execute("create table t (a int)")
    conn.execute("begin transaction")
    conn.execute("insert into t values (1)")
    db.settle(conn)  # not a copy this process writes: its transaction is left alone
    conn.execute("rollback")
    assert conn.execute("select count(*) from t").fetchone() == (0,)


def test_settle_on_a_lake_makes_no_snapshot(tmp_path: Path) -> None:
    pytest.importorskip("duckdb_extension_ducklake")
    pytest.importorskip("duckdb_extension_sqlite_scanner")
    from warehouse import lake

    path = tmp_path / "newsmon.lake"
    with db.writer(path, run_id="first") as conn:
        conn.execute("create table notes (id integer, body varchar)")
    with db.writer(path, run_id="second") as conn:
        _stage(conn, 1)
        db.settle(conn)
        _stage(conn, 1001)
    reader = db.reader(path)
    try:
        messages = [s["commit_message"] for s in lake.snapshots(reader)]
        assert messages[-2:] == ["first", "second"]
        assert reader.execute("select count(*) from notes").fetchone() == (2000,)
    finally:
        reader.close()
