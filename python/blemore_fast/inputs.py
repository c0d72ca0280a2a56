"""Reading predictions and labels from every form users hold them in.

Predictions: the official dict, the submission object ``{"predictions": {...}}``,
a JSON path (or a zip holding one JSON file), or a long DataFrame (``filename, emotion, salience``).
Labels: clip names, a label dict, a label JSON path, or a metadata table
(``filename, emotion_1, emotion_2, emotion_1_salience, emotion_2_salience``)
as a DataFrame or CSV path. A table with only ``filename`` (such as the
dataset's ``clips.csv``) gives labels read from the names.

Files are read by :func:`read_json` and :func:`read_table`, which turn every
failure (missing, empty, not UTF-8, malformed) into one
:class:`~blemore_fast.ValidationError` problem naming the file. A file may
also be a :class:`MemoryFile`, bytes already read (such as standard input)
with the name messages give them. JSON is parsed in one place,
:func:`parse_json`, whether it comes from a file, a zip member or memory; a
key given twice in an object is an error naming the clip (a JSON parser
would silently keep the last one).
"""

from __future__ import annotations

import io
import json
import os
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

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
    "FileSource",
    "LabelInput",
    "MemoryFile",
    "PredictionDict",
    "SubmissionShape",
    "file_kind",
    "load_labels",
    "load_predictions",
    "metadata_to_labels",
    "missing_columns",
    "no_predictions",
    "parse_json",
    "read_json",
    "read_native",
    "read_submission_file",
    "read_table",
    "shape_problems",
    "unwrap_submission",
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


@dataclass(frozen=True)
class MemoryFile:
    """A file already read into memory, such as standard input: its bytes and
    the name messages give it (``"<stdin>"``). Every reader that takes a path
    takes one of these too.

    Examples
    --------
    >>> read_json(MemoryFile("<stdin>", b'{"a": 1}'))
    {'a': 1}
    """

    name: str
    data: bytes = b""

    def __str__(self) -> str:
        return self.name


#: A file to read: a path, or bytes already read.
FileSource = str | os.PathLike[str] | MemoryFile


def _source(path: FileSource) -> Path | MemoryFile:
    return path if isinstance(path, MemoryFile) else Path(path)


def file_kind(path: FileSource) -> Literal["json", "csv", "text"]:
    """What a file holds: from a path's suffix (``.json``, ``.csv``, else
    text; a zip holds JSON), or from the first bytes of a :class:`MemoryFile`
    (``{`` or ``[`` opens JSON; a first line with a comma, or ``filename``,
    is a CSV header).
    """
    if isinstance(path, MemoryFile):
        head = path.data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
        if head[:1] in (b"{", b"["):
            return "json"
        first = head.split(b"\n", 1)[0].strip()
        return "csv" if b"," in first or first == b"filename" else "text"
    suffix = Path(path).suffix.lower()
    if suffix == ".json" or is_zip(path):
        return "json"
    return "csv" if suffix == ".csv" else "text"


def _read_bytes(path: Path | MemoryFile, what: str) -> bytes:
    if isinstance(path, MemoryFile):
        return path.data
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
        # The decoder counts from after a byte-order mark; the file, from its start.
        start = error.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        raise ValidationError(
            [
                Problem(
                    None,
                    f"{where} is not UTF-8 text (byte {start}: {data[start]:#04x})",
                    kind="not_utf8",
                )
            ],
            what,
        ) from None


def _read_text(path: Path | MemoryFile, what: str, expected: str) -> str:
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

    def problems(self, document: Any, where: str) -> list[Problem]:
        """One problem per repeated key, in document order, naming the clip it
        concerns: the clips are the keys of the submission's ``predictions``
        (or of the top level, for a bare prediction or label dict)."""
        if not self.found:
            return []
        wrapped = isinstance(document, dict) and isinstance(document.get("predictions"), dict)
        clip_depth = 1 if wrapped else 0
        problems: list[Problem] = []
        stack: list[tuple[Any, tuple[Any, ...]]] = [(document, ())]
        while stack:
            value, path = stack.pop()
            if isinstance(value, dict):
                if id(value) in self.found:
                    counts = self.found[id(value)][1]
                    problems += [
                        _repeated_key((*path, key), count, clip_depth, where)
                        for key, count in counts.items()
                        if count > 1
                    ]
                stack.extend((v, (*path, k)) for k, v in reversed(value.items()))
            elif isinstance(value, list):
                stack.extend((v, (*path, i)) for i, v in reversed(list(enumerate(value))))
        return problems


def _repeated_key(path: tuple[Any, ...], count: int, clip_depth: int, where: str) -> Problem:
    key = path[-1]
    if len(path) - 1 < clip_depth:
        return Problem(
            None,
            f"the top-level key {key!r} appears {count:,} times in {where}",
            kind="duplicate_key",
        )
    clip = str(path[clip_depth])
    if len(path) - 1 == clip_depth:
        return Problem(
            clip,
            f"appears {count:,} times in {where}; readers differ on which one counts, so give "
            "each clip once",
            kind="duplicate_clip",
        )
    inside = " ".join(
        f"entry {p}" if isinstance(p, int) else repr(p) for p in path[clip_depth + 1 : -1]
    )
    return Problem(
        clip,
        f"{inside or 'the prediction'} has the key {key!r} {count:,} times",
        kind="duplicate_key",
    )


def _json_error(where: str, error: json.JSONDecodeError) -> Problem:
    # The parser's messages end in "at" when the position is where something
    # started ("Unterminated string starting at"): then the position follows.
    position = f"line {error.lineno}, column {error.colno}"
    reason = (
        f"{error.msg} {position}" if error.msg.endswith(" at") else f"{error.msg} at {position}"
    )
    return Problem(None, f"{where} is not valid JSON: {reason}", kind="invalid_json")


def parse_json(data: bytes, where: str) -> Any:
    """Parses JSON ``data`` read from ``where`` (a path, a member of a zip, or
    standard input).

    Errors name ``where`` and give the parser's line and column. A key given
    twice in one object is an error naming the clip it belongs to
    (``duplicate_clip`` for the clip itself, ``duplicate_key`` for a key of
    its entries or of the top level): the same clip given as ``ang`` and then
    ``sad`` would otherwise score as ``sad``.
    """
    what = f"file {where}"
    text = _decode(data, where, what, "JSON")
    duplicates = _Duplicates()
    try:
        value = json.loads(text, object_pairs_hook=duplicates)
    except json.JSONDecodeError as error:
        raise ValidationError([_json_error(where, error)], what) from None
    except RecursionError:
        problem = Problem(
            None, f"{where} is not valid JSON: nested too deeply", kind="invalid_json"
        )
        raise ValidationError([problem], what) from None
    raise_if_any(duplicates.problems(value, where), what)
    return value


def read_json(path: FileSource) -> Any:
    """Parses a JSON file, or the one JSON file inside a zip (see
    :mod:`blemore_fast.archive`), as :func:`parse_json` does."""
    source = _source(path)
    if not isinstance(source, MemoryFile) and is_zip(source):
        member, data = read_json_member(source)
        return parse_json(data, f"{member} in {source}")
    return parse_json(_read_bytes(source, f"file {source}"), str(source))


def read_table(path: FileSource, what: str, **kwargs: Any) -> pd.DataFrame:
    """``pd.read_csv`` of the file's text, with every failure (missing, empty,
    not UTF-8, malformed) turned into a one-problem ValidationError about ``what``."""
    source = _source(path)
    text = _read_text(source, what, "a CSV table")
    pd = pandas()
    try:
        return pd.read_csv(io.StringIO(text), **kwargs)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ValidationError(
            [Problem(None, f"cannot read {source} as CSV: {message}", kind="invalid_csv")], what
        ) from None


def _is_path(obj: object) -> bool:
    return isinstance(obj, (str, os.PathLike, MemoryFile))


def load_predictions(preds: Any) -> PredictionDict:
    """The official prediction dict for any accepted prediction input.

    A submission object's extra top-level keys are ignored with a warning,
    and an input with no predictions at all is an error (its score would be
    0 of 0).
    """
    where = f"{preds}: " if _is_path(preds) else ""
    if _is_path(preds):
        path, preds = preds, read_json(preds)
        if not isinstance(preds, Mapping):
            problem = Problem(
                None,
                f"{path} holds a JSON {_json_type(preds)}; a submission is "
                '{"predictions": {clip: [entries]}}',
                kind="not_a_submission",
            )
            raise ValidationError([problem], "predictions")
    if is_pandas(preds, "DataFrame"):
        result = _long_frame_to_dict(preds)
    elif isinstance(preds, Mapping):
        result, shape = unwrap_submission(preds)
        if shape.extra_keys:
            _warn_extra_keys(shape, where)
    else:
        raise _not_predictions(type(preds).__name__)
    if not result:
        raise ValidationError([no_predictions(where)], "predictions")
    return result


def _not_predictions(type_name: str) -> TypeError:
    return TypeError(
        "preds must be a {clip: [{'emotion', 'salience'}, ...]} dict, a submission "
        "{'predictions': {...}}, a JSON path or a DataFrame with columns "
        f"filename, emotion, salience; got {type_name}"
    )


def _warn_extra_keys(shape: SubmissionShape, where: str) -> None:
    warnings.warn(
        f"{where}{_extra_keys(shape)} besides 'predictions' "
        f"{'is' if len(shape.extra_keys) == 1 else 'are'} ignored",
        UserWarning,
        stacklevel=4,
    )


#: JSON's name for what Python's json makes of each kind of value.
_JSON_TYPES = {
    "dict": "object",
    "list": "array",
    "str": "string",
    "bool": "boolean",
    "NoneType": "null",
    "int": "number",
    "float": "number",
}


def read_native(
    path: FileSource,
    labels: dict[str, Any] | list[str] | None = None,
    *,
    strict: bool = True,
    alone: bool = False,
    names: bool = False,
) -> Any:
    """Reads a submission file natively (a JSON file, the JSON file in a zip,
    or a :class:`MemoryFile`), matching its clips to ``labels``.

    ``labels`` is a :class:`LabelInput` source (None: read from the clip
    names); with ``alone`` there are none and the predictions are judged by
    themselves, strictly. With ``names`` every clip name is kept, in order.
    Returns the native ``SubmissionFile``: ``pred`` and ``label`` encoded,
    ``problems``, ``warnings``, ``n_clips``, ``names`` and the file's shape
    (``top_level``, ``extra_keys``, ``predictions_type``, ``misspelt``), for
    the caller's policy. A file that cannot be read as JSON raises what
    :func:`read_json` raises, in the same words. Returns None when the file
    gives some key twice (or two clip names share a 64-bit hash): then
    :func:`read_json` reads it exactly, and names each repeat.
    """
    source = _source(path)
    shown = str(source)
    data: str | bytes
    if isinstance(source, MemoryFile):
        data = source.data
    elif is_zip(source):
        member, data = read_json_member(source)
        shown = f"{member} in {source}"
    else:
        data = os.fspath(source)
    read = _core.read_submission(
        data, labels, strict=strict, alone=alone, keep_names=names, shown_as=shown
    )
    if read.file_problem is not None:
        kind, message = read.file_problem
        raise ValidationError([Problem(None, message, kind)], f"file {shown}")
    return None if read.repeated else read


def read_submission_file(
    path: FileSource,
    labels: dict[str, Any] | list[str] | None = None,
    *,
    strict: bool = True,
    names: bool = False,
) -> Any:
    """:func:`read_native` with what :func:`load_predictions` makes of a
    file's top level: the same errors in the same words (a top level that is
    no object, ``"predictions"`` holding no object, a misspelt wrapper, no
    predictions at all) and the same warning for extra top-level keys.
    None when the file gives a key twice: :func:`load_predictions` then
    reads it."""
    read = read_native(path, labels, strict=strict, names=names)
    if read is None:
        return None
    where = f"{path}: "
    if read.top_level not in ("wrapped", "bare"):
        problem = Problem(
            None,
            f"{path} holds a JSON {_JSON_TYPES[read.top_level]}; a submission is "
            '{"predictions": {clip: [entries]}}',
            kind="not_a_submission",
        )
        raise ValidationError([problem], "predictions")
    if read.predictions_type is not None:
        message = (
            f"'predictions' holds a JSON {_JSON_TYPES[read.predictions_type]}; a submission is "
            '{"predictions": {clip: [entries]}}'
        )
        raise ValidationError([Problem(None, message, kind="not_a_submission")], "predictions")
    if read.misspelt is not None:
        message = (
            f"unexpected top-level key {read.misspelt}: a submission is "
            '{"predictions": {clip: [entries]}}'
        )
        raise ValidationError([Problem(None, message, kind="not_a_submission")], "predictions")
    if read.extra_keys:
        _warn_extra_keys(SubmissionShape(True, tuple(read.extra_keys)), where)
    if read.n_clips == 0:
        raise ValidationError([no_predictions(where)], "predictions")
    return read


def no_predictions(where: str = "") -> Problem:
    """The problem of a submission without a single prediction."""
    return Problem(
        None,
        f"{where}the submission has no predictions (no clip to score)",
        kind="empty_submission",
    )


@dataclass(frozen=True)
class SubmissionShape:
    """The top level of a prediction document: ``wrapped`` when it is a
    submission object ``{"predictions": {...}}`` (the form the upload
    needs), and the top-level keys it has besides ``predictions``."""

    wrapped: bool
    extra_keys: tuple[str, ...] = ()


def _extra_keys(shape: SubmissionShape) -> str:
    keys = ", ".join(repr(k) for k in shape.extra_keys[:5])
    more = f" and {len(shape.extra_keys) - 5:,} more" if len(shape.extra_keys) > 5 else ""
    return f"top-level key{'s' if len(shape.extra_keys) > 1 else ''} {keys}{more}"


def unwrap_submission(document: Mapping[Any, Any]) -> tuple[PredictionDict, SubmissionShape]:
    """The prediction dict of a submission object or of a bare prediction
    dict, and the document's shape. A lone top-level key that holds a
    mapping but is not ``predictions`` (``{"preds": {...}}``) is an error."""
    if "predictions" in document:
        inner = document["predictions"]
        if not isinstance(inner, Mapping):
            raise ValidationError(
                [
                    Problem(
                        None,
                        f"'predictions' holds a JSON {_json_type(inner)}; a submission is "
                        '{"predictions": {clip: [entries]}}',
                        kind="not_a_submission",
                    )
                ],
                "predictions",
            )
        extra = tuple(str(k) for k in document if k != "predictions")
        return (inner if isinstance(inner, dict) else dict(inner)), SubmissionShape(True, extra)
    if len(document) == 1:
        ((key, value),) = document.items()
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
    bare = document if isinstance(document, dict) else dict(document)
    return bare, SubmissionShape(False)


def _json_type(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def shape_problems(shape: SubmissionShape, where: str, require_wrapper: bool) -> list[Problem]:
    """What the upload refuses in a document's top level: keys besides
    ``predictions``, and with ``require_wrapper`` a bare prediction dict (no
    ``{"predictions": ...}`` wrapper, which the challenge server requires)."""
    problems = []
    if require_wrapper and not shape.wrapped:
        problems.append(
            Problem(
                None,
                'the file is not wrapped as {"predictions": {clip: [entries]}}, as the challenge '
                "server requires",
                kind="missing_wrapper",
            )
        )
    if shape.extra_keys:
        problems.append(
            Problem(
                None,
                f"{where} has {_extra_keys(shape)} besides 'predictions'; the upload "
                "expects 'predictions' alone",
                kind="extra_top_level_key",
            )
        )
    return problems


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
    """The label dict of a metadata table; every malformed row is reported,
    and so is a row whose label contradicts the one its clip name carries
    (``ang`` 65 / ``hap`` 30 for ``A101_mix_ang_hap_70_30_ver1``)."""
    missing_columns(frame, METADATA_COLUMNS, "label metadata")
    labels: dict[str, list[dict[str, Any]]] = {}
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    columns = [frame[c].tolist() for c in METADATA_COLUMNS]
    for row, (name, e1, e2, s1, s2) in zip(frame.index, zip(*columns, strict=True), strict=True):
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
            label = [{"emotion": e1, "salience": 1.0}]
        elif _blank(s1) or _blank(s2):
            problems.append(
                Problem(
                    str(name),
                    f"{where}: a blend needs emotion_1_salience and emotion_2_salience",
                    kind="bad_label_row",
                )
            )
            continue
        else:
            label = [{"emotion": e1, "salience": s1}, {"emotion": e2, "salience": s2}]
        labels[str(name)] = label
        contradiction = _contradicts_name(str(name), label)
        if contradiction:
            problems.append(
                Problem(str(name), f"{where}: {contradiction}", kind="label_contradicts_name")
            )
    raise_if_any(problems, "label metadata")
    return labels


def _label_text(codes: Sequence[str], saliences: Sequence[int] | None) -> str:
    if saliences is None:
        return " + ".join(codes)
    return " + ".join(f"{c} {s}" for c, s in zip(codes, saliences, strict=True))


def _contradicts_name(name: str, label: list[dict[str, Any]]) -> str | None:
    """Why a table's label differs from the label the clip name carries, or
    None (also when the name or the label cannot be read: those have their
    own problems)."""
    try:
        _, codes, name_saliences, *_ = _core.parse_clip_name(name)
        table_codes = [str(e["emotion"]).strip() for e in label]
        if len(label) == 1:
            table_saliences = None
            same = table_codes == list(codes)
        else:
            table_saliences = [round(float(e["salience"])) for e in label]
            same = dict(zip(table_codes, table_saliences, strict=True)) == dict(
                zip(codes, name_saliences, strict=True)
            )
    except (ValueError, TypeError, OverflowError):
        return None
    if same:
        return None
    named = _label_text(codes, list(name_saliences) if len(codes) == 2 else None)
    return f"the table says {_label_text(table_codes, table_saliences)}, the clip name says {named}"


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
    if _is_path(labels):
        if file_kind(labels) == "json":
            data = read_json(labels)
            if isinstance(data, list):
                return LabelInput([str(x) for x in data])
            return LabelInput(dict(data))
        return _table_labels(read_table(labels, "labels", dtype={"filename": str}))
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
