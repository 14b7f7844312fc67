"""Data contracts: Great Expectations suites stored as JSON, run by one helper."""

from expectations.runner import (
    RowFailure,
    TableFailure,
    Validation,
    load_suite,
    suite_parameters,
    suite_path,
    validate_frame,
)

__all__ = [
    "RowFailure",
    "TableFailure",
    "Validation",
    "load_suite",
    "suite_parameters",
    "suite_path",
    "validate_frame",
]
