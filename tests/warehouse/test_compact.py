"""`newsmon compact`: the warehouse without its free space, same contents, readers undisturbed."""

from __future__ import annotations

import fcntl

import duckdb
import pytest

from warehouse import db


def _grown(path) -> None:
    """A warehouse that wrote and deleted a lot: DuckDB keeps the freed blocks in the file."""
    for rnd in range(4):
        with db.writer(path) as conn:
            conn.execute("create table if not exists notes (id integer primary key, body varchar)")
            conn.execute("delete from notes")
            conn.execute(
                "insert into notes select i, repeat(md5(i::varchar || ?), 40) from range(20000) t(i)", [str(rnd)]
            )


def test_compact_shrinks_and_keeps_every_row(tmp_path):
    path = tmp_path / "newsmon.duckdb"
    _grown(path)
    reader = db.reader(path)
    expected = reader.execute("select count(*), sum(hash(body)) from notes").fetchall()
    versions = reader.execute("select count(*) from schema_versions").fetchall()
    before, after = db.compact(path)
    assert after < before
    assert reader.execute("select count(*), sum(hash(body)) from notes").fetchall() == expected  # old file, still open
    reader.close()
    fresh = duckdb.connect(str(path), read_only=True)
    assert fresh.execute("select count(*), sum(hash(body)) from notes").fetchall() == expected
    assert fresh.execute("select count(*) from schema_versions").fetchall() == versions
    fresh.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newsmon.duckdb", "newsmon.duckdb.lock"]
    with db.writer(path) as conn:  # and it is a warehouse a run can write again
        conn.execute("insert into notes values (-1, 'after')")


def test_compact_is_refused_while_a_run_writes(tmp_path):
    path = tmp_path / "newsmon.duckdb"
    _grown(path)
    with (tmp_path / "newsmon.duckdb.lock").open("a+") as other:  # another process's lock, as a run holds it
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(db.WarehouseBusyError):
            db.compact(path)
    with pytest.raises(db.WarehouseMissingError):
        db.compact(tmp_path / "none.duckdb")
