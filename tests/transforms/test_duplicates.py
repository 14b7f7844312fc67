"""Exact, near and rewrite duplicates: seeds, the sample corpus, and table-driven cases."""

from __future__ import annotations

import itertools
import json
from datetime import date, datetime, timedelta

import pytest

from tests.transforms.corpus_articles import HARD_CASES, sample_articles, seed_articles
from transforms.duplicates import (
    ALIGN_JACCARD,
    TextDoc,
    aligned_share,
    content_terms,
    duplicates,
    name_terms,
    tfidf_matrix,
)
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
    expected = json.loads((seeds_dir / "expected.json").read_text())["duplicates"]["near_duplicate_pairs"]
    docs = [_doc(k, a) for k, a in seed_articles(seeds_dir).items()]
    # The seeds arrive over three days: each day's run sees the earlier days.
    found = []
    for day in sorted({d.day for d in docs}):
        found += duplicates([d for d in docs if d.day == day], [d for d in docs if d.day < day])
    assert [({d.article_id, d.duplicate_of}, d.kind) for d in found] == [(set(expected[0]), "rewrite")]
    correct, total, _ = _pairwise(found, [d.article_id for d in docs], expected)
    print(f"\nseeds: {correct}/{total} pairs right; 000/001 rewrite score {found[0].score}")


def test_same_story_reports_are_not_duplicates_of_the_seeds(seeds_dir):
    docs = [_doc(k, a) for k, a in seed_articles(seeds_dir).items()]
    hard = _hard_docs()
    found = duplicates(hard, docs)
    assert found == [], found


def test_sample_rewrite_pair_only():
    articles = {k: a for k, a in sample_articles().items() if a.word_count >= 40}
    want = json.loads((sample_articles.__globals__["ROOT"] / "samples" / "expected.json").read_text())
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
                _t("b", text="A later version. " + _BASE[:200], canonical_url="https://x.example/s"),
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
    assert [d.article_id for d in duplicates([new], [recent, _t("r2", text=_BASE + " x", day=date(2026, 3, 1))])] == [
        "new"
    ]


def test_a_later_day_article_never_becomes_the_original():
    """An earlier day's article stays the original even if the new one claims an earlier date."""
    earlier_day = _t("late", day=date(2026, 3, 1), hour=20)
    back_dated = TextDoc(
        article_id="a",
        day=date(2026, 3, 2),
        published_at=datetime(2026, 2, 28),
        text=_BASE + " Extra.",
    )
    assert [(d.article_id, d.duplicate_of) for d in duplicates([back_dated], [earlier_day])] == [("a", "late")]


def test_features():
    assert content_terms("U.S. officials said the talks were meetings")[:1] == ["usa"]
    assert (
        "talk" in content_terms("talks") and "us" not in content_terms("let us go") and "usa" in content_terms("the US")
    )
    assert "antony blinken" in name_terms("Secretary of State Antony Blinken flew. Then Antony Blinken met Xi.")
    assert "then" not in name_terms("Then he left.")


def test_story_counts_a_duplicate_once():
    a = _t("a", source="Courier")
    b = _t("b", text=_BASE + " Copy.", source="Coastline")
    c = _t("c", text="Another report on the budget.", source="Wire", hour=12)
    s = story("story_1", [a, b, c], duplicate_of={"b": "a"})
    assert (s.article_count, s.report_count, s.source_count) == (3, 2, 2)
    assert s.first_seen == a.published_at and s.last_seen == c.published_at
    assert (s.last_seen - s.first_seen) == timedelta(hours=3)


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("U.S.-led talks resumed", ["usa", "led", "talk", "resum"]),
        ("The US said the U.S.A. would", ["usa", "usa"]),
        ("let us go", []),
        ("Mr O’Neil’s co-operation with the UN’s envoy", ["o'neil", "co", "operation", "un", "envoy"]),
        ("Talks, meetings and ratings", ["talk", "meeting", "rating"]),
        ("3,500 jobs in 2026; 7.5 per cent", ["3500", "job", "2026", "75"]),
        ("glasses classes stress", ["glass", "class", "stress"]),
        ("A-B-C e-mail x-ray", ["mail", "ray"]),
        ("Boris Johnson's children's charities", ["bori", "johnson", "children", "charity"]),
    ],
)
def test_content_terms_cases(text, terms):
    # the same words twice: the second time they come from the per-word memo
    assert content_terms(text) == terms
    assert content_terms(f"{text} {text}") == terms + terms


def _aligned_share_by_pairs(a, b) -> float:
    """The definition aligned_share implements: every sentence against every sentence."""

    def jaccard(x, y) -> float:
        return len(x & y) / len(x | y) if x and y else 0.0

    def share(xs, ys) -> float:
        if not xs or not ys:
            return 0.0
        return sum(1 for x in xs if any(jaccard(x, y) >= ALIGN_JACCARD for y in ys)) / len(xs)

    return max(share(a, b), share(b, a))


def _terms(n: int, prefix: str = "t") -> frozenset[str]:
    return frozenset(f"{prefix}{i}" for i in range(n))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param([], [_terms(6)], 0.0, id="no sentences"),
        pytest.param([_terms(6)], [_terms(6)], 1.0, id="the same sentence"),
        # 7 shared of 20 in all: exactly the bar (7 / 20 = 0.35) counts
        pytest.param([_terms(13)], [_terms(7) | _terms(7, "y")], 1.0, id="at the bar"),
        pytest.param([_terms(14)], [_terms(7) | _terms(7, "y")], 0.0, id="just under the bar"),
        pytest.param([_terms(6), _terms(6, "z")], [_terms(6)], 1.0, id="the better side counts"),
        pytest.param(
            [_terms(6), _terms(6, "z"), _terms(6, "q")], [_terms(6), _terms(6, "w")], 0.5, id="half of each side"
        ),
    ],
)
def test_aligned_share_cases(a, b, expected):
    assert aligned_share(a, b) == expected == _aligned_share_by_pairs(a, b)


def test_aligned_share_is_the_pairwise_definition_on_real_text(seeds_dir):
    articles = [*seed_articles(seeds_dir).values(), *sample_articles().values()]
    docs = [_doc(str(i), a) for i, a in enumerate(articles)] + _hard_docs()
    sentences = [d.sentence_terms for d in docs]
    for a, b in itertools.product(sentences, repeat=2):
        assert aligned_share(a, b) == _aligned_share_by_pairs(a, b)


def _tfidf_by_loops(term_lists, prefix_weights=None):
    """tfidf_matrix as first written, term by term: the numbers it must keep to the last bit."""
    import math
    from collections import Counter

    import numpy as np
    from scipy import sparse

    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for r, terms in enumerate(term_lists):
        for term, n in Counter(terms).items():
            rows.append(r)
            cols.append(vocab.setdefault(term, len(vocab)))
            vals.append(1.0 + math.log(n))
    matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(len(term_lists), len(vocab)), dtype=np.float64)
    df = np.bincount(matrix.indices, minlength=len(vocab))
    idf = np.log((1 + len(term_lists)) / (1 + df)) + 1.0
    if prefix_weights:
        idf = idf * np.array([prefix_weights.get(t[:1], 1.0) for t in vocab])
    matrix = matrix @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


@pytest.mark.parametrize("weights", [None, {"@": 1.5}], ids=["words", "words and names"])
def test_tfidf_matrix_keeps_its_numbers(seeds_dir, weights):
    articles = [*seed_articles(seeds_dir).values(), *sample_articles().values()]
    docs = [_doc(str(i), a) for i, a in enumerate(articles)] + _hard_docs()
    term_lists = [d.terms + ["@" + n for n in d.names] for d in docs]
    for lists in (term_lists, term_lists[:1], [[], *term_lists[:3], []], [], [["x", "x", "y"]]):
        got, want = tfidf_matrix(lists, weights), _tfidf_by_loops(lists, weights)
        assert got.shape == want.shape
        assert (got.indptr == want.indptr).all() and (got.indices == want.indices).all()
        assert (got.data == want.data).all()
