"""The command's files: ``-`` for standard input and output, and outputs
that must not overwrite the command's own inputs.

:func:`prepare_files` runs once the options are parsed and checked, before
any file is read: it refuses an output that is one of the inputs (the same
file by any name: a symlink or a hard link counts), checks every output can
be written, and reads standard input when an input is ``-``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..inputs import read_stdin
from ..writing import check_writable, descriptor
from .inputs import UsageError

__all__ = ["PLOT_DIR_FILES", "STDIN_NAME", "STDIO", "STDOUT_PATH", "prepare_files", "shown"]

#: ``-`` as a file: standard input for an input, standard output for an output.
STDIO = "-"
#: How messages name standard input.
STDIN_NAME = "<stdin>"
#: Where an output of ``-`` is written (through descriptor 1, see blemore_fast.writing).
STDOUT_PATH = "/dev/stdout"

# Input options that may be standard input (attribute, how messages name
# it); `probs` holds a list.
_INPUTS = (
    ("preds", "PREDS"),
    ("a", "A"),
    ("b", "B"),
    ("probs", "PROBS.csv"),
    ("labels", "--labels"),
    ("manifest", "--manifest"),
    ("names_map", "--names-map"),
)
# Inputs read by path only: still never overwritten.
_PATH_INPUTS = (("train_labels", "--train-labels"), ("terms", "--terms"))
# The files `report --plot-dir` writes.
PLOT_DIR_FILES = (
    "breakdown.csv",
    "confusion.csv",
    "confusion.png",
    "presence.png",
    "salience.png",
    "bootstrap.png",
)


def shown(path: str) -> str:
    """A path as messages show it: ``-`` (and other names of it) is standard output."""
    return "standard output" if path == STDIO or descriptor(path) == 1 else path


@dataclass(frozen=True)
class _Input:
    """An input file given to the command: how messages name it, the value,
    and where it sits in the options (None for a file found in --data)."""

    name: str
    path: str
    attr: str | None = None
    index: int | None = None


def _inputs(args: argparse.Namespace) -> Iterator[_Input]:
    """Every input file the options name."""
    for attr, name in (*_INPUTS, *_PATH_INPUTS):
        value = getattr(args, attr, None)
        if isinstance(value, list):
            yield from (_Input(name, v, attr, i) for i, v in enumerate(value) if isinstance(v, str))
        elif isinstance(value, str):
            yield _Input(name, value, attr)
    data = getattr(args, "data", None)
    if isinstance(data, str):
        folder = Path(data)
        for path in [folder / "clips.csv", *sorted(folder.glob("hicmae/*.csv"))]:
            yield _Input("--data", str(path))


def _outputs(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(attribute, option) of every single-file output the command will write:
    the subcommand declares them (``file_outputs`` in the parser)."""
    declared: dict[str, str] = getattr(args, "file_outputs", {})
    if getattr(args, "no_report", False):
        return []  # demo --no-report writes no page
    return [(a, o) for a, o in declared.items() if getattr(args, a, None)]


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def _check_not_an_input(option: str, output: str, inputs: list[_Input]) -> None:
    written = _stat(output)
    if written is None:
        return
    for given in inputs:
        read = _stat(given.path)
        if read is not None and _same_file(written, read):
            same = "" if given.path == output else " (the same file by another name)"
            raise UsageError(
                f"{option} {output} would overwrite the input {given.name} {given.path}{same}; "
                "write to another file"
            )


def prepare_files(args: argparse.Namespace) -> bool:
    """Checks the command's files and reads standard input; returns True when
    an output goes to standard output (the command's own messages then go
    to standard error)."""
    outputs = _outputs(args)
    to_stdout = [
        option
        for attr, option in outputs
        if getattr(args, attr) == STDIO or descriptor(getattr(args, attr)) == 1
    ]
    if len(to_stdout) > 1:
        raise UsageError(f"{' and '.join(to_stdout)} cannot both write to standard output (-)")
    if to_stdout and getattr(args, "json", False):
        raise UsageError(f"--json and {to_stdout[0]} both write to standard output")
    if getattr(args, "plot_dir", None) == STDIO:
        raise UsageError("--plot-dir names a directory; - (standard output) is one file")
    given = list(_inputs(args))
    from_stdin = [g for g in given if g.path == STDIO and g.attr in dict(_INPUTS)]
    if len(from_stdin) > 1:
        names = " and ".join(g.name for g in from_stdin)
        raise UsageError(f"{names} cannot both read standard input (-)")
    inputs = [g for g in given if g.path != STDIO]
    for attr, option in outputs:
        path = getattr(args, attr)
        if path != STDIO:
            _check_not_an_input(option, path, inputs)
            check_writable(path)
    plot_dir = getattr(args, "plot_dir", None)
    if plot_dir:
        for name in PLOT_DIR_FILES:
            _check_not_an_input("--plot-dir", str(Path(plot_dir) / name), inputs)
    for attr, _ in outputs:
        if getattr(args, attr) == STDIO:
            setattr(args, attr, STDOUT_PATH)
    for source in from_stdin:
        _read_stdin(args, source)
    return bool(to_stdout)


def _read_stdin(args: argparse.Namespace, given: _Input) -> None:
    assert given.attr is not None
    data = read_stdin(STDIN_NAME, sys.stdin.buffer)
    if given.index is None:
        setattr(args, given.attr, data)
    else:
        getattr(args, given.attr)[given.index] = data
