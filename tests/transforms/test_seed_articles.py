"""Every title/text/date line of ../shared/seeds/expected.json, through the same
document -> article path the flow uses (sniffing, cleaning, date provenance)."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from flows.archive import content_id
from newsmon.models import Article, Document
from transforms.articles import document_articles
from transforms.sniff import sniffed

ARRIVAL = {
    "000": date(2023, 6, 17),
    "001": date(2023, 6, 17),
    "002": date(2023, 6, 17),
    "003": date(2023, 6, 18),
    "004": date(2023, 6, 19),
}


def _fold(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s)).strip()


def _expected(seeds_dir: Path) -> dict:
    return json.loads((seeds_dir / "expected.json").read_text())


def _article(seeds_dir: Path, name: str) -> Article:
    raw = (seeds_dir / name).read_bytes()
    doc = Document(
        doc_id=content_id(raw),
        file_name=name,
        source_path=name,
        arrival_day=ARRIVAL[name[:3]],
        size_bytes=len(raw),
        media_type="text",
        archive_path="x",
    )
    articles, problems = document_articles(doc, sniffed(raw, name))
    assert not problems and len(articles) == 1
    return articles[0]


SEED_NAMES = [
    "000_a7080b2595b9d6d4.txt",
    "001_a0b0b02e4a955bed.txt",
    "002_d924579d91b88445.txt",
    "003_81d969409292dfb7.txt",
    "004_00bb0b47ee1a1f3c.txt",
]


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_title_text_and_dates(seeds_dir, name):
    want = _expected(seeds_dir)["articles"][name]
    article = _article(seeds_dir, name)
    text = _fold(article.text)
    assert (_fold(article.title) if article.title else None) == want["title"]
    for snippet in want["must_contain"]:
        assert _fold(snippet) in text, snippet
    for snippet in want["must_not_contain"]:
        assert _fold(snippet) not in text and _fold(snippet) not in _fold(article.title or ""), snippet
    if want.get("published_date"):
        assert article.published_at.date().isoformat() == want["published_date"]
        assert article.published_provenance == "stated_line"
    else:
        # No stated date: the dateline or the arrival day stands in, and says so.
        assert article.published_provenance in {"dateline", "arrival_day"}
    if want.get("must_not_be_published_date"):
        assert article.published_at.date().isoformat() != want["must_not_be_published_date"]
    if want.get("dateline"):
        assert article.dateline_place == want["dateline"]["place"]
        assert article.dateline_date.isoformat() == want["dateline"]["date"]
    assert article.language == "en"
