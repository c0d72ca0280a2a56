"""Argument coercion shared by decode, grid_search and Accumulator.

Array-likes (NumPy arrays, lists, torch tensors, DLPack objects) become
NumPy arrays without copying when they can; tables (a :class:`ProbTable`,
pandas or polars DataFrames, Arrow tables) are read by column name; numbers,
class orders and clip names get the right types, with errors that name the
argument. Probabilities and thresholds must lie in [0, 1] (checked here,
where the hint can name ``logits=True``); the other domain checks (finite
values, a permutation of the six codes, a weight in [0, 1]) are the native
core's.

Torch tensors are recognised without importing torch (if torch was never
imported, no tensor can exist): they are detached (no copy), copied to the
host once when they live on a device (CUDA, MPS), and bfloat16, which NumPy
lacks, is upcast to float32 (exact).
"""

from __future__ import annotations

import math
import numbers
import sys
from typing import Any

import numpy as np

from .. import _core
from .._pandas import pandas
from ..encoded import EMOTIONS
from ..inputs.tables import is_table
from ..inputs.tables.emotions import emotion_probs

#: The probability dtypes the native core reads as they are.
PROB_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


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


def prob_input(
    probs: Any, classes: Any, *, logits: bool = False
) -> tuple[Any, tuple[str, ...], list[int], tuple[str, ...] | None]:
    """``probs`` ready for :func:`as_probs`, its column order, each column's
    index in ``EMOTIONS``, and its row names (None for arrays).

    A table (a :class:`ProbTable`, or any table :mod:`blemore_fast.inputs.tables`
    reads) is read by its column names, in ``EMOTIONS`` order, and names its
    rows by its ``filename`` column; ``classes`` is for arrays only. With
    ``logits``, a row-wise softmax (in float64) turns the values into
    probabilities.
    """
    names = None
    if _is_prob_table(probs) or is_table(probs):
        if tuple(classes) != EMOTIONS:
            raise TypeError(
                "classes= is for arrays; a table is read by its column names "
                f"(got classes={list(classes)!r})"
            )
        if _is_prob_table(probs):
            probs, names = probs.probs, probs.names
        else:
            probs, names = emotion_probs(probs)
    columns, codes = class_codes(classes)
    if logits:
        probs = softmax(as_probs(probs, logits=True))
    return probs, columns, codes, names


def _is_prob_table(value: Any) -> bool:
    """Whether ``value`` is a :class:`~blemore_fast.ProbTable` (its module
    imports this one: if it was never imported, no ProbTable can exist)."""
    probs = sys.modules.get("blemore_fast.probs")
    return probs is not None and isinstance(value, probs.ProbTable)


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax of an ``(N, K)`` array, in float64, stable for large logits.

    Examples
    --------
    >>> softmax(np.array([[0.0, 0.0]])).tolist()
    [[0.5, 0.5]]
    """
    z = np.asarray(logits, dtype=np.float64)
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def is_tensor(value: Any) -> bool:
    """Whether ``value`` is a torch tensor (subclasses too), without importing torch."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


def _tensor_array(tensor: Any) -> np.ndarray:
    """A tensor's values on the host: a view of a CPU tensor (detached, no
    copy), else torch's own single copy to the host."""
    torch = sys.modules["torch"]  # imported: ``tensor`` is one
    if tensor.dtype == torch.bfloat16:
        # NumPy has no bfloat16; float32 holds it exactly. Copy to the host first.
        tensor = tensor.detach().to("cpu").float()
    # force=True detaches and copies to the host when needed (a no-op on the CPU).
    return tensor.numpy(force=True)


def as_array(value: Any, argument: str) -> np.ndarray:
    """Any array-like (NumPy, lists, torch tensors...) as a NumPy array, without copying."""
    if isinstance(value, np.ndarray):
        return value
    if is_tensor(value):
        return _tensor_array(value)
    try:
        if not hasattr(value, "__array__") and hasattr(value, "__dlpack__"):
            return np.from_dlpack(value)
        return np.asarray(value)
    except Exception as error:
        raise TypeError(
            f"{argument} cannot be read as a NumPy array ({type(value).__name__}: {error})"
        ) from error


def float_eps(value: Any, array: np.ndarray) -> float:
    """The machine epsilon of the floating dtype ``value`` was stored in
    (``array`` is it as NumPy holds it: a bfloat16 tensor arrives as float32),
    or 0.0 for integers, which are exact."""
    if is_tensor(value):
        torch = sys.modules["torch"]  # imported: ``value`` is a tensor
        if value.dtype == torch.bfloat16:
            return float(torch.finfo(torch.bfloat16).eps)
    return _EPS.get(array.dtype.type, 0.0)


#: Machine epsilon of NumPy's floating types, looked up once.
_EPS = {t: float(np.finfo(t).eps) for t in (np.float16, np.float32, np.float64, np.longdouble)}


def as_probs(probs: Any, *, logits: bool = False) -> np.ndarray:
    """A C-contiguous ``(N, 6)`` float16, float32 or float64 matrix in the
    input's own dtype (zero-copy when already contiguous); bfloat16 tensors
    become float32. Integer and boolean input is a TypeError: they are not
    probabilities, and decisions depend on the floating dtype. Values
    outside [0, 1] are a ValueError (unless ``logits``: then any values)."""
    array = as_array(probs, "probs")
    dtype = array.dtype.newbyteorder("=") if array.dtype.kind == "f" else array.dtype
    if dtype not in PROB_DTYPES:
        if array.dtype.kind in "biu":
            hint = "; convert them first if you mean them as such (probs.astype(np.float32), tensor.float())"
            what = "integer" if array.dtype.kind in "iu" else "boolean"
            raise TypeError(
                f"probs must be floating point (float16, bfloat16, float32 or float64); "
                f"got {what} dtype {array.dtype}{hint}"
            )
        raise TypeError(
            f"probs must be floating point (float16, bfloat16, float32 or float64); "
            f"got dtype {array.dtype}"
        )
    if array.ndim != 2 or array.shape[1] != len(EMOTIONS):
        hint = " (for one clip use probs[None, :])" if array.shape == (len(EMOTIONS),) else ""
        raise ValueError(
            f"probs must have shape (N, {len(EMOTIONS)}), one column per class; "
            f"got {array.shape}{hint}"
        )
    array = np.ascontiguousarray(array, dtype=dtype)
    if not logits:
        _check_probability_range(array)
    return array


def _check_probability_range(probs: np.ndarray) -> None:
    """Raises ValueError when a value lies outside [0, 1]: logits passed as
    probabilities would decode to confident nonsense. (NaN and infinite
    values pass here: the core names them.)"""
    if probs.size == 0 or (probs.min() >= 0 and probs.max() <= 1):
        return
    with np.errstate(invalid="ignore"):
        outside = (np.isfinite(probs) & ((probs < 0) | (probs > 1))).any(axis=1)
    if not outside.any():
        return  # NaN or infinite values, which the core names
    row = int(np.argmax(outside))
    raise ValueError(
        f"probs must hold probabilities between 0 and 1; {int(outside.sum()):,} of "
        f"{len(probs):,} rows do not (first: row {row}, {probs[row].tolist()}). "
        "If these are logits, pass logits=True (a softmax per row; from_logits=True for "
        "the torch metrics)"
    )


def check_threshold(value: Any, argument: str) -> float:
    """A threshold: a real number between 0 and 1 (a percentage such as 30
    gets a "did you mean 0.3?")."""
    result = real(value, argument)
    # NaN and infinities are the core's to name ("must be finite").
    if math.isfinite(result) and not 0 <= result <= 1:
        guess = f"; did you mean {result / 100:g}?" if 1 < result <= 100 else ""
        raise ValueError(f"{argument} must be a threshold between 0 and 1; got {result!r}{guess}")
    return result


def at_precision(threshold: float, dtype: np.dtype) -> float:
    """``threshold`` rounded to ``dtype``, as NumPy 2 rounds a Python float
    compared with an array of that dtype (NEP 50), so that comparing in
    float64 gives the published code's decisions. NumPy rounds correctly
    from float64 (never through float32, which would round twice)."""
    if dtype == np.float64:
        return threshold
    # Thresholds lie in [0, 1], inside every floating dtype's range.
    return float(dtype.type(threshold))


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
        counts = pandas().Series(result).value_counts()
        raise ValueError(
            f"names must be unique; {counts.index[0]!r} appears {counts.iloc[0]} times"
        )
    return result
