"""Text shown to a person (terminal, Markdown, HTML) with control and bidi characters made harmless.

Stored values stay as they came (nothing is lost); only what is printed is changed:
terminal escapes (ESC, CSI), other C0/C1 controls, and bidi overrides/isolates (which can
make `evil\u202etxt.exe` read as `evilexe.txt`) are shown as visible escapes such as `\\x1b`
or `\\u202e`.
"""

from __future__ import annotations

import logging
import re
from typing import Any, TextIO

# Bidi *marks* (U+200E/F, U+061C) stay: they do not reorder text around them, and RTL text uses them.
# A carriage return ending a line ("\r\n", as CSV writes) is kept; a bare one (which lets text
# overwrite what a terminal shows) is not.
_CONTROL_AND_BIDI = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_UNSHOWN = re.compile(f"[{_CONTROL_AND_BIDI}]|\\r(?!\\n)")
_UNSHOWN_LINE = re.compile(f"[\\t\\n\\r{_CONTROL_AND_BIDI}]")


def shown(text: str, *, one_line: bool = False) -> str:
    """`text` with control and bidi characters as visible escapes (tabs/newlines too when `one_line`)."""
    pattern = _UNSHOWN_LINE if one_line else _UNSHOWN
    return pattern.sub(_escape, text)


def shown_name(name: str) -> str:
    """A file name or path as shown: undecodable bytes as `\\xNN`, controls and bidi characters escaped."""
    return shown(name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"), one_line=True)


def _escape(m: re.Match[str]) -> str:
    return m.group().encode("unicode_escape").decode("ascii")


class ShownLogFilter(logging.Filter):
    """Log lines with control and bidi characters made visible (file names and titles end up in logs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _UNSHOWN.search(message):
            record.msg, record.args = shown(message), None
        return True


class ShownStream:
    """A text stream that writes everything through `shown` (for a terminal's standard output)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(shown(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
