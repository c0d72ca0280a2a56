"""The codabench subcommands: ``score`` (the scoring program) and ``bundle``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

import pandas as pd

from ..challenge import label_table, reference_table
from ..codabench import DETAILS_FILE, SCORES_FILE, build_bundle, score_folder
from ..errors import Problem, ValidationError
from ..inputs.limits import UPLOAD_BYTES
from ..probs import read_names_map
from ..stats.intervals import STATISTICS
from .inputs import PROG, read_labels, train_rows
from .output import EXIT_OK, EXIT_USAGE, plural
from .terminal import table

__all__ = ["cmd_codabench_bundle", "cmd_codabench_help", "cmd_codabench_score"]


def cmd_codabench_help(args: argparse.Namespace, out: TextIO) -> int:
    """``blemore-fast codabench`` alone: its help, as a usage error."""
    args.parser.print_help(sys.stderr)
    return EXIT_USAGE


def cmd_codabench_score(args: argparse.Namespace, out: TextIO) -> int:
    max_bytes = UPLOAD_BYTES if args.max_bytes is None else args.max_bytes
    result = score_folder(args.input, args.output, max_bytes=max_bytes, details=args.details)
    score, intervals = result.score, result.intervals
    print(
        f"{plural(score.n, 'clip')} of {plural(intervals.n_units, 'actor')}, "
        f"{score.n_blend:,} of them blends",
        file=out,
    )
    frame = pd.DataFrame(
        {
            "metric": list(STATISTICS),
            "score": [getattr(score, m) for m in STATISTICS],
            "low": [getattr(intervals, m).low for m in STATISTICS],
            "high": [getattr(intervals, m).high for m in STATISTICS],
        }
    )
    print(table(frame), file=out)
    print(result.describe_intervals(), file=out)
    output = Path(args.output)
    print(f"wrote {output / SCORES_FILE} and {output / DETAILS_FILE}", file=out)
    return EXIT_OK


def _train_labels(args: argparse.Namespace) -> pd.DataFrame | None:
    if args.train_labels:
        return label_table(args.train_labels)
    train = train_rows(args)
    return None if train is None else label_table(train)


def _terms(path: str | None) -> str | None:
    if path is None:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ValidationError(
            [Problem(None, f"cannot read {path}: {error}", kind="file_unreadable")], "terms"
        ) from None
    if not text.strip():
        # Codabench needs a non-empty terms file; a silent placeholder would
        # hide a wrong path.
        raise ValidationError(
            [Problem(None, f"{path} is empty: the terms page needs text", kind="empty_file")],
            "terms",
        )
    return text


def cmd_codabench_bundle(args: argparse.Namespace, out: TextIO) -> int:
    names_map = read_names_map(args.names_map) if args.names_map else None
    reference = reference_table(read_labels(args), names_map=names_map)
    train = _train_labels(args)
    path = build_bundle(
        reference,
        args.output,
        train=train,
        title=args.title,
        image=args.image,
        start=args.start,
        end=args.end,
        terms=_terms(args.terms),
        details=args.details,
    )
    baselines = (
        f"; baselines fitted on {plural(len(train), 'train clip')}" if train is not None else ""
    )
    print(
        f"wrote {path}: {plural(len(reference), 'test clip')} of "
        f"{plural(reference['actor'].nunique(), 'actor')}{baselines}",
        file=out,
    )
    print(
        "leaderboard: presence, salience and mean (ranked by mean), each with its "
        "actor-level interval (low, high)",
        file=out,
    )
    if args.details == "categories":
        print(
            "details: categories: each submission's page shows scores by category and the "
            "confusion of label classes, which give hidden labels away; only for public labels",
            file=out,
        )
    print(
        f"scoring image {args.image}: build it from the bundle's Dockerfile and push it\n"
        f"  unzip {path} Dockerfile && docker build -f Dockerfile -t {args.image} "
        "PATH/TO/blemore_fast\n"
        f"  docker push {args.image}\n"
        f"then upload {path} to Codabench as a competition bundle; `{PROG} codabench score "
        "INPUT OUTPUT` runs its scoring program locally",
        file=out,
    )
    return EXIT_OK
