"""Table-driven tests of the plain-text cleaner: one small input per rule."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from transforms.normalize import match_key, normalized_text
from transforms.text_clean import boilerplate_lines, cleaned_text

DAY = date(2023, 6, 17)
HEADLINE = "Blinken lands in Beijing for rare talks"
BODY = (
    "US Secretary of State Antony Blinken began meetings in Beijing on Sunday, the first top "
    "American diplomat to visit China in five years, amid frosty ties."
)
BODY2 = (
    "Chinese Foreign Minister Qin Gang greeted Blinken at the door of a villa on the grounds "
    "of the Diaoyutai State Guest House, rather than inside the building."
)


def _doc(*lines: str) -> str:
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# normalized_text / match_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\u00a0b", "a b"),  # NBSP
        ("a\u2009\u202fb", "a b"),  # thin and narrow no-break spaces
        ("a\tb", "a b"),
        ("a    b", "a b"),
        ("  padded line  ", "padded line"),
        ("Wednesday.\u00a0\u00a0 \ufffdREUTERS", "Wednesday. REUTERS"),  # lost ©
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("soft\u00adhyphen", "softhyphen"),
        ("don\u00e2\u20ac\u2122t", "don\u2019t"),  # mojibake of a curly apostrophe
        ("\u201cquoted\u201d", "\u201cquoted\u201d"),  # typography is left alone
        ("cafe\u0301", "caf\u00e9"),  # NFC
        ("one\r\ntwo\rthree", "one\n\ntwo\n\nthree"),
        ("one\n\n\n\ntwo", "one\n\ntwo"),
        ("one\n  \ntwo", "one\n\ntwo"),
        ("one\u2029two", "one\n\ntwo"),
        ("\n\nbody\n\n", "body"),
        ("", ""),
    ],
)
def test_normalized_text(raw: str, expected: str) -> None:
    assert normalized_text(raw) == expected


def test_normalized_text_unwraps_hard_wrapped_paragraphs() -> None:
    raw = (
        "Blinken lands in Beijing\n\n"
        "US Secretary of State Antony Blinken arrived in Beijing on Sunday for\n"
        "talks with Chinese officials, the first visit by a top American diplomat\n"
        "in five years.\n\n"
        "He is expected to meet Foreign Minister Qin Gang and possibly President\n"
        "Xi Jinping during his two-day stay, officials said on Saturday in a\n"
        "briefing.\n"
    )
    assert normalized_text(raw).split("\n\n") == [
        "Blinken lands in Beijing",
        "US Secretary of State Antony Blinken arrived in Beijing on Sunday for talks with "
        "Chinese officials, the first visit by a top American diplomat in five years.",
        "He is expected to meet Foreign Minister Qin Gang and possibly President Xi Jinping "
        "during his two-day stay, officials said on Saturday in a briefing.",
    ]


@pytest.mark.parametrize(
    "raw",
    [
        _doc(HEADLINE, BODY, BODY2),
        "Saturday, 17 June, 2023, 7:23 PM\r\nHome Foreign News\r\n\r\n" + BODY,
        "short\nlines\nonly\nhere\nfor\nthis\none",
    ],
)
def test_normalized_text_is_idempotent(raw: str) -> None:
    once = normalized_text(raw)
    assert normalized_text(once) == once
    assert unicodedata.is_normalized("NFC", once)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Back to top", "BACK  TO\u00a0TOP "),
        ("ﬁnal", "final"),  # NFKC folds ligatures
        ("Straße", "STRASSE"),  # casefold, not lower
        ("Ｆｕｌｌ width", "full width"),
    ],
)
def test_match_key_equates(a: str, b: str) -> None:
    assert match_key(a) == match_key(b)


# ---------------------------------------------------------------------------------------
# Chrome removed wherever it stands (between two body paragraphs)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Count : 127", "view counter"),
        ("Views: 1,234", "view counter"),
        ("3 min read", "view counter"),
        ("« PreviousNext »", "pagination"),
        ("« Previous Next »", "pagination"),
        ("Next article: Xi meets Gates in Beijing", "pagination"),
        ("Page 2 of 5", "pagination"),
        ("1 2 3 Next »", "pagination"),
        ("Photo: Reuters", "photo caption"),
        (
            "FILE PHOTO: Blinken speaks in Washington. REUTERS/Evelyn Hockstein/File Photo",
            "photo caption",
        ),
        (
            "Blinken speaks in Washington, June 16, 2023. (AP Photo/Jose Luis Magana)",
            "photo caption",
        ),
        ("Ondřej Harník | Pool | Reuters", "photo credit"),
        ("Leah Millis/AFP via Getty Images", "photo credit"),
        ("REUTERS/Evelyn Hockstein", "photo credit"),
        ("Getty Images", "photo credit"),
        ("REUTERS", "agency mark"),
        ("— AFP", "agency mark"),
        (
            "For the latest news, follow us on Twitter @Aaj_Urdu. We are also on Facebook.",
            "share/follow",
        ),
        ("Share this article", "share/follow"),
        ("Facebook Twitter WhatsApp Email", "share/follow"),
        ("Follow the Harbour Gazette on Facebook and X: @HarbourGazette", "share/follow"),
        ("Subscribe to our newsletter for daily updates", "share/follow"),
        ("Leave a Reply", "comment form"),
        ("Your email address will not be published. Required fields are marked *", "comment form"),
        ("Comments are closed on this story.", "comment form"),
        (
            "Save my name, email, and website in this browser for the next time I comment.",
            "comment form",
        ),
        ("Read more: Xi meets Gates in Beijing", "related links"),
        ("Related Articles", "related links heading"),
        ("You may also like", "related links heading"),
        ("Back to top button", "navigation"),
        ("Advertisement", "navigation"),
        (
            "Denial of responsibility! VigourTimes is an automatic aggregator of Global media. "
            "For any complaint, please reach us at [email protected]. We will take necessary "
            "action within 24 hours.",
            "aggregator disclaimer",
        ),
        (
            "(This story has not been edited by NDTV staff and is auto-generated from a syndicated feed.)",
            "aggregator disclaimer",
        ),
        ("© 2023 Reuters. All rights reserved.", "copyright notice"),
        ("Tags: China, United States, diplomacy", "tag list"),
        ("— CNBC Clement Tan contributed to this report.", "contributor credit"),
        ("(Reporting by David Brunnstrom; Editing by Don Durfee)", "contributor credit"),
        ("Additional reporting by Yew Lun Tian in Beijing", "contributor credit"),
        ("(With inputs from agencies)", "contributor credit"),
    ],
)
def test_chrome_line_is_removed_with_reason(line: str, reason: str) -> None:
    got = cleaned_text(_doc(HEADLINE, BODY, line, BODY2), reference_day=DAY)
    assert (normalized_text(line), reason) in got.removed
    assert normalized_text(line) not in got.text.split("\n\n")
    assert got.text.split("\n\n") == [BODY, BODY2]


@pytest.mark.parametrize(
    "line",
    [
        "Rising tension",  # sub-heading
        "Tensions in Taiwan",
        "Biden-Xi phone call — February 10, 2021",  # timeline entry
        "February 10, 2021",  # a date heading inside the body is text, not a clock
        "Home prices jump in May",
        "Reuters/Ipsos poll shows Biden approval slipping",
        "INTERNATIONAL REACTION",  # an all-caps sub-heading below the first paragraph
        "Released on June 5, 2023, the report found that inflation was higher than expected.",
        "Updated guidance was issued on June 5, 2023",
        "More than 200 people were detained, officials said.",
        "Share prices fell sharply in Hong Kong on Monday.",
        "x x x",  # a results table's marks, not the network X
        "Investors will follow the company on Twitter for news of the sale, analysts said.",
    ],
)
def test_real_text_survives(line: str) -> None:
    got = cleaned_text(_doc(HEADLINE, BODY, line, BODY2), reference_day=DAY)
    assert got.text.split("\n\n") == [BODY, line, BODY2]
    assert got.removed == [(HEADLINE, "headline")]


# ---------------------------------------------------------------------------------------
# Chrome removed only in the head (above the first body paragraph) or the tail


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Saturday, 17 June, 2023, 7:23 PM", "clock line"),
        ("Sat, 17 Jun 2023 10:00 GMT", "clock line"),
        ("June 17, 2023", "clock line"),
        ("INTERNATIONAL", "section label"),
        ("WORLD NEWS", "section label"),
        ("Home Foreign News", "section crumb"),
        ("News › World › Asia", "section crumb"),
        ("World", "section label"),
    ],
)
def test_head_chrome_above_headline(line: str, reason: str) -> None:
    got = cleaned_text(_doc(line, HEADLINE, BODY, BODY2), reference_day=DAY)
    assert (line, reason) in got.removed
    assert got.title == HEADLINE
    assert got.text.split("\n\n") == [BODY, BODY2]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("By Jane Doe, Reuters", "byline"),
        ("June 17, 2023 7:00 AM EDT", "clock line"),
    ],
)
def test_head_chrome_below_headline(line: str, reason: str) -> None:
    got = cleaned_text(_doc(HEADLINE, line, BODY, BODY2), reference_day=DAY)
    assert (line, reason) in got.removed
    assert got.title == HEADLINE


def test_clock_line_in_tail() -> None:
    got = cleaned_text(_doc(HEADLINE, BODY, BODY2, "Saturday, 17 June, 2023"), reference_day=DAY)
    assert ("Saturday, 17 June, 2023", "clock line") in got.removed
    assert got.text.split("\n\n") == [BODY, BODY2]


@pytest.mark.parametrize(
    ("lines", "text"),
    [
        # Inside the body, a dated caption above its credit goes with it ...
        (
            [
                BODY,
                "Blinken waves as he boards his plane on June 17, 2023.",
                "Leah Millis | Pool | Reuters",
                BODY2,
            ],
            [BODY, BODY2],
        ),
        # ... but a paragraph above an uncaptioned photo's credit stays.
        ([BODY, "Leah Millis | Pool | Reuters", BODY2], [BODY, BODY2]),
    ],
)
def test_caption_above_credit_in_body(lines: list[str], text: list[str]) -> None:
    got = cleaned_text(_doc(HEADLINE, *lines), reference_day=DAY)
    assert got.text.split("\n\n") == text


def test_links_under_related_heading_are_removed() -> None:
    got = cleaned_text(
        _doc(
            HEADLINE,
            BODY,
            BODY2,
            "Related Articles",
            "Xi meets Gates in Beijing",
            "Yellen to visit China",
            "Leave a Reply",
        ),
        reference_day=DAY,
    )
    assert ("Xi meets Gates in Beijing", "related links") in got.removed
    assert ("Yellen to visit China", "related links") in got.removed
    assert got.text.split("\n\n") == [BODY, BODY2]


# ---------------------------------------------------------------------------------------
# Headline


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        (_doc(HEADLINE, BODY), HEADLINE),
        (_doc("Is China ready to talk?", BODY), "Is China ready to talk?"),
        (_doc("INTERNATIONAL", "", HEADLINE, "", BODY), HEADLINE),
        (_doc("Saturday, 17 June, 2023, 7:23 PM", "Home Foreign News", HEADLINE, BODY), HEADLINE),
        (
            _doc("Home prices jump in May across the country", BODY),
            "Home prices jump in May across the country",
        ),
        # No headline: the text starts with body; none is made up from it.
        (_doc(BODY, BODY2), None),
        (_doc(BODY, "Rising tension", BODY2), None),
        # A caption at the top, then its credit: neither is a headline.
        (
            _doc(
                "Blinken boards his plane at Joint Base Andrews on June 22, 2021.",
                "Ondřej Harník | Pool | Reuters",
                BODY,
            ),
            None,
        ),
        # A headline, then a caption and credit.
        (
            _doc(
                HEADLINE,
                "Blinken boards his plane, June 16, 2023.",
                "Leah Millis | Pool | Reuters",
                BODY,
            ),
            HEADLINE,
        ),
        # A lone short line is not a headline when nothing follows it.
        (HEADLINE, None),
        # Section label and byline are not headlines.
        (_doc("WORLD", "By Jane Doe", BODY), None),
    ],
)
def test_headline(raw: str, title: str | None) -> None:
    got = cleaned_text(raw, reference_day=DAY)
    assert got.title == title
    assert got.title_provenance == ("headline_line" if title else None)
    if title:
        assert title not in got.text.split("\n\n")


# ---------------------------------------------------------------------------------------
# Stated publish date


@pytest.mark.parametrize(
    ("line", "published"),
    [
        ("Published : Saturday, 17 June, 2023 at 12:00 AM  Count : 127", date(2023, 6, 17)),
        ("Published: 17 June 2023", date(2023, 6, 17)),
        ("Published on June 16, 2023", date(2023, 6, 16)),
        ("Posted on June 16, 2023 by Admin", date(2023, 6, 16)),
        ("Posted by Admin on June 16, 2023", date(2023, 6, 16)),
        ("Updated 10:15 AM EDT, Sat June 17, 2023", date(2023, 6, 17)),
        ("First published on Fri 16 Jun 2023 12.00 BST", date(2023, 6, 16)),
        ("Last updated: 2023-06-16T10:00:00Z", date(2023, 6, 16)),
        ("Published 16.06.2023", date(2023, 6, 16)),
        ("By Jane Doe | Published June 16, 2023 4:00 PM", date(2023, 6, 16)),
        ("Date: June 16, 2023", date(2023, 6, 16)),
        ("Published 3 hours ago", None),  # a publish line without a usable date
    ],
)
def test_stated_published(line: str, published: date | None) -> None:
    got = cleaned_text(_doc(HEADLINE, line, BODY), reference_day=DAY)
    assert got.stated_published == published
    assert (normalized_text(line), "publish line") in got.removed
    assert got.text == BODY


def test_published_wins_over_updated() -> None:
    raw = _doc(HEADLINE, "Updated: June 17, 2023", "Published: June 15, 2023", BODY)
    assert cleaned_text(raw, reference_day=DAY).stated_published == date(2023, 6, 15)


def test_ambiguous_numeric_date_reads_nearest_before_reference() -> None:
    raw = _doc(HEADLINE, "Published 06/07/2023", BODY)
    assert cleaned_text(raw, reference_day=DAY).stated_published == date(2023, 6, 7)
    assert cleaned_text(raw, reference_day=date(2023, 7, 10)).stated_published == date(2023, 7, 6)


@pytest.mark.parametrize(
    "raw",
    [
        # A caption's date (with its credit line) is never the publish date.
        _doc(
            "Blinken boards his plane for Berlin on June 22, 2021.",
            "Ondřej Harník | Pool | Reuters",
            BODY,
        ),
        _doc("Photo: Blinken in Berlin, published June 22, 2021", BODY),
        # Dates in running text or in a clock line are not stated publish dates either.
        _doc("Saturday, 17 June, 2023, 7:23 PM", HEADLINE, BODY),
        _doc(
            HEADLINE,
            "The report, published on June 5, 2023, found that prices rose faster than wages.",
            BODY,
        ),
    ],
)
def test_no_stated_published(raw: str) -> None:
    assert cleaned_text(raw, reference_day=DAY).stated_published is None


# ---------------------------------------------------------------------------------------
# Dateline


@pytest.mark.parametrize(
    ("opening", "place", "when"),
    [
        ("WASHINGTON, June 16: ", "WASHINGTON", date(2023, 6, 16)),
        ("BEIJING – ", "BEIJING", None),
        ("LONDON (Reuters) - ", "LONDON", None),
        ("HARBOURTON, March 2 — ", "HARBOURTON", date(2023, 3, 2)),
        ("NEW DELHI, June 17 (Reuters) - ", "NEW DELHI", date(2023, 6, 17)),
        ("KYIV, Ukraine (AP) — ", "KYIV, Ukraine", None),
        ("Washington, June 16 (Reuters) - ", "Washington", date(2023, 6, 16)),
        ("LONDON, 16 June 2021 — ", "LONDON", date(2021, 6, 16)),
        ("BEIJING, June 18 (Xinhua) -- ", "BEIJING", date(2023, 6, 18)),  # a day ahead is fine
        ("WASHINGTON, Dec 30 — ", "WASHINGTON", date(2022, 12, 30)),  # year before the reference
        ("WASHINGTON, June 25 — ", "WASHINGTON", date(2022, 6, 25)),  # too far ahead: last year
        ("NEW DELHI: ", "NEW DELHI", None),
        ("", None, None),
        ("UPDATE: ", None, None),
        ("Beijing: ", None, None),  # a title-case word and a colon is not enough
    ],
)
def test_dateline(opening: str, place: str | None, when: date | None) -> None:
    got = cleaned_text(_doc(HEADLINE, opening + BODY, BODY2), reference_day=DAY)
    assert (got.dateline_place, got.dateline_date) == (place, when)
    # The dateline prefix stays in the text.
    assert got.text.split("\n\n")[0] == normalized_text(opening + BODY)


def test_dateline_year_follows_stated_publish_date() -> None:
    raw = _doc(HEADLINE, "Published: 2 January 2024", "WASHINGTON, Dec 31: " + BODY)
    got = cleaned_text(raw, reference_day=date(2024, 6, 1))
    assert got.dateline_date == date(2023, 12, 31)


def test_dateline_after_byline() -> None:
    raw = _doc(HEADLINE, "By Jane Doe", "WASHINGTON (AP) — " + BODY)
    assert cleaned_text(raw, reference_day=DAY).dateline_place == "WASHINGTON"


def test_u_s_at_sentence_start_is_not_a_dateline() -> None:
    raw = _doc(
        "U.S. Secretary of State Antony Blinken is heading to Beijing this weekend, aides said.",
        BODY,
    )
    got = cleaned_text(raw, reference_day=DAY)
    assert (got.dateline_place, got.dateline_date) == (None, None)


# ---------------------------------------------------------------------------------------
# Trailing agency marks


@pytest.mark.parametrize(
    ("last", "kept", "mark"),
    [
        (
            "told reporters on Wednesday.\u00a0\u00a0 \ufffdREUTERS",
            "told reporters on Wednesday.",
            "REUTERS",
        ),
        ("said on Friday. (Reuters)", "said on Friday.", "Reuters"),
        ("the ministry said.—AFP", "the ministry said.", "AFP"),
        ("he said. -AFP/APP", "he said.", "AFP/APP"),
        ("the agency said, citing Reuters.", "the agency said, citing Reuters.", None),
    ],
)
def test_trailing_agency_mark(last: str, kept: str, mark: str | None) -> None:
    got = cleaned_text(_doc(HEADLINE, BODY, last), reference_day=DAY)
    assert got.text.split("\n\n")[-1] == kept
    if mark:
        assert (mark, "trailing agency mark") in got.removed
    else:
        assert all(reason != "trailing agency mark" for _, reason in got.removed)


# ---------------------------------------------------------------------------------------
# Learned boilerplate

FOOTER = "Copyright Harbourton Gazette, a member of the Gazette group"
PROMO = "Get the Gazette in your pocket every morning"


def _article(n: int, *extra: str) -> str:
    words = " ".join(f"w{n}x{i}" for i in range(60))
    return _doc(f"Story number {n} about local affairs", f"{words}.", *extra)


def test_boilerplate_removes_learned_lines() -> None:
    learned = frozenset({match_key(PROMO)})
    got = cleaned_text(_doc(HEADLINE, BODY, PROMO.upper(), BODY2), reference_day=DAY, boilerplate=learned)
    assert (PROMO.upper(), "boilerplate") in got.removed
    assert got.text.split("\n\n") == [BODY, BODY2]


def test_boilerplate_lines_learns_sitewide_lines() -> None:
    texts = [_article(n, PROMO, FOOTER) for n in range(4)]
    assert boilerplate_lines(texts) == frozenset({match_key(PROMO), match_key(FOOTER)})


@pytest.mark.parametrize(
    ("texts", "kwargs"),
    [
        # Shared by only two documents: never learned, whatever min_docs says.
        ([_article(1, PROMO), _article(2, PROMO), _article(3)], {}),
        ([_article(1, PROMO), _article(2, PROMO)], {"min_docs": 1, "min_share": 0.0}),
        # Three of eight documents is below the default share of one half.
        ([_article(n, PROMO if n < 3 else "") for n in range(8)], {}),
    ],
)
def test_boilerplate_lines_needs_many_documents(texts: list[str], kwargs: dict) -> None:
    assert match_key(PROMO) not in boilerplate_lines(texts, **kwargs)


def test_boilerplate_lines_ignores_long_lines() -> None:
    long_line = "A long sitewide paragraph " * 10
    texts = [_article(n, long_line) for n in range(4)]
    assert boilerplate_lines(texts) == frozenset()
    assert boilerplate_lines(texts, max_len=400) == frozenset({match_key(long_line)})


def test_boilerplate_lines_counts_versions_of_one_story_once() -> None:
    """Updates of one story share their headline and paragraphs; those are not chrome."""
    story = _article(7)
    versions = [
        story,
        story + "\nUpdated with a reaction from Beijing.",
        story + "\nCorrects a name.",
    ]
    others = [_article(n, PROMO) for n in range(3)]
    learned = boilerplate_lines([*versions, *others], min_share=0.0)
    assert match_key("Story number 7 about local affairs") not in learned
    assert match_key(PROMO) in learned


def test_boilerplate_does_not_touch_near_duplicate_pair() -> None:
    a = _doc(HEADLINE, BODY, BODY2, PROMO)
    b = _doc(HEADLINE, BODY, "A different second paragraph in this version.", PROMO)
    assert boilerplate_lines([a, b, _article(1)], min_docs=1, min_share=0.0) == frozenset()
