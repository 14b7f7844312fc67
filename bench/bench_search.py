"""Print what full-text search costs at 100k articles: index build time, query latency, file size.

Usage: python bench/bench_search.py [--articles 100000] [--queries 40] [--keep PATH]

Builds a fresh warehouse (the real schema, through warehouse.db.writer) and inserts synthetic
articles straight into the `articles` table (and a story for a third of them into
`stories`/`story_articles`), skipping the pipeline: extraction and NER would take hours at
this size and do not change what the index costs. The text is generated from word lists, so
it is varied but not real: English function words (stopwords), a general vocabulary, a
dozen topics' words, made-up people, places and organisations, and a long Zipf tail of
made-up rare words; 60-1,500 words an article (median about 340), 40 sources over a year.

Then it times `update_search_index` the way a run calls it (on the writer connection, inside
the run's transaction): once over every article (what the first run after the postings
migration does), then for one more day of 100 articles (what every later run does); the file
size before and after, and `search_articles` on a
read-only connection over a few dozen varied queries (single common and rare words,
several words, phrases, exclusions, day and source filters, limits), first query apart.
CPU is process time (all DuckDB threads); wall is elapsed. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from warehouse import db  # noqa: E402
from warehouse.search import search_articles, update_search_index  # noqa: E402


def _words(text: str) -> list[str]:
    return text.split()


STOPWORDS = _words(
    "the of and to a in that is was he for it with as his on be at by had are but from or have an they "
    "which one you were her all she there would their we him been has when who will more no if out so "
    "said what up its about into than them can only other new some could time these two may then do "
    "first any my now such like our over man me even most made after also did many before must through "
    "back years where much your way well down should because each just those people how too little "
    "state good very make world still own see men work long get here between both life being under"
)
GENERAL = _words(
    "government minister council report plan week year month day city town region country public "
    "service money pay cost price rate increase rise fall growth economy market company business "
    "firm jobs workers staff union talks deal agreement offer vote election campaign candidate debate "
    "police court case trial judge law rule policy decision support opposition critics residents "
    "families children school hospital health care water road bridge transport rail bus ferry port "
    "ship cargo harbour river flood storm rain weather season summer winter spring autumn morning "
    "evening night weekend statement spokesperson official chief executive director chair board "
    "members meeting committee inquiry review study survey figures data record level high low "
    "million billion thousand hundred per cent share profit loss sales revenue budget tax fund "
    "grant scheme project contract building housing homes land farm food energy power fuel gas "
    "electricity prices bills customers services network system safety risk warning emergency "
    "response crews fire damage repairs clean closure reopening delay queue traffic route line "
    "station airport flight passengers visitors tourism festival museum library park beach coast "
    "island village district centre north south east west local national international foreign "
    "announced said told added warned expected confirmed agreed rejected approved launched opened "
    "closed began ended returned called asked claimed denied promised planned reached signed"
)
TOPICS = {
    "strike": "strike walkout picket dockers dockworkers stoppage ballot conciliation mediator rosters overtime "
    "shifts grievance arbitration lockout container terminal cranes berth vessels backlog",
    "flood": "flood flooding floodwater sandbags levee embankment evacuation insurers assessors surge "
    "drainage pumps defences rainfall inundated submerged mill basement torrent",
    "election": "mayoral mayor ballots polling hustings manifesto turnout canvass incumbent challenger "
    "constituency councillor referendum pledges debate candidates polls",
    "energy": "turbines wind solar grid substation megawatts pipeline refinery tariff generators batteries "
    "offshore interconnector emissions carbon decarbonisation",
    "health": "clinic ward patients nurses surgeons waiting ambulance vaccine outbreak infections beds "
    "consultant treatment diagnosis pharmacy",
    "courts": "verdict jury sentenced acquitted prosecution defendant appeal testimony magistrates bail "
    "convicted charges hearing barrister",
    "transport": "bypass motorway junction roadworks timetable commuters railway signalling tram carriages "
    "fares cycle lanes congestion toll",
    "business": "quarterly earnings shareholders dividend acquisition merger takeover retailer stores "
    "margins inflation wholesale supplier exports",
    "culture": "exhibition gallery orchestra premiere theatre festival author novel concert curator "
    "sculpture archive heritage",
    "science": "researchers laboratory telescope genome experiment satellite probe fossils species "
    "climate observatory particle",
    "crime": "burglary arrested suspects detectives robbery fraud stolen cctv investigation witness custody warrant",
    "sport": "match fixture league striker goalkeeper championship tournament coach stadium penalty "
    "relegation derby season",
}
TOPICS = {k: _words(v) for k, v in TOPICS.items()}
SYLLABLES = _words("ka ro mi tan vel dor bri sel qua nor fen lis tor ash ber cul dra ek fo gri hal ith jor")
SOURCES = [f"Source {chr(65 + i // 10)}{i % 10}" for i in range(40)]


def _pseudo_words(rng: np.random.Generator, n: int, parts: tuple[int, int]) -> list[str]:
    words = set()
    while len(words) < n:
        k = int(rng.integers(parts[0], parts[1] + 1))
        words.add("".join(rng.choice(SYLLABLES, size=k)))
    return sorted(words)


class Corpus:
    """Word lists and a seeded generator of titles and texts."""

    KIND_P = np.cumsum([0.42, 0.30, 0.14, 0.06, 0.08])  # stopword, general, topic, name, rare tail

    def __init__(self, seed: int = 7) -> None:
        self.rng = np.random.default_rng(seed)
        self.tail = np.array(_pseudo_words(self.rng, 20000, (2, 4)), dtype=object)
        weights = 1 / np.arange(1, len(self.tail) + 1) ** 1.1
        self.tail_cdf = np.cumsum(weights / weights.sum())
        firsts, lasts = _pseudo_words(self.rng, 400, (2, 2)), _pseudo_words(self.rng, 400, (2, 3))
        self.people = [f"{f.title()} {s.title()}" for f, s in zip(firsts, lasts, strict=True)]
        self.places = [p.title() for p in _pseudo_words(self.rng, 300, (2, 3))]
        kinds = ["Holdings", "Council", "Trust", "Union", "Services", "Group", "Authority"]
        self.orgs = [f"{p.title()} {kinds[i % len(kinds)]}" for i, p in enumerate(_pseudo_words(self.rng, 200, (2, 3)))]
        self.topics = list(TOPICS)
        self.stop = np.array(STOPWORDS, dtype=object)
        self.general = np.array(GENERAL, dtype=object)
        self.topic_words = {t: np.array(w, dtype=object) for t, w in TOPICS.items()}

    def _pick(self, words: np.ndarray, n: int) -> np.ndarray:
        return words[self.rng.integers(0, len(words), n)]

    def article(self) -> tuple[str, str, list[str]]:
        """(title, text, its topics)."""
        rng = self.rng
        topics = [self.topics[i] for i in rng.choice(len(self.topics), size=int(rng.integers(1, 3)), replace=False)]
        topical = np.concatenate([self.topic_words[t] for t in topics])
        names = np.array(
            [self.people[i] for i in rng.integers(0, len(self.people), 3)]
            + [self.places[i] for i in rng.integers(0, len(self.places), 2)]
            + [self.orgs[int(rng.integers(0, len(self.orgs)))]],
            dtype=object,
        )
        n = int(np.clip(rng.lognormal(np.log(340), 0.6), 60, 1500))
        kinds = np.searchsorted(self.KIND_P, rng.random(n) * self.KIND_P[-1])
        words = self._pick(self.stop, n)
        for k, source in ((1, self.general), (2, topical), (3, names)):
            mask = kinds == k
            words[mask] = self._pick(source, int(mask.sum()))
        mask = kinds == 4
        words[mask] = self.tail[np.searchsorted(self.tail_cdf, rng.random(int(mask.sum())) * self.tail_cdf[-1])]
        cuts = np.cumsum(rng.integers(8, 30, n // 8 + 1))
        cuts = [0, *cuts[cuts < n].tolist(), n]
        sentences = [" ".join(words[a:b]) for a, b in itertools.pairwise(cuts) if b > a]
        sentences = [s[0].upper() + s[1:] + "." for s in sentences]
        paragraphs = [" ".join(sentences[j : j + 4]) for j in range(0, len(sentences), 4)]
        title_words = [*self._pick(topical, 3), names[0], names[3], *self._pick(self.general, 3)]
        rng.shuffle(title_words)
        title = " ".join(title_words)
        return title[0].upper() + title[1:], "\n\n".join(paragraphs), topics


def _frames(corpus: Corpus, n: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = corpus.rng
    start = date(2025, 3, 1)
    rows, story_rows, stories = [], [], {}
    for i in range(n):
        title, text, topics = corpus.article()
        day = start + timedelta(days=int(rng.integers(0, 365)))
        published = datetime.combine(day, datetime.min.time()) + timedelta(minutes=int(rng.integers(0, 1440)))
        article_id = f"{i:064x}"
        rows.append(
            {
                "article_id": article_id,
                "doc_id": article_id,
                "day": day,
                "title": title,
                "title_provenance": "derived",
                "text": text,
                "author": None,
                "url": f"https://news{i % 40}.example/{i}",
                "canonical_url": f"https://news{i % 40}.example/{i}",
                "source": SOURCES[int(rng.integers(0, len(SOURCES)))],
                "sitename": None,
                "description": None,
                "language": "en",
                "published_at": published,
                "published_date": published.date(),
                "published_provenance": "sidecar",
                "dateline_place": None,
                "dateline_date": None,
                "word_count": len(text.split()),
                "content_hash": article_id,
            }
        )
        if i % 3 == 0:  # a third of the articles belong to one of ~3,000 stories
            story_id = f"story_{topics[0]}_{int(rng.integers(0, 250))}"
            story_rows.append({"article_id": article_id, "story_id": story_id, "day": day, "similarity": 0.5})
            first, last, count = stories.get(story_id, (published, published, 0))
            stories[story_id] = (min(first, published), max(last, published), count + 1)
    story_frame = pd.DataFrame(
        [
            {
                "story_id": sid,
                "title": sid.replace("_", " "),
                "first_seen": f,
                "last_seen": la,
                "article_count": c,
                "report_count": c,
                "source_count": 1,
                "top_entities": "[]",
            }
            for sid, (f, la, c) in stories.items()
        ]
    )
    return pd.DataFrame(rows), pd.DataFrame(story_rows), story_frame


def _next_day(corpus: Corpus, first: int, n: int) -> tuple[date, pd.DataFrame]:
    """`n` more articles, all of the day after the corpus' last, numbered from `first`."""
    day = date(2025, 3, 1) + timedelta(days=365)
    frame = _frames(corpus, n)[0]
    frame["article_id"] = frame["doc_id"] = frame["content_hash"] = [f"{first + i:064x}" for i in range(n)]
    frame["day"] = day
    frame["published_at"] = [datetime.combine(day, datetime.min.time())] * n
    frame["published_date"] = day
    return day, frame


def _queries(corpus: Corpus, n: int) -> list[dict]:
    rng = np.random.default_rng(11)
    last = date(2025, 3, 1) + timedelta(days=364)
    out = []
    for i in range(n):
        topic = TOPICS[corpus.topics[i % len(corpus.topics)]]
        kind = i % 8
        if kind == 0:
            q = {"query": str(rng.choice(GENERAL))}  # common word: many matches
        elif kind == 1:
            q = {"query": str(corpus.tail[int(rng.integers(2000, len(corpus.tail)))])}  # rare word
        elif kind == 2:
            q = {"query": " ".join(rng.choice(topic, 2, replace=False))}
        elif kind == 3:
            q = {"query": " ".join([*rng.choice(topic, 2, replace=False), str(rng.choice(GENERAL))])}
        elif kind == 4:
            q = {"query": f'"{rng.choice(corpus.people)}"'}  # a person's name as a phrase
        elif kind == 5:
            q = {"query": f"{rng.choice(topic)} -{rng.choice(GENERAL)}"}
        elif kind == 6:
            d = last - timedelta(days=int(rng.integers(7, 300)))
            q = {"query": str(rng.choice(topic)), "day_from": d, "day_to": d + timedelta(days=6)}
        else:
            q = {
                "query": " ".join(rng.choice(topic, 2, replace=False)),
                "source": str(rng.choice(SOURCES)),
                "limit": 50,
            }
        out.append(q)
    return out


def _timed(fn, *args, **kwargs):
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.process_time() - cpu, time.perf_counter() - wall


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--keep", type=Path, help="build the warehouse here and keep it (default: a temp folder)")
    args = parser.parse_args()

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        _bench(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="bench_search_") as tmp:
            _bench(args, Path(tmp))


def _bench(args: argparse.Namespace, folder: Path) -> None:
    database = folder / "newsmon.duckdb"
    for stale in (database, database.with_name(database.name + ".wal")):
        stale.unlink(missing_ok=True)

    corpus = Corpus()
    (articles, story_articles, stories), _, gen_wall = _timed(_frames, corpus, args.articles)
    words = int(articles["word_count"].sum())
    print(
        f"generated {len(articles):,} articles, {words:,} words ({words / len(articles):.0f} per article), "
        f"{len(stories):,} stories in {gen_wall:.1f} s"
    )

    with db.writer(database) as conn:
        for name, frame in (("articles", articles), ("story_articles", story_articles), ("stories", stories)):
            conn.register("_frame", frame)
            cols = ", ".join(r[0] for r in conn.execute(f"describe {name}").fetchall())
            conn.execute(f"insert into {name} select {cols} from _frame")
            conn.unregister("_frame")
    size_before = database.stat().st_size
    del articles, story_articles, stories

    started = time.perf_counter()
    with db.writer(database) as conn:
        report, build_cpu, build_wall = _timed(update_search_index, conn)
    run_wall = time.perf_counter() - started
    size_after = database.stat().st_size
    print(
        f"index of every article (the first run after the migration): {build_wall:.2f} s wall, {build_cpu:.2f} s CPU"
        f" ({os.cpu_count()} cores, {report.articles:,} articles); whole writer run incl. copy, commit, "
        f"checkpoint and swap: {run_wall:.2f} s"
    )
    print(
        f"file size: {size_before / 2**20:,.1f} MiB without the index, {size_after / 2**20:,.1f} MiB with it "
        f"(+{(size_after - size_before) / 2**20:,.1f} MiB)"
    )
    day, more = _next_day(corpus, args.articles, 100)
    with db.writer(database) as conn:
        conn.register("_frame", more)
        cols = ", ".join(r[0] for r in conn.execute("describe articles").fetchall())
        conn.execute(f"insert into articles select {cols} from _frame")
        conn.unregister("_frame")
        report, day_cpu, day_wall = _timed(update_search_index, conn, day, day)
    print(
        f"a run's update for a new day of {report.indexed} articles: {day_wall * 1000:.0f} ms wall,"
        f" {day_cpu * 1000:.0f} ms CPU ({report.articles:,} articles indexed)"
    )

    conn = db.reader(database)
    queries = _queries(corpus, args.queries)
    cold, cold_cpu, cold_wall = _timed(search_articles, conn, **queries[0])
    print(
        f"first query on a fresh read-only connection ({queries[0]['query']!r}): {cold_wall * 1000:.0f} ms wall, "
        f"{cold_cpu * 1000:.0f} ms CPU, {len(cold)} hits"
    )
    walls, cpus, hits = [], [], []
    for q in queries:
        found, cpu, wall = _timed(search_articles, conn, **q)
        walls.append(wall)
        cpus.append(cpu)
        hits.append(len(found))
    conn.close()
    print(
        f"queries: {len(queries)} (8 kinds: common word, rare word, 2 topic words, 3 words, phrase, "
        f"exclusion, 7-day window, source filter with limit 50); hits per query median "
        f"{statistics.median(hits):.0f}, max {max(hits)}"
    )
    print(
        f"query latency wall: median {statistics.median(walls) * 1000:.0f} ms, p95 {_pct(walls, 0.95) * 1000:.0f} ms,"
        f" max {max(walls) * 1000:.0f} ms"
    )
    print(
        f"query latency CPU:  median {statistics.median(cpus) * 1000:.0f} ms, p95 {_pct(cpus, 0.95) * 1000:.0f} ms,"
        f" max {max(cpus) * 1000:.0f} ms"
    )
    by_kind: dict[int, list[float]] = {}
    for i, w in enumerate(walls):
        by_kind.setdefault(i % 8, []).append(w)
    names = ["common", "rare", "2 words", "3 words", "phrase", "exclusion", "7 days", "source"]
    print(
        "median wall by kind: "
        + ", ".join(f"{names[k]} {statistics.median(v) * 1000:.0f} ms" for k, v in sorted(by_kind.items()))
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    print(f"peak RSS of this process: {peak:,.0f} MiB (generation included)")
    print(f"warehouse: {database}" + ("" if args.keep else " (removed; pass --keep PATH to keep it)"))


if __name__ == "__main__":
    main()
