"""``score``: the two challenge metrics, exactly as the published scorer computes them.

The heavy lifting happens in the native core: the prediction dict is walked,
validated and encoded in Rust, then counted over numpy arrays.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from .encoded import Encoded, cell_totals, to_dict
from .errors import raise_if_any
from .inputs import LabelInput, _is_path, load_labels, load_predictions, read_submission_file
from .inputs.tables import is_table
from .partition import diagnosed, partition_labels

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Aligned",
    "Score",
    "align",
    "as_aligned",
    "count_cells",
    "encode_labels",
    "outcome_cells",
    "score",
]


@dataclass(frozen=True)
class Score:
    """The challenge's two accuracies and the counts behind them.

    A frozen record, the result of :func:`score` and
    :meth:`Accumulator.compute <blemore_fast.Accumulator.compute>`.

    Attributes
    ----------
    presence : float
        The share of clips whose predicted *set* of emotions is exactly right.
    salience : float
        The share of blend clips whose pair *and* ratio are right (0.0 when no
        clip is a blend).
    mean : float
        Their average, by which the challenge's baseline ranks.
    n, n_blend : int
        The number of clips, and of blend clips.
    presence_correct, salience_correct : int
        The counts behind the two shares.

    Examples
    --------
    >>> s = score({"A411_mix_ang_hap_30_70_ver1": [{"emotion": "ang", "salience": 50},
    ...                                            {"emotion": "hap", "salience": 50}]})
    >>> s.presence, s.salience, s.mean
    (1.0, 0.0, 0.5)
    >>> s.as_dict()["presence_correct"]
    1
    """

    presence: float
    salience: float
    n: int
    n_blend: int
    presence_correct: int
    salience_correct: int

    @property
    def mean(self) -> float:
        return (self.presence + self.salience) / 2

    @classmethod
    def from_cells(cls, cells: np.ndarray | list[int]) -> Score:
        """The score of outcome-cell counts.

        Parameters
        ----------
        cells : array_like
            Five clip counts in ``CELLS`` order.

        Returns
        -------
        Score

        Examples
        --------
        >>> Score.from_cells([0, 1, 0, 0, 1])
        Score(presence=0.5000 [1/2], salience=1.0000 [1/1], mean=0.7500)
        """
        n, n_blend, presence_correct, salience_correct = cell_totals(cells)
        return cls(
            presence=presence_correct / n if n else 0.0,
            salience=salience_correct / n_blend if n_blend else 0.0,
            n=n,
            n_blend=n_blend,
            presence_correct=presence_correct,
            salience_correct=salience_correct,
        )

    def as_dict(self) -> dict[str, float | int]:
        """All fields and ``mean``, for JSON or a DataFrame row."""
        return {
            "presence": self.presence,
            "salience": self.salience,
            "mean": self.mean,
            "n": self.n,
            "n_blend": self.n_blend,
            "presence_correct": self.presence_correct,
            "salience_correct": self.salience_correct,
        }

    def __repr__(self) -> str:
        return (
            f"Score(presence={self.presence:.4f} [{self.presence_correct:,}/{self.n:,}], "
            f"salience={self.salience:.4f} [{self.salience_correct:,}/{self.n_blend:,}], "
            f"mean={self.mean:.4f})"
        )


@dataclass(frozen=True)
class Aligned:
    """Predictions and labels encoded row by row, with what is known of each clip.

    The result of :func:`align`.

    Attributes
    ----------
    pred, label : Encoded
        The predictions and the labels, one row per clip.
    metadata : pandas.DataFrame or None
        The label table's rows for these clips (``actor``, ``fold``...) when the
        labels came from one.
    names : tuple of str or None
        The clip names, row by row, when known.

    Examples
    --------
    >>> aligned = align({"A102_ang_int1_ver1": [{"emotion": "sad", "salience": 100}]})
    >>> aligned.cells().tolist()  # one single clip, wrong: see CELLS
    [0, 1, 0, 0, 0]
    """

    pred: Encoded
    label: Encoded
    metadata: pd.DataFrame | None = None
    # The clip names, or the prediction dict whose keys they are (in order):
    # turning 100,000 keys into a tuple is left until someone asks.
    clips: Any = field(default=None, repr=False)

    @cached_property
    def names(self) -> tuple[str, ...] | None:
        """The clip names, row by row, when known."""
        return None if self.clips is None else tuple(self.clips)

    def cells(self) -> np.ndarray:
        """Clip counts per outcome cell, int64 of length 5."""
        return count_cells(self.pred, self.label)

    def outcomes(self) -> np.ndarray:
        """Each clip's outcome cell (0-4), uint8."""
        return _core.classify_cells(*_arrays(self.pred, self.label))


def _arrays(pred: Encoded, label: Encoded) -> tuple[np.ndarray, ...]:
    if len(pred) != len(label):
        raise ValueError(f"{len(pred):,} predictions but {len(label):,} labels")
    return pred.mask, pred.salience, label.mask, label.salience


def count_cells(pred: Encoded, label: Encoded) -> np.ndarray:
    """Clip counts per outcome cell over encoded arrays (zero-copy, in Rust)."""
    return _core.count_cells(*_arrays(pred, label))


def _warn(messages: list[str]) -> None:
    for message in messages:
        warnings.warn(message, UserWarning, stacklevel=4)


def _labels_or_names(preds: Encoded, labels: Any) -> Any:
    """``labels``, or when there are none the names of ``preds`` (their labels
    are read from the names)."""
    if labels is not None:
        return labels
    if preds.names is None:
        raise ValueError("labels are required for encoded predictions without names")
    return list(preds.names)


def encode_labels(labels: Any) -> Encoded:
    """Encodes labels in their own order, for scoring by position.

    Encode labels once and reuse them, for example to score each epoch's
    decoded predictions against the same validation clips.

    Parameters
    ----------
    labels : sequence of str, dict, pandas.DataFrame, str or os.PathLike
        Clip names (each label read from the name), a label dict, a metadata
        DataFrame, or a CSV or JSON path.

    Returns
    -------
    Encoded
        One row per label, in the order given.

    Raises
    ------
    ValidationError
        Listing every label that cannot be read.

    Examples
    --------
    >>> labels = encode_labels(["A102_ang_int1_ver1", "A411_mix_ang_hap_30_70_ver1"])
    >>> labels.mask.tolist()
    [1, 9]
    """
    if isinstance(labels, Encoded):
        return labels
    normalized = load_labels(labels)
    if normalized.source is None:
        raise ValueError("labels are required when predictions carry no clip names")
    names, arrays, problems, messages = _core.encode_labels(normalized.source)
    raise_if_any(problems, "labels")
    _warn(messages)
    return Encoded(*arrays, names=tuple(names))


def align(preds: Any, labels: Any = None, *, strict: bool = True) -> Aligned:
    """Encodes predictions and their labels row by row, validating both.

    Dict predictions are matched to labels by clip name, and so are
    :class:`~blemore_fast.Encoded` predictions that carry their clip names
    when the labels are keyed by name (a dict, a table or a file); other
    ``Encoded`` predictions are matched by position. This is the first step
    of :func:`score`, kept for code that counts over the rows itself.

    Parameters
    ----------
    preds, labels, strict
        As for :func:`score`.

    Returns
    -------
    Aligned
        The encoded predictions and labels, one row per clip, with the label
        table's rows (``metadata``) when the labels came from one.

    Raises
    ------
    ValidationError
        As :func:`score` does.

    Examples
    --------
    >>> aligned = align({"A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]})
    >>> aligned.names, aligned.pred.mask.tolist(), aligned.label.mask.tolist()
    (('A102_ang_int1_ver1',), [1], [1])
    """
    if isinstance(preds, Encoded):
        if preds.names is None or not _keyed_by_name(labels):
            label = encode_labels(_labels_or_names(preds, labels))
            if len(label) != len(preds):
                raise ValueError(f"{len(preds):,} encoded predictions but {len(label):,} labels")
            return Aligned(preds, label, clips=preds.names or label.names)
        # Named rows against labels keyed by name: matched by name, as a dict
        # is, so that rows in another order (pooled folds) are never paired
        # with another clip's label.
        preds = to_dict(preds)
    normalized: LabelInput = load_labels(labels)
    clips: Any
    read = None
    if _is_path(preds):
        read = read_submission_file(preds, normalized.source, strict=strict, names=True)
    if read is not None:
        pred_arrays, label_arrays = read.pred, read.label
        problems, messages, clips = read.problems, read.warnings, read.names
    else:
        # A dict, a table, or a file that gives a key twice (read exactly).
        clips = load_predictions(preds)
        pred_arrays, label_arrays, problems, messages = _core.encode_pairs(
            clips, normalized.source, strict=strict
        )
    raise_if_any(problems, "predictions")
    _warn(messages)
    metadata = None
    if normalized.metadata is not None:
        metadata = normalized.metadata.reindex(list(clips))
    return Aligned(
        Encoded._native(*pred_arrays), Encoded._native(*label_arrays), metadata, clips=clips
    )


def _keyed_by_name(labels: Any) -> bool:
    """Whether ``labels`` name their clips (a dict, a table or a file), so that
    named predictions can be matched to them by name."""
    return _is_path(labels) or is_table(labels) or isinstance(labels, Mapping)


def as_aligned(
    preds: Any,
    labels: Any = None,
    *,
    strict: bool = True,
    partition: str | None = None,
    lenient: bool = True,
) -> Aligned:
    """``preds`` if it is already :class:`Aligned` (then ``labels`` and
    ``partition`` must be None), else ``align(preds, labels, strict=strict)``
    on the rows of ``partition``, with the CLI's diagnosis in the error: the
    first step of everything that takes an ``Aligned`` or any input ``score``
    does. ``lenient`` says whether the caller takes ``strict=False`` (the
    diagnosis then suggests it)."""
    if isinstance(preds, Aligned):
        if labels is not None or partition is not None:
            raise ValueError("labels and partition must be None when preds is already Aligned")
        return preds
    with diagnosed(labels, partition, lenient=lenient):
        return align(preds, partition_labels(labels, partition), strict=strict)


def score(
    preds: Any, labels: Any = None, *, strict: bool = True, partition: str | None = None
) -> Score:
    """Scores predictions with the challenge's two metrics, bit for bit as published.

    Parameters
    ----------
    preds : dict, str, os.PathLike, table or Encoded
        The predictions: the official ``{clip: [{"emotion": ..., "salience": ...}]}``
        dict, a submission ``{"predictions": {...}}``, a path to either as JSON
        (or to the zip holding one), a long table (pandas, polars or Arrow)
        with columns ``filename, emotion, salience``, read by name, or
        :class:`~blemore_fast.Encoded` arrays (matched to the labels by
        position).
    labels : None, dict, sequence of str, table, str or os.PathLike, optional
        ``None`` (the default) reads each clip's label from its name, as the
        published functions do. Otherwise a label dict, a sequence of clip
        names, or a metadata table (pandas, polars or Arrow) or CSV path
        (``filename, emotion_1, emotion_2, emotion_1_salience,
        emotion_2_salience``; extra columns such as ``actor`` and ``fold`` are
        kept). The dataset's ``clips.csv`` (``filename, actor, partition,
        fold``) works too: its labels come from the names.
    strict : bool, default True
        ``True`` raises :class:`~blemore_fast.ValidationError` on any departure
        from the challenge's format, listing every problem. ``False`` scores as
        the published functions do on anything they accept: repeated and
        unknown codes count as wrong, and labelled clips without a prediction
        are left out of the denominator (with a warning). A prediction without
        a label is an error in both modes.
    partition : str, optional
        Keep only the label table's rows of this partition (such as ``"test"``
        of the dataset's ``clips.csv``), as the CLI's ``--partition`` does; it
        needs ``labels`` to be a table or CSV path.

    Returns
    -------
    Score
        Presence, salience, their mean and the counts behind them.

    Raises
    ------
    ValidationError
        When the predictions or the labels break the challenge's format (every
        problem listed, each with a stable ``kind``). When predictions and
        labels do not match, it ends with the hint the CLI prints, such as to
        add ``partition='test'``.
    TypeError
        When ``preds`` or ``labels`` is of a type none of the above.

    Examples
    --------
    >>> score({"A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100}],
    ...        "A411_mix_ang_hap_30_70_ver1": [{"emotion": "hap", "salience": 70},
    ...                                        {"emotion": "ang", "salience": 30}]})
    Score(presence=1.0000 [2/2], salience=1.0000 [1/1], mean=1.0000)
    """
    with diagnosed(labels, partition):
        cells = outcome_cells(preds, partition_labels(labels, partition), strict=strict)
    return Score.from_cells(cells)


def outcome_cells(preds: Any, labels: Any = None, *, strict: bool = True) -> np.ndarray:
    """The five outcome-cell counts (``CELLS`` order) of any input ``score`` takes."""
    if isinstance(preds, Encoded):
        return align(preds, labels, strict=strict).cells()
    source = load_labels(labels).source
    # A JSON file: read, validated and encoded natively, in one pass (unless
    # it gives a key twice: then the dict path reads it exactly).
    read = read_submission_file(preds, source, strict=strict) if _is_path(preds) else None
    if read is not None:
        raise_if_any(read.problems, "predictions")
        _warn(read.warnings)
        return _core.count_cells(*read.pred, *read.label)
    # The common case in one native call: walk, validate and count.
    cells, problems, messages = _core.score_pairs(load_predictions(preds), source, strict=strict)
    raise_if_any(problems, "predictions")
    _warn(messages)
    return np.asarray(cells, dtype=np.int64)
