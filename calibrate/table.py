"""The calibration tables, in Markdown: per method and number of actors, the
range (and mean) over the grid's cells of each metric's coverage, null
rejection rate or power, in percent, with the Monte-Carlo standard error of
one cell."""

from __future__ import annotations

import pandas as pd

from .coverage import METRICS

#: The goals: intervals cover 93-97% of the time; tests reject a true null 3-7%.
GOALS = {
    "coverage": (0.93, 0.97),
    "rejection": (0.03, 0.07),
    "pair coverage": (0.93, 0.97),
}


def _cell(rates: pd.Series) -> str:
    low, high, mean = 100 * rates.min(), 100 * rates.max(), 100 * rates.mean()
    return f"{low:.1f}-{high:.1f} ({mean:.1f})"


def summary(rows: pd.DataFrame, what: str) -> str:
    """One Markdown table: method x actors -> each metric's range over cells."""
    part = rows[rows["what"] == what]
    if part.empty:
        return ""
    lines = [
        "| method | actors | cells | "
        + " | ".join(METRICS)
        + " | MC se of a cell | outside goal |",
        "| --- | ---: | ---: | " + " | ".join(["---:"] * len(METRICS)) + " | ---: | ---: |",
    ]
    goal = GOALS.get(what)
    for (method, actors), group in part.groupby(["method", "actors"], sort=False):
        by_metric = {m: group[group["metric"] == m]["rate"] for m in METRICS}
        cells = len(by_metric[METRICS[0]])
        se = f"{100 * group['mc_se'].max():.2f}"
        outside = "-"
        if goal is not None:
            misses = ((group["rate"] < goal[0]) | (group["rate"] > goal[1])).sum()
            outside = f"{misses} of {len(group)}"
        lines.append(
            f"| {method} | {actors} | {cells} | "
            + " | ".join(_cell(by_metric[m]) for m in METRICS)
            + f" | {se} | {outside} |"
        )
    return "\n".join(lines)


def power(rows: pd.DataFrame) -> str:
    """Presence power per method, actors and true difference (range over the coupling)."""
    part = rows[(rows["what"] == "power") & (rows["metric"] == "presence")]
    if part.empty:
        return ""
    targets = sorted(part["target"].unique())
    lines = [
        "| method | actors | "
        + " | ".join(f"presence +{t:.2f}" for t in targets)
        + " | MC se of a cell |",
        "| --- | ---: | " + " | ".join(["---:"] * len(targets)) + " | ---: |",
    ]
    for (method, actors), group in part.groupby(["method", "actors"], sort=False):
        cells = [_cell(group[group["target"] == t]["rate"]) for t in targets]
        se = f"{100 * group['mc_se'].max():.2f}"
        lines.append(f"| {method} | {actors} | " + " | ".join(cells) + f" | {se} |")
    return "\n".join(lines)


def report(rows: pd.DataFrame) -> str:
    """Every table, with a heading saying what it measures."""
    parts = [
        (
            "coverage",
            "95% intervals: how often they contain the new-actor value, % "
            "(min-max over cells (mean)); goal 93-97",
            summary(rows, "coverage"),
        ),
        (
            "rejection",
            "compare, true difference 0: how often p < 0.05, % "
            "(min-max over cells (mean)); goal 3-7",
            summary(rows, "rejection"),
        ),
        (
            "pair coverage",
            "compare's 95% interval of A - B in the real test set's spread (26-70 clips per "
            "actor, heavy-tailed per-actor differences, coupled hits): how often it contains the "
            "population difference, % (min-max over cells (mean)); goal 93-97",
            summary(rows, "pair coverage"),
        ),
        ("power", "compare, true presence difference > 0: how often p < 0.05, %", power(rows)),
    ]
    return "\n\n".join(f"{title}\n\n{table}" for _, title, table in parts if table)
