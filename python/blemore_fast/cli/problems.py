"""Problems as the command shows them: a bounded listing, one diagnosis line,
and the JSON error object.

A submission with the wrong clip names has a problem for every clip: the
listing stops after ``--max-problems`` (20 by default) with "and N more", and
ends with one ``hint:`` line when a single cause explains most problems. The
diagnosis is decided by the problems' kinds and counts and by the clip names
themselves, never by the wording of a message.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from .. import _core
from ..errors import MAX_LISTED, Problem
from ..escape import escape_text
from ..inputs import MemoryFile
from .inputs import read_label_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["diagnose", "error_document", "list_problems", "max_problems"]


def max_problems(args: argparse.Namespace, *, json: bool = False) -> int | None:
    """How many problems to list: ``--max-problems`` (None: all). Without the
    option, text lists 20 and JSON every one (programs want them all)."""
    given = getattr(args, "max_problems", None)
    if given is None:
        return None if json else MAX_LISTED
    return None if given == "all" else int(given)


def list_problems(
    problems: Sequence[Problem], limit: int | None, stream: TextIO, indent: str = "  - "
) -> None:
    """Prints the first ``limit`` problems (all for None), then how many are left."""
    shown = problems if limit is None else problems[:limit]
    for problem in shown:
        print(escape_text(f"{indent}{problem}"), file=stream)
    rest = len(problems) - len(shown)
    if rest:
        print(
            f"  ... and {rest:,} more (--max-problems N lists more, --max-problems all every one)",
            file=stream,
        )


def error_document(
    error: str, problems: Sequence[Problem], limit: int | None, hint: str | None
) -> dict[str, Any]:
    """The JSON object printed on standard output when a ``--json`` command fails."""
    listed = problems if limit is None else problems[:limit]
    return {
        "error": error,
        "problems": [{"clip": p.clip, "kind": p.kind, "message": p.message} for p in listed],
        "n_problems": len(problems),
        "hint": hint,
    }


# --- the diagnosis


def _is_dataset_name(name: str | None) -> bool:
    if name is None:
        return False
    try:
        _core.parse_clip_name(name)
    except (ValueError, TypeError):
        return False
    return True


def _share(names: Sequence[str | None], test: Any) -> float:
    return sum(map(test, names)) / len(names) if names else 0.0


def _clips(problems: Sequence[Problem], *kinds: str) -> list[str | None]:
    return [p.clip for p in problems if p.kind in kinds]


def _names_hint(
    predicted: list[str | None], expected: list[str | None], against: str
) -> str | None:
    """Real clip names against anonymised ones (or the other way round)."""
    if not predicted or not expected:
        return None
    real_predicted = _share(predicted, _is_dataset_name)
    real_expected = _share(expected, _is_dataset_name)
    if real_predicted >= 0.9 and real_expected <= 0.1:
        return (
            f"these are the dataset's clip names (such as {predicted[0]}); {against} has "
            f"names such as {expected[0]}: write the submission with "
            "`blemore-fast decode ... --names-map MAP` to rename the clips"
        )
    if real_predicted <= 0.1 and real_expected >= 0.9:
        return (
            f"the predictions name clips such as {predicted[0]}, but {against} has the "
            f"dataset's clip names (such as {expected[0]}): give {against} with the same names"
        )
    return None


def _full_table(args: argparse.Namespace) -> pd.DataFrame | None:
    """The whole ``--labels`` table (every partition), when it has partitions."""
    if isinstance(args.labels, MemoryFile):
        return None  # standard input is read once
    try:
        table = read_label_table(args.labels)
    except ValueError:
        return None
    return table if table is not None and "partition" in table.columns else None


def _partition_of(table: pd.DataFrame, clips: set[str]) -> str | None:
    """The one partition of ``table`` that holds all of ``clips``, if any."""
    rows = table[table["filename"].astype(str).isin(clips)]
    partitions = rows["partition"].dropna().astype(str).unique()
    if clips and len(rows) == len(clips) and len(partitions) == 1:
        return str(partitions[0])
    return None


def _partition_hint(args: argparse.Namespace, problems: Sequence[Problem]) -> str | None:
    """Predictions of one partition scored against another, or against all."""
    if getattr(args, "labels", None) is None:
        return None
    partition = getattr(args, "partition", None)
    unlabelled = {c for c in _clips(problems, "unlabelled_prediction") if c is not None}
    missing = {c for c in _clips(problems, "missing_prediction") if c is not None}
    table = _full_table(args)
    if partition is not None:
        found = None if table is None else _partition_of(table, unlabelled)
        if found is None or found == partition:
            return None
        return (
            f"the predictions are clips of partition {found!r}, not {partition!r}: "
            f"use --partition {found}"
        )
    if unlabelled:
        return None
    lenient = ", and --lenient leaves them out" if hasattr(args, "lenient") else ""
    found = (
        None
        if table is None
        else _partition_of(table, set(table["filename"].astype(str)) - missing)
    )
    if found is None:
        return (
            "the labels cover clips that have no prediction; --partition NAME keeps one "
            f"partition of a labels table (such as test){lenient}"
        )
    return (
        "the labels cover clips that have no prediction: the predictions are the clips of "
        f"partition {found!r}; add --partition {found} (--partition NAME keeps one "
        f"partition of a labels table){lenient}"
    )


def diagnose(problems: Sequence[Problem], args: argparse.Namespace) -> str | None:
    """One line naming the cause of most problems, in the command's own
    options, or None when no single cause explains most of them."""
    if not problems:
        return None
    kinds = Counter(p.kind for p in problems)
    n = len(problems)

    def most(*names: str) -> bool:
        return sum(kinds[k] for k in names) * 2 > n

    if kinds["not_probabilities"] and not getattr(args, "logits", False):
        return "these values look like logits: add --logits to turn each row into probabilities"
    if most("unexpected_clip", "missing_clip"):
        expected = "the official test set" if getattr(args, "codabench", False) else "the manifest"
        hint = _names_hint(
            _clips(problems, "unexpected_clip"), _clips(problems, "missing_clip"), expected
        )
        if hint:
            return hint
    if most("unlabelled_prediction", "missing_prediction"):
        hint = _names_hint(
            _clips(problems, "unlabelled_prediction"),
            _clips(problems, "missing_prediction"),
            "--labels",
        )
        if hint:
            return hint
        return _partition_hint(args, problems)
    if most("bad_clip_name") and getattr(args, "labels", "") is None:
        return (
            "without --labels, labels are read from the clip names; give --labels "
            "(a metadata CSV or a label JSON) for clips named otherwise"
        )
    return None
