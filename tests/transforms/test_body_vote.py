"""The body vote's side-matter rule (transforms/body_vote.py): lines that resiliparse keeps beside
trafilatura's text are not added where the page shows them in a caption, credit, advert or comment.

Every page and line here is invented for these tests.
"""

from __future__ import annotations

import pytest
from lxml.html import document_fromstring, fragment_fromstring

from transforms.body_vote import _is_side_matter, voted_body

FIRST = (
    "The city council approved the new budget on Tuesday after a long debate about school "
    "funding, road repairs and the future of the public library in the old town."
)
LAST = (
    "Opposition members said the plan relies on optimistic tax forecasts, while the mayor "
    "argued that the reserves are large enough to absorb a weaker year without cuts."
)
INNER = (
    "The library will open two evenings a week from September, paid for by a small levy on "
    "parking in the old town that the council agreed to raise by a fifth."
)
BESIDE = (
    "Council members leave the chamber after the budget vote on Tuesday evening, with the old "
    "town's clock tower lit up behind them in the early dusk of spring."
)


@pytest.mark.parametrize(
    ("markup", "side"),
    [
        # captions and credits, by tag or by one word of a class token
        (f"<figure><img src='a.jpg'><figcaption><span>{BESIDE}</span></figcaption></figure>", True),
        (f"<div class='wp-caption'><div class='wp-caption-text'><span>{BESIDE}</span></div></div>", True),
        (f"<div class='hero'><div class='photo-credit'><span>{BESIDE}</span></div></div>", True),
        # an advert's and a reader comment's box, a class in camel case included
        (f"<div class='sidebar-advert'><div class='teaser-text'><span>{BESIDE}</span></div></div>", True),
        (f"<div class='ForumCommentBody'><div class='x'><span>{BESIDE}</span></div></div>", True),
        # the body's own boxes and a standfirst
        (f"<div class='inset'><div class='x'><span>{BESIDE}</span></div></div>", False),
        (f"<header class='head'><p class='dek'><span>{BESIDE}</span></p></header>", False),
        # a word inside a longer word is not the word ("accreditation", "recommended")
        (f"<div class='head__accreditation'><div class='recommended'><span>{BESIDE}</span></div></div>", False),
        # a modifier on an outer container speaks for the whole page, not for this line
        (f"<div class='layout caption-style--default'><div><div><span>{BESIDE}</span></div></div></div>", False),
    ],
)
def test_is_side_matter(markup: str, side: bool) -> None:
    tree = fragment_fromstring(f"<section>{markup}</section>")
    line = next(tree.iter("span"))
    # the line's element is the innermost block: the span's parent
    assert _is_side_matter(line.getparent()) is side


def test_is_side_matter_of_nothing_found() -> None:
    assert _is_side_matter(None) is False


@pytest.mark.parametrize(("box", "added"), [("wp-caption-text", False), ("inset", True)])
def test_vote_leaves_out_a_caption_that_resiliparse_keeps(box: str, added: bool) -> None:
    """Between trafilatura's paragraphs resiliparse shows a box of prose and an inner paragraph:
    the paragraph is added either way, the box only where the page does not name it a caption."""
    html = (
        f"<html><body><article><h1>Budget</h1><p>{FIRST}</p><div class='{box}'>{BESIDE}</div>"
        f"<p>{INNER}</p><p>{LAST}</p></article></body></html>"
    )
    voted = voted_body(f"{FIRST}\n\n{LAST}", html, document_fromstring(html)).split("\n\n")
    assert voted == ([FIRST, BESIDE, INNER, LAST] if added else [FIRST, INNER, LAST])


def test_vote_leaves_out_a_caption_in_the_body_continued() -> None:
    """A body split in two by an advert rail goes on in a sibling container; a caption in that
    container does not come with it."""
    second = (
        "Work on the harbour wall starts in June and should be finished before the autumn storms, "
        "the engineer in charge told the council after the vote."
    )
    third = (
        "The ferry timetable will not change while the work goes on, although the night crossing "
        "may leave from the north quay for a few weeks in July."
    )
    html = (
        "<html><body><main><div class='body-part'>"
        f"<p>{FIRST}</p><p>{LAST}</p></div>"
        "<div class='rail'><a href='/x'>Advert</a></div>"
        f"<div class='body-part'><p>{second}</p>"
        f"<figure><figcaption><p>{BESIDE}</p></figcaption></figure><p>{third}</p></div>"
        "</main></body></html>"
    )
    voted = voted_body(f"{FIRST}\n\n{LAST}", html, document_fromstring(html), description=FIRST)
    assert voted.split("\n\n") == [FIRST, LAST, second, third]
