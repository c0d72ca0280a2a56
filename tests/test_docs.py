"""Every docstring example in the package runs and prints what it shows."""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import inspect
import re

import pytest

MODULES = [
    "blemore_fast",
    "blemore_fast.actors",
    "blemore_fast.encoded",
    "blemore_fast.filenames",
    "blemore_fast.scoring",
    "blemore_fast.training.decode",
    "blemore_fast.training.grid",
    "blemore_fast.training.accumulator",
    "blemore_fast.training.labels",
    "blemore_fast.training._coerce",
    "blemore_fast.stats.bootstrap",
    "blemore_fast.stats.compare",
    "blemore_fast.stats.leaderboard",
    "blemore_fast.stats.plan",
    "blemore_fast.stats.intervals",
    "blemore_fast.stats.board",
    "blemore_fast.synthetic",
    "blemore_fast.report.classes",
    "blemore_fast.report.breakdown",
    "blemore_fast.report.confusion",
    "blemore_fast.report.baselines",
    "blemore_fast.submission",
    "blemore_fast.inputs.zips",
    "blemore_fast.inputs.files",
    "blemore_fast.inputs.limits",
    "blemore_fast.manifest",
    "blemore_fast.challenge",
    "blemore_fast.codabench.yaml_text",
    "blemore_fast.codabench.bundle",
    "blemore_fast.codabench.program",
    "blemore_fast.evalai",
    "blemore_fast.report.plot",
    "blemore_fast.report.page",
    "blemore_fast.report.scores_page",
    "blemore_fast.escape",
    "blemore_fast.probs",
    "blemore_fast.inputs.tables",
    "blemore_fast.inputs.tables.emotions",
    "blemore_fast.cli.terminal",
    "blemore_fast.cli.demo",
    "blemore_fast.cli.parser",
    "blemore_fast.errors",
    "blemore_fast.inputs",
    "blemore_fast.writing",
    "blemore_fast.torch.score",
    "blemore_fast.torch.search",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    if name.endswith(".plot"):
        pytest.importorskip("matplotlib")
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0


def _public_callables() -> list[tuple[str, object]]:
    import blemore_fast

    found = [(f"blemore_fast.{name}", getattr(blemore_fast, name)) for name in blemore_fast.__all__]
    for module in ("codabench", "evalai"):
        imported = importlib.import_module(f"blemore_fast.{module}")
        found += [(f"{imported.__name__}.{n}", getattr(imported, n)) for n in imported.__all__]
    if importlib.util.find_spec("torchmetrics") is not None:
        from blemore_fast import torch as metrics

        found += [(f"blemore_fast.torch.{n}", getattr(metrics, n)) for n in metrics.__all__]
    return [(name, value) for name, value in found if callable(value)]


def _section(doc: str, title: str) -> str | None:
    """The body of a NumPy-style section, or None when the docstring has none."""
    match = re.search(
        rf"^{title}\n-{{{len(title)}}}\n(.*?)(?=^\w[\w ]*\n-{{3,}}\n|\Z)", doc, re.M | re.S
    )
    return None if match is None else match.group(1)


def _documented(parameters: str) -> set[str]:
    names: set[str] = set()
    for line in parameters.splitlines():
        if line and not line[0].isspace():
            names.update(part.strip() for part in line.split(" : ")[0].split(","))
    return names


def _signature_names(value: object) -> set[str]:
    target = value.__init__ if inspect.isclass(value) else value  # type: ignore[misc]
    names = set()
    for parameter in inspect.signature(target).parameters.values():
        if parameter.name == "self":
            continue
        star = {inspect.Parameter.VAR_KEYWORD: "**", inspect.Parameter.VAR_POSITIONAL: "*"}
        names.add(star.get(parameter.kind, "") + parameter.name)
    return names


@pytest.mark.parametrize("name, value", [pytest.param(*c, id=c[0]) for c in _public_callables()])
def test_public_docstrings_have_numpy_sections(name: str, value: object) -> None:
    doc = inspect.getdoc(value) or ""
    assert _section(doc, "Examples") is not None, f"{name} has no Examples section"
    wanted = _signature_names(value)
    if inspect.isclass(value) and _section(doc, "Attributes") is not None:
        return  # a result record: its fields are documented as attributes
    parameters = _section(doc, "Parameters")
    if wanted:
        assert parameters is not None, f"{name} has no Parameters section"
        assert _documented(parameters) == wanted, f"{name}: documented parameters differ"
    if inspect.isfunction(value):
        assert _section(doc, "Returns") is not None, f"{name} has no Returns section"
