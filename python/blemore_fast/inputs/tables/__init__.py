"""Tables from any library, in the one columnar form the readers use.

A table is a pandas DataFrame, a polars DataFrame, a pyarrow Table or
RecordBatch, or any object that exports an Arrow stream
(``__arrow_c_stream__``, the Arrow PyCapsule interface). Each library has
its adapter (:mod:`.pandas`, :mod:`.polars`, :mod:`.arrow`), which turns a
table into :class:`Columns` (:mod:`.form`): its column names and each column
as a 1-D NumPy array, read column by column, never row by row.

polars and pyarrow are imported only when one of their tables is given: a
polars DataFrame can only exist once polars is imported, so asking whether
a value is one needs no import (as for pandas, see :mod:`.._pandas`).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from ... import _pandas
from .form import Columns

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Columns", "as_pandas", "columns", "is_table"]


def _loaded(module: str, *types: str) -> tuple[type, ...]:
    """The classes ``module.<type>`` if ``module`` was imported, else none."""
    loaded = sys.modules.get(module)
    return () if loaded is None else tuple(getattr(loaded, t) for t in types)


def _is_polars(value: object) -> bool:
    return isinstance(value, _loaded("polars", "DataFrame"))


def _is_column(value: object) -> bool:
    """Whether ``value`` is one column (which may export an Arrow stream too)."""
    return _pandas.is_pandas(value, "Series", "Index") or isinstance(
        value, _loaded("polars", "Series") + _loaded("pyarrow", "Array", "ChunkedArray")
    )


def _is_arrow(value: object) -> bool:
    if isinstance(value, _loaded("pyarrow", "Table", "RecordBatch")):
        return True
    return hasattr(type(value), "__arrow_c_stream__") and not _is_column(value)


def is_table(value: object) -> bool:
    """Whether ``value`` is a table this package reads (see the module's
    docstring), without importing any library."""
    return (
        isinstance(value, Columns)
        or _pandas.is_pandas(value, "DataFrame")
        or _is_polars(value)
        or _is_arrow(value)
    )


def columns(value: Any) -> Columns:
    """``value``, a table, as :class:`Columns`.

    Raises TypeError when ``value`` is not a table.

    >>> import pandas as pd
    >>> table = columns(pd.DataFrame({"filename": ["a"], "ang": [0.5]}))
    >>> table.names, table.library, len(table)
    (('filename', 'ang'), 'pandas DataFrame', 1)
    """
    if isinstance(value, Columns):
        return value
    if _pandas.is_pandas(value, "DataFrame"):
        from . import pandas as adapter
    elif _is_polars(value):
        from . import polars as adapter  # type: ignore[no-redef]
    elif _is_arrow(value):
        from . import arrow as adapter  # type: ignore[no-redef]
    else:
        raise TypeError(
            "expected a table (a pandas or polars DataFrame, a pyarrow Table, or an object "
            f"with __arrow_c_stream__); got {type(value).__name__}"
        )
    return adapter.columns(value)


def as_pandas(value: Any) -> pd.DataFrame:
    """A table as a pandas DataFrame: a pandas DataFrame as it is, any other
    table built from its columns (no row is read in Python)."""
    if _pandas.is_pandas(value, "DataFrame"):
        return value
    table = columns(value)
    frame = _pandas.pandas().DataFrame(dict(enumerate(table.arrays)))
    frame.columns = list(table.names)
    return frame
