"""A temporary Prefect API for one-off runs, that never outlives newsmon.

Prefect starts its own "ephemeral" server in a child process when no PREFECT_API_URL is
set, and stops it at exit; but a newsmon killed with SIGKILL (or whose parent kills only the
main process) leaves that server running, an orphan holding a port. This starts the same
server (uvicorn + Prefect's app factory, as Prefect does) with the kernel told to end it
when newsmon ends (PR_SET_PDEATHSIG on Linux), and starts it first, so it boots while
newsmon imports Prefect, Great Expectations and spaCy.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import functools
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

_PR_SET_PDEATHSIG = 1
_EPHEMERAL_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}


class TemporaryApi:
    """A Prefect API server child process on a free loopback port."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "prefect.server.api.server:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "error",
                "--lifespan",
                "on",
            ],
            env={**os.environ, **_EPHEMERAL_ENV},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            # no threads yet when this runs (before Prefect is imported), so preexec_fn is safe
            preexec_fn=functools.partial(_die_with_parent, os.getpid()),
        )

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Block until the API answers its health check (RuntimeError if it exits or never answers)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the temporary Prefect server exited with code {self.process.returncode}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/health", timeout=2) as response,  # noqa: S310 (loopback)
            ):
                if response.status == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"the temporary Prefect server did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        """End the server (SIGTERM, then SIGKILL after 5 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextlib.contextmanager
def prefect_api() -> Iterator[TemporaryApi | None]:
    """The configured Prefect API (None) or a temporary one, as PREFECT_API_URL from now on.

    Call `wait_ready()` on a temporary one before the first flow runs (after the slow imports).
    The server stops at interpreter exit, after Prefect's own exit handlers have sent the last
    logs and events (stopping it when the block ends left them retrying a dead port for ~90 s);
    a signal or a kill ends it through the kernel (PR_SET_PDEATHSIG) or `_stop_children`.
    """
    if os.environ.get("PREFECT_API_URL"):
        yield None
        return
    api = TemporaryApi()
    os.environ["PREFECT_API_URL"] = api.url
    atexit.register(api.stop)  # registered before Prefect is imported, so it runs after Prefect's handlers
    yield api


def _die_with_parent(parent: int) -> None:
    """In the child, before exec: have the kernel send SIGTERM when the parent process dies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(0)
