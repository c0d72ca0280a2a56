"""``Accumulator``: outcome counts summed over batches, threads or processes."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..encoded import CELLS, EMOTIONS, Encoded
from ..inputs import LONG_COLUMNS
from ..inputs.tables import columns, is_table
from ..scoring import Score, _labels_or_names, count_cells, outcome_cells
from ._coerce import as_array, class_codes, prob_input
from .decode import _decode
from .labels import _is_soft, _row_labels

__all__ = ["Accumulator"]


def _is_prediction_input(preds: Any) -> bool:
    """Whether ``preds`` are predictions :func:`~blemore_fast.score` reads: a
    dict, a path, or a long table (``filename, emotion, salience``; a table
    of the six emotions holds probabilities)."""
    if isinstance(preds, (Mapping, str, os.PathLike)):
        return True
    return is_table(preds) and all(c in columns(preds).names for c in LONG_COLUMNS)


class Accumulator:
    """Outcome counts summed over batches, threads or processes.

    The state is five clip counts (see ``CELLS``), so partial accumulators
    merge exactly: add their :meth:`state` vectors (for example with
    ``torch.distributed.all_reduce``) and rebuild with :meth:`from_state`.
    Updates from several threads are safe. An accumulator starts empty and
    takes no arguments; :meth:`update` adds a batch and :meth:`compute` gives
    the :class:`~blemore_fast.Score` of all of them.

    Examples
    --------
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
        self._cells = np.zeros(len(CELLS), dtype=np.int64)
        self._lock = threading.Lock()

    def update(
        self,
        preds: Any,
        labels: Any = None,
        *,
        alpha: float | None = None,
        beta: float | None = None,
        classes: Sequence[str] = EMOTIONS,
        logits: bool = False,
    ) -> None:
        """Adds one batch.

        Parameters
        ----------
        preds : Encoded, dict, table, array_like or torch.Tensor
            :class:`~blemore_fast.Encoded` (matched to ``labels`` by position, or
            to its own names), anything :func:`~blemore_fast.score` accepts (a
            prediction dict or a long table, matched by clip name), or
            probabilities decoded at ``alpha`` / ``beta``: an ``(N, 6)`` matrix
            in ``classes`` order, or a table read by its column names (a
            :class:`~blemore_fast.ProbTable`, a pandas or polars DataFrame, a
            pyarrow Table), as for :func:`decode`. A probability table whose
            ``filename`` column names its rows is matched to labels by name, or
            without labels gets the labels its clip names carry.
        labels : optional
            The batch's labels: as for :func:`~blemore_fast.score` with
            predictions, as for :func:`grid_search` with probabilities.
        alpha, beta : float, optional
            The thresholds, both required with probabilities (see
            :func:`decode`).
        classes : sequence of str, default EMOTIONS
            The emotion code of each probability column.
        logits : bool, default False
            The probabilities are logits: a softmax per row turns them into
            probabilities first. Only with probabilities.

        Raises
        ------
        ValidationError, TypeError, ValueError
            As :func:`~blemore_fast.score` and :func:`decode` do (ValueError for
            probabilities or thresholds outside [0, 1]); TypeError for
            ``alpha``, ``beta`` or ``logits`` with predictions that are not
            probabilities. The state is then unchanged.

        Examples
        --------
        >>> acc = Accumulator()
        >>> acc.update({"A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]})
        >>> acc.compute().presence
        1.0
        """
        if is_table(preds):
            preds = columns(preds)  # read once, whichever way it is used
        probabilities = not (isinstance(preds, Encoded) or _is_prediction_input(preds))
        if not probabilities and (alpha is not None or beta is not None or logits):
            raise TypeError("alpha, beta and logits apply only to probability predictions")
        if isinstance(preds, Encoded):
            labels = _labels_or_names(preds, labels)
            cells = count_cells(preds, _row_labels(labels, len(preds), class_codes(classes)[1]))
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
            values, _, codes, names = prob_input(preds, classes, logits=logits)
            pred = _decode(values, alpha, beta, codes, names)
            if labels is None and names is not None:
                labels = list(names)
            cells = count_cells(
                pred, _row_labels(labels, len(pred), codes, names, by_name_if_named=True)
            )
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
        """Adds another accumulator's counts into this one.

        Parameters
        ----------
        other : Accumulator
            The counts to add (for example a worker thread's).

        Returns
        -------
        Accumulator
            ``self``, holding both.

        Examples
        --------
        >>> a, b = Accumulator(), Accumulator()
        >>> a.update({"A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]})
        >>> b.update({"A102_ang_int2_ver1": [{"emotion": "sad", "salience": 100}]})
        >>> a.merge(b).compute()
        Score(presence=0.5000 [1/2], salience=0.0000 [0/0], mean=0.2500)
        """
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
        """An accumulator holding ``state``.

        Parameters
        ----------
        state : array_like or torch.Tensor
            Five non-negative integer counts in ``CELLS`` order, such as the sum of
            several :meth:`state` vectors (``torch.distributed.all_reduce``).

        Returns
        -------
        Accumulator
            A new accumulator with these counts.

        Raises
        ------
        ValueError
            When ``state`` is not five non-negative integers.

        Examples
        --------
        >>> Accumulator.from_state([0, 1, 0, 0, 1]).compute()
        Score(presence=0.5000 [1/2], salience=1.0000 [1/1], mean=0.7500)
        """
        array = as_array(state, "state")
        if array.dtype.kind not in "iu":
            raise TypeError(f"state must hold integers; got dtype {array.dtype}")
        if array.shape != (len(CELLS),):
            raise ValueError(
                f"state must have shape ({len(CELLS)},), one count per outcome cell; "
                f"got {array.shape}"
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
