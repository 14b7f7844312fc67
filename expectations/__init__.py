"""Data contracts: Great Expectations suites stored as JSON, run by one helper."""

from expectations.data_docs import OfflineReport, make_offline
from expectations.runner import (
    RowFailure,
    TableFailure,
    Validation,
    docs_batch,
    load_suite,
    suite_parameters,
    suite_path,
    validate_frame,
)

__all__ = [
    "OfflineReport",
    "RowFailure",
    "TableFailure",
    "Validation",
    "docs_batch",
    "load_suite",
    "make_offline",
    "suite_parameters",
    "suite_path",
    "validate_frame",
]
