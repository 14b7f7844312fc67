"""A real PostgreSQL server for a test: Debian's `postgresql` binaries, a fresh cluster in a temporary
folder, reachable only through a Unix socket there (no TCP port), stopped and removed afterwards.

As root (CI, this machine) the cluster runs as the `postgres` user, since PostgreSQL refuses to
run as root. `.ci/run` installs the package where it is missing; elsewhere the tests that need it
skip with the reason.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

PORT = 5432  # only names the socket file: the server listens on no TCP address


def bin_dir() -> Path | None:
    """Where initdb and pg_ctl are (Debian keeps them out of PATH), or None."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[4]))
    return versions[-1].parent if versions else None


def _as_server_user(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server; yield a libpq connection string to its `postgres` database."""
    bindir = bin_dir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    home = Path(tempfile.mkdtemp(prefix="newsmon-pg-"))  # under /tmp: pytest's tmp_path is closed to other users
    data = home / "data"
    try:
        if os.geteuid() == 0:
            shutil.chown(home, "postgres")
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True}
        subprocess.run(
            _as_server_user([str(bindir / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres", "-E", "UTF8"]),
            **quiet,
        )
        options = f"-k {home} -c listen_addresses='' -p {PORT} -c fsync=off"
        log = str(home / "log")
        subprocess.run(
            _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", log, "-w", "start"]), **quiet
        )
        try:
            yield f"host={home} port={PORT} user=postgres dbname=postgres"
        finally:
            subprocess.run(
                _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
    finally:
        shutil.rmtree(home, ignore_errors=True)
