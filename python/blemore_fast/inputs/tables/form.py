"""The one columnar form every table reaches the readers in, whatever library made it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Columns"]


@dataclass(frozen=True, eq=False)
class Columns:
    """A table as named columns.

    - ``names``: the column names in the table's order, as strings (a name
      may appear twice: readers report it).
    - ``arrays``: one 1-D NumPy array per column, all of the same length.
    - ``index``: the row labels of a pandas index that holds strings (clip
      names kept as the index), else None.
    - ``library``: what the table was, for messages (``"polars DataFrame"``).
    """

    names: tuple[str, ...]
    arrays: tuple[np.ndarray, ...]
    library: str
    index: np.ndarray | None = None

    def __len__(self) -> int:
        """The number of rows."""
        return len(self.arrays[0]) if self.arrays else 0
