"""Run a Great Expectations suite on a pandas frame and name the rows that fail it.

Great Expectations is imported lazily (importing it takes seconds), and one
ephemeral Data Context per docs folder is kept for the life of the process, with what is
costly to make: suites, checkpoints, and the data docs site builder (its Jinja templates
compile once per process, not once per validation).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import importlib.abc
import importlib.machinery
import importlib.util
import json
import logging
import os
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )
    from great_expectations.data_context import AbstractDataContext

SUITES_DIR = Path(__file__).resolve().parent
DOCS_SITE = "newsmon"
# Raw validation results behind the HTML pages. GE's index builder deletes pages whose
# result is missing from the results store, so the results must outlive the process.
RESULTS_SUBDIR = "_results"
RESULTS_STORE = "newsmon_validation_results"
_VALUE_CHARS = 80  # longest value quoted in a reason

_LOCK = threading.Lock()  # GE contexts are not thread-safe; Prefect may run tasks in threads
_CONTEXTS: dict[Path | None, _Context] = {}


class RowFailure(BaseModel):
    """One expectation that one row failed."""

    key: Any  # the row's key value (doc_id, article_id, ...)
    expectation: str  # GE expectation type
    column: str | None
    reason: str
    value: Any = None  # the offending value, shortened when long


class TableFailure(BaseModel):
    """An expectation that failed without naming rows (table-level, or an error)."""

    expectation: str
    column: str | None
    reason: str


class Validation(BaseModel):
    """The outcome of one suite on one frame."""

    suite: str
    success: bool
    failures: list[RowFailure] = Field(default_factory=list)
    table_failures: list[TableFailure] = Field(default_factory=list)
    statistics: dict[str, Any] = Field(default_factory=dict)
    docs_index: Path | None = None
    raw: Any = Field(default=None, exclude=True, repr=False)  # ExpectationSuiteValidationResult

    @property
    def failed_keys(self) -> list[Any]:
        """Keys of the rows with at least one failure, in first-failure order."""
        return list(dict.fromkeys(failure.key for failure in self.failures))

    def reasons_by_key(self) -> dict[Any, list[RowFailure]]:
        """Failures grouped by row key."""
        grouped: dict[Any, list[RowFailure]] = {}
        for failure in self.failures:
            grouped.setdefault(failure.key, []).append(failure)
        return grouped


def suite_path(suite_name: str) -> Path:
    """Path of the JSON file holding a suite."""
    return SUITES_DIR / f"{suite_name}.json"


def suite_parameters(suite_name: str) -> dict[str, Any]:
    """Default parameter values stored in a suite's `meta.newsmon.parameters`."""
    raw = json.loads(suite_path(suite_name).read_text(encoding="utf-8"))
    return dict(raw.get("meta", {}).get("newsmon", {}).get("parameters", {}))


def load_suite(suite_name: str) -> ExpectationSuite:
    """Read a suite from its JSON file (GE's own suite format)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _imported_gx()
        from great_expectations.core.expectation_suite import ExpectationSuite

    raw = json.loads(suite_path(suite_name).read_text(encoding="utf-8"))
    return ExpectationSuite(**raw)


def validate_frame(
    suite_name: str,
    frame: pd.DataFrame,
    key: str,
    params: dict[str, Any] | None = None,
    docs_dir: Path | None = None,
    run_name: str | None = None,
) -> Validation:
    """Validate `frame` against a stored suite; each failing row is named by its `key` column."""
    if key not in frame.columns:
        raise ValueError(f"key column {key!r} is not in the frame")
    values = _parameters(suite_name, params)
    frame = _utc_datetimes(frame)
    result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": [key]}
    with _LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        context = _context(docs_dir)
        result = context.run(suite_name, key, frame, values, result_format, run_name)
        index = context.docs_index
    return _validation(suite_name, key, result, index)


class _DocsBatch:
    """How many `docs_batch` blocks are open, in any thread (Prefect may run tasks in threads)."""

    depth = 0


_DOCS_BATCH = _DocsBatch()


@contextlib.contextmanager
def docs_batch() -> Iterator[None]:
    """Validations inside write their data docs pages once, at the end, instead of one by one.

    Building the pages and the index (GE's site builder, then `make_offline`) is most of a
    small validation's cost, and the index is rebuilt whole each time: a run that validates
    six stages a day builds it once. The pages are written however the block ends, so a failed
    run's validations can be looked at; an error writing them does not hide the run's own.
    """
    _DOCS_BATCH.depth += 1
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        _DOCS_BATCH.depth -= 1
        if not _DOCS_BATCH.depth:
            _build_pending_docs(quiet=failed)


def _build_pending_docs(quiet: bool) -> None:
    with _LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for context in list(_CONTEXTS.values()):
            try:
                context.build_docs()
            except Exception:
                if not quiet:
                    raise
                logging.getLogger(__name__).warning("data docs not written", exc_info=True)


class _Context:
    """One ephemeral GE context, with a local data docs site when a folder is given."""

    def __init__(self, docs_dir: Path | None) -> None:
        gx = _imported_gx()
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        defaults = InMemoryStoreBackendDefaults()
        sites: dict[str, Any] = {}
        if docs_dir is not None:
            # A store of our own class under a name of its own: when no store has GE's default
            # class, GE's config puts an in-memory one under the default name (over ours).
            defaults.validation_results_store_name = RESULTS_STORE
            defaults.stores[RESULTS_STORE] = {
                "module_name": "expectations.results_store",
                "class_name": "WriteOnceResultsStore",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir / RESULTS_SUBDIR),
                },
            }
            sites[DOCS_SITE] = {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        defaults.data_docs_sites = sites
        config = DataContextConfig(
            store_backend_defaults=defaults,
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        )
        self.gx = gx
        self.context: AbstractDataContext = gx.get_context(mode="ephemeral", project_config=config)
        self.source = self.context.data_sources.add_pandas("newsmon")
        self.docs_index = docs_dir / "index.html" if docs_dir is not None else None
        # What UpdateDataDocsAction builds after a validation, made once: the action makes a new
        # site builder per call, which compiles every Jinja template again (most of its time).
        self.site = _site_builder(self.context) if docs_dir is not None else None
        self._suites: dict[str, ExpectationSuite] = {}
        self._runners: dict[tuple[str, str], Any] = {}
        # Validations whose data docs pages are not written yet (inside `docs_batch`), and the
        # parameter values each suite's page shows: those of its latest validation.
        self._pending: list[tuple[Any, Any]] = []
        self._pending_values: dict[str, dict[str, Any]] = {}

    def run(
        self,
        suite_name: str,
        key: str,
        frame: pd.DataFrame,
        values: dict[str, Any],
        result_format: dict[str, Any],
        run_name: str | None = None,
    ) -> Any:
        """Validate one frame; through a checkpoint (which stores the result) and data docs when docs are on."""
        runner = self._runner(suite_name, key, result_format)
        if self.site is None:
            batch = runner.get_batch(batch_parameters={"dataframe": frame})
            return batch.validate(
                self._suites[suite_name],
                expectation_parameters=values,
                result_format=result_format,
            )
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

        checkpoint_result = runner.run(
            batch_parameters={"dataframe": frame},
            expectation_parameters=values,
            run_id=RunIdentifier(run_name=run_name, run_time=dt.datetime.now(dt.UTC)),
        )
        ((result_id, result),) = checkpoint_result.run_results.items()
        self._pending.append((result_id, ExpectationSuiteIdentifier(name=suite_name)))
        self._pending_values[suite_name] = values
        if not _DOCS_BATCH.depth:
            self.build_docs()
        return result

    def build_docs(self) -> None:
        """Write the data docs pages of the validations not yet shown, and the index, once."""
        if self.site is None or not self._pending:
            return
        pending, values = self._pending, self._pending_values
        self._pending, self._pending_values = [], {}
        # The pages UpdateDataDocsAction would write: each result's, its suite's, and the index.
        identifiers = list(dict.fromkeys(identifier for pair in pending for identifier in pair))
        self.site.build(resource_identifiers=identifiers)
        # GE's pages load CDN assets, lose suite pages that others link to, and show $PARAMETER.
        from expectations.data_docs import make_offline

        make_offline(self.docs_index.parent, values)

    def _runner(self, suite_name: str, key: str, result_format: dict[str, Any]) -> Any:
        """A batch definition (no docs) or a checkpoint (docs), made once per suite and key."""
        if (suite_name, key) in self._runners:
            return self._runners[(suite_name, key)]
        if suite_name not in self._suites:
            self._suites[suite_name] = self.context.suites.add(load_suite(suite_name))
        name = f"{suite_name}__{key}"
        asset = self.source.add_dataframe_asset(name)
        batch_definition = asset.add_batch_definition_whole_dataframe(name)
        runner: Any = batch_definition
        if self.site is not None:
            definition = self.context.validation_definitions.add(
                self.gx.ValidationDefinition(name=name, data=batch_definition, suite=self._suites[suite_name])
            )
            runner = self.context.checkpoints.add(
                self.gx.Checkpoint(
                    name=name,
                    validation_definitions=[definition],
                    actions=[],  # data docs: self.site, in run()
                    result_format=result_format,
                )
            )
        self._runners[(suite_name, key)] = runner
        return runner


def _site_builder(context: AbstractDataContext) -> Any:
    """The context's data docs site builder, made as GE's `build_data_docs` makes it."""
    from great_expectations.data_context.util import instantiate_class_from_config

    return instantiate_class_from_config(
        config=context.variables.data_docs_sites[DOCS_SITE],
        runtime_environment={
            "data_context": context,
            "root_directory": context.root_directory,
            "site_name": DOCS_SITE,
        },
        config_defaults={
            "class_name": "SiteBuilder",
            "module_name": "great_expectations.render.renderer.site_builder",
        },
    )


def _context(docs_dir: Path | None) -> _Context:
    """The process's context for this docs folder, made on first use."""
    folder = Path(docs_dir).resolve() if docs_dir is not None else None
    if folder not in _CONTEXTS:
        _CONTEXTS[folder] = _Context(folder)
    return _CONTEXTS[folder]


# Modules great_expectations imports at start-up for expectations and renderers newsmon's suites
# do not use (KL divergence, distribution charts): about 0.7 s of CPU per process. They are
# imported lazily: the module object is made at once, and its code runs on first use.
_UNUSED_BY_OUR_SUITES = frozenset({"scipy.stats", "altair"})


class _LazyFinder(importlib.abc.MetaPathFinder):
    """Finds the named modules with the usual finders, and defers running their code."""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name not in self.names:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or not isinstance(spec.loader, importlib.abc.Loader) or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


@contextlib.contextmanager
def _deferred(names: frozenset[str]):
    """While open, importing one of `names` (not yet imported) gives a lazily loaded module."""
    finder = _LazyFinder(names - sys.modules.keys())
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


def _imported_gx() -> Any:
    """great_expectations, imported quietly (analytics off, log chatter away from the user).

    The import makes some 180,000 long-lived objects (classes, pydantic models, registries).
    Left to the cyclic garbage collector they are scanned again by every full collection of
    the run and by the last ones at exit, about 1.5 s of CPU per run (bench/bench_fixed_cost.py);
    so the import runs with the collector paused and what it made is moved to the permanent
    generation (gc.freeze). Whatever else is alive at that moment is frozen with it, once per
    process: it is freed all the same unless it later becomes garbage in a reference cycle.
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    if "great_expectations" in sys.modules:
        return sys.modules["great_expectations"]
    collecting = gc.isenabled()
    gc.disable()
    try:
        with _deferred(_UNUSED_BY_OUR_SUITES):
            import great_expectations

        gc.freeze()
    finally:
        if collecting:
            gc.enable()
    return great_expectations


def _parameters(suite_name: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """Suite defaults overlaid with the caller's values; dates become aware UTC timestamps."""
    values = {**suite_parameters(suite_name), **(params or {})}
    missing = sorted(name for name, value in values.items() if value is None)
    if missing:
        raise ValueError(f"suite {suite_name!r} needs parameter(s) {missing}")
    return {name: _comparable(value) for name, value in values.items()}


def _comparable(value: Any) -> Any:
    """A date or datetime as an aware UTC timestamp (naive ones are taken as UTC)."""
    if isinstance(value, dt.date):  # datetime is a date too
        stamp = pd.Timestamp(value)
        return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return value


def _utc_datetimes(frame: pd.DataFrame) -> pd.DataFrame:
    """Datetime columns as aware UTC, so they compare with the suites' aware bounds.

    Python datetimes with mixed offsets (or mixed naive and aware) arrive as an object
    column, which pandas cannot compare with one bound; naive values are taken as UTC.
    """
    converted = {
        name: _utc_column(frame[name])
        for name in frame.columns
        if pd.api.types.is_datetime64_any_dtype(frame[name].dtype) or _holds_datetimes(frame[name])
    }
    return frame.assign(**converted) if converted else frame


def _holds_datetimes(column: pd.Series) -> bool:
    values = column.dropna()
    return column.dtype == object and not values.empty and all(isinstance(value, dt.datetime) for value in values)


def _utc_column(column: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return pd.to_datetime(column, utc=True)
    return pd.to_datetime(column.map(_comparable, na_action="ignore"), utc=True)


def _validation(suite_name: str, key: str, result: Any, docs_index: Path | None) -> Validation:
    failures: list[RowFailure] = []
    table_failures: list[TableFailure] = []
    for item in result.results:
        if item.success:
            continue
        kind = item.expectation_config.type
        column = item.expectation_config.kwargs.get("column")
        error = _error_message(item)
        rows = item.result.get("unexpected_index_list") if error is None else None
        if rows is None:
            reason = error or _table_reason(item)
            table_failures.append(TableFailure(expectation=kind, column=column, reason=f"{reason} ({kind})"))
            continue
        for row in rows:
            value = row.get(column, row.get(key)) if column else None
            failures.append(
                RowFailure(
                    key=_plain(row.get(key)),
                    expectation=kind,
                    column=column,
                    reason=f"{_row_reason(item, value)} ({kind})",
                    value=short_value(_plain(value)),
                )
            )
    return Validation(
        suite=suite_name,
        success=bool(result.success),
        failures=failures,
        table_failures=table_failures,
        statistics=dict(result.statistics),
        docs_index=docs_index if docs_index is not None and docs_index.exists() else None,
        raw=result,
    )


def _error_message(item: ExpectationValidationResult) -> str | None:
    """The exception GE caught while evaluating an expectation, if any.

    `exception_info` is either one {raised_exception, exception_message} dict or a dict of
    them keyed by metric id (when a metric failed to compute).
    """
    info = item.exception_info or {}
    candidates = [info] if "raised_exception" in info else list(info.values())
    for candidate in candidates:
        if isinstance(candidate, dict) and candidate.get("raised_exception"):
            return f"could not be evaluated: {candidate.get('exception_message')}"
    return None


def _row_reason(item: ExpectationValidationResult, value: Any) -> str:
    """A sentence saying why one value failed one expectation."""
    kind = item.expectation_config.type
    kwargs = item.expectation_config.kwargs
    column = kwargs.get("column")
    shown = repr(short_value(_plain(value)))
    if kind == "expect_column_values_to_not_be_null":
        return f"{column} is missing"
    if kind == "expect_column_values_to_be_unique":
        return f"{column} {shown} occurs more than once"
    if kind == "expect_column_values_to_be_in_set":
        return f"{column} {shown} is not one of {list(kwargs.get('value_set') or [])}"
    if kind == "expect_column_values_to_match_regex":
        return f"{column} {shown} does not match {kwargs.get('regex')}"
    if kind == "expect_column_value_lengths_to_be_between":
        length = len(value) if isinstance(value, str) else None
        return f"{column} is {length} characters long; {_bounds(kwargs, 'characters')}"
    if kind == "expect_column_values_to_be_between":
        return f"{column} is {_plain(value)}; {_bounds(kwargs)}"
    return f"{column} {shown} fails the expectation"


def _bounds(kwargs: dict[str, Any], unit: str = "") -> str:
    """'at least 200 are required', 'at most 300 are allowed' or 'it must be between a and b'."""
    low, high = _number(kwargs.get("min_value")), _number(kwargs.get("max_value"))
    if unit and high is None:
        return f"at least {low} are required"
    if unit and low is None:
        return f"at most {high} are allowed"
    if high is None:
        return f"it must be at least {low}"
    if low is None:
        return f"it must be at most {high}"
    return f"it must be between {low} and {high}"


def _table_reason(item: ExpectationValidationResult) -> str:
    """A sentence for a failed expectation that names no rows."""
    result = item.result or {}
    mismatched = (result.get("details") or {}).get("mismatched") or {}
    if mismatched.get("missing"):
        return f"columns missing: {sorted(mismatched['missing'])}"
    if "observed_value" in result:
        return f"observed {result['observed_value']!r}"
    return "failed"


def _number(value: Any) -> Any:
    """A bound as written: 40 rather than the 40.0 GE turns it into."""
    value = _plain(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _plain(value: Any) -> Any:
    """Numpy and pandas scalars as plain Python values; NaN and NaT as None."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def short_value(value: Any) -> Any:
    if isinstance(value, str) and len(value) > _VALUE_CHARS:
        return value[: _VALUE_CHARS - 1] + "…"
    return value
