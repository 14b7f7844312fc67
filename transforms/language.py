"""Language identification of extracted text, reconciled with the page's declared language."""

from __future__ import annotations

import re
from functools import cache

from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

# Below this many letters py3langid's guesses are close to noise (measured: see docs/extraction.md).
MIN_LETTERS = 40
# A detection this confident overrides a conflicting declaration (templates often keep lang="en").
CONFIDENT = 0.90
# Only the first part of a long text is classified: the answer does not change, the cost does.
_MAX_CHARS = 5000

_DECLARED = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$")


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


def declared_language(value: str | None) -> str | None:
    """The primary subtag of an html `lang` / content-language value (`de-AT` -> `de`), or None."""
    if not value:
        return None
    # content-language may list several ("de, en"): the first is the main one
    match = _DECLARED.match(value.split(",")[0])
    if not match:
        return None
    code = match.group(1).lower()
    return None if code in {"und", "mul", "zxx", "xx"} else code


def detected_language(text: str, declared: str | None = None) -> tuple[str | None, float]:
    """ISO 639-1 code of the text and py3langid's normalised probability for it.

    Texts with fewer than MIN_LETTERS letters are not classified: the declared language (if any)
    is returned with confidence 0.0, else (None, 0.0). A declared language wins over a conflicting
    detection unless the detection is at least CONFIDENT.
    """
    declared_code = declared_language(declared)
    sample = text[:_MAX_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return declared_code, 0.0
    code, probability = _identifier().classify(sample)
    probability = float(probability)
    if declared_code is None or code == declared_code or probability >= CONFIDENT:
        return code, probability
    # Unsure detection: keep the declaration, with the probability the model gives it.
    ranked = dict(_identifier().rank(sample))
    return declared_code, float(ranked.get(declared_code, 0.0))
