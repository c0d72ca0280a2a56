"""``grid_search``: both metrics at every ``(alpha, beta)`` of a threshold grid, in one pass."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _core
from ..encoded import EMOTIONS
from ._coerce import as_array, as_probs, class_codes, clip_names, real
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
    # Empty or non-finite axes are the core's to refuse.
    return np.array(array, dtype=np.float64, order="C")


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
    _, codes = class_codes(classes)
    p = as_probs(probs)
    if len(p) == 0:
        raise ValueError("probs has no rows; a grid search needs at least one clip")
    row_names = clip_names(names, len(p)) if names is not None else None
    label = _row_labels(labels, len(p), codes, row_names)
    alpha_axis, beta_axis = _axis(alphas, "alphas"), _axis(betas, "betas")
    weight = real(presence_weight, "presence_weight")
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
