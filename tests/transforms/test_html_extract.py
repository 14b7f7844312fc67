"""html_article and detected_language on small synthetic pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from transforms.boilerplate import is_furniture, is_wall, without_boilerplate
from transforms.html_extract import ExtractionOptions, HtmlExtraction, decoded_html, html_article
from transforms.language import detected_language

PAGES = Path(__file__).parent / "pages"

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
    return f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


CHROME = """
<header><nav>
<a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a>
</nav></header>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/a">Celebrity buys island</a></li>
<li><a href="/b">Ten tips for summer</a></li></ul></aside>
"""
FOOTER = "<footer><p>Subscribe to our newsletter</p><p>© Daily Example. All rights reserved.</p></footer>"
ARTICLE = f"<article><h1>Council passes budget</h1><p>{PARAGRAPH_1}</p><p>{PARAGRAPH_2}</p></article>"
META = """
<title>Council passes budget | Daily Example</title>
<meta property="og:title" content="Council passes budget">
<meta property="og:site_name" content="Daily Example">
<meta name="author" content="Jane Doe">
<meta name="description" content="The council approved the budget.">
<meta property="article:published_time" content="2024-04-02T09:30:00+02:00">
<meta property="og:image" content="https://example.org/hall.jpg">
"""
CAPTIONED = f"<article><h1>Council passes budget</h1>{{caption}}<p>{PARAGRAPH_1}</p><p>{PARAGRAPH_2}</p></article>"
CAPTION = "<figure><img src='hall.jpg'><figcaption>The town hall, photographed on 3 March 1998.</figcaption></figure>"

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
        _page(body=f"<article><p>{GERMAN}</p><p>{GERMAN}</p></article>", lang="de")
        .replace("utf-8", "iso-8859-1")
        .encode(),
        {"text_has": ["Straßen und die Stadtbücherei"], "encoding": "utf-8"},
        id="utf8-bytes-declared-latin1",
    ),
    pytest.param(
        b"\xef\xbb\xbf" + _page(body=f"<article><p>{GERMAN}</p><p>{GERMAN}</p></article>", lang="de").encode(),
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
    result = html_article(html, url="https://example.org/news/budget", reference_day=date(2024, 5, 1))
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
        # Valid UTF-8 wins over a wrong declaration.
        ('<meta charset="iso-8859-1"><p>Grüße, 東京</p>'.encode(), "Grüße, 東京", "utf-8"),
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


# ---------------------------------------------------------------- title, date and author
# Small invented pages (our own text): one site-name or date convention each.

BODY_ZH = "<article><h1>{h1}</h1><p>市议会周二批准了新的年度预算，其中包括学校、道路和图书馆的开支。</p></article>"
BODY_RU = "<article><p>Городской совет во вторник утвердил новый бюджет на следующий год.</p></article>"
BODY_AR = "<article><p>أقر المجلس البلدي يوم الثلاثاء الميزانية الجديدة للعام المقبل.</p></article>"
BODY_EN = f"<article><p>{PARAGRAPH_1}</p><p>{PARAGRAPH_2}</p></article>"
SITE_ZH = "<meta property='og:site_name' content='东方晨报'>"
HOME_LINK_ZH = "<nav><a href='https://www.example.org/'>晨报网</a></nav>"


def _meta_page(title: str, head: str = "", body: str = BODY_EN) -> str:
    return _page(head=f"<title>{title}</title>{head}", body=body)


METADATA_CASES = [
    pytest.param(
        _meta_page("市议会通过新预算｜东方晨报", SITE_ZH, BODY_ZH.format(h1="")),
        {"title": "市议会通过新预算"},
        id="zh-fullwidth-bar-og-site-name",
    ),
    pytest.param(
        _meta_page("市议会通过新预算-晨报网", body=HOME_LINK_ZH + BODY_ZH.format(h1="")),
        {"title": "市议会通过新预算"},
        id="zh-unspaced-hyphen-home-link-name",
    ),
    pytest.param(
        _meta_page("东方晨报丨市议会通过新预算", SITE_ZH, BODY_ZH.format(h1="")),
        {"title": "市议会通过新预算"},
        id="zh-leading-site-name",
    ),
    pytest.param(
        _meta_page("みなと新聞：市議会が新年度予算を可決", "<meta property='og:site_name' content='みなと新聞'>"),
        {"title": "市議会が新年度予算を可決"},
        id="ja-fullwidth-colon",
    ),
    pytest.param(
        _meta_page(
            "Горсовет утвердил бюджет — Вечерний Курьер",
            body=BODY_RU,
            head="<meta property='og:site_name' content='Вечерний Курьер'>",
        ),
        {"title": "Горсовет утвердил бюджет"},
        id="ru-em-dash",
    ),
    pytest.param(
        _meta_page(
            "Горсовет утвердил бюджет|Вечерний Курьер",
            body=BODY_RU,
            head="<meta name='application-name' content='Вечерний Курьер'>",
        ),
        {"title": "Горсовет утвердил бюджет"},
        id="ru-unspaced-bar-application-name",
    ),
    pytest.param(
        _meta_page(
            "المجلس البلدي يقر الميزانية الجديدة - صحيفة الميناء",
            body=BODY_AR,
            head="<meta property='og:site_name' content='صحيفة الميناء'>",
        ),
        {"title": "المجلس البلدي يقر الميزانية الجديدة"},
        id="ar-hyphen",
    ),
    pytest.param(
        _meta_page("Daily Example » Council passes budget", "<meta property='og:site_name' content='Daily Example'>"),
        {"title": "Council passes budget"},
        id="latin-guillemet-prefix",
    ),
    pytest.param(
        _meta_page("Council passes budget :: example.org"),
        {"title": "Council passes budget"},
        id="latin-double-colon-hostname",
    ),
    pytest.param(
        _meta_page(
            "Council passes budget | Daily Example | News from the valley since 1901",
            "<meta property='og:site_name' content='Daily Example'>",
        ),
        {"title": "Council passes budget"},
        id="site-name-then-tagline",
    ),
    pytest.param(
        _meta_page(
            "Why Example sold its printing press - Daily Example",
            "<meta property='og:site_name' content='Daily Example'>",
        ),
        {"title": "Why Example sold its printing press"},
        id="headline-naming-the-site-is-kept",
    ),
    pytest.param(
        _meta_page("Daily Example", "<meta property='og:site_name' content='Daily Example'>"),
        {"title": "Daily Example"},  # the site's name, but what the page has: not nothing
        id="never-cut-to-nothing",
    ),
    pytest.param(
        _meta_page(
            "Council approves budget after row over schools | Daily Example",
            "<meta property='og:title' content='Council approves budget after row over schools'>",
            f"<article><h1>Council passes budget after a long row over schools</h1><p>{PARAGRAPH_1}</p></article>",
        ),
        {"title": "Council passes budget after a long row over schools"},
        id="h1-the-title-rewords",
    ),
    pytest.param(
        _meta_page(
            "Politics: Council passes budget",
            "<meta property='og:title' content='Politics: Council passes budget'>",
            f"<h1>Council passes budget</h1>{BODY_EN}",
        ),
        {"title": "Council passes budget"},
        id="kicker-before-h1",
    ),
    pytest.param(
        _meta_page(
            "Council passes budget", "<meta property='article:published_time' content='2024-05-02T08:30:00+09:00'>"
        ),
        {"published": date(2024, 5, 2)},
        id="utc-plus-9-next-day",
    ),
    pytest.param(
        _meta_page(
            "Council passes budget",
            '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",'
            ' "headline": "Council passes budget", "datePublished": "2024-03-14T10:00:00+01:00",'
            ' "author": [{"@type": "Person", "name": "Jane Q. Doe"}]}</script>',
            f"<article><p>Updated on 20 April 2024. {PARAGRAPH_1}</p><p>{PARAGRAPH_2}</p></article>",
        ),
        {"published": date(2024, 3, 14), "author": "Jane Q. Doe"},
        id="json-ld-date-over-body-date",
    ),
    pytest.param(
        _meta_page(
            "Council passes budget",
            body="<article><p>Posted <time datetime='2024-02-08'>8 February</time>. "
            f"Last changed 20 April 2024.</p><p>{PARAGRAPH_1}</p></article>",
        ),
        {"published": date(2024, 2, 8)},
        id="time-element-over-body-date",
    ),
    pytest.param(
        _meta_page("Council passes budget", "<meta name='author' content='Mariko Tanaka'>"),
        {"author": "Mariko Tanaka", "authors": ["Mariko Tanaka"]},
        id="meta-author",
    ),
    pytest.param(
        _meta_page("市议会通过新预算", "<meta name='author' content='作者：李明'>", BODY_ZH.format(h1="")),
        {"authors": ["李明"]},
        id="zh-meta-author-without-space",
    ),
    pytest.param(
        _meta_page("Горсовет утвердил бюджет", "<meta name='author' content='Автор: Ольга Смирнова'>", BODY_RU),
        {"authors": ["Ольга Смирнова"]},
        id="ru-author-prefix",
    ),
    pytest.param(
        _meta_page("Council passes budget", "<meta name='author' content='No Author'>"),
        {"author": None, "authors": []},
        id="boilerplate-author",
    ),
    pytest.param(
        _meta_page(
            "Council passes budget",
            "<meta name='author' content='Example Media GmbH'>"
            '<script type="application/ld+json">{"@type": "Article", "author": {"@type": "Person",'
            ' "name": "Jan Kowalski"}}</script>',
        ),
        {"authors": ["Jan Kowalski"]},
        id="publisher-beside-writer",
    ),
]


@pytest.mark.parametrize(("html", "expected"), METADATA_CASES)
def test_page_metadata(html: str, expected: dict[str, object]) -> None:
    result = html_article(html, url="https://example.org/news/budget", reference_day=date(2024, 5, 1))
    for key, value in expected.items():
        assert getattr(result, key) == value, key


# Pages of invented text (tests/transforms/pages/), each built to show one loss of trafilatura
# alone (issue 12): the body text must contain the first snippets and none of the second.
PAGE_CASES = [
    pytest.param(
        "teaser_list_after_article.html",
        ["went back into service on Monday morning", "from its reserve fund rather than by raising"],
        ["Latest from Northcliff", "cake sales, a sponsored swim", "inland through Brackley"],
        id="teaser-cards-after-article",
    ),
    pytest.param(
        "listing_page_teasers.html",
        ["reopened its whaling gallery on Saturday", "used by the town's lifeboat crew"],
        ["seafront parking charges", "shoals moved closer inshore", "brass band festival"],
        id="linked-teaser-cards",
    ),
    pytest.param(
        "related_block_in_article.html",
        ["six tall wind machines this spring", "publishing their findings in the autumn"],
        ["Also on Valley Post", "Cider press cooperative", "shepherd's crook"],
        id="related-list-in-article",
    ),
    pytest.param(
        "related_inline_de.html",
        ["einen großen Wärmespeicher am Flussufer", "Bedenken wegen der Höhe", "über den Antrag wird im Frühjahr"],
        ["Mehr zum Thema", "Fernwärme wird im Januar teurer"],
        id="body-split-by-related-box-de",
    ),
    pytest.param(
        "ad_rail_split.html",
        ["eight refurbished couchette carriages", "shortly before eleven at night", "end of April"],
        ["Advertisement", "morning rail briefing", "Station cafe wins award"],
        id="body-split-by-ad-rail",
    ),
    pytest.param(
        "read_more_box_split_fr.html",
        ["rouvert ses portes samedi matin", "perdu une partie de sa clientèle", "mille neuf cent douze"],
        ["Lire aussi", "parking de la gare"],
        id="body-split-by-read-more-box-fr",
    ),
    pytest.param(
        "multi_section_longread.html",
        ["Skerrin Rock", "A household run by the clock", "nobody on the mainland will admit"],
        ["Subscribe for more features", "Listen to our podcast"],
        id="multi-section-longread",
    ),
    pytest.param(
        "consent_wall_de.html",
        [],
        ["Wir und unsere Partner", "Alle akzeptieren", "Einwilligung"],
        id="consent-wall-de",
    ),
    pytest.param(
        "consent_wall_es.html",
        [],
        ["Nosotros y nuestros socios", "Aceptar todo"],
        id="consent-wall-es",
    ),
    pytest.param(
        "paywall_fr.html",
        ["près de deux cents tonnes de tomme"],
        ["réservé aux abonnés", "Déjà abonné"],
        id="paywall-fr",
    ),
    pytest.param(
        "sidebar_shares_grid_class.html",
        ["from the north quay for at least ten weeks", "doubles to eight a day"],
        ["Ticket office", "Lost property", "accessible boarding", "quay every morning"],
        id="sidebar-sharing-a-grid-class-is-no-continuation",
    ),
]
# trafilatura gets these right alone; kept so that the vote does not break them (the sidebar shares
# the article column's grid class "col", so the continuation step would append it without its prose
# test).
_NO_LOSS_ALONE = {"multi_section_longread.html", "sidebar_shares_grid_class.html"}


def _body(name: str, options: ExtractionOptions | None = None) -> str:
    raw = (PAGES / name).read_bytes()
    if options is None:
        return html_article(raw, url=f"https://example.org/news/{name}").text
    return html_article(raw, url=f"https://example.org/news/{name}", options=options).text


@pytest.mark.parametrize(("name", "has", "lacks"), PAGE_CASES)
def test_page_body(name: str, has: list[str], lacks: list[str]) -> None:
    text = _body(name)
    assert [s for s in has if s not in text] == []
    assert [s for s in lacks if s in text] == []
    if not has:
        assert text == ""  # a wall and nothing else: no article, the page goes to quarantine


@pytest.mark.parametrize(("name", "has", "lacks"), PAGE_CASES)
def test_page_shows_a_loss_of_trafilatura_alone(name: str, has: list[str], lacks: list[str]) -> None:
    text = _body(name, ExtractionOptions(vote=False, drop_walls=False))
    failures = [s for s in has if s not in text] + [s for s in lacks if s in text]
    assert bool(failures) is (name not in _NO_LOSS_ALONE)


# Consent, sign-in and paywall placeholders, one or more per language; then prose that must stay.
WALL_CASES = [
    ("We and our partners use cookies to store and access personal data on your device.", True),
    ("Subscribe now to read unlimited articles. Already a subscriber? Sign in.", True),
    ("Wir und unsere Partner verarbeiten Daten und speichern Cookies auf Ihrem Gerät.", True),
    ("Mit einem Klick auf „Alle akzeptieren“ stimmen Sie der Verarbeitung zu.", True),
    ("Dieser Artikel ist nur für Abonnenten verfügbar.", True),
    ("Nous et nos partenaires utilisons des cookies pour stocker des informations sur votre appareil.", True),
    ("Cet article est réservé aux abonnés.", True),
    ("Nosotros y nuestros socios utilizamos cookies y datos de su dispositivo.", True),
    ("Este contenido es exclusivo para suscriptores.", True),
    ("Noi e i nostri partner utilizziamo cookie per archiviare dati sul tuo dispositivo.", True),
    ("Questo articolo è riservato agli abbonati.", True),
    ("Nós e os nossos parceiros utilizamos cookies para guardar dados no seu dispositivo.", True),
    ("Este artigo é exclusivo para assinantes.", True),
    ("Wij en onze partners gebruiken cookies en gegevens van uw apparaat.", True),
    ("Dit artikel is alleen voor abonnees.", True),
    ("My i nasi partnerzy używamy plików cookie na Twoim urządzeniu.", True),
    ("Artykuł dostępny tylko dla prenumeratorów.", True),
    ("Мы и наши партнеры используем файлы cookie на вашем устройстве.", True),
    ("Эта статья доступна только для подписчиков.", True),
    ("我们和我们的合作伙伴使用cookies来存储信息。", True),
    ("本文仅限订阅用户阅读。", True),
    ("当社およびパートナーはクッキーを使用しています。", True),
    ("この記事は有料会員限定です。", True),
    ("Accept all", True),
    ("Die Regeln, die alle akzeptieren, gelten ab Montag auch im Hafen.", False),
    ("The bakery accepts all major cards and opens at seven.", False),
    ("Les abonnés du club de voile se retrouvent samedi sur le port.", False),
    ("El ayuntamiento aprobó el martes la ampliación del carril bici.", False),
]


@pytest.mark.parametrize(("paragraph", "expected"), WALL_CASES)
def test_is_wall(paragraph: str, expected: bool) -> None:
    assert is_wall(paragraph) is expected


FURNITURE_CASES = [
    ("Photo: Jane Doe / Example Agency", True),
    ("Crédits photos : Agence Exemple", True),
    ("© Example Images", True),
    ("Teilen mit:", True),
    ("Share this:", True),
    ("Wird geladen …", True),
    ("View comments", True),
    ("Verraten Sie uns Ihre Meinung in den Kommentaren!", True),
    ("Sign up for our newsletter", True),
    ("Lire aussi", True),
    ("Mehr zum Thema", True),
    ("Читайте также", True),
    ("Sie sind nicht eingeloggt.", True),
    ("The photographer spent three winters on the island before the exhibition opened.", False),
    ("A household run by the clock", False),
    ("Die Stadtwerke wollen bis zum Herbst einen großen Wärmespeicher bauen.", False),
]


@pytest.mark.parametrize(("paragraph", "expected"), FURNITURE_CASES)
def test_is_furniture(paragraph: str, expected: bool) -> None:
    assert is_furniture(paragraph) is expected


def test_without_boilerplate_keeps_the_article_around_a_wall() -> None:
    text = "Cet article est réservé aux abonnés.\n\nLa fromagerie manque de lait.\n\nTeilen mit:"
    assert without_boilerplate(text) == "La fromagerie manque de lait."
    assert without_boilerplate(text, furniture=False) == "La fromagerie manque de lait.\n\nTeilen mit:"


# The caption search starts from the page's source (transforms/html_extract.py, _captions); these
# are the forms it must still find, and class names it must not take for a caption.
@pytest.mark.parametrize(
    ("figure", "is_caption"),
    [
        ("<figure><img src='a.jpg'><figcaption>{}</figcaption></figure>", True),
        ("<FIGURE><IMG SRC='a.jpg'><FIGCAPTION>{}</FIGCAPTION></FIGURE>", True),
        ("<table><caption>{}</caption><tr><td>1</td></tr></table>", True),
        ("<div class='photo caption'>{}</div>", True),
        ('<p class="wp-caption-text">{}</p>', True),
        ("<span class=caption>{}</span>", True),
        ("<div class='captions-block'>{}</div>", False),
        ("<div class='wp-caption alignleft'><p>{}</p></div>", False),
    ],
)
def test_captions(figure: str, is_caption: bool) -> None:
    from trafilatura.utils import load_html

    from transforms.html_extract import _captions

    html = _page(body=f"<article>{figure.format('The town hall in 1998.')}<p>{PARAGRAPH_1}</p></article>")
    found = ["town hall" in " ".join(node.text_content().split()) for node in _captions(load_html(html), html)]
    assert any(found) is is_caption


@pytest.mark.parametrize("name", sorted(p.name for p in PAGES.glob("*.html")))
def test_trafilatura_text_is_bare_extractions(name: str) -> None:
    """html_article runs trafilatura's steps without bare_extraction's tree copy: the text must
    stay bare_extraction's (this fails first when a trafilatura upgrade changes its internals)."""
    import trafilatura
    from trafilatura.utils import load_html

    from transforms.html_extract import CHOSEN_OPTIONS, _trafilatura_text

    html, _ = decoded_html((PAGES / name).read_bytes())
    url = f"https://example.org/news/{name}"
    options = {"include_comments": False, "include_tables": True, "deduplicate": False}
    document = trafilatura.bare_extraction(load_html(html), url=url, **options)
    assert _trafilatura_text(load_html(html), url, CHOSEN_OPTIONS) == (document.text if document else None)


# html_article parses with its own parser (trafilatura's options, element classes looked up in C):
# the tree must be load_html's, node for node and class for class.
_PARSE_CASES = [
    _page(body=CHROME + ARTICLE + FOOTER),
    _page(
        body="<form action='/s'><label>Search <input name='q'></label><select><option>a</option></select>"
        "<textarea>x</textarea></form><!-- a comment --><p>Text &amp; more</p>"
    ),
    "<?xml version='1.0' encoding='utf-8'?><html><body><p>An XML declaration with an encoding.</p></body></html>",
    "<p>A fragment, not a page.</p>",
    "plain text without any markup",
    "<html><body></body></html>",
]


@pytest.mark.parametrize(
    "html",
    _PARSE_CASES + [decoded_html(path.read_bytes())[0] for path in sorted(PAGES.glob("*.html"))],
)
def test_parsed_html_is_load_htmls(html: str) -> None:
    from lxml import etree
    from trafilatura.utils import load_html

    from transforms.html_extract import parsed_html

    ours, theirs = parsed_html(html), load_html(html)
    assert (ours is None) is (theirs is None)
    if ours is not None:
        assert etree.tostring(ours, encoding="unicode") == etree.tostring(theirs, encoding="unicode")
        assert [type(node) for node in ours.iter()] == [type(node) for node in theirs.iter()]


def test_vote_finds_a_paragraph_in_the_page() -> None:
    """The vote's page look-up: a <p>'s own text first, then any text node (a tail after inline
    markup, a <div> without <p>), the innermost block holding the whole paragraph."""
    from lxml.html import document_fromstring

    from transforms.body_vote import _element, _PageText

    tree = document_fromstring(
        "<html><body><div><p>Lead <b>bold</b> words of the first paragraph that run on.</p>"
        "<div class='x'>Second paragraph text sits <a href='/'>here</a> after a link and keeps going.</div>"
        "<p>Third paragraph text, all in the paragraph's own text node.</p></div></body></html>"
    )
    page = _PageText(tree)
    assert _element(page, "Lead bold words of the first paragraph that run on.").tag == "p"
    assert _element(page, "Second paragraph text sits here after a link and keeps going.").get("class") == "x"
    third = _element(page, "Third paragraph text, all in the paragraph's own text node.")
    assert third.tag == "p" and third.text.startswith("Third")
    assert _element(page, "Nothing like this is anywhere on the page, not even in part.") is None


_STANDFIRST = (
    "Ferries to the outer islands will sail twice a day from May, after the harbour board found "
    "money for a second crew and a longer season."
)


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        # a standfirst under the headline, outside the body's container: taken
        (f"<header><h1>Ferries</h1><p class='dek'>{_STANDFIRST}</p></header><div class='body'>{{text}}</div>", True),
        # the same words only in a teaser after the article: not a standfirst
        (f"<div class='body'>{{text}}</div><aside><p>{_STANDFIRST}</p></aside>", False),
        # inside a longer paragraph: not the element's whole text
        (f"<header><p>Updated. {_STANDFIRST}</p></header><div class='body'>{{text}}</div>", False),
        # only in the page's metadata
        ("<div class='body'>{text}</div>", False),
    ],
)
def test_standfirst_is_the_description_shown_before_the_text(body: str, kept: bool) -> None:
    from lxml.html import document_fromstring

    from transforms.body_vote import DEFAULT_VOTE, _PageText, _standfirst

    text = [PARAGRAPH_1, PARAGRAPH_2]
    html = f"<html><body>{body.format(text=''.join(f'<p>{p}</p>' for p in text))}</body></html>"
    found = _standfirst(_STANDFIRST, html, text, _PageText(document_fromstring(html)), DEFAULT_VOTE)
    assert found == ([_STANDFIRST] if kept else [])
    # a description that is no prose paragraph (short, or a list of keywords) is never added
    keywords = "Ferries, islands, harbour"
    assert _standfirst(keywords, html, text, _PageText(document_fromstring(html)), DEFAULT_VOTE) == []


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ("<figure><img src=a.jpg><figcaption>The quay</figcaption></figure>", True),
        ("<TABLE><CAPTION>Tides</CAPTION></TABLE>", True),
        ("<FigCaption class=x>The quay</FigCaption>", True),
        ("<div class='caption'>The quay</div>", False),
        ("<p>Captions and a captioned photo</p>", False),
        ("<figcaptions>", False),
    ],
)
def test_has_caption_tag_is_the_tag_regexs(html: str, found: bool) -> None:
    from transforms.html_extract import _CAPTION_TAG, _has_caption_tag

    assert _has_caption_tag(html) is found
    assert _has_caption_tag(html) is bool(_CAPTION_TAG.search(html))
