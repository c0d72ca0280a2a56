"""The challenge on EvalAI: ``evaluate``, the evaluation script's entry point.

EvalAI imports a challenge's ``evaluation_script`` package and calls
``evaluate(test_annotation_file, user_submission_file, phase_codename,
submission_metadata=...)`` on each submission; what it does with the result
was read in Cloud-CV:

- EvalAI-Starters, ``evaluation_script/main.py``: the contract and the
  shape ``{"result": [{split_codename: {label: value}}], "submission_result":
  ...}``; ``evaluation_script/__init__.py`` (``from .main import
  evaluate``, and how to install packages); ``worker/run.py``: the call,
  with the phase codename and ``submission_metadata``.
- EvalAI, ``scripts/workers/submission_worker.py`` (``run_submission``):
  each entry of ``result`` is one dataset split, keyed by its codename, and
  becomes that split's leaderboard row; ``error``, a list of the same shape,
  gives the row's error bars. A split that is not the phase's fails the
  submission. An exception fails it too, and its traceback is the
  participant's stderr. ``submission_result`` is saved as JSON.
- EvalAI, ``apps/jobs/utils.py``: the leaderboard shows, for each label of
  the leaderboard's schema, ``result[label]`` and ``error["error_" + label]``
  (as ± in ``frontend/src/views/web/challenge/leaderboard.html``); every
  label needs its ``error_`` entry once there is an ``error``.

Here the labels are ``presence``, ``salience`` and ``mean``; the error bars
are the half-widths of the actor-level intervals of
:mod:`blemore_fast.challenge`, the same verdict Codabench's scoring program
gives. The challenge's ``challenge_config.yaml`` then declares::

    leaderboard:
      - id: 1
        schema: {"labels": ["presence", "salience", "mean"], "default_order_by": "mean"}

To use it, the challenge's ``evaluation_script/__init__.py`` holds ``from
blemore_fast.evalai import evaluate`` (the worker needs blemore-fast
installed; see the README).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from .challenge import check_names_are_anonymous, evaluate_submission, reference_table
from .errors import MAX_LISTED, ValidationError
from .escape import escape_text
from .stats.intervals import STATISTICS

__all__ = ["DEFAULT_SPLIT", "evaluate"]

#: The dataset split the result is reported under (EvalAI-Starters' codename).
DEFAULT_SPLIT = "test_split"


def evaluate(
    test_annotation_file: str | os.PathLike[str],
    user_submission_file: str | os.PathLike[str],
    phase_codename: str,
    *,
    split: str = DEFAULT_SPLIT,
    **kwargs: Any,
) -> dict[str, Any]:
    """Scores one EvalAI submission: EvalAI's evaluation script contract.

    The reference must be keyed by anonymised names: one keyed by the
    dataset's own clip names is refused with a ``ValueError`` before anything
    is scored, since those names carry their labels and the problems would
    print them. Build the annotation file with
    :func:`blemore_fast.challenge.reference_table` and ``names_map=`` (or
    ``blemore-fast codabench bundle --names-map``'s reference data).

    Parameters
    ----------
    test_annotation_file : str or os.PathLike
        The phase's hidden labels: any labels :func:`blemore_fast.score`
        accepts with each clip's actor, such as the metadata CSV with an
        ``actor`` column (the reference table of
        :func:`blemore_fast.challenge.reference_table`).
    user_submission_file : str or os.PathLike
        The participant's file, JSON or a zip holding one JSON file.
    phase_codename : str
        The phase (the same scoring for every phase).
    split : str, default "test_split"
        The dataset split's codename in ``challenge_config.yaml``; to use
        another, wrap this function (``functools.partial``).
    **kwargs
        EvalAI's ``submission_metadata``, unused.

    Returns
    -------
    dict
        ``{"result": [{split: {"presence", "salience", "mean"}}], "error":
        [{split: {"error_presence", ...}}], "submission_result": {split:
        {...}}}``, the errors being the intervals' half-widths, the last with
        the interval bounds too.

    Raises
    ------
    ValidationError
        When the submission cannot be scored, after printing its problems to
        stderr, which EvalAI shows the participant: the first 20 (escaped, see
        :func:`blemore_fast.escape.escape_text`), then how many more.
    ValueError
        When the reference is keyed by the dataset's own clip names.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from blemore_fast import decode, write_submission
    >>> from blemore_fast.challenge import reference_table
    >>> from blemore_fast.synthetic import make_dataset
    >>> data = make_dataset(seed=0)
    >>> test = data.clips[data.select("test")]
    >>> hidden = {name: f"test_{k:04d}.mov" for k, name in enumerate(test["filename"], 1)}
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> reference_table(test, names_map=hidden).to_csv(folder / "labels.csv", index=False)
    >>> preds = decode(data.probs["good"][data.select("test")], alpha=0.3, beta=0.1,
    ...                names=list(hidden.values()))
    >>> submission = write_submission(preds, folder / "submission.zip")
    >>> result = evaluate(folder / "labels.csv", submission, "test")  # prints a summary line
    phase test: presence 0.4444 ± 0.0423, salience 0.0485 ± 0.0373, mean 0.2465 ± 0.0334 (95% intervals over 11 actors, ...)
    >>> {key: round(value, 4) for key, value in result["result"][0]["test_split"].items()}
    {'presence': 0.4444, 'salience': 0.0485, 'mean': 0.2465}
    """
    reference = reference_table(test_annotation_file)
    # Before anything is scored: the problems below name expected clips.
    check_names_are_anonymous(reference["filename"].astype(str).tolist())
    try:
        verdict = evaluate_submission(user_submission_file, reference)
    except ValidationError as error:
        print(f"error: {error.summary}:", file=sys.stderr)
        listed = error.problems[:MAX_LISTED]
        for problem in listed:
            print(f"  - {escape_text(str(problem))}", file=sys.stderr)
        if len(error.problems) > len(listed):
            print(f"  ... and {len(error.problems) - len(listed):,} more", file=sys.stderr)
        raise
    scores = verdict.scores()
    errors = {
        f"error_{metric}": (scores[f"{metric}_high"] - scores[f"{metric}_low"]) / 2
        for metric in STATISTICS
    }
    print(
        f"phase {phase_codename}: "
        + ", ".join(f"{m} {scores[m]:.4f} ± {errors[f'error_{m}']:.4f}" for m in STATISTICS)
        + f" ({verdict.describe_intervals()})"
    )
    return {
        "result": [{split: {metric: scores[metric] for metric in STATISTICS}}],
        "error": [{split: errors}],
        "submission_result": {split: scores},
    }
