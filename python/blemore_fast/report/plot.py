"""Plots for reports: confusion heat map, per-category bars, bootstrap and grid heat maps.

Needs the optional extra ``pip install blemore-fast[plot]`` (matplotlib).
matplotlib is imported when a function is first called, so importing
:mod:`blemore_fast` never needs it.

Figures are drawn with the Agg renderer on :class:`matplotlib.figure.Figure`
objects that pyplot does not track: nothing opens a window, nothing leaks
between calls, and it works on a headless server. Every function returns the
Figure and, given ``path``, also saves it as PNG.

>>> from blemore_fast import confusion
>>> from blemore_fast.report import plot
>>> fig = plot.confusion_heatmap(confusion({"A101_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]}))
>>> plot.png_bytes(fig)[:4]
b'\\x89PNG'
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..writing import write_file

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "INSTALL_HINT",
    "bootstrap_histogram",
    "category_bars",
    "confusion_heatmap",
    "grid_heatmaps",
    "png_bytes",
]

INSTALL_HINT = "pip install 'blemore-fast[plot]'"


def _figure(width: float, height: float) -> Figure:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(
            f"blemore_fast.report.plot needs matplotlib, which is not installed: {INSTALL_HINT}"
        ) from error
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def png_bytes(fig: Figure, *, dpi: int = 100) -> bytes:
    """The figure as PNG bytes (for embedding in HTML), without the
    matplotlib version in its metadata: the same figure, the same bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _finish(fig: Figure, path: str | os.PathLike[str] | None) -> Figure:
    if path is not None:
        # Through the package's one writer: atomic for files, direct for pipes.
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        write_file(path, buffer.getvalue())
    return fig


def confusion_heatmap(
    matrix: pd.DataFrame,
    *,
    normalize: bool = True,
    title: str | None = "Confusion: label class against predicted class",
    path: str | os.PathLike[str] | None = None,
) -> Figure:
    """A heat map of :func:`blemore_fast.confusion`'s matrix.

    With ``normalize=True`` each row is shown as shares of its clips (rows
    without clips stay blank); the colour scale is 0-1 either way for
    shares, or 0-max for counts.
    """
    if not isinstance(matrix, pd.DataFrame):
        raise TypeError(
            f"matrix must be the DataFrame from confusion(), got {type(matrix).__name__}"
        )
    counts = matrix.to_numpy(dtype=np.float64)
    if normalize:
        sums = counts.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(sums > 0, counts / np.where(sums > 0, sums, 1), np.nan)
        vmax = 1.0
    else:
        values = counts
        vmax = max(float(np.nanmax(values)) if values.size else 1.0, 1.0)
    n_rows, n_cols = values.shape
    fig = _figure(2.0 + 0.24 * n_cols, 1.6 + 0.22 * n_rows)
    ax = fig.add_subplot()
    image = ax.imshow(
        np.ma.masked_invalid(values), cmap="viridis", vmin=0.0, vmax=vmax, aspect="auto"
    )
    ax.set_xticks(range(n_cols), [str(c) for c in matrix.columns], rotation=90, fontsize=7)
    ax.set_yticks(range(n_rows), [str(r) for r in matrix.index], fontsize=7)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("label class")
    if title:
        ax.set_title(title, fontsize=10)
    fig.colorbar(image, ax=ax, label="share of the label's clips" if normalize else "clips")
    return _finish(fig, path)


def category_bars(
    table: pd.DataFrame,
    *,
    metric: str = "presence",
    groups: Sequence[str] | None = None,
    low: Sequence[float] | np.ndarray | None = None,
    high: Sequence[float] | np.ndarray | None = None,
    reference: float | None = None,
    title: str | None = None,
    path: str | os.PathLike[str] | None = None,
) -> Figure:
    """Horizontal bars of one metric per category, from :func:`blemore_fast.breakdown`.

    ``metric`` is a column of ``table`` (``presence`` or ``salience``).
    Interval whiskers come from ``low``/``high`` (one value per row), or
    from the columns ``{metric}_low``/``{metric}_high`` when the table has
    them. ``reference`` draws a vertical line, such as the overall score.
    ``groups`` keeps only those groups. Rows whose metric is NaN (salience
    of single-emotion categories) are left out.
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a DataFrame from breakdown(), got {type(table).__name__}")
    if metric not in table.columns:
        raise ValueError(
            f"metric {metric!r} is not a column of the table; columns: {list(table.columns)}"
        )
    rows = table
    low_values = _interval(table, low, "low", metric)
    high_values = _interval(table, high, "high", metric)
    keep = np.ones(len(table), dtype=bool)
    if groups is not None:
        keep &= table["group"].isin(list(groups)).to_numpy()
    keep &= table[metric].notna().to_numpy()
    rows = table[keep]
    if rows.empty:
        raise ValueError(f"no category has a {metric} value to plot")
    labels = (
        [f"{g}: {c}" for g, c in zip(rows["group"], rows["category"], strict=True)]
        if "group" in rows
        else [str(c) for c in rows.index]
    )
    values = rows[metric].to_numpy(dtype=np.float64)
    fig = _figure(7.0, 1.0 + 0.22 * len(rows))
    ax = fig.add_subplot()
    y = np.arange(len(rows))
    xerr = None
    if low_values is not None and high_values is not None:
        lo, hi = low_values[keep], high_values[keep]
        xerr = np.vstack([np.clip(values - lo, 0, None), np.clip(hi - values, 0, None)])
    colours = _group_colours(rows.get("group"))
    ax.barh(y, values, xerr=xerr, color=colours, capsize=2, error_kw={"elinewidth": 0.8})
    if reference is not None:
        ax.axvline(reference, color="black", linewidth=0.8, linestyle="--")
    ax.set_yticks(y, labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(metric)
    ax.set_title(title or f"{metric} by category", fontsize=10)
    return _finish(fig, path)


def _interval(table: pd.DataFrame, given: Any, side: str, metric: str) -> np.ndarray | None:
    if given is None:
        column = f"{metric}_{side}"
        return table[column].to_numpy(dtype=np.float64) if column in table else None
    values = np.asarray(given, dtype=np.float64)
    if values.shape != (len(table),):
        raise ValueError(
            f"{side} must have one value per row ({len(table)}), got shape {values.shape}"
        )
    return values


def _group_colours(groups: pd.Series | None) -> list[Any] | str:
    if groups is None:
        return "tab:blue"
    from matplotlib import colormaps

    from .breakdown import GROUPS

    # A fixed colour per known group, so the presence and salience charts agree.
    palette = colormaps["tab10"]
    extra = [g for g in dict.fromkeys(groups.tolist()) if g not in GROUPS]
    index = {g: i for i, g in enumerate([*GROUPS, *extra])}
    return [palette(index[g] % 10) for g in groups.tolist()]


def bootstrap_histogram(
    distribution: np.ndarray | Sequence[float],
    *,
    names: Sequence[str] = ("presence", "salience", "mean"),
    estimates: Sequence[float] | None = None,
    intervals: Sequence[tuple[float, float]] | None = None,
    bins: int = 50,
    title: str | None = "Bootstrap distribution",
    path: str | os.PathLike[str] | None = None,
) -> Figure:
    """Histograms of bootstrap replicates: one panel per column of ``distribution``.

    ``distribution`` is ``(B,)`` or ``(B, k)`` (the bootstrap's ``(B, 3)``
    replicates of presence, salience and mean). ``estimates`` draws each
    panel's point estimate, ``intervals`` its ``(low, high)`` bounds.
    """
    values = np.asarray(distribution, dtype=np.float64)
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2 or values.shape[0] == 0:
        raise ValueError(
            f"distribution must be (B,) or (B, k) with B > 0, got shape {values.shape}"
        )
    k = values.shape[1]
    if len(names) < k:
        raise ValueError(f"names must name all {k} columns, got {list(names)}")
    for what, given in (("estimates", estimates), ("intervals", intervals)):
        if given is not None and len(given) != k:
            raise ValueError(f"{what} must have {k} entries, got {len(given)}")
    fig = _figure(3.2 * k, 2.8)
    axes = fig.subplots(1, k, squeeze=False)[0]
    for j, ax in enumerate(axes):
        column = values[:, j]
        finite = column[np.isfinite(column)]
        ax.hist(finite, bins=bins, color="tab:blue", alpha=0.8)
        if estimates is not None:
            ax.axvline(estimates[j], color="black", linewidth=1.0)
        if intervals is not None:
            for bound in intervals[j]:
                ax.axvline(bound, color="tab:red", linewidth=1.0, linestyle="--")
        ax.set_title(names[j], fontsize=9)
        ax.set_yticks([])
    if title:
        fig.suptitle(title, fontsize=10)
    return _finish(fig, path)


def grid_heatmaps(
    presence_grid: np.ndarray,
    salience_grid: np.ndarray,
    alphas: np.ndarray | Sequence[float],
    betas: np.ndarray | Sequence[float],
    *,
    best: tuple[float, float] | None = None,
    title: str | None = "Threshold grid search",
    path: str | os.PathLike[str] | None = None,
) -> Figure:
    """Heat maps of presence and salience over the alpha x beta threshold grid.

    The grids are ``(len(alphas), len(betas))``, alpha on the rows, as a grid
    search returns them. ``best`` marks the chosen ``(alpha, beta)``.
    """
    alphas = np.asarray(alphas, dtype=np.float64)
    betas = np.asarray(betas, dtype=np.float64)
    grids = [np.asarray(g, dtype=np.float64) for g in (presence_grid, salience_grid)]
    for name, grid in zip(("presence_grid", "salience_grid"), grids, strict=True):
        if grid.shape != (len(alphas), len(betas)):
            raise ValueError(
                f"{name} must have shape (len(alphas), len(betas)) = {(len(alphas), len(betas))}, "
                f"got {grid.shape}"
            )
    fig = _figure(10.0, 4.2)
    axes = fig.subplots(1, 2)
    beta_edges, alpha_edges = _edges(betas), _edges(alphas)
    for ax, grid, name in zip(axes, grids, ("presence", "salience"), strict=True):
        # pcolormesh on cell edges places uneven axes correctly, unlike imshow.
        mesh = ax.pcolormesh(beta_edges, alpha_edges, grid, cmap="viridis", shading="flat")
        if best is not None:
            ax.plot([best[1]], [best[0]], marker="x", color="red", markersize=9, mew=2)
        ax.set_xlabel("beta (largest difference called 50/50)")
        ax.set_ylabel("alpha (presence threshold)")
        ax.set_title(name, fontsize=10)
        fig.colorbar(mesh, ax=ax)
    if title:
        fig.suptitle(title, fontsize=11)
    return _finish(fig, path)


def _edges(axis: np.ndarray) -> np.ndarray:
    """Cell edges around sorted centres: midpoints, and half a step beyond each end."""
    if len(axis) == 0:
        raise ValueError("the threshold axes must not be empty")
    if len(axis) == 1:
        return np.array([axis[0] - 0.025, axis[0] + 0.025])
    if np.any(np.diff(axis) <= 0):
        raise ValueError("alphas and betas must be strictly increasing")
    mid = (axis[1:] + axis[:-1]) / 2
    return np.concatenate([[2 * axis[0] - mid[0]], mid, [2 * axis[-1] - mid[-1]]])
