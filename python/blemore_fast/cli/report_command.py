"""The report subcommand: scores with intervals, breakdown, confusions, plots, HTML."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from ..report import Baselines, baselines, breakdown, confusion
from ..report import report_groups as default_groups
from ..report.page import html_report
from ..scoring import Aligned, Score, align
from ..stats import bootstrap
from ..writing import WriteError, write_file
from .checks import check_groups, interval_unit
from .files import shown
from .inputs import UsageError, read_labels, read_predictions, train_rows
from .output import (
    EXIT_OK,
    METRICS,
    add_interval_columns,
    bootstrap_options,
    describe_bootstrap,
    emit_json,
    plural,
    score_frame,
)
from .terminal import Progress, number, table

__all__ = ["cmd_report"]


def _groups(by: str | None, aligned: Aligned) -> list[str]:
    """The breakdown groups: ``--by``, or every group the clips allow."""
    if by:
        return [g.strip() for g in by.split(",") if g.strip()]
    return default_groups(aligned)


def _top_confusions(matrix: pd.DataFrame, k: int = 10) -> pd.DataFrame:
    """The ``k`` most frequent errors: (label class, predicted class, clips,
    share of the label's clips), most frequent first."""
    pairs = matrix.stack()
    pairs.index.names = ["label", "predicted"]
    frame = pairs.rename("clips").reset_index()
    wrong = frame[(frame["label"] != frame["predicted"]) & (frame["clips"] > 0)]
    wrong = wrong.sort_values("clips", ascending=False, kind="stable").head(k).copy()
    totals = matrix.sum(axis=1)
    wrong["share of label"] = wrong["clips"].to_numpy() / totals[wrong["label"]].to_numpy()
    return wrong.reset_index(drop=True)


def _baselines(args: argparse.Namespace, labels: Any) -> Baselines | None:
    # The trivial baselines need train labels: available when the scored
    # rows were picked from a table that also has a train partition.
    train = train_rows(args)
    if train is None or not isinstance(labels, pd.DataFrame):
        return None
    return baselines(train, labels)


def _write_plots(
    directory: Path,
    table_: pd.DataFrame,
    matrix: pd.DataFrame,
    score: Score,
    intervals: dict[str, Any],
) -> list[str]:
    """Writes the tables (CSV) and plots (PNG) into ``directory``; returns the file names."""
    from ..report import plot

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriteError(
            directory, error, f"cannot create the directory ({error.strerror})"
        ) from None
    write_file(directory / "breakdown.csv", table_.to_csv(index=False))
    write_file(directory / "confusion.csv", matrix.to_csv())
    written = ["breakdown.csv", "confusion.csv"]
    plot.confusion_heatmap(matrix, path=directory / "confusion.png")
    plot.category_bars(
        table_, metric="presence", reference=score.presence, path=directory / "presence.png"
    )
    written += ["confusion.png", "presence.png"]
    if table_["salience"].notna().any():
        plot.category_bars(
            table_, metric="salience", reference=score.salience, path=directory / "salience.png"
        )
        written.append("salience.png")
    clip = intervals.get("clip-level")
    if clip is not None and clip.distribution is not None:
        plot.bootstrap_histogram(
            clip.distribution,
            estimates=[getattr(clip, m).estimate for m in METRICS],
            intervals=[(getattr(clip, m).low, getattr(clip, m).high) for m in METRICS],
            path=directory / "bootstrap.png",
        )
        written.append("bootstrap.png")
    return written


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    if args.bootstrap == 0 and (args.cluster or args.method or args.seed is not None):
        raise UsageError("--cluster, --method and --seed need bootstrap resamples (--bootstrap B)")
    labels = read_labels(args)
    aligned = align(read_predictions(args.preds, args), labels, strict=not args.lenient)
    score = Score.from_cells(aligned.cells())
    groups = _groups(args.by, aligned)
    check_groups(aligned, groups)
    unit = interval_unit(args, aligned) if args.bootstrap else None
    intervals: dict[str, Any] = {}
    written: list[str] = []
    steps = 2 + (args.bootstrap > 0) + bool(args.plot_dir) + bool(args.html)
    with Progress(steps, "report") as bar:
        if args.bootstrap:
            bar.set_label("report: bootstrap")
            # Actor level first when actors can be read: it answers "new actors".
            levels = ([("actor-level", "actor")] if unit else []) + [("clip-level", None)]
            for level, cluster in levels:
                intervals[level] = bootstrap(
                    aligned,
                    cluster=cluster,
                    return_distribution=cluster is None,
                    **bootstrap_options(args, cluster),
                )
            bar.advance()
        bar.set_label("report: breakdown")
        table_ = breakdown(aligned, by=groups)
        bar.advance(label="report: confusion")
        matrix = confusion(aligned)
        reference = _baselines(args, labels)
        bar.advance()
        if args.plot_dir:
            bar.set_label("report: plots")
            written = _write_plots(Path(args.plot_dir), table_, matrix, score, intervals)
            bar.advance()
        if args.html:
            bar.set_label("report: HTML")
            html_report(
                aligned,
                path=args.html,
                title=f"BlEmoRe report: {Path(str(args.preds)).name}",
                by=groups,
                baselines=reference,
                intervals=intervals or None,
            )
            bar.advance()
    if args.json:
        emit_json(
            {
                "file": str(args.preds),
                **score.as_dict(),
                "intervals": {level: r.as_dict() for level, r in intervals.items()},
                "baselines": reference.table() if reference is not None else None,
                "breakdown": table_,
                "confusion": {
                    "labels": list(matrix.index),
                    "predictions": list(matrix.columns),
                    "counts": matrix.to_numpy(),
                },
            },
            out,
        )
        return EXIT_OK
    frame = score_frame(score)
    for level, result in intervals.items():
        add_interval_columns(frame, result, level.split("-")[0] + " ", se=False)
    print(f"{args.preds}: {plural(score.n, 'clip')}, {score.n_blend:,} of them blends", file=out)
    print(table(frame, right=["correct"]), file=out)
    for level, result in intervals.items():
        print(f"{level}: {describe_bootstrap(result)}", file=out)
    if reference is not None:
        print("\ntrivial baselines: one train label for every clip", file=out)
        base = reference.table()[["baseline", "prediction", "presence", "salience", "mean"]]
        print(table(base), file=out)
    print("\nby category", file=out)
    by_category = table_[["group", "category", "n", "presence", "salience"]]
    print(table(by_category, formats={"presence": number(3), "salience": number(3)}), file=out)
    print("\nmost frequent confusions", file=out)
    print(table(_top_confusions(matrix), formats={"share of label": number(3)}), file=out)
    if written:
        print(f"\nwrote to {args.plot_dir}: {', '.join(written)}", file=out)
    if args.html:
        print(f"{'' if written else chr(10)}HTML report: {shown(args.html)}", file=out)
    return EXIT_OK
