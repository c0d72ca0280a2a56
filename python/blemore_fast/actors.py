"""Which actor each clip shows: one rule for the statistics, the reports and the simulator.

An actor comes from the label metadata's ``actor`` column (or, as in the
published metadata, ``video_id``) when the labels came from a table with
one; otherwise from the clip name, parsed in the dataset's scheme
(``parse_filename(name).actor``). A name outside the scheme, such as
``test_0001.mov``, names no actor: that is an error saying how to give the
actors, never a guess from the text before the first ``_``.

>>> clip_actors(["A102_ang_int1_ver1", "A411_mix_ang_hap_30_70_ver1"]).tolist()
['A102', 'A411']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from . import _core

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ACTOR_COLUMNS", "actor_column", "clip_actors"]

#: The metadata columns that name each clip's actor, in order of preference.
ACTOR_COLUMNS: tuple[str, ...] = ("actor", "video_id")


def actor_column(metadata: pd.DataFrame | None) -> str | None:
    """The column of ``metadata`` that names the actors, or None."""
    if metadata is None:
        return None
    return next((c for c in ACTOR_COLUMNS if c in metadata.columns), None)


def clip_actors(
    names: Sequence[str] | None,
    metadata: pd.DataFrame | None = None,
    *,
    what: str = "actors",
    hint: str = "",
) -> np.ndarray:
    """Each clip's actor, as an object array in clip order.

    ``metadata`` (one row per clip, in the same order as ``names``) wins when
    it has an ``actor`` or ``video_id`` column; otherwise every name must
    parse. ``what`` starts each error message (such as ``"cluster='actor'"``)
    and ``hint`` ends the advice on how to give actors.

    Raises ValueError when a clip has no actor: an empty metadata cell, no
    names and no metadata column, or a name outside the dataset's scheme.
    """
    column = actor_column(metadata)
    if metadata is not None and column is not None:
        values = metadata[column]
        missing = values.index[values.isna().to_numpy()]
        if len(missing):
            raise ValueError(
                f"{what}: the metadata's {column!r} column is empty for "
                f"{len(missing):,} clip(s), e.g. {', '.join(map(str, missing[:5]))}"
            )
        return values.to_numpy()
    if names is None:
        raise ValueError(
            f"{what} needs clip names or label metadata with an 'actor' column; "
            "these predictions have neither"
        )
    actors, bad = [], []
    for name in names:
        try:
            # parse_filename(name).actor, without building a ClipName per clip.
            actors.append(_core.parse_clip_name(name)[0])
        except (ValueError, TypeError):
            bad.append(name)
    if bad:
        raise ValueError(
            f"{what} reads the clip names, but {len(bad):,} of them are not in the dataset's "
            f"scheme (first: {bad[0]!r}), so they name no actor; give the labels as a metadata "
            f"table with an 'actor' column{hint}"
        )
    return np.array(actors, dtype=object)
