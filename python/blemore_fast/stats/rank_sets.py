"""Rank sets from simultaneous tests of the pairwise differences.

System j's rank among S systems is 1 + the number of systems better than it.
The native ``ranks`` module tests the studentised differences ``T[j, k]``
(``compare``'s t, on the two-thirds power scale) with max-t critical values and the Romano-Wolf stepdown;
among the significant pairs, every k with ``T[k, j] > 0`` is significantly
better than j and every k with ``T[j, k] > 0`` significantly worse, so
(Mogstad, Romano, Shaikh & Wilhelm 2024):

    rank_low = 1 + #(significantly better),  rank_high = S - #(significantly worse).

The marginal set of j uses the family of pairs that involve j; the
simultaneous sets use the family of all pairs.
"""

from __future__ import annotations

import numpy as np

__all__ = ["competition_ranks", "rank_sets", "tiers"]


def rank_sets(t: np.ndarray, significant: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(rank_low, rank_high)`` per system; row j of ``significant`` marks
    the systems whose difference from j is significant in j's family."""
    s = len(t)
    better = (significant & (t.T > 0)).sum(axis=1)  # k with T[k, j] > 0
    worse = (significant & (t > 0)).sum(axis=1)  # k with T[j, k] > 0
    return 1 + better, s - worse


def competition_ranks(values: np.ndarray) -> np.ndarray:
    """1 + the number of strictly higher values ("1224" ranking: ties share)."""
    return 1 + (values[None, :] > values[:, None]).sum(axis=1)


def tiers(rank_low: np.ndarray) -> list[np.ndarray]:
    """Indices of the systems in successive tiers: the first holds every
    system that may be first; each next tier every remaining system whose
    set reaches the first place after the tiers above."""
    remaining = np.arange(len(rank_low))
    out: list[np.ndarray] = []
    placed = 0
    while len(remaining):
        tier = remaining[rank_low[remaining] <= placed + 1]
        if len(tier) == 0:  # a gap: the best of the rest starts the next tier
            tier = remaining[rank_low[remaining] == rank_low[remaining].min()]
        out.append(tier)
        placed += len(tier)
        remaining = np.setdiff1d(remaining, tier)
    return out
