"""Every docstring example in the package runs and prints what it shows."""

from __future__ import annotations

import doctest
import importlib

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
    "blemore_fast.stats.bootstrap",
    "blemore_fast.stats.compare",
    "blemore_fast.stats.leaderboard",
    "blemore_fast.stats.intervals",
    "blemore_fast.stats.board",
    "blemore_fast.synthetic",
    "blemore_fast.report.classes",
    "blemore_fast.report.breakdown",
    "blemore_fast.report.confusion",
    "blemore_fast.report.baselines",
    "blemore_fast.submission",
    "blemore_fast.archive",
    "blemore_fast.manifest",
    "blemore_fast.challenge",
    "blemore_fast.codabench.yaml_text",
    "blemore_fast.codabench.bundle",
    "blemore_fast.codabench.program",
    "blemore_fast.evalai",
    "blemore_fast.report.plot",
    "blemore_fast.report.page",
    "blemore_fast.probs",
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
