"""Model-output tables: a ``filename`` column and one column per emotion.

This is the layout of the dataset's ``hicmae/*.csv`` files and of most
training scripts' exports (``PROBS.csv`` on the command line)::

    filename,ang,disg,fea,hap,sad,neu
    A101_ang_int1_ver1,2.05,-2.57,0.48,-0.62,-2.87,1.55

The columns may come in any order and other columns are ignored. Values are
probabilities, or logits with ``logits=True`` (a row-wise softmax turns them
into probabilities). :func:`read_probs` checks everything a decoder would
trip over and lists every problem; :func:`concat_probs` joins the tables of
several files (the five validation folds); :func:`read_names_map` and
:meth:`ProbTable.rename` map the table's clip names to a submission's names.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "probs.csv"
>>> _ = path.write_text("filename,ang,disg,fea,hap,sad,neu\\nA101_ang_int1_ver1,0.7,0,0,0.3,0,0\\n")
>>> table = read_probs(path)
>>> table.names, table.probs.shape
(('A101_ang_int1_ver1',), (1, 6))
>>> decoded = table.decode(alpha=0.2, beta=0.1)  # what blemore_fast.decode returns
>>> decoded.names, decoded.mask
(('A101_ang_int1_ver1',), array([9], dtype=uint8))
>>> from blemore_fast.encoded import to_dict
>>> to_dict(decoded)
{'A101_ang_int1_ver1': [{'emotion': 'ang', 'salience': 70.0}, {'emotion': 'hap', 'salience': 30.0}]}
"""

from __future__ import annotations

import glob
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from ._pandas import pandas
from .encoded import EMOTIONS, Encoded
from .errors import Problem, ValidationError, raise_if_any
from .inputs import LONG_COLUMNS, FileSource, MemoryFile, missing_columns, read_table
from .training._coerce import softmax
from .training.decode import decode

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PROB_COLUMNS",
    "ProbTable",
    "apply_names_map",
    "concat_probs",
    "read_names_map",
    "read_probs",
    "sniff_csv",
    "softmax",
]

PROB_COLUMNS: tuple[str, ...] = ("filename", *EMOTIONS)


@dataclass(frozen=True, eq=False)
class ProbTable:
    """Clip names and their probabilities, as :func:`read_probs` reads them.

    Attributes
    ----------
    names : tuple of str
        The clip names, row by row.
    probs : numpy.ndarray
        ``(N, 6)`` float64 probabilities in ``EMOTIONS`` order.
    sources : tuple of str
        The file(s) the rows came from, for messages.

    Examples
    --------
    >>> import numpy as np
    >>> table = ProbTable(("A102_ang_int1_ver1",), np.array([[0.9, 0, 0, 0.1, 0, 0]]))
    >>> table.rename({"A102_ang_int1_ver1": "test_0001.mov"}).names
    ('test_0001.mov',)
    """

    names: tuple[str, ...]
    probs: np.ndarray
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.probs.shape != (len(self.names), len(EMOTIONS)):
            raise ValueError(
                f"ProbTable needs probs of shape ({len(self.names)}, {len(EMOTIONS)}); "
                f"got {self.probs.shape}"
            )

    def __len__(self) -> int:
        return len(self.names)

    def __repr__(self) -> str:
        return f"ProbTable(n={len(self)}, sources={list(self.sources)})"

    def decode(self, *, alpha: float, beta: float) -> Encoded:
        """The rows decoded at thresholds ``alpha`` / ``beta``: what
        :func:`blemore_fast.decode` returns for this table.

        Parameters
        ----------
        alpha, beta : float
            The thresholds, as for :func:`blemore_fast.decode`.

        Returns
        -------
        Encoded
            The decoded predictions, named by this table's clip names
            (``blemore_fast.encoded.to_dict`` gives the official prediction
            dict).

        Examples
        --------
        >>> import numpy as np
        >>> from blemore_fast.encoded import to_dict
        >>> table = ProbTable(("A102_ang_int1_ver1",), np.array([[0.9, 0, 0, 0.1, 0, 0]]))
        >>> to_dict(table.decode(alpha=0.3, beta=0.1))
        {'A102_ang_int1_ver1': [{'emotion': 'ang', 'salience': 100.0}]}
        """
        result = decode(self, alpha=alpha, beta=beta)
        assert isinstance(result, Encoded)
        return result

    def rename(self, mapping: Mapping[str, str]) -> ProbTable:
        """The same rows under new names.

        Parameters
        ----------
        mapping : mapping of str to str
            The new name of every row (a names map, such as the dataset's names to
            the anonymised test names).

        Returns
        -------
        ProbTable

        Raises
        ------
        ValidationError
            Listing every row the mapping does not cover and every new name given
            to two rows.

        Examples
        --------
        >>> import numpy as np
        >>> table = ProbTable(("A102_ang_int1_ver1",), np.array([[0.9, 0, 0, 0.1, 0, 0]]))
        >>> table.rename({"A102_ang_int1_ver1": "test_0001.mov"}).names
        ('test_0001.mov',)
        """
        renamed = apply_names_map(self.names, mapping)
        return ProbTable(tuple(renamed), self.probs, self.sources)


def sniff_csv(path: FileSource) -> Literal["probs", "long"]:
    """Which kind of CSV ``path`` is, from its header: ``"long"`` predictions
    (``filename, emotion, salience``, one row per entry) or ``"probs"`` (a
    ``filename`` column and one column per emotion).

    Raises :class:`~blemore_fast.ValidationError` when it is neither.
    """
    header = read_table(path, "CSV", nrows=0)
    columns = [str(c).strip() for c in header.columns]
    if all(c in columns for c in LONG_COLUMNS):
        return "long"
    if all(c in columns for c in PROB_COLUMNS):
        return "probs"
    raise ValidationError(
        [
            Problem(
                None,
                f"{path} has columns {', '.join(columns)}; expected a probability table "
                f"({', '.join(PROB_COLUMNS)}) or long predictions ({', '.join(LONG_COLUMNS)})",
                kind="missing_column",
            )
        ],
        "CSV",
    )


def _expand(paths: FileSource | Sequence[FileSource]) -> list[FileSource]:
    """The files ``paths`` names: one path, a sequence of them, or a glob
    pattern (``folds/*.csv``, sorted) when no file has that very name."""
    if isinstance(paths, (str, os.PathLike, MemoryFile)):
        if isinstance(paths, str) and any(c in paths for c in "*?[") and not os.path.exists(paths):
            found = sorted(glob.glob(paths))
            if not found:
                raise ValidationError(
                    [Problem(None, f"no file matches {paths}", kind="file_unreadable")],
                    "probability tables",
                )
            return list(found)
        return [paths]
    listed = list(paths)
    if not listed:
        raise ValueError("read_probs needs at least one path")
    return listed


def read_probs(paths: FileSource | Sequence[FileSource], *, logits: bool = False) -> ProbTable:
    """Reads model-output CSVs: ``filename`` and the six emotion columns.

    Columns are read by name, in any order. A column named twice is an error;
    a column of scores that is not one of the six emotions (a seventh class?)
    is ignored with a warning.

    Parameters
    ----------
    paths : str, os.PathLike, MemoryFile, or a sequence of them
        One CSV (or standard input's bytes, a ``MemoryFile``), several (a
        list), or a glob pattern such as ``"hicmae/epoch100_ce_fold*.csv"``
        (its files in sorted order). Several files are pooled as
        :func:`concat_probs` pools them: rows in file order, a clip in two
        files an error.
    logits : bool, default False
        The values are logits: each row goes through a softmax. Without it
        the values must be probabilities, and a negative value or one above 1
        is reported with a hint to pass ``logits=True``.

    Returns
    -------
    ProbTable
        The clip names and their ``(N, 6)`` float64 probabilities.

    Raises
    ------
    ValidationError
        Listing every problem: a missing, empty or non-UTF-8 file, a glob
        pattern no file matches, missing columns, blank or duplicate clip
        names, and cells that are empty, not numbers, or not finite (by line
        number in the file, the header being line 1).
    ValueError
        When ``paths`` is an empty list.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from blemore_fast.encoded import to_dict
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "probs.csv"
    >>> _ = path.write_text("filename,ang,disg,fea,hap,neu,sad\\nA102_ang_int1_ver1,0.9,0,0,0.1,0,0\\n")
    >>> table = read_probs(path)
    >>> table.names, table.probs.shape
    (('A102_ang_int1_ver1',), (1, 6))
    >>> to_dict(table.decode(alpha=0.3, beta=0.1))
    {'A102_ang_int1_ver1': [{'emotion': 'ang', 'salience': 100.0}]}
    """
    files = _expand(paths)
    if len(files) > 1:
        return concat_probs(read_probs(path, logits=logits) for path in files)
    path = files[0]
    what = f"probability table {path}"
    # Read without a header row, so that a column named twice stays visible
    # (pandas would rename the second 'neu' to 'neu.1').
    raw = read_table(path, what, dtype=str, keep_default_na=False, header=None)
    header = [str(c).strip() for c in raw.iloc[0]]
    duplicated = sorted({c for c in header if c and header.count(c) > 1})
    if duplicated:
        raise ValidationError(
            [
                Problem(
                    None,
                    f"column(s) {', '.join(duplicated)} appear more than once in the header",
                    kind="duplicate_column",
                )
            ],
            what,
        )
    frame = raw.iloc[1:].reset_index(drop=True)
    frame.columns = header
    missing_columns(frame, PROB_COLUMNS, what)
    if frame.empty:
        raise ValidationError(
            [Problem(None, f"{path} has a header but no rows", kind="empty_file")], what
        )
    _warn_class_like_columns(frame, path)
    names = [n.strip() for n in frame["filename"].tolist()]
    problems: list[Problem] = []
    for row in np.flatnonzero([not n for n in names]):
        problems.append(
            Problem(None, f"line {row + 2}: filename is empty", kind="missing_clip_name")
        )
    lines: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        if name:
            lines.setdefault(name, []).append(i + 2)
    for name, where in lines.items():
        if len(where) > 1:
            shown = ", ".join(map(str, where[:10])) + (", ..." if len(where) > 10 else "")
            problems.append(
                Problem(name, f"appears {len(where):,} times (lines {shown})", kind="duplicate_row")
            )
    raw = frame[list(EMOTIONS)]
    try:
        # NumPy parses each string as Python's float() does: correctly rounded,
        # so the values are exactly those a Python pipeline would see.
        array = np.asarray(raw.to_numpy(dtype=object), dtype=np.float64)
    except ValueError:
        to_numeric = pandas().to_numeric
        values = raw.apply(lambda column: to_numeric(column.str.strip(), errors="coerce"))
        array = values.to_numpy(dtype=np.float64)
    for row, col in zip(*np.nonzero(~np.isfinite(array)), strict=True):
        cell = raw.iat[row, col]
        why = "is empty" if not cell.strip() else f"is {cell.strip()!r}, not a finite number"
        problems.append(
            Problem(
                names[row] or None,
                f"line {row + 2}: {EMOTIONS[col]} {why}",
                kind="bad_probability",
            )
        )
    if not logits and not problems:
        # One problem for the file, not one a row: outputs that are not
        # probabilities are nearly always logits, on every row.
        outside = np.flatnonzero(((array < 0) | (array > 1)).any(axis=1))
        if outside.size:
            first = outside[0]
            problems.append(
                Problem(
                    None,
                    f"{outside.size:,} of {len(array):,} rows hold values outside 0-1 (first: "
                    f"line {first + 2}, {names[first]}: {array[first].tolist()}); these are not "
                    "probabilities",
                    kind="not_probabilities",
                )
            )
            hint = "if they are logits, read them with logits=True (a softmax per row)"
            raise_if_any(problems, what, hint=hint)
    raise_if_any(problems, what)
    probs = softmax(array) if logits else np.ascontiguousarray(array)
    return ProbTable(tuple(names), probs, (str(path),))


def _warn_class_like_columns(frame: pd.DataFrame, path: object) -> None:
    """Warns about columns that look like a class's scores (numbers, not all
    whole) but are not one of the six emotions: a seventh class, or a code
    spelled differently, would otherwise be ignored without a word."""
    others = [c for c in frame.columns if c and c not in PROB_COLUMNS]
    suspects = []
    for column in others:
        values = pandas().to_numeric(frame[column].str.strip(), errors="coerce")
        if values.notna().all() and (values % 1 != 0).any():
            suspects.append(column)
    if suspects:
        warnings.warn(
            f"{path}: column(s) {', '.join(map(repr, suspects))} hold scores but are not one of "
            f"the six emotions ({', '.join(EMOTIONS)}); they are ignored",
            UserWarning,
            stacklevel=3,
        )


def concat_probs(tables: Iterable[ProbTable]) -> ProbTable:
    """The rows of several tables in order; a clip in two tables is an error.

    Parameters
    ----------
    tables : iterable of ProbTable
        The tables to join, such as the five validation folds.

    Returns
    -------
    ProbTable
        Their rows in order, with every table's sources.

    Raises
    ------
    ValidationError
        Naming the tables that share clips.
    ValueError
        When there is no table.

    Examples
    --------
    >>> a = ProbTable(("c1",), np.eye(6)[:1], ("a.csv",))
    >>> concat_probs([a, ProbTable(("c2",), np.eye(6)[1:2], ("b.csv",))]).names
    ('c1', 'c2')
    """
    tables = list(tables)
    if not tables:
        raise ValueError("concat_probs needs at least one table")
    where: dict[str, int] = {}
    clashes: dict[tuple[int, int], list[str]] = {}
    for k, table in enumerate(tables):
        for name in table.names:
            if name in where:
                clashes.setdefault((where[name], k), []).append(name)
            else:
                where[name] = k
    problems = []
    for (i, k), names in clashes.items():
        first, second = (", ".join(tables[j].sources) or f"table {j}" for j in (i, k))
        problems.append(
            Problem(
                None,
                f"{len(names):,} clip(s) appear in both {first} and {second} "
                f"(first: {', '.join(names[:3])})",
                kind="duplicate_row",
            )
        )
    raise_if_any(problems, "probability tables")
    return ProbTable(
        tuple(n for t in tables for n in t.names),
        np.concatenate([t.probs for t in tables]),
        tuple(s for t in tables for s in t.sources),
    )


def apply_names_map(names: Sequence[str], mapping: Mapping[str, str]) -> list[str]:
    """``mapping[name]`` for every name, in order.

    Raises :class:`~blemore_fast.ValidationError` listing every name the
    mapping does not cover and every new name given to two names.

    Examples
    --------
    >>> apply_names_map(["A101_ang_int1_ver1"], {"A101_ang_int1_ver1": "test_0001.mov"})
    ['test_0001.mov']
    """
    problems = [
        Problem(n, "not in the names map", kind="not_in_names_map")
        for n in names
        if n not in mapping
    ]
    raise_if_any(problems, "names map")
    renamed = [mapping[n] for n in names]
    seen: dict[str, str] = {}
    for old, new in zip(names, renamed, strict=True):
        if new in seen:
            problems.append(
                Problem(old, f"maps to {new!r}, as {seen[new]!r} does", kind="names_map_conflict")
            )
        seen.setdefault(new, old)
    raise_if_any(problems, "names map")
    return renamed


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def _header_lines(frame: pd.DataFrame, what: str) -> int:
    """How many lines of a names map are its header: 1 when the first row is
    a header (words such as ``filename,submission``), 0 when it already maps
    one clip. Clip names carry numbers (``A101_...``, ``test_0001.mov``) and
    header words do not; a first row that is neither, or a header whose rows
    below look just like it, is an error naming that row."""
    first = [str(c).strip() for c in frame.iloc[0]]
    shown = f"line 1 ({', '.join(map(repr, first))})"
    digits = [_has_digit(c) for c in first]
    if all(digits):
        return 0
    problem = None
    if any(digits):
        problem = (
            f"cannot tell whether {shown} is a header or a row: one cell is a clip name "
            "(it has a number) and the other is not"
        )
    elif len(frame) > 1 and not any(_has_digit(str(c)) for c in frame.iloc[1]):
        second = ", ".join(repr(str(c).strip()) for c in frame.iloc[1])
        problem = (
            f"{shown} was taken for the header, but line 2 ({second}) looks alike: clip names "
            "carry numbers, so these do not look like clip names"
        )
    if problem:
        raise ValidationError([Problem(None, problem, kind="invalid_csv")], what)
    return 1


def read_names_map(path: FileSource) -> dict[str, str]:
    """A names map: a CSV of two columns, the clip name used in the
    probability table, then the name the submission must use.

    A header line (such as ``filename,submission``) is optional: the first
    line is taken for the header when neither of its cells is numbered, as
    clip names are (``A101_ang_int1_ver1``, ``test_0001.mov``). A first line
    that mixes the two, or a header whose next line looks alike, is an error
    naming the line. Every blank cell and every name mapped twice is
    reported, by line number in the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "map.csv"
    >>> _ = path.write_text("filename,submission\\nA101_ang_int1_ver1,test_0001.mov\\n")
    >>> read_names_map(path)
    {'A101_ang_int1_ver1': 'test_0001.mov'}
    >>> _ = path.write_text("A101_ang_int1_ver1,test_0001.mov\\n")  # no header
    >>> read_names_map(path)
    {'A101_ang_int1_ver1': 'test_0001.mov'}
    """
    what = f"names map {path}"
    frame = read_table(path, what, dtype=str, keep_default_na=False, header=None)
    if frame.shape[1] != 2:
        raise ValidationError(
            [
                Problem(
                    None,
                    f"expected two columns (name in the probability table, name in the "
                    f"submission); line 1 has {frame.shape[1]}: "
                    f"{', '.join(map(str, frame.iloc[0]))}",
                    kind="missing_column",
                )
            ],
            what,
        )
    header = _header_lines(frame, what)
    mapping: dict[str, str] = {}
    problems: list[Problem] = []
    rows = frame.iloc[header:].itertuples(index=False, name=None)
    for line, (old, new) in enumerate(rows, start=header + 1):
        old, new = str(old).strip(), str(new).strip()
        if not old or not new:
            problems.append(
                Problem(old or None, f"line {line}: a name is empty", kind="missing_clip_name")
            )
        elif old in mapping and mapping[old] != new:
            problems.append(
                Problem(
                    old,
                    f"line {line}: mapped to {new!r} and to {mapping[old]!r}",
                    kind="names_map_conflict",
                )
            )
        else:
            mapping[old] = new
    if header and not problems and not mapping:
        problems.append(
            Problem(
                None, "line 1 was taken for the header, and no row follows it", kind="empty_file"
            )
        )
    raise_if_any(problems, what)
    return mapping
