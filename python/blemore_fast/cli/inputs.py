"""Reading the command's inputs: prediction files, probability CSVs, labels, manifests.

Each function turns paths and options into what the library takes, or raises
:class:`~blemore_fast.ValidationError` (exit 1: the input is wrong) or
:class:`UsageError` (exit 2: the options are).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..encoded import to_dict
from ..errors import Problem, ValidationError
from ..inputs import (
    FileSource,
    MemoryFile,
    PredictionDict,
    file_kind,
    load_predictions,
    read_json,
    read_table,
)
from ..partition import select_partition
from ..probs import ProbTable, concat_probs, read_probs, sniff_csv
from .terminal import Progress

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PROG",
    "UsageError",
    "check_options",
    "read_label_table",
    "read_labels",
    "read_manifest",
    "read_predictions",
    "read_probabilities",
    "select_partition",
    "train_rows",
]

PROG = "blemore-fast"


class UsageError(Exception):
    """A wrong combination of options, found after parsing: exit code 2."""


def _is_csv(path: FileSource) -> bool:
    return file_kind(path) == "csv"


def _known(path: object) -> bool:
    """Whether a file's kind is known before it is read (standard input's is not)."""
    return path is not None and path != "-"


def check_options(args: argparse.Namespace) -> None:
    """Option combinations that are wrong whatever the files hold, checked
    before any file is read (so a usage error is never hidden behind a
    missing file). Standard input (``-``) is checked once it is read."""
    labels, partition = getattr(args, "labels", None), getattr(args, "partition", None)
    if partition is not None and labels is None:
        raise UsageError("--partition selects rows of a --labels table; give --labels")
    if partition is not None and _known(labels) and not _is_csv(str(labels)):
        raise UsageError("--partition needs --labels to be a CSV table")
    thresholds = getattr(args, "alpha", None) is not None or getattr(args, "beta", None) is not None
    if thresholds or getattr(args, "logits", False):
        for name in ("preds", "a", "b"):
            path = getattr(args, name, None)
            if path is not None and _known(path) and not _is_csv(path):
                raise UsageError(
                    f"--alpha, --beta and --logits apply to probability CSV files; {path} is not one"
                )


def read_probabilities(paths: Sequence[FileSource], *, logits: bool) -> ProbTable:
    """The probability tables of ``paths``, joined; a bar on a terminal for many files."""
    tables = []
    with Progress(len(paths), "reading") as bar:
        for path in paths:
            tables.append(read_probs(path, logits=logits))
            bar.advance()
    return concat_probs(tables)


def read_predictions(path: FileSource, args: argparse.Namespace) -> PredictionDict | FileSource:
    """The predictions of a file as the library takes them: a JSON file as
    it is (its path, or the bytes of standard input), which the library
    reads natively, or the prediction dict of a long CSV (``filename,
    emotion, salience``) or of a probability CSV decoded at
    ``--alpha``/``--beta``."""
    alpha, beta, logits = args.alpha, args.beta, args.logits
    if not _is_csv(path):
        if alpha is not None or beta is not None or logits:
            raise UsageError(
                f"--alpha, --beta and --logits apply to probability CSV files; {path} is not one"
            )
        return path
    if sniff_csv(path) == "long":
        return load_predictions(read_table(path, "prediction table", dtype={"filename": str}))
    if alpha is None or beta is None:
        raise UsageError(
            f"{path} holds probabilities: give --alpha and --beta to decode them "
            f"(`{PROG} grid` finds good values)"
        )
    return to_dict(read_probabilities([path], logits=logits).decode(alpha=alpha, beta=beta))


def read_label_table(path: FileSource | None) -> pd.DataFrame | None:
    """The labels table with all its rows, or None when the labels are not a CSV."""
    if path is None or not _is_csv(path):
        return None
    return read_table(path, "labels", dtype={"filename": str})


def read_labels(args: argparse.Namespace) -> Any:
    """``--labels`` as the library takes it (a path or a table), ``--partition`` applied."""
    if args.labels is None:
        if args.partition is not None:
            raise UsageError("--partition selects rows of a --labels table; give --labels")
        return None
    table = read_label_table(args.labels)
    if table is None:
        if args.partition is not None:
            raise UsageError("--partition needs --labels to be a CSV table")
        return args.labels
    return select_partition(table, args.partition, args.labels)


def train_rows(args: argparse.Namespace) -> pd.DataFrame | None:
    """The train rows of the ``--labels`` table when ``--partition`` picked
    other rows of it (such as test): the labels the trivial baselines are
    fitted on. None when there are none."""
    if args.partition in (None, "train"):
        return None
    table = read_label_table(args.labels)
    if table is None or not (table["partition"].astype(str) == "train").any():
        return None
    return select_partition(table, "train", args.labels)


def read_manifest(path: FileSource) -> list[str]:
    """Expected clip names: a text file (one a line), a CSV with a ``filename``
    column, or JSON (a submission or template, a prediction dict, or a list),
    also inside a zip (such as the official upload template)."""
    kind = file_kind(path)
    if kind == "csv":
        frame = read_table(path, "manifest", dtype={"filename": str})
        if "filename" not in frame.columns:
            raise ValidationError(
                [Problem(None, f"{path} has no 'filename' column", kind="missing_column")],
                "manifest",
            )
        return [str(n).strip() for n in frame["filename"]]
    if kind == "json":
        data = read_json(path)
        if isinstance(data, dict):
            data = data.get("predictions", data)
        if not isinstance(data, (dict, list)):
            raise ValidationError(
                [
                    Problem(
                        None,
                        f"{path} holds neither clip names nor a submission",
                        kind="invalid_manifest",
                    )
                ],
                "manifest",
            )
        return [str(n) for n in data]
    try:
        raw = path.data if isinstance(path, MemoryFile) else Path(path).read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as error:
        raise ValidationError(
            [Problem(None, f"cannot read {path}: {error.strerror}", kind="file_unreadable")],
            "manifest",
        ) from None
    except UnicodeDecodeError as error:
        raise ValidationError(
            [Problem(None, f"{path} is not UTF-8 text (byte {error.start})", kind="not_utf8")],
            "manifest",
        ) from None
    return [line.strip() for line in text.splitlines() if line.strip()]
