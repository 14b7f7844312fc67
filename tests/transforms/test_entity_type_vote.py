"""One type per place/organisation name across a batch (rule `type_vote`)."""

from __future__ import annotations

import pytest

from transforms.entities import Entity, EntityAlias, EntityMention, EntityResult, Registry, _types_voted
from transforms.entity_rules import entity_id


def _entity(name: str, typ: str) -> Entity:
    return Entity(entity_id=entity_id(typ, name), canonical_name=name, type=typ)


def _mention(article: str, ent: Entity, start: int) -> EntityMention:
    return EntityMention(
        article_id=article,
        entity_id=ent.entity_id,
        surface=ent.canonical_name,
        start=start,
        end=start + len(ent.canonical_name),
        sentence_index=0,
        in_headline=False,
        in_lead=False,
        label=ent.type,
        how="exact",
    )


def _result(*typed: tuple[str, str, int]) -> EntityResult:
    ents = {}
    mentions = []
    for n, (name, typ, count) in enumerate(typed):
        e = ents.setdefault((name, typ), _entity(name, typ))
        mentions += [_mention(f"a{n}", e, 10 * k) for k in range(count)]
    aliases = [
        EntityAlias(alias=e.canonical_name, entity_id=e.entity_id, learned_from="a0", how="exact")
        for e in ents.values()
    ]
    return EntityResult(mentions=mentions, entities=list(ents.values()), aliases=aliases)


@pytest.mark.parametrize(
    ("typed", "registry", "winner"),
    [
        ([("Harbourton", "GPE", 3), ("Harbourton", "ORG", 1)], [], "GPE"),  # majority
        ([("Harbourton", "ORG", 3), ("Harbourton", "GPE", 3)], [], "GPE"),  # tie: GPE first
        ([("Harbourton", "GPE", 3), ("Harbourton", "ORG", 1)], [("Harbourton", "ORG")], "ORG"),  # ids stay stable
        ([("Harbourton", "GPE", 2)], [("Harbourton", "LOC")], "LOC"),  # a new day follows the registry
    ],
)
def test_places_and_organisations_get_one_type(typed, registry, winner):
    voted = _types_voted(_result(*typed), Registry([_entity(n, t) for n, t in registry]))
    assert {e.type for e in voted.entities} == {winner}
    want = entity_id(winner, "Harbourton")
    assert {m.entity_id for m in voted.mentions} == {want}
    assert {a.entity_id for a in voted.aliases} == {want}
    assert sum(1 for m in voted.mentions if "type_vote" in m.how) == sum(c for _, t, c in typed if t != winner)


def test_people_are_never_merged_with_places():
    result = _result(("Washington", "PERSON", 2), ("Washington", "GPE", 5))
    voted = _types_voted(result, Registry())
    assert {e.type for e in voted.entities} == {"PERSON", "GPE"}
    assert voted == result
