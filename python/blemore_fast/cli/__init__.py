"""The ``blemore-fast`` command: score, validate, grid, decode, report, compare, plan, demo.

The command is thin: each subcommand reads its files, calls the library and
prints. Tables are aligned for a terminal; ``--json`` prints one JSON object
for machines instead.

- :mod:`.parser`: the options of every subcommand, with an example each;
- :mod:`.inputs`: reading prediction files, probability CSVs, labels and manifests;
- :mod:`.files`: ``-`` for standard input and output, outputs that would overwrite an input;
- :mod:`.checks`: what the library would say in Python's words, checked in the command's;
- :mod:`.output`: tables, intervals and JSON as the subcommands print them;
- :mod:`.problems`: bounded problem listings, the one-line diagnosis, the JSON error;
- :mod:`.commands`, :mod:`.report_command` and the other ``*_command`` modules: the subcommands;
- :mod:`.terminal`: aligned text tables, JSON-safe values, the progress bar;
- :mod:`.demo`: the demo pipeline behind ``blemore-fast demo``.

Exit codes: 0 on success, 1 for invalid input (the problems are listed on
stderr, 20 at most unless ``--max-problems`` says otherwise, without a
traceback, and with ``--json`` also as one JSON object on stdout), 2 for
usage errors (bad options). A reader that goes away (``| head``) ends the
command quietly: ``validate`` with its verdict (1 invalid, 0 valid), the
others with 0 (1 if they had already failed).

Every name or value echoed (text, warnings and ``--json`` alike) has its
control characters escaped (:mod:`blemore_fast.escape`).

``-`` is standard input where a command reads a file, and standard output
where it writes one (:mod:`.files`).

Run ``blemore-fast SUBCOMMAND --help`` for each subcommand's options and an
example.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import NoReturn, TextIO, cast

from ..errors import Problem, ValidationError
from ..escape import escape_text
from ..inputs.limits import UPLOAD_BYTES, Limits, input_limits
from .files import prepare_files
from .inputs import UsageError, check_options
from .output import EXIT_INVALID, EXIT_OK, EXIT_USAGE, EscapedStream, PipeClosed, emit_json
from .parser import build_parser
from .problems import diagnose, error_document, list_problems, max_problems

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "build_parser", "main", "run"]


def _report(
    args: argparse.Namespace,
    error: str,
    problems: Sequence[Problem],
    out: TextIO,
) -> None:
    """Shows a failure: the listing and its diagnosis on stderr, and with
    ``--json`` the error object on ``out``."""
    hint = diagnose(problems, args)
    print(escape_text(f"error: {error}{':' if problems else ''}"), file=sys.stderr)
    list_problems(problems, max_problems(args), sys.stderr)
    if hint:
        print(escape_text(f"hint: {hint}"), file=sys.stderr)
    if getattr(args, "json", False):
        emit_json(error_document(error, problems, max_problems(args, json=True), hint), out)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    print(escape_text(f"warning: {message}"), file=sys.stderr)


def run(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Runs the command with ``argv`` and returns its exit code (argparse's
    usage errors exit with 2 through ``SystemExit``)."""
    # Names and values a participant chose are echoed: escaped, everywhere.
    out = cast(TextIO, EscapedStream(out if out is not None else sys.stdout))
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    command: Callable[[argparse.Namespace, TextIO], int] = args.run
    with warnings.catch_warnings(), input_limits(limits=_command_limits(args)):
        warnings.simplefilter("always")
        warnings.showwarning = _show_warning
        try:
            check_options(args)
            # With a file on standard output, the command's own lines go to stderr.
            messages = cast(TextIO, EscapedStream(sys.stderr)) if prepare_files(args) else out
            return command(args, messages)
        except BrokenPipeError:
            verdict = getattr(args, "verdict", None)  # validate's, once known
            if verdict is not None:
                raise PipeClosed(verdict) from None
            raise
        except UsageError as error:
            if getattr(args, "json", False):
                emit_json(error_document(str(error), [], None, None), out)
            _usage_error(args.parser, str(error))
        except ValidationError as error:
            _report(args, error.summary, error.problems, out)
        except (ValueError, TypeError, OSError, ImportError) as error:
            _report(args, str(error), [], out)
        except MemoryError:
            _report(args, _OUT_OF_MEMORY, [], out)
    return EXIT_INVALID


#: What a command says when memory runs out, instead of a traceback.
_OUT_OF_MEMORY = (
    "out of memory: the input needs more memory than this machine or process allows "
    "(--max-bytes and --max-clips refuse large inputs before they are read)"
)


def _command_limits(args: argparse.Namespace) -> Limits:
    """The limits on what the command reads: its --max-bytes and --max-clips,
    else the generous defaults, or an upload's 64 MiB when ``validate``
    checks one (its clip limit is set where the expected names are known)."""
    given = {k: v for k in ("max_bytes", "max_clips") if (v := getattr(args, k, None)) is not None}
    if args.command == "validate" and (args.codabench or args.manifest):
        given.setdefault("max_bytes", UPLOAD_BYTES)
    return Limits(
        **given,
        raise_bytes="raise it with --max-bytes",
        raise_clips="raise it with --max-clips",
    )


def _usage_error(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    parser.error(message)


def main(argv: Sequence[str] | None = None) -> int:
    """The console entry point; returns the exit code."""
    code = None
    try:
        code = run(argv)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError as error:
        # The reader went away (`blemore-fast report ... | head`): what it
        # wanted it has; stop quietly. `validate` still answers with its
        # verdict (a script reads it); other commands end with their code if
        # they finished, else with success, as `head` expects.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        if isinstance(error, PipeClosed):
            return error.status
        return EXIT_OK if code is None else code
