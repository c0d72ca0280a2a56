"""The polars adapter: a polars DataFrame's columns as NumPy arrays.

Numeric columns without nulls are read without copying; nulls become NaN
(integers with nulls become floats); strings become object arrays. pyarrow
is not needed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .form import Columns

__all__ = ["columns"]


def _array(series: Any) -> np.ndarray:
    if series.dtype.is_numeric():
        return series.to_numpy()
    # Strings: polars builds a Python list faster than an object array.
    values = np.empty(len(series), dtype=object)
    values[:] = series.to_list()
    return values


def columns(frame: Any) -> Columns:
    """The columns of a polars DataFrame."""
    arrays = tuple(_array(series) for series in frame.get_columns())
    return Columns(tuple(frame.columns), arrays, "polars DataFrame")
