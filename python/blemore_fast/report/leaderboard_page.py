"""The leaderboard as one self-contained HTML page: the table, the rank blobs,
the pairwise significance map and the forest plot, as
:mod:`blemore_fast.report.page` builds pages (inline styles, PNG data URIs,
no scripts)."""

from __future__ import annotations

import os

import pandas as pd

from ..stats.board import Leaderboard
from ..writing import check_writable, write_file
from .page import _e, _image, _page, _plots_available, _png, _table

__all__ = ["leaderboard_html"]


def _failed(board: Leaderboard) -> str:
    if not board.failed:
        return ""
    rows = [
        {"system": name, "problems": len(problems), "first problem": str(problems[0])}
        for name, problems in board.failed.items()
    ]
    return "<h2>Not ranked: failed validation</h2>" + _table(pd.DataFrame(rows))


def leaderboard_html(
    board: Leaderboard,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str = "BlEmoRe leaderboard",
    plots: bool | None = None,
) -> str:
    """The page as a string; also written to ``path`` when given."""
    if path is not None:
        check_writable(path)
    draw = _plots_available(plots)
    top = ", ".join(board.groups[0]) if board.groups else ""
    parts = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{_e(board.question)}. {board.n_resamples:,} multiplier draws, '
        f"seed {board.seed}.</p>",
        f'<p class="note">Cannot be told apart at the top: {_e(top)}. The rank is 1 + the '
        "number of systems with a higher score; the rank set [rank_low, rank_high] comes "
        "from simultaneous tests of all pairwise differences.</p>",
        f'<p class="note">What this test set can resolve: {_e(board.detectable_text())} '
        "(one pairwise test, from the pairs' standard errors).</p>",
        "<h2>Table</h2>",
        _table(board.table),
        _failed(board),
    ]
    if draw:
        from .leaderboard_plots import forest_plot, rank_blobs, significance_map

        parts += [
            "<h2>Rank distributions</h2>",
            _image(
                _png(rank_blobs(board)),
                "rank blob plot",
                "Blobs: how often each rank occurs when the groups are resampled (variability, "
                "not a confidence statement). Bars: the rank sets. Crosses: observed ranks.",
            ),
            "<h2>Pairwise significance</h2>",
            _image(
                _png(significance_map(board)),
                "pairwise significance map",
                "Single-step max-t adjusted p-values of a - b over all pairs.",
            ),
            "<h2>Scores with intervals</h2>",
            _image(_png(forest_plot(board)), "forest plot", f"{board.metric} with its interval"),
        ]
    text = _page(title, "\n".join(p for p in parts if p))
    if path is not None:
        write_file(path, text)
    return text
