"""Print one table of every quality figure on the shared corpora: newsmon against the bare library.

    python bench/eval_quality.py              # all figures (the NER part takes a few minutes)
    python bench/eval_quality.py --skip-ner   # without CoNLL NER

Extraction (trafilatura-eval, raw bytes as the pipeline gets them): newsmon is html_article with
the chosen options; the library is trafilatura.bare_extraction(with_metadata=True) with its
defaults. Both run on each page in turn (alternating which goes first), timed in CPU seconds
(time.process_time), so the ms/page medians come from the same run on the same machine load.
The time ratio is given two ways: of the two medians (the issue's figure) and the median of the
per-page ratios (each page's pair is timed back to back, so it is steadier on a loaded machine).
Totals are not compared: a few pages cost whichever extractor meets them first seconds of
dateparser's first use of a locale, and htmldate's caches are shared.
Figures are given for the tune half (even index in URL order: the heuristics were tuned on it),
the held-out report half (odd index) and all pages. Scoring: bench/eval_extraction.py.

NER (conllpp-dev): exact-span F1 of entity_mentions (NER + rules) against the spaCy pipeline's
own entities, same model, both mapped to CoNLL types (transforms/ner_eval.py).

Dates (TimeBank/AQUAINT): share of DATE timexes resolved to the gold TIMEX3 value against the
document date: transforms.temporal as tests/transforms/test_timebank.py runs it, against
dateparser with the document date as its relative base (value written at the granularity
dateparser reports: day, week, month or year).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.eval_extraction import REFERENCE_DAY, Scores, add_page, gold_pages, halves  # noqa: E402

SHARED = Path(os.environ.get("NEWSMON_SHARED", ROOT.parent / "shared"))


@dataclass
class Row:
    """One line of the table."""

    figure: str
    where: str
    newsmon: float | None
    library: float | None
    library_name: str
    digits: int = 3


@dataclass
class _Timed:
    seconds: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return 1000 * statistics.median(self.seconds) if self.seconds else 0.0


def extraction_rows(eval_dir: Path) -> list[Row]:
    """Body F1, title, author and date accuracy and ms/page: html_article against trafilatura."""
    import trafilatura

    from transforms.html_extract import html_article

    pages = gold_pages(eval_dir)
    tune = {page.url for page in halves(pages)["tune"]}
    scores = {(who, half): Scores() for who in ("newsmon", "library") for half in ("tune", "report")}
    timed = {(who, half): _Timed() for who in ("newsmon", "library") for half in ("tune", "report")}

    def newsmon(raw: bytes, url: str) -> tuple[str, str | None, str | None, date | None]:
        result = html_article(raw, url=url, reference_day=REFERENCE_DAY)
        return result.text, result.title, result.author, result.published

    def library(raw: bytes, url: str) -> tuple[str, str | None, str | None, str | None]:
        document = trafilatura.bare_extraction(raw, url=url, with_metadata=True)
        if document is None:
            return "", None, None, None
        return document.text or "", document.title, document.author, document.date

    for i, page in enumerate(pages):
        raw = page.path.read_bytes()
        half = "tune" if page.url in tune else "report"
        # Alternate which runs first, so neither always pays for a cold cache.
        order = (("newsmon", newsmon), ("library", library))
        for who, extract in order if i % 2 == 0 else order[::-1]:
            start = time.process_time()
            text, title, author, published = extract(raw, page.url)
            timed[who, half].seconds.append(time.process_time() - start)
            add_page(scores[who, half], page, text, title, author, published)

    name = f"trafilatura {version('trafilatura')}"
    rows = []
    figures = (
        ("body text F1", lambda s: s.f1),
        ("body text precision", lambda s: s.precision),
        ("body text recall", lambda s: s.recall),
        ("title accuracy", lambda s: s.title_accuracy),
        ("date accuracy", lambda s: s.date_accuracy),
        ("author accuracy", lambda s: s.author_accuracy),
    )
    for figure, value in figures:
        for half in ("tune", "report", "all"):
            n, lib = _merged(scores, "newsmon", half), _merged(scores, "library", half)
            rows.append(Row(figure, f"trafilatura-eval {half} ({n.pages})", value(n), value(lib), name))
    for half in ("tune", "report", "all"):
        n, lib = _merged_times(timed, "newsmon", half), _merged_times(timed, "library", half)
        rows.append(Row("extraction ms/page (median CPU)", f"trafilatura-eval {half}", n, lib, name, 1))
    n, lib = _merged_times(timed, "newsmon", "all"), _merged_times(timed, "library", "all")
    rows.append(Row("extraction time, newsmon / library", "trafilatura-eval all", n / lib, 1.0, name, 2))
    # Each page's two timings are taken back to back, so their ratio is less exposed to the load of
    # a shared machine drifting during the run than the ratio of the two medians.
    pairs = [
        a / b
        for part in ("tune", "report")
        for a, b in zip(timed["newsmon", part].seconds, timed["library", part].seconds, strict=True)
        if b > 0
    ]
    rows.append(
        Row("extraction time, median page ratio", "trafilatura-eval all", statistics.median(pairs), 1.0, name, 2)
    )
    return rows


def _merged(scores: dict[tuple[str, str], Scores], who: str, half: str) -> Scores:
    if half == "all":
        return scores[who, "tune"] + scores[who, "report"]
    return scores[who, half]


def _merged_times(timed: dict[tuple[str, str], _Timed], who: str, half: str) -> float:
    parts = ("tune", "report") if half == "all" else (half,)
    return _Timed([s for part in parts for s in timed[who, part].seconds]).median_ms


def ner_rows(conll_path: Path) -> list[Row]:
    """Exact-span F1 on conllpp-dev: entity_mentions against the spaCy pipeline's own entities."""
    from flows.gazetteer import installed_gazetteer
    from transforms.entities import DEFAULT_MODEL, ArticleText, entity_mentions, load_nlp
    from transforms.ner_eval import CONLL_TYPE, SCORED_TYPES, span_scores

    with conll_path.open(encoding="utf-8") as lines:
        docs = [json.loads(line) for line in lines]
    gold = [(d["doc_id"], e["start"], e["end"], e["type"]) for d in docs for e in d["entities"]]
    nlp = load_nlp(DEFAULT_MODEL)
    result = entity_mentions(
        [ArticleText(article_id=str(d["doc_id"]), text=d["text"]) for d in docs], nlp, gazetteer=installed_gazetteer()
    )
    types = {e.entity_id: e.type for e in result.entities}
    ours = [
        (int(m.article_id), m.start, m.end, CONLL_TYPE.get(types[m.entity_id], "-"))
        for m in result.mentions
        if not m.in_headline
    ]
    bare = [
        (d["doc_id"], ent.start_char, ent.end_char, CONLL_TYPE.get(ent.label_, "-"))
        for d, doc in zip(docs, nlp.pipe(d["text"] for d in docs), strict=True)
        for ent in doc.ents
    ]
    ours_scores, bare_scores = span_scores(gold, ours), span_scores(gold, bare)
    name = f"spaCy {version('spacy')} NER ({DEFAULT_MODEL} model)"
    where = f"conllpp-dev ({len(docs)} docs)"
    return [Row(f"NER F1 {t}", where, ours_scores[t].f1, bare_scores[t].f1, name) for t in ("ALL", *SCORED_TYPES)]


def timebank_rows(corpora_dir: Path) -> list[Row]:
    """DATE timex resolution against the document date: transforms.temporal against dateparser."""
    from tests.transforms.test_timebank import SOURCES, _scored, _share

    rows_ours = _scored(corpora_dir)
    rows_bare = _dateparser_scored(corpora_dir, SOURCES)
    name = f"dateparser {version('dateparser')}"
    rows = [Row("TimeBank DATE value accuracy", f"all ({len(rows_ours)})", _share(rows_ours), _share(rows_bare), name)]
    for source in SOURCES:
        ours = [r for r in rows_ours if r["source"] == source]
        bare = [r for r in rows_bare if r["source"] == source]
        rows.append(Row("TimeBank DATE value accuracy", f"{source} ({len(ours)})", _share(ours), _share(bare), name))
    return rows


def _dateparser_scored(corpora_dir: Path, sources: dict[str, str]) -> list[dict[str, str | None]]:
    import re

    from dateparser.date import DateDataParser

    rows: list[dict[str, str | None]] = []
    for source, file_name in sources.items():
        with (corpora_dir / "timebank" / file_name).open(encoding="utf-8") as lines:
            for line in lines:
                doc = json.loads(line)
                reference = datetime.fromisoformat(doc["dct"][:10])
                parser = DateDataParser(
                    languages=["en"], settings={"RELATIVE_BASE": reference, "RETURN_TIME_AS_PERIOD": True}
                )
                for timex in doc["timexes"]:
                    if timex["type"] != "DATE":
                        continue
                    data = parser.get_date_data(timex["text"])
                    rows.append({
                        "source": source,
                        # The corpus writes some ISO weeks unpadded ("2000-W7"), as the test reads it.
                        "gold": re.sub(r"-W(\d)\b", r"-W0\1", timex["value"]),
                        "got": _timex_value(data.date_obj, data.period),
                    })  # fmt: skip
    return rows


def _timex_value(moment: datetime | None, period: str | None) -> str | None:
    if moment is None:
        return None
    if period == "year":
        return f"{moment.year:04d}"
    if period == "month":
        return f"{moment.year:04d}-{moment.month:02d}"
    if period == "week":
        year, week, _ = moment.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return moment.date().isoformat()


def table(rows: list[Row]) -> str:
    """The rows as one aligned text table."""
    library_names = list(dict.fromkeys(r.library_name for r in rows))
    lines = [f"{'figure':<36}{'where':<30}{'newsmon':>9}{'library':>9}  library"]
    lines.append("-" * len(lines[0]) + "-" * max(map(len, library_names), default=0))
    for r in rows:
        ours = "" if r.newsmon is None else f"{r.newsmon:.{r.digits}f}"
        theirs = "" if r.library is None else f"{r.library:.{r.digits}f}"
        lines.append(f"{r.figure:<36}{r.where:<30}{ours:>9}{theirs:>9}  {r.library_name}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help=f"the shared folder (default {SHARED})")
    parser.add_argument("--skip-ner", action="store_true", help="leave out the (slow) CoNLL NER figures")
    args = parser.parse_args(argv)

    corpora = args.shared / "corpora"
    if not corpora.is_dir():
        print(f"{corpora} is absent (it ships only with the team's workspace): nothing to measure.")
        return 0
    conll = corpora / "conllpp-dev" / "conllpp_dev.docs.jsonl"
    timebank = [corpora / "timebank" / name for name in ("tbaq_timebank.jsonl", "tbaq_aquaint.jsonl")]
    parts = [
        (
            "trafilatura-eval",
            [corpora / "trafilatura-eval" / "gold.json"],
            extraction_rows,
            corpora / "trafilatura-eval",
        ),
        ("conllpp-dev NER", [conll], ner_rows, conll),
        ("timebank", timebank, timebank_rows, corpora),
    ]
    rows: list[Row] = []
    skipped: list[str] = []
    for name, needed, rows_of, where in parts:
        if name == "conllpp-dev NER" and args.skip_ner:
            skipped.append(f"{name} (--skip-ner)")
        elif not all(path.is_file() for path in needed):
            skipped.append(f"{name} (absent)")
        else:
            start = time.perf_counter()
            rows += rows_of(where)
            print(f"{name}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    print(table(rows))
    if skipped:
        print(f"skipped: {', '.join(skipped)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
