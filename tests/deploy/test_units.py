"""The systemd units in deploy/: what they run, in which order, with which settings, and
`systemd-analyze verify` on them (against this checkout's venv) where systemd is installed."""

from __future__ import annotations

import configparser
import http.server
import os
import shutil
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest

from newsmon.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
INSTALL = "/opt/newsmon"  # the clone on a server (README "Running on a server")
VENV_BIN = f"{INSTALL}/.venv/bin"
STATE = "/var/lib/newsmon"
UNITS = ["newsmon-prefect.service", "newsmon-serve.service"]
EXEC_KEYS = ["ExecStartPre", "ExecStart", "ExecStartPost", "ExecReload", "ExecStop", "ExecStopPost"]


class _Repeated(dict):
    """A section's keys, keeping repeated ones (systemd allows Environment= many times) newline-joined."""

    def __setitem__(self, key, value):
        if isinstance(value, list) and isinstance(self.get(key), list):
            self[key].extend(value)  # configparser collects a key's lines in a list before joining them
        else:
            super().__setitem__(key, value)


def _unit(name: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, dict_type=_Repeated, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((DEPLOY / name).read_text(encoding="utf-8"), source=name)
    return parser


def _values(unit: configparser.RawConfigParser, section: str, key: str) -> list[str]:
    """Every value of a (possibly repeated) key, space-separated lists split."""
    raw = unit.get(section, key, fallback="")
    return [word for line in raw.splitlines() for word in line.split()]


def _environment(unit: configparser.RawConfigParser) -> dict[str, str]:
    lines = unit.get("Service", "Environment", fallback="").splitlines()
    return dict(line.split("=", 1) for line in lines)


def _exec_lines(unit: configparser.RawConfigParser) -> list[list[str]]:
    return [
        line.split() for key in EXEC_KEYS for line in unit.get("Service", key, fallback="").splitlines() if line.strip()
    ]


def _under(path: str, dirs: list[str]) -> bool:
    return any(PurePosixPath(path).is_relative_to(d) for d in dirs)


@pytest.mark.parametrize("name", UNITS)
def test_exec_commands_run_from_the_installs_venv(name):
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    commands = _exec_lines(_unit(name))
    assert commands, f"{name} runs nothing"
    for argv in commands:
        binary = PurePosixPath(argv[0])
        assert binary.parent == PurePosixPath(VENV_BIN), f"{name}: {binary} is not in {VENV_BIN}"
        # The same executable exists in this checkout's venv: a console script or the interpreter.
        assert binary.name in {*scripts, "prefect", "python"}
        assert (Path(sys.executable).parent / binary.name).exists()
        for arg in argv[1:]:
            if arg.startswith(f"{INSTALL}/"):  # a script of the repo, e.g. deploy/wait_for_api.py
                assert (ROOT / PurePosixPath(arg).relative_to(INSTALL)).is_file(), f"{name}: {arg} is not in the repo"


def test_serve_unit_requires_and_follows_the_prefect_unit():
    serve = _unit("newsmon-serve.service")
    assert "newsmon-prefect.service" in _values(serve, "Unit", "Requires")
    assert "newsmon-prefect.service" in _values(serve, "Unit", "After")
    assert _exec_lines(serve) == [[f"{VENV_BIN}/newsmon", "serve"]]


def test_serve_unit_talks_to_the_prefect_units_address():
    prefect_argv = _unit("newsmon-prefect.service").get("Service", "ExecStart").split()
    host = prefect_argv[prefect_argv.index("--host") + 1]
    port = prefect_argv[prefect_argv.index("--port") + 1]
    assert host == "127.0.0.1"  # the API has no authentication: loopback only
    assert _environment(_unit("newsmon-serve.service"))["PREFECT_API_URL"] == f"http://{host}:{port}/api"


@pytest.mark.parametrize("name", UNITS)
def test_units_run_unprivileged_and_write_only_the_state_dir(name):
    unit = _unit(name)
    service = unit["Service"]
    assert service["User"] not in {"", "root"}
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["Restart"] == "on-failure"
    writable = [p.lstrip("-") for p in _values(unit, "Service", "ReadWritePaths")]
    assert writable == [STATE]
    assert _under(service["WorkingDirectory"], writable)
    env = _environment(unit)
    assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert _under(env["PREFECT_HOME"], writable)


def test_serve_unit_reads_settings_and_stops_like_ctrl_c():
    service = _unit("newsmon-serve.service")["Service"]
    assert service["EnvironmentFile"] == "/etc/newsmon/newsmon.env"  # required: no settings, no start
    assert service["KillSignal"] == "SIGINT"


def _systemd_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines as systemd reads them (outer quotes removed)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            if len(value) > 1 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            values[key] = value
    return values


def test_env_example_reads_the_same_in_systemd_and_a_shell_and_keeps_data_writable(monkeypatch):
    example = DEPLOY / "newsmon.env.example"
    systemd_values = _systemd_env_file(example)
    shell = subprocess.run(
        [shutil.which("bash") or "/bin/bash", "-c", 'set -a; . "$0"; env -0', str(example)],
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        check=True,
    )
    shell_values = dict(item.split("=", 1) for item in shell.stdout.split("\0") if item)
    assert systemd_values
    assert {k: shell_values.get(k) for k in systemd_values} == systemd_values
    assert all(k.startswith(("NEWSMON_", "PREFECT_")) for k in systemd_values)

    for key, value in systemd_values.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("NEWSMON_CONFIG", str(example.with_suffix(".absent.toml")))
    settings = Settings()
    writable = [p.lstrip("-") for p in _values(_unit("newsmon-serve.service"), "Service", "ReadWritePaths")]
    assert _under(str(settings.warehouse_dir), writable)
    assert _under(str(settings.inbox), writable)
    assert settings.schedule_cron == "0 6 * * *"


def test_systemd_analyze_verify(tmp_path):
    """systemd's own parser on the units, with /opt/newsmon pointed at this checkout and its venv."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian: apt-get install systemd)")
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        text = text.replace(VENV_BIN, str(Path(sys.executable).parent)).replace(INSTALL, str(ROOT))
        (tmp_path / name).write_text(text, encoding="utf-8")
    done = subprocess.run(
        [analyze, "verify", *(str(tmp_path / name) for name in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # verify exits 0 on unknown keys and bad values too; it only says so on stderr, naming the unit.
    ours = [line for line in (done.stdout + done.stderr).splitlines() if any(n in line for n in UNITS)]
    assert done.returncode == 0, done.stdout + done.stderr
    assert ours == []


# ---------------------------------------------------------------- deploy/wait_for_api.py


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):
        self.send_response(self.status if self.path == "/api/health" else 404)
        self.end_headers()
        self.wfile.write(b"true")

    def log_message(self, *args):
        pass


@pytest.fixture
def health_server(request) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 answering /api/health with the given status."""
    handler = type("Handler", (_Health,), {"status": request.param})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/health"
    finally:
        server.shutdown()
        server.server_close()


def _wait_for_api(url: str, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(DEPLOY / "wait_for_api.py"), url, "--timeout", str(timeout)],
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize(("health_server", "code"), [(200, 0), (503, 1)], indirect=["health_server"])
def test_wait_for_api_waits_for_a_200(health_server, code):
    assert _wait_for_api(health_server, timeout=1).returncode == code


def test_wait_for_api_gives_up_on_a_closed_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    done = _wait_for_api(f"http://127.0.0.1:{port}/api/health", timeout=1)
    assert done.returncode == 1
    assert "did not answer 200 within 1 s" in done.stderr
