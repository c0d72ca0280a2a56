"""The ``blemore-fast`` command: score, validate, grid, decode, report, compare, demo.

The command is thin: each subcommand reads its files, calls the library and
prints. Tables are aligned for a terminal; ``--json`` prints one JSON object
for machines instead.

- :mod:`.parser`: the options of every subcommand, with an example each;
- :mod:`.inputs`: reading prediction files, probability CSVs, labels and manifests;
- :mod:`.output`: tables, intervals and JSON as the subcommands print them;
- :mod:`.commands` and :mod:`.report_command`: the subcommands themselves;
- :mod:`.terminal`: aligned text tables, JSON-safe values, the progress bar;
- :mod:`.demo`: the demo pipeline behind ``blemore-fast demo``.

Exit codes: 0 on success, 1 for invalid input (every problem is listed on
stderr, without a traceback), 2 for usage errors (bad options).

Run ``blemore-fast SUBCOMMAND --help`` for each subcommand's options and an
example.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import NoReturn, TextIO

from ..errors import ValidationError
from .inputs import UsageError, check_options
from .output import EXIT_INVALID, EXIT_OK, EXIT_USAGE, plural
from .parser import build_parser

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "build_parser", "main", "run"]


def _print_problems(error: ValidationError, err: TextIO) -> None:
    count = len(error.problems)
    what = str(error).splitlines()[0] if str(error) else f"{count} problems"
    print(f"error: {what}", file=err)
    for problem in error.problems:
        print(f"  - {problem}", file=err)
    if count > 20:
        print(f"error: {plural(count, 'problem')} (listed above)", file=err)


def _hint(args: argparse.Namespace, error: ValidationError) -> None:
    """One line after the listing when the problems point at a missing option."""
    kinds = {p.kind for p in error.problems}
    unnamed = "bad_clip_name" in kinds
    if unnamed and hasattr(args, "labels") and args.labels is None:
        print(
            "hint: without --labels, labels are read from the clip names; give --labels "
            "(a metadata CSV or a label JSON) for clips named otherwise",
            file=sys.stderr,
        )
    unlabelled = "missing_prediction" in kinds
    if unlabelled and getattr(args, "labels", None) and getattr(args, "partition", None) is None:
        print(
            "hint: the labels cover clips that have no prediction; --partition NAME keeps one "
            "partition of a labels table (such as test)"
            + (", and --lenient leaves them out" if hasattr(args, "lenient") else ""),
            file=sys.stderr,
        )


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    print(f"warning: {message}", file=sys.stderr)


def run(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Runs the command with ``argv`` and returns its exit code (argparse's
    usage errors exit with 2 through ``SystemExit``)."""
    out = out if out is not None else sys.stdout
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    command: Callable[[argparse.Namespace, TextIO], int] = args.run
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = _show_warning
        try:
            check_options(args)
            return command(args, out)
        except BrokenPipeError:
            raise
        except UsageError as error:
            _usage_error(args.parser, str(error))
        except ValidationError as error:
            _print_problems(error, sys.stderr)
            _hint(args, error)
        except (ValueError, TypeError, OSError, ImportError) as error:
            print(f"error: {error}", file=sys.stderr)
    return EXIT_INVALID


def _usage_error(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    parser.error(message)


def main(argv: Sequence[str] | None = None) -> int:
    """The console entry point; returns the exit code."""
    try:
        return run(argv)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`blemore-fast report ... | head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_INVALID
