"""The scoring program: ``INPUT/ref`` and ``INPUT/res`` in, ``OUTPUT/scores.json`` and
``OUTPUT/detailed_results.html`` out.

What Codabench does around it, read in codalab/codabench:

- ``compute_worker/compute_worker.py``: the scoring step unzips the task's
  reference data into ``input/ref`` and the participant's results into
  ``input/res`` (``_get_bundle``; a results submission passes through the
  prediction step unchanged, and ``push_output`` adds a ``metadata`` file to
  it). It substitutes ``$program``, ``$input`` and ``$output`` in
  ``metadata.yaml``'s ``command`` with ``/app/program``, ``/app/input`` and
  ``/app/output`` (``replace_legacy_metadata_command``), and runs the
  command in the competition's image with ``/app/program`` as working
  directory; docker-py splits a string command like a shell, without one.
  A non-zero exit fails the submission, and the participant sees stderr.
  After success it reads ``output/scores.json`` (``push_scores``) and shows
  ``output/detailed_results.html`` as the detailed results
  (``get_detailed_results_file_path``).
- ``src/apps/api/views/submissions.py`` (``upload_submission_scores``):
  only keys that match a leaderboard column's ``key`` are kept; others are
  dropped silently. ``src/apps/leaderboards/models.py``: a score is a
  ``DecimalField(max_digits=20, decimal_places=10)``, so every value must be
  a finite number.

The files this program expects in ``INPUT/ref`` (the bundle's
``reference_data/``): :data:`REFERENCE_FILE`, the reference table of
:mod:`blemore_fast.challenge` (the hidden labels and each clip's actor), and
optionally :data:`TRAIN_FILE`, train labels for the trivial baselines.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from ..challenge import DETAILS, ServerResult, evaluate_submission, reference_table
from ..errors import Problem, ValidationError, raise_if_any
from ..inputs.limits import UPLOAD_BYTES
from ..inputs.zips import pick_json, upload_layout_problems
from ..writing import write_file

__all__ = [
    "DETAILS_FILE",
    "REFERENCE_FILE",
    "SCORES_FILE",
    "TRAIN_FILE",
    "find_submission",
    "score_folder",
]

REFERENCE_FILE = "labels.csv"
TRAIN_FILE = "train_labels.csv"
SCORES_FILE = "scores.json"
DETAILS_FILE = "detailed_results.html"


def _missing(message: str, what: str) -> ValidationError:
    return ValidationError([Problem(None, message, kind="missing_file")], what)


def find_submission(res: str | os.PathLike[str]) -> Path:
    """The participant's JSON file in ``res``, the unzipped upload.

    Parameters
    ----------
    res : str or os.PathLike
        The folder Codabench unzipped the upload into.

    Returns
    -------
    pathlib.Path
        The one ``.json`` file, whatever its name, at the top or inside a
        single folder.

    Raises
    ------
    ValidationError
        Naming what was found when there is no JSON file, several, any other
        layout, or a ``metadata.yaml`` at the top (Codabench runs such an
        upload as code).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> res = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (res / "mine.json").write_text('{"predictions": {}}')
    >>> find_submission(res).name
    'mine.json'
    """
    res = Path(res)
    if not res.is_dir():
        raise _missing(f"{res} is not a folder: no submission to score", "submission")
    files = sorted(
        path.relative_to(res).as_posix()
        for path in res.rglob("*")
        # `metadata` is the worker's record of the prediction step, not the upload.
        if path.is_file() and path.relative_to(res).as_posix() != "metadata"
    )
    raise_if_any(upload_layout_problems(files, "the submission"), "submission")
    return res / pick_json(files, "the submission")


def _reference(ref: Path) -> tuple[pd.DataFrame, Path | None]:
    labels = ref / REFERENCE_FILE
    if not labels.is_file():
        raise _missing(f"{ref} has no {REFERENCE_FILE} (the bundle's reference data)", "reference")
    try:
        table = reference_table(labels)
    except ValidationError as error:
        # The organisers' file, not the participant's: say so.
        raise ValidationError(error.problems, f"reference data ({labels})") from None
    train = ref / TRAIN_FILE
    return table, train if train.is_file() else None


def score_folder(
    input_dir: str | os.PathLike[str],
    output_dir: str | os.PathLike[str],
    *,
    max_bytes: int = UPLOAD_BYTES,
    details: str = "scores",
) -> ServerResult:
    """Scores ``INPUT/res`` against ``INPUT/ref``, as the bundle's scoring program.

    Writes ``OUTPUT/scores.json`` and ``OUTPUT/detailed_results.html`` (each
    atomically); the details page shows aggregates only, never a clip name.

    Parameters
    ----------
    input_dir : str or os.PathLike
        The worker's input folder: ``ref`` holds the reference table, ``res``
        the unzipped upload.
    output_dir : str or os.PathLike
        Where the scores and the details page go.
    max_bytes : int, default UPLOAD_BYTES
        The upload's byte limit (64 MiB by default): the submission is read
        within it (see :func:`~blemore_fast.challenge.evaluate_submission`).
    details : {"scores", "categories"}, default "scores"
        What the details page shows: ``"scores"`` (the scores, intervals,
        baselines and the submission's own predicted classes, safe while the
        labels are hidden) or ``"categories"`` (also the scores by category
        and the confusion of label classes, for public labels); see
        :meth:`~blemore_fast.challenge.ServerResult.details_html`.

    Returns
    -------
    ServerResult
        The scores and actor-level intervals written.

    Raises
    ------
    ValidationError
        Listing every problem when the submission cannot be scored; nothing is
        written then.
    ValueError
        For an unknown ``details``.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> from blemore_fast import decode, write_submission
    >>> from blemore_fast.challenge import reference_table
    >>> from blemore_fast.synthetic import make_dataset
    >>> data = make_dataset(seed=0)
    >>> test = data.clips[data.select("test")]
    >>> run = pathlib.Path(tempfile.mkdtemp())
    >>> (run / "input" / "ref").mkdir(parents=True)
    >>> reference_table(test).to_csv(run / "input" / "ref" / REFERENCE_FILE, index=False)
    >>> preds = decode(data.probs["good"][data.select("test")], alpha=0.3, beta=0.1,
    ...                names=list(test["filename"]))
    >>> (run / "input" / "res").mkdir()
    >>> _ = write_submission(preds, run / "input" / "res" / "submission.json")
    >>> result = score_folder(run / "input", run / "output")
    >>> sorted(path.name for path in (run / "output").iterdir())
    ['detailed_results.html', 'scores.json']
    >>> round(json.loads((run / "output" / SCORES_FILE).read_text())["presence"], 4)
    0.4444
    """
    if details not in DETAILS:
        raise ValueError(f"details must be one of {', '.join(DETAILS)}; got {details!r}")
    input_dir, output_dir = Path(input_dir), Path(output_dir)
    reference, train = _reference(input_dir / "ref")
    submission = find_submission(input_dir / "res")
    result = evaluate_submission(submission, reference, train_labels=train, max_bytes=max_bytes)
    output_dir.mkdir(parents=True, exist_ok=True)
    write_file(output_dir / DETAILS_FILE, result.details_html(details=details))
    # allow_nan=False: a NaN would fail Codabench's decimal column later, silently.
    scores = json.dumps(result.scores(), indent=2, allow_nan=False)
    write_file(output_dir / SCORES_FILE, scores + "\n")
    return result
