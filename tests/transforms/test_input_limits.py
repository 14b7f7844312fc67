"""Hostile JSON, sidecars, NER input and displayed text: explicit limits, readable reasons."""

from __future__ import annotations

import pytest

from transforms.display import shown, shown_name
from transforms.json_limits import DUPLICATE_KEYS, JsonLimitError, json_depth, loaded_json
from transforms.ner_input import MAX_CHARS, _chunks, ner_text
from transforms.sidecar import sidecar_meta
from transforms.sniff import json_items


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 5000 + "]" * 5000, "json nesting depth 5,000 exceeds 100"),
        ('{"n": ' + "9" * 5000 + "}", "json number of 5,000 digits exceeds 1,000"),
        ('{"a": 1', "not valid JSON"),
        ("[1] tail", "not valid JSON: Extra data at line 1, column 5"),
    ],
)
def test_json_beyond_the_limits_is_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(JsonLimitError, match=message.replace("(", r"\(")):
        loaded_json(text)


def test_json_within_the_limits() -> None:
    assert loaded_json('{"a": NaN, "b": Infinity, "c": 1e999999, "d": 2}') == {"a": None, "b": None, "c": None, "d": 2}
    assert loaded_json('{"t": "a", "t": "b"}') == {"t": "b", DUPLICATE_KEYS: ["t"]}
    assert loaded_json('{"t": "a", "t": "a"}') == {"t": "a"}  # the same value twice is not ambiguous
    assert json_depth('{"s": "[[[[[[", "x": [[1]]}') == 3  # brackets in strings do not count


@pytest.mark.parametrize(
    ("text", "items"),
    [
        (
            '[{"a": 1}, 7, null, {"b": 2}]',
            [
                (0, {"a": 1}),
                (1, "record 1 is a number, not an article object"),
                (2, "record 2 is null, not an article object"),
                (3, {"b": 2}),
            ],
        ),
        ("[]", []),
        ('{"articles": []}', []),
        ('{"title": "x"}', [(0, {"title": "x"})]),
    ],
)
def test_json_items_keep_the_good_records(text: str, items: list) -> None:
    assert json_items(text) == items


def test_a_json_scalar_is_not_an_article_file() -> None:
    with pytest.raises(ValueError, match="got a number"):
        json_items("42")


@pytest.mark.parametrize(
    ("raw", "kept", "problem"),
    [
        (
            b'{"published_at": "10000-01-01", "source": "Tidewater Gazette"}',
            {"source": "Tidewater Gazette"},
            'published_at "10000-01-01" is not a valid date: ignored',
        ),
        (b'{"url": 5, "title": "Ok"}', {"title": "Ok"}, "url 5 is not text: ignored"),
        (b'{"title": "' + b"T" * 1500 + b'"}', {}, "title is 1,500 characters, over 1,000: ignored"),
        (b"[1]", {}, "ignored: expected a JSON object of fields, got list"),
        (b"\xff{", {}, "ignored: not UTF-8 text (byte 0)"),
        (b'{"source": "a", "source": "b"}', {}, '"source" is given more than once with different values'),
    ],
)
def test_a_sidecar_keeps_its_good_fields(raw: bytes, kept: dict, problem: str) -> None:
    meta, problems = sidecar_meta(raw)
    assert meta.model_dump(exclude_none=True) == kept
    assert any(problem in p for p in problems), problems


def test_ner_text_keeps_offsets_and_bounds_work() -> None:
    text = "Ada met Rowan in Saltmere. " + "&" * 50_000 + " Then Ines spoke."
    read, cut = ner_text(text)
    assert len(read) == len(text) and read.endswith(" Then Ines spoke.") and "&&&&" not in read
    assert cut is not None and cut.punct_runs == 1 and cut.read_chars == len(text)
    assert ner_text("Plain text... with -- dashes!!")[1] is None
    long_read, long_cut = ner_text("word " * 100_000)
    assert len(long_read) == MAX_CHARS and long_cut is not None and long_cut.chars == 500_000


def test_chunks_end_at_whitespace_and_join_back() -> None:
    text = ("para one two three\n" * 50) + "x" * 300
    chunks = _chunks(text, 100)
    assert "".join(chunks) == text and all(c[-1].isspace() for c in chunks if "x" not in c)


@pytest.mark.parametrize(
    ("text", "one_line", "expected"),
    [
        ("Evil\x1b[2J title", False, "Evil\\x1b[2J title"),
        ("gazette\u202eetteza", False, "gazette\\u202eetteza"),
        ("two\nlines\tok", False, "two\nlines\tok"),
        ("two\nlines", True, "two\\nlines"),
        ("\u0627\u0644\u0639\u0631\u0628\u064a\u0629\u200f", False, "\u0627\u0644\u0639\u0631\u0628\u064a\u0629\u200f"),
    ],
)
def test_shown(text: str, one_line: bool, expected: str) -> None:
    assert shown(text, one_line=one_line) == expected


def test_shown_name() -> None:
    assert shown_name(b"caf\xe9\x1b.txt".decode("utf-8", "surrogateescape")) == "caf\\xe9\\x1b.txt"
