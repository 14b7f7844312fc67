"""Paragraphs that are the site's, not the article's: consent, sign-in and paywall placeholders
(walls) and short furniture lines (credits, share and comment prompts, newsletter offers).

Pure: text in, text out. A page of only walls has no article (html_article returns it empty).
"""

from __future__ import annotations

import re

# One pattern per language, each for what such a placeholder says: "we and our partners use
# cookies", "accept all", "manage preferences", "subscribers only", "sign in to read on",
# "already a subscriber?". Matched per paragraph; the article text around them stays.
_ACCEPT_ALL = (
    "accept all|accept all cookies|alle akzeptieren|tout accepter|aceptar todo|accetta tutti|aceitar todos|"
    "alles accepteren|akceptuję wszystkie|zaakceptuj wszystkie|принять все|"
    "接受全部|全部接受|すべて同意する|すべて許可する"
)

WALL_PARAGRAPHS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        # English
        r"\b(we|our)\b.{0,40}\bpartners\b.{0,120}\b(cookies?|personal data|device)\b",
        r"\b(accept|consent|agree) to (the use of|our use of|all)? ?cookies\b",
        r"\bclick to consent\b|\bbefore consenting\b|\bmanage (your )?(cookie )?preferences\b",
        r"^(this (article|story|content) is (only )?(available )?(for|to) (our )?(subscribers|members))",
        r"^(sign|log) in to (your account|continue|read)|^subscribe (now )?(to|for) (get |read |unlimited )",
        r"\b(already a subscriber|create a free account|to continue reading)\b",
        # "Accept all" and its translations: a consent button's label, alone or quoted ("click on „Alle
        # akzeptieren“"); unquoted inside a sentence they are ordinary words ("rules they all accept").
        r"^\W*(" + _ACCEPT_ALL + r")\W*$",
        r"[«\"„“‚‘'「『]\s*(" + _ACCEPT_ALL + r")\s*[»\"“”‘’'」』]",
        # German
        r"\bwir und unsere (partner|dienstleister)\b.{0,200}\b(cookies?|daten|gerät|technologien)\b",
        r"\b(cookies? (akzeptieren|zulassen)|(cookie|datenschutz)-?einstellungen (verwalten|anpassen))\b",
        r"\bstimmen sie der (verarbeitung|verwendung|nutzung)\b|\bihre einwilligung (können|kann)\b",
        r"^(dieser|der) (artikel|beitrag|inhalt) ist (nur |exklusiv )?(für|fuer) "
        r"(abonnenten|abonnentinnen|plus-?leser)",
        r"\b(bereits abonnent|schon abonnent|jetzt weiterlesen mit|um (den|diesen) artikel weiterzulesen)\b",
        # French
        r"\bnous et nos partenaires\b.{0,200}\b(cookies?|traceurs|données|appareil)\b",
        r"\b(accepter (tous les|les) cookies|gérer (mes|vos) (choix|préférences|cookies))\b",
        r"^(cet|cette) (article|contenu|page) est (réservée?|accessible) (aux|à nos) abonnés",
        r"\b(déjà abonné|abonnez-vous pour (lire|continuer|accéder)|pour lire la suite de cet article)\b",
        # Spanish
        r"\bnosotros y nuestros socios\b.{0,200}\b(cookies?|datos|dispositivo)\b",
        r"\b(aceptar (todas las )?cookies|acepta el uso de cookies|configuración de (privacidad|cookies))\b",
        r"^(este|el) (artículo|contenido) es (exclusivo )?(solo |sólo )?(para|de) (suscriptores|abonados)",
        r"\b(ya eres suscriptor|ya soy suscriptor|suscríbete para (seguir leyendo|leer))\b",
        # Italian
        r"\bnoi e i nostri (partner|fornitori)\b.{0,200}\b(cookie|dati|dispositivo)\b",
        r"\b(accetta (i )?cookie|gestisci (le )?(preferenze|opzioni))\b",
        r"^(questo|l') ?(articolo|contenuto) è (riservato|disponibile solo) (agli|per gli) abbonati",
        r"\b(sei già abbonato|abbonati per (continuare|leggere))\b",
        # Portuguese
        r"\bnós e os nossos parceiros\b.{0,200}\b(cookies?|dados|dispositivo)\b",
        r"\b(aceitar (todos os )?cookies|gerir (as )?preferências|gerenciar (as )?preferências)\b",
        r"^(este|o) (artigo|conteúdo) é (exclusivo )?(para|de) (assinantes|subscritores)",
        r"\b(já é assinante|já sou assinante|assine para (continuar|ler))\b",
        # Dutch
        r"\bwij en onze partners\b.{0,200}\b(cookies?|gegevens|apparaat)\b",
        r"\b(cookies accepteren|voorkeuren (beheren|aanpassen))\b",
        r"^(dit|het) (artikel|stuk) is (alleen )?(voor|beschikbaar voor) (abonnees|premium)",
        r"\b(al abonnee|word abonnee om verder te lezen)\b",
        # Polish
        r"\bmy i nasi partnerzy\b.{0,200}\b(cookies?|plików cookie|dane|urządzeniu)\b",
        r"\b(akceptuję (pliki )?cookies?|zarządzaj (ustawieniami|preferencjami))\b",
        r"^(ten )?(artykuł|materiał|tekst) (jest )?dostępny (tylko )?dla (prenumeratorów|subskrybentów)",
        r"\b(masz już (prenumeratę|subskrypcję)|wykup (prenumeratę|subskrypcję), aby)\b",
        # Russian
        r"\b(мы и наши партнеры|мы и наши партнёры)\b.{0,200}(cookie|куки|данны|устройств)",
        r"(использу(ем|ет) (файлы )?cookie|настройки (файлов )?cookie)",
        r"^(эта )?(статья|материал) доступ(на|ен) только (для )?(подписчик|по подписке)",
        r"(уже есть подписка|оформите подписку, чтобы)",
        # Chinese
        r"(我们和我们的合作伙伴|我们使用\s*cookies?|接受所有\s*cookies?|管理\s*cookies?\s*(偏好|设置)|cookie\s*设置)",
        r"(本文(仅|僅)(限|供)(订阅|訂閱)|订阅后(阅读|继续)|登录后(阅读|继续|查看)全文|已(是|经是)订阅用户)",
        # Japanese
        r"(当社およびパートナー|クッキー(を|の)(使用|利用)|cookieを(使用|利用)|クッキー設定)",
        r"(この記事は(有料)?会員(限定|のみ)|続きを読むには(ログイン|会員登録)|有料会員になると)",
    )
]


# Every pattern above needs one of these stems (casefolded): plain substring tests spare the
# regular expressions on nearly all paragraphs of an article.
_STEMS = (
    "cookie", "partner", "socios", "parceiros", "партн", "consent", "accept", "akzept", "acept", "accett",
    "aceit", "akcept", "принять", "subscri", "abonn", "suscri", "abbonat", "assina", "subscrit", "prenumer",
    "подпис", "sign in", "log in", "einwilligung", "einstellungen", "verarbeitung", "preferen", "voorkeur",
    "zarządzaj", "free account", "continue reading", "weiterles", "weiterzul", "privacidad", "gérer",
    "gestisci", "gerir", "gerenciar", "настройки", "订阅", "訂閱", "登录", "接受", "会員", "クッキー",
    "同意", "許可", "パートナー", "合作伙伴",
)  # fmt: skip


def _trie_pattern(words: tuple[str, ...]) -> str:
    """One alternation per shared prefix ("co(?:nsent|okie)"): the regex engine then tries one
    branch per character instead of every stem, a third faster than a flat alternation."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + pattern(rest) for char, rest in sorted(node.items()) if char]
        if not branches:
            return ""
        optional = "" in node
        body = branches[0] if len(branches) == 1 and not optional else "(?:" + "|".join(branches) + ")"
        return body + ("?" if optional else "")

    return pattern(trie)


_STEM = re.compile(_trie_pattern(_STEMS))
# Placeholders are short; a long paragraph that mentions cookies is an article about them.
_MAX_WALL_CHARS = 1200


def is_wall(paragraph: str) -> bool:
    """True for a cookie-consent, sign-in or paywall paragraph in any of the languages above."""
    if len(paragraph) > _MAX_WALL_CHARS:
        return False
    if not _STEM.search(paragraph.casefold()):
        return False
    return any(rx.search(paragraph) for rx in WALL_PARAGRAPHS)


# Short lines of site furniture that trafilatura keeps inside the article's container. Only whole
# short lines (up to _MAX_FURNITURE_CHARS) are dropped: a sentence that mentions a photo or a
# newsletter in passing is the article's.
FURNITURE_LINES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        # picture credits: "Photo: ...", "Titelbild: ...", "Crédits photos : ...", "© Agency"
        r"^(photo|foto|bild|image|credit|crédits?|titelbild|bildquelle|imagen|immagine|afbeelding|zdjęcie|фото)"
        r"(s| photos?| credit)?\s*:",
        r"©",
        # share prompts: "Share this:", "Teilen mit:", "Partager :"
        r"^(share( this( article| story| post)?)?|teilen( mit)?|partager|compartir|condividi|compartilhar|delen|"
        r"udostępnij|поделиться)\W*$",
        # a loading placeholder
        r"^(loading|wird geladen|chargement|cargando|caricamento|laden|ładowanie|загрузка)\W*$",
        # comment prompts: "View comments", "Leave a reply", "Verraten Sie es uns in den Kommentaren"
        r"\b(view|show|load|read) (all )?(\d+ )?comments\b|\bleave a (comment|reply)\b|\bwhat you think about this\b",
        r"\bkommentare? (anzeigen|laden|lesen|schreiben|hinterlassen|verfassen)\b|\bin den kommentaren\b",
        r"\blaisser un commentaire\b|\bdeja (un|tu) comentario\b|\blascia un commento\b",
        # the label of an inline box of links: "Read more", "Lire aussi", "Mehr zum Thema"
        r"^(read (more|also)|see also|related( (articles?|stories|posts|content|coverage))?|"
        r"more (on this( topic)?|news)|(à )?lire aussi|sur le même sujet|mehr zum thema|lesen sie auch|"
        r"auch interessant|das könnte sie auch interessieren|"
        r"le(e|er) (también|más)|leggi anche|leia (também|mais)|lees ook|czytaj (też|także|również)|читайте также|"
        r"相关(阅读|文章|新闻)|関連記事)\W*$",
        # rating widgets
        r"^(rate this( article| post| story)?|bewerten|bewertung|évaluer|valorar|valuta)\W*$",
        # newsletter offers
        r"\bnewsletter\b|\b(delivered )?(to|in) your inbox\b|\bsign up for (our|the)\b",
        # sign-in status
        r"\b(nicht eingeloggt|nicht angemeldet|not logged in|not signed in)\b",
    )
]
_MAX_FURNITURE_CHARS = 160


def is_furniture(paragraph: str) -> bool:
    """True for a short line of site furniture: a picture credit, a share, comment or rating
    prompt, a newsletter offer."""
    return len(paragraph) <= _MAX_FURNITURE_CHARS and any(rx.search(paragraph) for rx in FURNITURE_LINES)


def without_boilerplate(text: str, *, furniture: bool = True) -> str:
    """The text (paragraphs split by a blank line) without walls and, unless told otherwise,
    furniture lines."""
    return "\n\n".join(p for p in text.split("\n\n") if not is_wall(p) and not (furniture and is_furniture(p)))
