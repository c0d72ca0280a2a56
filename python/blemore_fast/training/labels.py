"""Labels for the rows of a probability matrix: soft-label matrices and every
form :func:`~blemore_fast.encode_labels` reads, matched by row or by clip name."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .. import _core
from .._pandas import is_pandas
from ..encoded import EMOTIONS, Encoded
from ..errors import Problem, raise_if_any
from ..inputs.tables import is_table
from ..scoring import encode_labels
from ._coerce import as_array, class_codes, float_eps

__all__ = ["encode_soft_labels"]


def _is_soft(labels: Any) -> bool:
    """Whether ``labels`` is a numeric ``(N, 6)`` matrix rather than names or a table."""
    if (
        isinstance(labels, (str, os.PathLike, Mapping, Encoded))
        or is_pandas(labels, "Series", "Index")
        or is_table(labels)
    ):
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
    values = np.ascontiguousarray(array, dtype=np.float64)
    # 0.7 / 0.3 stored in float16 or bfloat16 split 0.7002 / 0.3000 or
    # 0.6992 / 0.3008: allow the stored dtype's rounding, and 1e-6 for exact types.
    rtol = max(1e-6, float_eps(labels, array))
    encoded, problems = _core.soft_labels(values, codes=codes, rtol=rtol)
    raise_if_any(
        [
            Problem(None, f"row {r} {values[r].tolist()}: {why}", kind="bad_soft_label")
            for r, why in problems
        ],
        "soft labels",
    )
    return Encoded._native(*encoded)


def encode_soft_labels(labels: Any, *, classes: Sequence[str] = EMOTIONS) -> Encoded:
    """Encodes a soft-label matrix, ``(N, 6)`` with columns in ``classes`` order.

    A row is one-hot for a single emotion, or has two nonzero entries in
    ratio 70/30, 50/50 or 30/70 for a blend (``0.7, 0.3`` or ``70, 30``
    alike, within the rounding of the dtype they are stored in, such as a
    float16 or bfloat16 tensor). NumPy arrays, torch tensors and nested
    lists are accepted. Raises :class:`~blemore_fast.ValidationError` listing every other
    row. Encode once and pass the result to :func:`grid_search` or
    :class:`Accumulator` at every epoch.

    Examples
    --------
    >>> encode_soft_labels([[0.3, 0, 0, 0.7, 0, 0], [0, 0, 0, 0, 0, 1]]).mask.tolist()
    [9, 32]
    """
    return _soft_labels(labels, class_codes(classes)[1])


def _row_labels(
    labels: Any,
    n: int,
    codes: list[int],
    names: Sequence[str] | None = None,
    *,
    by_name_if_named: bool = False,
) -> Encoded:
    """Labels for ``n`` rows: encoded, soft, or anything ``encode_labels`` reads.

    With ``names`` (the rows' clip names), labels that carry clip names are
    matched by name; labels without names are an error, or with
    ``by_name_if_named`` (names a table gave, not the caller) matched by row."""
    if labels is None:
        raise ValueError("labels are required with probability predictions")
    if isinstance(labels, Encoded):
        encoded = labels
    elif _is_soft(labels):
        encoded = _soft_labels(labels, codes)
    else:
        encoded = encode_labels(labels)
    if names is not None and not (by_name_if_named and encoded.names is None):
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
