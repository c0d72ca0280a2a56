"""A test-set plan as one self-contained HTML page, and its figure.

The figure has two panels: the power of ``compare`` against the number of
actors for a few true differences (the pilot's own in bold, with the
simulated check points and their Monte-Carlo errors), and the detectable
difference (and one system's half-width) against the number of actors, with
the pilot's difference as a dashed line. The page is built as
:mod:`blemore_fast.report.page` builds pages (inline styles, PNG data URIs,
no scripts); the figure is drawn as :mod:`blemore_fast.report.plot` draws
(Agg, untracked Figures), so the same plan gives the same bytes.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from ..writing import check_writable, write_file
from .page import _e, _image, _page, _plots_available, _png, _table

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..stats.plan import Plan

__all__ = ["PLAN_DIFFERENCES", "TEST_SET_ACTORS", "plan_figure", "plan_html"]

#: The true differences (in points of the metric) whose power curves are drawn.
PLAN_DIFFERENCES = (0.01, 0.02, 0.03, 0.05)
#: The actors of BlEmoRe's test set, marked on both panels when in range.
TEST_SET_ACTORS = 11


def plan_figure(plan: Plan) -> Figure:
    """Power against actors for a few differences, and the detectable
    difference against actors, with the pilot's difference marked."""
    from .plot import _figure

    table = plan.table
    k = table["actors"].to_numpy()
    paired = plan.pilot_difference is not None
    fig = _figure(11.0 if paired else 6.0, 4.2)
    axes = fig.subplots(1, 2 if paired else 1, squeeze=False)[0]
    if paired:
        _power_panel(axes[0], plan, k)
    _detectable_panel(axes[-1], plan, k)
    if k.min() <= TEST_SET_ACTORS <= k.max():
        for ax in axes:
            ax.axvline(TEST_SET_ACTORS, color="#999999", linewidth=0.8)
            ax.annotate(
                f"BlEmoRe test set ({TEST_SET_ACTORS})",
                (TEST_SET_ACTORS, 0.5),
                xycoords=("data", "axes fraction"),
                rotation=90,
                fontsize=7,
                color="#666666",
                xytext=(2, 0),
                textcoords="offset points",
            )
    return fig


def _power_panel(ax: Axes, plan: Plan, k: np.ndarray) -> None:
    observed = abs(plan.pilot_difference or 0.0)
    for d in PLAN_DIFFERENCES:
        ax.plot(
            k,
            plan.power(d, k),
            linewidth=1.0,
            alpha=0.7,
            label=f"{d * 100:g} point{'s' if d != 0.01 else ''}",
        )
    ax.plot(
        k,
        plan.table["power_at_observed"],
        color="#1b1b1b",
        linewidth=2.2,
        label=f"pilot's {observed * 100:.1f} points",
    )
    check = plan.check
    if "simulated_power" in check:
        ax.errorbar(
            check["actors"],
            check["simulated_power"],
            yerr=2 * check["power_mc_error"],
            fmt="o",
            color="#c44e52",
            capsize=3,
            label=f"simulated ({plan.n_sims:,} test sets, ±2 MC errors)",
        )
    ax.axhline(plan.target_power, color="#777777", linestyle=":", linewidth=1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("actors in the test set")
    ax.set_ylabel(f"power of the test at {1 - plan.confidence:.2g}")
    ax.set_title(f"power to detect a true difference in {plan.metric}", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")


def _detectable_panel(ax: Axes, plan: Plan, k: np.ndarray) -> None:
    table = plan.table
    if "detectable_difference" in table:
        ax.plot(
            k,
            table["detectable_difference"] * 100,
            color="#4c72b0",
            linewidth=2,
            label=f"detectable difference ({plan.target_power:.0%} power)",
        )
        ax.axhline(
            abs(plan.pilot_difference or 0.0) * 100,
            color="#1b1b1b",
            linestyle="--",
            linewidth=1,
            label="the pilot's difference",
        )
    ax.plot(
        k,
        table["half_width"] * 100,
        color="#55a868",
        linewidth=1.2,
        label=f"half-width of one system's {plan.confidence:.0%} interval",
    )
    ax.set_ylim(bottom=0)
    ax.set_xlabel("actors in the test set")
    ax.set_ylabel(f"{plan.metric}, points")
    ax.set_title("what a test set of K actors can resolve", fontsize=10)
    ax.legend(fontsize=8, loc="upper right")


def plan_html(
    plan: Plan,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str = "Planning a test set",
    rows: list[int] | None = None,
    plots: bool | None = None,
) -> str:
    """The page as a string; also written to ``path`` when given. ``rows``
    are the numbers of actors shown in the table (default: all)."""
    if path is not None:
        check_writable(path)
    draw = _plots_available(plots)
    table = plan.table if rows is None else plan.table[plan.table["actors"].isin(rows)]
    meta = (
        f"Pilot of {plan.pilot_actors} actors, {plan.metric}; {plan.confidence:.0%} "
        f"confidence, {plan.target_power:.0%} power; {plan.n_sims:,} simulated test sets "
        f"per checked size, seed {plan.seed}."
    )
    if plan.pilot_difference is not None:
        needed = plan.actors_needed(plan.pilot_difference)
        meta += (
            f" The pilot's difference A - B: {plan.pilot_difference * 100:+.2f} points; "
            f"{plan.target_power:.0%} power for it takes "
            + (f"{needed} actors." if needed is not None else "more than 100,000 actors.")
        )
    parts = [f"<h1>{_e(title)}</h1>", f'<p class="meta">{_e(meta)}</p>']
    if draw:
        parts.append(
            _image(
                _png(plan_figure(plan)),
                "power and detectable difference against the number of actors",
                "Curves: the pilot's standard errors scaled by sqrt(G / K), Student's t with "
                "K - 1 degrees of freedom. Points: test sets drawn from the pilot's actors, "
                "run through the same cluster-t test.",
            )
        )
    parts += ["<h2>Table</h2>", _table(table)]
    if len(plan.check):
        parts += ["<h2>Curve against simulation</h2>", _table(plan.check)]
    notes = plan.notes or ("The curve and the simulation agree within Monte-Carlo error.",)
    parts.append("".join(f'<p class="note">{_e(n)}</p>' for n in notes))
    text = _page(title, "\n".join(parts))
    if path is not None:
        write_file(path, text)
    return text
