"""Clusters for the statistics: which clips are resampled together.

``cluster="auto"`` (the default of the statistics and of the CLI) is
``"actor"`` when every clip's actor can be read and clips otherwise, with a
:class:`~blemore_fast.ClipLevelWarning` (:func:`interval_unit`, the one rule
both call). ``"clip"`` (or None) resamples clips; ``"actor"`` resamples
actors, found by the one actor rule of :mod:`blemore_fast.actors`; an array
(one group id per clip) or a ``{clip: group}`` mapping resamples those
groups. The native core takes each clip's cluster as an int64 code.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..actors import clip_actors
from ..errors import ClipLevelWarning
from ..scoring import Aligned

__all__ = ["AUTO", "cluster_codes", "interval_unit", "resolved"]

#: The default unit: actors when they can be read, else clips with a warning.
AUTO = "auto"

_GIVE_ACTORS = (
    "give the labels as a metadata table with an 'actor' column (such as the dataset's "
    "clips.csv), or cluster= one group id per clip; cluster='clip' asks for clips "
    "without this warning"
)


def interval_unit(aligned: Aligned, *, give_actors: str = _GIVE_ACTORS) -> str | None:
    """The unit of ``cluster="auto"``: ``"actor"`` when every clip's actor
    can be read (the label metadata's ``actor``/``video_id`` column, else the
    clip names in the dataset's scheme), otherwise None (clips) with a
    :class:`~blemore_fast.ClipLevelWarning` that says why and how to give the
    actors (``give_actors``, in the caller's terms: the CLI speaks of its
    options). The statistics and the CLI both decide with this function.
    """
    try:
        clip_actors(aligned.names, aligned.metadata, what="the actor rule")
    except ValueError as error:
        reason = str(error).split("; give", 1)[0]
        warnings.warn(
            f"the actors cannot be read ({reason}), so the intervals are about these clips, "
            f"with their actors held fixed, not about new actors; to get actor-level "
            f"intervals, {give_actors}",
            ClipLevelWarning,
            stacklevel=3,
        )
        return None
    return "actor"


def _actors(aligned: Aligned) -> np.ndarray:
    return clip_actors(
        aligned.names,
        aligned.metadata,
        what="cluster='actor'",
        hint=", or cluster= an array or {clip: group} mapping of group ids",
    )


def _by_name(cluster: Mapping[Any, Any] | pd.Series, aligned: Aligned) -> np.ndarray:
    if aligned.names is None:
        raise ValueError(
            "a cluster mapping needs clip names; these predictions have none, "
            "so pass an array of group ids in clip order"
        )
    if isinstance(cluster, pd.Series):
        values = cluster.reindex(list(aligned.names))
        missing = [n for n, v in zip(aligned.names, values.isna(), strict=True) if v]
    else:
        missing = [n for n in aligned.names if n not in cluster]
        values = pd.Series([cluster.get(n) for n in aligned.names], dtype=object)
    if missing:
        raise ValueError(
            f"cluster has no group for {len(missing):,} clip(s), e.g. {', '.join(missing[:5])}"
        )
    return values.to_numpy()


def resolved(cluster: Any, aligned: Aligned) -> Any:
    """``cluster`` with ``"auto"`` decided by :func:`interval_unit` and
    ``"clip"`` as None; anything else as given."""
    if isinstance(cluster, str) and cluster == AUTO:
        return interval_unit(aligned)
    if isinstance(cluster, str) and cluster == "clip":
        return None
    return cluster


def cluster_codes(cluster: Any, aligned: Aligned) -> tuple[np.ndarray | None, str | None]:
    """Each clip's cluster as int64 codes, and the name reported for it
    (``"auto"`` decided first, with its warning)."""
    cluster = resolved(cluster, aligned)
    if cluster is None:
        return None, None
    n = len(aligned.pred)
    if isinstance(cluster, str):
        if cluster != "actor":
            raise ValueError(
                "cluster must be 'auto', 'actor', 'clip' (or None) or one group id per clip; "
                f"got {cluster!r}"
            )
        values, name = _actors(aligned), "actor"
    elif isinstance(cluster, Mapping) or (
        isinstance(cluster, pd.Series) and not isinstance(cluster.index, pd.RangeIndex)
    ):
        values, name = _by_name(cluster, aligned), "groups"
    else:
        values, name = np.asarray(cluster), "groups"
        if values.ndim != 1 or len(values) != n:
            raise ValueError(
                f"cluster must give one group id per clip ({n:,}); got an array "
                f"of shape {values.shape}"
            )
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    if (codes < 0).any():
        bad = np.flatnonzero(codes < 0)
        raise ValueError(
            f"cluster has missing group ids (None/NaN) for {len(bad):,} clip(s), "
            f"at positions {bad[:5].tolist()}"
        )
    return np.ascontiguousarray(codes, dtype=np.int64), name
