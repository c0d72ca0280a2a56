"""Tables: the pandas forms of predictions and labels, and CSV files.

A long prediction table (``filename, emotion, salience``) becomes the
official prediction dict; a metadata table (``filename, emotion_1,
emotion_2, emotion_1_salience, emotion_2_salience``) becomes a label dict,
every malformed row reported. A CSV file is read by :func:`read_table`,
whose failures are one problem naming the file, as every reader's are.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ... import _core
from ..._pandas import is_na, pandas
from ...errors import Problem, ValidationError, raise_if_any
from ..files import FileSource, read_text, source_of

if TYPE_CHECKING:
    import pandas as pd

    from ..json_files import PredictionDict

__all__ = [
    "LONG_COLUMNS",
    "METADATA_COLUMNS",
    "long_frame_to_dict",
    "metadata_to_labels",
    "missing_columns",
    "read_table",
]

METADATA_COLUMNS = (
    "filename",
    "emotion_1",
    "emotion_2",
    "emotion_1_salience",
    "emotion_2_salience",
)
LONG_COLUMNS = ("filename", "emotion", "salience")


def read_table(path: FileSource, what: str, **kwargs: Any) -> pd.DataFrame:
    """``pd.read_csv`` of the file's text, with every failure (missing, empty,
    not UTF-8, malformed) turned into a one-problem ValidationError about ``what``."""
    source = source_of(path)
    text = read_text(source, what, "a CSV table")
    pd = pandas()
    try:
        return pd.read_csv(io.StringIO(text), **kwargs)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ValidationError(
            [Problem(None, f"cannot read {source} as CSV: {message}", kind="invalid_csv")], what
        ) from None


def missing_columns(frame: pd.DataFrame, needed: Sequence[str], what: str) -> None:
    """Raises a ValidationError naming the columns of ``needed`` that ``frame`` lacks."""
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValidationError(
            [
                Problem(
                    None,
                    f"missing column(s) {', '.join(missing)}; found {', '.join(map(str, frame.columns))}",
                    kind="missing_column",
                )
            ],
            what,
        )


def long_frame_to_dict(frame: pd.DataFrame) -> PredictionDict:
    missing_columns(frame, LONG_COLUMNS, "prediction table")
    result: PredictionDict = {}
    for name, emotion, salience in zip(
        frame["filename"].tolist(),
        frame["emotion"].tolist(),
        frame["salience"].tolist(),
        strict=True,
    ):
        result.setdefault(name, []).append({"emotion": emotion, "salience": salience})
    return result


def _blank(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, float) and np.isnan(value))
        or (isinstance(value, str) and not value.strip())
        or is_na(value)
    )


def metadata_to_labels(frame: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The label dict of a metadata table; every malformed row is reported,
    and so is a row whose label contradicts the one its clip name carries
    (``ang`` 65 / ``hap`` 30 for ``A101_mix_ang_hap_70_30_ver1``)."""
    missing_columns(frame, METADATA_COLUMNS, "label metadata")
    labels: dict[str, list[dict[str, Any]]] = {}
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    columns = [frame[c].tolist() for c in METADATA_COLUMNS]
    for row, (name, e1, e2, s1, s2) in zip(frame.index, zip(*columns, strict=True), strict=True):
        where = f"row {row}"
        if _blank(name):
            problems.append(Problem(None, f"{where}: filename is empty", kind="missing_clip_name"))
            continue
        if str(name) in first_row:
            # A second row would silently replace the first one's label.
            problems.append(
                Problem(
                    str(name),
                    f"{where}: the clip already has row {first_row[str(name)]}",
                    kind="duplicate_row",
                )
            )
            continue
        first_row[str(name)] = row
        if _blank(e1):
            problems.append(
                Problem(str(name), f"{where}: emotion_1 is empty", kind="bad_label_row")
            )
            continue
        if _blank(e2):
            label = [{"emotion": e1, "salience": 1.0}]
        elif _blank(s1) or _blank(s2):
            problems.append(
                Problem(
                    str(name),
                    f"{where}: a blend needs emotion_1_salience and emotion_2_salience",
                    kind="bad_label_row",
                )
            )
            continue
        else:
            label = [{"emotion": e1, "salience": s1}, {"emotion": e2, "salience": s2}]
        labels[str(name)] = label
        contradiction = _contradicts_name(str(name), label)
        if contradiction:
            problems.append(
                Problem(str(name), f"{where}: {contradiction}", kind="label_contradicts_name")
            )
    raise_if_any(problems, "label metadata")
    return labels


def _label_text(codes: Sequence[str], saliences: Sequence[int] | None) -> str:
    if saliences is None:
        return " + ".join(codes)
    return " + ".join(f"{c} {s}" for c, s in zip(codes, saliences, strict=True))


def _contradicts_name(name: str, label: list[dict[str, Any]]) -> str | None:
    """Why a table's label differs from the label the clip name carries, or
    None (also when the name or the label cannot be read: those have their
    own problems)."""
    try:
        _, codes, name_saliences, *_ = _core.parse_clip_name(name)
        table_codes = [str(e["emotion"]).strip() for e in label]
        if len(label) == 1:
            table_saliences = None
            same = table_codes == list(codes)
        else:
            table_saliences = [round(float(e["salience"])) for e in label]
            same = dict(zip(table_codes, table_saliences, strict=True)) == dict(
                zip(codes, name_saliences, strict=True)
            )
    except (ValueError, TypeError, OverflowError):
        return None
    if same:
        return None
    named = _label_text(codes, list(name_saliences) if len(codes) == 2 else None)
    return f"the table says {_label_text(table_codes, table_saliences)}, the clip name says {named}"
