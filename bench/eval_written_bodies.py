"""Body text on news pages written for this project: token F1 of html_article against bare trafilatura.

    python bench/eval_written_bodies.py          # the table
    python bench/eval_written_bodies.py --show   # each page's lines that either extractor got wrong

Every article and page template here is invented. Each page puts one article's paragraphs (the gold)
into a news or blog template with the furniture real sites set around and inside a body: the <h1>
inside the article element, byline and date lines, picture credits, inline "READ MORE" links, share
bars, tag lists, an author box, "most read" lists, a cookie notice. The score is the one public
article-extraction benchmarks use: precision, recall and F1 of the extracted text's word tokens
against the gold's (bags of words), averaged over pages.

These templates were written together with the rules that remove such lines
(transforms/boilerplate.py, transforms/html_meta.py), so the figures show what those rules do on
the shapes they were written for, not how they carry to unseen sites: that is what
bench/eval_quality.py's report half of trafilatura-eval is for.
"""

from __future__ import annotations

import argparse
import html as html_lib
import statistics
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from transforms.html_extract import html_article  # noqa: E402

ARTICLES: list[dict[str, object]] = [
    {
        "lang": "en",
        "title": "Harbour board backs second ferry to the outer islands",
        "author": "Maren Holt",
        "standfirst": "The new boat will run every two hours from May, the board said after a six-month review.",
        "body": [
            "The harbour board voted on Tuesday to add a second ferry to the outer islands, ending a debate "
            "that had divided the town council for most of the winter.",
            "Under the plan, the new boat will leave the north quay every two hours from May to September, "
            "while the old ferry keeps its morning and evening crossings for the rest of the year.",
            "Fishermen had warned that more traffic would crowd the narrow channel. The pilots' association "
            "said the timetable leaves enough room for trawlers to come and go safely.",
            "Tickets will cost the same as on the old ferry, and island residents keep their discount cards, "
            "which the council renewed for another five years in January.",
            "The board expects the boat to be delivered in April and will hold sea trials in the bay before "
            "the first paying passengers board.",
        ],
    },
    {
        "lang": "en",
        "title": "Flooded mill to reopen in June as insurers settle claim",
        "author": "Tobias Reyes",
        "standfirst": "Repairs to the Kellbridge mill's ground floor will take three months, the owners say.",
        "body": [
            "The Kellbridge textile mill, which flooded when the river broke its banks in February, will reopen "
            "in June after its insurers agreed to pay for repairs to the ground floor.",
            "The owners said the settlement covers new looms, the drying room and the electrical work, but not "
            "the stock that was lost, which they valued at about two hundred thousand pounds.",
            "Forty of the mill's sixty workers have been kept on to clear the site. The others were moved to the "
            "company's smaller plant across the valley and will return when production restarts.",
            "Residents have asked the council to raise the flood wall along the mill race before next winter. "
            "A decision is expected at the council's meeting in April.",
        ],
    },
    {
        "lang": "de",
        "title": "Stadtrat beschließt neue Buslinie zum Hafen",
        "author": "Jana Berg",
        "standfirst": "Ab Herbst fährt der Bus alle zwanzig Minuten vom Bahnhof bis zum Fährterminal.",
        "body": [
            "Der Stadtrat hat am Donnerstag eine neue Buslinie vom Bahnhof zum Fährterminal beschlossen. Die "
            "Linie soll ab Oktober im Zwanzig-Minuten-Takt fahren.",
            "Bisher mussten Reisende mit schwerem Gepäck den Weg zu Fuß zurücklegen oder ein Taxi nehmen. Die "
            "Verkehrsbetriebe rechnen mit rund tausend Fahrgästen am Tag.",
            "Für die Linie werden drei Elektrobusse angeschafft. Das Land übernimmt die Hälfte der Kosten aus "
            "seinem Programm für den Nahverkehr in Küstenstädten.",
            "Die Opposition kritisierte, dass die Haltestelle am Markt wegfällt. Der Bürgermeister versprach, "
            "die Frage im Verkehrsausschuss noch einmal zu prüfen.",
        ],
    },
    {
        "lang": "fr",
        "title": "Le port de pêche agrandit sa criée",
        "author": "Camille Lefort",
        "standfirst": "Les travaux commenceront en septembre et dureront un an, selon la chambre de commerce.",
        "body": [
            "La chambre de commerce a présenté mardi le projet d'agrandissement de la criée du port de pêche, "
            "devenue trop petite pour les volumes débarqués depuis trois ans.",
            "La nouvelle halle doublera la surface de vente et accueillera une chambre froide, ce que les "
            "mareyeurs réclament depuis longtemps.",
            "Le chantier coûtera quatre millions d'euros, financés pour moitié par la région. Les ventes se "
            "poursuivront pendant les travaux sous une tente installée sur le quai.",
            "Les pêcheurs se disent satisfaits, mais demandent que les places de stationnement des camions "
            "soient conservées près de la halle.",
        ],
    },
]

# Furniture lines in each article's language.
_LINES = {
    "en": {
        "byline": "By {author}",
        "date": "Published 10:45 GMT, March 3, 2026",
        "promo": "READ MORE: Ferry fares to stay frozen until next spring",
        "credit": "(AP Photo/Lena Varga)",
        "caption": "The north quay at low tide.",
        "tags": "Topics: Harbour, Transport, Council",
        "box": "{author} is a reporter covering transport and the harbour.",
        "most": "Most read",
        "teasers": ["Ten harbour cafés worth the crossing", "Why the lighthouse keeper stayed"],
        "cookie": "We use cookies to improve your experience on our site. You can change your settings at any time.",
        "share": "Share this article",
        "comments": "Comments",
    },
    "de": {
        "byline": "Von {author}",
        "date": "Veröffentlicht am 03.03.2026 um 10:45 Uhr",
        "promo": "Lesen Sie auch: Warum der Hafen im Winter schließt",
        "credit": "dpa Foto / Lena Varga",
        "caption": "Der Nordkai bei Ebbe.",
        "tags": "Schlagwörter: Hafen, Verkehr, Stadtrat",
        "box": "{author} ist Redakteurin im Lokalressort.",
        "most": "Meistgelesen",
        "teasers": ["Zehn Cafés am Kai", "Warum der Leuchtturmwärter blieb"],
        "cookie": "Diese Website verwendet Cookies, um Ihnen das beste Erlebnis zu bieten.",
        "share": "Teilen mit:",
        "comments": "Kommentare",
    },
    "fr": {
        "byline": "Par {author}",
        "date": "Publié le 3 mars 2026 à 10h45",
        "promo": "LIRE AUSSI : La mairie vote le budget du port",
        "credit": "AFP via Getty Images",
        "caption": "Le quai nord à marée basse.",
        "tags": "Mots-clés : port, pêche, région",
        "box": "{author} est journaliste au service économie.",
        "most": "Les plus lus",
        "teasers": ["Dix cafés du port à découvrir", "Pourquoi le gardien du phare est resté"],
        "cookie": "Ce site utilise des cookies pour mesurer son audience.",
        "share": "Partager",
        "comments": "Commentaires",
    },
}


def _p(text: str, cls: str | None = None) -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{html_lib.escape(text)}</p>"


def _shell(article: dict[str, object], inner: str, head_extra: str = "") -> str:
    title = html_lib.escape(str(article["title"]))
    return (
        f"<!DOCTYPE html><html lang='{article['lang']}'><head><meta charset='utf-8'>"
        f"<title>{title} | Example Gazette</title>"
        f"<meta name='description' content='{html_lib.escape(str(article['standfirst']))}'>{head_extra}</head>"
        "<body><header><a href='/'>Example Gazette</a><nav><a href='/news'>News</a> <a href='/sport'>Sport</a> "
        "<a href='/culture'>Culture</a></nav></header>"
        f"{inner}"
        "<footer><p>Example Gazette, 1 Quay Street</p><p><a href='/about'>About</a> <a href='/privacy'>Privacy</a>"
        "</p></footer></body></html>"
    )


def _furniture(article: dict[str, object]) -> dict[str, object]:
    lines = _LINES[str(article["lang"])]
    return {k: (v.format(author=article["author"]) if isinstance(v, str) else v) for k, v in lines.items()}


def _news_template(article: dict[str, object]) -> str:
    """h1, standfirst, byline and date lines inside the article; a picture with credit; an inline
    promo between paragraphs; tags and share line after it."""
    f = _furniture(article)
    body = list(article["body"])  # type: ignore[arg-type]
    paragraphs = [_p(body[0]), _p(body[1]), "<p><strong>" + html_lib.escape(f["promo"]) + "</strong></p>"]
    paragraphs += [_p(x) for x in body[2:]]
    inner = (
        "<main><article>"
        f"<h1>{html_lib.escape(str(article['title']))}</h1>"
        f"{_p(str(article['standfirst']), 'standfirst')}"
        f"<div class='byline'>{_p(f['byline'])}{_p(f['date'])}</div>"
        f"<figure><img src='/q.jpg' alt=''><figcaption>{html_lib.escape(f['caption'])}</figcaption></figure>"
        f"{_p(f['credit'])}"
        f"{''.join(paragraphs)}"
        f"{_p(f['tags'])}{_p(f['share'])}"
        "</article></main>"
    )
    return _shell(article, inner)


def _blog_template(article: dict[str, object]) -> str:
    """A blog post: h1 in the entry, date line, author box and comment heading after it."""
    f = _furniture(article)
    body = "".join(_p(x) for x in article["body"])  # type: ignore[union-attr]
    inner = (
        "<div id='content'><div class='post'>"
        f"<h1 class='entry-title'>{html_lib.escape(str(article['title']))}</h1>"
        f"{_p(f['date'], 'meta')}"
        f"<div class='entry-content'>{_p(str(article['standfirst']))}{body}</div>"
        f"<div class='author-box'>{_p(str(article['author']))}{_p(f['box'])}</div>"
        f"<h3>{html_lib.escape(f['comments'])}</h3>"
        "</div></div>"
    )
    return _shell(article, inner)


def _listing_template(article: dict[str, object]) -> str:
    """A cookie notice inside the page's main column, the article, then a "most read" box."""
    f = _furniture(article)
    body = "".join(_p(x) for x in article["body"])  # type: ignore[union-attr]
    teasers = "".join(f"<p><a href='/t{i}'>{html_lib.escape(t)}</a></p>" for i, t in enumerate(f["teasers"]))
    inner = (
        "<main>"
        f"<div class='notice'>{_p(f['cookie'])}</div>"
        "<article>"
        f"<h1>{html_lib.escape(str(article['title']))}</h1>{_p(str(article['standfirst']))}"
        f"<div class='text'>{body}</div>"
        f"<h3>{html_lib.escape(f['most'])}</h3>{teasers}"
        "</article></main>"
    )
    return _shell(article, inner)


TEMPLATES: dict[str, Callable[[dict[str, object]], str]] = {
    "news": _news_template,
    "blog": _blog_template,
    "listing": _listing_template,
}


def _tokens(text: str) -> Counter[str]:
    return Counter(text.casefold().split())


def token_scores(extracted: str, gold: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the extracted text's word tokens against the gold's."""
    got, want = _tokens(extracted), _tokens(gold)
    common = sum((got & want).values())
    precision = common / max(1, sum(got.values())) if got else 0.0
    recall = common / max(1, sum(want.values()))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def pages() -> list[tuple[str, str, str]]:
    """(name, page, gold text): every article in every template."""
    out = []
    for i, article in enumerate(ARTICLES):
        gold = "\n".join([str(article["standfirst"]), *article["body"]])  # type: ignore[misc]
        for name, template in TEMPLATES.items():
            out.append((f"{i}-{article['lang']}-{name}", template(article), gold))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print each page's wrong lines")
    args = parser.parse_args(argv)
    import trafilatura

    rows = {"trafilatura": [], "newsmon": []}
    for name, page, gold in pages():
        url = f"https://example.org/news/{name}"
        texts = {
            "trafilatura": (trafilatura.bare_extraction(page, url=url, with_metadata=True).text or ""),
            "newsmon": html_article(page, url=url).text,
        }
        for who, text in texts.items():
            rows[who].append(token_scores(text, gold))
            if args.show:
                gold_lines = set(gold.split("\n"))
                extra = [line for line in text.split("\n") if line.strip() and line not in gold_lines]
                missing = [line for line in gold_lines if line not in text]
                print(f"{name:16} {who:12} extra {extra} missing {[m[:40] for m in missing]}")
    n = len(pages())
    print(f"{n} written pages ({len(ARTICLES)} articles x {len(TEMPLATES)} templates), token scores per page averaged")
    print(f"{'extractor':14} {'P':>6} {'R':>6} {'F1':>6}")
    for who, scores in rows.items():
        p, r, f = (statistics.fmean(s[i] for s in scores) for i in range(3))
        print(f"{who:14} {p:6.3f} {r:6.3f} {f:6.3f}")


if __name__ == "__main__":
    main()
