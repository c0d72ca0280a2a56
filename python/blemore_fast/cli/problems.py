"""Problems as the command shows them: a bounded listing, one diagnosis line,
and the JSON error object.

A submission with the wrong clip names has a problem for every clip: the
listing stops after ``--max-problems`` (20 by default) with "and N more", and
ends with one ``hint:`` line when a single cause explains most problems
(:mod:`blemore_fast.diagnosis`, shared with the Python API).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from .. import diagnosis
from ..diagnosis import Context
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


def _full_table(args: argparse.Namespace) -> pd.DataFrame | None:
    """The whole ``--labels`` table (every partition), when it has partitions."""
    if isinstance(args.labels, MemoryFile):
        return None  # standard input is read once
    try:
        table = read_label_table(args.labels)
    except ValueError:
        return None
    return table if table is not None and "partition" in table.columns else None


def diagnose(problems: Sequence[Problem], args: argparse.Namespace) -> str | None:
    """One line naming the cause of most problems, in the command's own
    options (:func:`blemore_fast.diagnosis.diagnose`, the rule the Python API
    shares), or None when no single cause explains most of them."""
    labels = getattr(args, "labels", "")
    context = Context(
        labels_given=None if not hasattr(args, "labels") else labels is not None,
        table=lambda: _full_table(args),
        partition=getattr(args, "partition", None),
        logits=getattr(args, "logits", False),
        expected="the official test set" if getattr(args, "codabench", False) else "the manifest",
        lenient=hasattr(args, "lenient"),
    )
    return diagnosis.diagnose(problems, context, diagnosis.CLI)
