"""A probability table read by its column names.

The six emotion codes may come in any order; a ``filename`` column (or, in
pandas, an index of strings) names the rows. Every other column is an
error, as is a missing or duplicated one: reading a table by position is
how a reordered table silently scores as another model. Arrays, which have
no column names, stay positional (``classes=``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from ...encoded import EMOTIONS
from ...errors import Problem, raise_if_any
from . import columns
from .form import Columns

__all__ = ["NAME_COLUMN", "emotion_probs"]

#: The column that names a table's rows.
NAME_COLUMN = "filename"


def _guess(column: str) -> str | None:
    """The code a column name spells out in full (``anger``, ``Disgust``), if any."""
    lowered = column.strip().lower()
    return next((code for code in EMOTIONS if lowered.startswith(code)), None)


def _column_problems(table: Columns) -> list[Problem]:
    counts = Counter(table.names)
    if not any(code in counts for code in EMOTIONS) and not any(map(_guess, counts)):
        # Unnamed columns (0, 1, ...): one problem, not one per column.
        return [
            Problem(
                None,
                f"no column is named after an emotion (found {', '.join(table.names)}); name "
                f"the columns {', '.join(EMOTIONS)}, or pass the values as an array "
                "(frame.to_numpy()) with classes= giving their order",
                kind="missing_column",
            )
        ]
    problems = [
        Problem(None, f"column {name!r} appears {count} times", kind="duplicate_column")
        for name, count in counts.items()
        if count > 1
    ]
    for name in counts:
        if name not in EMOTIONS and name != NAME_COLUMN:
            guess = _guess(name)
            hint = f" (did you mean {guess!r}?)" if guess else ""
            problems.append(
                Problem(
                    None,
                    f"unknown column {name!r}{hint}; a probability table has the columns "
                    f"{', '.join(EMOTIONS)} and optionally {NAME_COLUMN}",
                    kind="unknown_column",
                )
            )
    missing = [code for code in EMOTIONS if code not in counts]
    if missing:
        problems.append(
            Problem(
                None,
                f"missing column(s) {', '.join(missing)}; found {', '.join(table.names)}",
                kind="missing_column",
            )
        )
    return problems


def _row_names(table: Columns, what: str) -> tuple[str, ...] | None:
    if NAME_COLUMN in table.names:
        values = table.arrays[table.names.index(NAME_COLUMN)]
    elif table.index is not None:
        values = table.index
    else:
        return None
    names = values.tolist()
    try:
        named = all(map(str.strip, names))  # one pass in C; TypeError for a non-string
    except TypeError:
        named = False
    if not named:
        raise_if_any(
            [
                Problem(
                    None,
                    f"row {row}: {NAME_COLUMN} is empty or not a string",
                    kind="missing_clip_name",
                )
                for row, name in enumerate(names)
                if not isinstance(name, str) or not name.strip()
            ],
            what,
        )
    if len(set(names)) != len(names):
        repeated = Counter(names).most_common(1)[0]
        raise_if_any(
            [Problem(repeated[0], f"appears in {repeated[1]} rows", kind="duplicate_row")], what
        )
    return tuple(names)


def emotion_probs(value: Any) -> tuple[np.ndarray, tuple[str, ...] | None]:
    """A table's ``(N, 6)`` probabilities in ``EMOTIONS`` order, whatever the
    order of its columns, and its row names (None without a ``filename``
    column or a pandas index of strings).

    The matrix has the columns' common floating dtype (float32 columns stay
    float32). Raises :class:`~blemore_fast.ValidationError` naming every
    missing, unknown or duplicated column, an empty or repeated row name;
    TypeError for a column that is not floating point.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"filename": ["A101_ang_int1_ver1"], "neu": [0.1], "sad": [0.0],
    ...                       "hap": [0.2], "fea": [0.0], "disg": [0.0], "ang": [0.7]})
    >>> probs, names = emotion_probs(frame)
    >>> probs.tolist(), names
    ([[0.7, 0.0, 0.0, 0.2, 0.0, 0.1]], ('A101_ang_int1_ver1',))
    """
    table = columns(value)
    what = f"probability table ({table.library})"
    raise_if_any(_column_problems(table), what)
    arrays = [table.arrays[table.names.index(code)] for code in EMOTIONS]
    for code, array in zip(EMOTIONS, arrays, strict=True):
        if array.dtype.kind != "f":
            raise TypeError(
                f"column {code!r} of the probability table must hold floating-point "
                f"probabilities; got dtype {array.dtype}"
            )
    dtype = np.result_type(*arrays)
    probs = np.empty((len(table), len(EMOTIONS)), dtype=dtype)
    for k, array in enumerate(arrays):
        probs[:, k] = array
    return probs, _row_names(table, what)
