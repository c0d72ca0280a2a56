"""One line naming the cause of most problems, for the CLI and the Python API alike.

A submission with the wrong clip names has a problem for every clip; one
``hint:`` line says why when a single cause explains most of them. The
diagnosis is decided by the problems' kinds and counts, the clip names and
the label table's partitions, never by the wording of a message. The CLI
and the Python API share the rule and differ only in how they spell their
options (:data:`CLI` ``--partition test``, :data:`PYTHON` ``partition='test'``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import _core
from .errors import Problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CLI", "PYTHON", "Context", "Spelling", "diagnose"]


@dataclass(frozen=True)
class Spelling:
    """How the caller names its options in a hint."""

    labels: str
    #: The option that keeps one partition, with ``{}`` for its name.
    partition: str
    lenient: str
    logits: str
    rename: str


CLI = Spelling(
    labels="--labels",
    partition="--partition {}",
    lenient="--lenient",
    logits="add --logits",
    rename="write the submission with `blemore-fast decode ... --names-map MAP`",
)
PYTHON = Spelling(
    labels="labels=",
    partition="partition={!r}",
    lenient="strict=False",
    logits="pass logits=True",
    rename="decode with names= the challenge's names (read_names_map reads a names map)",
)


@dataclass(frozen=True)
class Context:
    """What the diagnosis knows besides the problems: whether labels were
    given (None: the caller takes none), the whole label table (every partition; read only when needed), the
    partition kept, whether the values were already read as logits, what the
    expected names are called, and whether the caller can score leniently."""

    labels_given: bool | None
    table: Callable[[], pd.DataFrame | None]
    partition: str | None = None
    logits: bool = False
    expected: str = "the manifest"
    lenient: bool = True


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
    predicted: list[str | None], expected: list[str | None], against: str, spell: Spelling
) -> str | None:
    """Real clip names against anonymised ones (or the other way round)."""
    if not predicted or not expected:
        return None
    real_predicted = _share(predicted, _is_dataset_name)
    real_expected = _share(expected, _is_dataset_name)
    if real_predicted >= 0.9 and real_expected <= 0.1:
        return (
            f"these are the dataset's clip names (such as {predicted[0]}); {against} has "
            f"names such as {expected[0]}: {spell.rename} to rename the clips"
        )
    if real_predicted <= 0.1 and real_expected >= 0.9:
        return (
            f"the predictions name clips such as {predicted[0]}, but {against} has the "
            f"dataset's clip names (such as {expected[0]}): give {against} with the same names"
        )
    return None


def _partition_of(table: pd.DataFrame, clips: set[str]) -> str | None:
    """The one partition of ``table`` that holds all of ``clips``, if any."""
    rows = table[table["filename"].astype(str).isin(clips)]
    partitions = rows["partition"].dropna().astype(str).unique()
    if clips and len(rows) == len(clips) and len(partitions) == 1:
        return str(partitions[0])
    return None


def _partition_hint(problems: Sequence[Problem], context: Context, spell: Spelling) -> str | None:
    """Predictions of one partition scored against another, or against all."""
    if not context.labels_given:
        return None
    unlabelled = {c for c in _clips(problems, "unlabelled_prediction") if c is not None}
    missing = {c for c in _clips(problems, "missing_prediction") if c is not None}
    table = context.table()
    if table is not None and ("partition" not in table or "filename" not in table):
        table = None
    keep = spell.partition.format("NAME").replace("'NAME'", "NAME")
    if context.partition is not None:
        found = None if table is None else _partition_of(table, unlabelled)
        if found is None or found == context.partition:
            return None
        return (
            f"the predictions are clips of partition {found!r}, not {context.partition!r}: "
            f"use {spell.partition.format(found)}"
        )
    if unlabelled:
        return None
    lenient = f", and {spell.lenient} leaves them out" if context.lenient else ""
    found = (
        None
        if table is None
        else _partition_of(table, set(table["filename"].astype(str)) - missing)
    )
    if found is None:
        return (
            f"the labels cover clips that have no prediction; {keep} keeps one "
            f"partition of a labels table (such as test){lenient}"
        )
    return (
        "the labels cover clips that have no prediction: the predictions are the clips of "
        f"partition {found!r}; add {spell.partition.format(found)} ({keep} keeps one "
        f"partition of a labels table){lenient}"
    )


def diagnose(problems: Sequence[Problem], context: Context, spell: Spelling) -> str | None:
    """One line naming the cause of most problems, in the caller's
    ``spell``-ing of its options, or None when no single cause explains most
    of them."""
    if not problems:
        return None
    kinds = Counter(p.kind for p in problems)
    n = len(problems)

    def most(*names: str) -> bool:
        return sum(kinds[k] for k in names) * 2 > n

    if kinds["not_probabilities"] and not context.logits:
        return f"these values look like logits: {spell.logits} to turn each row into probabilities"
    if most("unexpected_clip", "missing_clip"):
        hint = _names_hint(
            _clips(problems, "unexpected_clip"),
            _clips(problems, "missing_clip"),
            context.expected,
            spell,
        )
        if hint:
            return hint
    if most("unlabelled_prediction", "missing_prediction"):
        hint = _names_hint(
            _clips(problems, "unlabelled_prediction"),
            _clips(problems, "missing_prediction"),
            spell.labels.rstrip("="),
            spell,
        )
        if hint:
            return hint
        return _partition_hint(problems, context, spell)
    if most("bad_clip_name") and context.labels_given is False:
        labels = spell.labels.rstrip("=")
        return (
            f"without {labels}, labels are read from the clip names; give {labels} "
            "(a metadata CSV or a label JSON) for clips named otherwise"
        )
    return None
