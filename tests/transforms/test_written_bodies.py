"""Body text on the news and blog pages written for bench/eval_written_bodies.py: every gold
paragraph kept, none of the site's lines (headline, bylines, credits, promos, tags, author box,
cookie notice, "most read" list) left in. Every article and template is invented."""

from __future__ import annotations

import pytest

from bench.eval_written_bodies import pages, token_scores
from transforms.html_extract import ExtractionOptions, html_article


@pytest.mark.parametrize(("name", "page", "gold"), pages(), ids=[p[0] for p in pages()])
def test_written_page_body_is_the_article(name: str, page: str, gold: str) -> None:
    url = f"https://example.org/news/{name}"
    text = html_article(page, url=url).text
    assert text.split("\n\n") == gold.split("\n")
    # the page is a test of the rules: without them the site's lines come back
    bare = html_article(page, url=url, options=ExtractionOptions(drop_walls=False, drop_headline=False)).text
    assert token_scores(bare, gold)[0] < 1.0
