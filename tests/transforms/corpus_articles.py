"""Seed and sample articles through the same document -> article path the daily flow uses
(sniffing, sidecars, per-source boilerplate, cleaning), for the duplicate and story tests."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from flows.archive import content_id
from flows.inbox import inbox_paths
from newsmon.models import Article, Document, SidecarMeta
from transforms.articles import document_articles
from transforms.sniff import sniffed, source_hint, source_key
from transforms.text_clean import boilerplate_lines

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_INBOX = ROOT / "samples" / "inbox"
_BOILERPLATE_MIN_DOCS = 3  # Settings.boilerplate_min_docs


def _meta(path: Path) -> SidecarMeta:
    side = path.with_name(path.name + ".meta.json")
    return SidecarMeta.model_validate_json(side.read_bytes()) if side.exists() else SidecarMeta()


def inbox_articles(inbox: Path, days: list[date]) -> dict[str, Article]:
    """An inbox's articles replayed day by day, keyed `<day>/<file>[:N]` (samples/expected.json)."""
    out: dict[str, Article] = {}
    seen: set[str] = set()
    texts_by_source: dict[str, list[tuple[date, str]]] = {}
    for day in days:
        docs = []
        for path in inbox_paths(inbox, day):
            raw = path.read_bytes()
            doc_id = content_id(raw)
            if doc_id in seen:
                continue  # the flow quarantines byte-identical copies at load
            seen.add(doc_id)
            rel = str(path.relative_to(inbox))
            sniff = sniffed(raw, path.name)
            doc = Document(
                doc_id=doc_id,
                file_name=path.name,
                source_path=rel,
                arrival_day=day,
                size_bytes=len(raw),
                media_type=sniff.media_type,
                encoding=sniff.encoding,
                archive_path="x",
                source_hint=source_hint(rel),
                meta=_meta(path),
            )
            key = source_key(doc.meta.source or doc.source_hint)
            if sniff.media_type == "text" and sniff.text and key:
                texts_by_source.setdefault(key, []).append((day, sniff.text))
            docs.append((path, doc, sniff, key))
        for path, doc, sniff, key in docs:
            recent = [t for d, t in texts_by_source.get(key or "", []) if d >= day - timedelta(days=30)]
            learned = (
                boilerplate_lines(recent, min_docs=_BOILERPLATE_MIN_DOCS)
                if len(recent) >= _BOILERPLATE_MIN_DOCS
                else frozenset()
            )
            articles, _ = document_articles(doc, sniff, boilerplate=learned)
            for a in articles:
                if a.language not in (None, "en"):
                    continue  # the articles suite quarantines other languages
                suffix = a.article_id[len(doc.doc_id) :]
                out[f"{day.isoformat()}/{path.name}{suffix}"] = a
    return out


def sample_articles() -> dict[str, Article]:
    """The bundled sample corpus, as its three daily runs load it."""
    days = sorted(date.fromisoformat(p.name) for p in SAMPLE_INBOX.iterdir() if p.is_dir())
    return inbox_articles(SAMPLE_INBOX, days)


def seed_articles(seeds_dir: Path) -> dict[str, Article]:
    """The five seeds, keyed by file name, arriving as replay.json says."""
    replay = json.loads((seeds_dir / "replay.json").read_text())["days"]
    out: dict[str, Article] = {}
    for entry in replay:
        day = date.fromisoformat(entry["day"])
        for name in entry["arrive"]:
            raw = (seeds_dir / name).read_bytes()
            sniff = sniffed(raw, name)
            doc = Document(
                doc_id=content_id(raw),
                file_name=name,
                source_path=name,
                arrival_day=day,
                size_bytes=len(raw),
                media_type=sniff.media_type,
                encoding=sniff.encoding,
                archive_path="x",
            )
            articles, _ = document_articles(doc, sniff)
            out[name] = articles[0]
    return out


# ------------------------------------------------------------------ hard cases
# Short articles written for these tests (paraphrased summaries of public events, not
# copies): the same actors as the seed story (Blinken, Xi, Beijing, US-China relations)
# in a different story, which must NOT join it, and same-story reports which must.
# (name, published day, must join the seed story, title, text)
HARD_CASES: list[tuple[str, str, bool, str, str]] = [
    (
        "neg_yellen_beijing",
        "2023-07-07",
        False,
        "Yellen arrives in Beijing for trade talks with Chinese economic officials",
        "US Treasury Secretary Janet Yellen arrived in Beijing on Thursday for four days of "
        "meetings with Chinese economic officials, hoping to steady commercial ties strained by "
        "export controls and tariffs.\n\n"
        "Yellen is due to meet Premier Li Qiang and Vice Premier He Lifeng, and the former central "
        "bank governor Yi Gang. Treasury officials said she would raise concerns about Beijing's "
        "new curbs on exports of gallium and germanium, metals used in semiconductors, and about "
        "the treatment of American companies operating in China.\n\n"
        "Her trip follows Secretary of State Antony Blinken's visit to Beijing last month, when he "
        "met President Xi Jinping, and officials in Washington described it as part of an effort "
        "to keep channels open between the world's two largest economies.\n\n"
        '"We seek healthy economic competition, not winner-take-all," Yellen told business '
        "leaders at a lunch in Beijing. Chinese officials have criticised US restrictions on "
        "sales of advanced chips and chip-making equipment, which Washington says protect "
        "national security.\n\n"
        "Analysts said few concrete agreements were expected on tariffs or investment rules, "
        "but that regular meetings between the finance ministries could resume.",
    ),
    (
        "neg_blinken_london",
        "2023-06-21",
        False,
        "Blinken pledges $1.3 billion for Ukraine's recovery at London conference",
        "Secretary of State Antony Blinken announced $1.3 billion in new US aid for Ukraine's "
        "economic recovery on Wednesday at a two-day conference in London attended by more than "
        "sixty countries.\n\n"
        "The money will help rebuild Ukraine's power grid, ports and railways damaged by Russian "
        "strikes, Blinken said, and support reforms the World Bank and the International "
        "Monetary Fund have asked Kyiv to make. Britain's Foreign Secretary James Cleverly, who "
        "hosted the Ukraine Recovery Conference with Ukraine, said pledges from governments and "
        "private investors would run into billions of dollars.\n\n"
        "Ukrainian Prime Minister Denys Shmyhal told delegates the country needed $411 billion "
        "to recover, according to World Bank estimates, and urged allies to seize frozen Russian "
        "assets. President Volodymyr Zelenskiy addressed the meeting by video link.\n\n"
        '"Ukraine\'s recovery is not a question of charity," Blinken said. "It is an investment '
        'in a free and prosperous Europe." He arrived in London from Washington days after his '
        "talks in Beijing with Chinese President Xi Jinping and Foreign Minister Qin Gang.",
    ),
    (
        "neg_xi_gates",
        "2023-06-16",
        False,
        "Xi meets Bill Gates in Beijing, calls him an 'old friend'",
        "Chinese President Xi Jinping met Microsoft co-founder Bill Gates in Beijing on Friday, "
        "his first meeting with a foreign private businessman in years, and said he welcomed "
        "American companies to share in China's development.\n\n"
        '"You are the first American friend I have met in Beijing this year," Xi told Gates at '
        "the Diaoyutai State Guesthouse, according to state broadcaster CCTV. Xi said the "
        "foundation of China-US relations lay with their peoples and that he hoped friendly "
        "cooperation between the two countries would continue.\n\n"
        "Gates, whose foundation has worked in China for fifteen years, said it would give $50 "
        "million to a global health drug discovery institute in Beijing to develop medicines "
        "for malaria and tuberculosis. He also met Premier Li Qiang earlier in the week.\n\n"
        "The meeting came days before an expected visit by US Secretary of State Antony Blinken, "
        "though Chinese officials had not confirmed whether Xi would receive him.",
    ),
    (
        "neg_shangri_la",
        "2023-06-05",
        False,
        "China's defence minister rebuffs Austin at Shangri-La security forum",
        "China's Defence Minister Li Shangfu told a security conference in Singapore on Sunday "
        "that the United States was provoking confrontation in the Asia-Pacific, a day after "
        "declining a meeting with US Defense Secretary Lloyd Austin.\n\n"
        "Li, who is under US sanctions, said at the Shangri-La Dialogue that China did not want "
        "conflict but would not flinch from defending its interests over Taiwan. He accused "
        "Washington of forming NATO-like alliances in the region.\n\n"
        "Austin said on Saturday that he was deeply concerned that China had been unwilling to "
        "engage in military talks, and warned that a lack of communication raised the risk of an "
        "incident spiralling out of control. A Chinese warship cut across the path of a US "
        "destroyer in the Taiwan Strait on Saturday, the US military said.\n\n"
        "The two men shook hands at a dinner on Friday but did not hold substantive talks. US "
        "officials said they still hoped to restore military hotlines that Beijing suspended in "
        "August after a visit to Taiwan by Nancy Pelosi.",
    ),
    (
        "neg_li_qiang_berlin",
        "2023-06-20",
        False,
        "Chinese Premier Li Qiang meets Scholz in Berlin as Germany weighs China strategy",
        "Chinese Premier Li Qiang held talks with German Chancellor Olaf Scholz in Berlin on "
        "Tuesday on his first foreign trip since taking office, seeking to reassure Europe's "
        "largest economy that China remains a reliable partner.\n\n"
        "The two governments held their first consultations since 2018, with ministers from both "
        "sides meeting on climate, trade and supply chains. Scholz said Germany did not want to "
        "decouple from China but to reduce risks, and urged Beijing to use its influence on "
        "Russia over the war in Ukraine.\n\n"
        "Li told business leaders that so-called de-risking should not become a pretext for "
        'protectionism. "The lack of cooperation is the biggest risk," he said.\n\n'
        "The visit came a day after US Secretary of State Antony Blinken met President Xi "
        "Jinping in Beijing. Li travels on to Paris for a summit on financing for developing "
        "countries hosted by President Emmanuel Macron.",
    ),
    (
        "pos_blinken_xi_meet",
        "2023-06-19",
        True,
        "Blinken meets Xi as US and China agree to stabilise relations",
        "Chinese President Xi Jinping received US Secretary of State Antony Blinken in Beijing on "
        "Monday, the highest-level meeting between the two countries since Blinken arrived for "
        "his two-day visit, and both sides said they had agreed to stabilise ties.\n\n"
        'Xi told Blinken at the Great Hall of the People that the two sides had "made progress" '
        "and reached agreement on some issues. Blinken said he had raised Taiwan, human rights "
        "and fentanyl, and that Washington wanted to keep open channels of communication to "
        "prevent competition from veering into conflict.\n\n"
        "Earlier Blinken held talks with China's top diplomat Wang Yi, who said relations were "
        "at a low point and blamed Washington's wrong perception of China. On Sunday Blinken "
        "spent more than seven hours with Foreign Minister Qin Gang, who accepted an invitation "
        "to visit Washington.\n\n"
        "No agreement was reached on restoring military-to-military communication, Blinken said.",
    ),
    (
        "pos_blinken_taiwan",
        "2023-06-20",
        True,
        "After Beijing talks, Blinken says US does not support Taiwan independence",
        "Secretary of State Antony Blinken said after his talks with President Xi Jinping in "
        "Beijing that the United States does not support Taiwan independence and remains "
        "committed to its one China policy.\n\n"
        "Speaking to reporters before leaving China on Monday evening, Blinken said his two days "
        "of meetings with Xi, Foreign Minister Qin Gang and top diplomat Wang Yi had been "
        "candid and constructive, but that no one should expect relations to be fixed by one "
        "trip.\n\n"
        "Blinken said he had pressed China's leaders over Beijing's refusal to restore direct "
        "military channels, and that both sides had agreed to more visits by senior officials "
        "in Washington and Beijing. He said he expected Xi and President Joe Biden to meet later "
        "in the year.",
    ),
    (
        "neg_kerry_climate",
        "2023-07-17",
        False,
        "Kerry resumes climate talks with China in Beijing",
        "US climate envoy John Kerry began three days of talks in Beijing on Monday with his "
        "Chinese counterpart Xie Zhenhua, the first formal climate negotiations between the two "
        "largest emitters since China suspended them last August.\n\n"
        "Kerry said the world needed the United States and China to cut methane emissions, curb "
        "coal power and work together ahead of the COP28 summit in Dubai. Xie said China would "
        "reach its climate goals at its own pace and on its own path.\n\n"
        "Kerry also met Premier Li Qiang and top diplomat Wang Yi. His trip follows the visits to "
        "Beijing of Secretary of State Antony Blinken, who met President Xi Jinping in June, and "
        "Treasury Secretary Janet Yellen, and officials said it was part of an effort to "
        "stabilise relations between Washington and Beijing.\n\n"
        "Record heat across China, the United States and southern Europe formed the backdrop to "
        "the talks, which did not produce a joint statement.",
    ),
    (
        "neg_xi_hipkins",
        "2023-06-27",
        False,
        "Xi meets New Zealand's Hipkins in Beijing, calls for partnership",
        "Chinese President Xi Jinping met New Zealand Prime Minister Chris Hipkins in Beijing on "
        "Tuesday and said the two countries should be partners rather than rivals, as Hipkins "
        "led a trade delegation of business leaders on his first visit to China.\n\n"
        "Xi told Hipkins at the Great Hall of the People that China was willing to deepen "
        "cooperation in trade, agriculture and climate change. Hipkins said New Zealand and "
        "China would not always agree, and that he had raised human rights and the Pacific "
        "during the talks.\n\n"
        "China is New Zealand's largest trading partner, buying dairy, meat and timber. Hipkins "
        "also met Premier Li Qiang and attended the World Economic Forum meeting in Tianjin.\n\n"
        "The visit came a week after US Secretary of State Antony Blinken met Xi in the same "
        "hall.",
    ),
    (
        "pos_miller_briefing",
        "2023-06-20",
        True,
        "State Department says Beijing talks opened channels, no military hotline yet",
        "State Department spokesman Matthew Miller said on Tuesday that the secretary of state's "
        "two days of talks in Beijing had opened channels of communication with China, but that "
        "Beijing had still not agreed to restore military-to-military contacts.\n\n"
        "Miller told reporters in Washington that Antony Blinken had been candid with President "
        "Xi Jinping, Foreign Minister Qin Gang and top diplomat Wang Yi about Taiwan, human "
        "rights and fentanyl, and that the two sides had agreed to further visits by senior "
        "officials.\n\n"
        '"The secretary went to Beijing to stabilise the relationship, and we think the trip '
        'achieved that," Miller said. He said Qin had accepted an invitation to visit '
        "Washington.\n\n"
        "Blinken was the most senior US official to visit China in almost five years.",
    ),
    (
        "pos_wang_wenbin_reaction",
        "2023-06-20",
        True,
        "China says US must match words with deeds after Blinken visit",
        "Chinese Foreign Ministry spokesman Wang Wenbin said on Tuesday that Washington must "
        "turn the understandings reached during the US secretary of state's visit to Beijing "
        "into action, and stop harming China's interests over Taiwan.\n\n"
        "Wang told a regular briefing that President Xi Jinping's meeting with Antony Blinken "
        "had set the direction for the relationship, and that China and the United States had "
        "agreed to keep high-level exchanges going. He said Foreign Minister Qin Gang would "
        "visit Washington at a convenient time.\n\n"
        "Blinken left Beijing on Monday evening after two days of talks, saying relations had "
        "stabilised but that China had refused to restore military communication channels.",
    ),
]
