"""The Arrow adapter: a pyarrow Table or RecordBatch, or any object with
``__arrow_c_stream__`` (the Arrow PyCapsule interface, which DuckDB,
DataFusion and others export), as NumPy arrays.

Other libraries' objects are read through pyarrow (``pyarrow.table``), so
they need pyarrow installed. Nulls become NaN (integers with nulls become
floats); strings become object arrays.
"""

from __future__ import annotations

from typing import Any

from .form import Columns

__all__ = ["columns"]


def columns(value: Any) -> Columns:
    """The columns of an Arrow table, record batch or stream."""
    try:
        import pyarrow
    except ImportError:
        raise TypeError(
            f"{type(value).__name__} exports an Arrow stream; reading it needs pyarrow "
            "(pip install pyarrow)"
        ) from None
    table = value if isinstance(value, pyarrow.Table) else pyarrow.table(value)
    arrays = tuple(column.to_numpy() for column in table.columns)
    return Columns(
        tuple(table.column_names),
        arrays,
        f"{type(value).__module__.split('.')[0]} {type(value).__name__}",
    )
