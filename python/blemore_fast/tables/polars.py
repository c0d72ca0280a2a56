"""The polars adapter: a polars DataFrame's columns as NumPy arrays.

Numeric columns without nulls are read without copying; nulls become NaN
(integers with nulls become floats); strings become object arrays. pyarrow
is not needed.
"""

from __future__ import annotations

from typing import Any

from . import Columns

__all__ = ["columns"]


def columns(frame: Any) -> Columns:
    """The columns of a polars DataFrame."""
    arrays = tuple(series.to_numpy() for series in frame.get_columns())
    return Columns(tuple(frame.columns), arrays, "polars DataFrame")
