"""The command line as a service runs it: one line per mistake, exit codes scripts can trust,
Ctrl-C that ends a run at once, and every run (refused, degraded, interrupted) in the journal
that `newsmon status` shows."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from warehouse import db, journal

ROOT = Path(__file__).resolve().parents[2]
NEWSMON = Path(sys.executable).parent / "newsmon"
SAMPLE_DAY = ROOT / "samples" / "inbox" / "2026-03-02"


def _env(warehouse: Path, **extra: str) -> dict[str, str]:
    """The environment of a run from a shell: no NEWSMON_ settings, and no PREFECT_API_URL (so a run boots
    its temporary Prefect server) unless `extra` gives one. The tests below that are not about that
    temporary server (Ctrl-C and kill -9 are) pass the session's API (tests/flows/conftest.py)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_") and k != "PREFECT_API_URL"}
    return {**env, "NEWSMON_WAREHOUSE_DIR": str(warehouse), **extra}


def _newsmon(*args: str, env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(NEWSMON), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600, check=False
    )


def _write(path: Path, text: str, mode: int | None = None) -> Path:
    path.write_text(text, encoding="utf-8")
    if mode is not None:
        path.chmod(mode)
    return path


# Each mistake: what the user typed, what the one line must say, the exit code.
MISTAKES = [
    (["run", "--inbox", "{tmp}/missing", "--day", "2026-03-02"], {}, "inbox {tmp}/missing does not exist", 2),
    (["run", "--inbox", "{tmp}/afile.txt", "--day", "2026-03-02"], {}, "is not a folder", 2),
    (["run", "--to", "2026-03-04"], {}, "--to needs --day", 2),
    (["run", "--day", "2026-03-04", "--to", "2026-03-01"], {}, "is before --day", 2),
    # These ran and failed deep inside (OverflowError, a Great Expectations message), ran for decades of
    # days, or were ignored without a word (a misspelt setting).
    (["run", "--day", "0001-01-01"], {}, "'0001-01-01' is not between 1900-01-01 and 2999-12-31", 2),
    (["run", "--day", "2026-03-01", "--to", "2062-03-01"], {}, "13,150 daily runs; at most 366", 2),
    (["status", "--runs", "-5"], {}, "--runs must be at least 1, not -5", 2),
    (
        ["status"],
        {"NEWSMON_CONFIG": "{tmp}/typo.toml"},
        "unknown setting 'max_fle_bytes' (did you mean 'max_file_bytes'?)",
        2,
    ),
    (["status"], {"NEWSMON_CONFIG": "{tmp}/zero.toml"}, "max_file_bytes = 0", 2),
    (["status"], {"NEWSMON_CONFIG": "{tmp}/window.toml"}, "boilerplate_window_days = 99999999", 2),
    (["status"], {"NEWSMON_CONFIG": "{tmp}/model.toml"}, "ner_model = 'huge'", 2),
    (["status"], {"NEWSMON_CONFIG": "{tmp}/bom.toml"}, "starts with a byte-order mark", 2),
    (["run", "--day", "2026-02-30"], {}, "not a date", 2),
    (["status"], {"NEWSMON_CONFIG": "{tmp}/bad.toml"}, "is not valid TOML", 2),
    (["status"], {"NEWSMON_CONFIG": "{tmp}/wrongtype.toml"}, "max_file_bytes = 'lots'", 2),
    (["status"], {"NEWSMON_CONFIG": "/missing/newsmon.toml"}, "NEWSMON_CONFIG points to /missing/newsmon.toml", 2),
    (["status"], {"NEWSMON_CONFIG": "{tmp}"}, "is a folder", 2),
    (["status"], {"NEWSMON_MIN_ARTICLE_CHARS": "many"}, "NEWSMON_MIN_ARTICLE_CHARS", 2),
    (["run", "--day", "2026-03-02", "--sources", "{tmp}"], {}, "is a folder", 2),
    (["run", "--day", "2026-03-02", "--sources", "{tmp}/nope.toml"], {}, "nope.toml does not exist", 2),
    (["run", "--day", "2026-03-02", "--sources", "{tmp}/ftp.toml"], {}, "not an http(s) URL", 2),
    (["fetch", "--day", "2026-03-02"], {}, "no sources file", 2),
    (["sql", ""], {}, "empty query", 2),
    (["serve", "--cron", "every day"], {}, "not a cron expression", 2),
    (["serve"], {}, "PREFECT_API_URL is not set", 2),
]


@pytest.mark.parametrize(("args", "extra_env", "says", "code"), MISTAKES)
def test_a_mistake_gets_one_line_and_an_exit_code(tmp_path, args, extra_env, says, code):
    _write(tmp_path / "afile.txt", "x")
    _write(tmp_path / "bad.toml", "languages = [\n")
    _write(tmp_path / "wrongtype.toml", 'max_file_bytes = "lots"\n')
    _write(tmp_path / "typo.toml", "max_fle_bytes = 1000\n")
    _write(tmp_path / "zero.toml", "max_file_bytes = 0\n")
    _write(tmp_path / "window.toml", "boilerplate_window_days = 99999999\n")
    _write(tmp_path / "model.toml", 'ner_model = "huge"\n')
    _write(tmp_path / "bom.toml", "\ufeffmax_file_bytes = 1000\n")
    _write(tmp_path / "ftp.toml", '[[feeds]]\nname = "x"\nurl = "ftp://example.com/feed"\n')
    fill = {"tmp": str(tmp_path)}
    env = _env(tmp_path / "warehouse", **{k: v.format(**fill) for k, v in extra_env.items()})
    out = _newsmon(*[a.format(**fill) for a in args], env=env, cwd=tmp_path)
    assert out.returncode == code, out.stderr
    assert says.format(**fill) in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert not (tmp_path / "warehouse" / "newsmon.duckdb").exists()


def test_a_comma_separated_list_setting_is_accepted(tmp_path):
    out = _newsmon("status", "--json", env=_env(tmp_path / "w", NEWSMON_LANGUAGES="en,fr"))
    assert out.returncode == 0, out.stderr


def test_a_refused_run_is_recorded_and_exits_75_while_another_holds_the_warehouse(tmp_path):
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    with (warehouse / "newsmon.duckdb.lock").open("a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        out = _newsmon("run", "--day", "2026-03-02", env=_env(warehouse))
    assert out.returncode == 75 and "another newsmon run" in out.stderr and "Traceback" not in out.stderr
    runs = journal.journal_runs(journal.journal_events(warehouse / "newsmon.runs.jsonl"), journal.pid_alive)
    assert [r.status for r in runs] == ["refused"]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: connections are refused


@pytest.mark.slow
def test_a_fetch_where_every_source_failed_is_not_a_success(tmp_path, prefect_api_url):
    port = _closed_port()
    sources = _write(
        tmp_path / "sources.toml",
        f'[[feeds]]\nname = "down"\nurl = "http://127.0.0.1:{port}/feed.xml"\n'
        f'[[url_lists]]\nname = "gone"\nurls = ["http://127.0.0.1:{port}/a.html"]\n',
    )
    warehouse = tmp_path / "warehouse"
    env = _env(warehouse, NEWSMON_FETCH_ALLOW="127.0.0.1", PREFECT_API_URL=prefect_api_url)
    out = _newsmon("fetch", "--day", "2026-03-02", "--sources", str(sources), env=env)
    assert out.returncode == 3, out.stderr
    assert "every web source failed" in out.stderr and "Traceback" not in out.stderr
    status = json.loads(_newsmon("status", "--json", env=_env(warehouse)).stdout)
    assert status["runs"][0]["status"] == "degraded"
    assert "every web source failed" in status["runs"][0]["reason"]


def _interrupted_run(tmp_path: Path, whole_group: bool) -> tuple[subprocess.Popen, float, list[int], Path]:
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE_DAY, inbox)
    warehouse = tmp_path / "warehouse"
    proc = subprocess.Popen(
        [str(NEWSMON), "run", "--inbox", str(inbox), "--day", "2026-03-02"],
        env=_env(warehouse),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    journal_file = warehouse / "newsmon.runs.jsonl"
    deadline = time.monotonic() + 180
    while not (journal_file.exists() and '"started"' in journal_file.read_text()):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never started"
        time.sleep(0.2)
    time.sleep(1.0)  # inside the flow's stages now
    children = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
    sent = time.monotonic()
    if whole_group:
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    else:
        proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)  # a hang detector, not a speed check (it hung for 79 s before)
    return proc, time.monotonic() - sent, children, warehouse


@pytest.mark.slow
@pytest.mark.parametrize("whole_group", [False, True], ids=["process", "process-group"])
def test_ctrl_c_ends_a_run_with_130_one_line_and_the_warehouse_unchanged(tmp_path, whole_group):
    proc, seconds, children, warehouse = _interrupted_run(tmp_path, whole_group)
    stderr = proc.stderr.read()
    print(f"exit after SIGINT: {seconds:.2f} s")
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "ConnectError" not in stderr
    problem_lines = [line for line in stderr.splitlines() if " newsmon " not in line[:20]]
    assert len(problem_lines) == 1 and "interrupted by SIGINT" in problem_lines[0], stderr
    assert not (warehouse / "newsmon.duckdb").exists()  # there was none before the run
    assert not list(warehouse.glob("newsmon.duckdb.next-*"))  # the unfinished copy is gone
    time.sleep(1)
    assert not [pid for pid in children if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]
    status = json.loads(_newsmon("status", "--json", env=_env(warehouse)).stdout)
    assert status["runs"][0]["status"] == "interrupted"


@pytest.mark.slow
def test_a_terminal_sees_progress_bars(tmp_path, prefect_api_url):
    """What a pipe sees instead (plain lines, no bars) is checked on the multi-day run below."""
    import pty

    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE_DAY, inbox)
    args = [str(NEWSMON), "run", "--inbox", str(inbox), "--day", "2026-03-02"]
    master, slave = pty.openpty()
    env = {**_env(tmp_path / "tty", PREFECT_API_URL=prefect_api_url), "COLUMNS": "100", "TERM": "xterm"}
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=slave, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the other side closed
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=300)
    os.close(master)
    on_tty = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0, on_tty
    assert "2026-03-02 extract" in on_tty and "2026-03-02 entities" in on_tty
    assert "documents -> " in on_tty  # the stage lines are still there, above the bars


@pytest.mark.slow
def test_kill_9_leaves_no_temporary_prefect_server_behind(tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE_DAY, inbox)
    warehouse = tmp_path / "warehouse"
    proc = subprocess.Popen(
        [str(NEWSMON), "run", "--inbox", str(inbox), "--day", "2026-03-02"],
        env=_env(warehouse),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    servers: list[psutil.Process] = []
    while not servers:
        assert proc.poll() is None and time.monotonic() < deadline, "no temporary server seen"
        servers = [c for c in psutil.Process(proc.pid).children(recursive=True) if "uvicorn" in " ".join(c.cmdline())]
        time.sleep(0.1)
    proc.kill()  # only the main process: what a supervisor or the OOM killer does
    proc.wait(timeout=10)
    _, alive = psutil.wait_procs(servers, timeout=15)
    for p in alive:
        p.kill()
    assert not alive, "the temporary Prefect server outlived newsmon"


@pytest.mark.slow
def test_a_multi_day_run_holds_the_warehouse_between_days_and_a_pipe_sees_plain_lines(tmp_path, prefect_api_url):
    inbox = tmp_path / "inbox"
    shutil.copytree(ROOT / "samples" / "inbox", inbox)
    warehouse = tmp_path / "warehouse"
    proc = subprocess.Popen(
        [str(NEWSMON), "run", "--inbox", str(inbox), "--day", "2026-03-02", "--to", "2026-03-03"],
        env=_env(warehouse, PREFECT_API_URL=prefect_api_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    journal_file = warehouse / "newsmon.runs.jsonl"

    def completed() -> int:
        return journal_file.read_text().count('"completed"') if journal_file.exists() else 0

    samples = []
    deadline = time.monotonic() + 300
    while completed() < 2 and proc.poll() is None:
        assert time.monotonic() < deadline
        if completed() == 1:  # between the first day's swap and the second day's
            samples.append(db.writer_busy(warehouse / "newsmon.duckdb"))
        time.sleep(0.02)
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    assert samples and all(samples), f"the lock was free {samples.count(False)} of {len(samples)} times"
    piped = proc.stderr.read()  # stderr is a pipe here: plain stage lines, no progress bars
    assert "extract" not in piped.replace("extracted", "") and "documents -> " in piped
    # The port story's talks of 03-03: one report names the conciliation service, the other
    # nobody; the story says they are one happening (transforms.events.story_participants). The
    # grocer's article of 03-02, in another story, mentions "the dock strike at Harbourton": the
    # one strike the port articles report about Harbourton (transforms.events.place_participants).
    conn = db.reader(warehouse / "newsmon.duckdb")
    try:
        talks = conn.execute(
            "select article_count from events where type = 'talks' and date_start = '2026-03-03'"
        ).fetchall()
        strikes = conn.execute(
            "select count(distinct event_id), count(distinct article_id) from event_mentions"
            " where type = 'strike' and day = '2026-03-02' and date_start = '2026-03-02'"
        ).fetchall()
    finally:
        conn.close()
    assert talks == [(2,)]
    assert strikes == [(1, 3)]
