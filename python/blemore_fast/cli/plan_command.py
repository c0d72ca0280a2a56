"""The plan subcommand: how many actors a test set needs, from pilot predictions."""

from __future__ import annotations

import argparse
from typing import TextIO

import numpy as np

from ..scoring import align
from ..stats.plan import Plan, plan
from .checks import check_same_clips
from .files import shown
from .inputs import read_labels, read_predictions
from .output import EXIT_OK, emit_json, plural
from .terminal import Columns, Progress, number, table

__all__ = ["cmd_plan", "readable_sizes"]

#: The numbers of actors the printed table shows, when in range (with the
#: smallest, the largest and the pilot's own).
_READABLE = (6, 8, 10, 11, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200, 300, 500, 1000)


def readable_sizes(actors: np.ndarray, pilot: int) -> list[int]:
    """The rows the terminal shows: a readable subset of ``actors``."""
    low, high = int(actors.min()), int(actors.max())
    wanted = {low, high, pilot, *_READABLE}
    return [int(k) for k in actors if k in wanted]


def cmd_plan(args: argparse.Namespace, out: TextIO) -> int:
    labels = read_labels(args)
    a = align(read_predictions(args.a, args), labels)
    b = None
    if args.b is not None:
        b = align(read_predictions(args.b, args), labels)
        check_same_clips(a, b, (str(args.a), str(args.b)))
    with Progress(None, "plan", delay=1.0):
        result = plan(
            a,
            against=b,
            actors=args.actors,
            metric=args.metric,
            power=args.power,
            confidence=args.confidence,
            n_sims=args.sims,
            seed=args.seed,
        )
    rows = readable_sizes(result.table["actors"].to_numpy(), result.pilot_actors)
    if args.output:
        from ..writing import write_file

        write_file(args.output, result.table.to_csv(index=False))
    if args.html:
        from ..report.plan_page import plan_html

        plan_html(result, args.html, rows=rows)
    if args.json:
        files = {"a": str(args.a), "b": None if args.b is None else str(args.b)}
        emit_json(files | result.as_dict(), out)
        return EXIT_OK
    print(_text(result, args, rows), file=out)
    for option, path in (("CSV table", args.output), ("HTML page", args.html)):
        if path:
            print(f"{option}: {shown(path)}", file=out)
    return EXIT_OK


def _text(result: Plan, args: argparse.Namespace, rows: list[int]) -> str:
    lines = [f"A: {args.a}"]
    pilot = f"pilot: {plural(result.pilot_actors, 'actor')}; {result.metric} of A "
    pilot += f"{result.pilot_estimate:.4f}"
    if result.pilot_difference is not None:
        lines.append(f"B: {args.b}")
        pilot += f", A - B {result.pilot_difference:+.4f} (se {result.pilot_se_difference:.4f})"
    lines.append(pilot)
    shown_rows = result.table[result.table["actors"].isin(rows)]
    lines.append(table(shown_rows, formats={"actors": str, "power_at_observed": number(3)}))
    if len(result.check):
        lines.append(
            f"curve against {result.n_sims:,} simulated test sets of each size "
            f"(seed {result.seed}):"
        )
        lines.append(table(_check_columns(result), formats={"actors": str}, indent="  "))
    lines += [f"note: {n}" for n in result.notes]
    if result.pilot_difference is not None:
        needed = result.actors_needed(result.pilot_difference)
        target = f"{result.target_power:.0%} power"
        lines.append(
            f"actors for {target} at the pilot's difference: "
            + (str(needed) if needed is not None else "more than 100,000")
        )
    return "\n".join(lines)


def _check_columns(result: Plan) -> Columns:
    """The check, narrow enough for a terminal: each figure of the curve
    beside the simulated one (with its Monte-Carlo error)."""
    check = result.check
    columns: Columns = {"actors": check["actors"].tolist()}
    if "simulated_power" in check:
        columns["power curve"] = [f"{x:.3f}" for x in check["power_at_observed"]]
        columns["simulated"] = [
            f"{x:.3f} ± {e:.3f}"
            for x, e in zip(check["simulated_power"], check["power_mc_error"], strict=True)
        ]
        columns["size simulated"] = [
            f"{x:.3f} ± {e:.3f}"
            for x, e in zip(check["simulated_size"], check["size_mc_error"], strict=True)
        ]
    columns["half_width curve"] = [f"{x:.4f}" for x in check["half_width"]]
    columns["simulated "] = [f"{x:.4f}" for x in check["simulated_half_width"]]
    return columns
