"""``ThresholdSearch``: the threshold grid search as a torchmetrics metric
whose state, a grid of counts, adds up across processes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from ..encoded import EMOTIONS
from ..training._coerce import class_codes
from ..training.grid import GridResult, _settings, _shard_counts
from ._metric import CountingMetric, probabilities

__all__ = ["ThresholdSearch"]


class ThresholdSearch(CountingMetric):
    """The published threshold grid search, over batches and processes.

    A torchmetrics ``Metric`` (the ``[torch]`` extra). ``update(preds, labels)``
    adds a batch's counts at every ``(alpha, beta)`` of the grid (``preds`` and
    ``labels`` as for :class:`BlEmoReScore`). Under DistributedDataParallel each
    process updates on its own shard of the validation set; ``compute()`` sums
    the count grids of all processes (``sync``) and searches them.

    ``compute()`` returns ``alpha``, ``beta``, ``presence``, ``salience`` and
    ``mean`` of the best cell as float64 tensors on the CPU, equal to
    :func:`~blemore_fast.grid_search` on all the data. :meth:`result` gives the
    whole :class:`~blemore_fast.GridResult`. States: ``presence_correct`` and
    ``salience_correct`` (int64, one count per cell), ``n`` and ``n_blend``
    (int64), all summed.

    Parameters
    ----------
    alphas, betas : array_like, optional
        1-D axes; default ``numpy.linspace(0.05, 0.95, 20)`` each, compared in
        float64 as in the published search.
    presence_weight : float, default 0.5
        The best cell maximises
        ``presence_weight * presence + (1 - presence_weight) * salience``, ties
        to the first cell in alpha-major order.
    classes : sequence of str, default EMOTIONS
        The emotion code of each column of ``preds`` (and of soft labels).
    from_logits : bool, default False
        ``preds`` are logits: a softmax over the classes is applied first.
    full_grids : bool, default False
        ``compute()`` also returns ``presence_grid`` and ``salience_grid``,
        ``(len(alphas), len(betas))``.
    **kwargs
        Passed to ``torchmetrics.Metric`` (such as ``sync_on_compute``).

    Raises
    ------
    ValueError
        For axes that are empty or not 1-D, a ``presence_weight`` outside
        [0, 1], or unknown or repeated classes.

    Examples
    --------
    >>> import torch
    >>> search = ThresholdSearch(alphas=[0.2, 0.4], betas=[0.1, 0.5])
    >>> search.update(torch.tensor([[0.6, 0.0, 0.0, 0.3, 0.1, 0.0]]), ["A411_mix_ang_hap_70_30_ver1"])
    >>> search.update(torch.tensor([[0.1, 0.0, 0.0, 0.0, 0.1, 0.8]]), ["A303_neu_sit2_ver1"])
    >>> {name: value.item() for name, value in search.compute().items()}
    {'alpha': 0.2, 'beta': 0.1, 'presence': 1.0, 'salience': 1.0, 'mean': 1.0}
    >>> search.presence_correct.tolist(), search.n.item()
    ([[2, 2], [1, 1]], 2)
    """

    presence_correct: torch.Tensor
    salience_correct: torch.Tensor
    n: torch.Tensor
    n_blend: torch.Tensor

    def __init__(
        self,
        alphas: Any = None,
        betas: Any = None,
        presence_weight: float = 0.5,
        *,
        classes: Sequence[str] = EMOTIONS,
        from_logits: bool = False,
        full_grids: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.alphas, self.betas, self.presence_weight = _settings(alphas, betas, presence_weight)
        for axis in (self.alphas, self.betas):
            axis.flags.writeable = False  # the counts belong to these values
        self.classes, self._codes = class_codes(classes)
        self.from_logits = bool(from_logits)
        self.full_grids = bool(full_grids)
        shape = (len(self.alphas), len(self.betas))
        # presence_weight is left out: it does not change the counts.
        settings = [
            b"ThresholdSearch",
            np.array(shape, dtype=np.int64).tobytes(),
            self.alphas.tobytes(),
            self.betas.tobytes(),
            bytes(self._codes),
            bytes([self.from_logits]),
        ]
        self._add_states(settings, presence_correct=shape, salience_correct=shape, n=(), n_blend=())

    def update(self, preds: Any, labels: Any) -> None:
        """Adds one batch's counts at every cell of the grid.

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
        >>> metric = ThresholdSearch()
        >>> metric.update(torch.tensor([[0.0, 0.9, 0.0, 0.0, 0.1, 0.0]]), ["A102_disg_int1_ver1"])
        >>> metric.n.item(), metric.presence_correct.shape
        (1, torch.Size([20, 20]))
        """
        presence_correct, salience_correct, n, n_blend = _shard_counts(
            probabilities(preds, self.from_logits), labels, self.alphas, self.betas, self._codes
        )
        self._add_to("presence_correct", presence_correct)
        self._add_to("salience_correct", salience_correct)
        self._add_to("n", n)
        self._add_to("n_blend", n_blend)

    def result(self) -> GridResult:
        """The :class:`~blemore_fast.GridResult` of the counts held now (this
        process's, or all processes' inside ``compute`` or after ``sync``)."""
        return GridResult._of_counts(
            self.presence_correct.cpu().numpy().copy(),
            self.salience_correct.cpu().numpy().copy(),
            int(self.n),
            int(self.n_blend),
            self.alphas.copy(),
            self.betas.copy(),
            self.presence_weight,
        )

    def compute(self) -> dict[str, torch.Tensor]:
        """The best cell of everything added (and synced), and the grids on request."""
        result = self.result()
        out = self._results(
            alpha=result.alpha,
            beta=result.beta,
            presence=result.presence,
            salience=result.salience,
            mean=result.mean,
        )
        if self.full_grids:
            out["presence_grid"] = torch.from_numpy(result.presence_grid.copy())
            out["salience_grid"] = torch.from_numpy(result.salience_grid.copy())
        return out

    def extra_repr(self) -> str:
        return (
            f"grid={len(self.alphas)}x{len(self.betas)}, presence_weight={self.presence_weight!r}"
        )
