"""The package's exceptions and problem records."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from . import _core
from .escape import escape_text

__all__ = [
    "LONGEST_VALUE",
    "MAX_LISTED",
    "PROBLEM_KINDS",
    "ClipLevelWarning",
    "FailedSystemsError",
    "Problem",
    "ValidationError",
    "raise_if_any",
    "shorten",
]

#: How many problems an error message lists before "and N more".
MAX_LISTED = 20
#: Longer runs of text without a space (a clip name, a value) are cut in messages.
LONGEST_VALUE = 200
_LONG_RUN = re.compile(rf"(?<!\S)\S{{{LONGEST_VALUE + 1},}}")


def shorten(text: str) -> str:
    """``text`` with every run of more than 200 characters without a space
    cut to its start and end, so that a 100,000-character clip name does not
    flood a message.

    Examples
    --------
    >>> short = shorten("clip " + "0123456789" * 10_000)
    >>> len(short), "…[99,860 more characters]…" in short
    (171, True)
    """
    if len(text) <= LONGEST_VALUE or max(map(len, text.split()), default=0) <= LONGEST_VALUE:
        return text  # the common case, without the regular expression

    def cut(match: re.Match[str]) -> str:
        run, keep = match.group(), LONGEST_VALUE // 2 - 30
        return f"{run[:keep]}…[{len(run) - 2 * keep:,} more characters]…{run[-keep:]}"

    return _LONG_RUN.sub(cut, text)


# The kinds of problem found in Python: files, tables, names and manifests.
# The native core declares the kinds it finds in prediction and label entries.
_PYTHON_KINDS = {
    "file_unreadable": "A file cannot be read (missing, a directory, no permission).",
    "empty_file": "A file is empty, or a table has a header but no rows.",
    "not_utf8": "A file is not UTF-8 text.",
    "invalid_json": "A file is not valid JSON.",
    "duplicate_clip": "A clip appears twice in one JSON object, so the file is ambiguous.",
    "duplicate_key": "A JSON object with the same key twice, other than a clip name.",
    "invalid_zip": "A file is not a readable zip archive.",
    "no_json_file": "A zip archive (or a submission folder) holds no JSON file.",
    "several_json_files": "A zip archive (or a submission folder) holds more than one JSON file.",
    "upload_layout": "An upload Codabench would not score as results: a top-level metadata file, or files besides one JSON file at the top or in one folder.",
    "too_large": "An input crosses a size limit: its bytes, its clips, or a string longer than 1,024 characters.",
    "invalid_csv": "A file cannot be read as a CSV table.",
    "missing_column": "A table lacks a column it needs.",
    "duplicate_column": "A table has the same column twice.",
    "unknown_column": "A probability table has a column that is neither an emotion nor filename.",
    "missing_file": "A folder lacks a file it needs.",
    "not_a_submission": "The input holds no mapping of clip names to predictions.",
    "empty_submission": "A submission has no predictions.",
    "missing_wrapper": 'A submission lacks the {"predictions": ...} wrapper the challenge server requires.',
    "extra_top_level_key": "A submission with top-level keys besides predictions.",
    "missing_clip_name": "A table row has no clip name.",
    "duplicate_row": "A clip has more than one row (in one table or across tables).",
    "label_contradicts_name": "A label table row that contradicts the label in its clip name.",
    "bad_label_row": "A label table row describes no label (no emotion, or a blend without saliences).",
    "bad_soft_label": "A soft-label row is not one emotion or a 70/30, 50/50 or 30/70 blend.",
    "bad_probability": "A model-output cell is empty, not a number, or not finite.",
    "not_probabilities": "Model outputs outside 0-1: logits given as probabilities.",
    "not_in_names_map": "A clip the names map does not rename.",
    "names_map_conflict": "A names map gives one clip two names, or one name to two clips.",
    "empty_selection": "A filter (such as a partition) keeps no rows.",
    "invalid_manifest": "A manifest holds neither clip names nor a submission.",
    "unexpected_clip": "A clip that is not among the expected names.",
    "missing_clip": "An expected clip without a prediction.",
    "unwritable_prediction": "An encoded clip that is not one emotion or a blend of two.",
}

#: Every kind of problem, its stable code mapped to what it means. Programs
#: branch on ``Problem.kind``, never on the wording of the message.
PROBLEM_KINDS: Mapping[str, str] = MappingProxyType({**_core.PROBLEM_KINDS, **_PYTHON_KINDS})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input.

    Parameters
    ----------
    clip : str or None
        The clip it concerns, if any.
    message : str
        Why, in words (the wording may change).
    kind : str
        A stable code from :data:`PROBLEM_KINDS`, such as
        ``"unknown_emotion"``, for programs to branch on.

    Examples
    --------
    >>> Problem("A102_ang_int1_ver1", "unknown emotion code 'angry'", kind="unknown_emotion")
    Problem(clip='A102_ang_int1_ver1', message="unknown emotion code 'angry'", kind='unknown_emotion')
    """

    clip: str | None
    message: str
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in PROBLEM_KINDS:
            raise ValueError(f"unknown problem kind {self.kind!r}; see blemore_fast.PROBLEM_KINDS")
        # Messages are for people: long values in them are cut (the clip stays whole).
        object.__setattr__(self, "message", shorten(self.message))

    @classmethod
    def _from_core(cls, problem: tuple[str | None, str, str]) -> Problem:
        """A problem from the native core's ``(clip, kind, message)`` tuple."""
        clip, kind, message = problem
        return cls(clip, message, kind)

    def __str__(self) -> str:
        """One line for people: the clip (cut when very long) and the message."""
        if self.clip is None:
            return self.message
        return f"{shorten(str(self.clip))}: {self.message}"


class ClipLevelWarning(UserWarning):
    """The statistics fell back to clips because the actors cannot be read.

    With ``cluster="auto"`` (the default of :func:`~blemore_fast.bootstrap`,
    :func:`~blemore_fast.compare` and :func:`~blemore_fast.leaderboard`), the
    intervals are then about these clips, with their actors held fixed, not
    about new actors; the message says how to give the actors.
    ``cluster="clip"`` asks for clips without it.

    Parameters
    ----------
    *args
        The message, as for any :class:`UserWarning`.
    **kwargs
        None are used.

    Examples
    --------
    >>> import warnings
    >>> import blemore_fast as bf
    >>> preds = {"clip_1": [{"emotion": "ang", "salience": 100}],
    ...          "clip_2": [{"emotion": "sad", "salience": 100}]}
    >>> labels = {"clip_1": [{"emotion": "ang", "salience": 100}],
    ...           "clip_2": [{"emotion": "hap", "salience": 100}]}
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     result = bf.bootstrap(preds, labels, n_resamples=1000, seed=1)
    >>> [w.category.__name__ for w in caught], result.cluster
    (['ClipLevelWarning'], None)
    """


class ValidationError(ValueError):
    """Invalid predictions or labels: a ``ValueError`` listing every problem found.

    The message shows the first 20 (control characters escaped, see
    :mod:`blemore_fast.escape`), then "and N more", and ``hint`` after them.

    Parameters
    ----------
    problems : list of Problem
        Every problem found, kept in ``.problems``.
    what : str, default "input"
        What was checked, for the message's first line (``3 problems in the
        predictions``).
    hint : str, optional
        Advice in the Python API's terms, or None.

    Examples
    --------
    >>> import blemore_fast as bf
    >>> try:
    ...     bf.score({"A102_ang_int1_ver1": [{"emotion": "happy", "salience": 100}]})
    ... except bf.ValidationError as error:
    ...     print(error.summary, [p.kind for p in error.problems])
    1 problem in the predictions ['unknown_emotion']
    """

    def __init__(
        self, problems: list[Problem], what: str = "input", hint: str | None = None
    ) -> None:
        self.problems = list(problems)
        self.what = what
        self.hint = hint
        count = len(self.problems)
        lines = [f"{self.summary}:"]
        # Names a submitter chose reach tracebacks and logs: escaped.
        lines += [escape_text(f"  - {p}") for p in self.problems[:MAX_LISTED]]
        if count > MAX_LISTED:
            lines.append(f"  ... and {count - MAX_LISTED:,} more (see .problems)")
        if hint:
            lines.append(f"hint: {hint}")
        super().__init__("\n".join(lines))

    @property
    def summary(self) -> str:
        """The first line: how many problems, in what (``3 problems in the predictions``)."""
        count = len(self.problems)
        return f"{count:,} problem{'s' if count != 1 else ''} in the {self.what}"


class FailedSystemsError(ValidationError):
    """Too few systems passed validation to be ranked, from :func:`~blemore_fast.leaderboard`.

    ``.failed`` maps each system that failed to its problems (``.problems``
    holds them all); the message lists each with its first problems and its
    hint.

    Parameters
    ----------
    failed : mapping of str to list of Problem
        Each system that failed validation, with its problems.
    hints : mapping of str to str or None
        Each failed system's hint, in the Python API's terms.
    n_valid : int
        How many systems passed.

    Examples
    --------
    >>> import blemore_fast as bf
    >>> good = {"A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]}
    >>> bad = {"A102_ang_int1_ver1": [{"emotion": "happy", "salience": 100}]}
    >>> try:
    ...     bf.leaderboard({"good": good, "bad": bad})
    ... except bf.FailedSystemsError as error:
    ...     print(error.summary)
    ...     print(list(error.failed), [p.kind for p in error.failed["bad"]])
    leaderboard needs at least 2 valid systems; got 1 (1 failed validation: bad)
    ['bad'] ['unknown_emotion']
    """

    def __init__(
        self,
        failed: Mapping[str, Sequence[Problem]],
        hints: Mapping[str, str | None],
        n_valid: int,
    ) -> None:
        self.failed = {name: list(problems) for name, problems in failed.items()}
        self.n_valid = n_valid
        super().__init__([p for ps in self.failed.values() for p in ps], "systems")
        lines = [f"{self.summary}; their problems are in .failed:"]
        for name, problems in self.failed.items():
            count = len(problems)
            lines.append(f"  {name}: {count:,} problem{'s' if count != 1 else ''}")
            lines += [f"    - {p}" for p in problems[:_FIRST_PER_SYSTEM]]
            if count > _FIRST_PER_SYSTEM:
                lines.append(f"    ... and {count - _FIRST_PER_SYSTEM:,} more")
            if hints.get(name):
                lines.append(f"    hint: {hints[name]}")
        self.args = ("\n".join(lines),)

    @property
    def summary(self) -> str:
        """The first line: how many systems passed, and which failed."""
        shown = ", ".join(list(self.failed)[:5]) + (" ..." if len(self.failed) > 5 else "")
        return (
            f"leaderboard needs at least 2 valid systems; got {self.n_valid} "
            f"({len(self.failed)} failed validation: {shown})"
        )


#: How many problems of each failed system the leaderboard's error lists.
_FIRST_PER_SYSTEM = 3


def raise_if_any(
    problems: Sequence[tuple[str | None, str, str]] | Sequence[Problem],
    what: str,
    hint: str | None = None,
) -> None:
    """Raises a ValidationError listing ``problems`` (Problems, or the native
    core's ``(clip, kind, message)`` tuples) unless there are none."""
    if problems:
        raise ValidationError(
            [p if isinstance(p, Problem) else Problem._from_core(p) for p in problems], what, hint
        )
