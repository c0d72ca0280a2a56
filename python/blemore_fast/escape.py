"""Names and values echoed to a terminal or a log, made harmless.

A participant chooses the clip names and values that the scoring program
and ``blemore-fast validate`` echo back. Raw, a name holding ``ESC[31m``
would drive the reader's terminal, and one holding U+202E would reverse
the text around it. Every echoed name and value is therefore shown with
control characters escaped: C0 (but newline and tab, which lay out the
output), DEL, C1, and the bidirectional controls U+202A-U+202E and
U+2066-U+2069, as ``\\x1b``, ``\\x7f``, ``\\u202e``. HTML output escapes for
HTML instead.

>>> print(escape_text("clip\\x1b[31m\\u202e.mov"))
clip\\x1b[31m\\u202e.mov
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["escape_text", "escape_values"]

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_text(text: str) -> str:
    """``text`` with every control character escaped (see the module's notes)."""
    return _CONTROL.sub(_escaped, text)


def escape_values(value: Any) -> Any:
    """Every string in a JSON-ready value (keys too) escaped, for ``--json`` output."""
    if isinstance(value, str):
        return escape_text(value)
    if isinstance(value, dict):
        return {escape_values(k): escape_values(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [escape_values(v) for v in value]
    return value
