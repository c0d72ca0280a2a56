"""Clusters for the statistics: which clips are resampled together.

``cluster=None`` resamples clips; ``"actor"`` resamples actors, found by the
one actor rule of :mod:`blemore_fast.actors`; an array (one group id per
clip) or a ``{clip: group}`` mapping resamples those groups. The native core
takes each clip's cluster as an int64 code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..actors import clip_actors
from ..scoring import Aligned

__all__ = ["cluster_codes"]


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


def cluster_codes(cluster: Any, aligned: Aligned) -> tuple[np.ndarray | None, str | None]:
    """Each clip's cluster as int64 codes, and the name reported for it."""
    if cluster is None:
        return None, None
    n = len(aligned.pred)
    if isinstance(cluster, str):
        if cluster != "actor":
            raise ValueError(
                f"cluster must be None (clips), 'actor' or one group id per clip; got {cluster!r}"
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
