"""Body text by vote: trafilatura's paragraphs, corrected block by block where a second extractor
(resiliparse) or the page's own structure disagrees with them.

trafilatura is precise but takes its body from one container, and keeps what sits in it:
- a lead or standfirst outside that container is lost: where the page's meta description is not
  in trafilatura's text, resiliparse is asked (about 1 ms a page, half the pages) and its prose
  paragraphs just before and between trafilatura's are added;
- the second half of a body split by an ad rail or an inline "read more" box is lost: later
  sibling containers of the same tag and class as the last paragraph's are appended when they
  hold prose (a sidebar sharing a layout class does not);
- teaser cards ("More news": a headline link and a summary, repeated) and the heading of a small
  box of links are kept: looked up in the page at the last paragraph and where the extractors
  disagree (resiliparse left a paragraph out, or shows a headline over it), and dropped;
- a standfirst that neither extractor kept (resiliparse may take a paywalled body for
  boilerplate and see no lead around it): an element whose whole text is the meta description,
  before the text's first paragraph, is added in front.
A line resiliparse adds, or a paragraph of a continuation, is left out where the page shows it in
a figure, a caption or credit, an advert or a comment (by tag, or by a word of its own or its
parent's class): resiliparse keeps picture captions that trafilatura drops.
Everything else trafilatura returned is kept as it is. Measured in docs/extraction.md
(bench/eval_extraction.py).

Pure: the page's text and tree in, text out.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

from transforms.boilerplate import is_furniture, is_wall

# A paragraph of prose is closed by sentence punctuation (any script); a heading is not.
_SENTENCE_END = re.compile(r"[.!?…:;\"'»«“”„)\]）。！？」』]\s*$")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = frozenset(("p", "li", "td", "dd", "dt", "blockquote", "pre", "div", "section", "article", *_HEADINGS))
# Elements whose text is one paragraph of a continued body.
_TEXT_BLOCKS = ("p", "li", "blockquote", "pre", "h2", "h3", "h4", "h5", "h6")
_LIST_MARK = re.compile(r"^[-•*]\s+")
# A picture's caption or credit, which resiliparse keeps beside the text.
_CREDIT = re.compile(r"©|\((?:photo|image|foto|bild)\b|\b(?:photo|foto|bild|image|credit)s?\s?:", re.IGNORECASE)
# Elements a teaser or box check never climbs past: they hold the whole page or its main part.
_OUTER = frozenset(("body", "html", "main"))


@dataclass(frozen=True)
class VoteOptions:
    """The thresholds of each step (tuned on the tune half of the evaluation set)."""

    # Resiliparse paragraphs this long (characters) and closed by sentence punctuation may be added.
    min_added_chars: int = 100
    # How many resiliparse lines before trafilatura's first paragraph are looked at for a lead.
    lead_window: int = 4
    # Teaser cards: at least this many same-tag, same-class siblings, most of them (card_share)
    # short (card_max_chars) and led by a headline link of at least headline_chars characters.
    min_cards: int = 3
    card_share: float = 0.6
    headline_chars: int = 15
    card_max_chars: int = 600
    # A box around a short line ("Read more", "Lire aussi") whose text is mostly links.
    box_link_share: float = 0.6
    box_max_chars: int = 1500
    # Page look-ups (about 0.3 ms each) for paragraphs the two extractors disagree on.
    max_lookups: int = 4
    # A later sibling container continues the body when it holds this many prose paragraphs
    # (min_added_chars, closed by sentence punctuation) making at least half of its text.
    continuation_prose: int = 2
    # The meta description's opening (characters) that must be in trafilatura's text for it to
    # count as complete without a second opinion.
    description_chars: int = 40


DEFAULT_VOTE = VoteOptions()


def _key(text: str) -> str:
    return " ".join(_LIST_MARK.sub("", text.strip()).split()).casefold()


def _words(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _is_prose(line: str, min_chars: int) -> bool:
    return len(line) >= min_chars and _SENTENCE_END.search(line) is not None


def _is_heading_like(line: str) -> bool:
    return len(line) <= 80 and _SENTENCE_END.search(line) is None


# ---------------------------------------------------------------- the second opinion


def _second_opinion(html: str, blocks: list[str]) -> list[str]:
    """Resiliparse's main-content lines (its own parser; about 1 ms a page) from a little before
    trafilatura's first paragraph to a little after its last one in the page's source."""
    # What precedes the article by far (the <head>'s scripts and styles, the header, the menus) and
    # what follows it (comments, footer, link lists) cannot hold a lead or an inner paragraph.
    # Without them the parse costs 0.6 of the whole page's; the vote is the same on 293 of 300
    # pages of the evaluation set and no figure changes.
    start = max(0, html.find("<body"))
    begin = _source_start(html, blocks, start)
    if begin > start + _SOURCE_LEAD_MARGIN:
        start = max(start, html.rfind("<", 0, begin - _SOURCE_LEAD_MARGIN))
    end = _source_end(html, blocks)
    source = html[start : end + _SOURCE_MARGIN] if end > start else html[start:]
    text = extract_plain_text(
        HTMLTree.parse(source),
        preserve_formatting=True,
        main_content=True,
        list_bullets=False,
        alt_texts=False,
        comments=False,
    )
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


# Characters of source kept before the first paragraph's words (a lead, a standfirst, the markup
# of a picture between them) and after the last paragraph's (its closing tags).
_SOURCE_LEAD_MARGIN = 10000
_SOURCE_MARGIN = 3000


def _source_start(html: str, blocks: list[str], after: int) -> int:
    """Where the words of one of trafilatura's first paragraphs start in the page's source, or -1."""
    for block in blocks[:3]:
        if len(block[:20]) >= 12 and (at := html.find(block[:20], after)) >= 0:
            return at
    return -1


def _source_end(html: str, blocks: list[str]) -> int:
    """Where the words of one of trafilatura's last paragraphs end in the page's source, or -1 (an
    entity or a tag inside them)."""
    for block in reversed(blocks[-3:]):
        ends = [html.rfind(probe) + len(probe) for probe in (block[-20:], block[:20]) if len(probe) >= 12]
        ends = [end for end in ends if end >= 20]
        if ends:
            return max(ends)
    return -1


class _Joined:
    """Paragraph keys joined into one string, to find which paragraph holds a piece of text."""

    def __init__(self, keys: list[str], separator: str = "\n") -> None:
        self.text = separator.join(keys)
        self.starts = []
        offset = 0
        for key in keys:
            self.starts.append(offset)
            offset += len(key) + 1

    def holder(self, key: str) -> int | None:
        at = self.text.find(key)
        return None if at < 0 else bisect_right(self.starts, at) - 1


def _matches(keys: list[str], line_keys: list[str]) -> list[int | None]:
    """For each resiliparse line, the trafilatura paragraph that holds it, or None."""
    exact = {key: i for i, key in reversed(list(enumerate(keys)))}
    joined = _Joined(keys)
    return [exact.get(key, joined.holder(key) if len(key) >= 20 else None) for key in line_keys]


# ---------------------------------------------------------------- the page's structure


class _PageText:
    """Where the page's text nodes hold some words. The <p> elements' own text (where most
    paragraphs are found) is joined into one string, searched with str.find instead of a walk in
    Python per search; the rest of the page is searched by libxml2 (an XPath query), and only for
    words that its text holds at all (one serialisation of the page's text, done at the first
    search that needs it). A look-up that walked the whole page in Python cost 1.3 ms, one that
    found nothing 2.8 ms."""

    def __init__(self, tree: HtmlElement) -> None:
        self.tree = tree
        self._paragraphs: _Joined | None = None
        self._owners: list[HtmlElement] = []
        self._text: str | None = None

    def in_paragraphs(self, words: str) -> Iterator[HtmlElement]:
        """The <p> elements whose own text (before any child element) holds the words, in order."""
        if self._paragraphs is None:
            texts = []
            for node in self.tree.iter("p"):
                if node.text:
                    texts.append(node.text)
                    self._owners.append(node)
            self._paragraphs = _Joined(texts, "\0")
        joined = self._paragraphs
        at = joined.text.find(words)
        while at >= 0:
            i = bisect_right(joined.starts, at) - 1
            yield self._owners[i]
            if i + 1 >= len(joined.starts):
                return
            at = joined.text.find(words, joined.starts[i + 1])

    def anywhere(self, words: str) -> Iterator[HtmlElement | None]:
        """The elements whose text nodes hold the words (for a tail, its element's parent), in
        document order."""
        if self._text is None:
            self._text = etree.tostring(self.tree, method="text", encoding="unicode")
        if words not in self._text:
            return
        for found in _TEXT_HOLDING(self.tree, words=words):
            owner = found.getparent()
            yield owner.getparent() if found.is_tail else owner


_TEXT_HOLDING = etree.XPath("//text()[contains(., $words)]")


def _element(page: _PageText, block: str) -> HtmlElement | None:
    """The innermost block element of the page whose text is this paragraph, found by its opening
    or middle words in a text node: first among the <p> elements' own text (most paragraphs), then
    anywhere."""
    key = _key(block)
    probes = list(dict.fromkeys(s for s in (block[:25], block[len(block) // 2 :][:25]) if len(s.strip()) >= 8))
    for search in (page.in_paragraphs, page.anywhere):
        for words in probes:
            for node in search(words):
                if (found := _holder(node, key)) is not None:
                    return found
    return None


def _holder(node: HtmlElement | None, key: str) -> HtmlElement | None:
    """The nearest block element from the node up whose text holds the whole paragraph."""
    while node is not None:
        if node.tag in _BLOCKS:
            text = _key(_words(node))
            if len(text) >= len(key):
                return node if key in text else None
        node = node.getparent()
    return None


def _is_card(card: HtmlElement, options: VoteOptions) -> bool:
    """A teaser card: short, led by a headline link (a heading's or a block's whole text, or the
    card's opening words), unlike a paragraph of prose with a link inside."""
    text = _words(card)
    if not text or len(text) > options.card_max_chars:
        return False
    for link in card.iter("a"):
        words = " ".join(link.text_content().split())
        if len(words) < options.headline_chars:
            continue
        parent = link.getparent()
        if (
            text.startswith(words)
            or parent.tag in _HEADINGS
            or any(True for _ in link.iter(*_HEADINGS))
            or words == _words(parent)
        ):
            return True
    return False


def _teaser_cards(element: HtmlElement, options: VoteOptions) -> list[HtmlElement]:
    """The teaser cards among the repeated siblings (same tag and class, mostly teasers) the element
    sits in, or []."""
    node = element
    for _ in range(4):
        parent = node.getparent()
        if parent is None or node.tag in _OUTER:
            return []
        cls = node.get("class")
        if cls or node.tag in ("li", "article"):
            siblings = [c for c in parent if c.tag == node.tag and c.get("class") == cls]
            if len(siblings) >= options.min_cards:
                cards = [c for c in siblings if _is_card(c, options)]
                if len(cards) >= options.card_share * len(siblings):
                    return cards
        node = parent
    return []


def _link_box(element: HtmlElement, options: VoteOptions) -> HtmlElement | None:
    """The small box of links a short line heads ("Read more", "Lire aussi"), or None."""
    node = element
    for _ in range(2):
        node = node.getparent()
        if node is None or node.tag in _OUTER:
            return None
        size = len(_words(node))
        if size > options.box_max_chars:
            return None
        links = [" ".join(a.text_content().split()) for a in node.iter("a")]
        if len(links) >= 2 and sum(map(len, links)) >= options.box_link_share * size:
            return node
    return None


def _classes(element: HtmlElement) -> set[str]:
    return set((element.get("class") or "").split())


def _continuations(anchor: HtmlElement) -> list[HtmlElement]:
    """Later siblings of the anchor's container (within three levels) with its tag and a class in
    common, unless they are a list of posts (a linked heading)."""
    container = anchor
    for _ in range(3):
        container = container.getparent()
        if container is None or container.tag in _OUTER:
            return []
        classes = _classes(container)
        if not classes:
            continue
        later = [
            other
            for other in container.itersiblings()
            if other.tag == container.tag and classes & _classes(other) and not _has_linked_heading(other)
        ]
        if later:
            return later
    return []


def _has_linked_heading(element: HtmlElement) -> bool:
    return any(True for heading in element.iter(*_HEADINGS) for _ in heading.iter("a"))


def _has_inner_block(element: HtmlElement) -> bool:
    return any(True for child in element.iterdescendants(_TEXT_BLOCKS))


def _link_chars(element: HtmlElement) -> int:
    return sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))


# What sits beside an article rather than in it, as templates name it: a picture's caption or
# credit ("wp-caption-text", "photo-credit", <figcaption>), an advert, a reader's comment.
_SIDE_TAGS = frozenset(("figure", "figcaption"))
_SIDE_WORDS = frozenset(("caption", "credit", "credits", "advert", "comment", "comments"))
# A class token's words: split at "-" and "_", and at a capital inside a word ("MtnCommentText").
_CLASS_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _is_side_matter(element: HtmlElement | None) -> bool:
    """The element or its parent is a figure or caption, or is named a caption, credit, advert
    or comment by one word of a class token. Only two levels: a page's outer containers carry
    modifiers such as "header__caption-style--default" that speak for all they hold."""
    for node in (element, element.getparent()) if element is not None else ():
        if node is None or node.tag in _OUTER:
            return False
        if node.tag in _SIDE_TAGS:
            return True
        for token in (node.get("class") or "").split():
            if not _SIDE_WORDS.isdisjoint(word.lower() for word in _CLASS_WORD.findall(token)):
                return True
    return False


# ---------------------------------------------------------------- the vote


def voted_body(
    text: str,
    html: str,
    tree: HtmlElement,
    *,
    description: str | None = None,
    options: VoteOptions = DEFAULT_VOTE,
) -> str:
    """trafilatura's paragraphs without teaser cards and link boxes, with the body's continuation
    in a sibling container and, where its text looks incomplete, the lead and inner paragraphs that
    resiliparse finds around it. `description` is the page's meta description."""
    blocks = [b for b in text.split("\n\n") if b.strip()]
    if not blocks:
        return text
    keys = [_key(b) for b in blocks]
    present = " ".join(keys)
    lookups = _Lookups(tree, options.max_lookups)
    lines: list[str] = []
    line_keys: list[str] = []
    matched: list[int | None] = []
    # The second opinion costs a parse of its own: asked only where the page's own summary (meta
    # description) is missing from trafilatura's text, a sign that a lead or standfirst was left
    # out, or where the page has none (about half the pages).
    summarised = bool(description) and _key(description)[: options.description_chars] in present
    if not summarised:
        lines = _second_opinion(html, blocks)
        line_keys = [_key(line) for line in lines]
        matched = _matches(keys, line_keys)
    anchors = [j for j, i in enumerate(matched) if i is not None]
    added = _lead_and_inner(lines, matched, anchors, options) if anchors else {}
    added = {j: line for j, line in added.items() if not _overlaps(line_keys[j], present)}
    # resiliparse keeps captions and comments that trafilatura leaves out: where the page shows an
    # added line in one, it is not the lead or the body (a look-up for each added line only).
    added = {j: line for j, line in added.items() if not _is_side_matter(_element(lookups.page, line))}
    dropped = _teasers(blocks, keys, lines, line_keys, matched, lookups, options)
    merged = list(_merged(blocks, dropped, matched, added))
    last = next((blocks[i] for i in range(len(blocks) - 1, -1, -1) if i not in dropped), None)
    if last is not None:
        merged += _continued(lookups(last), present, options)
    if description and not summarised and merged:
        merged[:0] = _standfirst(description, html, merged, lookups.page, options)
    return "\n\n".join(merged)


class _Lookups:
    """Page look-ups by paragraph text, within a budget."""

    def __init__(self, tree: HtmlElement, budget: int) -> None:
        self.page, self.left, self.found = _PageText(tree), budget, {}

    def __call__(self, block: str) -> HtmlElement | None:
        if block not in self.found:
            if self.left <= 0:
                return None
            self.left -= 1
            self.found[block] = _element(self.page, block)
        return self.found[block]


def _standfirst(description: str, html: str, merged: list[str], page: _PageText, options: VoteOptions) -> list[str]:
    """The page's standfirst where neither extractor kept it: an element whose whole text is the
    meta description, before the first paragraph of the text (news and blog templates print the
    summary under the headline, outside the body's container, and resiliparse may take the body for
    boilerplate). [] where the description is not prose or not shown before the text."""
    words = " ".join(description.split())
    key = _key(words)
    if not _addable(words, options) or key[: options.description_chars] in " ".join(map(_key, merged)):
        return []
    # Cheap test first: its opening words are in the page's source after <body> and before those
    # of the text (str.find). Without it the page look-ups below cost 0.3 ms a page on average.
    body = max(0, html.find("<body"))
    at = html.find(words[:20], body)
    if at < 0 or at > _source_start(html, merged, body) >= 0:
        return []
    shown = _element(page, words)
    if shown is None or _key(_words(shown)) != key:
        return []
    first = _element(page, merged[0])
    return [_words(shown)] if first is not None and _precedes(shown, first) else []


def _precedes(element: HtmlElement, other: HtmlElement) -> bool:
    """The element comes before the other in the page, neither holding the other."""
    mine = [element, *element.iterancestors()]
    theirs = [other, *other.iterancestors()]
    for i, node in enumerate(mine):
        if node in theirs:
            j = theirs.index(node)
            return i > 0 and j > 0 and node.index(mine[i - 1]) < node.index(theirs[j - 1])
    return False


def _addable(line: str, options: VoteOptions) -> bool:
    return (
        _is_prose(line, options.min_added_chars)
        and not is_wall(line)
        and not is_furniture(line)
        and not _CREDIT.search(line)
    )


def _overlaps(key: str, text: str) -> bool:
    """Most of the line is in the text already (resiliparse joins what trafilatura splits); a lead
    may repeat a phrase of the body, not two."""
    return sum(key[at : at + 24] in text for at in (0, len(key) // 2, max(0, len(key) - 24))) >= 2


def _lead_and_inner(
    lines: list[str], matched: list[int | None], anchors: list[int], options: VoteOptions
) -> dict[int, str]:
    """Resiliparse's prose paragraphs just before trafilatura's first one (a lead or standfirst
    outside the body's container) and between two of trafilatura's."""
    first, last = anchors[0], anchors[-1]
    return {
        j: lines[j]
        for j in range(max(0, first - options.lead_window), last)
        if matched[j] is None and _addable(lines[j], options)
    }


def _continued(anchor: HtmlElement | None, present: str, options: VoteOptions) -> list[str]:
    """The paragraphs of later sibling containers of the same kind as the one trafilatura's last
    paragraph sits in: an article body split in two by an ad rail or an inline "read more" box."""
    if anchor is None:
        return []
    texts = []
    for container in _continuations(anchor):
        found = []
        for element in container.iter(_TEXT_BLOCKS):
            if _has_inner_block(element):
                continue  # its inner blocks come next
            words = _words(element)
            key = _key(words)
            if not key or key in present or is_wall(words) or is_furniture(words) or _is_side_matter(element):
                continue
            if _link_chars(element) >= options.box_link_share * len(words):
                continue
            found.append(words)
        # A body's second half is prose. Sidebars, comment forms, product and post lists share
        # layout classes ("col-md-8", "clr") with the body but are short lines: on the evaluation
        # set the step added only such lines until it asked for prose.
        prose = [t for t in found if _is_prose(t, options.min_added_chars)]
        if len(prose) >= options.continuation_prose and sum(map(len, prose)) >= 0.5 * sum(map(len, found)):
            texts += found
    return texts


def _teasers(
    blocks: list[str],
    keys: list[str],
    lines: list[str],
    line_keys: list[str],
    matched: list[int | None],
    lookups: _Lookups,
    options: VoteOptions,
) -> set[int]:
    """trafilatura's paragraphs that are teaser cards or a link box's heading. The page is looked
    up at its last paragraph and, where resiliparse was asked, where the extractors disagree: it
    left the paragraph out, or shows a headline over it (a teaser's shape)."""
    suspects = []
    if lines:
        first_line: dict[int, int] = {}
        for j, i in enumerate(matched):
            if i is not None:
                first_line.setdefault(i, j)
        in_lines = _Joined(line_keys)
        for i, key in enumerate(keys):
            j = first_line.get(i)
            if j is None:
                if in_lines.holder(key) is None:
                    suspects.append(i)
            elif j > 0 and matched[j - 1] is None and _is_heading_like(lines[j - 1]) and len(lines[j - 1]) > 3:
                suspects.append(i)
    dropped: set[int] = set()

    def check(i: int) -> bool:
        element = lookups(blocks[i])
        if element is None:
            return False
        cards = _teaser_cards(element, options)
        if cards:
            texts = _Joined([_key(_words(card)) for card in cards])
            dropped.update(k for k, key in enumerate(keys) if key and texts.holder(key) is not None)
            return True
        if _is_heading_like(blocks[i]) and _link_box(element, options) is not None:
            dropped.add(i)
            return True
        return False

    for i in suspects[: options.max_lookups // 2]:
        if i not in dropped:
            check(i)
    # Both extractors keep a list of teasers after the article: the page's structure shows it.
    # Look at the last paragraph kept, again after each list dropped.
    checked = set()
    while lookups.left > 0:
        last = next((i for i in range(len(blocks) - 1, -1, -1) if i not in dropped), None)
        if last is None or last in checked or not check(last):
            break
        checked.add(last)
    # "More news" over dropped teasers goes with them.
    for i in range(len(blocks) - 1, -1, -1):
        if i not in dropped and i + 1 in dropped and _is_heading_like(blocks[i]):
            dropped.add(i)
    return dropped


def _merged(blocks: list[str], dropped: set[int], matched: list[int | None], added: dict[int, str]) -> Iterator[str]:
    """The kept paragraphs in their order, each added one before the first paragraph that
    resiliparse shows after it."""
    position: dict[int, int] = {}
    for j, i in enumerate(matched):
        if i is not None:
            position.setdefault(i, j)
    pending = sorted(added)
    for i, block in enumerate(blocks):
        at = position.get(i)
        while pending and at is not None and pending[0] < at:
            yield added[pending.pop(0)]
        if i not in dropped:
            yield block
    for j in pending:
        yield added[j]
