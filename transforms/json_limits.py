"""JSON from untrusted files, read within explicit limits and with readable refusals.

- nesting deeper than `MAX_DEPTH` is refused before parsing (the standard parser would
  raise RecursionError, or worse, exhaust the stack);
- integers longer than `MAX_DIGITS` are refused (Python refuses over 4,300 anyway, with a
  message about "integer string conversion");
- NaN, Infinity (not JSON, but Python accepts them) and numbers too big for a float read as null;
- a key repeated in one object with different values is recorded under `DUPLICATE_KEYS`
  so the caller can refuse that record rather than guess which value was meant.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_DEPTH = 100
MAX_DIGITS = 1000
DUPLICATE_KEYS = "\x00duplicate_keys"  # cannot collide with a real key: JSON text cannot hold a raw NUL key from us
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


class JsonLimitError(ValueError):
    """JSON that breaks one of the limits, or is not JSON; the message says which and where."""


def json_depth(text: str) -> int:
    """Deepest nesting of arrays/objects in `text` (brackets inside strings do not count)."""
    depth = deepest = 0
    for ch in _NOT_BRACKETS.sub("", _STRINGS.sub("", text)):
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def loaded_json(text: str) -> Any:
    """Parse `text` within the limits above; JsonLimitError (a ValueError) with a readable reason otherwise."""
    depth = json_depth(text)
    if depth > MAX_DEPTH:
        raise JsonLimitError(f"json nesting depth {depth:,} exceeds {MAX_DEPTH}")
    try:
        return json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant, object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        raise JsonLimitError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise JsonLimitError(f"json nesting too deep to read (limit {MAX_DEPTH})") from None


def _int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise JsonLimitError(f"json number of {len(digits):,} digits exceeds {MAX_DIGITS:,}")
    return int(digits)


def _float(text: str) -> float | None:
    if len(text) > MAX_DIGITS:
        raise JsonLimitError(f"json number of {len(text):,} characters exceeds {MAX_DIGITS:,}")
    value = float(text)
    return value if math.isfinite(value) else None


def _constant(_name: str) -> None:
    return None


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    repeated: list[str] = []
    for key, value in pairs:
        if key in out and out[key] != value and key not in repeated:
            repeated.append(key)
        out[key] = value
    if repeated:
        out[DUPLICATE_KEYS] = repeated
    return out
