"""The training-loop toolkit: decode probabilities, search thresholds, accumulate scores.

- :func:`decode` turns an ``(N, 6)`` probability matrix into predictions by
  the challenge's published post-processing (top-2, presence threshold
  ``alpha``, 50/50 band ``beta``).
- :func:`grid_search` scores every ``(alpha, beta)`` of a grid in one pass,
  with results identical to decoding and scoring at each point.
- :class:`Accumulator` sums outcome counts over batches, threads or
  processes and gives the exact :class:`~blemore_fast.Score` at the end.

Top-2 ties follow NumPy's own ``argsort(-row)``, as the published code does:
rows where a tie decides which columns are kept (rare with real outputs)
are sorted by NumPy itself, since its tie order depends on the CPU's sorting
kernel (on AVX-512 machines it is not "lower column first").
"""

from __future__ import annotations

import numbers
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from .errors import Problem, raise_if_any
from .scoring import (
    EMOTIONS,
    NO_SALIENCE,
    Encoded,
    Score,
    count_cells,
    encode_labels,
    outcome_cells,
)

__all__ = ["Accumulator", "GridResult", "decode", "grid_search"]

#: The published default axis for both thresholds.
DEFAULT_AXIS = np.linspace(0.05, 0.95, 20)

_NO_ROWS = np.empty(0, dtype=np.int64)
_NO_PICKS = np.empty((0, 2), dtype=np.uint8)


# --- argument checks and conversions


def _classes(classes: Any) -> tuple[tuple[str, ...], list[int]]:
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
    if not all(isinstance(c, str) for c in items) or sorted(items) != sorted(EMOTIONS):
        raise ValueError(f"classes must list each of {EMOTIONS} exactly once; got {items!r}")
    columns = tuple(str(c) for c in items)
    return columns, [EMOTIONS.index(c) for c in columns]


def _as_array(value: Any, argument: str) -> np.ndarray:
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


def _as_probs(probs: Any) -> np.ndarray:
    """A C-contiguous ``(N, 6)`` float32 or float64 matrix; float32 and float64
    inputs are used as they are (zero-copy when already contiguous)."""
    array = _as_array(probs, "probs")
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


def _real(value: Any, argument: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{argument} must be a real number; got {value!r}")
    result = float(value)
    if not np.isfinite(result):
        raise ValueError(f"{argument} must be finite; got {value!r}")
    return result


def _axis(values: Any, argument: str) -> np.ndarray:
    if values is None:
        return DEFAULT_AXIS.copy()
    array = _as_array(values, argument)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{argument} must hold real numbers; got dtype {array.dtype}")
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{argument} must be a non-empty 1-D array; got shape {array.shape}")
    # A copy: the result keeps it, read-only, as GridResult.alphas / .betas.
    array = np.array(array, dtype=np.float64, order="C")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise ValueError(f"{argument} must be finite; entry {bad[0]} is {array[bad[0]]}")
    return array


def _names(names: Any, n: int) -> list[str]:
    if isinstance(names, str):
        raise TypeError("names must be a sequence of clip names, not a single string")
    result = [str(x) if isinstance(x, np.str_) else x for x in names]
    if not all(isinstance(x, str) for x in result):
        raise TypeError("names must all be strings")
    if len(result) != n:
        raise ValueError(f"names has {len(result)} entries but probs has {n} rows")
    if len(set(result)) != n:
        counts = pd.Series(result).value_counts()
        raise ValueError(
            f"names must be unique; {counts.index[0]!r} appears {counts.iloc[0]} times"
        )
    return result


def _ties(probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Top-2 columns for rows where a tie decides them, from NumPy's argsort,
    exactly as the published ``np.argsort(-probs, axis=1)[:, :2]``."""
    rows = _core.tied_rows(probs)
    if rows.size == 0:
        return _NO_ROWS, _NO_PICKS
    picks = np.argsort(-probs[rows], axis=1)[:, :2]
    return rows, np.ascontiguousarray(picks, dtype=np.uint8)


# --- labels


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
    array = _as_array(labels, "labels")
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
        problems.append(Problem(None, f"row {r} {row.tolist()}: {why}"))
    raise_if_any(problems, "soft labels")
    code = np.asarray(codes, dtype=np.int64)
    code_first, code_last = code[first], code[last]
    mask = np.where(count == 2, (1 << code_first) | (1 << code_last), 1 << code_first)
    share_first = np.where(equal, 50.0, np.where(first_larger, 70.0, 30.0))
    low_first = code_first < code_last
    salience = np.column_stack(
        [
            np.where(low_first, share_first, 100.0 - share_first),
            np.where(low_first, 100.0 - share_first, share_first),
        ]
    )
    salience[count != 2] = NO_SALIENCE
    return Encoded(mask.astype(np.uint8), salience.astype(np.uint8))


def _labels(labels: Any, n: int, codes: list[int], names: list[str] | None = None) -> Encoded:
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
            Problem(name, "no label for this clip") for name in names if name not in position
        ]
        raise_if_any(missing, "labels")
        take = np.fromiter((position[name] for name in names), dtype=np.int64, count=len(names))
        encoded = Encoded(encoded.mask[take], encoded.salience[take], tuple(names))
    if len(encoded) != n:
        raise ValueError(f"labels has {len(encoded)} clips but probs has {n} rows")
    return encoded


# --- decode


def _decode(probs: Any, alpha: Any, beta: Any, codes: list[int]) -> Encoded:
    p = _as_probs(probs)
    a, b = _real(alpha, "alpha"), _real(beta, "beta")
    tie_rows, tie_picks = _ties(p)
    return Encoded(
        *_core.decode_probs(p, alpha=a, beta=b, codes=codes, tie_rows=tie_rows, tie_picks=tie_picks)
    )


def decode(
    probs: Any,
    *,
    alpha: float,
    beta: float,
    classes: Sequence[str] = EMOTIONS,
    names: Sequence[str] | None = None,
) -> Encoded | dict[str, list[dict[str, Any]]]:
    """Decodes class probabilities into predictions, exactly as the published post-processing.

    ``probs`` is an ``(N, 6)`` float32 or float64 array (other real dtypes are
    converted to float64; CPU torch tensors and other ``__array__`` /
    ``__dlpack__`` objects are read without copying), columns in ``classes``
    order. Per row: keep the two largest values; if the larger is below
    ``alpha`` predict it alone; otherwise drop values below ``alpha`` and
    predict what is left: one emotion at 100, neutral against the other
    emotion (the larger wins, the emotion on ties), or a pair at 50/50 when
    the two differ by at most ``beta``, else 70/30 towards the larger.

    Without ``names`` returns :class:`~blemore_fast.Encoded`, which ``score``
    and :class:`Accumulator` take directly. With ``names`` returns the
    official prediction dict.

    Raises ValueError for NaN, infinite or negative probabilities, and for an
    all-zero row when ``alpha <= 0`` (nothing to predict).

    >>> import numpy as np
    >>> probs = np.array([[0.5, 0.0, 0.0, 0.4, 0.1, 0.0]])
    >>> preds = decode(probs, alpha=0.3, beta=0.05, names=["A411_mix_ang_hap_70_30_ver1"])
    >>> preds["A411_mix_ang_hap_70_30_ver1"]
    [{'emotion': 'ang', 'salience': 70.0}, {'emotion': 'hap', 'salience': 30.0}]
    >>> decode(probs, alpha=0.3, beta=0.05).mask  # ang and hap: bits 0 and 3
    array([9], dtype=uint8)
    """
    columns, codes = _classes(classes)
    encoded = _decode(probs, alpha, beta, codes)
    if names is None:
        return encoded
    return _to_dict(encoded, _names(names, len(encoded)), columns)


def _to_dict(
    encoded: Encoded, names: list[str], columns: tuple[str, ...]
) -> dict[str, list[dict[str, Any]]]:
    """The official dict, entries in column order as the published code lists them."""
    column_of = {code: columns.index(code) for code in EMOTIONS}
    templates: dict[tuple[int, float], list[tuple[str, float]]] = {}
    result: dict[str, list[dict[str, Any]]] = {}
    # The lower code's share of a pair (255, "none", for a single emotion).
    lows = encoded.salience[:, 0].astype(np.float64).tolist()
    for name, mask, low in zip(names, encoded.mask.tolist(), lows, strict=True):
        template = templates.get((mask, low))
        if template is None:
            codes = [EMOTIONS[k] for k in range(len(EMOTIONS)) if mask >> k & 1]
            if len(codes) == 2:
                shares = {codes[0]: low, codes[1]: 100.0 - low}
            else:
                shares = {codes[0]: 100.0}
            template = [(code, shares[code]) for code in sorted(codes, key=column_of.__getitem__)]
            templates[(mask, low)] = template
        result[name] = [{"emotion": code, "salience": share} for code, share in template]
    return result


# --- grid search


@dataclass(frozen=True, eq=False)
class GridResult:
    """The threshold grid search's outcome.

    ``alpha``, ``beta``, ``presence``, ``salience``: the best cell, maximising
    ``presence_weight * presence + (1 - presence_weight) * salience`` (ties
    to the first cell, alpha-major). ``presence_only`` and ``salience_only``
    are each metric's best alone. ``presence_grid`` and ``salience_grid``
    have shape ``(len(alphas), len(betas))``; ``alphas`` and ``betas`` are
    the axes searched.
    """

    alpha: float
    beta: float
    presence: float
    salience: float
    presence_only: float
    salience_only: float
    presence_grid: np.ndarray
    salience_grid: np.ndarray
    alphas: np.ndarray
    betas: np.ndarray
    presence_weight: float = 0.5

    def as_dict(self) -> dict[str, Any]:
        """The fields under the published ``grid_search`` dict's keys (and the axes)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def __repr__(self) -> str:
        return (
            f"GridResult(alpha={self.alpha:.4f}, beta={self.beta:.4f}, "
            f"presence={self.presence:.4f}, salience={self.salience:.4f}, "
            f"presence_only={self.presence_only:.4f}, salience_only={self.salience_only:.4f}, "
            f"grid={len(self.alphas)}x{len(self.betas)})"
        )


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def grid_search(
    probs: Any,
    labels: Any,
    *,
    alphas: Any = None,
    betas: Any = None,
    presence_weight: float = 0.5,
    classes: Sequence[str] = EMOTIONS,
    names: Sequence[str] | None = None,
) -> GridResult:
    """Both metrics at every ``(alpha, beta)`` of a grid, and the best cell.

    Every number is identical to decoding (:func:`decode`) and scoring at
    each grid point, as the published search does, but the whole grid costs
    one pass over the clips.

    - ``probs``: ``(N, 6)`` probabilities, as for :func:`decode`.
    - ``labels``: one label per row, in row order: clip names, a label dict
      or metadata table (in its row order), :class:`~blemore_fast.Encoded`
      labels, or a soft-label ``(N, 6)`` matrix in ``classes`` order (one-hot
      for a single emotion; two nonzero entries in ratio 70/30, 50/50 or
      30/70 for a blend, such as ``0.7, 0.3``). With ``names`` (each row's
      clip name), labels that carry clip names are matched by name instead.
    - ``alphas``, ``betas``: 1-D axes in any order; default
      ``numpy.linspace(0.05, 0.95, 20)`` each.
    - ``presence_weight``: the best cell maximises
      ``presence_weight * presence + (1 - presence_weight) * salience``.

    >>> import numpy as np
    >>> probs = np.array([[0.6, 0.0, 0.0, 0.3, 0.1, 0.0], [0.1, 0.0, 0.0, 0.0, 0.1, 0.8]])
    >>> result = grid_search(probs, ["A411_mix_ang_hap_70_30_ver1", "A303_neu_sit2_ver1"],
    ...                      alphas=[0.2, 0.4], betas=[0.1, 0.5])
    >>> result.alpha, result.beta, result.presence, result.salience
    (0.2, 0.1, 1.0, 1.0)
    >>> result.salience_grid.tolist()  # 0.6 - 0.3 > 0.1 gives 70/30; 0.5 calls it 50/50
    [[1.0, 0.0], [0.0, 0.0]]
    """
    _, codes = _classes(classes)
    p = _as_probs(probs)
    if len(p) == 0:
        raise ValueError("probs has no rows; a grid search needs at least one clip")
    row_names = _names(names, len(p)) if names is not None else None
    label = _labels(labels, len(p), codes, row_names)
    alpha_axis, beta_axis = _axis(alphas, "alphas"), _axis(betas, "betas")
    weight = _real(presence_weight, "presence_weight")
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"presence_weight must be between 0 and 1; got {presence_weight!r}")
    tie_rows, tie_picks = _ties(p)
    presence, salience, best, presence_only, salience_only = _core.grid_search(
        p,
        alphas=alpha_axis,
        betas=beta_axis,
        presence_weight=weight,
        codes=codes,
        tie_rows=tie_rows,
        tie_picks=tie_picks,
        label_mask=label.mask,
        label_salience=label.salience,
    )
    a, b = divmod(best, len(beta_axis))
    return GridResult(
        alpha=float(alpha_axis[a]),
        beta=float(beta_axis[b]),
        presence=float(presence[a, b]),
        salience=float(salience[a, b]),
        presence_only=presence_only,
        salience_only=salience_only,
        presence_grid=_frozen(presence),
        salience_grid=_frozen(salience),
        alphas=_frozen(alpha_axis),
        betas=_frozen(beta_axis),
        presence_weight=weight,
    )


# --- accumulator


def _is_prediction_input(preds: Any) -> bool:
    return isinstance(preds, (Mapping, pd.DataFrame, str, os.PathLike))


class Accumulator:
    """Outcome counts summed over batches, threads or processes.

    The state is five clip counts (see ``CELLS``), so partial accumulators
    merge exactly: add their :meth:`state` vectors (for example with
    ``torch.distributed.all_reduce``) and rebuild with :meth:`from_state`.
    Updates from several threads are safe.

    >>> import numpy as np
    >>> acc = Accumulator()
    >>> probs = np.array([[0.6, 0.0, 0.0, 0.3, 0.1, 0.0]])
    >>> acc.update(probs, ["A411_mix_ang_hap_70_30_ver1"], alpha=0.2, beta=0.1)
    >>> acc.update({"A102_ang_int1_ver1": [{"emotion": "hap", "salience": 100}]})
    >>> acc.compute()
    Score(presence=0.5000 [1/2], salience=1.0000 [1/1], mean=0.7500)
    >>> acc.state().tolist()
    [0, 1, 0, 0, 1]
    """

    def __init__(self) -> None:
        self._cells = np.zeros(5, dtype=np.int64)
        self._lock = threading.Lock()

    def update(
        self,
        preds: Any,
        labels: Any = None,
        *,
        alpha: float | None = None,
        beta: float | None = None,
        classes: Sequence[str] = EMOTIONS,
    ) -> None:
        """Adds one batch.

        ``preds`` is :class:`~blemore_fast.Encoded` (matched to ``labels`` by
        position, or to its own names), anything :func:`~blemore_fast.score`
        accepts (a prediction dict, matched by clip name), or an ``(N, 6)``
        probability matrix decoded at ``alpha`` / ``beta`` (both required;
        ``labels`` as for :func:`grid_search`).
        """
        probabilities = not (isinstance(preds, Encoded) or _is_prediction_input(preds))
        if not probabilities and (alpha is not None or beta is not None):
            raise TypeError("alpha and beta apply only to probability predictions")
        if isinstance(preds, Encoded):
            if labels is None:
                if preds.names is None:
                    raise ValueError("labels are required for encoded predictions without names")
                labels = list(preds.names)
            cells = count_cells(preds, _labels(labels, len(preds), _classes(classes)[1]))
        elif _is_prediction_input(preds):
            if labels is not None and _is_soft(labels):
                raise TypeError(
                    "a soft-label matrix pairs with probability or encoded predictions "
                    "by row; dict predictions need labels keyed by clip name"
                )
            cells = outcome_cells(preds, labels)
        else:
            if alpha is None or beta is None:
                raise TypeError("probability predictions need alpha= and beta= to be decoded")
            _, codes = _classes(classes)
            pred = _decode(preds, alpha, beta, codes)
            cells = count_cells(pred, _labels(labels, len(pred), codes))
        self._add(np.asarray(cells, dtype=np.int64))

    def _add(self, cells: np.ndarray) -> None:
        with self._lock:
            self._cells += cells

    def compute(self) -> Score:
        """The score of everything added so far."""
        return Score.from_cells(self.state())

    def reset(self) -> None:
        """Forgets everything added."""
        with self._lock:
            self._cells[:] = 0

    def merge(self, other: Accumulator) -> Accumulator:
        """Adds another accumulator's counts into this one; returns ``self``."""
        if not isinstance(other, Accumulator):
            raise TypeError(f"can only merge another Accumulator; got {type(other).__name__}")
        self._add(other.state())
        return self

    def state(self) -> np.ndarray:
        """A copy of the five outcome counts (int64), in ``CELLS`` order."""
        with self._lock:
            return self._cells.copy()

    @classmethod
    def from_state(cls, state: Any) -> Accumulator:
        """An accumulator holding ``state``: five non-negative integer counts,
        such as the sum of several :meth:`state` vectors."""
        array = _as_array(state, "state")
        if array.dtype.kind not in "iu":
            raise TypeError(f"state must hold integers; got dtype {array.dtype}")
        if array.shape != (5,):
            raise ValueError(
                f"state must have shape (5,), one count per outcome cell; got {array.shape}"
            )
        if (array < 0).any():
            raise ValueError(f"state counts must not be negative; got {array.tolist()}")
        if array.dtype.kind == "u" and (array > np.iinfo(np.int64).max).any():
            raise ValueError(f"state counts are too large for int64; got {array.tolist()}")
        accumulator = cls()
        accumulator._cells[:] = array.astype(np.int64)
        return accumulator

    def __repr__(self) -> str:
        score = self.compute()
        return (
            f"Accumulator(n={score.n}, presence={score.presence:.4f}, "
            f"salience={score.salience:.4f})"
        )
