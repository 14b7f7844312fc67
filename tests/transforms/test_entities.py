"""Entity rules, table-driven, and the entity transform end to end on small real texts."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.gazetteer import installed_gazetteer
from transforms.entities import (
    ArticleText,
    Entity,
    EntityAlias,
    Registry,
    entity_mentions,
    load_nlp,
    resolve_alias,
)
from transforms.entity_rules import (
    alias_key,
    dateline_spans,
    entity_id,
    is_table_line,
    is_typo_of,
    junk_reason,
    leading_title,
    place_context_keys,
    plausible_person,
    title_before,
    trimmed_span,
    variant_canonical,
)
from transforms.gazetteer import Gazetteer

SCHEMA = Path(__file__).resolve().parents[2] / "warehouse" / "schema" / "030_entities.sql"


@pytest.fixture(scope="session")
def nlp():
    """The chosen spaCy pipeline, loaded once (load_nlp caches per process)."""
    return load_nlp()


def _run(nlp, *texts: str, registry: Registry | None = None, title: str | None = None):
    arts = [
        ArticleText(article_id=f"a{i}", title=title if i == 0 else None, text=t)
        for i, t in enumerate(texts)
    ]
    return entity_mentions(arts, nlp, registry, gazetteer=installed_gazetteer())


def _names(result) -> dict[str, tuple[str, str]]:
    return {e.entity_id: (e.canonical_name, e.type) for e in result.entities}


def _resolved(result, article_id: str = "a0") -> list[tuple[str, str, str]]:
    names = _names(result)
    return [(m.surface, *names[m.entity_id]) for m in result.mentions if m.article_id == article_id]


# --- string rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "rules"),
    [
        ("the United States", "United States", ["the_trimmed"]),
        ("The State Department", "State Department", ["the_trimmed"]),
        ("Blinken’s", "Blinken", ["possessive_trimmed"]),
        (
            "the German Marshall Fund's",
            "German Marshall Fund",
            ["the_trimmed", "possessive_trimmed"],
        ),
        ("U.S.'s", "U.S.", ["possessive_trimmed"]),
        ("Facebook, Instagram and", "Facebook, Instagram", []),
        ("“Xi", "Xi", []),
        ("Antony Blinken", "Antony Blinken", []),
        ("Blackpool 0", "Blackpool", ["number_trimmed"]),  # a score in a results table
        ("DUBLIN 1996-08-31", "DUBLIN", ["number_trimmed"]),  # a dateline's date
        ("1. Michael Johnson", "Michael Johnson", ["number_trimmed"]),  # a rank
        ("Channel 6 Carrick", "Channel 6 Carrick", []),
    ],
)
def test_trimmed_span(text, expected, rules):
    s, e, got = trimmed_span(text, 0, len(text))
    assert (text[s:e], got) == (expected, rules)


@pytest.mark.parametrize(
    ("surface", "reason"),
    [
        ("1996", "no_letters"),
        ("38-run", "all_lowercase"),
        ("G20", None),
        ("X", "single_letter"),
        ("foreign ministry", "all_lowercase"),
        ("briefing transcript", "all_lowercase"),
        ("State", "title_only"),
        ("National Security Advisor", "title_only"),
        ("US", None),
        ("China", None),
        ("Blinken", None),
    ],
)
def test_junk_reason(surface, reason):
    assert junk_reason(surface) == reason


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("President Xi", "Xi"),
        ("Councillor Wang Yi", "Wang Yi"),
        ("US Secretary of State Antony Blinken", "Antony Blinken"),
        ("Chinese Foreign Minister Qin Gang", "Qin Gang"),
        ("Xi Jinping", "Xi Jinping"),
        ("Mr. Smith", "Smith"),
        ("General", "General"),  # the last word is always the name
    ],
)
def test_leading_title(surface, name):
    assert surface[leading_title(surface) :] == name


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        (
            "a call with Chinese Foreign Minister Qin Gang on",
            "Qin Gang",
            "Chinese Foreign Minister ",
        ),
        ("U.S. Secretary of State Antony Blinken is", "Antony Blinken", "U.S. Secretary of State "),
        ("with China’s top diplomat Wang Yi and", "Wang Yi", "China’s top diplomat "),
        ("US Treasury Secretary Janet Yellen", "Janet Yellen", "US Treasury Secretary "),
        ("talks with Blinken on", "Blinken", ""),
        ("President.\nXi said", "Xi", ""),  # no title across a line break
    ],
)
def test_title_before(text, name, title):
    i = text.index(name)
    assert text[title_before(text, i) : i] == title


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        ("US", ("United States", "GPE", "country_variant")),
        ("U.S.", ("United States", "GPE", "country_variant")),
        ("United States", ("United States", "GPE", "country_variant")),
        ("America", ("United States", "GPE", "country_variant")),
        ("Britain", ("United Kingdom", "GPE", "country_variant")),
        ("Washington, DC", ("Washington", "GPE", "country_variant")),
        ("State Department", ("State Department", "ORG", "org_variant")),
        ("US State Department", ("State Department", "ORG", "org_variant")),
        ("U.S. Department of State", ("State Department", "ORG", "org_variant")),
        ("U.N.", ("United Nations", "ORG", "org_variant")),
        ("American", None),  # a demonym is NORP, not the country
        ("Chinese", None),
        ("Beijing", None),
    ],
)
def test_variant_canonical(surface, expected):
    assert variant_canonical(surface) == expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Microsoft Corp.", "microsoft corp", True),
        ("People’s Republic", "People's Republic", True),
        ("Wang Yi", "Wang  Yi", True),
        ("Wang Yi", "Wang Wentao", False),
    ],
)
def test_alias_key(a, b, same):
    assert (alias_key(a) == alias_key(b)) is same


def test_entity_id_is_stable_and_typed():
    assert entity_id("PERSON", "Antony Blinken") == entity_id("PERSON", "antony  blinken")
    assert entity_id("PERSON", "Antony Blinken") == "person_4685497e4f9e"  # pinned across runs
    assert entity_id("PERSON", "Georgia") != entity_id("GPE", "Georgia")


# --- the transform on real spaCy output -------------------------------------------------


def test_offsets_index_text_and_title(nlp):
    title = "Blinken meets Xi in Beijing"
    text = "US Secretary of State Antony Blinken met Chinese President Xi Jinping in Beijing."
    res = _run(nlp, text, title=title)
    assert res.mentions
    for m in res.mentions:
        source = title if m.in_headline else text
        assert source[m.start : m.end] == m.surface
    assert {(m.surface, m.in_headline) for m in res.mentions} >= {("Blinken", True), ("Xi", True)}
    head = {m.entity_id for m in res.mentions if m.in_headline}
    body = {m.entity_id for m in res.mentions if not m.in_headline}
    assert head <= body  # headline short forms resolve to the body's full names


@pytest.mark.parametrize(
    ("text", "surface", "name", "etype", "rule"),
    [
        # label repair: a token of a person's name in the same article is that person
        (
            "Antony Blinken arrived. Officials said Blinken would stay. Blinken left on Monday.",
            "Blinken",
            "Antony Blinken",
            "PERSON",
            "short_form_same_article",
        ),
        # short form to the full name in the same article, title stripped
        (
            "Chinese President Xi Jinping spoke. Later President Xi met him.",
            "Xi",
            "Xi Jinping",
            "PERSON",
            "short_form_same_article",
        ),
        (
            "Xi Jinping and Joe Biden talked. Biden and his counterpart Jinping agreed.",
            "Jinping",
            "Xi Jinping",
            "PERSON",
            "short_form_same_article",
        ),
        # country variants
        (
            "The talks between the U.S. and China were tense.",
            "U.S.",
            "United States",
            "GPE",
            "country_variant",
        ),
        (
            "Officials in America were not surprised.",
            "America",
            "United States",
            "GPE",
            "country_variant",
        ),
        (
            "the United States said on Friday it would act.",
            "United States",
            "United States",
            "GPE",
            "exact",
        ),
        # organisation variants
        (
            "The US State Department said on Tuesday that talks would go ahead.",
            "US State Department",
            "State Department",
            "ORG",
            "org_variant",
        ),
    ],
)
def test_resolution_rules(nlp, text, surface, name, etype, rule):
    res = _run(nlp, text)
    names = _names(res)
    hits = [m for m in res.mentions if m.surface == surface]
    assert hits, _resolved(res)
    assert {names[m.entity_id] for m in hits} == {(name, etype)}
    assert any(m.how.endswith(rule) for m in hits), [m.how for m in hits]


def test_title_alias_is_learned(nlp):
    res = _run(nlp, "US Secretary of State Antony Blinken flew to Beijing on Sunday.")
    learned = {(a.alias, a.how) for a in res.aliases}
    assert ("US Secretary of State Antony Blinken", "title_stripped") in learned
    # the title's "State" is not an organisation mention
    assert not any(m.surface == "State" for m in res.mentions)


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        (
            "Joe Biden and Xi Jinping spoke. The Biden-Xi phone call lasted two hours.",
            ("Biden", "Xi"),
        ),
        (
            "Antony Blinken will meet Xi Jinping. A Blinken-Xi meeting had been anticipated.",
            ("Blinken", "Xi"),
        ),
        ("Ties are at a low point, analysts said of U.S.-China relations.", ("U.S.", "China")),
    ],
)
def test_hyphen_pair_split(nlp, text, pair):
    res = _run(nlp, text)
    joined = f"{pair[0]}-{pair[1]}"
    at = text.index(joined)
    inside = [m for m in res.mentions if at <= m.start and m.end <= at + len(joined)]
    assert [m.surface for m in inside] == list(pair)
    assert all("hyphen_split" in m.how for m in inside)
    assert len({m.entity_id for m in inside}) == 2


def test_same_surname_people_stay_apart(nlp):
    text = (
        "China's top diplomat Wang Yi met Jake Sullivan in Vienna. "
        "Commerce Minister Wang Wentao met Gina Raimondo in Washington. "
        "Wang Wentao said trade talks would go on."
    )
    res = _run(nlp, text)
    names = _names(res)
    people = {names[m.entity_id][0] for m in res.mentions if names[m.entity_id][1] == "PERSON"}
    assert {"Wang Yi", "Wang Wentao"} <= people


def test_bare_surname_takes_nearest_preceding_full_name(nlp):
    text = (
        "Antony Blinken met Wang Yi in Munich in February. "
        "Gina Raimondo met Wang Wentao in Washington in May. "
        "Raimondo said Wang was candid."
    )
    res = _run(nlp, text)
    names = _names(res)
    bare = [m for m in res.mentions if m.surface == "Wang"]
    if bare:  # when the model tags the bare surname at all
        assert {names[m.entity_id][0] for m in bare} == {"Wang Wentao"}
        assert all(m.how.endswith("short_form_nearest_preceding") for m in bare)


def test_short_form_resolves_through_registry(nlp):
    registry = Registry.from_rows(
        [
            {
                "entity_id": entity_id("PERSON", "Antony Blinken"),
                "canonical_name": "Antony Blinken",
                "type": "PERSON",
            }
        ],
        [],
    )
    res = _run(
        nlp, "Blinken said on Monday that the talks in Beijing had been candid.", registry=registry
    )
    hits = [m for m in res.mentions if m.surface == "Blinken"]
    assert hits
    assert {m.entity_id for m in hits} == {entity_id("PERSON", "Antony Blinken")}
    assert all(m.how.endswith("short_form_registry") for m in hits)


def test_registry_short_form_needs_a_unique_person(nlp):
    rows = [
        {"entity_id": entity_id("PERSON", n), "canonical_name": n, "type": "PERSON"}
        for n in ("Wang Yi", "Wang Wentao")
    ]
    res = _run(
        nlp,
        "Wang said on Monday that the talks had been candid.",
        registry=Registry.from_rows(rows),
    )
    assert not {m.entity_id for m in res.mentions} & {r["entity_id"] for r in rows}


def test_ids_are_stable_across_runs_and_batches(nlp):
    a = "US Secretary of State Antony Blinken met Chinese President Xi Jinping in Beijing."
    b = "Blinken said the United States wants stable ties with China."
    alone = _run(nlp, a)
    both = _run(nlp, b, a)
    ids = {e.canonical_name: e.entity_id for e in alone.entities}
    again = {e.canonical_name: e.entity_id for e in both.entities}
    assert all(again[k] == v for k, v in ids.items())


def test_dates_norp_and_junk_stay_out(nlp):
    res = _run(
        nlp, "On Monday, June 19, 2023, Chinese and American officials met 3 times in Beijing."
    )
    types = {e.type for e in res.entities}
    assert types <= {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT"}
    surfaces = {m.surface for m in res.mentions}
    assert not surfaces & {"Monday", "June 19, 2023", "Chinese", "American", "3"}
    assert "Beijing" in surfaces


def test_sentence_and_lead_flags(nlp):
    text = (
        "Antony Blinken arrived in Beijing on Sunday. He met Qin Gang.\n"
        "Later, in a second paragraph, Blinken met Wang Yi."
    )
    res = _run(nlp, text)
    by_surface = {m.surface: m for m in res.mentions}
    assert by_surface["Antony Blinken"].sentence_index == 0
    assert by_surface["Antony Blinken"].in_lead
    assert by_surface["Wang Yi"].sentence_index >= 2
    assert not by_surface["Wang Yi"].in_lead


def test_resolve_alias_uses_titles_and_variants(nlp):
    res = _run(nlp, "US Secretary of State Antony Blinken met Chinese President Xi Jinping.")
    assert [e.canonical_name for e in resolve_alias("Secretary of State Antony Blinken", res)] == [
        "Antony Blinken"
    ]
    assert [e.canonical_name for e in resolve_alias("the U.S.", res)] == ["United States"]


def test_records_load_into_the_schema(nlp):
    res = _run(nlp, "Antony Blinken met Xi Jinping in Beijing. Blinken and Xi talked for hours.")
    con = duckdb.connect(":memory:")
    con.execute(SCHEMA.read_text())
    con.execute(SCHEMA.read_text())  # idempotent
    con.executemany(
        "insert into entity_mentions values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                m.article_id,
                m.entity_id,
                m.surface,
                m.start,
                m.end,
                m.sentence_index,
                m.in_headline,
                m.in_lead,
                m.label,
                m.how,
            )
            for m in res.mentions
        ],
    )
    con.executemany(
        "insert into entity_aliases values (?, ?, ?, ?)",
        [(a.alias, a.entity_id, a.learned_from, a.how) for a in res.aliases],
    )
    con.executemany(
        "insert into entities values (?, ?, ?, date '2023-06-19', date '2023-06-19', 0)",
        [(e.entity_id, e.canonical_name, e.type) for e in res.entities],
    )
    rows = con.execute(
        "select e.canonical_name, count(*) from entity_mentions m join entities e using (entity_id)"
        " group by 1 order by 1"
    ).fetchall()
    assert ("Antony Blinken", 2) in rows
    assert ("Xi Jinping", 2) in rows
    reg = Registry.from_rows(
        [
            dict(zip(("entity_id", "canonical_name", "type"), r, strict=True))
            for r in con.execute("select entity_id, canonical_name, type from entities").fetchall()
        ],
        [
            dict(zip(("alias", "entity_id", "learned_from", "how"), r, strict=True))
            for r in con.execute("select * from entity_aliases").fetchall()
        ],
    )
    assert isinstance(next(iter(reg.entities.values())), Entity)
    assert EntityAlias  # the registry round-trips through plain rows


# --- layout, evidence and gazetteer rules ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("CRICKET - LEICESTERSHIRE WIN .\nLONDON 1996-08-30\nText", ["LONDON"]),
        ("Headline\nLarry Fine\nNEW YORK 1996-08-30\nText", ["NEW YORK"]),
        ("TOFTIR , Faroe Islands 1996-08-31\nText", ["TOFTIR", "Faroe Islands"]),
        ("KELLBRIDGE, March 1: Production stopped.", ["KELLBRIDGE"]),
        ("DUNMERE, March 1 \u2013 The harbour", ["DUNMERE"]),
        ("HARBOURTON \u2014 Talks began.", ["HARBOURTON"]),
        ("WASHINGTON, Aug 30 (Reuters) - The", ["WASHINGTON"]),
        ("US - China talks resume", []),  # a headline, not a dateline
        ("SOCCER - ROTOR FANS LOCKED OUT", []),
    ],
)
def test_dateline_spans(text, places):
    assert [text[s:e] for s, e in dateline_spans(text)] == places


@pytest.mark.parametrize(
    ("text", "placed"),
    [
        ("Talks will be held in Ashcombe on Tuesday.", {"ashcombe"}),
        ("The Harbourton-based operator said so.", {"harbourton"}),
        ("It lies in the town of Dunmere.", {"dunmere"}),
        ("The River Tallow burst its banks.", {"tallow"}),
        ("An alert stays in place for the whole of the Tallow catchment.", {"tallow"}),  # a feature noun after it
        ("Sandbags lined the river Tallow near the mill.", {"tallow"}),
        ("The Tallow river rose overnight.", {"tallow"}),
        ("The Biden administration said so.", set()),  # a noun no place takes
        ("Investors in Dutch bond futures lost money.", set()),  # "in X" + a noun it modifies
        ("It aims to invest $200 million in Ruch.", set()),  # invest in: an organisation
        ("She works in Castellan's offices.", set()),
    ],
)
def test_place_context_keys(text, placed):
    assert place_context_keys(text) == placed


@pytest.mark.parametrize(
    ("typo", "name", "same"),
    [
        ("smtih", "smith", True),  # neighbours swapped
        ("smitth", "smith", True),  # a letter doubled
        ("smyth", "smith", False),  # a substitution: another real name
        ("jon", "john", False),  # another letter added: another real name
        ("smith", "smith", False),
    ],
)
def test_is_typo_of(typo, name, same):
    assert is_typo_of(typo, name) is same


@pytest.mark.parametrize(
    ("name", "plausible"),
    [("Barcelona Barcelona", False), ("Jean-Luc Brassard", True), ("Madonna", False), ("Agent 47", False)],
)
def test_plausible_person(name, plausible):
    assert plausible_person(name) is plausible


@pytest.mark.parametrize(
    ("line", "table"),
    [
        ("Charlton 2 Crystal Palace 1", True),
        ("NEW YORK 74 59 .556 -", True),
        ("He scored 2 goals in 3 games for the club", False),
    ],
)
def test_is_table_line(line, table):
    assert is_table_line(line) is table


def test_gazetteer_first_names_skip_particles_and_demonyms():
    gaz = Gazetteer(first_names=frozenset({"jean", "van", "german"}), demonyms=frozenset({"german"}))
    assert gaz.is_first_name("Jean-Luc")  # the first part of a hyphenated given name
    assert not gaz.is_first_name("Van")  # "Van Houten Marine"
    assert not gaz.is_first_name("German")  # "German Foreign Ministry"


def _types(res, article_id: str = "a0") -> dict[str, set[tuple[str, str]]]:
    names = _names(res)
    out: dict[str, set[tuple[str, str]]] = {}
    for m in res.mentions:
        if m.article_id == article_id:
            out.setdefault(m.surface, set()).add(names[m.entity_id])
    return out


@pytest.mark.parametrize(
    ("text", "surface", "expected"),
    [
        # a hyphenated given name stays one name (no hyphen_split into "Jean" + "Luc")
        (
            "Jean-Luc Brassard met Antony Blinken in Paris. Brassard said the talks went well.",
            "Jean-Luc Brassard",
            {("Jean-Luc Brassard", "PERSON")},
        ),
        # a town spaCy may call a person, placed by the article itself
        ("The talks were held in Ashcombe on Tuesday. Ashcombe is a quiet town.", "Ashcombe", {("Ashcombe", "GPE")}),
        # a company with a person-like name, by its suffix
        (
            "Seafood processors were among the worst affected. Kestrel Bay Seafoods, which employs 230 people in"
            " Harbourton, said it had thrown away two container-loads of chilled langoustine on Monday.",
            "Kestrel Bay Seafoods",
            {("Kestrel Bay Seafoods", "ORG")},
        ),
        # a one-word short form of an organisation in the same article
        (
            "Castellan Port Services offered 3.5 per cent. The union asked Castellan to talk.",
            "Castellan",
            {("Castellan Port Services", "ORG")},
        ),
    ],
)
def test_type_check(nlp, text, surface, expected):
    assert _types(_run(nlp, text)).get(surface) == expected


def test_titled_short_form_takes_the_surname_and_never_merges_people(nlp):
    text = (
        "Senator Elizabeth Warren questioned the investor Warren Buffett on Tuesday. "
        "Senator Warren said the hearing would resume."
    )
    res = _run(nlp, text)
    names = _names(res)
    titled = [m for m in res.mentions if m.surface == "Warren" and text[m.start - 8 : m.start] == "Senator "]
    assert titled
    assert {names[m.entity_id] for m in titled} == {("Elizabeth Warren", "PERSON")}
    assert all(m.how.endswith("titled_short_form_same_article") for m in titled)
    people = {n for n, t in names.values() if t == "PERSON"}
    assert {"Elizabeth Warren", "Warren Buffett"} <= people


def test_titled_short_form_resolves_through_registry(nlp):
    reg = Registry.from_rows(
        [{"entity_id": entity_id("PERSON", "Olaf Scholz"), "canonical_name": "Olaf Scholz", "type": "PERSON"}]
    )
    res = _run(nlp, "Chancellor Scholz met union leaders in Berlin on Monday.", registry=reg)
    hits = [m for m in res.mentions if m.surface == "Scholz"]
    assert hits
    assert {m.entity_id for m in hits} == {entity_id("PERSON", "Olaf Scholz")}


def test_one_letter_slip_resolves_and_another_name_does_not(nlp):
    text = (
        "Mark Smith and Mark Smyth sit on the board. Smith said the vote was close, "
        "and Smyth agreed. Smtih added that a second vote would follow."
    )
    res = _run(nlp, text)
    names = _names(res)
    by_surface = _types(res)
    if "Smtih" in by_surface:  # when the model tags the slip at all
        assert by_surface["Smtih"] == {("Mark Smith", "PERSON")}
        assert any(m.how.endswith("typo_same_article") for m in res.mentions if m.surface == "Smtih")
    assert by_surface["Smyth"] == {("Mark Smyth", "PERSON")}  # a different person, never merged
    assert {"Mark Smith", "Mark Smyth"} <= {n for n, t in names.values() if t == "PERSON"}


def test_registry_retires_implausible_people_and_needs_a_second_signal(nlp):
    bad = {"entity_id": entity_id("PERSON", "Barcelona Barcelona"), "canonical_name": "Barcelona Barcelona"}
    reg = Registry.from_rows([{**bad, "type": "PERSON"}])
    assert reg.retired == {bad["entity_id"]}
    assert not reg.persons_with_token("barcelona")
    res = _run(nlp, "Tourism in Barcelona grew by 4 per cent last year, officials in Barcelona said.", registry=reg)
    assert all(t != "PERSON" for n, t in _names(res).values())


def test_outlet_names_are_organisations(nlp):
    art = ArticleText(
        article_id="a0", text="Follow the Gazette on Facebook for updates from Dunmere.", source="Tidewater Gazette"
    )
    res = entity_mentions([art], nlp, gazetteer=installed_gazetteer())
    gazette = [m for m in res.mentions if m.surface == "Gazette"]
    if gazette:  # when the model tags the word at all
        assert {_names(res)[m.entity_id] for m in gazette} == {("Tidewater Gazette", "ORG")}


def test_sports_clubs_and_results_tables(nlp):
    text = (
        "SOCCER - ENGLISH LEAGUE RESULTS .\nLONDON 2026-03-07\nResults on Saturday :\n"
        "Stockport 2 Swindon 1\nBradford 0 Oldham 0\n"
        "England beat Wales 2-0 at Wembley , with Barcelona watching ."
    )
    types = _types(_run(nlp, text))
    assert types["LONDON"] == {("LONDON", "GPE")}  # the dateline stays a place
    for club in ("Stockport", "Swindon", "Bradford", "Oldham"):
        assert {t for _, t in types[club]} == {"ORG"}, club
    assert {t for _, t in types["England"]} == {"GPE"}  # a national side is its country


# --- towns, rivers and mills spaCy calls people (the sample demo's Brennock and Tallow) -------------


def test_short_form_of_a_company_named_with_and_without_its_suffix(nlp):
    # "Brennock Fibre" and "Brennock Fibre Ltd" are one company: a bare "Brennock" is its short form
    text = (
        "KELLBRIDGE, March 1: Production at the Brennock paper mill has been halted after the river burst its"
        " banks.\n\nThe mill, owned by Brennock Fibre Ltd, employs 340 people. Brennock Fibre said engineers"
        " would assess the damage."
    )
    types = _types(_run(nlp, text, title="River Tallow floods Brennock paper mill"))
    assert types["Brennock"] == {("Brennock Fibre Ltd", "ORG")}


def test_river_named_by_a_feature_noun_is_a_place(nlp):
    text = "The agency kept an alert in place for the whole of the Tallow catchment, with more rain forecast."
    res = _run(nlp, text)
    assert {t for _, t in _types(res).get("Tallow", {("", "GPE")})} <= {"GPE", "LOC"}
    assert all(m.surface != "Tallow" or "place_evidence" in m.how for m in res.mentions)


def _company_registry() -> Registry:
    ltd = {"entity_id": entity_id("ORG", "Brennock Fibre Ltd"), "canonical_name": "Brennock Fibre Ltd", "type": "ORG"}
    alias = {"alias": "Brennock", "entity_id": ltd["entity_id"], "learned_from": "x", "how": "org_short_form"}
    return Registry.from_rows([ltd], [alias])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # no person cue: the registry's only entity of that name
        (
            "The River Tallow flooded the Brennock paper mill and forty homes on Saturday night.",
            {("Brennock Fibre Ltd", "ORG")},
        ),
        # a person named in full in the article keeps the word a person
        (
            "Aoife Brennock, a nurse, said the river rose fast. Brennock said forty homes were flooded.",
            {("Aoife Brennock", "PERSON")},
        ),
    ],
)
def test_registry_relabels_a_lone_word_it_knows_as_no_person(nlp, text, expected):
    res = _run(nlp, text, registry=_company_registry())
    types = _types(res)
    if "Brennock" in types:  # when the model tags the word at all
        assert types["Brennock"] == expected


def test_company_named_without_its_suffix_is_the_same_company(nlp):
    text = (
        "The mill, owned by Brennock Fibre Ltd, employs 340 people. Brennock Fibre said engineers would assess"
        " the damage. Kestrel Bay Seafoods and Kestrel Bay Trading both trade at the port."
    )
    types = _types(_run(nlp, text))
    assert types["Brennock Fibre"] == {("Brennock Fibre Ltd", "ORG")}
    # another word than an organisation word: another company
    assert {n for n, _ in types.get("Kestrel Bay Trading", {("Kestrel Bay Trading", "")})} == {"Kestrel Bay Trading"}


def test_a_short_form_follows_its_organisation_through_other_short_forms_or_stands_alone() -> None:
    """'Neue' -> 'Neue Werke' -> 'Neue Werke AG' reaches the company whatever the order; a short form
    whose organisation is no longer a mention (dropped as a fragment) is not left without an entity."""
    from transforms.entities import _alias_root, _Cand, _checked

    full = _Cand(False, 40, 53, "ORG", "ORG", [])
    middle = _Cand(False, 20, 30, "ORG", "ORG", ["org_short_form"], alias_of=full)
    short = _Cand(False, 0, 4, "ORG", "ORG", ["org_short_form"], alias_of=middle)
    assert _alias_root(short) is full and _alias_root(middle) is full and _alias_root(full) is full
    loop = _Cand(False, 60, 64, "ORG", "ORG", [])
    loop.alias_of = _Cand(False, 70, 74, "ORG", "ORG", [], alias_of=loop)
    assert _alias_root(loop) in (loop, loop.alias_of)  # a cycle ends
    with pytest.raises(ValueError, match="ORG mention at 0-4 resolved to no entity"):
        _checked([short])
