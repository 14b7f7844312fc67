"""Print how the events stage's text work grows with a text's length: CPU seconds at n and 4n.

Usage: python bench/bench_long_text.py [--sentences 1000]

Three steps that were quadratic in a text's length (a 4.8 MB inbox file held a run for hours):
`temporal.date_mentions`, `events.article_events` (each trigger's dates and mentions) and
`events.merged_events` (reports alike in everything they are compared on). Each runs on n and on
4n generated dated sentences; the ratio of their CPU times is ~4 where the cost follows the length
and ~16 where it grows with its square. Figures, not assertions: the machine is shared.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsmon.models import Article  # noqa: E402
from transforms.entities import Entity, EntityMention  # noqa: E402
from transforms.events import article_events, merged_events  # noqa: E402
from transforms.temporal import date_mentions  # noqa: E402

DAY = date(2026, 3, 4)
DATED = "The plan was approved on Tuesday after a long debate about costs and the new routes. "
MEETING = "Okafor met Baptiste in Ashcombe on Tuesday. "
ENTITIES = {
    "person_okafor": Entity(entity_id="person_okafor", canonical_name="Marguerite Okafor", type="PERSON"),
    "person_baptiste": Entity(entity_id="person_baptiste", canonical_name="Roland Baptiste", type="PERSON"),
    "gpe_ashcombe": Entity(entity_id="gpe_ashcombe", canonical_name="Ashcombe", type="GPE"),
}
_SURFACES = {"Okafor": ("person_okafor", "PERSON"), "Baptiste": ("person_baptiste", "PERSON")}
_SURFACES["Ashcombe"] = ("gpe_ashcombe", "GPE")


def _cpu(step: Callable[[], object]) -> float:
    start = time.process_time()
    step()
    return time.process_time() - start


def _meeting_article(n: int) -> tuple[Article, list[EntityMention]]:
    text = MEETING * n
    article = Article(
        article_id="long",
        doc_id="long",
        day=DAY,
        text=text,
        source="bench",
        published_at=datetime(2026, 3, 4),
        published_provenance="sidecar",
        word_count=len(text.split()),
        content_hash="long",
    )
    mentions = []
    for i in range(n):
        offset = i * len(MEETING)
        for surface, (entity_id, label) in _SURFACES.items():
            start = offset + MEETING.index(surface)
            mentions.append(
                EntityMention(
                    article_id="long",
                    entity_id=entity_id,
                    surface=surface,
                    start=start,
                    end=start + len(surface),
                    sentence_index=i,
                    in_headline=False,
                    in_lead=i == 0,
                    label=label,
                    how="bench",
                )
            )
    return article, mentions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=1000, help="n; each step also runs on 4n")
    n = parser.parse_args().sentences

    def dates(k: int) -> Callable[[], object]:
        return lambda: date_mentions(DATED * k, DAY)

    def events(k: int) -> Callable[[], object]:
        article, mentions = _meeting_article(k)
        return lambda: article_events(article, mentions, ENTITIES)

    def merge(k: int) -> Callable[[], object]:
        article, mentions = _meeting_article(1)
        (one,) = article_events(article, mentions, ENTITIES)
        reports = [one.model_copy(update={"start_char": i, "mention_id": f"m{i}"}) for i in range(k)]
        return lambda: merged_events(reports, ENTITIES)

    print(f"{'step':<28}{'items':>8}{'CPU s':>9}{'x4 items':>10}{'CPU s':>9}{'ratio':>8}")
    # merged_events gets six reports per sentence: it is cheap per report
    for name, make, k in (
        ("temporal.date_mentions", dates, n),
        ("events.article_events", events, n),
        ("events.merged_events", merge, 6 * n),
    ):
        small, large = _cpu(make(k)), _cpu(make(4 * k))
        print(f"{name:<28}{k:>8}{small:>9.2f}{4 * k:>10}{large:>9.2f}{large / max(small, 1e-9):>8.1f}")
    print("ratio ~4: cost follows the length; ~16: it grows with its square")


if __name__ == "__main__":
    main()
