"""The daily and backfill flows end to end: real Prefect, real DuckDB, real Great Expectations."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from datetime import date
from hashlib import sha256
from pathlib import Path

import duckdb
import pytest

from flows.archive import archive_path
from flows.inbox import HEAD_BYTES

ROOT = Path(__file__).resolve().parents[2]
COMPARED_TABLES = [
    "documents",
    "inbox_files",
    "articles",
    "quarantine",
    "entities",
    "entity_aliases",
    "entity_mentions",
    "article_duplicates",
    "stories",
    "story_articles",
    "events",
    "event_participants",
    "event_mentions",
]


# On one xdist worker with the other users of the session's sample runs (tests/conftest.py).
pytestmark = pytest.mark.xdist_group("sample_runs")


def _snapshot(database: Path) -> dict[str, list[tuple]]:
    from warehouse import db

    con = db.reader(database)  # a DuckDB file or a DuckLake folder
    try:
        return {t: con.execute(f"select * from {t} order by all").fetchall() for t in COMPARED_TABLES}
    finally:
        con.close()


def _replay_inbox(seeds_dir: Path, tmp_path: Path) -> tuple[Path, list[dict]]:
    replay = json.loads((seeds_dir / "replay.json").read_text())["days"]
    inbox = tmp_path / "inbox"
    for day in replay:
        (inbox / day["day"]).mkdir(parents=True)
        for name in day["arrive"]:
            shutil.copy(seeds_dir / name, inbox / day["day"] / name)
    return inbox, replay


@pytest.mark.slow
def test_seed_replay_gives_three_summaries_and_reruns_change_nothing(
    prefect_harness, warehouse_dir, seeds_dir, tmp_path
):
    from flows.daily import backfill, daily

    inbox, replay = _replay_inbox(seeds_dir, tmp_path)
    summaries = [daily(day=date.fromisoformat(d["day"]), inbox=str(inbox)) for d in replay]

    for summary, day in zip(summaries, replay, strict=True):
        n = len(day["arrive"])
        assert summary.totals.documents == n
        assert summary.totals.articles == n, summary.quarantined_by_reason
        assert summary.totals.quarantined == 0
        # Seed 000 rewrites 001: one report, one copy.
        reports = n - 1 if day["day"] == "2023-06-17" else n
        assert summary.totals.reports == reports
        assert sum(s.articles for s in summary.new_articles_by_source) == reports
        assert sum(s.copies for s in summary.new_articles_by_source) == n - reports
    assert summaries[1].previous_totals.articles == 3
    assert [len(s.stories.new) for s in summaries] == [1, 0, 0]
    assert [len(s.stories.grown) for s in summaries] == [0, 1, 1]
    assert summaries[2].stories.grown[0].articles == 5
    blinken_xi = [
        e
        for e in summaries[2].events.new
        if e.type == "meeting" and "Xi Jinping" in (e.participants or "") and "Antony Blinken" in (e.participants or "")
    ]
    assert [str(e.event_date) for e in blinken_xi] == ["2023-06-19"]
    assert summaries[2].previous_totals.articles == 1
    assert (warehouse_dir / "reports" / "2023-06-19.md").exists()
    assert json.loads((warehouse_dir / "reports" / "2023-06-19.json").read_text())["totals"]["articles"] == 1

    database = warehouse_dir / "newsmon.duckdb"
    before = _snapshot(database)
    daily(day=date(2023, 6, 18), inbox=str(inbox))  # a re-run of a day
    assert _snapshot(database) == before
    backfill(start=date(2023, 6, 17), end=date(2023, 6, 19))
    assert _snapshot(database) == before
    daily(day=date(2023, 6, 20), inbox=str(inbox))  # nothing new arrives: nothing is loaded twice
    after = _snapshot(database)
    assert after["documents"] == before["documents"]
    assert after["articles"] == before["articles"]

    con = duckdb.connect(str(database), read_only=True)
    runs = con.execute("select flow, status from runs order by started_at").fetchall()
    con.close()
    assert runs == [("daily", "completed")] * 4 + [("backfill", "completed"), ("daily", "completed")]


def _bad_files(inbox: Path) -> dict[str, str]:
    """Bad inputs a real inbox receives; name -> what must happen (loaded/quarantined)."""
    inbox.mkdir(parents=True)
    story = (
        "The harbour authority said on Monday that the new ferry terminal would open in April, "
        "two months later than planned, after inspectors found faults in the mooring system. "
    ) * 6
    files = {
        "empty.txt": (b"", "quarantined"),
        "whitespace.txt": (b"   \n\n  ", "quarantined"),
        "image.html": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "quarantined"),
        "nul.txt": (b"abc\x00\x01\x02" * 100, "quarantined"),
        "latin1.txt": (
            (
                "Caf\u00e9 owners in M\u00e1laga protest\n\n"
                + story.replace("harbour", "Se\u00f1or Mu\u00f1oz's harbour")
            ).encode("cp1252"),
            "loaded",
        ),
        "huge.txt": (((story + "\n\n") * 40_000).encode()[:20_000_000], "quarantined"),
        "truncated.html": (
            b"<html><head><title>Ferry terminal delayed</title></head><body><article><h1>Ferry terminal delayed</h1><p>"
            + story.encode()
            + b"</p><p>The authority's chief engineer, Maria Okafor, said the",
            "loaded",
        ),
        "french.html": (
            (
                "<html lang='fr'><head><title>Le terminal est en retard</title></head><body><article><p>"
                + (
                    "L'autorit\u00e9 portuaire a annonc\u00e9 lundi que le nouveau terminal de ferry "
                    "ouvrirait en avril, deux mois plus tard que pr\u00e9vu, apr\u00e8s que des inspecteurs "
                    "ont trouv\u00e9 des d\u00e9fauts. "
                )
                * 6
                + "</p></article></body></html>"
            ).encode(),
            "quarantined",
        ),
        "login.html": (
            b"<html><head><title>Sign in</title></head><body><form><label>Email</label><input name=e>"
            b"<label>Password</label><input type=password><button>Sign in</button></form>"
            b"<footer>Cookies help us deliver our services.</footer></body></html>",
            "quarantined",
        ),
        "blink.txt": (
            ("Blinkered planning left the ferry terminal late\n\n" + story).encode(),
            "loaded",
        ),
        "broken.json": (b'{"title": "Half a record", "text": "The harbour', "quarantined"),
        "hostile.html": (
            (
                "<html><head><script>alert(1)</script><title>Terminal opens</title></head><body><article><p>"
                + story
                + "</p><p><img src=x onerror=alert(1)><iframe src='javascript:alert(1)'></iframe></p>"
                "</article></body></html>"
            ).encode(),
            "loaded",
        ),
        "zz-copy-of-latin1.txt": (None, "quarantined"),
    }
    expected = {}
    for name, (raw, outcome) in files.items():
        data = raw if raw is not None else files["latin1.txt"][0]
        (inbox / name).write_bytes(data)
        expected[name] = outcome
    return expected


@pytest.mark.slow
def test_bad_files_are_loaded_or_quarantined_with_a_reason(prefect_harness, warehouse_dir, tmp_path):
    from flows.daily import daily

    inbox = tmp_path / "inbox"
    expected = _bad_files(inbox)
    summary = daily(day=date(2026, 3, 10), inbox=str(inbox))

    con = duckdb.connect(str(warehouse_dir / "newsmon.duckdb"), read_only=True)
    files = dict(con.execute("select source_path, doc_id from inbox_files").fetchall())
    in_articles = {r[0] for r in con.execute("select doc_id from articles").fetchall()}
    reasons: dict[str, list[str]] = {}
    for doc_id, reason in con.execute("select doc_id, reason from quarantine").fetchall():
        reasons.setdefault(doc_id, []).append(reason)
    latin = con.execute(
        "select a.title, a.text from articles a join documents d using (doc_id) where d.file_name = 'latin1.txt'"
    ).fetchone()
    con.close()

    assert set(files) == set(expected)
    for name, outcome in expected.items():
        doc_id = files[name]
        raw = (inbox / name).read_bytes()
        if name == "huge.txt":  # over the size cap: its hash and its head are kept, not the whole
            head = archive_path(warehouse_dir / "raw", doc_id).with_suffix(".head").read_bytes()
            assert head == raw[: len(head)] and len(head) == HEAD_BYTES
            assert not archive_path(warehouse_dir / "raw", doc_id).exists()
        else:
            assert archive_path(warehouse_dir / "raw", doc_id).read_bytes() == raw, f"{name}: raw bytes not kept"
        assert sha256(raw).hexdigest() == doc_id
        if name == "zz-copy-of-latin1.txt":
            assert any("same bytes as" in r for r in reasons[doc_id]), name
            continue
        if outcome == "loaded":
            assert doc_id in in_articles, f"{name} should be an article; quarantined: {reasons.get(doc_id)}"
        else:
            assert doc_id not in in_articles, f"{name} should not be an article"
            assert reasons.get(doc_id) and all(r.strip() for r in reasons[doc_id]), f"{name}: no reason"
    assert "Señor Muñoz" in latin[1] and "Málaga" in latin[0]
    assert summary.totals.quarantined >= 6


# Both storages keep the same promises (warehouse/db.py's contract); the lake's own tests
# (tests/warehouse/test_lake.py) add readers in other processes and kills at random moments.
STORAGES = ["w.duckdb", "w.lake"]


@pytest.mark.parametrize("name", STORAGES)
def test_a_killed_run_leaves_the_warehouse_as_it_was(tmp_path, name):
    from warehouse import db

    database = tmp_path / name
    with db.writer(database) as con:
        con.execute("insert into quarantine values ('2026-03-01', 'load', 'x', 'check', null, 'why', null)")
    before = _snapshot(database)
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from warehouse import db
        with db.writer(Path({str(database)!r})) as con:
            con.execute("delete from quarantine")
            con.execute("insert into quarantine values ('2026-03-02', 'load', 'y', 'check', null, 'why', null)")
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], check=False)
    assert proc.returncode == -9
    assert _snapshot(database) == before
    with db.writer(database) as con:  # the next run is not blocked by the dead one
        assert con.execute("select count(*) from quarantine").fetchone()[0] == 1
    assert not list(tmp_path.glob("w.duckdb.next-*"))


def test_a_killed_runs_spill_folder_does_not_stop_the_next_run(tmp_path):
    """DuckDB spills a big transaction to `<file>.tmp`: for a run's copy, `newsmon.duckdb.next-<pid>.tmp`,
    a folder among the files a killed run leaves and the next writer removes."""
    from warehouse import db

    database = tmp_path / "w.duckdb"
    with db.writer(database):
        pass
    spill = tmp_path / "w.duckdb.next-99999.tmp"
    spill.mkdir()
    (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"x" * 100)
    (tmp_path / "w.duckdb.next-99999").write_bytes(b"stale copy")
    with db.writer(database) as con:
        con.execute("insert into quarantine values ('2026-03-02', 'load', 'y', 'check', null, 'why', null)")
    assert not list(tmp_path.glob("w.duckdb.next-*"))


@pytest.mark.parametrize("name", STORAGES)
def test_readers_work_while_a_run_writes(tmp_path, name):
    from warehouse import db

    database = tmp_path / name
    with db.writer(database):
        pass
    with db.writer(database) as con:
        con.execute("insert into quarantine values ('2026-03-02', 'load', 'y', 'check', null, 'why', null)")
        reader = db.reader(database)  # a user's query during the run
        assert reader.execute("select count(*) from quarantine").fetchone()[0] == 0
        reader.close()
        with pytest.raises(db.WarehouseBusyError), db.writer(database):
            pass
    reader = db.reader(database)
    assert reader.execute("select count(*) from quarantine").fetchone()[0] == 1
    reader.close()


@pytest.mark.slow
def test_a_day_left_without_its_report_gets_it_on_the_next_run(
    prefect_harness, sample_first_day_run, warehouse_dir, tmp_path
):
    """A run killed after its swap but before publishing: the next run writes the missing report."""
    from flows.daily import daily

    inbox = tmp_path / "inbox"
    shutil.copytree(ROOT / "samples" / "inbox" / "2026-03-02", inbox / "2026-03-02")
    # The run of 2026-03-02 (tests/flows/conftest.py: the same day folder, in the whole sample inbox), copied.
    first_run, first_summary = sample_first_day_run
    assert first_summary.day == date(2026, 3, 2)
    shutil.copytree(first_run, warehouse_dir)
    reports = warehouse_dir / "reports"
    first = (reports / "2026-03-02.md").read_text(encoding="utf-8")
    for suffix in (".md", ".json", ".html"):
        (reports / f"2026-03-02{suffix}").unlink()  # what a kill between the swap and the publishing leaves
    daily(day=date(2026, 3, 3), inbox=str(inbox))
    assert (reports / "2026-03-02.md").read_text(encoding="utf-8") == first
    assert (reports / "2026-03-02.html").exists() and (reports / "2026-03-03.md").exists()
