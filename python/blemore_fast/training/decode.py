"""``decode``: class probabilities to predictions, by the published post-processing.

Top-2 ties follow NumPy's own ``argsort(-row)``, as the published code does:
rows where a tie decides which columns are kept (rare with real outputs)
are sorted by NumPy itself, on the array in its own dtype, since its tie
order depends on the CPU's sorting kernel and on the dtype (on AVX-512
machines it is not "lower column first").

Precision is the published code's when a user calls it with Python-float
thresholds under NumPy 2 (NEP 50): comparisons run in the probabilities'
dtype, so the thresholds are rounded to float16 or float32 first, and the
pair difference is taken in that dtype.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import _core
from ..encoded import EMOTIONS, Encoded, to_dict
from ._coerce import as_probs, at_precision, check_threshold, clip_names, prob_input

__all__ = ["decode"]

_NO_ROWS = np.empty(0, dtype=np.int64)
_NO_PICKS = np.empty((0, 2), dtype=np.uint8)


def _ties(probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Top-2 columns for rows where a tie decides them, from NumPy's argsort,
    exactly as the published ``np.argsort(-probs, axis=1)[:, :2]``."""
    rows = _core.tied_rows(probs)
    if rows.size == 0:
        return _NO_ROWS, _NO_PICKS
    picks = np.argsort(-probs[rows], axis=1)[:, :2]
    return rows, np.ascontiguousarray(picks, dtype=np.uint8)


def _decode(
    probs: Any, alpha: Any, beta: Any, codes: list[int], names: tuple[str, ...] | None = None
) -> Encoded:
    p = as_probs(probs)
    a = at_precision(check_threshold(alpha, "alpha"), p.dtype)
    b = at_precision(check_threshold(beta, "beta"), p.dtype)
    tie_rows, tie_picks = _ties(p)
    mask, salience = _core.decode_probs(
        p, alpha=a, beta=b, codes=codes, tie_rows=tie_rows, tie_picks=tie_picks
    )
    return Encoded(mask, salience, names)


def decode(
    probs: Any,
    *,
    alpha: float,
    beta: float,
    classes: Sequence[str] = EMOTIONS,
    names: Sequence[str] | None = None,
    logits: bool = False,
) -> Encoded | dict[str, list[dict[str, Any]]]:
    """Decodes class probabilities into predictions, exactly as the published post-processing.

    Per row: keep the two largest values; if the larger is below ``alpha``
    predict it alone; otherwise drop values below ``alpha`` and predict what is
    left: one emotion at 100, neutral against the other emotion (the larger
    wins, the emotion on ties), or a pair at 50/50 when the two differ by at
    most ``beta``, else 70/30 towards the larger.

    Decisions equal the published ``probs2dict`` called with the same values
    and Python-float thresholds under NumPy 2, dtype by dtype:

    - float16 and float32: ``alpha`` and ``beta`` are rounded to the dtype
      (NumPy 2 compares a Python float with such an array in its dtype), and the
      pair difference is taken in the dtype;
    - float64: the thresholds as given;
    - bfloat16 tensors (NumPy has no bfloat16): upcast to float32, as
      ``tensor.float()`` does, then as float32.

    Parameters
    ----------
    probs : array_like, torch.Tensor or table
        Either an ``(N, 6)`` probability matrix, columns in ``classes`` order:
        a NumPy array, a torch tensor (on any device, requiring grad or not,
        contiguous or not; read without copying on the CPU, copied to the host
        once otherwise) or anything with ``__array__`` / ``__dlpack__``; or a
        table, read by its column names: a :class:`~blemore_fast.ProbTable`, a
        pandas or polars DataFrame, a pyarrow Table or any object with
        ``__arrow_c_stream__``. The six emotion codes may come in any order,
        with an optional ``filename`` column (or a pandas index of strings)
        naming the rows.
    alpha : float
        The presence threshold, between 0 and 1: an emotion below it is not
        predicted (unless it is the largest).
    beta : float
        The largest difference between the two kept values that is called
        50/50, between 0 and 1.
    classes : sequence of str, default EMOTIONS
        The emotion code of each column of an array (tables are read by name).
    names : sequence of str, optional
        Each row's clip name, for an array or a table without names. Without
        it the result is :class:`~blemore_fast.Encoded` (named by the table's
        ``filename`` column, if any), which :func:`~blemore_fast.score` and
        :class:`~blemore_fast.Accumulator` take directly.
    logits : bool, default False
        The values are logits: a row-wise softmax, taken in float64, turns them
        into probabilities first (as :func:`~blemore_fast.read_probs` does).

    Returns
    -------
    Encoded or dict
        :class:`~blemore_fast.Encoded` without ``names``
        (``blemore_fast.encoded.to_dict`` writes a named one as the prediction
        dict); with ``names``, the official prediction dict
        ``{clip: [{"emotion": ..., "salience": ...}]}``.

    Raises
    ------
    TypeError
        For integer or boolean input: probabilities are floating point.
    ValueError
        For NaN or infinite values, probabilities outside [0, 1] (with a hint
        to pass ``logits=True``), a shape other than ``(N, 6)``, ``alpha`` or
        ``beta`` outside [0, 1] (``alpha=30`` asks "did you mean 0.3?"), and an
        all-zero row when ``alpha <= 0`` (nothing to predict).
    ValidationError
        For a table with a missing, unknown or repeated column, naming it.

    Examples
    --------
    >>> import numpy as np
    >>> probs = np.array([[0.5, 0.0, 0.0, 0.4, 0.1, 0.0]])
    >>> preds = decode(probs, alpha=0.3, beta=0.05, names=["A411_mix_ang_hap_70_30_ver1"])
    >>> preds["A411_mix_ang_hap_70_30_ver1"]
    [{'emotion': 'ang', 'salience': 70.0}, {'emotion': 'hap', 'salience': 30.0}]
    >>> decode(probs, alpha=0.3, beta=0.05).mask  # ang and hap: bits 0 and 3
    array([9], dtype=uint8)

    In float16, 0.1447 is stored as 0.14465, and so is the threshold:

    >>> p16 = np.array([[0.5, 0.1447, 0.0, 0.0, 0.0, 0.0]], dtype=np.float16)
    >>> decode(p16, alpha=0.1447, beta=0.1).mask  # disg kept: ang and disg
    array([3], dtype=uint8)
    >>> decode(p16.astype(np.float64), alpha=0.1447, beta=0.1).mask  # 0.14465 < 0.1447
    array([1], dtype=uint8)

    A table is read by name, whatever its column order:

    >>> import pandas as pd
    >>> table = pd.DataFrame(probs[:, ::-1], columns=["neu", "sad", "hap", "fea", "disg", "ang"])
    >>> decode(table, alpha=0.3, beta=0.05).mask  # the same clip as above: ang and hap
    array([9], dtype=uint8)
    """
    values, columns, codes, row_names = prob_input(probs, classes, logits=logits)
    if names is not None and row_names is not None:
        raise ValueError(
            "names= names an array's rows; this table names its own rows (its filename "
            "column or index): drop names=, and write the result with "
            "blemore_fast.encoded.to_dict if you need the prediction dict"
        )
    encoded = _decode(values, alpha, beta, codes, row_names)
    if names is None:
        return encoded
    return to_dict(encoded, clip_names(names, len(encoded)), order=columns)
