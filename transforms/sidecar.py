"""Sidecar metadata (`<file>.meta.json`) read field by field: a bad field is reported and
dropped, the good ones are kept (a wrong date must not also lose the source and URL)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from newsmon.models import SidecarMeta
from transforms.display import shown
from transforms.json_limits import DUPLICATE_KEYS, loaded_json

# Longest value kept per field: longer ones are not metadata but a mistake (or an attack).
FIELD_MAX_CHARS = {"url": 2048, "source": 200, "title": 1000, "language": 35}
_WHAT = {"published_at": "a valid date", "url": "text", "source": "text", "title": "text", "language": "text"}


def sidecar_meta(raw: bytes) -> tuple[SidecarMeta, list[str]]:
    """The usable fields of a sidecar, and a readable problem for each field (or the file) that is not usable."""
    try:
        data = loaded_json(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return SidecarMeta(), [f"ignored: not UTF-8 text (byte {exc.start})"]
    except ValueError as exc:
        return SidecarMeta(), [f"ignored: {exc}"]
    if not isinstance(data, dict):
        return SidecarMeta(), [f"ignored: expected a JSON object of fields, got {type(data).__name__}"]
    problems = []
    kept: dict[str, Any] = {}
    for key in [k for k in data.get(DUPLICATE_KEYS, []) if k in SidecarMeta.model_fields]:
        problems.append(f'"{key}" is given more than once with different values: ignored')
    for name in SidecarMeta.model_fields:
        if name not in data or data[name] is None or name in data.get(DUPLICATE_KEYS, []):
            continue
        value = data[name]
        limit = FIELD_MAX_CHARS.get(name)
        if limit and isinstance(value, str) and len(value) > limit:
            problems.append(f"{name} is {len(value):,} characters, over {limit:,}: ignored")
            continue
        try:
            SidecarMeta.model_validate({name: value})
        except ValidationError:
            problems.append(f"{name} {_shown_value(value)} is not {_WHAT.get(name, 'valid')}: ignored")
            continue
        kept[name] = value
    return SidecarMeta.model_validate(kept), problems


def _shown_value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return shown(text if len(text) <= 60 else text[:57] + "...", one_line=True)
