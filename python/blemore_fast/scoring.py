"""``score``: the two challenge metrics, exactly as the published scorer computes them.

The heavy lifting happens in the native core: the prediction dict is walked,
validated and encoded in Rust, then counted over numpy arrays.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from .encoded import Encoded, cell_totals
from .errors import raise_if_any
from .inputs import LabelInput, _is_path, load_labels, load_predictions, read_submission_file

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

    - ``presence``: share of clips whose predicted *set* of emotions is exactly right.
    - ``salience``: share of blend clips whose pair *and* ratio are right
      (0.0 when no clip is a blend).
    - ``mean``: their average, by which the challenge's baseline ranks.
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
        """The score of outcome-cell counts (see ``CELLS``)."""
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

    ``metadata`` holds the label table's rows for these clips (``actor``,
    ``fold``...) when the labels came from one.
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
    """Encodes labels in their own order: clip names, a label dict, a metadata
    DataFrame or a CSV/JSON path. Raises ValidationError listing every bad label.

    Encode labels once and reuse them, for example to score each epoch's
    decoded predictions against the same validation clips:

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

    Accepts every input ``score`` does. Dict predictions are matched to labels
    by clip name; ``Encoded`` predictions are matched by position.
    """
    if isinstance(preds, Encoded):
        label = encode_labels(_labels_or_names(preds, labels))
        if len(label) != len(preds):
            raise ValueError(f"{len(preds):,} encoded predictions but {len(label):,} labels")
        return Aligned(preds, label, clips=preds.names or label.names)
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


def as_aligned(preds: Any, labels: Any = None, *, strict: bool = True) -> Aligned:
    """``preds`` if it is already :class:`Aligned` (then ``labels`` must be
    None), else ``align(preds, labels, strict=strict)``: the first step of
    everything that takes an ``Aligned`` or any input ``score`` does."""
    if isinstance(preds, Aligned):
        if labels is not None:
            raise ValueError("labels must be None when preds is already Aligned")
        return preds
    return align(preds, labels, strict=strict)


def score(preds: Any, labels: Any = None, *, strict: bool = True) -> Score:
    """Scores predictions with the challenge's two metrics, bit for bit as published.

    ``preds``: the official ``{clip: [{"emotion": ..., "salience": ...}]}`` dict,
    a submission ``{"predictions": {...}}``, a path to either as JSON, a long
    DataFrame (``filename, emotion, salience``), or :class:`Encoded`.

    ``labels``: None to read labels from the clip names (as the published
    functions do), a label dict, clip names, or a metadata DataFrame / CSV path
    (``filename, emotion_1, emotion_2, emotion_1_salience, emotion_2_salience``).

    With ``strict=True`` any departure from the challenge format raises
    :class:`ValidationError` listing every problem. With ``strict=False`` the
    result equals the published functions on anything they accept: duplicate
    and unknown codes count as wrong, and labels without a prediction are left
    out of the denominator (with a warning).

    Examples
    --------
    >>> score({"A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100}],
    ...        "A411_mix_ang_hap_30_70_ver1": [{"emotion": "hap", "salience": 70},
    ...                                        {"emotion": "ang", "salience": 30}]})
    Score(presence=1.0000 [2/2], salience=1.0000 [1/1], mean=1.0000)
    """
    return Score.from_cells(outcome_cells(preds, labels, strict=strict))


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
