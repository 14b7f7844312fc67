"""Quality gate: html_article on trafilatura's evaluation set must not fall below pinned floors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.eval_extraction import gold_pages, halves, scored

BASELINE = Path(__file__).resolve().parents[1] / "eval_baseline.json"

pytestmark = [pytest.mark.shared, pytest.mark.slow]


@pytest.fixture(scope="module")
def eval_dir(corpora_dir: Path) -> Path:
    path = corpora_dir / "trafilatura-eval"
    if not (path / "gold.json").is_file():
        pytest.skip(f"{path}/gold.json is absent")
    return path


def test_extraction_meets_baseline(eval_dir: Path) -> None:
    floors = json.loads(BASELINE.read_text(encoding="utf-8"))["floors"]
    split = halves(gold_pages(eval_dir))
    # The heuristics were tuned on the tune half; the report half shows how they hold up unseen.
    tune, report = scored(split["tune"]), scored(split["report"])
    scores = tune + report
    figures = scores.figures()
    print(f"\ntrafilatura-eval: {scores.pages} pages, {scores.ms_per_page:.1f} ms/page")
    print(f"  {'':<16} {'all':>7} {'tune':>7} {'report':>7}  floor")
    for name, floor in floors.items():
        print(
            f"  {name:<16} {figures[name]:7.4f} {tune.figures()[name]:7.4f} {report.figures()[name]:7.4f}  {floor:.4f}"
        )
    below = {name: figures[name] for name, floor in floors.items() if figures[name] < floor}
    assert not below, f"below the pinned floors in {BASELINE.name}: {below}"
