"""Any accepted form of predictions or labels, to the forms the readers judge.

Predictions: the official dict, the submission object ``{"predictions": {...}}``,
a JSON path (or a zip holding one JSON file), or a long DataFrame (``filename, emotion, salience``).
Labels: clip names, a label dict, a label JSON path, or a metadata table
(``filename, emotion_1, emotion_2, emotion_1_salience, emotion_2_salience``)
as a DataFrame or CSV path. A table with only ``filename`` (such as the
dataset's ``clips.csv``) gives labels read from the names.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .._pandas import is_pandas, pandas
from ..errors import Problem, ValidationError
from .files import MemoryFile, file_kind
from .json_files import (
    PredictionDict,
    json_type,
    no_predictions,
    read_json,
    unwrap_submission,
    warn_extra_keys,
)
from .tables import as_pandas, is_table
from .tables.long_form import (
    METADATA_COLUMNS,
    long_frame_to_dict,
    metadata_to_labels,
    missing_columns,
    read_table,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LabelInput", "is_path", "load_labels", "load_predictions", "not_predictions"]


def is_path(obj: object) -> bool:
    return isinstance(obj, (str, os.PathLike, MemoryFile))


def load_predictions(preds: Any) -> PredictionDict:
    """The official prediction dict for any accepted prediction input.

    A submission object's extra top-level keys are ignored with a warning,
    and an input with no predictions at all is an error (its score would be
    0 of 0).
    """
    where = f"{preds}: " if is_path(preds) else ""
    if is_path(preds):
        path, preds = preds, read_json(preds)
        if not isinstance(preds, Mapping):
            problem = Problem(
                None,
                f"{path} holds a JSON {json_type(preds)}; a submission is "
                '{"predictions": {clip: [entries]}}',
                kind="not_a_submission",
            )
            raise ValidationError([problem], "predictions")
    if is_table(preds):
        result = long_frame_to_dict(as_pandas(preds))
    elif isinstance(preds, Mapping):
        result, shape = unwrap_submission(preds)
        if shape.extra_keys:
            warn_extra_keys(shape, where)
    else:
        raise not_predictions(type(preds).__name__)
    if not result:
        raise ValidationError([no_predictions(where)], "predictions")
    return result


def not_predictions(type_name: str) -> TypeError:
    return TypeError(
        "preds must be a {clip: [{'emotion', 'salience'}, ...]} dict, a submission "
        "{'predictions': {...}}, a JSON path or a table (pandas, polars, Arrow) with "
        f"columns filename, emotion, salience; got {type_name}"
    )


@dataclass(frozen=True)
class LabelInput:
    """Labels normalised for the native walk, with any metadata kept for later use.

    ``source`` is None (read labels from prediction names), a label dict or a
    list of clip names. ``metadata`` is the table the labels came from, indexed
    by filename, when there was one (its ``actor``, ``fold``... columns).
    """

    source: dict[str, Any] | list[str] | None
    metadata: pd.DataFrame | None = None


def _table_labels(frame: pd.DataFrame) -> LabelInput:
    if "filename" not in frame.columns:
        missing_columns(frame, METADATA_COLUMNS, "label metadata")
    names = [str(n) for n in frame["filename"].tolist()]
    metadata = frame.set_index(pandas().Index(names, name="filename"))
    if "emotion_1" in frame.columns:
        return LabelInput(metadata_to_labels(frame), metadata)
    # Only names (as in the dataset's clips.csv): labels come from the names,
    # and a name listed twice is the core's duplicate_label problem.
    return LabelInput(names, metadata)


def load_labels(labels: Any) -> LabelInput:
    """Normalises any accepted label input."""
    if labels is None:
        return LabelInput(None)
    if is_path(labels):
        if file_kind(labels) == "json":
            data = read_json(labels)
            if isinstance(data, list):
                return LabelInput([str(x) for x in data])
            return LabelInput(dict(data))
        return _table_labels(read_table(labels, "labels", dtype={"filename": str}))
    if is_table(labels):
        return _table_labels(as_pandas(labels))
    if isinstance(labels, Mapping):
        return LabelInput(labels if isinstance(labels, dict) else dict(labels))
    matrix = isinstance(labels, np.ndarray) and labels.ndim == 2 and labels.dtype.kind in "biuf"
    if (isinstance(labels, np.ndarray) or is_pandas(labels, "Series", "Index")) and not matrix:
        return LabelInput([str(x) for x in np.asarray(labels).ravel().tolist()])
    if isinstance(labels, Sequence):
        return LabelInput(list(labels))
    raise TypeError(
        "labels must be None, a label dict, clip names, a metadata DataFrame or a "
        f"CSV/JSON path; got {type(labels).__name__}. A soft-label matrix or tensor "
        "is read by row by grid_search and Accumulator.update, and "
        "blemore_fast.training.encode_soft_labels encodes one for score"
    )
