"""Terminal output: aligned text tables, JSON-safe values and a progress bar.

These serve the command line and the demo. The progress bar writes to
stderr only when stderr is a terminal, and only once a job has run longer
than a short delay, so quick runs, pipes and log files stay clean.

>>> print(table({"metric": ["presence", "salience"], "score": [0.31479, 0.07186]}))
metric     score
presence  0.3148
salience  0.0719
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import IO, Any

import numpy as np

from .._pandas import is_na, is_pandas

__all__ = ["Columns", "Formatter", "Progress", "jsonable", "number", "p_value", "table"]

Formatter = Callable[[Any], str]
#: A table without pandas: column name -> values, one per row.
Columns = dict[str, list[Any]]


def number(digits: int = 4, *, sign: bool = False) -> Formatter:
    """A formatter for floats: fixed ``digits``, blank for NaN/None."""
    spec = f"{'+' if sign else ''}.{digits}f"

    def fmt(value: Any) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        return format(float(value), spec)

    return fmt


def p_value(value: Any) -> str:
    """A p-value: four decimals, or ``<0.0001``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return "<0.0001" if value < 0.0001 else f"{value:.4f}"


def _cell(value: Any, fmt: Formatter | None) -> str:
    if fmt is not None:
        return fmt(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.4f}"
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return f"{int(value):,}"
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_))


def table(
    frame: Any,
    *,
    formats: Mapping[str, Formatter] | None = None,
    right: Sequence[str] = (),
    indent: str = "",
    gap: str = "  ",
) -> str:
    """``frame`` (a DataFrame, or :data:`Columns`) as aligned text: text
    columns to the left, numbers to the right.

    Floats get four decimals and ints thousands separators unless
    ``formats`` gives a column its own formatter; NaN cells are blank.
    Columns named in ``right`` are right-aligned whatever their type.
    """
    formats = formats or {}
    if is_pandas(frame, "DataFrame"):
        from pandas.api.types import is_bool_dtype, is_numeric_dtype

        names = list(frame.columns)
        values = [frame[c].tolist() for c in names]
        kinds = [is_numeric_dtype(frame[c]) and not is_bool_dtype(frame[c]) for c in names]
    else:
        names = list(frame)
        values = [list(frame[c]) for c in names]
        kinds = [
            any(v is not None for v in column) and all(v is None or _is_number(v) for v in column)
            for column in values
        ]
    columns = [str(c) for c in names]
    cells = [
        [_cell(v, formats.get(c)) for v in column]
        for c, column in zip(names, values, strict=True)  # by column
    ]
    numeric = [str(c) in right or kind for c, kind in zip(names, kinds, strict=True)]
    widths = [
        max([len(name), *(len(x) for x in column)])
        for name, column in zip(columns, cells, strict=True)
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if right else v.ljust(w)
            for v, w, right in zip(values, widths, numeric, strict=True)
        ]
        return (indent + gap.join(parts)).rstrip()

    rows = [line(columns)]
    rows += [line([column[i] for column in cells]) for i in range(len(cells[0]) if cells else 0)]
    return "\n".join(rows)


def jsonable(value: Any) -> Any:
    """Plain JSON values: NaN and infinities become None, NumPy and pandas
    values their Python equivalents, DataFrames lists of records."""
    if is_pandas(value, "DataFrame"):
        return [jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if is_na(value):
        return None
    return value


class Progress:
    """A progress bar on stderr, for jobs that may run over about a second.

    ``total`` is the number of steps (None for a job of unknown length: a
    spinner with the elapsed time). A background thread redraws it, so it
    keeps moving while a native call (with the GIL released) runs. Nothing
    is drawn unless ``stream`` is a terminal, nor before ``delay`` seconds
    have passed; the line is cleared at the end.

    Examples
    --------
    >>> with Progress(3, "reading") as bar:  # silent: doctest output is no TTY
    ...     for _ in range(3):
    ...         bar.advance()
    """

    def __init__(
        self,
        total: int | None,
        label: str = "",
        *,
        stream: IO[str] | None = None,
        enabled: bool | None = None,
        delay: float = 0.5,
        interval: float = 0.1,
    ) -> None:
        self.total = total
        self.label = label
        self.done = 0
        self._stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self._stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self._delay = delay
        self._interval = interval
        self._start = time.monotonic()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._drawn = False

    def __enter__(self) -> Progress:
        self._start = time.monotonic()
        if self.enabled:
            self._thread = threading.Thread(target=self._run, name="progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            if self._drawn:
                self._stream.write("\r\x1b[2K")
                self._stream.flush()

    def advance(self, steps: int = 1, label: str | None = None) -> None:
        """Marks ``steps`` more steps done (and optionally relabels the bar)."""
        with self._lock:
            self.done += steps
            if label is not None:
                self.label = label

    def set_label(self, label: str) -> None:
        with self._lock:
            self.label = label

    def render(self, width: int = 24) -> str:
        """The bar's text at this moment."""
        elapsed = time.monotonic() - self._start
        if self.total:
            share = min(self.done / self.total, 1.0)
            filled = round(share * width)
            bar = "#" * filled + "." * (width - filled)
            return f"{self.label} [{bar}] {self.done}/{self.total} {elapsed:.1f}s"
        spinner = "|/-\\"[int(elapsed / self._interval) % 4]
        return f"{self.label} {spinner} {elapsed:.1f}s"

    def _run(self) -> None:
        if self._stop.wait(self._delay):
            return
        while True:
            with self._lock:
                self._stream.write("\r\x1b[2K" + self.render())
                self._stream.flush()
                self._drawn = True
            if self._stop.wait(self._interval):
                return
