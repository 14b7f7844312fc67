"""A written set of page titles: site names before or after the headline in many scripts and with
many separators, and headlines with a colon, dash or press word of their own that must be kept.

Every page, headline and site name here is invented. Run as a script for the set's accuracy:

    .venv/bin/python -m tests.transforms.test_html_meta_titles
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from transforms.html_extract import html_article

REFERENCE_DAY = date(2024, 5, 1)
BODY = (
    "<p>The council met on Tuesday evening and, after a long debate about the cost of steel and the "
    "timetable of the works, agreed the budget for the new crossing by eleven votes to four.</p>"
    "<p>Work on the foundations is to start in the autumn; until then the old bridge stays open to "
    "pedestrians and cyclists, while buses take the longer road through the industrial estate.</p>"
)


@dataclass(frozen=True)
class Site:
    """A site: its name as it writes it, its address, and whether it states its name in a meta tag."""

    name: str
    url: str
    meta: bool = True


@dataclass(frozen=True)
class Case:
    id: str
    site: Site
    title: str  # the <title>
    expected: str
    og_title: str | None = None
    h1: str | None = None
    home: str = "<img src='/logo.png' alt=''>"  # the home link's content
    head: str = ""  # more of the <head>
    before: str = ""  # a blog theme's header between the home link and the article

    def html(self) -> str:
        head = f"<meta charset='utf-8'><title>{self.title}</title>{self.head}"
        if self.site.meta:
            head += f"<meta property='og:site_name' content=\"{self.site.name}\">"
        if self.og_title:
            head += f'<meta property="og:title" content="{self.og_title}">'
        # A logo link to the home page, as most sites have, and the article's <h1> where given.
        logo = f"<header><a href='/'>{self.home}</a>{self.before}</header>"
        h1 = f"<h1>{self.h1}</h1>" if self.h1 else ""
        return f"<!DOCTYPE html><html><head>{head}</head><body>{logo}<article>{h1}{BODY}</article></body></html>"


# Headlines and site names in several scripts; each site's address names it (or its initials), or
# does not (`meta=False` and an address that says nothing: the site is not known from the page).
EN = "Council approves budget for the new river bridge"
EN_SITE = Site("Riverside Gazette", "https://www.riversidegazette.example/news/bridge")
DE = "Stadtrat beschließt Haushalt für die neue Flussbrücke"
DE_SITE = Site("Flusstaler Anzeiger", "https://www.flusstaler-anzeiger.example/lokales/bruecke")
FR = "Le conseil adopte le budget du nouveau pont"
FR_SITE = Site("Le Courrier de la Rivière", "https://www.courrier-riviere.example/actu/pont")
RU = "Городской совет утвердил бюджет нового моста"
RU_SITE = Site("Речной вестник", "https://rechnoy-vestnik.example/news/most")
AR = "المجلس البلدي يقر ميزانية الجسر الجديد"
AR_SITE = Site("صحيفة النهر", "https://www.alnahr.example/news/bridge")
EL = "Το δημοτικό συμβούλιο ενέκρινε τον προϋπολογισμό της γέφυρας"
EL_SITE = Site("Ποτάμια Νέα", "https://www.potamia-nea.example/news/gefyra")
HI = "नगर परिषद ने नए पुल के बजट को मंजूरी दी"
HI_SITE = Site("नदी समाचार", "https://www.nadi-samachar.example/news/bridge")
ZH = "市议会批准新大桥预算"
ZH_SITE = Site("河畔日报", "https://www.hepan.example/news/bridge.html")
JA = "市議会が新しい橋の予算を承認"
JA_SITE = Site("川辺新聞", "https://www.kawabe.example/articles/bridge")
KO = "시의회 새 다리 예산 승인"
KO_SITE = Site("강변일보", "https://www.gangbyeon.example/news/bridge")

SPACED_MARKS = (" | ", " - ", " – ", " — ", " · ", " » ", " / ", " :: ", " • ", " ｜ ", " ~ ")
UNSPACED_MARKS = ("|", "｜")
CJK_MARKS = ("｜", "|", " | ", "_", "-", " - ", "——", "：", " : ", " – ")


def _named(mark: str) -> str:
    """A mark in a case id: "_|_" for " | ", "|" for "|"."""
    return mark.replace(" ", "_")


def _suffix_cases() -> list[Case]:
    """The site's name (stated in og:site_name) after or before the headline, with each mark."""
    cases = []
    for lang, headline, site in (
        ("en", EN, EN_SITE),
        ("de", DE, DE_SITE),
        ("fr", FR, FR_SITE),
        ("ru", RU, RU_SITE),
        ("ar", AR, AR_SITE),
        ("el", EL, EL_SITE),
        ("hi", HI, HI_SITE),
    ):
        for mark in (*SPACED_MARKS, *UNSPACED_MARKS):
            cases.append(Case(f"{lang}-suffix-{_named(mark)}", site, f"{headline}{mark}{site.name}", headline))
        for mark in (" | ", " - ", ": ", " » "):
            cases.append(Case(f"{lang}-prefix-{_named(mark)}", site, f"{site.name}{mark}{headline}", headline))
        cases.append(
            Case(
                f"{lang}-section-and-site",
                site,
                f"{headline} | {'Lokal' if lang == 'de' else 'City'} | {site.name}",
                headline,
            )
        )
    for lang, headline, site in (("zh", ZH, ZH_SITE), ("ja", JA, JA_SITE), ("ko", KO, KO_SITE)):
        for mark in CJK_MARKS:
            cases.append(Case(f"{lang}-suffix-{_named(mark)}", site, f"{headline}{mark}{site.name}", headline))
        for mark in ("｜", " | ", "："):
            cases.append(Case(f"{lang}-prefix-{_named(mark)}", site, f"{site.name}{mark}{headline}", headline))
    return cases


def _host_cases() -> list[Case]:
    """The site's name known from its address alone (no meta tag names it)."""
    return [
        Case(
            "host-spelt-whole",
            Site("Riverside Gazette", "https://www.riversidegazette.example/a", meta=False),
            f"{EN} | Riverside Gazette",
            EN,
        ),
        Case(
            "host-with-dash",
            Site("Flusstaler Anzeiger", "https://flusstaler-anzeiger.example/a", meta=False),
            f"{DE} - Flusstaler Anzeiger",
            DE,
        ),
        Case(
            "host-co-uk",
            Site("Riverside Gazette", "https://www.riversidegazette.co.uk/a", meta=False),
            f"{EN} – Riverside Gazette",
            EN,
        ),
        Case(
            "host-initials",
            Site("Riverside Valley Gazette", "https://www.rvg.example/a", meta=False),
            f"{EN} | Riverside Valley Gazette",
            EN,
        ),
        Case(
            "host-initials-upper",
            Site("RVG", "https://www.rvg.example/a", meta=False),
            f"{EN} - RVG",
            EN,
        ),
        Case(
            "host-with-dot-com",
            Site("RiversideGazette.com", "https://riversidegazette.example/a", meta=False),
            f"{EN} | RiversideGazette.com",
            EN,
        ),
        Case(
            "host-with-the-and-online",
            Site("The Riverside Gazette Online", "https://riversidegazette.example/a", meta=False),
            f"{EN} - The Riverside Gazette Online",
            EN,
        ),
        Case(
            "host-prefix",
            Site("Riverside Gazette", "https://riversidegazette.example/a", meta=False),
            f"Riverside Gazette | {EN}",
            EN,
        ),
        Case(
            "host-lowercase-site",
            Site("riverside gazette", "https://riversidegazette.example/a", meta=False),
            f"{EN} - riverside gazette",
            EN,
        ),
        Case(
            "unknown-press-name-en",
            Site("", "https://www.example.org/a", meta=False),
            f"{EN} - Valley Herald",
            EN,
        ),
        Case(
            "unknown-press-name-de",
            Site("", "https://www.example.org/a", meta=False),
            f"{DE} | Kreiszeitung Talblick",
            DE,
        ),
        Case(
            "unknown-press-name-zh",
            Site("", "https://www.example.org/a", meta=False),
            f"{ZH}_河畔日报",
            ZH,
        ),
        Case(
            "unknown-press-name-ru",
            Site("", "https://www.example.org/a", meta=False),
            f"{RU} — Речной вестник",
            RU,
        ),
        Case(
            "og-title-without-site",
            Site("", "https://www.example.org/a", meta=False),
            f"{EN} | Talbote",
            EN,
            og_title=EN,
        ),
        Case(
            "h1-confirms-unknown-suffix",
            Site("", "https://www.example.org/a", meta=False),
            f"{EN} :: Talbote",
            EN,
            h1=EN,
        ),
    ]


def _kept_cases() -> list[Case]:
    """Headlines with a colon, dash, quote or press word of their own: nothing of them is cut."""
    cases = [
        ("kicker-colon", "Budget 2025: what the council decided", " | "),
        ("quote-colon", "Mayor: “The bridge will be finished by spring”", " - "),
        ("en-dash-subtitle", "Bridge works – the detours you need to know about", " | "),
        ("em-dash-subtitle", "Ten years later — the town the old bridge built", " — "),
        ("hyphenated-word", "Spider-Man actor opens the new river walk", " | "),
        ("qa-colon", "Q&A: How will the bridge tolls work?", " · "),
        ("live-colon", "Live: Council votes on the bridge budget", " | "),
        ("analysis-colon", "Analysis: The bridge is late, and over budget", " / "),
        ("de-colon", "Brücke: Stadtrat stimmt für den Neubau", " | "),
        ("fr-spaced-colon", "Pont : le conseil vote enfin le budget", " - "),
        ("fr-quotes", "« Le pont sera prêt en mai », promet le maire", " | "),
        ("ru-colon", "Мост: совет утвердил бюджет", " | "),
        ("headline-names-site", "Why the Riverside Gazette is going digital", " | "),
        ("headline-names-a-paper", "Valley Herald sold to its own readers", " | "),
        ("title-case-press-word", "Trump Sues The Valley Herald Over Bridge Story", " - "),
        ("media-colon-press-name", "Media: Ferry Firm Sues Valley Herald", " | "),
        ("slash-in-headline", "24/7 works on the bridge from Monday", " | "),
        ("part-number", "The bridge, part 2 - Building the piers", " | "),
        ("question-dash", "Who pays for the bridge? - A guide for residents", " | "),
        ("interview-dash", "Interview – Anna Berg on the new bridge", " | "),
        ("review-dash", "Theatre review – The Morning Herald", " | "),
        ("date-in-headline", "Council meeting, 14 May 2024: the bridge budget", " | "),
        ("dash-and-lowercase", "The bridge - a history of the crossing in ten pictures", " | "),
        ("dash-lowercase-word", "Council approves budget for the new bridge – finally", " | "),
        ("dash-lowercase-words", "Council approves budget for the new river bridge - at last", " | "),
        ("middle-dot-in-name", "约翰·史密斯谈新大桥", "_"),
        ("zh-colon-headline", "大桥预算：市议会今天投票", "_"),
        ("ja-colon-headline", "橋の予算：市議会が承認", "｜"),
        ("ko-middle-dot", "한국·일본 정상, 다리 건설 합의", " - "),
    ]
    site = EN_SITE
    return [Case(f"kept-{name}", site, f"{headline}{mark}{site.name}", headline) for name, headline, mark in cases]


def _unknown_site_kept_cases() -> list[Case]:
    """No site name known from the page, and a headline that goes on after a mark: all of it stays."""
    nowhere = Site("", "https://www.example.org/a", meta=False)
    return [
        Case(
            "nosite-lowercase-continuation",
            nowhere,
            "Ferries - a history of the island crossing",
            "Ferries - a history of the island crossing",
        ),
        Case(
            "nosite-colon",
            nowhere,
            "Riverside: the town that built a bridge",
            "Riverside: the town that built a bridge",
        ),
        Case(
            "nosite-initials-lookalike",
            Site("", "https://www.hrt.example/a", meta=False),
            "Heart Rate Tracking: do smartwatches get it right?",
            "Heart Rate Tracking: do smartwatches get it right?",
        ),
        Case(
            "nosite-initials-lookalike-dash",
            Site("", "https://www.nyt.example/a", meta=False),
            "New Year Traditions - how the valley celebrates",
            "New Year Traditions - how the valley celebrates",
        ),
        Case(
            "nosite-initials-lookalike-colon-suffix",
            Site("", "https://www.hrt.example/a", meta=False),
            "Smartwatches tested: Heart Rate Tracking",
            "Smartwatches tested: Heart Rate Tracking",
        ),
        Case(
            "nosite-german-continuation",
            nowhere,
            "Brücke gesperrt - was Pendler jetzt wissen müssen",
            "Brücke gesperrt - was Pendler jetzt wissen müssen",
        ),
    ]


def _more_cases() -> list[Case]:
    """Other ways sites write their name into a title, and a press word the headline owns."""
    site = EN_SITE
    nowhere = Site("", "https://www.example.org/a", meta=False)
    return [
        Case("site-in-capitals", site, f"{EN} | RIVERSIDE GAZETTE", EN),
        Case("site-then-tagline", site, f"{EN} - Riverside Gazette - Your news from the valley", EN),
        Case("site-in-brackets", site, f"{EN} (Riverside Gazette)", EN),
        Case("site-twice", site, f"{EN} | Riverside Gazette | Riverside Gazette", EN),
        Case("site-unspaced-dash", site, f"{EN}-Riverside Gazette", EN),
        Case("entity-dash", site, f"{EN} &#8211; Riverside Gazette", EN),
        Case("nbsp-bar", site, f"{EN}&nbsp;|&nbsp;Riverside Gazette", EN),
        Case("rtl-mark", AR_SITE, f"{AR} | {AR_SITE.name}\u200f", AR),
        Case("greater-than-trail", site, f"Riverside Gazette > News > City > {EN}", EN),
        Case("og-title-is-the-site", site, f"{EN} | Riverside Gazette", EN, og_title="Riverside Gazette"),
        Case("title-is-the-site", site, "Riverside Gazette", EN, og_title=EN),
        Case(
            "press-word-before-known-site",
            site,
            f"Bridge delayed again - More Bad News | {site.name}",
            "Bridge delayed again - More Bad News",
        ),
        Case("byline-after-dash", nowhere, "Why the bridge matters - by Jane Roe", "Why the bridge matters"),
        Case(
            "byline-before-site",
            site,
            "Why the bridge matters - by Jane Roe | Riverside Gazette",
            "Why the bridge matters",
        ),
        Case("de-byline-before-site", DE_SITE, f"{DE} – von Anna Beispiel | Flusstaler Anzeiger", DE),
        Case(
            "by-in-the-sentence",
            nowhere,
            "Crossing the river - by boat, bus and bike",
            "Crossing the river - by boat, bus and bike",
        ),
        Case(
            "bar-then-lowercase-tagline",
            Site("", "https://www.example.org/a", meta=False),
            f"{EN} | news and views from the valley",
            EN,
        ),
        Case(
            "chevron-then-lowercase-tagline",
            Site("", "https://www.example.org/a", meta=False),
            f"{EN} » news and views from the valley",
            EN,
        ),
        Case(
            "dot-then-lowercase-tagline",
            Site("", "https://www.example.org/a", meta=False),
            f"{EN} · news and views from the valley",
            EN,
        ),
        Case(
            "bullet-then-lowercase-tagline",
            Site("", "https://www.example.org/a", meta=False),
            f"{EN} • news and views from the valley",
            EN,
        ),
    ]


def _blog_cases() -> list[Case]:
    """Blog themes: the blog's name in an <h1> of the header, the post's title in an <h2>, and
    sites that state their name only in the home link's text."""
    nowhere = Site("", "https://www.example.org/2024/05/bridge/", meta=False)
    post = "A walk over the old bridge before it closes"
    blog = "Notes from the Towpath"
    entry = f"<h2 class='entry-title'>{post}</h2>"
    cases = [
        Case("blog-name-h1-in-home-link", nowhere, f"{post} | {blog}", post, home=f"<h1>{blog}</h1>", before=entry),
        Case("blog-name-h1-og-title", nowhere, f"{post} | {blog}", post, og_title=post, before=f"<h1>{blog}</h1>"),
        Case(
            "blog-name-h1-ld-headline",
            nowhere,
            f"{post} – {blog}",
            post,
            head=f'<script type="application/ld+json">{{"@type": "BlogPosting", "headline": "{post}"}}</script>',
            before=f"<h1>{blog}</h1>{entry}",
        ),
        Case("blog-name-h1-post-h1", nowhere, f"{post} | {blog}", post, home=f"<h1>{blog}</h1>", h1=post),
        Case("domain-suffix-unknown-site", nowhere, f"{EN} | Talbote.de", EN),
        Case(
            "site-with-ampersand",
            Site("Bridges & Tunnels", "https://www.bt-magazine.example/a"),
            f"{EN} | Bridges & Tunnels",
            EN,
        ),
        Case("site-then-publisher", EN_SITE, f"{EN} - Riverside Gazette - Valley Media Group", EN),
        Case(
            "site-prefix-and-colon-headline",
            EN_SITE,
            "Riverside Gazette: Budget 2025: what the council decided",
            "Budget 2025: what the council decided",
        ),
        Case("site-word-in-headline", Site("The Bridge", "https://www.thebridge.example/a"), f"{EN} | The Bridge", EN),
        Case("year-headline", EN_SITE, "2024 in review | Riverside Gazette", "2024 in review"),
        Case(
            "og-and-title-same-suffix",
            Site("", "https://www.example.org/a", meta=False),
            "Bridge budget: the vote | Talbote",
            "Council approves budget for the new river bridge",
            og_title="Council approves budget for the new river bridge | Talbote",
        ),
    ]
    for lang, headline, site in (
        ("ru", RU, RU_SITE),
        ("ar", AR, AR_SITE),
        ("el", EL, EL_SITE),
        ("hi", HI, HI_SITE),
        ("zh", ZH, ZH_SITE),
        ("ja", JA, JA_SITE),
        ("ko", KO, KO_SITE),
    ):
        hidden = Site(site.name, site.url, meta=False)
        cases.append(
            Case(f"{lang}-home-link-names-site", hidden, f"{headline} | {site.name}", headline, home=site.name)
        )
        cases.append(Case(f"{lang}-home-link-prefix", hidden, f"{site.name} - {headline}", headline, home=site.name))
    return cases


CASES = [*_suffix_cases(), *_more_cases(), *_blog_cases(), *_host_cases(), *_kept_cases(), *_unknown_site_kept_cases()]


def _title(case: Case) -> str | None:
    return html_article(case.html(), url=case.site.url, reference_day=REFERENCE_DAY).title


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_written_title(case: Case) -> None:
    assert _title(case) == case.expected


if __name__ == "__main__":
    wrong = [(c, _title(c)) for c in CASES]
    wrong = [(c, t) for c, t in wrong if t != c.expected]
    for case, got in wrong:
        print(f"{case.id}: {case.title!r}\n  expected {case.expected!r}\n  got      {got!r}")
    print(f"written titles: {len(CASES) - len(wrong)}/{len(CASES)} = {1 - len(wrong) / len(CASES):.3f}")
