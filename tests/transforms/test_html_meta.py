"""Title, author and date rules of html_article, one small invented page or string per rule."""

from __future__ import annotations

from datetime import date

import pytest

from transforms.html_extract import html_article
from transforms.html_meta import PageFacts, headline, page_authors

URL = "https://www.harbour-post.example/news/ferries"
REFERENCE_DAY = date(2024, 5, 1)
BODY = (
    "<p>The ferry company will add two crossings a day from next month, after a winter in "
    "which queues at the harbour reached the old fish market on most weekends.</p>"
    "<p>Residents of the island welcomed the change but asked for a later last crossing, so that "
    "people working evening shifts on the mainland can still get home the same night.</p>"
)
SITE = "<meta property='og:site_name' content='Harbour Post'>"


def _page(title: str, head: str = "", body: str = "") -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body><article>{body}{BODY}</article></body></html>"
    )


def _og_title(title: str) -> str:
    return f'<meta property="og:title" content="{title}">'


OG_FERRIES = _og_title("Ferries to run more often")


def _page_with_header(title: str, head: str, header: str) -> str:
    """A page with `header` above the article, outside it (a site's banner, a consent box)."""
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body>{header}<article>{BODY}</article></body></html>"
    )


def _result(html: str):
    return html_article(html, url=URL, reference_day=REFERENCE_DAY)


# ---------------------------------------------------------------- title

TITLE_CASES = [
    pytest.param(
        _page(
            "Ferry timetable changes from May | Harbour Post",
            SITE,
            "<h1><span class='kicker'>Island transport</span> Ferry timetable changes from May</h1>",
        ),
        "Ferry timetable changes from May",
        id="kicker-element-in-h1-left-out",
    ),
    pytest.param(
        _page(
            "Island transport: Ferry timetable changes from May | Harbour Post",
            SITE,
            "<h1><span class='overline'>Island transport</span><span class='colon'>: </span>"
            "<span class='headline'>Ferry timetable changes from May</span></h1>",
        ),
        "Ferry timetable changes from May",
        id="kicker-element-and-colon-element",
    ),
    pytest.param(
        _page(
            "Patch notes - Release 2.1 of the harbour map editor | Harbour Post Forums",
            SITE,
            "<h1><a href='/t/1'><span class='label'>Patch notes</span> Release 2.1 of the harbour map editor</a></h1>",
        ),
        "Release 2.1 of the harbour map editor",
        id="kicker-label-inside-a-link",
    ),
    pytest.param(
        _page(
            "Titanic director returns to the deep | Harbour Post",
            SITE,
            "<h1><em>Titanic</em> director returns to the deep</h1>",
        ),
        "Titanic director returns to the deep",
        id="inline-markup-is-not-a-kicker",
    ),
    pytest.param(
        _page(
            "Ferries to run more often | Harbour Post",
            SITE + "<meta property='og:title' content='Ferries to run more often'>"
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "headline": "Two extra ferry crossings a day from May"}</script>',
            "<h1>Two extra ferry crossings a day from May</h1>",
        ),
        "Two extra ferry crossings a day from May",
        id="json-ld-headline-confirms-h1",
    ),
    pytest.param(
        _page(
            "Ferries to run more often | Harbour Post",
            SITE + OG_FERRIES,
            "<h1>Two extra crossings a day as island queues grow</h1>",
        ),
        "Two extra crossings a day as island queues grow",
        id="the-one-h1-over-a-reworded-title",
    ),
    pytest.param(
        _page(
            "Ferries to run more often | Harbour Post",
            SITE + OG_FERRIES,
            "<nav><h1>Stories from the harbour</h1></nav>",
        ),
        "Ferries to run more often",
        id="h1-in-the-navigation-is-not-the-headline",
    ),
    pytest.param(
        _page(
            "Ferries to run more often | Harbour Post",
            SITE + OG_FERRIES,
            "<h1><a href='/'>All about the harbour</a></h1>",
        ),
        "Ferries to run more often",
        id="h1-linking-home-is-a-logo",
    ),
    pytest.param(
        _page_with_header(
            "Ferries to run more often | Harbour Post",
            SITE + OG_FERRIES,
            "<header><h1 class='site-title'>John's Cooking Corner</h1></header>",
        ),
        "Ferries to run more often",
        id="h1-classed-as-the-site-title",
    ),
    pytest.param(
        _page_with_header(
            "Ferries to run more often | Harbour Post",
            SITE + OG_FERRIES,
            "<header><h1>News and Sport today</h1></header>",
        ),
        "Ferries to run more often",
        id="h1-outside-the-article-is-not-the-headline",
    ),
    pytest.param(
        _page_with_header(
            "Ferries to run more often | Harbour Post",
            SITE + OG_FERRIES,
            "<div><h1 itemprop='headline'>Two extra crossings a day as island queues grow</h1></div>",
        ),
        "Two extra crossings a day as island queues grow",
        id="h1-marked-as-the-headline-outside-the-article",
    ),
    pytest.param(
        _page(
            "Ferries to run more often | Harbour Post",
            SITE + OG_FERRIES,
            "<h1 class='c-headline c-headline--has-eyebrow'>Two extra crossings a day as island queues grow</h1>",
        ),
        "Two extra crossings a day as island queues grow",
        id="headline-class-with-a-kicker-modifier-is-no-kicker",
    ),
    pytest.param(
        _page(
            "Covid-19 cases rise again on the island | Harbour Post",
            SITE,
            "<h1 class='kicker'>Covid</h1><h2>Covid-19 cases rise again on the island</h2>",
        ),
        "Covid-19 cases rise again on the island",
        id="kicker-is-not-cut-from-inside-a-word",
    ),
    pytest.param(
        _page("Ferries to run more often | Harbour Post", SITE + OG_FERRIES, "<h1>Island news</h1>"),
        "Ferries to run more often",
        id="two-word-h1-is-a-section",
    ),
    pytest.param(
        _page(
            "Ferries to run more often | Harbour Post",
            SITE + OG_FERRIES,
            "<h1>Stories from around the harbour</h1><h1>Two extra crossings a day as queues grow</h1>",
        ),
        "Ferries to run more often",
        id="two-unrelated-h1s-title-kept",
    ),
    pytest.param(
        _page(
            "Ferries to run more often - Island transport",
            SITE,
            "<h1 class='strapline'>Island transport</h1><h2 class='title'>Ferries to run more often</h2>",
        ),
        "Ferries to run more often",
        id="h1-classed-strapline-is-a-kicker",
    ),
    pytest.param(
        _page(
            "Inselverkehr: Fähren fahren ab Mai öfter | Harbour Post", SITE, "<h1 class='dachzeile'>Inselverkehr</h1>"
        ),
        "Fähren fahren ab Mai öfter",
        id="h1-classed-dachzeile-cut-from-the-title",
    ),
    pytest.param(
        _page(
            "Ferry timetable changes<br> from May | Harbour Post", SITE, "<h1>Ferry timetable<br>changes from May</h1>"
        ),
        "Ferry timetable changes from May",
        id="br-in-h1-is-a-space",
    ),
    pytest.param(
        _page("Ferry timetable changes from May | Transport | Local | Harbour Post", SITE),
        "Ferry timetable changes from May",
        id="sections-before-site-name",
    ),
    pytest.param(
        _page("Harbour Post » Transport » Ferry timetable changes from May", SITE),
        "Ferry timetable changes from May",
        id="site-then-section-prefix",
    ),
    pytest.param(
        _page("Ferry timetable changes from May - Part 2 - Harbour Post", SITE),
        "Ferry timetable changes from May - Part 2",
        id="numbered-part-is-not-a-section",
    ),
    pytest.param(
        _page("Island transport: Ferry timetable changes | Harbour Post", SITE),
        "Island transport: Ferry timetable changes",
        id="colon-kicker-without-h1-kept",
    ),
    pytest.param(
        _page(
            "Ferry timetable changesNews from the island | News from the island",
            "<meta property='og:site_name' content='News from the island'>",
            "<h1>Ferry timetable changes</h1>",
        ),
        "Ferry timetable changes",
        id="tagline-glued-to-headline",
    ),
    pytest.param(
        _page("Fähre fährt ab Mai öfter - Hafenpost Nordküste", body="<h1>Hafenpost Nordküste</h1>"),
        "Fähre fährt ab Mai öfter",
        id="umlaut-site-name-spelt-out-in-host",
        # host below: hafenpost-nordkueste
    ),
    pytest.param(
        _page("市议会通过新轮渡时刻表_新闻中心_港口晨报", "<meta property='og:site_name' content='港口晨报'>"),
        "市议会通过新轮渡时刻表",
        id="zh-unspaced-underscores-section-and-site",
    ),
    pytest.param(
        _page("新しいフェリー時刻表を発表｜港新聞", "<meta property='og:site_name' content='港新聞'>"),
        "新しいフェリー時刻表を発表",
        id="ja-fullwidth-bar",
    ),
    pytest.param(
        _page("페리 운항 5월부터 늘어난다 - 항구일보", "<meta property='og:site_name' content='항구일보'>"),
        "페리 운항 5월부터 늘어난다",
        id="ko-hyphen",
    ),
    pytest.param(
        _page(
            "Паром будет ходить чаще — Новости — Портовый вестник",
            "<meta property='og:site_name' content='Портовый вестник'>",
        ),
        "Паром будет ходить чаще",
        id="ru-section-and-site",
    ),
    pytest.param(
        _page(
            "El ferry tendrá más salidas | Sociedad | El Puerto Diário",
            "<meta property='og:site_name' content='El Puerto Diario'>",
        ),
        "El ferry tendrá más salidas",
        id="accents-folded-in-site-name",
    ),
    pytest.param(
        _page("Ferry timetable changes ★ Harbour Post", SITE + _og_title("Ferry timetable changes ★ Harbour Post")),
        "Ferry timetable changes",
        id="symbol-separator",
    ),
    pytest.param(
        _page("Ferry timetable changes|Harbour Post", _og_title("Ferry timetable changes|Harbour Post")),
        "Ferry timetable changes",
        id="unspaced-pipe-and-site-from-the-host",
    ),
    pytest.param(
        _page(
            "Ferry timetable changes | Die Hafenpost Nachrichten Online",
            _og_title("Ferry timetable changes | Die Hafenpost Nachrichten Online"),
        ),
        "Ferry timetable changes",
        id="host-name-with-article-and-site-words",
        # host below: hafenpost.example
    ),
    pytest.param(
        _page(
            "Ferry timetable changes - Harbour Evening Post",
            _og_title("Ferry timetable changes - Harbour Evening Post"),
        ),
        "Ferry timetable changes",
        id="host-name-of-initials",
        # host below: hep.example
    ),
    pytest.param(
        _page(
            "Ferry timetable changes - Harbourwatch Online",
            _og_title("Ferry timetable changes - Harbourwatch Online"),
        ),
        "Ferry timetable changes",
        id="blog-named-by-its-subdomain",
        # host below: harbourwatch.blogspot.com
    ),
    pytest.param(
        _page(
            "Ferry timetable changes | Harbour Post",
            SITE
            + _og_title("You will not believe what the ferry firm did")
            + '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ferry timetable changes"}'
            "</script>",
        ),
        "Ferry timetable changes",
        id="title-and-json-ld-agree-over-og-title",
    ),
    pytest.param(
        _page(
            "新しいフェリー時刻表を発表 - 港新聞デジタル",
            "<meta property='og:site_name' content='港新聞'>"
            + _og_title("新しいフェリー時刻表を発表 - 港新聞デジタル"),
        ),
        "新しいフェリー時刻表を発表",
        id="ja-site-name-and-digital",
    ),
    pytest.param(
        _page("市议会通过新轮渡时刻表——港口晨报"),
        "市议会通过新轮渡时刻表",
        id="zh-double-dash-and-unknown-paper",
    ),
    pytest.param(
        _page(
            "Ferry timetable changes from May - Island Courier",
            _og_title("Ferry timetable changes from May - Island Courier"),
        ),
        "Ferry timetable changes from May",
        id="unknown-press-name",
    ),
    pytest.param(
        _page(
            "Media: Ferry Firm Sues Island Courier | Harbour Post",
            SITE + _og_title("Media: Ferry Firm Sues Island Courier | Harbour Post"),
        ),
        "Media: Ferry Firm Sues Island Courier",
        id="press-name-after-a-colon-is-the-headline",
    ),
    pytest.param(
        _page(
            "Ferry timetable changes | Hafenblatt",
            '<script type="application/ld+json">{"@graph": [{"@type": "NewsMediaOrganization", "name": "Hafenblatt"}]}'
            "</script>" + _og_title("Ferry timetable changes | Hafenblatt"),
        ),
        "Ferry timetable changes",
        id="json-ld-organization",
    ),
    pytest.param(
        _page("Two extra crossings a day | Hafenblatt", _og_title("Ferry timetable changes | Hafenblatt")),
        "Ferry timetable changes",
        id="same-last-segment-of-two-titles-is-the-site",
    ),
    pytest.param(
        _page(
            "Ferry firm in trouble: Timetable changes from May | Harbour Post",
            _og_title("Ferry firm: Timetable changes from May"),
        ),
        "Ferry firm: Timetable changes from May",
        id="same-segment-after-a-colon-is-no-site",
    ),
    pytest.param(
        _page("Ferries - a history of the island crossing"),
        "Ferries - a history of the island crossing",
        id="lower-case-continuation-is-no-site",
    ),
    pytest.param(
        _page("Ferry timetable changes - a cup of tea"),
        "Ferry timetable changes",
        id="lower-case-site-name-is-the-site",
        # host below: acupoftea.example
    ),
    pytest.param(
        _page(
            "Maire : « Nous voulons plus de ferries » | Harbour Post",
            SITE + _og_title("Maire : « Nous voulons plus de ferries » | Harbour Post"),
        ),
        "Maire : « Nous voulons plus de ferries »",
        id="closing-guillemet-kept",
    ),
    pytest.param(
        _page(
            "Ferry &amp; bus timetables change | Harbour Post",
            SITE + '<script type="application/ld+json">{"@type": "Article",'
            ' "headline": "Ferry &amp; bus timetables change"}</script>',
        ),
        "Ferry & bus timetables change",
        id="html-entities-unescaped",
    ),
]


# Where a case is about the host name (or about a site the host does not name), its page's address.
_URLS = {
    "Nordküste": "https://www.hafenpost-nordkueste.example/a",
    "Harbour Evening Post": "https://www.hep.example/a",
    "Hafenpost Nachrichten": "https://www.hafenpost.example/a",
    "Harbourwatch": "https://harbourwatch.blogspot.com/2024/05/a.html",
    "a cup of tea": "https://www.acupoftea.example/a",
    "Hafenblatt": "https://www.hb-online.example/a",
    "Island Courier": "https://www.example.org/a",
    "Ferries - a": "https://www.example.org/a",
}


@pytest.mark.parametrize(("html", "expected"), TITLE_CASES)
def test_title(html: str, expected: str) -> None:
    url = next((u for marker, u in _URLS.items() if marker in html), URL)
    assert html_article(html, url=url, reference_day=REFERENCE_DAY).title == expected


def test_title_from_trafilatura_with_only_the_site_cut() -> None:
    facts = PageFacts(title_tag="Ferry timetable changes | Transport | harbour-post.example")
    assert (
        headline("Ferry timetable changes | Transport", facts, [], "harbour-post.example") == "Ferry timetable changes"
    )


def test_truncated_title_stands_for_the_h1_it_begins() -> None:
    facts = PageFacts(
        title_tag="Harbour Post",
        headings=["Ferry timetable changes from May as the harbour queues grow"],
        full_headings=["Ferry timetable changes from May as the harbour queues grow"],
    )
    title = "Ferry timetable changes from May as the…"
    assert (
        headline(title, facts, ["Harbour Post"], None) == "Ferry timetable changes from May as the harbour queues grow"
    )


def test_unknown_site_name_after_the_h1() -> None:
    facts = PageFacts(
        title_tag="Results: regatta under-16s, 19.5.2024 | Rowing club of the bay",
        headings=["Results: regatta under-16s, 19.5.2024"],
        full_headings=["Results: regatta under-16s, 19.5.2024"],
    )
    assert headline(None, facts, [], None) == "Results: regatta under-16s, 19.5.2024"


# ---------------------------------------------------------------- author

AUTHOR_CASES = [
    pytest.param(
        "<div class='entry-meta'><span class='author vcard'>"
        "<a class='url fn n' href='/u/1'>harbourwatcher</a></span></div>",
        ["harbourwatcher"],
        id="hcard-handle-one-word",
    ),
    pytest.param(
        "<div class='post-meta--author'>Posted on 3 May 2024 by Jane Roe</div>",
        ["Jane Roe"],
        id="posted-on-date-by-name",
    ),
    pytest.param(
        "<p class='byline'>Von Anna Beispiel und Jan Muster, dpa</p>",
        ["Anna Beispiel", "Jan Muster"],
        id="two-names-and-an-agency",
    ),
    pytest.param(
        "<p class='byline'>dpa</p>",
        ["dpa"],
        id="agency-alone-is-the-byline",
    ),
    pytest.param(
        "<span class='byline'><b>Author</b>Marta Beispiel</span>",
        ["Marta Beispiel"],
        id="label-glued-to-name",
    ),
    pytest.param(
        "<span class='author vcard'><a class='url fn n' href='/u/2'>Walter von Hafen</a></span>",
        ["Walter von Hafen"],
        id="name-particle-is-not-a-byline-word",
    ),
    pytest.param(
        "<p><em>Von <span itemprop='author' itemscope itemtype='http://schema.org/Person'>"
        "<meta itemprop='name' content='Lena Probst'>Lena Probst</span></em></p>",
        ["Lena Probst"],
        id="schema-person-microdata",
    ),
    pytest.param(
        "<p class='byline'>By Giulia d'Amato and José Luis Rodríguez de Vega</p>",
        ["Giulia d'Amato", "José Luis Rodríguez de Vega"],
        id="apostrophe-particle-and-five-words",
    ),
    pytest.param(
        "<p><em>Written by: <a href='/u/3'>Julie Beispiel</a></em></p>",
        ["Julie Beispiel"],
        id="byline-line-written-by-without-a-class",
    ),
    pytest.param(
        "<p><strong>Text:</strong> Klaus Muster</p><p><strong>Fotos:</strong> Helga Bild</p>",
        ["Klaus Muster"],
        id="byline-line-label-in-bold",
    ),
    pytest.param(
        "<div class='meta'><span class='screen-reader-text'>| By </span><span>Cara Beispiel</span></div>",
        ["Cara Beispiel"],
        id="byline-line-by-in-its-own-element",
    ),
    pytest.param(
        "<p><em>Von <span itemscope itemtype='http://schema.org/Person'>"
        "<meta itemprop='name' content='Lena Probst'>Lena Probst</span></em></p>",
        ["Lena Probst"],
        id="byline-line-von-with-person-microdata",
    ),
    pytest.param(
        "<ul class='menu'><li><a href='/recipes'>By Main Ingredient:</a></li></ul><h2>By The Numbers</h2>"
        "<p>By car the crossing takes an hour.</p>",
        [],
        id="labels-headings-and-sentences-are-no-byline-lines",
    ),
    pytest.param(
        "<p class='byline'>By Jane Roe, Political Correspondent</p>",
        ["Jane Roe"],
        id="role-after-the-name",
    ),
    pytest.param(
        "<div class='article-author'>Thursday, 2 May 2024</div>",
        [],
        id="date-line-is-no-name",
    ),
    pytest.param(
        "<div class='author-box'>Zuletzt geändert am 2 Mai</div>",
        [],
        id="lowercase-words-are-no-name",
    ),
    pytest.param(
        "<div class='wrote_by'>By&nbsp;<a href='/reporters/ada-beispiel'>Ada Beispiel</a></div>",
        ["Ada Beispiel"],
        id="byline-line-with-a-no-break-space-entity",
    ),
]


@pytest.mark.parametrize(("byline", "expected"), AUTHOR_CASES)
def test_byline_authors(byline: str, expected: list[str]) -> None:
    html = _page("Ferry timetable changes | Harbour Post", SITE, byline)
    assert _result(html).authors == expected


def test_comment_authors_are_not_the_byline() -> None:
    comments = (
        "<section id='comments'><ol class='commentlist'><li class='comment'>"
        "<div class='comment-author vcard'><cite class='fn'>Lisa Leser</cite></div><p>Finally!</p></li></ol></section>"
    )
    html = _page("Ferry timetable changes | Harbour Post", SITE).replace("</article>", "</article>" + comments)
    assert _result(html).authors == []


def test_byline_over_the_site_as_meta_author() -> None:
    html = _page(
        "Ferry timetable changes | Harbour Post",
        SITE + "<meta name='author' content='Harbour Post'>",
        "<p class='byline'>By Tom Beispiel</p>",
    )
    assert _result(html).authors == ["Tom Beispiel"]


def test_a_byline_with_a_part_that_is_no_name_is_no_list_of_names() -> None:
    # trafilatura's reading of "Institute for Coastal Studies and Shipping".
    assert page_authors("Institute for Coastal Studies; Shipping", PageFacts(), [], None, "") == []
    assert page_authors("Ada Beispiel; Ben Muster", PageFacts(), [], None, "") == ["Ada Beispiel", "Ben Muster"]


def test_names_trafilatura_makes_of_a_host_or_the_site_are_no_authors() -> None:
    # "Jane Roe - https://roe.net" and "ferry.watch[at]harbour-mail.com" as meta authors.
    facts = PageFacts(authors=["Jane Roe - https://roe.net"])
    assert page_authors("Jane Roe; Roe Net", facts, [], None, "") == ["Jane Roe"]
    facts = PageFacts(authors=["ferrywatch[at]harbourmail.com"])
    assert page_authors("Ferrywatch Harbourmail Com", facts, [], None, "") == []
    # The site's name as its meta author, split by trafilatura at "&".
    facts = PageFacts(authors=["Ships & Harbours"])
    assert page_authors("Ships; Harbours", facts, ["Ships & Harbours"], None, "") == []


def test_handle_keeps_the_digits_trafilatura_drops() -> None:
    # trafilatura reads the meta author "harbourwatch77" as "Harbourwatch".
    facts = PageFacts(authors=["harbourwatch77"])
    html = "<title>Ferry timetable changes - Harbourwatch77</title><p>harbourwatch77</p>"
    assert page_authors("Harbourwatch", facts, [], None, html) == ["harbourwatch77"]


def test_role_trafilatura_splits_off_is_no_author() -> None:
    assert page_authors("Jane Roe; Senior Editor", PageFacts(), [], None, "") == ["Jane Roe"]
    assert page_authors("Ada Beispiel; Redakteurin", PageFacts(), [], None, "") == ["Ada Beispiel"]


def test_organisation_as_author_yields_to_the_byline() -> None:
    html = _page(
        "Ferry timetable changes | Harbour Post",
        "<meta property='og:site_name' content='Harbour Post Island Edition'>"
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@type": "Organization",'
        ' "name": "Harbour"}}</script>',
        "<p class='byline'>By Tom Beispiel</p>",
    )
    assert _result(html).authors == ["Tom Beispiel"]


def test_json_ld_author_by_id_in_a_graph() -> None:
    # Yoast SEO names the author once in the graph; a page without an article refers to it from
    # its WebPage.
    for page_type in ("Article", "WebPage"):
        html = _page(
            "Ferry timetable changes | Harbour Post",
            SITE + '<script type="application/ld+json">{"@graph": ['
            f'{{"@type": "{page_type}", "author": {{"@id": "https://harbour-post.example/#/person/7"}}}},'
            '{"@type": ["Person"], "@id": "https://harbour-post.example/#/person/7", "name": "Ada Beispiel"}'
            "]}</script>",
        )
        assert _result(html).authors == ["Ada Beispiel"], page_type


def test_json_ld_author_array() -> None:
    html = _page(
        "Ferry timetable changes | Harbour Post",
        SITE + '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "author": '
        '[{"@type": "Person", "name": "Ada Beispiel"}, {"@type": "Person", "name": "Ben Muster"}]}]}</script>',
    )
    assert _result(html).authors == ["Ada Beispiel", "Ben Muster"]


# ---------------------------------------------------------------- date

DATE_CASES = [
    pytest.param(
        "<meta property='article:published_time' content='2024-05-03T07:00:00+09:00'>",
        "",
        date(2024, 5, 3),
        id="two-days-after-the-reference-day-in-utc-plus-9",
    ),
    pytest.param(
        "<meta property='article:published_time' content='2024-05-04T07:00:00+09:00'>",
        "",
        None,
        id="three-days-after-is-not-a-publish-date",
    ),
    pytest.param(
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-04-12T09:00:00+02:00"}'
        "</script>",
        "<p>Timetable valid from 28 April 2024 until further notice.</p>",
        date(2024, 4, 12),
        id="json-ld-over-a-date-in-the-text",
    ),
    pytest.param(
        "",
        "<p class='meta'>Published <time datetime='2024-04-09'>9 April</time></p>"
        "<p>The old timetable ran until 30 April 2024.</p>",
        date(2024, 4, 9),
        id="time-element-over-a-date-in-the-text",
    ),
]


@pytest.mark.parametrize(("head", "body", "expected"), DATE_CASES)
def test_published(head: str, body: str, expected: date | None) -> None:
    assert _result(_page("Ferry timetable changes | Harbour Post", SITE + head, body)).published == expected
