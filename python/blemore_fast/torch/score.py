"""``BlEmoReScore``: presence, salience and their mean at fixed thresholds, as a torchmetrics metric."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from ..encoded import CELLS, EMOTIONS
from ..scoring import Score, count_cells
from ..training._coerce import class_codes, real
from ..training.decode import _decode
from ..training.labels import _row_labels
from ._metric import CountingMetric, probabilities

__all__ = ["BlEmoReScore"]


class BlEmoReScore(CountingMetric):
    """The challenge's metrics at fixed thresholds, over batches and processes.

    A torchmetrics ``Metric`` (the ``[torch]`` extra). ``update(preds, labels)`` takes ``preds``, ``(N, 6)`` probabilities in
    ``classes`` order, or logits with ``from_logits=True`` (softmax over the
    classes, by torch, in their dtype): tensors of any float dtype and device,
    requiring grad or not, or NumPy arrays (precision per dtype as for
    :func:`~blemore_fast.decode`); and ``labels``, one per row: clip names,
    :class:`~blemore_fast.Encoded` labels, a one-hot or soft-label matrix or
    tensor in ``classes`` order, a label dict or a metadata table. Each
    batch is decoded exactly as :func:`~blemore_fast.decode` does at ``alpha`` /
    ``beta`` and its outcomes counted.

    ``compute()`` returns ``{"presence", "salience", "mean"}`` as float64
    tensors on the CPU, equal to :func:`~blemore_fast.score` on all the data.
    The state is the five outcome counts (``cells``, int64, ``CELLS`` order),
    summed by ``sync``, ``merge_state`` and ``forward``.

    Parameters
    ----------
    alpha : float
        The presence threshold, as for :func:`~blemore_fast.decode`.
    beta : float
        The largest difference called 50/50, as for :func:`~blemore_fast.decode`.
    classes : sequence of str, default EMOTIONS
        The emotion code of each column of ``preds`` (and of soft labels).
    from_logits : bool, default False
        ``preds`` are logits: a softmax over the classes is applied first.
    **kwargs
        Passed to ``torchmetrics.Metric`` (such as ``sync_on_compute``).

    Raises
    ------
    ValueError
        For thresholds that are not finite numbers, or unknown or repeated
        classes.

    Examples
    --------
    >>> import torch
    >>> metric = BlEmoReScore(alpha=0.2, beta=0.1)
    >>> metric.update(torch.tensor([[0.6, 0.0, 0.0, 0.3, 0.1, 0.0]]), ["A411_mix_ang_hap_70_30_ver1"])
    >>> metric.update(torch.tensor([[0.0, 0.9, 0.0, 0.0, 0.1, 0.0]]), ["A102_ang_int1_ver1"])
    >>> {name: value.item() for name, value in metric.compute().items()}
    {'presence': 0.5, 'salience': 1.0, 'mean': 0.75}
    >>> metric.cells.tolist()
    [0, 1, 0, 0, 1]
    """

    cells: torch.Tensor

    def __init__(
        self,
        alpha: float,
        beta: float,
        *,
        classes: Sequence[str] = EMOTIONS,
        from_logits: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.alpha = real(alpha, "alpha")
        self.beta = real(beta, "beta")
        self.classes, self._codes = class_codes(classes)
        self.from_logits = bool(from_logits)
        settings = [
            b"BlEmoReScore",
            np.array([self.alpha, self.beta]).tobytes(),
            bytes(self._codes),
            bytes([self.from_logits]),
        ]
        self._add_states(settings, cells=(len(CELLS),))

    def update(self, preds: Any, labels: Any) -> None:
        """Adds one batch: decoded at the metric's thresholds, its outcomes counted.

        Parameters
        ----------
        preds : torch.Tensor or array_like
            ``(N, 6)`` probabilities in ``classes`` order, or logits with
            ``from_logits=True``: tensors of any float dtype and device, requiring
            grad or not, or NumPy arrays.
        labels : sequence of str, Encoded, torch.Tensor, array_like, dict or pandas.DataFrame
            One per row: clip names, :class:`~blemore_fast.Encoded` labels, a
            one-hot or soft-label matrix or tensor in ``classes`` order, a label
            dict or a metadata table.

        Raises
        ------
        ValidationError, TypeError, ValueError
            As :func:`~blemore_fast.grid_search` does; the state is then unchanged.

        Examples
        --------
        >>> import torch
        >>> metric = BlEmoReScore(alpha=0.3, beta=0.1)
        >>> metric.update(torch.tensor([[0.0, 0.9, 0.0, 0.0, 0.1, 0.0]]), ["A102_disg_int1_ver1"])
        >>> metric.compute()["presence"].item()
        1.0
        """
        pred = _decode(probabilities(preds, self.from_logits), self.alpha, self.beta, self._codes)
        self._add_to("cells", count_cells(pred, _row_labels(labels, len(pred), self._codes)))

    def compute(self) -> dict[str, torch.Tensor]:
        """``presence``, ``salience`` and ``mean`` of everything added (and synced)."""
        score = Score.from_cells(self.cells.cpu().numpy())
        return self._results(presence=score.presence, salience=score.salience, mean=score.mean)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha!r}, beta={self.beta!r}"
