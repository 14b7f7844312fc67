"""Great Expectations is imported on first use, with the garbage collector left as it was found."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.split()


@pytest.mark.parametrize("collecting", [True, False])
def test_first_use_imports_gx_and_freezes_what_the_import_made(collecting: bool) -> None:
    code = (
        "import gc, sys\n"
        f"gc.enable() if {collecting} else gc.disable()\n"
        "from expectations import load_suite\n"
        "before = gc.get_freeze_count()\n"
        "load_suite('documents')\n"
        "print('great_expectations' in sys.modules, before, gc.get_freeze_count() > 100_000, gc.isenabled())\n"
    )
    assert _run(code) == ["True", "0", "True", str(collecting)]


def test_a_second_use_freezes_nothing_more() -> None:
    code = (
        "import gc\n"
        "from expectations import load_suite\n"
        "load_suite('documents')\n"
        "frozen = gc.get_freeze_count()\n"
        "load_suite('articles')\n"
        "print(gc.get_freeze_count() <= frozen)\n"
    )
    assert _run(code) == ["True"]


def test_modules_our_suites_do_not_use_are_loaded_only_when_used() -> None:
    """scipy.stats and altair (KL divergence, distribution charts) are not run at start-up; used, they work."""
    code = (
        "import sys, importlib.util\n"
        "from expectations import load_suite\n"
        "from expectations.runner import validate_frame\n"
        "load_suite('documents')\n"
        "lazy = [type(sys.modules[name]).__name__ for name in ('scipy.stats', 'altair')]\n"
        "import scipy.stats\n"
        "used = round(float(scipy.stats.entropy([0.5, 0.5], [0.5, 0.5])), 3)\n"
        "print(*lazy, used, type(sys.modules['scipy.stats']).__name__)\n"
        "print(any(type(f).__name__ == '_LazyFinder' for f in sys.meta_path))\n"
    )
    assert _run(code) == ["_LazyModule", "_LazyModule", "0.0", "module", "False"]
