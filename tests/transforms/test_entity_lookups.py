"""The entity rules' indexed look-ups find exactly what testing every candidate finds (they exist for speed)."""

from __future__ import annotations

import itertools
import random

import pytest

from transforms.entities import Entity, _Cand, _FullNames, _longest_first, _new_entity, _overlaps, name_words
from transforms.entity_rules import is_typo_of, name_token_keys, name_tokens, slips_among, typo_forms

_WORDS = ["".join(w) for n in range(1, 6) for w in itertools.product("abm", repeat=n)]


@pytest.mark.parametrize("word", _WORDS)
def test_typo_forms_hold_every_word_a_slip_is_of(word):
    assert {t for t in _WORDS if is_typo_of(word, t)} <= typo_forms(word)


@pytest.mark.parametrize("word", ["smtih", "smitth", "smyth", "jon", "smith", "o'brein", "ab"])
def test_slips_among_is_every_word_the_typo_is_a_slip_of(word):
    words = {"smith", "john", "o'brien", "ba", "abb", "xi"} | set(_WORDS)
    assert slips_among(word, words) == {t for t in words if is_typo_of(word, t)}


def test_name_tokens_cached_as_a_tuple_returned_as_a_list():
    assert name_tokens("Xi Jinping") == ["xi", "jinping"]
    assert name_token_keys("Jean-Luc Brassard") == ("jean", "luc", "brassard")
    tokens = name_tokens("Xi Jinping")
    tokens.append("x")  # a caller's list is its own
    assert name_tokens("Xi Jinping") == ["xi", "jinping"]


def _brute_one(full_names: list[tuple[tuple[int, int], Entity]], test) -> Entity | None:
    found = {e.entity_id: e for _, e in full_names if test(e.canonical_name)}
    return next(iter(found.values())) if len(found) == 1 else None


def test_full_names_index_finds_what_a_scan_finds():
    rng = random.Random(7)  # noqa: S311 (fixed test names, not security)
    firsts = ["John", "Jon", "Mark", "Marc", "Anna", "Ana", "Jean-Luc"]
    lasts = ["Smith", "Smtih", "Smitth", "Brown", "Borwn", "Lee", "Asante-Boateng", "Asnate-Boateng"]
    for _ in range(200):
        full = _FullNames()
        entries = []
        for pos in range(rng.randint(0, 12)):
            name = " ".join(rng.sample(firsts, 1) + rng.sample(lasts, rng.randint(1, 2)))
            entry = ((1, pos), _new_entity(name, "PERSON"))
            full.append(entry)
            entries.append(entry)
        for word in {*(w.casefold() for w in firsts + lasts), "smiht", "leee", "boateng"}:
            assert full.with_word(word) == [(p, e) for p, e in entries if word in name_words(e.canonical_name)]
            expect = _brute_one(entries, lambda n, w=word: any(is_typo_of(w, t) for t in name_token_keys(n)))
            assert full.slip_of_word(word) == expect
        for first, last in itertools.product(firsts, lasts):
            toks = name_token_keys(f"{first} {last}")

            def slip(name: str, toks=toks) -> bool:
                ts = name_token_keys(name)
                return (
                    len(ts) == len(toks)
                    and sum(a != b for a, b in zip(toks, ts, strict=True)) == 1
                    and all(a == b or is_typo_of(a, b) for a, b in zip(toks, ts, strict=True))
                )

            assert full.slip_of_name(toks) == _brute_one(entries, slip)


def test_longest_first_keeps_what_comparing_with_every_kept_span_keeps():
    rng = random.Random(11)  # noqa: S311 (fixed test spans, not security)
    for _ in range(500):
        cands = []
        for _ in range(rng.randint(0, 25)):
            start = rng.randint(0, 60)
            cands.append(_Cand(rng.random() < 0.3, start, start + rng.randint(0, 12), "ORG", "ORG"))
        kept: list[_Cand] = []
        for c in sorted(cands, key=lambda c: (-(c.end - c.start), (0 if c.in_headline else 1, c.start))):
            if not any(_overlaps(c, k) for k in kept):
                kept.append(c)
        assert [id(c) for c in _longest_first(cands)] == [id(c) for c in kept]
