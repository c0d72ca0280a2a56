"""Reading, checking and writing challenge submission files.

A submission is ``{"predictions": {clip: [{"emotion": code, "salience": x}, ...]}}``
as JSON (the challenge's ``submission_template.json``), uploaded to Codabench
as a zip holding that one JSON file (``submission_template_codabench.zip``).
Every function here takes either. :func:`write_submission` validates before
writing and writes atomically (a zip when the name ends in ``.zip``);
:func:`read_submission` returns the prediction dict; :func:`check_submission`
lists every problem, and :func:`check_file` also says how a file is shaped,
for the command line's ``validate``. Files are read and written natively (see
:func:`~blemore_fast.inputs.read_submission_file`); one function,
:func:`atomic_write_bytes`, puts bytes on disk.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import _core
from .archive import zip_one
from .encoded import Encoded, to_dict
from .errors import Problem, ValidationError, raise_if_any
from .inputs import (
    PredictionDict,
    _is_path,
    load_labels,
    load_predictions,
    read_json,
    read_submission_file,
)
from .manifest import coverage_problems
from .scoring import align

__all__ = [
    "FileCheck",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_file",
    "check_submission",
    "read_submission",
    "write_submission",
]

#: The problems that make a file's parsed dict lose data (json.load keeps the
#: last of two equal keys).
_REPEATS = ("duplicate_clip", "duplicate_key")


def _prediction_dict(preds: Any) -> PredictionDict:
    if isinstance(preds, Encoded):
        return to_dict(preds)
    if _is_path(preds):
        return read_submission(preds, validate=False)
    return load_predictions(preds)


def _format_problems(preds: PredictionDict) -> list[Problem]:
    # The predictions alone, strictly: structure, codes, saliences, NaN,
    # entry counts.
    return [Problem._from_core(p) for p in _core.check_predictions(preds)]


def _wrapper_problem() -> Problem:
    return Problem(
        None,
        'the file is not wrapped as {"predictions": {clip: [entries]}}, as the challenge '
        "server requires",
        kind="missing_wrapper",
    )


def _wrapper_problems(document: Any) -> list[Problem]:
    if isinstance(document, Mapping) and isinstance(document.get("predictions"), Mapping):
        return []
    return [_wrapper_problem()]


@dataclass(frozen=True)
class FileCheck:
    """A submission file checked: every problem, how many predictions it
    holds, and its shape: ``top_level`` is ``"wrapped"``
    (``{"predictions": {...}}``) or ``"bare"`` (``{clip: [...]}``), None when
    the file could not be read as a submission; ``extra_keys`` are the
    top-level keys beside ``"predictions"``, in order."""

    problems: list[Problem]
    n_predictions: int
    top_level: str | None
    extra_keys: tuple[str, ...]


def check_file(
    path: str | os.PathLike[str],
    labels: Any = None,
    *,
    names: Iterable[str] | None = None,
    require_wrapper: bool = False,
) -> FileCheck:
    """:func:`check_submission` of a file (JSON, or a zip holding one), read
    once, natively, with its shape."""
    if labels is not None and names is not None:
        raise ValueError("give labels or names, not both")
    if isinstance(names, str):
        raise TypeError("names must be an iterable of clip names, not a single str")
    try:
        read = read_submission_file(
            path,
            None if labels is None else load_labels(labels).source,
            strict=True,
            alone=labels is None,
            names=names is not None,
        )
    except ValidationError as error:
        return FileCheck(list(error.problems), 0, None, ())
    except TypeError as error:
        # The file parsed but holds no prediction object (a JSON list, a number...).
        return FileCheck([Problem(None, f"{path}: {error}", kind="not_a_submission")], 0, None, ())
    shape = (read.top_level, tuple(read.extra_keys))
    problems = [_wrapper_problem()] if require_wrapper and read.top_level != "wrapped" else []
    if read.n_clips == 0:
        problems.append(Problem(None, "the submission has no predictions", kind="empty_submission"))
        return FileCheck(problems, 0, *shape)
    problems += [Problem._from_core(p) for p in read.problems]
    if labels is not None:
        for message in read.warnings:
            warnings.warn(message, UserWarning, stacklevel=3)
    elif names is not None:
        problems += coverage_problems(read.names, names)
    return FileCheck(problems, read.n_clips, *shape)


def check_submission(
    preds: Any,
    labels: Any = None,
    *,
    names: Iterable[str] | None = None,
    require_wrapper: bool = False,
) -> list[Problem]:
    """Every problem of a submission; an empty list means it is ready to upload.

    ``preds`` is a submission file path (JSON, or a zip holding one JSON
    file), a submission object, a prediction dict or named
    :class:`~blemore_fast.Encoded` predictions. The structure, the emotion
    codes and the saliences are checked strictly, and a clip named twice in
    the file is reported. With ``labels`` (anything
    :func:`blemore_fast.score` accepts), every labelled clip must have a
    prediction and every prediction a label; with ``names`` (the expected
    clip names, such as :data:`blemore_fast.manifest.TEST_NAMES` or a
    manifest file's lines) the same coverage is checked against the names
    alone, each missing or unexpected name with its nearest counterpart.
    ``require_wrapper=True`` also requires the ``{"predictions": ...}``
    wrapper, as the challenge server does.

    A file that cannot be read at all (missing, empty, not UTF-8, invalid
    JSON, a zip without exactly one JSON file, wrong top-level key) gives that
    one problem.

    >>> check_submission({"predictions": {"test_0001.mov": [{"emotion": "sadness", "salience": 100}]}})
    [Problem(clip='test_0001.mov', message="unknown emotion code 'sadness' (did you mean 'sad'?)", kind='unknown_emotion')]
    """
    if labels is not None and names is not None:
        raise ValueError("give labels or names, not both")
    if isinstance(names, str):
        raise TypeError("names must be an iterable of clip names, not a single str")
    if _is_path(preds):
        return check_file(preds, labels, names=names, require_wrapper=require_wrapper).problems
    document = preds
    try:
        pred_dict = _prediction_dict(document)
    except ValidationError as error:
        return list(error.problems)
    problems = _wrapper_problems(document) if require_wrapper else []
    if not isinstance(pred_dict, dict) or not pred_dict:
        return [
            *problems,
            Problem(None, "the submission has no predictions", kind="empty_submission"),
        ]
    if labels is not None:
        try:
            align(pred_dict, labels, strict=True)
        except ValidationError as error:
            return problems + list(error.problems)
        return problems
    problems += _format_problems(pred_dict)
    if names is not None:
        problems += coverage_problems(pred_dict, names)
    return problems


def write_submission(
    preds: Any,
    path: str | os.PathLike[str],
    *,
    labels: Any = None,
    names: Iterable[str] | None = None,
    indent: int | None = 4,
) -> Path:
    """Validates predictions and writes them as a submission file, atomically.

    A ``path`` ending in ``.zip`` gets the upload Codabench takes: a zip
    holding one JSON file named after it (``submission.zip`` holds
    ``submission.json``); any other name gets the JSON itself.

    ``preds`` is a prediction dict, a submission object, a prediction JSON
    (or zip) path, a long DataFrame or named :class:`~blemore_fast.Encoded`
    predictions. They are checked as :func:`check_submission` does (with
    ``labels`` or ``names`` for coverage); on any problem a
    :class:`~blemore_fast.ValidationError` lists them all and nothing is
    written. The JSON is what ``json.dumps({"predictions": ...},
    indent=indent, ensure_ascii=False)`` writes, made natively. The file is
    written to a temporary file in the same directory, then moved into place
    with ``os.replace``: readers see the old file or the new one, never half
    of one, and a failure leaves nothing behind.

    Returns the path written.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "submission.json"
    >>> write_submission({"test_0001.mov": [{"emotion": "sad", "salience": 100.0}]}, out).name
    'submission.json'
    >>> read_submission(out)
    {'test_0001.mov': [{'emotion': 'sad', 'salience': 100.0}]}
    """
    target = Path(path)
    pred_dict = _prediction_dict(preds)
    raise_if_any(check_submission(pred_dict, labels, names=names), "submission")
    data = _core.submission_json(
        pred_dict if isinstance(pred_dict, dict) else dict(pred_dict), indent=indent
    )
    if target.suffix.lower() == ".zip":
        data = zip_one(f"{target.stem}.json", data)
    atomic_write_bytes(target, data)
    return target


def atomic_write_text(target: str | os.PathLike[str], text: str) -> None:
    """Writes text to a file atomically, as UTF-8 (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(target, text.encode("utf-8"))


def atomic_write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    """Writes bytes to a file atomically: a temporary file in the same directory,
    then ``os.replace``. On any error the temporary file is removed and the
    target is left as it was. A directory, or a file in a missing directory,
    is a ``ValueError`` before anything is written."""
    target = Path(target)
    if target.is_dir():
        raise ValueError(f"path must be a file name, got the directory {str(target)!r}")
    if not target.parent.is_dir():
        raise ValueError(
            f"cannot write {str(target)!r}: the directory {str(target.parent)!r} does not exist"
        )
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates the file 0600; a submission is an ordinary file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def read_submission(path: str | os.PathLike[str], *, validate: bool = True) -> PredictionDict:
    """The prediction dict of a submission file: JSON, or a zip holding one JSON file.

    Accepts the submission object (``{"predictions": {...}}``) or a bare
    prediction dict. Errors name the file and say what is wrong: missing,
    empty, not UTF-8, invalid JSON (with line and column), a clip named
    twice, a zip without exactly one JSON file, the wrong top-level shape. A
    clip given twice, or an entry's key given twice with two values, is an
    error in every case (``json.load`` would silently keep the last). With
    ``validate=True`` (the default), every problem of the predictions
    themselves is reported too, as :func:`check_submission` finds them.
    """
    read = read_submission_file(path, alone=True, any_top_level=True)
    if read.top_level not in ("wrapped", "bare"):
        raise ValidationError(
            [
                Problem(
                    None,
                    f"{path} holds a JSON {read.top_level}; a submission is "
                    '{"predictions": {clip: [entries]}}',
                    kind="not_a_submission",
                )
            ],
            "submission",
        )
    problems = [Problem._from_core(p) for p in read.problems]
    if validate:
        if read.n_clips == 0:
            problems = [Problem(None, "the submission has no predictions", kind="empty_submission")]
        raise_if_any(problems, "submission")
    # A repeated clip or key would be lost in the dict, whatever `validate` says.
    raise_if_any([p for p in problems if p.kind in _REPEATS], "submission")
    # The native reader has the grammar of Python's json, so the file parses
    # to the dict it judged.
    return load_predictions(read_json(path))
