"""Argument coercion shared by decode, grid_search and Accumulator.

Array-likes (NumPy arrays, lists, CPU torch tensors, DLPack objects) become
NumPy arrays without copying when they can; numbers, class orders and clip
names get the right types, with errors that name the argument. The domain
checks (finite thresholds, a permutation of the six codes, a weight in
[0, 1]) are the native core's.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from ..encoded import EMOTIONS


def class_codes(classes: Any) -> tuple[tuple[str, ...], list[int]]:
    """The column order as codes, and each column's index in ``EMOTIONS``."""
    if isinstance(classes, str):
        raise TypeError(
            f"classes must be a sequence of the six emotion codes, not the string {classes!r}"
        )
    try:
        items = tuple(classes)
    except TypeError:
        raise TypeError(
            f"classes must be a sequence of the six emotion codes; got {type(classes).__name__}"
        ) from None
    if not all(isinstance(c, str) for c in items):
        raise TypeError(f"classes must be a sequence of the six emotion codes; got {items!r}")
    columns = tuple(str(c) for c in items)
    return columns, _core.class_order(list(columns))


def as_array(value: Any, argument: str) -> np.ndarray:
    """Any array-like (NumPy, lists, CPU torch tensors...) as a NumPy array, without copying."""
    if isinstance(value, np.ndarray):
        return value
    try:
        if not hasattr(value, "__array__") and hasattr(value, "__dlpack__"):
            return np.from_dlpack(value)
        return np.asarray(value)
    except Exception as error:
        raise TypeError(
            f"{argument} cannot be read as a NumPy array ({type(value).__name__}: {error}); "
            "for a torch tensor pass tensor.detach().cpu()"
        ) from error


def as_probs(probs: Any) -> np.ndarray:
    """A C-contiguous ``(N, 6)`` float32 or float64 matrix; float32 and float64
    inputs are used as they are (zero-copy when already contiguous)."""
    array = as_array(probs, "probs")
    kind = array.dtype.kind
    if kind == "f" and array.dtype.itemsize in (4, 8):
        dtype = np.dtype(np.float32 if array.dtype.itemsize == 4 else np.float64)
    elif kind in "biuf":
        dtype = np.dtype(np.float64)
    else:
        raise TypeError(f"probs must hold real numbers; got dtype {array.dtype}")
    if array.ndim != 2 or array.shape[1] != len(EMOTIONS):
        hint = " (for one clip use probs[None, :])" if array.shape == (len(EMOTIONS),) else ""
        raise ValueError(
            f"probs must have shape (N, {len(EMOTIONS)}), one column per class; "
            f"got {array.shape}{hint}"
        )
    if array.dtype == dtype and array.flags.c_contiguous:
        return array
    return np.ascontiguousarray(array, dtype=dtype)


def real(value: Any, argument: str) -> float:
    """A real number (not a bool) as a float; its range is the core's to check."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{argument} must be a real number; got {value!r}")
    return float(value)


def clip_names(names: Any, n: int) -> list[str]:
    if isinstance(names, str):
        raise TypeError("names must be a sequence of clip names, not a single string")
    result = [str(x) if isinstance(x, np.str_) else x for x in names]
    if not all(isinstance(x, str) for x in result):
        raise TypeError("names must all be strings")
    if len(result) != n:
        raise ValueError(f"names has {len(result):,} entries but probs has {n:,} rows")
    if len(set(result)) != n:
        counts = pd.Series(result).value_counts()
        raise ValueError(
            f"names must be unique; {counts.index[0]!r} appears {counts.iloc[0]} times"
        )
    return result
