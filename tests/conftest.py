"""Shared fixtures: where ../shared is, skipping cleanly when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSMON_SHARED", ROOT.parent / "shared"))

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`make test` runs the suite on two pytest-xdist workers with `--dist loadgroup`. As there, the tests
    marked `xdist_group(name)` go to one worker together (the users of the session's sample runs, in
    tests/flows/: the runs are made once, not once per worker); here the other tests go to a worker a
    whole module at a time, as with `--dist loadfile`, not one test at a time: a module's fixtures (a
    hostile day's run, a Prefect server, a browser) are made once. Modules are handed out in collection
    order (`--no-loadscope-reorder`), the slow tests/flows/ ones before the many quick ones after them."""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class GroupOrModuleScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)  # the group's name, or the nodeid itself when it has none
            return nodeid.split("::", 1)[0] if scope == nodeid else scope

    return GroupOrModuleScheduling(config, log)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared, or skip the test where a user's clone has none."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (it ships only with the team's workspace)")
    return SHARED


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    """../shared/seeds."""
    path = shared_dir / "seeds"
    if not path.is_dir():
        pytest.skip(f"{path} is absent")
    return path


@pytest.fixture(scope="session")
def corpora_dir(shared_dir: Path) -> Path:
    """../shared/corpora."""
    path = shared_dir / "corpora"
    if not path.is_dir():
        pytest.skip(f"{path} is absent")
    return path


CHROMIUM = Path(os.environ.get("NEWSMON_CHROMIUM", "/usr/bin/chromium"))
# No background traffic: this machine's network is closed and the pages under test are file:// only.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium from the system (never a downloaded one) driven by playwright, or skip."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
