"""What the subcommands print: score tables, interval columns, JSON."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from ..escape import escape_text, escape_values
from ..scoring import Score
from .terminal import Columns, jsonable

__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "METRICS",
    "EscapedStream",
    "PipeClosed",
    "add_interval_columns",
    "bootstrap_options",
    "describe_bootstrap",
    "emit_json",
    "plural",
    "score_frame",
]

METRICS = ("presence", "salience", "mean")
#: Exit codes: success, invalid input (every problem listed), usage error.
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' if n != 1 else ''}"


class EscapedStream:
    """A text stream that escapes control characters in everything written to
    it (:func:`blemore_fast.escape.escape_text`): the commands echo names and
    values that a participant chose."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(escape_text(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class PipeClosed(BrokenPipeError):
    """Standard output closed early (``| head``) after the command's verdict
    was known: ``status`` is the exit code it still owes (``validate``'s
    ``args.verdict``)."""

    def __init__(self, status: int) -> None:
        super().__init__("standard output closed")
        self.status = status


def emit_json(value: Any, out: TextIO) -> None:
    """One JSON document (NaN written as null, so strict parsers read it),
    every string escaped as in text output."""
    json.dump(escape_values(jsonable(value)), out, indent=2, allow_nan=False)
    out.write("\n")


def score_frame(score: Score) -> Columns:
    """One row per metric: the score and the counts behind it."""
    return {
        "metric": list(METRICS),
        "score": [score.presence, score.salience, score.mean],
        "correct": [
            f"{score.presence_correct:,}/{score.n:,}",
            f"{score.salience_correct:,}/{score.n_blend:,}",
            "",
        ],
    }


def add_interval_columns(frame: Any, result: Any, prefix: str = "", *, se: bool = True) -> None:
    """Adds a bootstrap result's ``low``, ``high`` (and ``se``) per metric row
    to a table (a DataFrame or :data:`~blemore_fast.cli.terminal.Columns`)."""
    metrics = list(frame["metric"])
    frame[f"{prefix}low"] = [getattr(result, m).low for m in metrics]
    frame[f"{prefix}high"] = [getattr(result, m).high for m in metrics]
    if se:
        frame[f"{prefix}se"] = [getattr(result, m).se for m in metrics]


def describe_bootstrap(result: Any) -> str:
    """One line saying which question the intervals answer and how they were
    computed, with the seed that repeats a resampling run."""
    if result.n_resamples is None:
        return f"{result.question}; analytic, no resampling"
    return (
        f"{result.question}; {plural(result.n_resamples, 'resample')} "
        f"(--seed {result.seed} repeats them)"
    )


def bootstrap_options(args: argparse.Namespace, cluster: str | None) -> dict[str, Any]:
    """The statistics' keyword arguments from the options, for intervals over
    ``cluster`` (None: clips). ``--method`` None is the library's default
    (cluster-t over actors, percentile over clips); at clip level cluster-t,
    which needs actors, becomes that default. Cluster-t draws no resamples,
    so it is given neither ``--bootstrap`` nor ``--seed``."""
    method = args.method
    if cluster is None and method == "cluster-t":
        method = None
    options: dict[str, Any] = {"confidence": args.confidence, "method": method}
    if cluster is None or method not in (None, "cluster-t"):
        options |= {"n_resamples": args.bootstrap, "seed": args.seed}
    return options
