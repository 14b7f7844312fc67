"""Score html_article configurations on trafilatura's evaluation set and print a table.

    python bench/eval_extraction.py                 # all configurations
    python bench/eval_extraction.py chosen recall   # some of them
    python bench/eval_extraction.py --language      # language-ID figures

Each configuration is scored on the tune half (pages whose index in URL order is even: the
heuristics in transforms/html_extract.py were tuned on these), the report half (odd: held out)
and all pages.

Text: each gold `with` snippet found is a true positive (missing: false negative), each
`without` snippet found a false positive (absent: true negative); precision, recall and F1
are pooled over all pages, as in trafilatura's own evaluation. Metadata: share of pages whose
title / author set / date equals the gold after normalisation (NFKC, folded whitespace,
casefold; authors split into a set of names; dates as YYYY-MM-DD).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from transforms.html_extract import CHOSEN_OPTIONS, ExtractionOptions, html_article  # noqa: E402
from transforms.language import _identifier, detected_language  # noqa: E402

DEFAULT_EVAL_DIR = ROOT.parent / "shared" / "corpora" / "trafilatura-eval"
# Stands in for the arrival day: the newest gold date is 2022-02-21, so no true date is cut off.
REFERENCE_DAY = date(2022, 3, 1)

CONFIGURATIONS: dict[str, ExtractionOptions] = {
    "trafilatura-defaults": ExtractionOptions(
        include_comments=True,
        captionless_date=False,
        title_without_site=False,
        clean_authors=False,
        min_paragraph_chars=0,
        vote=False,
        drop_walls=False,
        drop_headline=False,
    ),
    "chosen": CHOSEN_OPTIONS,
    # trafilatura's body text as it comes (our metadata steps kept): what the vote adds.
    "text-trafilatura-alone": ExtractionOptions(vote=False, drop_walls=False, drop_headline=False),
    "no-headline-step": ExtractionOptions(drop_headline=False),
    "no-vote": ExtractionOptions(vote=False),
    "no-furniture": ExtractionOptions(drop_furniture=False),
    "no-walls-no-furniture": ExtractionOptions(drop_walls=False),
    "no-comments": ExtractionOptions(),
    "favor_precision": ExtractionOptions(favor_precision=True),
    "favor_recall": ExtractionOptions(favor_recall=True),
    "no_fallback": ExtractionOptions(no_fallback=True),
    "no-tables": ExtractionOptions(include_tables=False),
    "captions-kept": ExtractionOptions(captionless_date=False),
    "date-not-extensive": ExtractionOptions(extensive_date_search=False),
    "date-not-original": ExtractionOptions(original_date=False),
    "title-as-is": ExtractionOptions(title_without_site=False),
    "authors-as-trafilatura": ExtractionOptions(clean_authors=False),
    "keep-short-text": ExtractionOptions(min_paragraph_chars=0),
}


@dataclass(frozen=True)
class GoldPage:
    url: str
    path: Path
    title: str | None
    author: str | list[str] | None
    date: str | None
    with_: tuple[str, ...]
    without: tuple[str, ...]


@dataclass
class Scores:
    """Pooled counts over a run; the properties are the figures reported."""

    pages: int = 0
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    title_ok: int = 0
    author_ok: int = 0
    date_ok: int = 0
    empty: int = 0
    seconds: float = 0.0
    misses: Counter[str] = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def title_accuracy(self) -> float:
        return self.title_ok / self.pages if self.pages else 0.0

    @property
    def author_accuracy(self) -> float:
        return self.author_ok / self.pages if self.pages else 0.0

    @property
    def date_accuracy(self) -> float:
        return self.date_ok / self.pages if self.pages else 0.0

    @property
    def ms_per_page(self) -> float:
        return 1000 * self.seconds / self.pages if self.pages else 0.0

    def __add__(self, other: Scores) -> Scores:
        total = Scores()
        for name in ("pages", "tp", "fn", "fp", "tn", "title_ok", "author_ok", "date_ok", "empty", "seconds"):
            setattr(total, name, getattr(self, name) + getattr(other, name))
        total.misses = self.misses + other.misses
        return total

    def figures(self) -> dict[str, float]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "title_accuracy": round(self.title_accuracy, 4),
            "author_accuracy": round(self.author_accuracy, 4),
            "date_accuracy": round(self.date_accuracy, 4),
        }


def gold_pages(eval_dir: Path) -> list[GoldPage]:
    """The evaluation set's pages with their gold answers, in URL order."""
    gold = json.loads((eval_dir / "gold.json").read_text(encoding="utf-8"))
    return [
        GoldPage(
            url=url,
            path=eval_dir / "html" / item["file"],
            title=item.get("title"),
            author=item.get("author"),
            date=item.get("date"),
            with_=tuple(item.get("with") or ()),
            without=tuple(item.get("without") or ()),
        )
        for url, item in sorted(gold.items())
    ]


def halves(pages: list[GoldPage]) -> dict[str, list[GoldPage]]:
    """Tune half (even index), report half (odd index) and all pages."""
    return {"tune": pages[0::2], "report": pages[1::2], "all": pages}


# Typographic quotes and dashes vary between a page's <title>, its body and the gold.
_PUNCTUATION = str.maketrans(
    dict.fromkeys("‘’‚‛′`´", "'") | dict.fromkeys("“”„‟″«»", '"') | dict.fromkeys("‐‑‒–—―−", "-")
)


def normalised(value: str) -> str:
    """NFKC, typographic quotes and dashes folded, whitespace folded, casefolded."""
    value = unicodedata.normalize("NFKC", value).translate(_PUNCTUATION)
    return " ".join(value.split()).casefold()


_NAME_SEPARATORS = re.compile(r"\s*(?:;|,|&|/|\|)\s*|\s+(?:and|und|et|y|e|i)\s+", re.IGNORECASE)
_NAME_PREFIX = re.compile(r"^(?:by|von|par|por|di|door|av)\s+", re.IGNORECASE)


def author_names(value: str | list[str] | None) -> frozenset[str]:
    """A byline as a set of normalised names ("Von A und B" -> {"a", "b"})."""
    if not value:
        return frozenset()
    parts = value if isinstance(value, list) else [value]
    names = set()
    for part in parts:
        for name in _NAME_SEPARATORS.split(normalised(part)):
            name = _NAME_PREFIX.sub("", name).strip(" .:-")
            if name:
                names.add(name)
    return frozenset(names)


_DATE = re.compile(r"(\d{4})\D(\d{1,2})\D(\d{1,2})")


def iso_day(value: str | date | None) -> str | None:
    """A date as YYYY-MM-DD (the gold has the odd "2022-01.26")."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    match = _DATE.search(value)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def scored(
    pages: list[GoldPage],
    options: ExtractionOptions = CHOSEN_OPTIONS,
    reference_day: date | None = REFERENCE_DAY,
) -> Scores:
    """Run html_article over the pages (raw bytes, as the pipeline gets them) and score it."""
    scores = Scores()
    for page in pages:
        raw = page.path.read_bytes()
        start = time.perf_counter()
        result = html_article(raw, url=page.url, reference_day=reference_day, options=options)
        scores.seconds += time.perf_counter() - start
        add_page(scores, page, result.text, result.title, result.author, result.published)
    return scores


def add_page(
    scores: Scores,
    page: GoldPage,
    text: str | None,
    title: str | None,
    author: str | None,
    published: str | date | None,
) -> None:
    """Count one page's extraction against its gold answers."""
    scores.pages += 1
    text = normalised(text or "")
    scores.empty += not text
    for snippet in page.with_:
        if normalised(snippet) in text:
            scores.tp += 1
        else:
            scores.fn += 1
    for snippet in page.without:
        if normalised(snippet) in text:
            scores.fp += 1
        else:
            scores.tn += 1
    if page.title and title and normalised(page.title) == normalised(title):
        scores.title_ok += 1
    else:
        scores.misses["title"] += 1
    if author_names(page.author) == author_names(author):
        scores.author_ok += 1
    else:
        scores.misses["author"] += 1
    if iso_day(page.date) == iso_day(published):
        scores.date_ok += 1
    else:
        scores.misses["date"] += 1


def language_figures(pages: list[GoldPage]) -> dict[str, float]:
    """Agreement of text-only detection with each page's declared <html lang>."""
    from transforms.html_extract import _tree_language as tree_language
    from transforms.html_extract import decoded_html, load_html

    declared_pages = agree = short = confident_disagree = 0
    prefix_lengths = (40, 80, 150, 300)
    prefix_agree = dict.fromkeys(prefix_lengths, 0)
    disagreements: list[tuple[str, str, str | None, float]] = []
    start = time.perf_counter()
    for page in pages:
        html, _ = decoded_html(page.path.read_bytes())
        tree = load_html(html)
        declared = tree_language(tree) if tree is not None else None
        if declared is None:
            continue
        result = html_article(html, url=page.url, reference_day=REFERENCE_DAY)
        declared_pages += 1
        code, probability = detected_language(result.text)
        # How short can a text be? Detection on its first N characters against the full text's.
        for length in prefix_lengths:
            prefix_code, _ = _identifier().classify(result.text[:length])
            prefix_agree[length] += prefix_code == code
        if code is None:
            short += 1
        elif code == declared:
            agree += 1
        else:
            confident_disagree += probability >= 0.9
            disagreements.append((page.url, declared, code, probability))
    for url, declared, code, probability in disagreements:
        print(f"  declared {declared} detected {code} ({probability:.2f})  {url}")
    return {
        "pages_with_declared_lang": declared_pages,
        "agree": agree,
        "too_short": short,
        "disagree": len(disagreements),
        "disagree_confident": confident_disagree,
        "agreement": round(agree / max(1, declared_pages - short), 4),
        **{
            f"prefix_{n}_agrees_with_full_text": round(prefix_agree[n] / max(1, declared_pages), 4)
            for n in prefix_lengths
        },
        "seconds": round(time.perf_counter() - start, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("configs", nargs="*", help=f"any of {', '.join(CONFIGURATIONS)}")
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--limit", type=int, default=None, help="first N pages only")
    parser.add_argument("--language", action="store_true", help="language-ID figures instead")
    parser.add_argument("--no-reference-day", action="store_true", help="no upper date bound")
    args = parser.parse_args(argv)

    pages = gold_pages(args.eval_dir)[: args.limit]
    if args.language:
        print(json.dumps(language_figures(pages), indent=2))
        return
    names = args.configs or list(CONFIGURATIONS)
    header = (
        f"{'configuration':<24}{'half':<8}{'P':>7}{'R':>7}{'F1':>7}{'title':>7}{'author':>8}{'date':>7}"
        f"{'empty':>7}{'ms/page':>9}"
    )
    reference_day = None if args.no_reference_day else REFERENCE_DAY
    print(f"{len(pages)} pages, reference day {reference_day}; tune = even index in URL order, report = odd")
    print(header)
    split = halves(pages)
    for name in names:
        tune = scored(split["tune"], CONFIGURATIONS[name], reference_day)
        report = scored(split["report"], CONFIGURATIONS[name], reference_day)
        for half, s in (("tune", tune), ("report", report), ("all", tune + report)):
            print(
                f"{name:<24}{half:<8}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.title_accuracy:>7.3f}"
                f"{s.author_accuracy:>8.3f}{s.date_accuracy:>7.3f}{s.empty:>7d}{s.ms_per_page:>9.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
