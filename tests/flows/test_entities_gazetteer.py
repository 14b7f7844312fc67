"""Loading the entity stage's gazetteer (flows/gazetteer.py): the cached first-name list and lazy loading."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from flows.gazetteer import cache_path, first_name_keys, installed_gazetteer

ROOT = Path(__file__).resolve().parents[2]


def test_first_name_list_reads_the_cached_derivation(tmp_path):
    pytest.importorskip("names_dataset")
    cached = tmp_path / "first_names.txt"
    cached.write_text("anne\nluc\n", encoding="utf-8")
    assert first_name_keys(cached) == {"anne", "luc"}


def test_cache_path_follows_xdg_cache_home(tmp_path, monkeypatch):
    pytest.importorskip("names_dataset")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = cache_path()
    assert path.parent == tmp_path / "newsmon"
    assert path.name.startswith("first_names-") and path.suffix == ".txt"


def test_installed_gazetteer_knows_places_and_first_names():
    gaz = installed_gazetteer()
    assert gaz.is_major_place("Toulouse") and gaz.is_country("Germany")
    if gaz.first_names:  # names-dataset installed
        assert gaz.is_first_name("Anne") and not gaz.is_first_name("German")


def test_the_gazetteer_loads_only_when_the_entity_stage_runs():
    # Importing the stages (as the daily flow does) reads no package data; a day with no articles neither.
    code = (
        "import flows.entities, flows.events, flows.gazetteer as g\n"
        "from flows.entities import day_entity_result\n"
        "from transforms.entities import Registry\n"
        "day_entity_result([], None, Registry())\n"
        "print(g.installed_gazetteer.cache_info().currsize)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"
