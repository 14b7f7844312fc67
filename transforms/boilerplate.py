"""Paragraphs that are the site's, not the article's: consent, sign-in and paywall placeholders,
embeds held back for consent, affiliate disclosures and appeals for support (walls); short furniture
lines (credits and figure labels, share, follow, comment and sign-up prompts, advert labels, link
boxes' labels); share bars glued to a paragraph's end; the headlines listed under a "related" label.
Written as what any site's such lines say, in a dozen languages, not as any one site's wording.

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
        # a cookie notice: "We use cookies to ...", "This website uses cookies", in each language
        r"^(we|this (web)?site|our (web)?site) uses? cookies\b|"
        r"^(diese|unsere) (web)?(seite|site) (verwendet|nutzt) cookies\b|"
        r"^(ce site|notre site) utilise des cookies\b|^(este|nuestro) sitio (web )?(utiliza|usa) cookies\b|"
        r"^(questo|il nostro) sito (utilizza|usa) (i )?cookie\b|^(este|o nosso) site (utiliza|usa) cookies\b|"
        r"^(deze|onze) (web)?site gebruikt cookies\b|"
        r"^(ta|nasza) strona (internetowa )?(używa|wykorzystuje) (plików )?cookies?\b",
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


# An appeal for support opens with a question to the reader about the site ("Enjoying our
# magazine? We chose not to put up a paywall ..."); tried at the paragraph's start only.
_APPEAL = re.compile(
    r"(gefällt|gefallen) (dir|ihnen|euch) (unser|unsere|dieser|dieses|diese)\b[^.?!]{0,60}\?|"
    r"(do you )?(like|enjoy|love|value|appreciate)d? (reading )?(our|this) [^.?!]{0,60}\?|"
    r"(enjoying|enjoyed) (this|our) [^.?!]{0,60}\?|"
    r"(vous aimez|tu aimes|vous avez aimé) (notre|nos|cet|cette|ce)\b[^.?!]{0,60}\?|"
    r"¿?(te gusta|le gusta|te ha gustado) (nuestro|nuestra|este|esta)\b[^.?!]{0,60}\?|"
    r"(ti piace|ti è piaciuto) (il nostro|la nostra|questo|questa)\b[^.?!]{0,60}\?",
    re.IGNORECASE,
)


# Other placeholders of the site's, shorter than _MAX_PLACEHOLDER_CHARS, each with one of
# _PLACEHOLDER_STEMS (casefolded); an appeal for support may also open with _APPEAL.
PLACEHOLDER_PARAGRAPHS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        # Embedded content held back until the reader consents (a map, a video, a post from another
        # site): "Click the button below to load the content of ...", in each language.
        r"\bclick\b.{0,80}\bto (load|show|display|view|unblock) (the |this )?(external |embedded )?content\b",
        r"\bby loading the (content|video|map|post)\b|\bload (external|embedded) content\b",
        r"\bum (den|diesen) (externen )?inhalt( von .{1,80}?)? (zu laden|anzuzeigen)\b|"
        r"\bmit dem laden (des inhalts|der karte|des videos|des beitrags)\b",
        r"\bpour (charger|afficher|voir) (le|ce) contenu\b|\ben chargeant (le|ce) contenu\b",
        r"\bpara (cargar|mostrar|ver) (el|este) contenido\b|\bal cargar (el|este) contenido\b",
        r"\bper (caricare|visualizzare|vedere) (il|questo) contenuto\b|\bcaricando (il|questo) contenuto\b",
        r"\bpara (carregar|exibir|ver) (o|este) conteúdo\b|\bao carregar (o|este) conteúdo\b",
        r"\bom de inhoud( van .{1,80}?)? te (laden|bekijken|tonen)\b",
        r"\baby (załadować|wyświetlić|zobaczyć) (treść|zawartość)\b",
        # Affiliate and advertiser disclosures: "we may earn a commission when you buy through links".
        r"\b(we|i) (may |might |could |can )?(receive|earn|get|make) (a |an )?(small |affiliate )?"
        r"(compensation|commission|share of (the )?(sales?|revenue))\b",
        r"\b(contains?|includes?|uses?|use) (affiliate links|references to products)\b|\baffiliate links?\b.{0,120}"
        r"\b(commission|compensation|earn|receive)\b",
        r"\b(affiliate|partner|provisions|werbe)-?links?\b.{0,160}\bprovision\b|"
        r"\b(erhalten|bekommen) wir (ggf\. |gegebenenfalls |eventuell |möglicherweise )?eine (kleine )?provision\b",
        r"\bliens? (d'affiliation|d’affiliation|affiliés?|sponsorisés)\b|"
        r"\b(nous )?(pouvons |pourrions )?(percevoir|recevoir|toucher) une (petite )?commission\b",
        r"\benlaces? (de )?afiliados?\b|\b(podemos |podríamos )?(recibir|obtener|ganar) una (pequeña )?comisión\b",
        r"\blink (di )?affiliazione\b|\blink affiliati\b|"
        r"\b(potremmo |possiamo )?(ricevere|ottenere|guadagnare) una (piccola )?commissione\b",
        r"\blinks? (de )?afiliados?\b|\b(podemos )?(receber|ganhar) uma (pequena )?comissão\b",
        r"\b(ontvangen|krijgen) (wij|we) (mogelijk )?een (kleine )?commissie\b",
        # Appeals for support of the site's journalism.
        r"\bsupport (our|independent|quality) journalism\b|\bunterstützen sie (unseren|unabhängigen) journalismus\b|"
        r"\bsoutenez (notre|un) journalisme\b|\bapoya (nuestro|el) periodismo\b|"
        r"\bsostieni (il nostro|il) giornalismo\b",
    )
]
_PLACEHOLDER_STEMS = (
    "click", "laden", "anzuzeigen", "loading the", "load external", "load embedded", "contenu", "contenido",
    "contenuto", "conteúdo", "załadować", "wyświetlić", "zobaczyć", "commission", "commissie", "compensation",
    "provision", "comisión", "comissão", "affili", "afili", "support our", "support independent",
    "support quality", "sie unseren journalismus", "sie unabhängigen journalismus", "soutenez", "apoya",
    "sostieni",
)  # fmt: skip
_PLACEHOLDER_STEM_SET = frozenset(_PLACEHOLDER_STEMS)
# One pass over a paragraph finds the stems of both kinds.
_ANY_STEM = re.compile(_trie_pattern(_STEMS + _PLACEHOLDER_STEMS))
_MAX_PLACEHOLDER_CHARS = 600


def is_wall(paragraph: str) -> bool:
    """True for a cookie-consent, sign-in or paywall paragraph, an embed's consent placeholder, an
    affiliate disclosure or an appeal for support, in any of the languages above."""
    if len(paragraph) > _MAX_WALL_CHARS:
        return False
    stems = _ANY_STEM.findall(paragraph.casefold())
    if not stems:
        return len(paragraph) <= _MAX_PLACEHOLDER_CHARS and _APPEAL.match(paragraph) is not None
    if not _PLACEHOLDER_STEM_SET.issuperset(stems) and any(rx.search(paragraph) for rx in WALL_PARAGRAPHS):
        return True
    if len(paragraph) > _MAX_PLACEHOLDER_CHARS:
        return False
    return _APPEAL.match(paragraph) is not None or (
        not _PLACEHOLDER_STEM_SET.isdisjoint(stems) and any(rx.search(paragraph) for rx in PLACEHOLDER_PARAGRAPHS)
    )


# The heading of a box or list of links to other articles: "Read more", "You might also like",
# "Diese Artikel könnten Sie auch interessieren", "Lire aussi", in each language.
_RELATED_LABEL = (
    r"^(read (more|also)|see also|related( (articles?|stories|posts|content|coverage|reading))?|"
    r"more (on this( topic)?|news|stories( from| like this)?|articles( from| like this)?)|"
    r"recommended( (for you|reading|stories|articles))?|you (may|might) also (like|enjoy|be interested in)|"
    r"(à )?lire aussi|sur le même sujet|vous (aimerez|pourriez aimer) (aussi|également)|"
    r"mehr zum thema|lesen sie auch|auch interessant|"
    r"(das|dies|diese[sr]?( artikel| beiträge| themen)?|weitere (artikel|beiträge|themen)) "
    r"könnten? (sie|dich|euch) (auch |ebenfalls )*interessieren|"
    r"le(e|er) (también|más)|(también )?te puede interesar|leggi anche|(ti )?potrebbe (anche )?interessarti|"
    r"leia (também|mais)|você (também )?pode gostar|lees ook|dit vind je misschien ook leuk|"
    r"czytaj (też|także|również)|może cię (też )?zainteresować|читайте также|вам (также )?может быть интересно|"
    r"相关(阅读|文章|新闻)|関連記事|"
    # lists of the site's most read or latest stories
    r"most (read|popular|viewed|shared)( (stories|articles|this week|today))?|trending( now| stories| articles)?|"
    r"top stories|latest (news|stories|articles|posts)|editor'?s'? picks|"
    r"meist ?gelesen|am meisten gelesen|les plus lus|lo más (leído|visto)|(i )?più lett[ie]|mais lid[ao]s|"
    r"meest gelezen|najczęściej czytane|самое (читаемое|популярное))\W*$"
)
# A label that opens a one-line link to another article: "READ MORE: Headline", "Lesen Sie auch: ...",
# "WATCH | ...". What follows it must look like a headline (_is_inline_promo).
_PROMO_LABEL = re.compile(
    r"(read (more|also)|also read|see also|related( (article|story|coverage))?|recommended|more( on this)?|"
    r"watch|video|listen|don'?t miss|must read|"
    r"lesen sie (auch|mehr|hier)|mehr (zum thema|dazu)|auch interessant|siehe auch|"
    r"(à )?(lire|voir) aussi|à écouter|le(e|er) (también|más)|ver también|leggi anche|vedi anche|guarda|"
    r"leia (também|mais)|veja (também)?|lees ook|zie ook|bekijk ook|czytaj (też|także|również)|zobacz (też|także)|"
    r"читайте также|смотрите также|相关阅读|延伸阅读|关联阅读|あわせて読みたい|関連記事)"
    r"\s*[:：|»›>]+\s*(?=\S)",
    re.IGNORECASE,
)

# A follow prompt naming the site, at a line's start: "Follow the Gazette on Facebook and X: @Gazette".
# The plain-text cleaner (transforms/text_clean.py) drops the same lines.
FOLLOW_PROMPT = (
    r"(?:follow|folgen sie|folge|suivez|segui|sigue) (?:the |our |der |dem |den |le |la |les |il |el )?"
    r"[\w'’.&-]+(?: [\w'’.&-]+){0,3} (?:on|auf|sur|su|en) (?:facebook|twitter|x|instagram|linkedin|tiktok|youtube|"
    r"threads|bluesky|mastodon|telegram|whatsapp)\b"
)

# Short lines of site furniture that trafilatura keeps inside the article's container. Only whole
# short lines (up to _MAX_FURNITURE_CHARS) are dropped: a sentence that mentions a photo or a
# newsletter in passing is the article's. Most shapes are a line's opening words, tried at its start
# only; the rest are looked for in lines that hold one of their words.
_FURNITURE_OPENINGS = (
    # picture credits: "Photo: ...", "Titelbild: ...", "Crédits photos : ...", "(Credit: ...)"
    r"[(\[]?\s*(photo|foto|bild|image|credit|crédits?|titelbild|bildquelle|imagen|immagine|afbeelding|zdjęcie|фото)"
    r"(s| photos?| credit|graph|grafie|graphie)?\s*:|"
    r"(image|picture) (copyright|caption|source)\b|credit\s*(\.{2,}|…)|"
    r"(hide|toggle|show) caption\W*$|(enlarge|expand|zoom) (this )?(image|photo|picture)\W*$|click to enlarge\W*$",
    # a slide show's counter: "1 of 12", "Photo 3/12", "Bild 3 von 12"
    r"((photo|image|picture|slide|bild|foto|imagen|immagine)\s*)?\d+\s*(of|/|von|sur|de|di|van|z|из)\s*\d+\W*$|"
    r"(previous|prev|next) (slide|image|photo)( (next|previous|prev) (slide|image|photo))?\W*$",
    # the page's tools: print, copy the link, save, report an error, back to top
    r"(print( this)?( page| article| story)?|drucken|imprimer|imprimir|stampa|copy (the )?(link|url)|link kopieren|"
    r"copier le lien|copiar (el )?enlace|copia (il )?link|save( this)?( article| story| for later)?|"
    r"(sign|log) in to save|add to (my )?(list|favou?rites|reading list)|artikel merken|"
    r"skip to (main )?content|back to (the )?(top|homepage|home page)|(zurück )?nach oben|retour en haut|"
    r"volver arriba|torna su|report (an|a) (error|typo|mistake)|send us a correction|fehler melden|"
    r"signaler une erreur|reportar un error|segnala un errore)\W*$",
    # share buttons named one after the other: "Facebook Twitter Email"
    r"(?!(x\s*)+$)((facebook|twitter|x|e-?mail|whatsapp|linkedin|pinterest|reddit|messenger|telegram|flipboard|sms|print|"
    r"drucken|copy link)[\s|·•,/]*){2,}$",
    # a figure's numbered label: "Figure 3: ...", "Abb. 2 - ...", "Рис. 1."
    r"(figure|fig|abbildung|abb|grafik|graphique|figura|afbeelding|rysunek|рисунок|рис)\.?\s*\d+[a-z]?\s*[:.|–-]",
    # share prompts: "Share this:", "Teilen mit:", "Partager :"
    r"(share( this( article| story| post)?)?|teilen( mit)?|partager|compartir|condividi|compartilhar|delen|"
    r"udostępnij|поделиться)\W*$",
    # a loading placeholder, or the button that loads an embed held back until the reader consents
    r"(loading|wird geladen|chargement|cargando|caricamento|laden|ładowanie|загрузка)\W*$|"
    r"((externe[n]? )?inhalte? (laden|anzeigen|entsperren)|(load|show) (external |embedded )?content)\W*$",
    # the label of an inline box of links: "Read more", "Lire aussi", "Mehr zum Thema"
    _RELATED_LABEL.removeprefix("^"),
    # links to the neighbouring posts: "Next article", "Vorschau auf den nächsten Artikel"
    r"((preview of|vorschau auf) )?(the |den |das )?(next|previous|prev|nächste[nr]?|vorherige[nr]?)\s+"
    r"(article|post|story|artikel|beitrag)\W*$|(article|billet) (suivant|précédent)\W*$|"
    r"(artículo|entrada|nota) (siguiente|anterior)\W*$|(articolo|post) (successivo|precedente)\W*$|"
    r"(artigo|post) (seguinte|anterior)\W*$|(volgend|vorig) (artikel|bericht)\W*$|"
    r"(następny|poprzedni) (artykuł|wpis)\W*$|(следующая|предыдущая) (статья|запись)\W*$",
    # rating widgets
    r"(rate this( article| post| story)?|bewerten|bewertung|évaluer|valorar|valuta)\W*$",
    # an advert's label, and the line that sends the reader past it
    r"(advertisement|advertising|sponsored( content)?|anzeige|werbung|publicité|publicidad|pubblicità|publicidade|"
    r"advertentie|reklama|реклама)\W*$|"
    r"((the )?(story|article|text) continues (below|after)( (the |this )?(advertisement|ad))?|"
    r"weiter nach der (anzeige|werbung)|la suite (après|sous) (la|cette) publicité|"
    r"(el artículo|la noticia) (continúa|sigue) (tras|después de) la publicidad|"
    r"continua (a leggere )?dopo la pubblicità|continue reading (below|after (the )?(ad|advertisement)))\W*$",
    FOLLOW_PROMPT,
    # a tip line, an audio player's label, an app offer
    r"(have|got) a (news |story )?tip\b|"
    r"(listen to (this|the) (article|story)|audio version|(artikel|beitrag) (vor)?lesen lassen|"
    r"écouter (cet|l')\s?article|escuchar (este|el) (artículo|noticia))\W*$|"
    r"(download|get|install) (our|the) (free )?([\w'’-]+ ){0,2}app( for [\w ]{1,30}| now| today| here)?\W*$",
    # a comment section's heading and its invitations
    r"(comments?|kommentare?|commentaires?|comentarios?|commenti|reacties|komentarze|"
    r"join the (conversation|discussion|debate)|diskutieren sie mit|discuss this (article|story))\W*$",
    # a list of the article's tags: "Topics: Politics, Harbour", "Schlagwörter: ..."
    r"(tags?|topics?|themen|schlagw[öo]rter|stichw[öo]rter|mots[- ]cl[ée]s|étiquettes|etiquetas|temas|argomenti|"
    r"onderwerpen|trefwoorden|tagi|теги|метки|标签|タグ)\s*[:：]\s*[^.!?]{1,140}$",
    # a comment count: "12 comments", "Kommentare (3)"
    r"\d+ (comments?|kommentare?|commentaires?|comentarios?|commenti|reacties|komentarz[ey]?)\W*$|"
    r"(comments?|kommentare?|commentaires?|comentarios?|commenti|reacties|komentarze)\s*\(\d+\)\W*$",
    # share buttons named after the network: "Share on Facebook", "Auf Twitter teilen"
    r"(share|teilen|partager|compartir|condividi|compartilhar|partilhar|delen) (on|auf|sur|en|su|no|op|via) "
    r"[\w.+-]+\W*$|(auf|bei|via) [\w.+-]+ teilen\W*$",
    # an author box's role line: "Redakteurin in der Wirtschaft.", "Correspondent in Lagos"
    r"(senior |staff |contributing |freie[rn]? )?(redakteur(in)?|korrespondent(in)?|reporter(in)?|autor(in)?|editor|"
    r"correspondent|writer|journalist(in)?|rédact(eur|rice)|journaliste|correspondante?|redactor(a)?|corresponsal|"
    r"redattore|redattrice|giornalista) (in|im|bei|für|at|for|of|à|au|de|del|della|per)\b( [\w'’.-]+){1,5}\.?$",
)
_FURNITURE_ANYWHERE = (
    r"©",
    # comment prompts: "View comments", "Leave a reply", "Verraten Sie es uns in den Kommentaren"
    r"\b(view|show|load|read) (all )?(\d+ )?comments\b|\bleave a (comment|reply)\b|\bwhat you think about this\b",
    r"\bkommentare? (anzeigen|laden|lesen|schreiben|hinterlassen|verfassen)\b|\bin den kommentaren\b",
    r"\blaisser un commentaire\b|\bdeja (un|tu) comentario\b|\blascia un commento\b",
    # newsletter offers: "Sign up for our newsletter", "Get our daily edition by email and never miss ..."
    r"\bnewsletter\b|\b(delivered )?(to|in) your inbox\b|\bsign up for (our|the)\b|\bfree sign[- ]?up\b|"
    r"\bby e-?mail\b.{0,80}\bnever miss\b",
    # sign-in status
    r"\b(nicht eingeloggt|nicht angemeldet|not logged in|not signed in)\b",
    # mailing lists and follow prompts: "Join our mailing list", "Folgen Sie uns auf Instagram"
    r"\bmailing list\b|\bfollow us (on|at)\b|\bfolg(e|en sie) uns auf\b|\bsuivez-nous sur\b|\bsíguenos en\b|"
    r"\bseguici su\b|\bsiga-nos n[oa]\b|\bvolg ons op\b",
    # share buttons' text: "Click to share on X (Opens in new window)", "Klicken, um auf X zu teilen"
    r"\bclick to (share|email|print)\b|\bklicken, um\b.{0,40}\b(zu teilen|zu drucken|per e-mail)\b|"
    r"\bcliquez pour (partager|imprimer)\b|\bhaz clic para (compartir|imprimir)\b|"
    r"\bfai clic per (condividere|stampare)\b|\bclique para (partilhar|compartilhar|imprimir)\b|"
    r"\((opens|öffnet sich|wird) in (a )?(new|neuem) (window|tab|fenster)",
    # a placeholder for what the browser cannot show: "Please enable JavaScript to view ..."
    r"\benable javascript\b|\bjavascript (is |ist )?(disabled|deaktiviert)\b|\bjavascript (aktivieren|activez)\b|"
    r"\b(aktivieren sie|activez|activa|attiva|ative) (das |le |el |il |o )?javascript\b|"
    r"\byour browser does not support\b|\bihr browser unterstützt\b",
    # a wire service's or the site's rights line: "Copyright 2020 AP. All rights reserved."
    # (its own sentence or the line's start: "the band said all rights reserved by ..." is prose)
    r"(?:^|[.!?]\s+)(?:all rights reserved|alle rechte vorbehalten|tous droits réservés|"
    r"todos los derechos reservados|tutti i diritti riservati|todos os direitos reservados|alle rechten voorbehouden|"
    r"wszelkie prawa zastrzeżone|все права защищены)\b|版权所有|無断転載|"
    r"^copyright\s*(?:\(c\)\s*)?(?:19|20)\d\d\b|\bthis material may not be (?:re)?(?:published|reproduced)\b",
)
# Every _FURNITURE_ANYWHERE shape holds one of these (casefolded).
_FURNITURE_STEMS = (
    "©", "comment", "reply", "think about this", "kommentar", "comentario", "commento", "newsletter", "inbox",
    "sign up", "sign-up", "signup", "never miss", "eingeloggt", "angemeldet", "logged in", "signed in",
    "mailing list", "follow us", "folge uns", "folgen sie uns", "suivez-nous", "síguenos", "seguici", "siga-nos",
    "volg ons", "click to", "klicken, um", "cliquez pour", "haz clic", "fai clic", "clique para", "new window",
    "new tab", "neuem fenster", "javascript", "browser", "rights reserved", "rechte vorbehalten",
    "droits réservés", "derechos reservados", "diritti riservati", "direitos reservados", "rechten voorbehouden",
    "prawa zastrzeżone", "права защищены", "版权所有", "無断転載", "copyright", "may not be",
)  # fmt: skip
# A sign-up or subscribe button's label closing a line ("Do you want our updates? Sign up here"), in
# each language; looked for in the line's last _ENDING_CHARS characters.
_FURNITURE_ENDING = (
    r"\b((free )?(sign[- ]?up|subscribe)( (here|now|today|for free))?|register (here|now|today|for free)|"
    r"(jetzt|hier|kostenlos|gratis) (kostenlos )?(anmelden|abonnieren|registrieren)|inscrivez-vous|abonnez-vous|"
    r"je m'inscris|suscríbete|regístrate|iscriviti|abbonati (ora|subito)|inscreva-se|cadastre-se|assine( já)?|"
    r"meld je aan|schrijf je in|abonneer nu|zapisz się|subskrybuj|подписаться|подпишитесь)[\s!:>»›→]*$"
)
_ENDING_CHARS = 40
_OPENING = re.compile("|".join(f"(?:{p})" for p in _FURNITURE_OPENINGS), re.IGNORECASE)
_ANYWHERE = re.compile("|".join(f"(?:{p})" for p in _FURNITURE_ANYWHERE), re.IGNORECASE)
_ANYWHERE_STEM = re.compile(_trie_pattern(_FURNITURE_STEMS))
_ENDING = re.compile(_FURNITURE_ENDING, re.IGNORECASE)
_MAX_FURNITURE_CHARS = 160


def is_furniture(paragraph: str) -> bool:
    """True for a short line of site furniture: a picture credit or figure label, a share, comment or
    rating prompt, a newsletter or sign-up offer, a link box's label, an author's role, a byline or a
    date line."""
    if len(paragraph) > _MAX_FURNITURE_CHARS:
        return False
    return (
        _OPENING.match(paragraph) is not None
        or _is_inline_promo(paragraph)
        or _is_agency_credit(paragraph)
        or _is_date_line(paragraph)
        or _is_byline(paragraph)
        or _ENDING.search(paragraph, max(0, len(paragraph) - _ENDING_CHARS)) is not None
        or (_ANYWHERE_STEM.search(paragraph.casefold()) is not None and _ANYWHERE.search(paragraph) is not None)
    )


# A share bar that trafilatura glued to the end of a paragraph: its label, then the networks' names
# ("... last sentence. Teilen mit: Facebook Twitter E-Mail"); a rating prompt may come first.
_SHARE_LABEL = re.compile(
    r"\b(share this( article| story| post)?|teilen mit|teilen sie dies mit|partager( ceci)?|compartir( esto)?|"
    r"condividi( questo)?|compartilhe( isso)?|compartilhar|delen|udostępnij|поделиться)\s*:$",
    re.IGNORECASE,
)
_SHARE_NETWORK = re.compile(
    r"\s*(facebook|twitter|e-?mail|whatsapp|linkedin|pinterest|reddit|tumblr|telegram|drucken|print|google|"
    r"klicken|click|x|threads|mastodon|bluesky)\b",
    re.IGNORECASE,
)
_SHARE_LABEL_CHARS = 30
_RATING_BEFORE = re.compile(r"\b(rate this|bewerten|évaluer|valorar|valuta)\s*:\s*$", re.IGNORECASE)
_RELATED = re.compile(_RELATED_LABEL, re.IGNORECASE)
# A headline in a list of links: short, and not closed as a sentence or a lead-in is.
_HEADLINE_MAX_CHARS = 120
_CLOSED = re.compile(r"[.:;,]\s*$")


def _without_share_bar(paragraph: str) -> str:
    """The paragraph up to a share bar glued to its end (all of it where there is none)."""
    colon = paragraph.find(":")
    while colon >= 0:
        # The networks' names after a colon first: most colons are not a share bar's.
        if _SHARE_NETWORK.match(paragraph, colon + 1):
            label = _SHARE_LABEL.search(paragraph, max(0, colon - _SHARE_LABEL_CHARS), colon + 1)
            if label is not None:
                head = paragraph[: label.start()]
                rating = _RATING_BEFORE.search(head)
                return (head[: rating.start()] if rating else head).rstrip()
        colon = paragraph.find(":", colon + 1)
    return paragraph


def _is_listed_headline(paragraph: str) -> bool:
    return len(paragraph) <= _HEADLINE_MAX_CHARS and _CLOSED.search(paragraph) is None


# A picture agency's credit ("AFP via Getty Images", "(AP Photo/Jane Doe)"): a short line naming
# one, not closed as a sentence ("Getty Images said on Monday it would ..." is news).
_AGENCY_CREDIT = re.compile(
    r"\b(getty ?images|shutterstock|istock(photo)?|alamy|imago( images)?|picture[- ]alliance|"
    r"(ap|afp|epa|reuters|pa|dpa|ansa|efe|xinhua|aap|anp|kyodo) (photo|images?|foto|bild)|"
    r"(ap|afp|epa|pa|reuters) via getty|keystone|sipa press)\b",
    re.IGNORECASE,
)
_CREDIT_MAX_CHARS = 100


# Every _AGENCY_CREDIT shape holds one of these (casefolded).
_CREDIT_STEM = re.compile(
    _trie_pattern(("getty", "shutterstock", "istock", "alamy", "imago", "alliance", "photo", "image", "foto", "bild",
                   "keystone", "sipa"))
)  # fmt: skip
_SENTENCE_CLOSED = re.compile(r"[.!?:;]\s*$")


def _is_agency_credit(paragraph: str) -> bool:
    return (
        len(paragraph) <= _CREDIT_MAX_CHARS
        and _CREDIT_STEM.search(paragraph.casefold()) is not None
        and _SENTENCE_CLOSED.search(paragraph) is None
        and _AGENCY_CREDIT.search(paragraph) is not None
    )


# A date line of the page's ("Updated 10:45 GMT (18:45 HKT) March 3, 2020", "Veröffentlicht am
# 03.02.2020 um 10:45 Uhr"): a label, then only words that a date or time is made of.
_DATE_LABEL = re.compile(
    r"^\W*(first |last )?(published|updated|posted|modified|aktualisiert|veröffentlicht|erstellt|publié|"
    r"mis à jour|actualizado|publicado|aggiornato|pubblicato|bijgewerkt|gepubliceerd|zaktualizowano|opublikowano|"
    r"обновлено|опубликовано)( on| at| am| le| el| il| em| op| o)?\s*[:：]?\s*",
    re.IGNORECASE,
)
_DATE_WORDS = frozenset((
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january",
    "february", "march", "april", "june", "july", "august", "september", "october", "november", "december",
    "januar", "februar", "märz", "mai", "juni", "juli", "oktober", "dezember", "janvier", "février", "mars",
    "avril", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre", "enero", "febrero", "marzo",
    "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre", "gennaio",
    "febbraio", "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre", "dicembre", "mon", "tue", "wed",
    "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "lundi", "mardi", "mercredi",
    "jeudi", "vendredi", "samedi", "dimanche", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado",
    "domingo", "am", "pm", "a.m", "p.m", "uhr", "h", "at", "on", "um", "le", "à", "el", "de", "del", "di", "il",
    "the", "of", ",", "and", "ago", "hours", "hour", "minutes", "minute", "mins", "min", "days", "day", "yesterday",
    "today", "gestern", "heute", "hier", "aujourd'hui", "ayer", "hoy", "ieri", "oggi",
))  # fmt: skip
_DATE_LINE_MAX_CHARS = 90


def _is_date_line(paragraph: str) -> bool:
    if len(paragraph) > _DATE_LINE_MAX_CHARS:
        return False
    label = _DATE_LABEL.match(paragraph)
    if label is None:
        return False
    words = re.findall(r"[\w'.]+", paragraph[label.end() :])
    digits = [any(c.isdigit() for c in w) for w in words]
    return any(digits) and all(
        d or w.rstrip(".").casefold() in _DATE_WORDS or (w.isupper() and 2 <= len(w) <= 5)
        for w, d in zip(words, digits, strict=True)
    )


# A byline set as a line of the body: "By Jane Doe, Staff Writer", "Von Jane Doe und John Smith".
_BYLINE = re.compile(r"^(by|von|par|por|door)\s+(?=\w)", re.IGNORECASE)
_NAME_PARTICLES = frozenset(
    ["van", "von", "der", "de", "den", "da", "del", "della", "di", "du", "la", "le", "al", "bin", "ben", "ibn", "y"]
)
_BYLINE_MAX_CHARS = 80
# Between two names, or a name and a role or date: "Jane Doe, Staff Writer", "Jane Doe · 3 March".
_BYLINE_SPLIT = re.compile(r"\s*(?:[,&|·•–—]|\band\b|\bund\b|\bet\b|\by\b)\s*")


def _is_byline(paragraph: str) -> bool:
    if len(paragraph) > _BYLINE_MAX_CHARS:
        return False
    by = _BYLINE.match(paragraph)
    if by is None:
        return False
    parts = [p for p in _BYLINE_SPLIT.split(paragraph[by.end() :]) if p]
    if not parts:
        return False
    for part in parts:
        words = part.split()
        if not 1 <= len(words) <= 4:
            return False
        for word in words:
            if word.casefold() in _NAME_PARTICLES or word.isdigit():
                continue
            if not (word[:1].isupper() and re.fullmatch(r"[^\W\d_][\w'’.-]*", word)):
                return False
    # a name, not a weekday or a month ("By Tuesday Morning")
    first = parts[0].split()[0].rstrip(".").casefold()
    return first not in _DATE_WORDS


def _is_inline_promo(paragraph: str) -> bool:
    """A link to another article set in the body: a label, then a headline ("READ MORE: Council
    approves harbour wall"), not a sentence that goes on after a colon."""
    label = _PROMO_LABEL.match(paragraph)
    return label is not None and _is_listed_headline(paragraph[label.end() :])


def without_boilerplate(text: str, *, furniture: bool = True) -> str:
    """The text (paragraphs split by a blank line) without walls and, unless told otherwise,
    furniture lines, share bars glued to a paragraph's end and the headlines listed under a
    "related articles" label."""
    kept = []
    under_label = False
    for paragraph in text.split("\n\n"):
        if is_wall(paragraph):
            continue
        if furniture:
            # The headlines under "You might also like" are links to other articles; the list ends
            # at the first line of prose.
            if _RELATED.match(paragraph):
                under_label = True
                continue
            if under_label and _is_listed_headline(paragraph):
                continue
            under_label = False
            paragraph = _without_share_bar(paragraph)
            if not paragraph or is_furniture(paragraph):
                continue
        kept.append(paragraph)
    return "\n\n".join(kept)
