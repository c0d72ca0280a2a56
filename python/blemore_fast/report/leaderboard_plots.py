"""The leaderboard's plots: rank blobs, pairwise significance map, forest plot.

Drawn as :mod:`blemore_fast.report.plot` draws (Agg, untracked Figures).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .plot import _figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..stats.board import Leaderboard

__all__ = ["forest_plot", "rank_blobs", "significance_map"]


def _height(n: int) -> float:
    return min(2.0 + 0.32 * n, 30.0)


def rank_blobs(board: Leaderboard) -> Figure:
    """Per system, how often each rank occurs in the bootstrap of the groups
    (blob area), with the rank set as a bar and the observed rank as a cross."""
    names = list(board.table["system"])
    s = len(names)
    fig = _figure(max(6.5, 2.0 + 0.35 * s), 4.5)
    ax = fig.add_subplot()
    for x, name in enumerate(names):
        counts = np.bincount(board.rank_distribution[name], minlength=s + 1)[1:]
        share = counts / counts.sum()
        ranks = np.flatnonzero(share) + 1
        ax.scatter(
            np.full(len(ranks), x), ranks, s=600 * share[ranks - 1], color="#4c72b0", alpha=0.6
        )
        row = board.table.iloc[x]
        ax.vlines(x, row["rank_low"], row["rank_high"], color="#1b1b1b", linewidth=1.2)
        ax.scatter([x], [row["rank"]], marker="x", color="#c44e52", zorder=3)
    ax.set_xticks(range(s), names, rotation=45, ha="right")
    ax.set_ylim(s + 0.5, 0.5)
    ax.set_yticks(range(1, s + 1) if s <= 30 else np.linspace(1, s, 10).round().astype(int))
    ax.set_ylabel("rank")
    kind = "simultaneous" if board.simultaneous else "marginal"
    ax.set_title(f"rank bootstrap (blobs), {kind} rank sets (bars)", fontsize=10)
    return fig


def significance_map(board: Leaderboard) -> Figure:
    """Which system beats which: row a against column b, coloured when the
    adjusted p-value is below 1 - confidence (blue: a better, red: worse)."""
    names = list(board.table["system"])
    s = len(names)
    p = board.matrix("p_adjusted").to_numpy(dtype=float)
    d = board.matrix("difference").to_numpy(dtype=float)
    alpha = 1 - board.confidence
    colour = np.where(p <= alpha, np.sign(d), 0.0)
    np.fill_diagonal(colour, np.nan)
    size = max(4.0, 1.5 + 0.35 * s)
    fig = _figure(size + 1.0, size)
    ax = fig.add_subplot()
    ax.imshow(colour, cmap="coolwarm_r", vmin=-1.5, vmax=1.5)
    if s <= 15:  # the adjusted p-values themselves, while they fit
        for (row, column), value in np.ndenumerate(p):
            if row != column:
                ax.text(column, row, f"{value:.2f}", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(s), names, rotation=45, ha="right")
    ax.set_yticks(range(s), names)
    ax.set_xlabel("b")
    ax.set_ylabel("a")
    ax.set_title(f"adjusted p of a - b; coloured below {alpha:.2g} (blue: a better)", fontsize=10)
    return fig


def forest_plot(board: Leaderboard) -> Figure:
    """Each system's score with its interval, in rank order."""
    m = board.metric
    table = board.table
    s = len(table)
    fig = _figure(6.5, _height(s))
    ax = fig.add_subplot()
    y = np.arange(s)
    value = table[m].to_numpy()
    low, high = table[f"{m}_low"].to_numpy(), table[f"{m}_high"].to_numpy()
    ax.errorbar(value, y, xerr=[value - low, high - value], fmt="o", color="#4c72b0", capsize=3)
    ax.set_yticks(y, list(table["system"]))
    ax.set_ylim(s - 0.5, -0.5)
    ax.set_xlabel(f"{m} ({board.confidence:.0%} interval)")
    return fig
