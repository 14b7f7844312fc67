"""The site's own lines in an article's text: placeholders (walls), furniture lines, share bars glued
to a paragraph and the headlines under a "related articles" label (transforms/boilerplate.py).

Every page and line here is invented for these tests.
"""

from __future__ import annotations

import pytest

from transforms.boilerplate import is_furniture, is_wall, without_boilerplate
from transforms.html_extract import ExtractionOptions, html_article

# Placeholders that are not consent or paywall notices, in several languages; then prose that
# mentions the same words and must stay.
PLACEHOLDER_CASES = [
    # an embed held back until the reader consents
    ("Click the button below to load the content of maps.example.net.", True),
    ("Klicken Sie auf den Button, um den Inhalt von video.example.org zu laden.", True),
    ("Mit dem Laden des Inhalts akzeptieren Sie die Datenschutzerklärung von example.org.", True),
    ("Cliquez sur le bouton pour afficher le contenu de carte.example.fr.", True),
    ("Haz clic en el botón para cargar el contenido de mapas.example.es.", True),
    ("Fai clic sul pulsante per caricare il contenuto di video.example.it.", True),
    ("Klik op de knop om de inhoud van kaart.example.nl te laden.", True),
    # affiliate and advertiser disclosures
    ("Some links on this page are affiliate links: we may earn a commission if you buy the kettle.", True),
    ("This guide contains affiliate links. If you buy through them, we receive a small share of the sales.", True),
    ("Mit * markierte Links sind Affiliate-Links: Kaufen Sie darüber ein, erhalten wir eine Provision.", True),
    ("Cet article contient des liens affiliés : nous pouvons percevoir une commission sur vos achats.", True),
    ("Este artículo incluye enlaces de afiliados y podemos recibir una comisión por tu compra.", True),
    ("Questo articolo contiene link di affiliazione: potremmo ricevere una commissione.", True),
    # appeals for support
    ("Enjoying our harbour reports? We keep them free for everyone, and your support keeps them going.", True),
    ("Gefällt dir unser Bergmagazin? Wir verzichten auf eine Bezahlschranke und bitten um deine Hilfe.", True),
    ("Vous aimez notre journal du port ? Aidez-nous à le garder gratuit pour tous.", True),
    ("Every gift helps us support independent journalism on the islands.", True),
    # prose with the same words
    ("The harbour commission will meet on Tuesday to vote on the new mooring fees.", False),
    ("Visitors can click through a map of the old town before they arrive.", False),
    ("Der Inhalt der Kisten wurde nach dem Laden in den Hafen gebracht.", False),
    ("The mayor said she would support our proposal for a second ferry on Sundays.", False),
    # a cookie notice opening a paragraph, in several languages
    ("We use cookies to improve your experience on our site.", True),
    ("Diese Website verwendet Cookies, um Ihnen das beste Erlebnis zu bieten.", True),
    ("Ce site utilise des cookies pour mesurer son audience.", True),
    ("Questo sito utilizza cookie tecnici e di profilazione.", True),
    ("“We use cookies from the bakery next door,” the café owner said of her dessert menu.", False),
    ("Do residents like this plan? The survey asks them before the council votes.", False),
]


@pytest.mark.parametrize(("paragraph", "expected"), PLACEHOLDER_CASES)
def test_is_wall_finds_other_placeholders(paragraph: str, expected: bool) -> None:
    assert is_wall(paragraph) is expected


FURNITURE_CASES = [
    # a sign-up or subscribe button closing a line
    ("Want the harbour news every morning? Sign up here", True),
    ("Get the Example Gazette's morning edition by email and never miss a story. Free Sign Up", True),
    ("Unser Wochenbrief für Segler: jetzt kostenlos abonnieren", True),
    ("La lettre du port, chaque vendredi : inscrivez-vous", True),
    ("Join our mailing list for the ferry timetable.", True),
    # figure labels, bracketed credits
    ("Figure 2: The tide gauge at the north pier in March.", True),
    ("Abb. 3 – Querschnitt durch die Kaimauer", True),
    ("(Credit: Example Harbour Archive)", True),
    # links to neighbouring posts, follow and share prompts, a browser placeholder
    ("Next article", True),
    ("Vorschau auf den nächsten Beitrag", True),
    ("Article suivant", True),
    ("Follow us on Mastodon for the live tide table.", True),
    ("Folgen Sie uns auf Instagram", True),
    ("Click to share on Facebook (Opens in new window)", True),
    ("Share on Twitter", True),
    ("JavaScript ist deaktiviert. Bitte aktivieren Sie JavaScript, um die Karte zu sehen.", True),
    ("Please enable JavaScript to watch this video.", True),
    # author box, advert label and the line after it, comment counts
    ("Redakteurin im Lokalressort.", True),
    ("Correspondent in Lisbon", True),
    ("Advertisement", True),
    ("Anzeige", True),
    ("Story continues below advertisement", True),
    ("14 Kommentare", True),
    ("Comments (3)", True),
    # prose and headings that must stay
    ("Figures from the port show a rise in freight since spring.", False),
    ("The ferry company will register the new boat in June.", False),
    ("Readers who subscribe get the weekly tide table.", False),
    ("The next article of the harbour statute covers anchoring fees.", False),
    ("Reporter crews waited at the pier for the first ferry of the season to arrive.", False),
    ("Wie Sie Ihr Boot im Hafenamt anmelden", False),
    ("The advertisement campaign for the ferry ran all summer.", False),
    # a one-line link to another article, in several languages
    ("READ MORE: Council approves new harbour wall after three-year row", True),
    ("Related: Five things to know about the new bridge", True),
    ("WATCH | Harbour crane collapses in storm", True),
    ("Video: The moment the new ferry left the north quay", True),
    ("Lesen Sie auch: Warum der Hafen im Winter schließt", True),
    ("LIRE AUSSI : La mairie vote le budget du port", True),
    ("Lee también: La alcaldía aprueba el presupuesto del puerto", True),
    ("Leggi anche: Il porto chiude per lavori", True),
    ("Czytaj też: Nowy prom na wyspy", True),
    # rights lines of the site or a wire service
    ("Copyright 2021 Example Wire. All rights reserved. This material may not be published or rewritten.", True),
    ("Alle Rechte vorbehalten.", True),
    ("Tous droits réservés", True),
    # tag lists, tip lines, audio players, app offers, a comment section's heading
    ("Topics: Harbour, Ferries, Budget", True),
    ("Schlagwörter: Hafen, Fähre, Haushalt", True),
    ("Have a news tip? Email the harbour desk.", True),
    ("Listen to this article", True),
    ("Download the Example Gazette app for iPhone and Android", True),
    ("Comments", True),
    ("Join the conversation", True),
    ("Continue reading below", True),
    # prose with the same words, which must stay
    ("Read more about the plan on the council's website, the mayor said.", False),
    ("Related: the council's decision follows a year of talks with the ferry company.", False),
    ("Watch: the tide turns at six, and the boats leave with it.", False),
    ("Lesen Sie auch die Stellungnahme des Hafenamts, die wir unten dokumentieren.", False),
    ("More than 200 residents attended the meeting on Tuesday.", False),
    ("Recommended dose: two tablets a day, the doctor said.", False),
    ("The band said all rights reserved by the label would return to them in 2030.", False),
    ("In 2019 all rights reserved to the city passed to the port authority.", False),
    ("The report may not be published until May, the ministry said.", False),
    ("Copyright law has not kept pace with the ferry company's new timetable app.", False),
    ("Topics discussed at the meeting included the budget and the new pier.", False),
    ("Listen to the fishermen, she said, and you will hear a different story.", False),
    ("Download the app, the council said, to pay for parking at the quay.", False),
    ("Comments from residents were mostly positive.", False),
    ("Have a look at the tide table before you sail.", False),
    ("Guarda caso, il porto ha chiuso proprio il giorno della festa.", False),
    # picture agencies' credits, caption controls, slide counters
    ("(AP Photo/Jane Doe)", True),
    ("AFP via Getty Images", True),
    ("Photograph: Jane Doe/Example Gazette", True),
    ("Image caption The new ferry at the north quay", True),
    ("Credit...Jane Doe for The Example Times", True),
    ("Toggle caption", True),
    ("Enlarge this image", True),
    ("1 of 12", True),
    ("Bild 3 von 12", True),
    ("Previous slide Next slide", True),
    # the page's tools and a share bar of network names
    ("Print this page", True),
    ("Copy link", True),
    ("Save for later", True),
    ("Back to top", True),
    ("Report an error", True),
    ("Facebook Twitter Email", True),
    ("Facebook X WhatsApp", True),
    ("Follow the Gazette on Facebook and X: @ExampleGazette", True),
    ("Folgen Sie dem Hafenblatt auf Instagram", True),
    ("Investors will follow the company on Twitter for news of the sale, analysts said.", False),
    # date lines and bylines set as lines of the body
    ("Published 3:45 PM EST, Mon March 2, 2020", True),
    ("Updated 10:45 GMT (18:45 HKT) March 3, 2020", True),
    ("Last updated: 12 March 2020", True),
    ("Veröffentlicht am 03.02.2020 um 10:45 Uhr", True),
    ("Publié le 3 février 2020 à 10h45", True),
    ("By Jane Doe, Staff Writer", True),
    ("By Jane Doe and John Smith | March 3, 2020", True),
    ("Von Jana van der Berg", True),
    ("Par Camille Lefort ·", True),
    ("By Jane Doe • 3 March 2020", True),
    # prose with the same words, which must stay
    ("By the end of the year, the ferry will run every hour.", False),
    ("By Monday the quay was open again.", False),
    ("Von Hamburg nach Kiel fährt die Fähre zweimal am Tag.", False),
    ("Published in 1998, the book sold poorly at first.", False),
    ("Updated guidance was issued on 3 March.", False),
    ("Updated: the council has now approved the plan.", False),
    ("Getty Images said on Monday it would buy the archive.", False),
    ("The photo was taken by an AFP photographer on the pier.", False),
    ("Print runs of the local paper fell by half.", False),
    ("Save the date: the regatta is on 12 June.", False),
    ("Back to the harbour, where the fishermen waited.", False),
    ("In 3 of 12 cases the ferry was late.", False),
    ("Facebook and Twitter both removed the posts.", False),
    ("Par ailleurs, le port ouvrira en mai.", False),
    ("x              x              x", False),
]


@pytest.mark.parametrize(("paragraph", "expected"), FURNITURE_CASES)
def test_is_furniture_finds_more_site_lines(paragraph: str, expected: bool) -> None:
    assert is_furniture(paragraph) is expected


def test_headlines_under_a_related_label_go_with_it() -> None:
    text = "\n\n".join(
        [
            "The ferry to the outer islands runs twice a day from May.",
            "You might also like",
            "Ten harbour cafés worth the crossing",
            "Why the lighthouse keeper stayed: a portrait",
            "Tickets are sold at the quay and on board, the company said.",
        ]
    )
    assert without_boilerplate(text) == (
        "The ferry to the outer islands runs twice a day from May.\n\n"
        "Tickets are sold at the quay and on board, the company said."
    )
    assert without_boilerplate(text, furniture=False) == text


@pytest.mark.parametrize(
    "label",
    [
        "Diese Artikel könnten Sie auch interessieren:",
        "Vous pourriez aimer aussi",
        "También te puede interesar",
        "Recommended for you",
        "Read more",
    ],
)
def test_related_labels_in_several_languages(label: str) -> None:
    text = f"Der Hafen öffnet im Mai.\n\n{label}\n\nZehn Cafés am Kai\n\nDie Fähre fährt zweimal am Tag."
    assert without_boilerplate(text) == "Der Hafen öffnet im Mai.\n\nDie Fähre fährt zweimal am Tag."


@pytest.mark.parametrize(
    ("paragraph", "kept"),
    [
        (
            "The quay reopens on Monday. Rate this: Share this: Twitter Facebook Email Like this: Loading...",
            "The quay reopens on Monday.",
        ),
        ("Der Kai öffnet am Montag. Teilen mit: Facebook WhatsApp Drucken", "Der Kai öffnet am Montag."),
        ("Share this: Facebook Twitter", ""),
        # a colon before a network's name, with no share label: prose
        (
            "Her advice to readers: Facebook is not a news source.",
            "Her advice to readers: Facebook is not a news source.",
        ),
    ],
)
def test_share_bar_glued_to_a_paragraph_is_cut(paragraph: str, kept: str) -> None:
    assert without_boilerplate(f"Opening line of the story.\n\n{paragraph}") == "\n\n".join(
        p for p in ("Opening line of the story.", kept) if p
    )


# Small pages, one per rule: an invented article with one of the site's lines inside its body.
_PROSE = [
    "The harbour authority approved a second ferry to the outer islands on Tuesday, ending a debate "
    "that had divided the town council for most of the winter and the spring before it.",
    "Under the plan, the new boat will leave the north quay every two hours from May to September, "
    "and the old ferry will keep its morning and evening crossings for the rest of the year.",
    "Fishermen had warned that more traffic would crowd the narrow channel, but the pilots' "
    "association said the timetable leaves enough room for the trawlers to come and go safely.",
    "Tickets will cost the same as on the old ferry, the authority said, and residents of the "
    "islands will keep their discount cards, which the council renewed for another five years.",
]


def _page(line_html: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in _PROSE[:2]) + line_html + "".join(f"<p>{p}</p>" for p in _PROSE[2:])
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Second ferry approved</title></head>"
        "<body><header><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></header>"
        f"<main><article><h1>Second ferry approved</h1>{body}</article></main>"
        "<footer><p>Example Harbour Gazette</p></footer></body></html>"
    )


def _headlines_under(label: str) -> str:
    """A box of links to other articles under a heading."""
    return (
        f"<h3>{label}</h3><p><a href='/cafes'>Ten harbour cafés worth the crossing</a></p>"
        "<p><a href='/keeper'>Why the lighthouse keeper stayed</a></p>"
    )


PAGE_CASES = [
    pytest.param(
        "<p>Click the button below to load the content of maps.example.net.</p>",
        "load the content of maps",
        id="embed-consent",
    ),
    pytest.param(
        "<p>This story contains affiliate links. We may earn a commission when you buy through them.</p>",
        "earn a commission",
        id="affiliate-disclosure",
    ),
    pytest.param(
        "<p>Enjoying our harbour reports? We keep them free for all readers, and your support keeps them going.</p>",
        "Enjoying our harbour reports",
        id="appeal",
    ),
    pytest.param(
        "<p>Want the harbour news every morning? <a href='/signup'>Sign up here</a></p>",
        "Sign up here",
        id="sign-up-button",
    ),
    pytest.param("<p>Figure 1: The north quay at low tide.</p>", "Figure 1:", id="figure-label"),
    pytest.param("<p>Advertisement</p>", "Advertisement", id="advert-label"),
    pytest.param("<p>Follow us on Mastodon for the live tide table.</p>", "Follow us on", id="follow-prompt"),
    pytest.param(_headlines_under("You might also like"), "Ten harbour cafés", id="related-headlines"),
    pytest.param(
        "<p><strong>READ MORE:</strong> <a href='/wall'>Council approves new harbour wall after three-year row</a></p>",
        "Council approves new harbour wall",
        id="inline-promo",
    ),
    pytest.param(_headlines_under("Most read"), "Ten harbour cafés", id="most-read-headlines"),
    pytest.param(
        "<p>Copyright 2021 Example Wire. All rights reserved. This material may not be published or rewritten.</p>",
        "All rights reserved",
        id="rights-line",
    ),
    pytest.param(
        "<p>Topics: <a href='/t/h'>Harbour</a>, <a href='/t/f'>Ferries</a>, <a href='/t/b'>Budget</a></p>",
        "Topics:",
        id="tag-list",
    ),
    pytest.param("<p>We use cookies to improve your experience on our site.</p>", "We use cookies", id="cookie-notice"),
    pytest.param("<p>(AP Photo/Jane Doe)</p>", "AP Photo", id="agency-credit"),
    pytest.param("<p>Updated 10:45 GMT (18:45 HKT) March 3, 2020</p>", "Updated 10:45", id="date-line"),
    pytest.param("<p>By Jane Doe, Staff Writer</p>", "By Jane Doe", id="byline-line"),
    pytest.param("<p>Facebook Twitter Email</p>", "Facebook Twitter", id="network-names"),
]


@pytest.mark.parametrize(("line_html", "marker"), PAGE_CASES)
def test_page_loses_the_sites_line(line_html: str, marker: str) -> None:
    html = _page(line_html)
    url = "https://example.org/news/second-ferry"
    kept = html_article(html, url=url, options=ExtractionOptions(drop_walls=False)).text
    assert marker in kept  # trafilatura keeps the line: the rule is what removes it
    text = html_article(html, url=url).text
    assert marker not in text
    assert all(p[:40] in text for p in _PROSE)


def test_headline_kept_inside_the_body_is_the_title_not_a_paragraph() -> None:
    html = _page("")
    url = "https://example.org/news/second-ferry"
    kept = html_article(html, url=url, options=ExtractionOptions(drop_headline=False))
    assert kept.text.startswith("Second ferry approved\n\n")  # trafilatura keeps the <h1>
    article = html_article(html, url=url)
    assert article.title == "Second ferry approved"
    assert article.text.startswith(_PROSE[0])
    assert all(p[:40] in article.text for p in _PROSE)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # the headline, spelt with other quotes and case
        ("SECOND FERRY ‘APPROVED’\n\nThe body.", "The body."),
        # a first paragraph that only begins like the headline is the body's
        ("Second ferry approved by the council on Tuesday.\n\nThe body.", None),
        # nothing would be left
        ("Second ferry approved", None),
        # too short to tell a headline from a paragraph's heading
        ("Update\n\nThe body.", None),
    ],
)
def test_without_headline(text: str, kept: str | None) -> None:
    from transforms.html_meta import without_headline

    headlines = ["Second ferry approved", None, "Update"]
    assert without_headline(text, headlines) == (text if kept is None else kept)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("The body.\n\nThe end of it.\n\nJane Doe", "The body.\n\nThe end of it."),
        (
            "The body.\n\nThe end of it.\n\nJane Doe is a reporter covering the harbour and its ferries.",
            "The body.\n\nThe end of it.",
        ),
        ("Der Text.\n\nJana Berg ist Redakteurin im Lokalressort.", "Der Text."),
        # the author named in the body's own sentences
        ("The body.\n\nJane Doe, who wrote the first report, said the council was wrong.", None),
        ("Jane Doe is a reporter covering the harbour.\n\nThe body.\n\nMore.\n\nThe end.", None),
        # a one-word name could be anyone's word
        ("The body.\n\nAdmin", None),
    ],
)
def test_without_author_box(text: str, kept: str | None) -> None:
    from transforms.html_meta import without_author_box

    assert without_author_box(text, ["Jane Doe", "Jana Berg", "Admin"]) == (text if kept is None else kept)
