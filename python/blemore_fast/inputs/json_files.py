"""JSON: submission files and label files, parsed and judged.

JSON is parsed in one place, :func:`parse_json`, whether it comes from a
file, a zip member or memory; a key given twice in an object is an error
naming the clip (a JSON parser would silently keep the last one). A
submission file is read natively by :func:`read_native`, within the
:mod:`~blemore_fast.inputs.limits` in force; what its top level holds is
judged by the same rules for both readers (:func:`unwrap_submission`,
:func:`shape_problems`).
"""

from __future__ import annotations

import json
import os
import warnings
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import _core
from ..errors import Problem, ValidationError, raise_if_any
from .files import FileSource, MemoryFile, decode, is_zip, is_zip_bytes, read_bytes, source_of
from .limits import current_limits, too_large
from .zips import read_json_member

__all__ = [
    "PredictionDict",
    "SubmissionShape",
    "json_type",
    "no_predictions",
    "parse_json",
    "read_json",
    "read_native",
    "read_submission_file",
    "shape_problems",
    "unwrap_submission",
    "warn_extra_keys",
]

PredictionDict = dict[str, list[dict[str, Any]]]


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
    text = decode(data, where, what, "JSON")
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


def _zipped(source: Path | MemoryFile) -> bool:
    """Whether a file is a zip: by its name or first bytes, or for bytes
    already read (standard input), by their first bytes."""
    return is_zip_bytes(source.data) if isinstance(source, MemoryFile) else is_zip(source)


def read_json(path: FileSource) -> Any:
    """Parses a JSON file, or the one JSON file inside a zip (see
    :mod:`blemore_fast.inputs.zips`), as :func:`parse_json` does, within
    the byte limit in force."""
    source = source_of(path)
    if _zipped(source):
        member, data = read_json_member(source)
        return parse_json(data, f"{member} in {source}")
    return parse_json(read_bytes(source, f"file {source}"), str(source))


def warn_extra_keys(shape: SubmissionShape, where: str) -> None:
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
    :func:`read_json` raises, in the same words; so does a file that crosses
    a limit in force (its bytes, its clips, a string longer than 1,024
    characters), as one ``too_large`` problem. Returns None when the file
    gives some key twice (or two clip names share a 64-bit hash): then
    :func:`read_json` reads it exactly, and names each repeat, unless the
    file is larger than the limits' ``max_reread_bytes`` (8 MiB for an
    upload): then one ``duplicate_key`` problem names none.
    """
    source = source_of(path)
    shown = str(source)
    data: str | bytes
    if _zipped(source):
        member, data = read_json_member(source)
        shown = f"{member} in {source}"
    elif isinstance(source, MemoryFile):
        data = source.data
    else:
        data = os.fspath(source)
    limits = current_limits()
    read = _core.read_submission(
        data,
        labels,
        strict=strict,
        alone=alone,
        keep_names=names,
        shown_as=shown,
        max_bytes=limits.max_bytes,
        max_clips=limits.max_clips,
    )
    if read.file_problem is not None:
        kind, message = read.file_problem
        if kind == "too_large":
            raise too_large(message, read.limit, f"file {shown}")
        raise ValidationError([Problem(None, message, kind)], f"file {shown}")
    if read.repeated:
        size = len(data) if isinstance(data, bytes) else os.stat(data).st_size
        if size > limits.max_reread_bytes:
            # Python's json would hold several times the file to name them.
            message = (
                f"{shown} gives some key twice (a clip, or a key of an entry or of the top "
                "level); give each once"
            )
            raise ValidationError([Problem(None, message, "duplicate_key")], f"file {shown}")
        return None
    return read


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
        warn_extra_keys(SubmissionShape(True, tuple(read.extra_keys)), where)
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
                        f"'predictions' holds a JSON {json_type(inner)}; a submission is "
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


def json_type(value: object) -> str:
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
