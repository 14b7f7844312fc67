"""html_article and detected_language on small synthetic pages."""

from __future__ import annotations

from datetime import date

import pytest

from transforms.html_extract import HtmlExtraction, decoded_html, html_article
from transforms.language import detected_language

PARAGRAPH_1 = (
    "The city council approved the new budget on Tuesday after a long debate about school "
    "funding, road repairs and the future of the public library in the old town."
)
PARAGRAPH_2 = (
    "Opposition members said the plan relies on optimistic tax forecasts, while the mayor "
    "argued that the reserves are large enough to absorb a weaker year without cuts."
)
GERMAN = (
    "Der Stadtrat hat am Dienstag nach langer Debatte den neuen Haushalt beschlossen. "
    "Umstritten waren vor allem die Ausgaben für Schulen, Straßen und die Stadtbücherei, "
    "die nach dem Willen der Mehrheit länger geöffnet bleiben soll."
)


def _page(*, head: str = "", body: str = "", lang: str = "en") -> str:
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>{head}</head>"
        f"<body>{body}</body></html>"
    )


CHROME = """
<header><nav>
<a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a>
</nav></header>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/a">Celebrity buys island</a></li>
<li><a href="/b">Ten tips for summer</a></li></ul></aside>
"""
FOOTER = (
    "<footer><p>Subscribe to our newsletter</p>"
    "<p>© Daily Example. All rights reserved.</p></footer>"
)
ARTICLE = (
    f"<article><h1>Council passes budget</h1><p>{PARAGRAPH_1}</p><p>{PARAGRAPH_2}</p></article>"
)
META = """
<title>Council passes budget | Daily Example</title>
<meta property="og:title" content="Council passes budget">
<meta property="og:site_name" content="Daily Example">
<meta name="author" content="Jane Doe">
<meta name="description" content="The council approved the budget.">
<meta property="article:published_time" content="2024-04-02T09:30:00+02:00">
<meta property="og:image" content="https://example.org/hall.jpg">
"""
CAPTIONED = (
    f"<article><h1>Council passes budget</h1>{{caption}}<p>{PARAGRAPH_1}</p><p>{PARAGRAPH_2}</p>"
    "</article>"
)
CAPTION = (
    "<figure><img src='hall.jpg'><figcaption>The town hall, photographed on 3 March 1998."
    "</figcaption></figure>"
)

CASES = [
    pytest.param(
        _page(head="<title>Council passes budget</title>", body=CHROME + ARTICLE + FOOTER),
        {
            "text_has": [PARAGRAPH_1, PARAGRAPH_2],
            "text_lacks": ["Most read", "Celebrity", "Subscribe", "Home"],
        },
        id="chrome-is-dropped",
    ),
    pytest.param(
        _page(head=META, body=CHROME + ARTICLE + FOOTER),
        {
            "title": "Council passes budget",
            "author": "Jane Doe",
            "published": date(2024, 4, 2),
            "sitename": "Daily Example",
            "description": "The council approved the budget.",
            "image": "https://example.org/hall.jpg",
            "language": "en",
        },
        id="meta-tags",
    ),
    pytest.param(
        _page(
            head="<title>Council passes budget</title>",
            body=CAPTIONED.format(caption=CAPTION),
        ),
        {"published": None, "text_has": [PARAGRAPH_1]},
        id="caption-date-is-not-publish-date",
    ),
    pytest.param(
        _page(
            head=META,
            body=CAPTIONED.format(caption=CAPTION),
        ),
        {"published": date(2024, 4, 2)},
        id="caption-date-with-meta-date",
    ),
    pytest.param(
        _page(head=META.replace("2024-04-02", "2024-06-01"), body=ARTICLE),
        {"published_not": date(2024, 6, 1)},
        id="date-after-reference-day-refused",
    ),
    pytest.param(
        # cut in the middle of the second paragraph: no closing tags at all
        _page(head=META, body=CHROME + ARTICLE + FOOTER).split(PARAGRAPH_2[40:])[0],
        {"text_has": [PARAGRAPH_1[:60]], "title": "Council passes budget"},
        id="truncated-page",
    ),
    pytest.param(
        "<html><head><title>Council pas",
        {"text": ""},
        id="truncated-in-head",
    ),
    pytest.param(
        _page(head="<title>Daily Example</title>", body=CHROME + FOOTER),
        {"text": "", "title": "Daily Example"},
        id="no-article",
    ),
    pytest.param("", {"text": "", "title": None}, id="empty-string"),
    pytest.param(b"", {"text": "", "title": None}, id="empty-bytes"),
    pytest.param(
        _page(
            head="<title>Haushalt beschlossen</title>",
            body=f"<article><h1>Haushalt</h1><p>{GERMAN}</p><p>{GERMAN}</p></article>",
            lang="de",
        )
        .replace("utf-8", "iso-8859-1")
        .encode("cp1252"),
        {"text_has": ["Straßen und die Stadtbücherei"], "encoding": "cp1252", "language": "de"},
        id="declared-latin1-bytes",
    ),
    pytest.param(
        _page(body=f"<article><h1>Haushalt</h1><p>{GERMAN}</p><p>{GERMAN}</p></article>", lang="de")
        .replace("<meta charset='utf-8'>", "")
        .encode("cp1252"),
        {"text_has": ["Straßen und die Stadtbücherei"]},
        id="undeclared-cp1252-bytes",
    ),
    pytest.param(
        b"\xef\xbb\xbf"
        + _page(body=f"<article><p>{GERMAN}</p><p>{GERMAN}</p></article>", lang="de").encode(),
        {"text_has": ["Straßen"], "encoding": "utf-8-sig"},
        id="utf8-bom",
    ),
    pytest.param(
        _page(body=f"<article><p>{GERMAN}</p><p>{GERMAN}</p></article>", lang="en"),
        {"language": "de", "declared_language": "en"},
        id="wrong-declared-language",
    ),
]


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_html_article(html: str | bytes, expected: dict[str, object]) -> None:
    result = html_article(
        html, url="https://example.org/news/budget", reference_day=date(2024, 5, 1)
    )
    assert isinstance(result, HtmlExtraction)
    for snippet in expected.pop("text_has", []):
        assert snippet in result.text
    for snippet in expected.pop("text_lacks", []):
        assert snippet not in result.text
    if "published_not" in expected:
        assert result.published != expected.pop("published_not")
    for key, value in expected.items():
        assert getattr(result, key) == value, key


def test_paragraphs_are_separated_by_a_blank_line() -> None:
    result = html_article(_page(body=CHROME + ARTICLE + FOOTER))
    assert f"{PARAGRAPH_1}\n\n{PARAGRAPH_2}" in result.text


def test_no_reference_day_keeps_a_recent_date() -> None:
    result = html_article(_page(head=META.replace("2024-04-02", "2031-01-05"), body=ARTICLE))
    assert result.published == date(2031, 1, 5)


@pytest.mark.parametrize(
    ("raw", "text", "encoding"),
    [
        ("Grüße".encode(), "Grüße", "utf-8"),
        (b'<meta charset="windows-1252"><p>\x93quoted\x94 \x80</p>', "“quoted” €", "cp1252"),
        # WHATWG: a latin-1 label means windows-1252 (so 0x80 is the euro sign).
        (
            b"<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'>\x80",
            "€",
            "cp1252",
        ),
        (b'<meta charset="utf-16"><p>caf\xc3\xa9</p>', "café", "utf-8"),
        ("<p>Привет</p>".encode("utf-16"), "Привет", "utf-16"),
    ],
)
def test_decoded_html(raw: bytes, text: str, encoding: str) -> None:
    decoded, used = decoded_html(raw)
    assert text in decoded
    assert used == encoding


@pytest.mark.parametrize(
    ("text", "declared", "expected_code"),
    [
        (GERMAN, None, "de"),
        (PARAGRAPH_1, "en-GB", "en"),
        (GERMAN, "en", "de"),  # confident detection beats a template's lang="en"
        ("Budget passed.", None, None),  # too short to classify
        ("Budget passed.", "fr-FR", "fr"),  # too short: the declaration is all there is
        ("", None, None),
    ],
)
def test_detected_language(text: str, declared: str | None, expected_code: str | None) -> None:
    code, confidence = detected_language(text, declared)
    assert code == expected_code
    assert 0.0 <= confidence <= 1.0
    if len(text) < 40:
        assert confidence == 0.0
