"""The pure gazetteer rules: names in (as the packages give them), alias keys out. No package is read here."""

from __future__ import annotations

import pytest

from transforms.gazetteer import (
    HOME_NATIONS,
    clean_place_name,
    demonym_keys,
    gazetteer,
    place_keys,
    ranked_first_names,
)


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("Monmouthshire [Sir Fynwy GB-FYN]", "Monmouthshire"),
        ("Durham, County", "Durham"),
        ("Bremerhaven", "Bremerhaven"),
    ],
)
def test_clean_place_name(name, clean):
    assert clean_place_name(name) == clean


def test_gazetteer_from_names():
    gaz = gazetteer(
        country_names=["Germany", "Korea, Republic of"],
        place_names=["Bremerhaven", "Dole", "12345", ""],
        major_place_names=["Toulouse", "Texas"],
        first_names=["anne", "luc"],
        language_names=["German", "Khmer", "Scottish Gaelic"],
    )
    assert gaz.is_country("Germany") and gaz.is_country("korea") and gaz.is_country("Wales")  # a home nation
    assert gaz.is_place("Bremerhaven") and gaz.is_place("Toulouse") and gaz.is_place("Germany")
    assert not gaz.is_place("12345")  # no letter, no place
    assert gaz.is_major_place("Toulouse") and gaz.is_major_place("Germany") and not gaz.is_major_place("Dole")
    assert gaz.is_first_name("Anne") and gaz.is_first_name("Luc-Pierre")
    assert {"german", "khmer", "british"} <= gaz.demonyms and "scottish gaelic" not in gaz.demonyms
    assert HOME_NATIONS <= gaz.countries <= gaz.places


def test_ranked_first_names():
    table = {
        "Anne": {"rank": {"FR": 3, "GB": 40}},
        "Begoña": {"rank": {"ES": 300}},
        "Zyx": {"rank": {"US": 9000}},
        "J": {"rank": {"US": 1}},  # one letter
        "Jean-Luc": {"rank": {"FR": 20}},  # not one alphabetic word
        "Nobody": {"rank": None},
    }
    assert ranked_first_names(table, rank=500, countries=1) == {"anne", "begoña"}
    assert ranked_first_names(table, rank=500, countries=2) == {"anne"}


def test_place_and_demonym_keys():
    assert place_keys(["St. Louis", "São Paulo", "1. FC"]) == {"st louis", "são paulo", "1 fc"}
    assert demonym_keys([]) >= {"british", "american"}
