"""Quality gate: resolving TimeBank/AQUAINT DATE timexes against each document's DCT.

For every gold timex of type DATE, the resolver gets the timex text, the document creation
date and the tense read from the surrounding sentence; the share whose `value` matches the
gold TIMEX3 value exactly must stay above the floors pinned in tests/timebank_baseline.json.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from transforms.temporal import resolved_date, tense_near

BASELINE = Path(__file__).resolve().parents[1] / "timebank_baseline.json"
SOURCES = {"timebank": "tbaq_timebank.jsonl", "aquaint": "tbaq_aquaint.jsonl"}

pytestmark = pytest.mark.shared


def _expression_kind(text: str) -> str:
    """A coarse kind of expression, for reporting where the misses are."""
    s = text.lower()
    if re.search(r"monday|tuesday|wednesday|thursday|friday|saturday|sunday", s):
        return "weekday"
    if re.search(r"quarter|half|period", s):
        return "quarter/period"
    if re.search(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d", s):
        return "month day"
    if re.search(r"\b(january|february|march|april|may|june|july|august|september|october|"
                 r"november|december|jan|feb|aug|sept|oct|nov|dec)\b", s):  # fmt: skip
        return "month"
    if re.search(r"\bago\b|earlier|later", s):
        return "ago/earlier/later"
    if re.search(r"\b(this|last|next|past|coming|current) (week|month|year)", s):
        return "this/last/next unit"
    if re.search(r"\d{4}|nineteen|thousand|'\d0s|\d0s", s):
        return "year/decade"
    if re.search(r"spring|summer|fall|autumn|winter|weekend", s):
        return "season/weekend"
    if re.search(r"today|tonight|yesterday|tomorrow", s):
        return "day word"
    return "other"


def _error_kind(gold: str, got: str | None) -> str:
    if got is None:
        return "unresolved"
    if "X" in gold or (gold.startswith("P") and gold[1:2].isdigit()):
        return "gold underspecified/duration"
    if gold.endswith("_REF") != got.endswith("_REF"):
        return "vague vs specific"
    shape = re.sub(r"\d", "9", gold)
    if shape != re.sub(r"\d", "9", got):
        return "granularity"
    if gold[:4] != got[:4] and gold[4:] == got[4:]:
        return "year only"
    return "other value"


def _scored(corpora_dir: Path) -> list[dict[str, str | None]]:
    rows: list[dict[str, str | None]] = []
    for source, name in SOURCES.items():
        path = corpora_dir / "timebank" / name
        if not path.is_file():
            pytest.skip(f"{path} is absent")
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                doc = json.loads(line)
                reference = date.fromisoformat(doc["dct"][:10])
                focus = None  # the previous resolved mention, as date_mentions tracks it
                for timex in sorted(doc["timexes"], key=lambda t: t["start"]):
                    if timex["type"] != "DATE":
                        continue
                    tense = tense_near(doc["text"], timex["start"], timex["end"])
                    got = resolved_date(timex["text"], reference, tense=tense, focus=focus)
                    # Only a mention that stands on its own moves the focus.
                    if (
                        got
                        and not got.value.endswith("_REF")
                        and got == resolved_date(timex["text"], reference, tense=tense)
                    ):
                        focus = got
                    rows.append({
                        "source": source,
                        "text": timex["text"],
                        # The corpus writes some ISO weeks unpadded ("2000-W7"); same value.
                        "gold": re.sub(r"-W(\d)\b", r"-W0\1", timex["value"]),
                        "got": got.value if got else None,
                        "tense": tense,
                        "dct": reference.isoformat(),
                    })  # fmt: skip
    return rows


def _share(rows: list[dict[str, str | None]]) -> float:
    return sum(r["gold"] == r["got"] for r in rows) / len(rows) if rows else 0.0


def test_timebank_exact_match_stays_above_floor(corpora_dir: Path) -> None:
    rows = _scored(corpora_dir)
    floors = json.loads(BASELINE.read_text(encoding="utf-8"))
    shares = {"overall": _share(rows)}
    for source in SOURCES:
        shares[source] = _share([r for r in rows if r["source"] == source])

    misses = [r for r in rows if r["gold"] != r["got"]]
    print(
        f"\nTimeBank/AQUAINT DATE timexes: {len(rows)}, exact value match {shares['overall']:.1%}"
    )
    for source in SOURCES:
        n = sum(r["source"] == source for r in rows)
        print(f"  {source:9s} {shares[source]:.1%} of {n}")
    print("  misses by error kind:", dict(Counter(_error_kind(str(r["gold"]), r["got"])
                                                  for r in misses).most_common()))  # fmt: skip
    by_kind = Counter(_expression_kind(str(r["text"])) for r in rows)
    missed_kind = Counter(_expression_kind(str(r["text"])) for r in misses)
    print("  misses by expression kind (missed/total):",
          {k: f"{missed_kind[k]}/{by_kind[k]}" for k, _ in missed_kind.most_common()})  # fmt: skip
    common = Counter((str(r["text"]).lower(), r["gold"], r["got"]) for r in misses)
    print("  most common misses (text, gold, got):", common.most_common(8))

    for name, floor in floors.items():
        assert shares[name] >= floor, f"{name}: {shares[name]:.3f} fell below floor {floor}"
