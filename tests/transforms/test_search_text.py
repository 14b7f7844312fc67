"""Search queries and snippets, the pure parts: parsing, tokens, passages, highlighting."""

from __future__ import annotations

import pytest

from transforms.search_text import (
    ParsedQuery,
    SearchQueryError,
    best_snippet,
    body_start,
    highlighted,
    index_tokens,
    matched_spans,
    parsed_query,
    phrase_pattern,
    token_spans,
)


@pytest.mark.parametrize(
    ("query", "want"),
    [
        ("port strike", ParsedQuery(words=["port", "strike"])),
        ('"tentative deal" ballot', ParsedQuery(words=["ballot"], phrases=["tentative deal"])),
        ("strike -ferry", ParsedQuery(words=["strike"], excluded_words=["ferry"])),
        ('mill -"River Tallow"', ParsedQuery(words=["mill"], excluded_phrases=["River Tallow"])),
        ("+strike  +port", ParsedQuery(words=["strike", "port"])),
        ("Fenwick & Dale", ParsedQuery(words=["Fenwick", "Dale"])),  # "&" holds no index token
        ("covid-19 U.S.", ParsedQuery(words=["covid-19", "U.S."])),
        ('"a b"c', ParsedQuery(words=["c"], phrases=["a b"])),
        ("10:30 meeting", ParsedQuery(words=["10:30", "meeting"])),
    ],
)
def test_queries_parse_into_words_phrases_and_exclusions(query, want):
    assert parsed_query(query) == want


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty query"),
        ("   \t", "empty query"),
        ("— &", "no words to search for"),
        ('"port strike', "unbalanced quote"),
        ('strike "', "unbalanced quote"),
        ('""', "has no words"),
        ('"  … "', "has no words"),
        ("strike -", "stands alone"),
        ("- strike", "stands alone"),
        ("-strike", "only excludes"),
        ('-"port strike" -ferry', "only excludes"),
        ("strike OR walkout", "boolean operators"),
        ("(strike walkout)", "boolean operators"),
        ("strike|walkout", "boolean operators"),
        ("strik*", "wildcards"),
        ("title:strike", "field searches"),
        ("strike~", "fuzzy"),
        ("strike^2", "fuzzy"),
        ("x" * 501, "characters long"),
        (" ".join(["w"] * 40), "more than 32"),
    ],
)
def test_bad_queries_say_what_is_wrong_in_one_line(query, message):
    with pytest.raises(SearchQueryError, match=message) as info:
        parsed_query(query)
    assert isinstance(info.value, ValueError)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Port strike!", ["port", "strike"]),
        ("Zürich's café", ["zurich", "s", "cafe"]),
        ("U.S. covid-19 £14m", ["u", "s", "covid", "19", "14m"]),
        ("Dunmere–Bilbao", ["dunmere", "bilbao"]),
        ("snake_case", ["snake", "case"]),
        ("ÉCOLE  Ærø straße", ["ecole", "r", "stra", "e"]),  # Æ, ø and ß are not [a-z] after stripping accents
        ("", []),
    ],
)
def test_tokens_are_runs_of_folded_letters_and_digits(text, tokens):
    assert index_tokens(text) == tokens
    for start, end, token in token_spans(text):
        assert 0 <= start < end <= len(text) and token


def test_phrase_pattern_needs_the_words_in_order_and_whole():
    import re

    pattern = re.compile(phrase_pattern(["port", "strike"]))
    assert pattern.search("the port strike began")
    assert pattern.search("port — strike")
    assert not pattern.search("strike at the port")
    assert not pattern.search("airport striker")


TEXT = (
    "Kellbridge council met on Monday. The river rose overnight. "
    "Volunteers filled sandbags as the river Tallow flooded the mill and the flood reached the town. "
    "Insurers said claims would follow. The mill will reopen in March."
)
STEMS = {"flooded": "flood", "flood": "flood", "floods": "flood", "river": "river", "mill": "mill"}


def _matches(text: str, stems: set[str], phrases=()):
    return matched_spans(token_spans(text), STEMS, stems, phrases)


def test_the_passage_with_the_most_distinct_matches_wins_and_is_highlighted():
    matches = _matches(TEXT, {"flood", "mill"})
    snippet = best_snippet(TEXT, matches, max_chars=120)
    passage = TEXT[snippet.start : snippet.end]
    assert passage.startswith("Volunteers filled sandbags")
    assert [TEXT[s:e] for s, e in snippet.highlights] == ["flooded", "mill", "flood"]
    assert all(snippet.start <= s < e <= snippet.end for s, e in snippet.highlights)
    md = highlighted(TEXT, snippet.start, snippet.end, snippet.highlights)
    assert md.startswith("…Volunteers") and "**flooded** the **mill**" in md and "**flood**" in md


def test_phrases_are_highlighted_whole():
    matches = _matches(TEXT, {"river"}, [["river", "tallow"]])
    snippet = best_snippet(TEXT, matches, max_chars=200)
    assert "river Tallow" in [TEXT[s:e] for s, e in snippet.highlights]


def test_no_match_in_the_text_gives_its_lead_cut_at_a_word():
    snippet = best_snippet(TEXT, [], max_chars=40)
    assert snippet.start == 0 and snippet.highlights == []
    assert TEXT[snippet.start : snippet.end] == "Kellbridge council met on Monday. The"
    assert highlighted(TEXT, snippet.start, snippet.end, []).endswith("The…")


def test_a_match_deep_in_one_long_sentence_is_still_shown():
    text = "It " + "went on and on " * 40 + "until the flood came " + "and on " * 40 + "."
    snippet = best_snippet(text, _matches(text, {"flood"}), max_chars=100)
    assert "flood" in text[snippet.start : snippet.end]
    assert snippet.end - snippet.start <= 100


def test_a_leading_copy_of_the_title_is_skipped():
    text = "Mill floods\nThe mill flooded on Monday."
    assert body_start(text, "Mill floods") == len("Mill floods\n")
    assert body_start(text, "Other title") == 0
    assert body_start(text, None) == 0
    snippet = best_snippet(text, _matches(text, {"mill", "flood"}), start_at=body_start(text, "Mill floods"))
    assert text[snippet.start : snippet.end] == "The mill flooded on Monday."


def test_highlighted_collapses_whitespace_and_marks_matches():
    text = "a  flood\n\nin the\tmill"
    assert highlighted(text, 0, len(text), [(3, 8), (17, 21)]) == "a **flood** in the **mill**"
