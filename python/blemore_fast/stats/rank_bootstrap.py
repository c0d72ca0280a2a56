"""The bootstrap distribution of ranks, for the leaderboard's blob plot.

As challengeR does, each replicate resamples the groups (actors, or clips)
with replacement, shared by all systems, and re-ranks the systems. This
shows how ranks move; its percentile intervals are *not* confidence sets
(they cover the true rank less often than they claim), which is why the
rank sets come from :mod:`blemore_fast.stats.rank_sets`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["bootstrap_ranks", "group_tallies", "metric_of"]


def group_tallies(outcomes: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """``(S, G, 4)`` int64: per system and group the clips, blend clips,
    presence hits and salience hits."""
    from ..encoded import BLEND_CELLS, PRESENCE_RIGHT_CELLS, SALIENCE_RIGHT_CELL

    n_groups = int(groups.max()) + 1
    out = np.zeros((len(outcomes), n_groups, 4), dtype=np.int64)
    for j, row in enumerate(outcomes):
        for column, hit in enumerate(
            (
                np.ones(len(row), dtype=bool),
                np.isin(row, BLEND_CELLS),
                np.isin(row, PRESENCE_RIGHT_CELLS),
                row == SALIENCE_RIGHT_CELL,
            )
        ):
            out[j, :, column] = np.bincount(groups, weights=hit, minlength=n_groups)
    return out


def metric_of(totals: np.ndarray, metric: str) -> np.ndarray:
    """Presence, salience (0.0 without blends) or their mean from ``(..., 4)``
    totals."""
    n, blends, presence_hits, salience_hits = np.moveaxis(totals, -1, 0).astype(float)
    presence = presence_hits / n
    with np.errstate(divide="ignore", invalid="ignore"):
        salience = np.where(blends > 0, salience_hits / blends, 0.0)
    return {"presence": presence, "salience": salience, "mean": (presence + salience) / 2}[metric]


def bootstrap_ranks(tallies: np.ndarray, metric: str, n_resamples: int, seed: int) -> np.ndarray:
    """``(n_resamples, S)`` competition ranks of the systems in replicates
    that resample the groups."""
    n_groups = tallies.shape[1]
    rng = np.random.default_rng(seed)
    ranks = np.empty((n_resamples, tallies.shape[0]), dtype=np.int64)
    flat = tallies.transpose(1, 0, 2).reshape(n_groups, -1)
    for start in range(0, n_resamples, 256):
        stop = min(start + 256, n_resamples)
        counts = rng.multinomial(n_groups, np.full(n_groups, 1 / n_groups), size=stop - start)
        totals = (counts @ flat).reshape(stop - start, tallies.shape[0], 4)
        values = metric_of(totals, metric)
        ordered = np.sort(values, axis=1)
        for row, (v, o) in enumerate(zip(values, ordered, strict=True)):
            ranks[start + row] = 1 + len(v) - np.searchsorted(o, v, side="right")
    return ranks
