"""The subcommands score, validate, grid, decode, compare and demo.

Each takes the parsed options and the stream to print to, and returns the
exit code; errors propagate to :func:`blemore_fast.cli.run`. The statistics
are imported by the commands that use them, and no table here needs pandas,
so that scoring a JSON file starts quickly.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any, TextIO

from ..encoded import to_dict
from ..errors import Problem
from ..inputs import Limits, MemoryFile, current_limits, file_kind, input_limits, upload_limits
from ..inputs.files import is_zip, is_zip_bytes
from ..inputs.zips import upload_zip_problems
from ..manifest import TEST_NAMES
from ..probs import read_names_map
from ..scoring import Score, align, outcome_cells
from ..submission import check_file, write_submission
from ..training import grid_search
from .checks import check_same_clips, interval_unit
from .files import shown
from .inputs import (
    PROG,
    UsageError,
    read_labels,
    read_manifest,
    read_predictions,
    read_probabilities,
)
from .output import (
    EXIT_INVALID,
    EXIT_OK,
    METRICS,
    add_interval_columns,
    bootstrap_options,
    describe_bootstrap,
    emit_json,
    plural,
    score_frame,
)
from .problems import diagnose, error_document, list_problems, max_problems
from .terminal import Columns, Progress, number, p_value, table

__all__ = ["cmd_compare", "cmd_decode", "cmd_demo", "cmd_grid", "cmd_score", "cmd_validate"]


def cmd_score(args: argparse.Namespace, out: TextIO) -> int:
    # Actor-level intervals (cluster-t) draw no resamples: --cluster actor alone asks for them.
    analytic = args.cluster == "actor" and args.method in (None, "cluster-t")
    options = args.cluster or args.method or args.seed is not None
    if args.bootstrap is None and not analytic and options:
        raise UsageError(
            "--cluster clip, --method and --seed need --bootstrap B "
            "(--cluster actor alone gives the actor-level intervals, which draw no resamples)"
        )
    preds, labels = read_predictions(args.preds, args), read_labels(args)
    result = None
    if args.bootstrap is None and not analytic:
        # The counts alone: no clip names kept.
        score = Score.from_cells(outcome_cells(preds, labels, strict=not args.lenient))
    else:
        from ..stats import bootstrap

        aligned = align(preds, labels, strict=not args.lenient)
        score = Score.from_cells(aligned.cells())
        cluster = interval_unit(args, aligned)
        with Progress(None, "bootstrap", delay=1.0):
            result = bootstrap(aligned, cluster=cluster, **bootstrap_options(args, cluster))
    if args.json:
        document: dict[str, Any] = {"file": str(args.preds), **score.as_dict()}
        if result is not None:
            document["bootstrap"] = result.as_dict()
        emit_json(document, out)
        return EXIT_OK
    frame = score_frame(score)
    if result is not None:
        add_interval_columns(frame, result)
    print(f"{args.preds}: {plural(score.n, 'clip')}, {score.n_blend:,} of them blends", file=out)
    print(table(frame, right=["correct"]), file=out)
    if result is not None:
        print(describe_bootstrap(result), file=out)
    return EXIT_OK


def _not_json(path: Any) -> list[Problem]:
    """A CSV given to validate: the upload is JSON, whatever score reads."""
    if file_kind(path) != "csv":
        return []
    return [
        Problem(
            None,
            f"{path} is a CSV table; the upload is a JSON submission "
            '{"predictions": {clip: [entries]}} (score reads CSVs as they are; '
            f"`{PROG} decode PROBS.csv ... -o submission.json` writes one from model outputs)",
            kind="not_a_submission",
        )
    ]


def _upload_limits(args: argparse.Namespace, names: list[str] | None) -> Limits:
    """An upload's limits when the expected names are known (the expected
    clips plus 10%, unless --max-clips says otherwise); else those in force."""
    limits = current_limits()
    if names is None:
        return limits
    upload = upload_limits(len(names), limits.max_bytes)
    upload = replace(upload, raise_bytes=limits.raise_bytes)
    if args.max_clips is not None:
        upload = replace(upload, max_clips=args.max_clips, raise_clips=limits.raise_clips)
    return upload


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    names = read_manifest(args.manifest) if args.manifest else None
    if args.codabench:
        names = list(TEST_NAMES)
    # The upload is a wrapped submission, whatever the expected names. The
    # file is read once, natively.
    problems = _not_json(args.preds)
    if args.codabench and not problems:
        problems = upload_zip_problems(args.preds)
    count = None
    if not problems:
        with input_limits(limits=_upload_limits(args, names)):
            checked = check_file(args.preds, read_labels(args), names=names, require_wrapper=True)
        problems = checked.problems
        count = None if problems else checked.n_predictions
    hint = diagnose(problems, args)
    # The exit status even if standard output closes while printing (`| head`).
    args.verdict = EXIT_INVALID if problems else EXIT_OK
    if args.json:
        document: dict[str, Any] = {"file": str(args.preds), "ok": not problems}
        document["n_predictions"] = count
        if problems:
            summary = f"{plural(len(problems), 'problem')} in {args.preds}"
            document |= error_document(summary, problems, max_problems(args, json=True), hint)
        else:
            document["problems"] = []
        emit_json(document, out)
    elif problems:
        print(f"{args.preds}: {plural(len(problems), 'problem')}", file=out)
        list_problems(problems, max_problems(args), out)
        if hint:
            print(f"hint: {hint}", file=out)
    else:
        if args.labels:
            against = ", one for every labelled clip"
        elif args.codabench:
            against = ", one for every clip of the official test set"
        elif names is not None:
            against = ", one for every name in the manifest"
        else:
            against = ""
        print(f"{args.preds}: OK, {plural(count or 0, 'prediction')}{against}", file=out)
        zipped = (
            is_zip_bytes(args.preds.data)
            if isinstance(args.preds, MemoryFile)
            else is_zip(args.preds)
        )
        if args.codabench and not zipped:
            print(
                f"upload it as a zip holding this file (`{PROG} decode ... -o submission.zip` "
                "writes one)",
                file=out,
            )
    return args.verdict


def cmd_grid(args: argparse.Namespace, out: TextIO) -> int:
    probs = read_probabilities(args.probs, logits=args.logits)
    labels = read_labels(args)
    with Progress(None, "grid search", delay=1.0):
        result = grid_search(
            probs.probs,
            list(probs.names) if labels is None else labels,
            names=probs.names,
            alphas=args.alphas,
            betas=args.betas,
            presence_weight=args.presence_weight,
        )
    if args.plot:
        from ..report.plot import grid_heatmaps

        grid_heatmaps(
            result.presence_grid,
            result.salience_grid,
            result.alphas,
            result.betas,
            best=(result.alpha, result.beta),
            path=args.plot,
        )
    if args.json:
        emit_json({"files": [str(p) for p in args.probs], "n": len(probs), **result.as_dict()}, out)
        return EXIT_OK
    weight = result.presence_weight
    print(
        f"{len(result.alphas)} x {len(result.betas)} thresholds on {plural(len(probs), 'clip')} "
        f"({plural(len(args.probs), 'file')})",
        file=out,
    )
    best = {
        "": "best",
        "alpha": result.alpha,
        "beta": result.beta,
        "presence": result.presence,
        "salience": result.salience,
        "mean": (result.presence + result.salience) / 2,
    }
    print(table({column: [value] for column, value in best.items()}), file=out)
    print(
        f"best maximises {weight:g} x presence + {1 - weight:g} x salience; alone, the best "
        f"presence is {result.presence_only:.4f} and the best salience {result.salience_only:.4f}",
        file=out,
    )
    logits = " --logits" if args.logits else ""
    # Full precision, so that decoding reproduces the grid's numbers exactly.
    print(
        f"to write a submission: {PROG} decode TEST.csv{logits} --alpha {result.alpha!r} "
        f"--beta {result.beta!r} -o submission.json",
        file=out,
    )
    if args.plot:
        print(f"heat maps: {shown(args.plot)}", file=out)
    return EXIT_OK


def cmd_decode(args: argparse.Namespace, out: TextIO) -> int:
    probs = read_probabilities(args.probs, logits=args.logits)
    if args.names_map:
        probs = probs.rename(read_names_map(args.names_map))
    preds = to_dict(probs.decode(alpha=args.alpha, beta=args.beta))
    written = write_submission(preds, args.output)
    blends = sum(len(entries) == 2 for entries in preds.values())
    if args.json:
        emit_json(
            {
                "file": args.output,
                "n_predictions": len(preds),
                "n_blend": blends,
                "alpha": args.alpha,
                "beta": args.beta,
            },
            out,
        )
        return EXIT_OK
    # By name, as write_submission decides (reading the output back could
    # consume what a pipe carries).
    zipped = written.suffix.lower() == ".zip"
    what = f"{args.output}, a zip holding {written.stem}.json" if zipped else shown(args.output)
    print(
        f"wrote {plural(len(preds), 'prediction')} ({blends:,} of them blends) to {what} "
        f"(alpha {args.alpha!r}, beta {args.beta!r})",
        file=out,
    )
    return EXIT_OK


def cmd_compare(args: argparse.Namespace, out: TextIO) -> int:
    from ..stats import compare

    labels = read_labels(args)
    strict = not args.lenient
    a = align(read_predictions(args.a, args), labels, strict=strict)
    b = align(read_predictions(args.b, args), labels, strict=strict)
    check_same_clips(a, b, (str(args.a), str(args.b)))
    cluster = interval_unit(args, a)
    with Progress(None, "paired comparison", delay=1.0):
        result = compare(a, b, cluster=cluster, **bootstrap_options(args, cluster))
    if args.json:
        emit_json({"a": str(args.a), "b": str(args.b), **result.as_dict()}, out)
        return EXIT_OK
    frame: Columns = {
        "metric": list(METRICS),
        "A": [getattr(result.score_a, m) for m in METRICS],
        "B": [getattr(result.score_b, m) for m in METRICS],
        "A - B": [getattr(result, m).estimate for m in METRICS],
    }
    add_interval_columns(frame, result)
    frame["p"] = [getattr(result, m).p_value for m in METRICS]
    signed = number(sign=True)
    print(f"A: {args.a}\nB: {args.b}\n{plural(result.n, 'clip')}", file=out)
    print(
        table(frame, formats={"A - B": signed, "low": signed, "high": signed, "p": p_value}),
        file=out,
    )
    print(
        f"right for one only: presence A {result.a_only_presence:,}, B {result.b_only_presence:,};"
        f" salience A {result.a_only_salience:,}, B {result.b_only_salience:,}",
        file=out,
    )
    print(f"A - B, {describe_bootstrap(result)}", file=out)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from .demo import run_demo

    with Progress(None, "demo") as bar:
        result = run_demo(
            args.data,
            report=None if args.no_report else args.out,
            seed=args.seed,
            n_resamples=args.bootstrap,
            models=args.models,
            step=lambda label: bar.set_label(f"demo: {label}"),
        )
    if args.json:
        emit_json(result.as_dict(), out)
    else:
        print(result.summary(), file=out)
    return EXIT_OK
