"""Writes the site's two generated pages: the API and the CLI reference.

``make docs`` runs this before the site is built, so neither page can drift
from the code:

- ``docs/reference/api.md``: one mkdocstrings entry (``::: name``) for every
  name in ``blemore_fast.__all__`` and in the public subpackages, each with
  its own anchor (the name itself, such as ``blemore_fast.score``);
- ``docs/reference/cli.md``: every subcommand of the argparse parser the
  command itself uses, with its usage, description, example and every
  option's help and default, read from the parser objects.

Both files are build output (ignored by git).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path

import blemore_fast
from blemore_fast.cli.parser import build_parser

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "reference"

#: The public subpackages with a reference section of their own, after the
#: package's top-level names. ``torch`` needs the [torch] extra; the reference
#: reads its source (griffe), so building the site does not need torch.
SUBPACKAGES = {
    "blemore_fast.torch": "torchmetrics metrics (the `[torch]` extra)",
    "blemore_fast.codabench": "the Codabench bundle and scoring program",
    "blemore_fast.evalai": "EvalAI's evaluation script",
}


def _public_names(module: str) -> list[str]:
    if module == "blemore_fast.torch":  # its __all__, read without importing torch
        source = (Path(blemore_fast.__file__).parent / "torch" / "__init__.py").read_text()
        namespace: dict[str, object] = {}
        start = source.index("__all__")
        exec(source[start : source.index("]", start) + 1], namespace)
        return list(namespace["__all__"])  # type: ignore[call-overload]
    return list(importlib.import_module(module).__all__)


def _entry(path: str, value: object) -> list[str]:
    """One ``::: path`` entry. A value read from the compiled module (such as
    ``__version__``, a str) carries its type's docstring; that is left out."""
    if not callable(value) and inspect.getdoc(value) == inspect.getdoc(type(value)):
        return [f"::: {path}", "    options:", "      show_docstring_description: false", ""]
    return [f"::: {path}", ""]


def api_page() -> str:
    """The API reference: one ``::: name`` entry per public name."""
    lines = [
        "# API reference",
        "",
        "Every public name, generated from `blemore_fast.__all__` and the",
        "`__all__` of the public subpackages when the site is built.",
        "",
        "## `blemore_fast`",
        "",
    ]
    for name in sorted(blemore_fast.__all__, key=str.lower):
        lines += _entry(f"blemore_fast.{name}", getattr(blemore_fast, name))
    for module, title in SUBPACKAGES.items():
        lines += [f"## `{module}`: {title}", ""]
        for name in _public_names(module):
            lines += [f"::: {module}.{name}", ""]
    return "\n".join(lines)


def _subcommands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*path, name), sub
                yield from _subcommands(sub, (*path, name))


def _metavar(action: argparse.Action) -> str:
    if action.metavar is not None:
        return str(action.metavar)
    if action.choices is not None:
        return "{" + ",".join(map(str, action.choices)) + "}"
    return action.dest.upper()


def _option_row(action: argparse.Action) -> str | None:
    if action.help == argparse.SUPPRESS or isinstance(
        action, argparse._HelpAction | argparse._SubParsersAction
    ):
        return None
    if action.option_strings:
        names = ", ".join(action.option_strings)
        if action.nargs != 0:
            names += " " + _metavar(action)
    else:
        names = _metavar(action) if action.metavar or action.choices else action.dest
        if action.nargs in ("*", "+"):
            names += " ..."
    default = action.default
    shown = (
        ""
        if default is None
        or default is False
        or default == argparse.SUPPRESS
        or not action.option_strings
        else f"`{default}`"
    )
    help_text = (action.help or "").replace("%(default)s", str(default)).replace("%%", "%")
    help_text = help_text.replace("|", "\\|").replace("\n", " ")
    return f"| `{names}` | {help_text} | {shown} |"


def cli_page() -> str:
    """The CLI reference: every subcommand and option, from the parser."""
    parser = build_parser()
    lines = [
        "# CLI reference",
        "",
        f"Generated from `{parser.prog}`'s own argparse parser when the site is",
        "built: every subcommand, every option with its help and default.",
        "The same text is one `--help` away in a shell.",
        "",
        "```text",
        parser.format_usage().strip(),
        "```",
        "",
        parser.description or "",
        "",
        "```text",
        (parser.epilog or "").strip(),
        "```",
        "",
    ]
    for path, sub in _subcommands(parser):
        command = " ".join((parser.prog, *path))
        lines += [f"## `{command}`", "", "```text", sub.format_usage().strip(), "```", ""]
        if sub.description:
            lines += [sub.description.strip(), ""]
        rows = [row for action in sub._actions if (row := _option_row(action))]
        if rows:
            lines += ["| argument | meaning | default |", "| --- | --- | --- |", *rows, ""]
        if sub.epilog:
            lines += ["```text", sub.epilog.strip(), "```", ""]
    return "\n".join(lines)


def main() -> int:
    REFERENCE.mkdir(parents=True, exist_ok=True)
    (REFERENCE / "api.md").write_text(api_page(), encoding="utf-8")
    (REFERENCE / "cli.md").write_text(cli_page(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
