"""Incremental story clustering: the seed replay, the sample corpus's three running stories,
and hard negatives (same actors, another story) written for these tests."""

from __future__ import annotations

import dataclasses
import itertools
import json
import random
from collections import defaultdict
from datetime import date, datetime

import pytest

import transforms.stories as stories_mod
from flows.gazetteer import installed_gazetteer
from tests.transforms.corpus_articles import HARD_CASES, ROOT, sample_articles, seed_articles
from transforms.duplicates import TextDoc, duplicate_map, duplicates
from transforms.entities import ArticleText, entity_mentions, load_nlp
from transforms.stories import OpenStory, central_people, story, story_id, story_members


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


def _hard_docs() -> dict[str, TextDoc]:
    return {
        name: TextDoc(
            article_id=name,
            day=date.fromisoformat(d),
            published_at=datetime.fromisoformat(d),
            text=text,
            title=title,
            source=name.split("_")[1],
        )
        for name, d, _, title, text in HARD_CASES
    }


@pytest.fixture(scope="session")
def entity_rows(seeds_dir) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Entity ids and headline/lead entity ids of the seeds and hard cases, as the flow reads
    them from `entity_mentions`: one entity-stage batch (en_core_web_md, loaded once)."""
    docs = [_doc(k, a) for k, a in seed_articles(seeds_dir).items()] + list(_hard_docs().values())
    found = entity_mentions(
        [ArticleText(article_id=d.article_id, title=d.title, text=d.text) for d in docs],
        load_nlp(),
        gazetteer=installed_gazetteer(),
    )
    ids: dict[str, list[str]] = defaultdict(list)
    lead: dict[str, list[str]] = defaultdict(list)
    for m in sorted(found.mentions, key=lambda m: (not m.in_headline, m.start)):
        ids[m.article_id].append(m.entity_id)
        if m.in_headline or m.in_lead:
            lead[m.article_id].append(m.entity_id)
    return {d.article_id: (tuple(ids[d.article_id]), tuple(lead[d.article_id])) for d in docs}


def _with_entities(doc: TextDoc, rows) -> TextDoc:
    ids, lead = rows[doc.article_id]
    return dataclasses.replace(doc, entities=ids, lead_entities=lead)


def _replay(docs: list[TextDoc]) -> tuple[dict[str, str], dict[str, list[TextDoc]]]:
    """Run the stage day by day as the flow does: earlier days are history, never redone."""
    by_day: dict[date, list[TextDoc]] = defaultdict(list)
    for d in docs:
        by_day[d.day].append(d)
    members: dict[str, list[TextDoc]] = defaultdict(list)
    assigned: dict[str, str] = {}
    seen: list[TextDoc] = []
    for day in sorted(by_day):
        found = duplicates(by_day[day], seen)
        open_stories = [OpenStory(k, tuple(v)) for k, v in sorted(members.items())]
        for m in story_members(by_day[day], open_stories, duplicate_map(found)):
            assigned[m.article_id] = m.story_id
            members[m.story_id].append(next(d for d in by_day[day] if d.article_id == m.article_id))
        seen += by_day[day]
    return assigned, members


def _pair_scores(assigned: dict[str, str], groups: list[list[str]]) -> tuple[float, float]:
    """Pairwise precision and recall of same-story decisions against gold groups."""
    gold = {a: i for i, g in enumerate(groups) for a in g}
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(assigned), 2):
        same = assigned[a] == assigned[b]
        truth = a in gold and b in gold and gold[a] == gold[b]
        tp += same and truth
        fp += same and not truth
        fn += truth and not same
    return tp / ((tp + fp) or 1), tp / ((tp + fn) or 1)


def test_seeds_form_one_story_over_the_three_replay_days(seeds_dir):
    expected = json.loads((seeds_dir / "expected.json").read_text())["stories"]["same_story"]
    docs = [_doc(k, a) for k, a in seed_articles(seeds_dir).items()]
    assigned, members = _replay(docs)
    assert len(members) == 1 and set(assigned) == set(expected)
    founder = min(docs, key=lambda d: d.order_key)
    assert next(iter(members)) == story_id(founder.article_id)
    row = story(next(iter(members)), docs)
    assert row.article_count == 5 and row.title


@pytest.mark.parametrize("with_entities", [False, True], ids=["name guesses", "entity ids"])
def test_hard_negatives_stay_out_and_same_story_reports_join(seeds_dir, entity_rows, with_entities):
    seeds = [_doc(k, a) for k, a in seed_articles(seeds_dir).items()]
    hard = _hard_docs()
    if with_entities:
        seeds = [_with_entities(d, entity_rows) for d in seeds]
        hard = {k: _with_entities(d, entity_rows) for k, d in hard.items()}
    assigned, _ = _replay(seeds + list(hard.values()))
    seed_story = assigned[seeds[0].article_id]
    assert all(assigned[d.article_id] == seed_story for d in seeds)
    wrong = [name for name, _, joins, _, _ in HARD_CASES if (assigned[name] == seed_story) != joins]
    assert wrong == []
    negatives = [n for n, _, joins, _, _ in HARD_CASES if not joins]
    assert len({assigned[n] for n in negatives}) == len(negatives)  # nor do they merge with each other
    precision, recall = _pair_scores(
        assigned, [[d.article_id for d in seeds] + [n for n, _, j, _, _ in HARD_CASES if j]]
    )
    print(f"\nseeds + hard cases: pairwise precision {precision:.2f}, recall {recall:.2f}")
    assert precision == recall == 1.0


def test_hard_negative_margins(seeds_dir, entity_rows):
    """Similarity of each hard case to the whole seed story, as if it arrived within the
    window, with entity ids as the flow has them (figures for docs/stories.md; only the
    cases really within the window are asserted)."""
    seeds = [_with_entities(_doc(k, a), entity_rows) for k, a in seed_articles(seeds_dir).items()]
    story_docs = tuple(seeds)
    story_people = set().union(*(central_people(d) for d in seeds))
    lines = []
    for name, day, joins, _, _ in HARD_CASES:
        doc = _with_entities(_hard_docs()[name], entity_rows)
        in_window = dataclasses.replace(doc, day=date(2023, 6, 20), published_at=datetime(2023, 6, 20))
        m = story_members([in_window], [OpenStory("seed", story_docs)])[0]
        score = m.similarity if m.story_id == "seed" else _score_below(in_window, story_docs)
        other = bool(central_people(doc)) and not central_people(doc) & story_people
        lines.append(
            f"{name:24} {day} joins={joins!s:5} similarity-if-in-window {score:.3f}"
            f" other-people={other!s:5} joined={m.story_id == 'seed'}"
        )
        if day in {"2023-06-19", "2023-06-20", "2023-06-21"}:  # really within the window
            assert (m.story_id == "seed") == joins, name
    print("\n" + "\n".join(lines))


_THRESHOLDS = ("JOIN_THRESHOLD", "ACTOR_MISMATCH_THRESHOLD")


def _score_below(doc: TextDoc, members: tuple[TextDoc, ...]) -> float:
    saved = {n: getattr(stories_mod, n) for n in _THRESHOLDS}
    for n in _THRESHOLDS:
        setattr(stories_mod, n, -1.0)
    try:
        return story_members([doc], [OpenStory("seed", members)])[0].similarity
    finally:
        for n, v in saved.items():
            setattr(stories_mod, n, v)


# Same-actor, other-happening articles moved inside the seed story's window (their real
# dates are 2023-07-07, 2023-06-05 and 2023-07-17): Yellen the day after 004, Shangri-La
# with 003, Kerry two days after 004. Kept out by the central-people rule (entity ids needed).
IN_WINDOW = {
    "neg_yellen_beijing": date(2023, 6, 21),
    "neg_shangri_la": date(2023, 6, 18),
    "neg_kerry_climate": date(2023, 6, 22),
}


def in_window(seeds_dir, entity_rows, name: str) -> None:
    """Replay the seeds with hard negative `name` arriving inside the window: it must stay out."""
    seeds = [_with_entities(_doc(k, a), entity_rows) for k, a in seed_articles(seeds_dir).items()]
    day = IN_WINDOW[name]
    doc = dataclasses.replace(
        _with_entities(_hard_docs()[name], entity_rows),
        day=day,
        published_at=datetime.combine(day, datetime.min.time()).replace(hour=12),
    )
    assigned, _ = _replay([*seeds, doc])
    assert len({assigned[d.article_id] for d in seeds}) == 1
    assert assigned[name] != assigned[seeds[0].article_id], f"{name} joined the seed story"


@pytest.mark.parametrize("name", sorted(IN_WINDOW))
def test_same_actor_stories_inside_the_window(seeds_dir, entity_rows, name):
    in_window(seeds_dir, entity_rows, name)


@pytest.mark.parametrize("name", ["neg_shangri_la", "neg_yellen_beijing"])
def test_same_actor_stories_inside_the_window_need_entity_ids(seeds_dir, name):
    """Without the entity stage (name guesses, no lead entities) the rule is off and these two
    join (Kerry scores 0.19 on name guesses and stays out on similarity alone)."""
    seeds = [_doc(k, a) for k, a in seed_articles(seeds_dir).items()]
    day = IN_WINDOW[name]
    doc = dataclasses.replace(
        _hard_docs()[name], day=day, published_at=datetime.combine(day, datetime.min.time()).replace(hour=12)
    )
    assigned, _ = _replay([*seeds, doc])
    assert assigned[name] == assigned[seeds[0].article_id]


# Other-happening articles inside the window whose lead shares a person with the story (Xi):
# the rule does not apply and TF-IDF alone lets them in (known limitation, docs/stories.md).
SHARED_PERSON_IN_WINDOW = {"neg_xi_gates": date(2023, 6, 20), "neg_xi_hipkins": date(2023, 6, 20)}


@pytest.mark.xfail(strict=True, reason="lead shares Xi Jinping with the story; TF-IDF scores it >= 0.2")
@pytest.mark.parametrize("name", sorted(SHARED_PERSON_IN_WINDOW))
def test_shared_person_other_story_inside_the_window(seeds_dir, entity_rows, name):
    seeds = [_with_entities(_doc(k, a), entity_rows) for k, a in seed_articles(seeds_dir).items()]
    day = SHARED_PERSON_IN_WINDOW[name]
    doc = dataclasses.replace(
        _with_entities(_hard_docs()[name], entity_rows),
        day=day,
        published_at=datetime.combine(day, datetime.min.time()).replace(hour=12),
    )
    assigned, _ = _replay([*seeds, doc])
    assert assigned[name] != assigned[seeds[0].article_id]


def test_follow_up_led_by_a_spokesperson_still_joins(seeds_dir, entity_rows):
    """A report whose lead names only a spokesperson (other central people than the story's)
    must clear the higher bar: the rule must not cut same-story follow-ups."""
    seeds = [_with_entities(_doc(k, a), entity_rows) for k, a in seed_articles(seeds_dir).items()]
    doc = _with_entities(_hard_docs()["pos_miller_briefing"], entity_rows)
    people = set().union(*(central_people(d) for d in seeds))
    assert central_people(doc) and not central_people(doc) & people  # the rule applies
    assigned, _ = _replay([*seeds, doc])
    assert assigned[doc.article_id] == assigned[seeds[0].article_id]


def test_sample_corpus_gives_its_three_running_stories():
    want = json.loads((ROOT / "samples" / "expected.json").read_text())
    docs = [_doc(k, a) for k, a in sample_articles().items() if a.word_count >= 40]
    assigned, members = _replay(docs)
    groups = sorted((sorted(d.article_id for d in m) for m in members.values()), key=len, reverse=True)
    assert groups[:3] == sorted((sorted(g) for g in want["same_story"]), key=len, reverse=True)
    assert all(len(g) == 1 for g in groups[3:])
    precision, recall = _pair_scores(assigned, want["same_story"])
    print(f"\nsample: {len(members)} stories, pairwise precision {precision:.2f}, recall {recall:.2f}")


def test_input_order_does_not_matter(seeds_dir):
    docs = [_doc(k, a) for k, a in sample_articles().items() if a.word_count >= 40]
    first = story_members(docs)
    shuffled = docs[:]
    random.Random(4).shuffle(shuffled)  # noqa: S311 (a fixed test order, not security)
    assert story_members(shuffled) == first


def test_story_window_closes():
    text = "Harbour workers strike at Gull Point over pay. Marguerite Okafor leads the union. " * 5
    a = TextDoc(article_id="a", day=date(2026, 3, 1), published_at=datetime(2026, 3, 1), text=text)
    b = dataclasses.replace(a, article_id="b", day=date(2026, 3, 6), published_at=datetime(2026, 3, 6))
    c = dataclasses.replace(a, article_id="c", day=date(2026, 3, 20), published_at=datetime(2026, 3, 20))
    open_story = OpenStory(story_id("a"), (a,))
    assert story_members([b], [open_story])[0].story_id == story_id("a")
    assert story_members([c], [open_story])[0].story_id == story_id("c")


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        pytest.param([None, "Second"], "Second", id="first titled"),
        pytest.param([None, None], "Blinken heads to Beijing.", id="lead when no title"),
    ],
)
def test_representative_title(titles, expected):
    docs = [
        TextDoc(
            article_id=str(i),
            day=date(2023, 6, 17),
            published_at=datetime(2023, 6, 17, i),
            text="Blinken heads to Beijing. He meets Xi.",
            title=t,
        )
        for i, t in enumerate(titles)
    ]
    assert story("s", docs).title == expected


def test_entity_ids_replace_name_guesses():
    doc = TextDoc(
        article_id="a",
        day=date(2026, 3, 2),
        published_at=datetime(2026, 3, 2),
        text="Okafor spoke. Okafor left.",
        entities=("person_1", "person_1", "org_2"),
    )
    s = story("s", [doc], entity_names={"person_1": "Marguerite Okafor", "org_2": "DHWU"})
    assert s.top_entities[0] == {
        "name": "Marguerite Okafor",
        "entity_id": "person_1",
        "articles": 1,
    }


def _many_stories() -> list[TextDoc]:
    """Forty short reports of a dozen invented stories over four days: enough open stories that
    most are below the bar for any one article."""
    rng = random.Random(11)  # noqa: S311 (a fixed test corpus, not security)
    topics = [
        ("ferry", "Brantley harbour council ferry timetable Northway sailings pier"),
        ("mill", "Brennock mill flood River Tallow machine hall wages insurers"),
        ("strike", "Harbourton dockers strike Castellan cranes rosters pay offer"),
        ("bypass", "Ashcombe bypass consultation route viaduct contractor fares"),
        ("election", "Fenwick Dale mayoral election ballot turnout hustings count"),
        ("hospital", "Kellbridge hospital wards waiting lists nurses beds surgery"),
        ("festival", "Dunmere festival stage tickets stewards campsite fireworks"),
        ("budget", "Carrick Valley budget deficit levy grants pensions treasury"),
        ("trial", "Gull Point fraud trial jury verdict witness sentencing"),
        ("takeover", "Northway takeover bid shareholders valuation regulator board"),
        ("dredging", "Dunmere dredging channel silt harbour master vessels"),
        ("school", "Millrace school roof repairs pupils governors classrooms"),
    ]
    filler = "officials said the plan would be reviewed next month after residents raised concerns"
    docs = []
    for i in range(40):
        name, words = topics[rng.randrange(len(topics))]
        day = date(2026, 3, 2 + i % 4)
        text = ". ".join(
            " ".join(rng.sample(words.split(), 5) + rng.sample(filler.split(), 4)).capitalize() for _ in range(6)
        )
        docs.append(
            TextDoc(
                article_id=f"{name}-{i:02d}",
                day=day,
                published_at=datetime(day.year, day.month, day.day, 6 + i % 12),
                text=text + ".",
                title=f"{name.title()} update {i}",
            )
        )
    return docs


@pytest.mark.parametrize("corpus", ["seeds and hard cases", "sample", "many stories"])
def test_stories_below_the_bar_are_not_scored_and_nothing_changes(seeds_dir, entity_rows, monkeypatch, corpus):
    """story_members scores only the stories whose cosine can clear the bar (`_reachable`);
    scoring every open story, as it first did, gives the same members and similarities."""
    if corpus == "seeds and hard cases":
        docs = [_with_entities(_doc(k, a), entity_rows) for k, a in seed_articles(seeds_dir).items()]
        docs += [_with_entities(d, entity_rows) for d in _hard_docs().values()]
    elif corpus == "sample":
        docs = [_doc(k, a) for k, a in sample_articles().items() if a.word_count >= 40]
    else:
        docs = _many_stories()

    def members_by_day(docs):
        by_day: dict[date, list[TextDoc]] = defaultdict(list)
        for d in docs:
            by_day[d.day].append(d)
        found: dict[str, list[TextDoc]] = defaultdict(list)
        out = []
        for day in sorted(by_day):
            open_stories = [OpenStory(k, tuple(v)) for k, v in sorted(found.items())]
            for m in story_members(by_day[day], open_stories):
                out.append(m)
                found[m.story_id].append(next(d for d in by_day[day] if d.article_id == m.article_id))
        return out, found

    reachable = stories_mod._reachable
    left_out = []

    def counted(sums, norms2, threshold):
        kept = reachable(sums, norms2, threshold)
        left_out.append(len(norms2) - len(kept))
        return kept

    monkeypatch.setattr(stories_mod, "_reachable", counted)
    pruned, stories = members_by_day(docs)
    monkeypatch.setattr(stories_mod, "_reachable", lambda sums, norms2, threshold: set(range(len(norms2))))
    assert members_by_day(docs)[0] == pruned
    if corpus == "many stories":  # where the bound does leave stories out
        assert len(stories) > 6 and sum(left_out) > 0


@pytest.mark.parametrize(
    "member_cols", [[[0]], [[0, 1], [2]], [[1, 2, 3], [0], [3, 4]], []], ids=["one", "two", "overlapping", "none"]
)
def test_squared_norms_of_story_sums(member_cols):
    import numpy as np

    docs = _many_stories()[:5]
    vectors = stories_mod.tfidf_matrix([stories_mod.story_features(d) for d in docs])
    got = stories_mod._squared_norms_of_sums(vectors, member_cols)
    want = [
        float(np.asarray(vectors[cols].sum(axis=0)).ravel() @ np.asarray(vectors[cols].sum(axis=0)).ravel())
        for cols in member_cols
    ]
    assert np.allclose(got, want, rtol=1e-12, atol=0)


@pytest.mark.parametrize("block", [1, 2, 5])
def test_blocks_of_the_day_give_what_one_block_gives(block):
    """story_members and duplicates compare a big day with the pool a block of rows at a time
    (memory bounded): any block size gives the same members, similarities and duplicates."""
    docs = sorted((_doc(k, a) for k, a in sample_articles().items()), key=lambda d: d.order_key)
    first_day = [d for d in docs if d.day == docs[0].day]
    later = [d for d in docs if d.day != docs[0].day]
    opened = story_members(first_day)
    groups: dict[str, list[TextDoc]] = defaultdict(list)
    by_id = {d.article_id: d for d in first_day}
    for m in opened:
        groups[m.story_id].append(by_id[m.article_id])
    open_stories = [OpenStory(story_id=k, members=tuple(v)) for k, v in sorted(groups.items())]
    assert len(later) > 2 * block and len(open_stories) > 1

    found = duplicates(later, first_day)
    assert duplicates(later, first_day, block=block) == found
    whole = story_members(later, open_stories, duplicate_map(found))
    assert story_members(later, open_stories, duplicate_map(found), block=block) == whole
    assert story_members(docs, block=block) == story_members(docs)
