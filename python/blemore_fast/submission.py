"""Reading, checking and writing challenge submission files.

A submission is ``{"predictions": {clip: [{"emotion": code, "salience": x}, ...]}}``
as JSON (the challenge's ``submission_template.json``), uploaded to Codabench
as a zip holding that one JSON file (``submission_template_codabench.zip``).
Every function here takes either. :func:`write_submission` validates before
writing and writes safely (a zip when the name ends in ``.zip``; see
:mod:`blemore_fast.writing`); :func:`read_submission` returns the prediction
dict; :func:`check_submission` lists every problem, for the command line's
``validate`` (which, as the upload does, also requires the
``{"predictions": ...}`` object and nothing beside it).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from . import _core
from .archive import zip_one
from .encoded import EMOTIONS, Encoded, to_dict
from .errors import Problem, ValidationError, raise_if_any
from .inputs import (
    MemoryFile,
    PredictionDict,
    SubmissionShape,
    load_predictions,
    no_predictions,
    read_json,
    shape_problems,
    unwrap_submission,
)
from .manifest import coverage_problems
from .scoring import align
from .writing import check_writable, write_file

__all__ = [
    "atomic_write_text",
    "check_submission",
    "read_submission",
    "write_submission",
]


def _prediction_dict(preds: Any) -> PredictionDict:
    if isinstance(preds, Encoded):
        return to_dict(preds)
    return load_predictions(preds)


def _format_problems(preds: PredictionDict) -> list[Problem]:
    # The native walk checks predictions against labels. Giving every clip a
    # placeholder label turns it into a check of the predictions alone,
    # in strict mode: structure, codes, saliences, NaN, entry counts.
    placeholder = {name: [{"emotion": EMOTIONS[0], "salience": 1.0}] for name in preds}
    _, _, problems, _ = _core.encode_pairs(preds, placeholder, strict=True)
    return [Problem._from_core(p) for p in problems]


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
    A submission object with top-level keys besides ``predictions`` is a
    problem (the upload expects that key alone); ``require_wrapper=True``
    also requires the ``{"predictions": ...}`` wrapper, as the challenge
    server does (``blemore-fast validate`` always asks for it).

    A file that cannot be read at all (missing, empty, not UTF-8, invalid
    JSON, a key given twice, a zip without exactly one JSON file, wrong
    top-level key) gives those problems alone.

    >>> check_submission({"predictions": {"test_0001.mov": [{"emotion": "sadness", "salience": 100}]}})
    [Problem(clip='test_0001.mov', message="unknown emotion code 'sadness' (did you mean 'sad'?)", kind='unknown_emotion')]
    """
    if labels is not None and names is not None:
        raise ValueError("give labels or names, not both")
    if isinstance(names, str):
        raise TypeError("names must be an iterable of clip names, not a single str")
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


def _plain(value: Any) -> Any:
    # numpy scalars are not JSON serialisable; saliences may arrive as np.float32.
    if isinstance(value, np.generic):
        return value.item()
    return value


def write_submission(
    preds: Any,
    path: str | os.PathLike[str],
    *,
    labels: Any = None,
    names: Iterable[str] | None = None,
    indent: int | None = 4,
) -> Path:
    """Validates predictions and writes them as a submission file, safely.

    A ``path`` ending in ``.zip`` gets the upload Codabench takes: a zip
    holding one JSON file named after it (``submission.zip`` holds
    ``submission.json``); any other name gets the JSON itself.

    ``preds`` is a prediction dict, a submission object, a prediction JSON
    (or zip) path, a long DataFrame or named :class:`~blemore_fast.Encoded`
    predictions. They are checked as :func:`check_submission` does (with
    ``labels`` or ``names`` for coverage); on any problem a
    :class:`~blemore_fast.ValidationError` lists them all and nothing is
    written. A regular file is written to a temporary file in the same
    directory, then moved into place with ``os.replace``: readers see the old
    file or the new one, never half of one, and a failure leaves nothing
    behind. Symlinks are written through, FIFOs and ``/dev/stdout`` directly;
    :mod:`blemore_fast.writing` has every rule.

    Returns the path written.

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
    raise_if_any(check_submission(pred_dict, labels, names=names), "submission")
    document = {
        "predictions": {
            name: [{"emotion": e["emotion"], "salience": _plain(e["salience"])} for e in entries]
            for name, entries in pred_dict.items()
        }
    }
    text = json.dumps(document, indent=indent, ensure_ascii=False, allow_nan=False) + "\n"
    if target.suffix.lower() == ".zip":
        write_file(target, zip_one(f"{target.stem}.json", text.encode("utf-8")))
    else:
        write_file(target, text)
    return target


#: The name this module gave :func:`blemore_fast.writing.write_file` first.
atomic_write_text = write_file


def read_submission(path: str | os.PathLike[str], *, validate: bool = True) -> PredictionDict:
    """The prediction dict of a submission file: JSON, or a zip holding one JSON file.

    Accepts the submission object (``{"predictions": {...}}``) or a bare
    prediction dict. Errors name the file and say what is wrong: missing,
    empty, not UTF-8, invalid JSON (with line and column), a clip named
    twice, a zip without exactly one JSON file, the wrong top-level shape. With ``validate=True`` (the default), every problem of
    the predictions themselves is reported too, as
    :func:`check_submission` finds them.
    """
    data = read_json(path)
    if not isinstance(data, Mapping):
        raise ValidationError([_not_a_submission(path, data)], "submission")
    preds = load_predictions(data)
    if validate:
        raise_if_any(check_submission(preds), "submission")
    return preds
