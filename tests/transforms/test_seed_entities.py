"""The seeds' expected entities (../shared/seeds/expected.json "entities")."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from flows.gazetteer import installed_gazetteer
from transforms.entities import ArticleText, EntityResult, entity_mentions, load_nlp, resolve_alias
from transforms.entity_rules import leading_title

pytestmark = pytest.mark.shared


def _minimal_clean(raw: str) -> str:
    """Just enough cleaning for NER: NBSP to space, U+FFFD dropped (the real cleaner does more)."""
    return re.sub(r"[ \t]+", " ", raw.replace("\u00a0", " ").replace("\ufffd", ""))


@pytest.fixture(scope="session")
def seed_articles(seeds_dir: Path) -> list[ArticleText]:
    return [
        ArticleText(article_id=p.stem, text=_minimal_clean(p.read_text(encoding="utf-8")))
        for p in sorted(seeds_dir.glob("*.txt"))
    ]


@pytest.fixture(scope="session")
def seed_result(seed_articles) -> EntityResult:
    return entity_mentions(seed_articles, load_nlp(), gazetteer=installed_gazetteer())


@pytest.fixture(scope="session")
def expected(seeds_dir: Path) -> list[dict]:
    return json.loads((seeds_dir / "expected.json").read_text(encoding="utf-8"))["entities"][
        "canonical"
    ]


def _canonical(result: EntityResult, entity_id: str) -> tuple[str, str]:
    e = next(e for e in result.entities if e.entity_id == entity_id)
    return e.canonical_name, e.type


def test_expected_entities_exist(seed_result, expected):
    have = {(e.canonical_name, e.type) for e in seed_result.entities}
    for item in expected:
        assert (item["name"], item["type"]) in have


def test_every_alias_resolves(seed_result, expected):
    for item in expected:
        for alias in item["aliases"]:
            got = [(e.canonical_name, e.type) for e in resolve_alias(alias, seed_result)]
            assert got == [(item["name"], item["type"])], alias


def test_every_alias_is_learned_from_the_seeds(seed_result, expected):
    learned = {(a.alias, _canonical(seed_result, a.entity_id)) for a in seed_result.aliases}
    for item in expected:
        for alias in item["aliases"]:
            assert (alias, (item["name"], item["type"])) in learned, alias


def test_mentions_of_aliases_resolve(seed_result, expected):
    """Every mention whose surface is an expected alias belongs to the canonical entity.

    Titled forms ("US Secretary of State Antony Blinken") are aliases, not mention surfaces:
    the mention is the name and the title is stripped.
    """
    for item in expected:
        for alias in item["aliases"]:
            got = {
                _canonical(seed_result, m.entity_id)
                for m in seed_result.mentions
                if m.surface == alias
            }
            if leading_title(alias):
                assert not got, (alias, got)
            else:
                assert got == {(item["name"], item["type"])}, (alias, got)


def test_offsets_index_the_text(seed_articles, seed_result):
    texts = {a.article_id: a.text for a in seed_articles}
    for m in seed_result.mentions:
        assert texts[m.article_id][m.start : m.end] == m.surface


def test_wang_yi_and_wang_wentao_are_distinct(seed_result):
    people = {e.canonical_name: e.entity_id for e in seed_result.entities if e.type == "PERSON"}
    assert {"Wang Yi", "Wang Wentao"} <= set(people)
    assert people["Wang Yi"] != people["Wang Wentao"]
    # 003's timeline says "Blinken and Wang" after two Wang Yi mentions: nearest preceding
    bare = [
        m for m in seed_result.mentions if m.surface == "Wang" and m.article_id.startswith("003")
    ]
    assert bare
    assert {_canonical(seed_result, m.entity_id)[0] for m in bare} == {"Wang Yi"}


@pytest.mark.parametrize(
    ("seed", "pair", "names"),
    [
        ("003", "Biden-Xi", ("Joe Biden", "Xi Jinping")),
        ("004", "Blinken-Xi", ("Antony Blinken", "Xi Jinping")),
        ("003", "Sullivan-Yang", ("Jake Sullivan", "Yang Jiechi")),
    ],
)
def test_hyphenated_pairs_are_two_people(seed_articles, seed_result, seed, pair, names):
    art = next(a for a in seed_articles if a.article_id.startswith(seed))
    at = art.text.index(pair)
    inside = [
        m
        for m in seed_result.mentions
        if m.article_id == art.article_id and at <= m.start and m.end <= at + len(pair)
    ]
    assert tuple(_canonical(seed_result, m.entity_id)[0] for m in inside) == names


def test_blinken_is_never_a_place_or_organisation(seed_result):
    assert not [
        e for e in seed_result.entities if "Blinken" in e.canonical_name and e.type != "PERSON"
    ]


def test_no_title_fragments_or_dates(seed_result):
    names = {e.canonical_name for e in seed_result.entities}
    assert not names & {"State", "Commerce", "Treasury", "Defense", "Blinken", "Xi", "Wang"}
    assert {e.type for e in seed_result.entities} <= {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT"}
