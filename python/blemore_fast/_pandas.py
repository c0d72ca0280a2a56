"""pandas, imported where a table is needed and not before.

``import blemore_fast`` and a command that reads a JSON submission never load
pandas (about 0.3 s and 45 MB): a DataFrame, Series or Index can only exist
once pandas is imported, so asking whether a value is one needs no import.
"""

from __future__ import annotations

import sys
from typing import Any


def pandas() -> Any:
    """The pandas module, imported on first use."""
    import pandas

    return pandas


def is_pandas(value: object, *types: str) -> bool:
    """``isinstance(value, pandas.<type>)`` for any of ``types``, without
    importing pandas."""
    module = sys.modules.get("pandas")
    return module is not None and isinstance(value, tuple(getattr(module, t) for t in types))


def is_na(value: object) -> bool:
    """``value is pandas.NA``, without importing pandas."""
    module = sys.modules.get("pandas")
    return module is not None and value is module.NA
