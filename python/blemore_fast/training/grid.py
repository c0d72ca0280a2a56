"""``grid_search``: both metrics at every ``(alpha, beta)`` of a threshold grid, in one pass."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _core
from ..encoded import EMOTIONS, Encoded
from ._coerce import as_array, as_probs, check_threshold, clip_names, is_tensor, prob_input, real
from .decode import _ties
from .labels import _row_labels

__all__ = ["DEFAULT_AXIS", "GridResult", "grid_search"]

#: The published default axis for both thresholds.
DEFAULT_AXIS = np.linspace(0.05, 0.95, 20)


def _axis(values: Any, argument: str) -> np.ndarray:
    if values is None:
        return DEFAULT_AXIS.copy()
    array = as_array(values, argument)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{argument} must hold real numbers; got dtype {array.dtype}")
    if array.ndim != 1:
        raise ValueError(f"{argument} must be a non-empty 1-D array; got shape {array.shape}")
    # A copy: the result keeps it, read-only, as GridResult.alphas / .betas.
    # Empty axes are the core's to refuse.
    axis = np.array(array, dtype=np.float64, order="C")
    # NaN and infinities are the core's to name ("must be finite").
    outside = np.flatnonzero(np.isfinite(axis) & ((axis < 0) | (axis > 1)))
    if outside.size:
        check_threshold(float(axis[outside[0]]), f"{argument}[{outside[0]}]")
    return axis


@dataclass(frozen=True, eq=False)
class GridResult:
    """The threshold grid search's outcome, the result of :func:`grid_search`.

    Counts of disjoint shards on the same axes add up: sum them (across
    processes, say) and :meth:`from_counts` gives the search on the whole.

    Attributes
    ----------
    alpha, beta, presence, salience : float
        The best cell and its two metrics, maximising
        ``presence_weight * presence + (1 - presence_weight) * salience`` (ties
        to the first cell, alpha-major).
    presence_only, salience_only : float
        Each metric's best value alone.
    presence_grid, salience_grid : numpy.ndarray
        Both metrics at every cell, shape ``(len(alphas), len(betas))``.
    presence_correct, salience_correct : numpy.ndarray
        The int64 counts behind them, of the same shape.
    n, n_blend : int
        The clips searched, and how many of them are blends.
    alphas, betas : numpy.ndarray
        The axes searched.
    presence_weight : float
        The weight of presence in the best cell's choice.

    Examples
    --------
    >>> import numpy as np
    >>> result = grid_search(np.array([[0.6, 0, 0, 0.3, 0.1, 0]]), ["A411_mix_ang_hap_70_30_ver1"],
    ...                      alphas=[0.2, 0.4], betas=[0.1, 0.5])
    >>> result.presence_grid.shape, result.presence_only, result.mean
    ((2, 2), 1.0, 1.0)
    """

    alpha: float
    beta: float
    presence: float
    salience: float
    presence_only: float
    salience_only: float
    presence_grid: np.ndarray
    salience_grid: np.ndarray
    presence_correct: np.ndarray
    salience_correct: np.ndarray
    n: int
    n_blend: int
    alphas: np.ndarray
    betas: np.ndarray
    presence_weight: float = 0.5

    @classmethod
    def from_counts(
        cls,
        presence_correct: Any,
        salience_correct: Any,
        n: int,
        n_blend: int,
        *,
        alphas: Any = None,
        betas: Any = None,
        presence_weight: float = 0.5,
    ) -> GridResult:
        """The search's result from its counts.

        Parameters
        ----------
        presence_correct, salience_correct : array_like or torch.Tensor
            Integer count grids of shape ``(len(alphas), len(betas))``, such as the
            sum of several shards' on the same axes.
        n, n_blend : int
            The clips counted, and the blend clips among them.
        alphas, betas : array_like, optional
            The axes the counts were taken on; default
            ``numpy.linspace(0.05, 0.95, 20)`` each.
        presence_weight : float, default 0.5
            As for :func:`grid_search`.

        Returns
        -------
        GridResult
            The best cell and both grids, as :func:`grid_search` gives them.

        Raises
        ------
        TypeError, ValueError
            For counts that are not integers, of the wrong shape, or above ``n``
            (``n_blend`` for salience).

        Examples
        --------
        >>> import numpy as np
        >>> a = grid_search(np.array([[0.6, 0, 0, 0.3, 0.1, 0]]), ["A411_mix_ang_hap_70_30_ver1"],
        ...                 alphas=[0.2, 0.4], betas=[0.1, 0.5])
        >>> b = grid_search(np.array([[0.1, 0, 0, 0, 0.1, 0.8]]), ["A303_neu_sit2_ver1"],
        ...                 alphas=[0.2, 0.4], betas=[0.1, 0.5])
        >>> both = GridResult.from_counts(a.presence_correct + b.presence_correct,
        ...                               a.salience_correct + b.salience_correct,
        ...                               a.n + b.n, a.n_blend + b.n_blend,
        ...                               alphas=[0.2, 0.4], betas=[0.1, 0.5])
        >>> both.alpha, both.beta, both.presence, both.salience
        (0.2, 0.1, 1.0, 1.0)
        """
        alpha_axis, beta_axis, weight = _settings(alphas, betas, presence_weight)
        shape = (len(alpha_axis), len(beta_axis))
        grids = []
        for argument, counts in (
            ("presence_correct", presence_correct),
            ("salience_correct", salience_correct),
        ):
            array = as_array(counts, argument)
            if array.dtype.kind not in "iu":
                raise TypeError(f"{argument} must hold integer counts; got dtype {array.dtype}")
            if array.shape != shape:
                raise ValueError(
                    f"{argument} must have shape (len(alphas), len(betas)) = {shape}; "
                    f"got {array.shape}"
                )
            grids.append(np.array(array, dtype=np.int64, order="C"))
        n, n_blend = _count(n, "n"), _count(n_blend, "n_blend")
        return cls._of_counts(grids[0], grids[1], n, n_blend, alpha_axis, beta_axis, weight)

    @classmethod
    def _of_counts(
        cls,
        presence_correct: np.ndarray,
        salience_correct: np.ndarray,
        n: int,
        n_blend: int,
        alphas: np.ndarray,
        betas: np.ndarray,
        presence_weight: float,
    ) -> GridResult:
        """The result of checked counts and axes (arrays the result keeps)."""
        presence, salience, best, presence_only, salience_only = _core.grid_scores(
            presence_correct,
            salience_correct,
            n=n,
            n_blend=n_blend,
            presence_weight=presence_weight,
        )
        a, b = divmod(best, len(betas))
        return cls(
            alpha=float(alphas[a]),
            beta=float(betas[b]),
            presence=float(presence[a, b]),
            salience=float(salience[a, b]),
            presence_only=presence_only,
            salience_only=salience_only,
            presence_grid=_frozen(presence),
            salience_grid=_frozen(salience),
            presence_correct=_frozen(presence_correct),
            salience_correct=_frozen(salience_correct),
            n=n,
            n_blend=n_blend,
            alphas=_frozen(alphas),
            betas=_frozen(betas),
            presence_weight=presence_weight,
        )

    @property
    def mean(self) -> float:
        """The best cell's ``(presence + salience) / 2``."""
        return (self.presence + self.salience) / 2

    def as_dict(self) -> dict[str, Any]:
        """The fields under the published ``grid_search`` dict's keys (and the axes and counts)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def __repr__(self) -> str:
        return (
            f"GridResult(alpha={self.alpha:.4f}, beta={self.beta:.4f}, "
            f"presence={self.presence:.4f}, salience={self.salience:.4f}, "
            f"presence_only={self.presence_only:.4f}, salience_only={self.salience_only:.4f}, "
            f"grid={len(self.alphas)}x{len(self.betas)}, n={self.n})"
        )


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _settings(
    alphas: Any, betas: Any, presence_weight: Any
) -> tuple[np.ndarray, np.ndarray, float]:
    """A search's axes and weight, coerced here and checked by the core
    (non-empty, finite axes; a weight between 0 and 1)."""
    alpha_axis, beta_axis = _axis(alphas, "alphas"), _axis(betas, "betas")
    weight = real(presence_weight, "presence_weight")
    _core.check_grid(alphas=alpha_axis, betas=beta_axis, presence_weight=weight)
    return alpha_axis, beta_axis, weight


def _count(value: Any, argument: str) -> int:
    """A clip count: a Python, NumPy or one-element torch integer."""
    if is_tensor(value) or isinstance(value, np.ndarray):
        array = as_array(value, argument)
        if array.size != 1 or array.dtype.kind not in "iu":
            raise TypeError(
                f"{argument} must be one integer; got {array.dtype} of shape {array.shape}"
            )
        value = array.reshape(()).item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{argument} must be an integer; got {value!r}")
    return int(value)


def grid_search(
    probs: Any,
    labels: Any,
    *,
    alphas: Any = None,
    betas: Any = None,
    presence_weight: float = 0.5,
    classes: Sequence[str] = EMOTIONS,
    names: Sequence[str] | None = None,
    logits: bool = False,
) -> GridResult:
    """Both metrics at every ``(alpha, beta)`` of a grid, and the best cell.

    Every number is identical to the published search, which decodes and
    scores at each grid point, but the whole grid costs one pass over the clips.

    Precision is the published search's: its loop hands np.float64 axis values
    to the post-processing, so the axes are compared as float64 (not rounded,
    unlike :func:`decode`'s thresholds), while the pair difference is taken in
    the probabilities' dtype (float16, float32 or float64; bfloat16 tensors are
    upcast to float32).

    Parameters
    ----------
    probs : array_like, torch.Tensor or table
        ``(N, 6)`` probabilities, as for :func:`decode`: NumPy arrays and torch
        tensors of any float dtype and device in ``classes`` order, or a table
        read by its column names (a :class:`~blemore_fast.ProbTable`, a pandas
        or polars DataFrame, a pyarrow Table).
    labels : sequence of str, dict, table, Encoded, array_like or torch.Tensor
        One label per row, in row order: clip names, a label dict or metadata
        table (pandas, polars or Arrow; in its row order),
        :class:`~blemore_fast.Encoded` labels, or a soft-label ``(N, 6)``
        matrix or tensor in ``classes`` order (one-hot for a single emotion;
        two nonzero entries in ratio 70/30, 50/50 or 30/70 for a blend, such
        as ``0.7, 0.3``). With ``names``, or a table whose ``filename`` column
        names its rows, labels that carry clip names are matched by name
        instead.
    alphas, betas : array_like, optional
        1-D axes of thresholds between 0 and 1, in any order; default
        ``numpy.linspace(0.05, 0.95, 20)`` each.
    presence_weight : float, default 0.5
        The best cell maximises
        ``presence_weight * presence + (1 - presence_weight) * salience``; ties
        go to the first cell in alpha-major order, as in the published search.
    classes : sequence of str, default EMOTIONS
        The emotion code of each column of an array of ``probs`` (and of a
        soft-label matrix).
    names : sequence of str, optional
        Each row's clip name: labels that carry clip names are then matched by
        name instead of by position.
    logits : bool, default False
        The values of ``probs`` are logits: a softmax per row turns them into
        probabilities first.

    Returns
    -------
    GridResult
        The best cell, both metrics' grids and the counts behind them.

    Raises
    ------
    TypeError, ValueError
        As :func:`decode` does for the probabilities (ValueError for values
        outside [0, 1], with the ``logits=True`` hint); ValueError for an axis
        that is empty, not 1-D or with thresholds outside [0, 1], and for
        labels whose number differs from the rows.

    Examples
    --------
    >>> import numpy as np
    >>> probs = np.array([[0.6, 0.0, 0.0, 0.3, 0.1, 0.0], [0.1, 0.0, 0.0, 0.0, 0.1, 0.8]])
    >>> result = grid_search(probs, ["A411_mix_ang_hap_70_30_ver1", "A303_neu_sit2_ver1"],
    ...                      alphas=[0.2, 0.4], betas=[0.1, 0.5])
    >>> result.alpha, result.beta, result.presence, result.salience
    (0.2, 0.1, 1.0, 1.0)
    >>> result.salience_grid.tolist()  # 0.6 - 0.3 > 0.1 gives 70/30; 0.5 calls it 50/50
    [[1.0, 0.0], [0.0, 0.0]]
    >>> result.presence_correct.tolist(), result.n
    ([[2, 2], [1, 1]], 2)
    """
    values, _, codes, table_names = prob_input(probs, classes, logits=logits)
    p = as_probs(values)
    if len(p) == 0:
        raise ValueError("probs has no rows; a grid search needs at least one clip")
    if names is not None and table_names is not None:
        raise ValueError(
            "names= names an array's rows; this table names its own rows (its filename "
            "column or index): drop names="
        )
    if names is not None:
        label = _row_labels(labels, len(p), codes, clip_names(names, len(p)))
    else:
        label = _row_labels(labels, len(p), codes, table_names, by_name_if_named=True)
    alpha_axis, beta_axis, weight = _settings(alphas, betas, presence_weight)
    presence_correct, salience_correct, n, n_blend = _counts(p, label, alpha_axis, beta_axis, codes)
    return GridResult._of_counts(
        presence_correct, salience_correct, n, n_blend, alpha_axis, beta_axis, weight
    )


def _counts(
    probs: np.ndarray, label: Encoded, alphas: np.ndarray, betas: np.ndarray, codes: list[int]
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """``(presence_correct, salience_correct, n, n_blend)`` of coerced
    probabilities (:func:`as_probs`) and their encoded labels on checked axes."""
    tie_rows, tie_picks = _ties(probs)
    return _core.grid_counts(
        probs,
        alphas=alphas,
        betas=betas,
        codes=codes,
        tie_rows=tie_rows,
        tie_picks=tie_picks,
        label_mask=label.mask,
        label_salience=label.salience,
    )


def _shard_counts(
    probs: Any, labels: Any, alphas: np.ndarray, betas: np.ndarray, codes: list[int]
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """The counts of one shard of clips (any number, none included), with
    labels by row: what a distributed search sums."""
    p = as_probs(probs)
    return _counts(p, _row_labels(labels, len(p), codes), alphas, betas, codes)
