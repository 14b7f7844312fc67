"""Exact, near and rewrite duplicates: seeds, the sample corpus, and table-driven cases."""

from __future__ import annotations

import itertools
import json
from datetime import date, datetime, timedelta

import pytest

from tests.transforms.corpus_articles import HARD_CASES, sample_articles, seed_articles
from transforms.duplicates import TextDoc, content_terms, duplicates, name_terms
from transforms.stories import story


def _doc(key, article) -> TextDoc:
    return TextDoc(
        article_id=key,
        day=article.day,
        published_at=article.published_at,
        text=article.text,
        title=article.title,
        source=article.source,
        content_hash=article.content_hash,
        canonical_url=article.canonical_url,
    )


def _hard_docs() -> list[TextDoc]:
    return [
        TextDoc(
            article_id=name,
            day=date.fromisoformat(d),
            published_at=datetime.fromisoformat(d),
            text=text,
            title=title,
            source=name.split("_")[1],
        )
        for name, d, _, title, text in HARD_CASES
    ]


def _pairwise(found, keys, expected_pairs) -> tuple[int, int, int]:
    flagged = {frozenset((d.article_id, d.duplicate_of)) for d in found}
    want = {frozenset(p) for p in expected_pairs}
    all_pairs = {frozenset(p) for p in itertools.combinations(keys, 2)}
    correct = sum(1 for p in all_pairs if (p in flagged) == (p in want))
    return correct, len(all_pairs), len(flagged & want)


def test_seed_000_and_001_are_the_only_pair_and_a_rewrite(seeds_dir):
    expected = json.loads((seeds_dir / "expected.json").read_text())["duplicates"][
        "near_duplicate_pairs"
    ]
    docs = [_doc(k, a) for k, a in seed_articles(seeds_dir).items()]
    # The seeds arrive over three days: each day's run sees the earlier days.
    found = []
    for day in sorted({d.day for d in docs}):
        found += duplicates([d for d in docs if d.day == day], [d for d in docs if d.day < day])
    assert [({d.article_id, d.duplicate_of}, d.kind) for d in found] == [
        (set(expected[0]), "rewrite")
    ]
    correct, total, _ = _pairwise(found, [d.article_id for d in docs], expected)
    print(f"\nseeds: {correct}/{total} pairs right; 000/001 rewrite score {found[0].score}")


def test_same_story_reports_are_not_duplicates_of_the_seeds(seeds_dir):
    docs = [_doc(k, a) for k, a in seed_articles(seeds_dir).items()]
    hard = _hard_docs()
    found = duplicates(hard, docs)
    assert found == [], found


def test_sample_rewrite_pair_only():
    articles = {k: a for k, a in sample_articles().items() if a.word_count >= 40}
    want = json.loads(
        (sample_articles.__globals__["ROOT"] / "samples" / "expected.json").read_text()
    )
    docs = [_doc(k, a) for k, a in articles.items()]
    found = []
    for day in sorted({d.day for d in docs}):
        found += duplicates([d for d in docs if d.day == day], [d for d in docs if d.day < day])
    assert [({d.article_id, d.duplicate_of}, d.kind in {"near", "rewrite"}) for d in found] == [
        (set(want["near_duplicate_pairs"][0]), True)
    ]
    correct, total, _ = _pairwise(found, list(articles), want["near_duplicate_pairs"])
    print(f"\nsample: {correct}/{total} pairs right; {found[0].kind} score {found[0].score}")


_BASE = (
    "The city council approved a new budget on Tuesday after a long debate about road repairs. "
    "Mayor Alice Brown said the plan would fix forty bridges by 2027. Opposition leader Tom Reyes "
    "called the spending reckless and said taxes would rise. "
    "The budget passed by nine votes to six. "
    "Work on the first bridges over the Avon river starts in May, officials said. Residents at the "
    "meeting asked about bus routes, which the plan does not change."
)


def _t(article_id, text=_BASE, day=date(2026, 3, 2), hour=9, **kw) -> TextDoc:
    return TextDoc(
        article_id=article_id,
        day=day,
        published_at=datetime(day.year, day.month, day.day, hour),
        text=text,
        **kw,
    )


@pytest.mark.parametrize(
    ("docs", "expected"),
    [
        pytest.param(
            [_t("a", content_hash="h"), _t("b", text="other words entirely", content_hash="h")],
            [("b", "a", "exact")],
            id="same content hash",
        ),
        pytest.param(
            [
                _t("a", canonical_url="https://x.example/s"),
                _t(
                    "b", text="A later version. " + _BASE[:200], canonical_url="https://x.example/s"
                ),
            ],
            [("b", "a", "exact")],
            id="same canonical url",
        ),
        pytest.param(
            [
                _t("a"),
                _t("b", text=_BASE.replace("Tuesday", "Tuesday evening") + " Share this story."),
            ],
            [("b", "a", "near")],
            id="light edit is near",
        ),
        pytest.param(
            [_t("b", hour=8), _t("a", text=_BASE + " Read more.", hour=10)],
            [("a", "b", "near")],
            id="points at the earliest published",
        ),
        pytest.param(
            [_t("b"), _t("a", text=_BASE + " Read more.")],
            [("b", "a", "near")],
            id="ties broken by id",
        ),
        pytest.param(
            [_t("a"), _t("c", text=_BASE + " More."), _t("b", text=_BASE + " Again.")],
            [("b", "a", "near"), ("c", "a", "near")],
            id="all copies point at the first",
        ),
        pytest.param(
            [
                _t("a"),
                _t("b", text="Completely unrelated text about football and the weather. " * 5),
            ],
            [],
            id="unrelated",
        ),
    ],
)
def test_duplicate_cases(docs, expected):
    assert [(d.article_id, d.duplicate_of, d.kind) for d in duplicates(docs)] == expected


def test_earlier_days_are_candidates_within_the_window_only():
    old = _t("old", day=date(2026, 2, 1))
    recent = _t("recent", day=date(2026, 3, 1))
    new = _t("new", text=_BASE + " Update.", day=date(2026, 3, 2))
    assert [(d.duplicate_of, d.kind) for d in duplicates([new], [recent])] == [("recent", "near")]
    assert duplicates([new], [old]) == []
    # Rows come only for the run's articles, never for the earlier ones.
    assert [
        d.article_id
        for d in duplicates([new], [recent, _t("r2", text=_BASE + " x", day=date(2026, 3, 1))])
    ] == ["new"]


def test_a_later_day_article_never_becomes_the_original():
    """An earlier day's article stays the original even if the new one claims an earlier date."""
    earlier_day = _t("late", day=date(2026, 3, 1), hour=20)
    back_dated = TextDoc(
        article_id="a",
        day=date(2026, 3, 2),
        published_at=datetime(2026, 2, 28),
        text=_BASE + " Extra.",
    )
    assert [(d.article_id, d.duplicate_of) for d in duplicates([back_dated], [earlier_day])] == [
        ("a", "late")
    ]


def test_features():
    assert content_terms("U.S. officials said the talks were meetings")[:1] == ["usa"]
    assert (
        "talk" in content_terms("talks")
        and "us" not in content_terms("let us go")
        and "usa" in content_terms("the US")
    )
    assert "antony blinken" in name_terms(
        "Secretary of State Antony Blinken flew. Then Antony Blinken met Xi."
    )
    assert "then" not in name_terms("Then he left.")


def test_story_counts_a_duplicate_once():
    a = _t("a", source="Courier")
    b = _t("b", text=_BASE + " Copy.", source="Coastline")
    c = _t("c", text="Another report on the budget.", source="Wire", hour=12)
    s = story("story_1", [a, b, c], duplicate_of={"b": "a"})
    assert (s.article_count, s.report_count, s.source_count) == (3, 2, 2)
    assert s.first_seen == a.published_at and s.last_seen == c.published_at
    assert (s.last_seen - s.first_seen) == timedelta(hours=3)
