"""Reading predictions and labels from every form users hold them in.

Predictions: the official dict, the submission object ``{"predictions": {...}}``,
a JSON path (or a zip holding one JSON file), or a long DataFrame (``filename, emotion, salience``).
Labels: clip names, a label dict, a label JSON path, or a metadata table
(``filename, emotion_1, emotion_2, emotion_1_salience, emotion_2_salience``)
as a DataFrame or CSV path. A table with only ``filename`` (such as the
dataset's ``clips.csv``) gives labels read from the names.

Files are read by :func:`read_json` and :func:`read_table`, which turn every
failure (missing, empty, not UTF-8, malformed) into one
:class:`~blemore_fast.ValidationError` problem naming the file. JSON is
parsed in one place, :func:`parse_json`, whether it comes from a file or
from a zip member. A prediction file (or zip member) is read natively by
:func:`read_submission_file`: the bytes are parsed in Rust, straight into the
clip encoding, with the same failures reported the same way, and clips or
keys given twice found.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._pandas import is_na, is_pandas, pandas
from .archive import is_zip, read_json_member
from .errors import Problem, ValidationError, raise_if_any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "LONG_COLUMNS",
    "METADATA_COLUMNS",
    "LabelInput",
    "PredictionDict",
    "load_labels",
    "load_predictions",
    "metadata_to_labels",
    "missing_columns",
    "parse_json",
    "read_json",
    "read_submission_file",
    "read_table",
]

PredictionDict = dict[str, list[dict[str, Any]]]
METADATA_COLUMNS = (
    "filename",
    "emotion_1",
    "emotion_2",
    "emotion_1_salience",
    "emotion_2_salience",
)
LONG_COLUMNS = ("filename", "emotion", "salience")


def _read_bytes(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ValidationError(
            [Problem(None, f"cannot read {path}: {error.strerror}", kind="file_unreadable")], what
        ) from None


def _decode(data: bytes, where: str, what: str, expected: str) -> str:
    """``data`` as UTF-8 text (a BOM is dropped); empty or non-UTF-8 data is
    a one-problem ValidationError about ``what``, naming ``where`` it came from."""
    if not data.strip():
        raise ValidationError(
            [Problem(None, f"{where} is empty; expected {expected}", kind="empty_file")], what
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            [
                Problem(
                    None,
                    f"{where} is not UTF-8 text (byte {error.start}: {data[error.start]:#04x})",
                    kind="not_utf8",
                )
            ],
            what,
        ) from None


def _read_text(path: Path, what: str, expected: str) -> str:
    """The text of a UTF-8 file; a missing, empty or non-UTF-8 file is a
    one-problem ValidationError about ``what``."""
    return _decode(_read_bytes(path, what), str(path), what, expected)


class _Duplicates:
    """Records the JSON objects that repeat a key, as ``json.loads`` builds them.

    Python's parser silently keeps the last value of a repeated key; a
    submission naming a clip twice is ambiguous (another reader may keep the
    first), so it must be reported instead. Each record keeps its object
    alive, so that ``id`` stays unique while the records are looked up.
    """

    def __init__(self) -> None:
        self.found: dict[int, tuple[dict[str, Any], Counter[str]]] = {}

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            self.found[id(obj)] = (obj, Counter(key for key, _ in pairs))
        return obj

    def problems(self, value: Any, where: str) -> list[Problem]:
        """The repeated keys of the object that maps clips: the top level, or
        the submission's ``predictions``."""
        mappings = [value]
        if isinstance(value, dict) and isinstance(value.get("predictions"), dict):
            mappings.append(value["predictions"])
        problems = []
        for mapping in mappings:
            if id(mapping) in self.found:
                counts = self.found[id(mapping)][1]
                problems += [
                    Problem(
                        key,
                        f"appears {count} times in {where}; readers differ on which one "
                        "counts, so give each clip once",
                        kind="duplicate_clip",
                    )
                    for key, count in counts.items()
                    if count > 1
                ]
        return problems


def parse_json(data: bytes, where: str) -> Any:
    """Parses JSON ``data`` read from ``where`` (a path, or a member of a zip).

    Errors name ``where`` and give the parser's line and column; a clip named
    twice is a ``duplicate_clip`` problem.
    """
    text = _decode(data, where, "file", "JSON")
    duplicates = _Duplicates()
    try:
        value = json.loads(text, object_pairs_hook=duplicates)
    except json.JSONDecodeError as error:
        raise ValidationError(
            [
                Problem(
                    None,
                    f"{where} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}",
                    kind="invalid_json",
                )
            ],
            "file",
        ) from None
    raise_if_any(duplicates.problems(value, where), "file")
    return value


def read_json(path: str | os.PathLike[str]) -> Any:
    """Parses a JSON file, or the one JSON file inside a zip (see
    :mod:`blemore_fast.archive`); errors give the path and the parser's line
    and column."""
    path = Path(path)
    if is_zip(path):
        member, data = read_json_member(path)
        return parse_json(data, f"{member} in {path}")
    return parse_json(_read_bytes(path, "file"), str(path))


def read_table(path: str | os.PathLike[str], what: str, **kwargs: Any) -> pd.DataFrame:
    """``pd.read_csv(path, **kwargs)`` with every failure (missing, empty, not
    UTF-8, malformed) turned into a one-problem ValidationError about ``what``."""
    path = Path(path)
    _read_text(path, what, "a CSV table")
    pd = pandas()
    try:
        return pd.read_csv(path, encoding="utf-8-sig", **kwargs)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ValidationError(
            [Problem(None, f"cannot read {path} as CSV: {message}", kind="invalid_csv")], what
        ) from None


def _is_path(obj: object) -> bool:
    return isinstance(obj, (str, os.PathLike))


def _not_predictions(type_name: str) -> TypeError:
    return TypeError(
        "preds must be a {clip: [{'emotion', 'salience'}, ...]} dict, a submission "
        "{'predictions': {...}}, a JSON path or a DataFrame with columns "
        f"filename, emotion, salience; got {type_name}"
    )


def load_predictions(preds: Any) -> PredictionDict:
    """The official prediction dict for any accepted prediction input."""
    if _is_path(preds):
        preds = read_json(preds)
    if is_pandas(preds, "DataFrame"):
        return _long_frame_to_dict(preds)
    if isinstance(preds, Mapping):
        return _unwrap_submission(preds)
    raise _not_predictions(type(preds).__name__)


def read_submission_file(
    path: str | os.PathLike[str],
    labels: dict[str, Any] | list[str] | None = None,
    *,
    strict: bool = True,
    alone: bool = False,
    names: bool = False,
    any_top_level: bool = False,
) -> Any:
    """Reads a submission JSON file (or the JSON file in a zip) natively,
    matching its clips to ``labels``.

    ``labels`` is a :class:`LabelInput` source (None: read from the clip
    names); with ``alone`` there are none and the predictions are judged by
    themselves, strictly. With ``names`` every clip name is kept, in order.
    Returns the native ``SubmissionFile``: ``pred`` and ``label`` encoded,
    ``problems``, ``warnings``, ``n_clips``, ``names`` and the file's shape
    (``top_level``: ``"wrapped"`` or ``"bare"``; ``extra_keys``: the
    top-level keys beside ``"predictions"``, in order).

    Raises :class:`~blemore_fast.ValidationError` when the file cannot be
    read as JSON (missing, empty, not UTF-8, invalid, with line and column)
    or its only top-level key is not ``"predictions"``, and ``TypeError``
    when it holds no JSON object, as :func:`load_predictions` does (unless
    ``any_top_level``: then ``top_level`` names the type it holds).
    """
    source: str | bytes = os.fspath(path)
    shown_as = str(Path(path))
    if is_zip(path):
        member, source = read_json_member(Path(path))
        shown_as = f"{member} in {shown_as}"
    read = _core.read_submission(
        source, labels, strict=strict, alone=alone, keep_names=names, shown_as=shown_as
    )
    if read.file_problem is not None:
        kind, message = read.file_problem
        raise ValidationError([Problem(None, message, kind)], "file")
    if read.top_level not in ("wrapped", "bare"):
        if any_top_level:
            return read
        raise _not_predictions(read.top_level)
    if read.shape_problem is not None:
        raise ValidationError([Problem._from_core(read.shape_problem)], "predictions")
    return read


def _unwrap_submission(preds: Mapping[Any, Any]) -> PredictionDict:
    """The prediction dict inside a submission object, or ``preds`` itself."""
    inner = preds.get("predictions")
    if isinstance(inner, Mapping):
        return inner if isinstance(inner, dict) else dict(inner)
    if len(preds) == 1:
        ((key, value),) = preds.items()
        if isinstance(value, Mapping):
            raise ValidationError(
                [
                    Problem(
                        None,
                        f"unexpected top-level key {key!r}: a submission is "
                        '{"predictions": {clip: [entries]}}',
                        kind="not_a_submission",
                    )
                ],
                "predictions",
            )
    return preds if isinstance(preds, dict) else dict(preds)


def missing_columns(frame: pd.DataFrame, needed: Sequence[str], what: str) -> None:
    """Raises a ValidationError naming the columns of ``needed`` that ``frame`` lacks."""
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValidationError(
            [
                Problem(
                    None,
                    f"missing column(s) {', '.join(missing)}; found {', '.join(map(str, frame.columns))}",
                    kind="missing_column",
                )
            ],
            what,
        )


def _long_frame_to_dict(frame: pd.DataFrame) -> PredictionDict:
    missing_columns(frame, LONG_COLUMNS, "prediction table")
    result: PredictionDict = {}
    for name, emotion, salience in zip(
        frame["filename"].tolist(),
        frame["emotion"].tolist(),
        frame["salience"].tolist(),
        strict=True,
    ):
        result.setdefault(name, []).append({"emotion": emotion, "salience": salience})
    return result


@dataclass(frozen=True)
class LabelInput:
    """Labels normalised for the native walk, with any metadata kept for later use.

    ``source`` is None (read labels from prediction names), a label dict or a
    list of clip names. ``metadata`` is the table the labels came from, indexed
    by filename, when there was one (its ``actor``, ``fold``... columns).
    """

    source: dict[str, Any] | list[str] | None
    metadata: pd.DataFrame | None = None


def _blank(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, float) and np.isnan(value))
        or (isinstance(value, str) and not value.strip())
        or is_na(value)
    )


def metadata_to_labels(frame: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The label dict of a metadata table; every malformed row is reported."""
    missing_columns(frame, METADATA_COLUMNS, "label metadata")
    labels: dict[str, list[dict[str, Any]]] = {}
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    columns = [frame[c].tolist() for c in METADATA_COLUMNS]
    for row, (name, e1, e2, s1, s2) in enumerate(zip(*columns, strict=True)):
        where = f"row {row}"
        if _blank(name):
            problems.append(Problem(None, f"{where}: filename is empty", kind="missing_clip_name"))
            continue
        if str(name) in first_row:
            # A second row would silently replace the first one's label.
            problems.append(
                Problem(
                    str(name),
                    f"{where}: the clip already has row {first_row[str(name)]}",
                    kind="duplicate_row",
                )
            )
            continue
        first_row[str(name)] = row
        if _blank(e1):
            problems.append(
                Problem(str(name), f"{where}: emotion_1 is empty", kind="bad_label_row")
            )
            continue
        if _blank(e2):
            labels[str(name)] = [{"emotion": e1, "salience": 1.0}]
        elif _blank(s1) or _blank(s2):
            problems.append(
                Problem(
                    str(name),
                    f"{where}: a blend needs emotion_1_salience and emotion_2_salience",
                    kind="bad_label_row",
                )
            )
        else:
            labels[str(name)] = [{"emotion": e1, "salience": s1}, {"emotion": e2, "salience": s2}]
    raise_if_any(problems, "label metadata")
    return labels


def _table_labels(frame: pd.DataFrame) -> LabelInput:
    if "filename" not in frame.columns:
        missing_columns(frame, METADATA_COLUMNS, "label metadata")
    names = [str(n) for n in frame["filename"].tolist()]
    metadata = frame.set_index(pandas().Index(names, name="filename"))
    if "emotion_1" in frame.columns:
        return LabelInput(metadata_to_labels(frame), metadata)
    # Only names (as in the dataset's clips.csv): labels come from the names.
    return LabelInput(names, metadata)


def load_labels(labels: Any) -> LabelInput:
    """Normalises any accepted label input."""
    if labels is None:
        return LabelInput(None)
    if _is_path(labels):
        path = Path(labels)
        if path.suffix.lower() == ".json":
            data = read_json(path)
            if isinstance(data, list):
                return LabelInput([str(x) for x in data])
            return LabelInput(dict(data))
        pd = pandas()
        try:
            frame = pd.read_csv(path, dtype={"filename": str})
        except (
            OSError,
            pd.errors.ParserError,
            UnicodeDecodeError,
            pd.errors.EmptyDataError,
        ) as error:
            raise ValidationError(
                [Problem(None, f"cannot read {path} as CSV: {error}", kind="invalid_csv")], "labels"
            ) from None
        return _table_labels(frame)
    if is_pandas(labels, "DataFrame"):
        return _table_labels(labels)
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
