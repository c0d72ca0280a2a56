"""The leaderboard subcommand: rank submissions with confidence sets for ranks."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any, TextIO

from ..errors import Problem, ValidationError
from ..scoring import align
from ..stats.board import Leaderboard
from ..stats.leaderboard import leaderboard
from .checks import interval_unit
from .files import shown
from .inputs import UsageError, read_labels, read_predictions
from .output import EXIT_OK, emit_json
from .terminal import Progress

__all__ = ["cmd_leaderboard", "submission_files"]

#: Files read as submissions from a folder (as Codabench exports them).
_FOLDER_SUFFIXES = (".zip", ".json")


def submission_files(paths: list[str]) -> dict[str, Path]:
    """Each system's name (its file name without the suffix) and file; a
    folder gives its zip and JSON files."""
    files: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in _FOLDER_SUFFIXES)
            if not found:
                raise UsageError(f"{text} holds no .zip or .json submission")
            files += found
        else:
            files.append(path)
    named: dict[str, Path] = {}
    for path in files:
        if path.stem in named:
            raise UsageError(
                f"two submissions are both named {path.stem!r}: {named[path.stem]} and {path}; "
                "rename one"
            )
        named[path.stem] = path
    if len(named) < 2:
        raise UsageError("leaderboard needs at least 2 submissions")
    return named


def _read(
    files: dict[str, Path], args: argparse.Namespace
) -> tuple[dict[str, Any], dict[str, list[Problem]]]:
    systems: dict[str, Any] = {}
    failed: dict[str, list[Problem]] = {}
    for name, path in files.items():
        try:
            systems[name] = read_predictions(path, args)
        except ValidationError as error:
            failed[name] = error.problems
    return systems, failed


def cmd_leaderboard(args: argparse.Namespace, out: TextIO) -> int:
    files = submission_files(args.submissions)
    labels = read_labels(args)
    systems, unreadable = _read(files, args)
    cluster = _unit(args, systems, labels)
    with Progress(None, "leaderboard", delay=1.0):
        board = leaderboard(
            systems,
            labels,
            metric=args.metric,
            cluster=cluster,
            confidence=args.confidence,
            simultaneous=args.simultaneous,
            n_resamples=args.bootstrap,
            seed=args.seed,
        )
    board = dataclasses.replace(board, failed={**unreadable, **board.failed})
    if args.html:
        from ..report.leaderboard_page import leaderboard_html

        leaderboard_html(board, args.html)
    if args.json:
        emit_json({"files": {n: str(p) for n, p in files.items()}, **board.as_dict()}, out)
        return EXIT_OK
    print(_text(board), file=out)
    if args.html:
        print(f"HTML page: {shown(args.html)}", file=out)
    return EXIT_OK


def _text(board: Leaderboard) -> str:
    return repr(board)


def _unit(args: argparse.Namespace, systems: dict[str, Any], labels: Any) -> str | None:
    """``--cluster``, or actors when every clip's actor can be read (as the
    other subcommands decide), judged on the first system that aligns."""
    for preds in systems.values():
        try:
            aligned = align(preds, labels)
        except ValidationError:
            continue  # leaderboard lists it with its problems
        return interval_unit(args, aligned)
    return "actor" if args.cluster == "actor" else None
