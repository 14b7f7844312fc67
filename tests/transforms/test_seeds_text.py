"""The plain-text cleaner on the seed corpus, against ../shared/seeds/expected.json."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from transforms.text_clean import cleaned_text

pytestmark = pytest.mark.shared

# The replay's arrival days: the reference day each seed is cleaned against.
ARRIVAL_DAYS = {
    "000_a7080b2595b9d6d4.txt": date(2023, 6, 17),
    "001_a0b0b02e4a955bed.txt": date(2023, 6, 17),
    "002_d924579d91b88445.txt": date(2023, 6, 17),
    "003_81d969409292dfb7.txt": date(2023, 6, 18),
    "004_00bb0b47ee1a1f3c.txt": date(2023, 6, 19),
}


def _folded(s: str) -> str:
    """NFKC + whitespace folding, as expected.json says strings are compared."""
    return " ".join(unicodedata.normalize("NFKC", s).split())


@pytest.fixture(scope="module")
def expected(seeds_dir: Path) -> dict:
    return json.loads((seeds_dir / "expected.json").read_text(encoding="utf-8"))["articles"]


@pytest.mark.parametrize("name", sorted(ARRIVAL_DAYS))
def test_seed_text(name: str, seeds_dir: Path, expected: dict) -> None:
    want = expected[name]
    raw = (seeds_dir / name).read_bytes().decode("utf-8")
    got = cleaned_text(raw, reference_day=ARRIVAL_DAYS[name])
    text = _folded(got.text)

    if want.get("title") is None:
        assert got.title is None
    else:
        assert _folded(got.title or "") == _folded(want["title"])
        assert got.title_provenance == "headline_line"
    for phrase in want.get("must_contain", []):
        assert _folded(phrase) in text, phrase
    for phrase in want.get("must_not_contain", []):
        assert _folded(phrase) not in text, phrase
        assert _folded(phrase) not in _folded(got.title or ""), phrase
    stated = want.get("published_date")
    assert got.stated_published == (date.fromisoformat(stated) if stated else None)
    if "must_not_be_published_date" in want:
        assert got.stated_published != date.fromisoformat(want["must_not_be_published_date"])
    if "dateline" in want:
        assert got.dateline_place is not None
        assert _folded(got.dateline_place) == _folded(want["dateline"]["place"])
        assert got.dateline_date == date.fromisoformat(want["dateline"]["date"])


@pytest.mark.parametrize("name", sorted(ARRIVAL_DAYS))
def test_seed_removals_are_recorded(name: str, seeds_dir: Path) -> None:
    """Everything the cleaner drops is listed with a reason, and the text keeps no chrome."""
    raw = (seeds_dir / name).read_bytes().decode("utf-8")
    got = cleaned_text(raw, reference_day=ARRIVAL_DAYS[name])
    assert all(line and reason for line, reason in got.removed)
    assert "\ufffd" not in got.text
    assert "\u00a0" not in got.text
