"""YAML for the bundle's files, written without a YAML library.

The bundle needs two small YAML files (``competition.yaml`` and the scoring
program's ``metadata.yaml``) whose shape this package fixes. Block mappings
and lists with JSON-quoted strings are a subset of YAML that every parser
reads the same way (a JSON string is a valid YAML double-quoted scalar), so
the package keeps numpy and pandas as its only dependencies. The tests parse
every file with PyYAML, as Codabench does.

>>> print(to_yaml({"version": 2, "title": "BlEmoRe: a test", "tasks": [{"index": 0, "name": "x"}]}))
version: 2
title: "BlEmoRe: a test"
tasks:
  - index: 0
    name: "x"
<BLANKLINE>
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["to_yaml"]

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"YAML here holds finite numbers only, got {value!r}")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # double-quoted, every special character escaped
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _lines(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, Mapping):
        if not value:
            return [pad + "{}"]
        lines = []
        for key, item in value.items():
            if not isinstance(key, str) or not _KEY.match(key):
                raise ValueError(f"YAML keys here are plain identifiers, got {key!r}")
            if isinstance(item, (Mapping, list, tuple)) and item:
                lines.append(f"{pad}{key}:")
                lines += _lines(item, indent + 2)
            else:
                lines.append(f"{pad}{key}: {_inline(item)}")
        return lines
    if isinstance(value, Sequence) and not isinstance(value, str):
        if not value:
            return [pad + "[]"]
        lines = []
        for item in value:
            if isinstance(item, (Mapping, list, tuple)) and item:
                nested = _lines(item, indent + 2)
                # The first line of the item follows the dash.
                lines.append(f"{pad}- {nested[0][indent + 2 :]}")
                lines += nested[1:]
            else:
                lines.append(f"{pad}- {_inline(item)}")
        return lines
    return [pad + _scalar(value)]


def _inline(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{}"
    if isinstance(value, (list, tuple)):
        return "[]"
    return _scalar(value)


def to_yaml(value: Mapping[str, Any]) -> str:
    """``value`` (mappings, lists, strings, numbers, booleans, None) as a
    block-style YAML document."""
    return "\n".join(_lines(value, 0)) + "\n"
