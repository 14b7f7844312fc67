"""Progress a person can see: a bar for long stages when stderr is a terminal; elsewhere (cron,
systemd, CI, tests) nothing changes and the stages' plain log lines are all there is.

`NEWSMON_PROGRESS=off` turns the bars off on a terminal too.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator

Advance = Callable[[int], None]


def _none(_n: int = 1) -> None:
    return None


def on_terminal() -> bool:
    """Whether progress bars are shown: stderr is a terminal and they are not turned off."""
    return sys.stderr.isatty() and os.environ.get("NEWSMON_PROGRESS", "").lower() not in ("off", "0", "false", "no")


@contextlib.contextmanager
def progress_bar(label: str, total: int) -> Iterator[Advance]:
    """A function that advances a bar of `total` steps (a no-op off a terminal); the bar goes when done."""
    if total <= 1 or not on_terminal():
        yield _none
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(file=sys.stderr)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        redirect_stderr=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n=1: bar.advance(task, n)
