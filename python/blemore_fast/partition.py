"""``partition=``: one split of a label table, and the diagnosis of a failed match.

The dataset's ``clips.csv`` lists every clip of every split; predictions
cover one. ``partition="test"`` keeps the label table's rows of that
partition, as the CLI's ``--partition`` does. When predictions and labels do
not match, :func:`diagnosed` adds to the :class:`~blemore_fast.ValidationError`
the one-line hint the CLI prints (:mod:`blemore_fast.diagnosis`), in the
Python API's terms.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from . import diagnosis
from ._pandas import is_pandas
from .errors import Problem, ValidationError
from .inputs import FileSource, _is_path, file_kind, read_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["diagnosed", "partition_labels", "select_partition"]


def select_partition(table: pd.DataFrame, partition: str | None, path: FileSource) -> pd.DataFrame:
    """The rows of ``table`` in ``partition`` (all rows for None); ``path``
    names the table in the errors."""
    if partition is None:
        return table
    if "partition" not in table.columns:
        raise ValidationError(
            [
                Problem(
                    None,
                    f"{path} has no 'partition' column to select {partition!r} from",
                    kind="missing_column",
                )
            ],
            "labels",
        )
    keep = (table["partition"].astype(str) == partition).to_numpy()
    if not keep.any():
        known = ", ".join(sorted(table["partition"].dropna().astype(str).unique()))
        raise ValidationError(
            [
                Problem(
                    None,
                    f"{path} has no rows with partition {partition!r} (it has {known})",
                    kind="empty_selection",
                )
            ],
            "labels",
        )
    return table[keep]


def _table(labels: Any) -> pd.DataFrame | None:
    """``labels`` as a table: a DataFrame, or a CSV file read; else None."""
    if is_pandas(labels, "DataFrame"):
        return labels
    if _is_path(labels) and file_kind(labels) == "csv":
        return read_table(labels, "labels", dtype={"filename": str})
    return None


def partition_labels(labels: Any, partition: Any) -> Any:
    """``labels`` with only the rows of ``partition`` (``labels`` as given for
    None). ``partition`` needs a label table: a DataFrame or a CSV path."""
    if partition is None:
        return labels
    if not isinstance(partition, str):
        raise TypeError(f"partition must be None or a string such as 'test'; got {partition!r}")
    table = _table(labels)
    if table is None:
        raise ValueError(
            "partition= selects rows of a label table (a DataFrame or CSV path, such as the "
            f"dataset's clips.csv); got labels of type {type(labels).__name__}"
        )
    return select_partition(table, partition, labels if _is_path(labels) else "labels")


@contextmanager
def diagnosed(labels: Any, partition: str | None = None, *, lenient: bool = True) -> Iterator[None]:
    """Re-raises a :class:`~blemore_fast.ValidationError` without a hint
    with the diagnosis the CLI would print, in the Python API's terms.
    ``labels`` is the label argument as given (the whole table, before
    ``partition`` was applied); ``lenient`` says whether the caller takes
    ``strict=False``."""
    try:
        yield
    except ValidationError as error:
        if error.hint is not None:
            raise

        def whole_table() -> pd.DataFrame | None:
            try:
                return _table(labels)
            except ValueError:  # the labels' own errors were raised already
                return None

        context = diagnosis.Context(
            labels_given=labels is not None,
            table=whole_table,
            partition=partition,
            lenient=lenient,
            expected="the expected names",
        )
        hint = diagnosis.diagnose(error.problems, context, diagnosis.PYTHON)
        if hint is None:
            raise
        raise ValidationError(error.problems, error.what, hint) from None
