"""Reading, checking and writing challenge submission files.

A submission is ``{"predictions": {clip: [{"emotion": code, "salience": x}, ...]}}``
as JSON (the challenge's ``submission_template.json``), uploaded to Codabench
as a zip holding that one JSON file (``submission_template_codabench.zip``).
Every function here takes either. :func:`write_submission` validates before
writing and writes safely (a zip when the name ends in ``.zip``; see
:mod:`blemore_fast.writing`); :func:`read_submission` returns the prediction
dict; :func:`check_submission` lists every problem, and :func:`check_file`
also how many predictions a file holds and how it is shaped, for the command
line's ``validate`` (which, as the upload does, also requires the
``{"predictions": ...}`` object and nothing beside it). Files are read
natively (:func:`~blemore_fast.inputs.read_submission_file`), and the JSON
written is made natively too.
"""

from __future__ import annotations

import os
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
    _JSON_TYPES,
    MemoryFile,
    PredictionDict,
    SubmissionShape,
    _is_path,
    load_labels,
    load_predictions,
    no_predictions,
    read_json,
    read_native,
    shape_problems,
    unwrap_submission,
)
from .manifest import coverage_problems
from .scoring import align
from .writing import check_writable, write_file

__all__ = [
    "FileCheck",
    "atomic_write_text",
    "check_file",
    "check_submission",
    "read_submission",
    "write_submission",
]


def _prediction_dict(preds: Any) -> PredictionDict:
    if isinstance(preds, Encoded):
        return to_dict(preds)
    return load_predictions(preds)


def _format_problems(preds: PredictionDict) -> list[Problem]:
    # The predictions alone, strictly: structure, codes, saliences, NaN,
    # entry counts.
    return [Problem._from_core(p) for p in _core.check_predictions(preds)]


@dataclass(frozen=True)
class FileCheck:
    """A submission file checked: every problem, how many predictions it
    holds, and its shape: ``top_level`` is ``"wrapped"``
    (``{"predictions": {...}}``) or ``"bare"`` (``{clip: [...]}``), None when
    the file could not be read as a submission; ``extra_keys`` are the
    top-level keys besides ``"predictions"``, in order."""

    problems: list[Problem]
    n_predictions: int
    top_level: str | None = None
    extra_keys: tuple[str, ...] = ()


def check_file(
    path: str | os.PathLike[str] | MemoryFile,
    labels: Any = None,
    *,
    names: Iterable[str] | None = None,
    require_wrapper: bool = False,
) -> FileCheck:
    """:func:`check_submission` of a file (JSON, a zip holding one, or a
    :class:`~blemore_fast.inputs.MemoryFile`), read once, natively, with how
    many predictions it holds and its shape."""
    if labels is not None and names is not None:
        raise ValueError("give labels or names, not both")
    if isinstance(names, str):
        raise TypeError("names must be an iterable of clip names, not a single str")
    try:
        read = read_native(
            path,
            None if labels is None else load_labels(labels).source,
            strict=True,
            alone=labels is None,
            names=names is not None,
        )
    except ValidationError as error:
        return FileCheck(list(error.problems), 0)
    if read is None:
        # A key given twice: the exact reader names each one.
        return FileCheck(_check_document(path, labels, names, require_wrapper), 0)
    if read.top_level not in ("wrapped", "bare"):
        # The file's words, not the Python API's.
        message = (
            f"{path} holds a JSON {_JSON_TYPES.get(read.top_level, read.top_level)}; a "
            'submission is {"predictions": {clip: [entries]}}'
        )
        return FileCheck([Problem(None, message, kind="not_a_submission")], 0)
    for problem in _unwrap_problems(read):
        return FileCheck([problem], 0)
    shape = SubmissionShape(read.top_level == "wrapped", tuple(read.extra_keys))
    problems = shape_problems(shape, str(path), require_wrapper)
    checked = (read.top_level, shape.extra_keys)
    if read.n_clips == 0:
        return FileCheck([*problems, no_predictions()], 0, *checked)
    problems += [Problem._from_core(p) for p in read.problems]
    if labels is not None:
        for message in read.warnings:
            warnings.warn(message, UserWarning, stacklevel=3)
    elif names is not None:
        problems += coverage_problems(read.names, names)
    return FileCheck(problems, read.n_clips, *checked)


def _unwrap_problems(read: Any) -> list[Problem]:
    """What :func:`~blemore_fast.inputs.unwrap_submission` refuses in a
    file's top level, from the native reading of its shape."""
    if read.predictions_type is not None:
        message = (
            f"'predictions' holds a JSON {_JSON_TYPES[read.predictions_type]}; a submission "
            'is {"predictions": {clip: [entries]}}'
        )
        return [Problem(None, message, kind="not_a_submission")]
    if read.misspelt is not None:
        message = (
            f"unexpected top-level key {read.misspelt}: a submission is "
            '{"predictions": {clip: [entries]}}'
        )
        return [Problem(None, message, kind="not_a_submission")]
    return []


#: ``names=`` not given to :func:`check_submission` (None is a value there).
_UNSET: Any = object()


def check_submission(
    preds: Any,
    labels: Any = None,
    *,
    expected: Iterable[str] | None = None,
    require_wrapper: bool = True,
    names: Any = _UNSET,
) -> list[Problem]:
    """Every problem of a submission; an empty list means it is ready to upload.

    The structure, the emotion codes and the saliences are checked strictly, and
    a clip named twice in the file is reported. A file that cannot be read at
    all (missing, empty, not UTF-8, invalid JSON, a key given twice, a zip
    without exactly one JSON file, wrong top-level key) gives those problems
    alone.

    Parameters
    ----------
    preds : str, os.PathLike, dict or Encoded
        A submission file path (JSON, or a zip holding one JSON file), a
        submission object, a prediction dict or named
        :class:`~blemore_fast.Encoded` predictions.
    labels : optional
        Anything :func:`blemore_fast.score` accepts. Every labelled clip must
        then have a prediction, and every prediction a label.
    expected : iterable of str, optional
        The expected clip names, such as :data:`blemore_fast.manifest.TEST_NAMES`
        or a manifest file's lines: the same coverage is checked against the
        names alone, each missing or unexpected name with its nearest
        counterpart.
    require_wrapper : bool, default True
        True (the default) checks the upload's form, as the challenge server
        and ``blemore-fast validate`` do: the ``{"predictions": ...}``
        wrapper, and no other top-level key. False accepts a bare prediction
        dict (what :func:`blemore_fast.score` reads); other top-level keys are
        still a problem.
    names : iterable of str, optional
        Deprecated: the old name of ``expected``. ``names=`` means each row's
        clip name elsewhere in the API (``decode``, ``grid_search``).

    Returns
    -------
    list of Problem
        Every problem found, each with its clip and a stable ``kind``; empty
        when the submission is ready.

    Raises
    ------
    ValueError
        Both ``labels`` and ``expected`` given.
    TypeError
        ``expected`` a single string, or both ``expected`` and ``names``.

    Examples
    --------
    >>> check_submission({"predictions": {"test_0001.mov": [{"emotion": "sadness", "salience": 100}]}})
    [Problem(clip='test_0001.mov', message="unknown emotion code 'sadness' (did you mean 'sad'?)", kind='unknown_emotion')]
    >>> [p.kind for p in check_submission({"test_0001.mov": [{"emotion": "sad", "salience": 100}]})]
    ['missing_wrapper']
    """
    if names is not _UNSET:
        if expected is not None:
            raise TypeError("give expected= alone (names= is its deprecated name)")
        warnings.warn(
            "check_submission(names=...) is deprecated: the expected clip names are now "
            "expected= (names= means each row's clip name, as in decode and grid_search)",
            DeprecationWarning,
            stacklevel=2,
        )
        expected = names
    if labels is not None and expected is not None:
        raise ValueError("give labels or expected, not both")
    if isinstance(expected, str):
        raise TypeError("expected must be an iterable of clip names, not a single str")
    if _is_path(preds):
        return check_file(preds, labels, names=expected, require_wrapper=require_wrapper).problems
    return _check_document(preds, labels, expected, require_wrapper)


def _check_document(
    preds: Any, labels: Any, names: Iterable[str] | None, require_wrapper: bool
) -> list[Problem]:
    """:func:`check_submission` of anything, files read by Python's json."""
    try:
        pred_dict, shape, where = _document(preds)
    except ValidationError as error:
        return list(error.problems)
    problems = [] if shape is None else shape_problems(shape, where, require_wrapper)
    if not isinstance(pred_dict, dict) or not pred_dict:
        return [*problems, no_predictions()]
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


def _document(preds: Any) -> tuple[PredictionDict, SubmissionShape | None, str]:
    """The prediction dict of what :func:`check_submission` takes, the shape
    of its top level (None for tables and encoded arrays, which have none),
    and how messages name it. A file that holds no JSON object raises."""
    if isinstance(preds, Encoded):
        return to_dict(preds), None, ""
    if isinstance(preds, (str, os.PathLike, MemoryFile)):
        document = read_json(preds)
        if not isinstance(document, Mapping):
            # The file parsed but holds no prediction object (a JSON list, a number...).
            try:
                load_predictions(document)
            except TypeError as error:
                problem = Problem(None, f"{preds}: {error}", kind="not_a_submission")
                raise ValidationError([problem], "submission") from None
            raise ValidationError([_not_a_submission(preds, document)], "submission")
        return (*unwrap_submission(document), str(preds))
    if isinstance(preds, Mapping):
        return (*unwrap_submission(preds), "the submission")
    return load_predictions(preds), None, ""


def _not_a_submission(path: object, document: object) -> Problem:
    return Problem(
        None,
        f"{path} holds a JSON {type(document).__name__}; a submission is "
        '{"predictions": {clip: [entries]}}',
        kind="not_a_submission",
    )


def write_submission(
    preds: Any,
    path: str | os.PathLike[str],
    *,
    labels: Any = None,
    names: Iterable[str] | None = None,
    indent: int | None = 4,
) -> Path:
    """Validates predictions and writes them as a submission file, safely.

    A regular file is written to a temporary file in the same directory, then
    moved into place with ``os.replace``: readers see the old file or the new
    one, never half of one, and a failure leaves nothing behind. Symlinks are
    written through, FIFOs and ``/dev/stdout`` directly;
    :mod:`blemore_fast.writing` has every rule.

    Parameters
    ----------
    preds : dict, str, os.PathLike, table or Encoded
        A prediction dict, a submission object, a prediction JSON (or zip) path,
        a long table (pandas, polars or Arrow) or named
        :class:`~blemore_fast.Encoded` predictions. They are checked as
        :func:`check_submission` does.
    path : str or os.PathLike
        Where to write. A name ending in ``.zip`` gets the upload Codabench
        takes: a zip holding one JSON file named after it (``submission.zip``
        holds ``submission.json``); any other name gets the JSON itself.
    labels : optional
        Labels to check coverage against, as in :func:`check_submission`.
    names : iterable of str, optional
        Expected clip names to check coverage against, as ``expected`` in
        :func:`check_submission`.
    indent : int or None, default 4
        The JSON's indentation, as ``json.dumps`` takes it (``None``: one line).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValidationError
        Listing every problem :func:`check_submission` finds; nothing is
        written then.
    ValueError
        When the path cannot be written (a missing directory, no permission).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "submission.json"
    >>> write_submission({"test_0001.mov": [{"emotion": "sad", "salience": 100.0}]}, out).name
    'submission.json'
    >>> read_submission(out)
    {'test_0001.mov': [{'emotion': 'sad', 'salience': 100.0}]}
    """
    check_writable(path)
    target = Path(path)
    pred_dict = _prediction_dict(preds)
    raise_if_any(
        check_submission(pred_dict, labels, expected=names, require_wrapper=False), "submission"
    )
    # json.dumps({"predictions": ...}, indent=indent, ensure_ascii=False),
    # byte for byte, made natively.
    data = _core.submission_json(
        pred_dict if isinstance(pred_dict, dict) else dict(pred_dict), indent=indent
    )
    if target.suffix.lower() == ".zip":
        data = zip_one(f"{target.stem}.json", data)
    write_file(target, data)
    return target


#: The name this module gave :func:`blemore_fast.writing.write_file` first.
atomic_write_text = write_file


def read_submission(path: str | os.PathLike[str], *, validate: bool = True) -> PredictionDict:
    """The prediction dict of a submission file: JSON, or a zip holding one JSON file.

    Parameters
    ----------
    path : str or os.PathLike
        The file. The submission object (``{"predictions": {...}}``) and a bare
        prediction dict are both accepted.
    validate : bool, default True
        Also report every problem of the predictions themselves, as
        :func:`check_submission` finds them.

    Returns
    -------
    dict
        ``{clip: [{"emotion": ..., "salience": ...}, ...]}``.

    Raises
    ------
    ValidationError
        Naming the file and what is wrong: missing, empty, not UTF-8, invalid
        JSON (with line and column), a clip named twice, a zip without exactly
        one JSON file, the wrong top-level shape; with ``validate=True``, the
        predictions' own problems too.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "submission.zip"
    >>> path = write_submission({"test_0001.mov": [{"emotion": "sad", "salience": 100.0}]}, out)
    >>> read_submission(out)
    {'test_0001.mov': [{'emotion': 'sad', 'salience': 100.0}]}
    """
    data = read_json(path)
    if not isinstance(data, Mapping):
        raise ValidationError([_not_a_submission(path, data)], "submission")
    preds = load_predictions(data)
    if validate:
        raise_if_any(check_submission(preds, require_wrapper=False), "submission")
    return preds
