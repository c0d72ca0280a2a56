"""Labels for the rows of a probability matrix: soft-label matrices and every
form :func:`~blemore_fast.encode_labels` reads, matched by row or by clip name."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..encoded import EMOTIONS, Encoded, from_codes
from ..errors import Problem, raise_if_any
from ..scoring import encode_labels
from ._coerce import as_array, class_codes

__all__ = ["encode_soft_labels"]


def _is_soft(labels: Any) -> bool:
    """Whether ``labels`` is a numeric ``(N, 6)`` matrix rather than names or a table."""
    if isinstance(labels, (str, os.PathLike, Mapping, pd.DataFrame, pd.Series, pd.Index, Encoded)):
        return False
    if isinstance(labels, np.ndarray):
        return labels.dtype.kind in "biuf"
    if hasattr(labels, "__array__") or hasattr(labels, "__dlpack__"):
        return True
    return (
        isinstance(labels, Sequence)
        and len(labels) > 0
        and not isinstance(labels[0], str)
        and isinstance(labels[0], (Sequence, np.ndarray))
    )


def _soft_labels(labels: Any, codes: list[int]) -> Encoded:
    """Encodes a soft-label matrix: the nonzero entries give the set, their
    ratio the saliences (70/30, 50/50 or 30/70); columns in ``classes`` order."""
    array = as_array(labels, "labels")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"soft labels must hold real numbers; got dtype {array.dtype}")
    if array.ndim != 2 or array.shape[1] != len(EMOTIONS):
        raise ValueError(f"soft labels must have shape (N, {len(EMOTIONS)}); got {array.shape}")
    values = np.asarray(array, dtype=np.float64)
    positive = values > 0
    count = positive.sum(axis=1)
    # The two nonzero columns of each row (ascending), or the one twice.
    first = np.argmax(positive, axis=1)
    last = len(EMOTIONS) - 1 - np.argmax(positive[:, ::-1], axis=1)
    rows = np.arange(len(values))
    a, b = values[rows, first], values[rows, last]
    equal = np.isclose(a, b, rtol=1e-6, atol=0)
    first_larger = np.isclose(3 * a, 7 * b, rtol=1e-6, atol=0)
    second_larger = np.isclose(7 * a, 3 * b, rtol=1e-6, atol=0)
    problems = []
    for r in np.flatnonzero(
        ~np.isfinite(values).all(axis=1)
        | (values < 0).any(axis=1)
        | (count == 0)
        | (count > 2)
        | ((count == 2) & ~(equal | first_larger | second_larger))
    ):
        row = values[r]
        if not np.isfinite(row).all() or (row < 0).any():
            why = "entries must be finite and non-negative"
        elif count[r] == 0:
            why = "has no positive entry"
        elif count[r] > 2:
            why = f"has {count[r]} positive entries; a label has one emotion or a blend of two"
        else:
            why = (
                f"splits {a[r]:g} / {b[r]:g}; a blend must be 70/30, 50/50 or 30/70 "
                "(as 0.7/0.3, 70/30, 0.5/0.5 ...)"
            )
        problems.append(Problem(None, f"row {r} {row.tolist()}: {why}", kind="bad_soft_label"))
    raise_if_any(problems, "soft labels")
    code = np.asarray(codes, dtype=np.int64)
    share_first = np.where(equal, 50.0, np.where(first_larger, 70.0, 30.0))
    return from_codes(code[first], code[last], share_first)


def encode_soft_labels(labels: Any, *, classes: Sequence[str] = EMOTIONS) -> Encoded:
    """Encodes a soft-label matrix, ``(N, 6)`` with columns in ``classes`` order.

    A row is one-hot for a single emotion, or has two nonzero entries in
    ratio 70/30, 50/50 or 30/70 for a blend (``0.7, 0.3`` or ``70, 30``
    alike). Raises :class:`~blemore_fast.ValidationError` listing every other
    row. Encode once and pass the result to :func:`grid_search` or
    :class:`Accumulator` at every epoch.

    >>> encode_soft_labels([[0.3, 0, 0, 0.7, 0, 0], [0, 0, 0, 0, 0, 1]]).mask.tolist()
    [9, 32]
    """
    return _soft_labels(labels, class_codes(classes)[1])


def _row_labels(labels: Any, n: int, codes: list[int], names: list[str] | None = None) -> Encoded:
    """Labels for ``n`` rows: encoded, soft, or anything ``encode_labels`` reads."""
    if labels is None:
        raise ValueError("labels are required with probability predictions")
    if isinstance(labels, Encoded):
        encoded = labels
    elif _is_soft(labels):
        encoded = _soft_labels(labels, codes)
    else:
        encoded = encode_labels(labels)
    if names is not None:
        if encoded.names is None:
            raise ValueError(
                "names= needs labels that carry clip names (clip names, a dict or a table)"
            )
        position = {name: k for k, name in enumerate(encoded.names)}
        missing = [
            Problem(name, "no label for this clip", kind="unlabelled_prediction")
            for name in names
            if name not in position
        ]
        raise_if_any(missing, "labels")
        take = np.fromiter((position[name] for name in names), dtype=np.int64, count=len(names))
        encoded = Encoded(encoded.mask[take], encoded.salience[take], tuple(names))
    if len(encoded) != n:
        raise ValueError(f"labels has {len(encoded):,} clips but probs has {n:,} rows")
    return encoded
