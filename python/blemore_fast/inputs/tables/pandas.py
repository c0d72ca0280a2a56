"""The pandas adapter: a DataFrame's columns as NumPy arrays.

Nullable float columns (``Float64``) become float arrays with NaN for the
missing values; a string index (clip names kept as the index) is kept as
the rows' names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .form import Columns

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["columns"]


def _array(series: pd.Series) -> np.ndarray:
    dtype = series.dtype
    if not isinstance(dtype, np.dtype) and getattr(dtype, "kind", "") == "f":
        # A nullable float column: its NumPy dtype, with NaN for pandas.NA.
        return series.to_numpy(dtype=dtype.numpy_dtype, na_value=np.nan)  # type: ignore[union-attr]
    return series.to_numpy()


def _string_index(frame: pd.DataFrame) -> np.ndarray | None:
    index = frame.index.to_numpy()
    if index.dtype.kind in "OUT" and len(index) and all(isinstance(x, str) for x in index):
        return index
    return None


def columns(frame: pd.DataFrame) -> Columns:
    """The columns of a pandas DataFrame (positionally, so a name given twice stays visible)."""
    arrays = tuple(_array(frame.iloc[:, k]) for k in range(frame.shape[1]))
    names = tuple(str(c) for c in frame.columns)
    return Columns(names, arrays, "pandas DataFrame", _string_index(frame))
