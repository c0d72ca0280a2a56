"""A quick run of ``calibrate/ranks.py`` (the full run is ``make calibrate``):
at 11 actors the marginal rank sets must cover the true rank, the plain
bootstrap of ranks must fall short for some system or for all at once, and
the clearly better system must usually be placed in the top two."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "calibrate"))
import ranks

DATASETS = 150


@pytest.fixture(scope="module")
def table():
    return ranks.run(11, DATASETS, n_resamples=1000, bootstrap_resamples=500, seed=11).set_index(
        "sets"
    )


def test_marginal_sets_cover(table) -> None:
    row = table.loc["marginal"]
    assert row["coverage"] >= 0.95 - 2 * max(row["coverage_se"], 0.005)
    assert row["worst_system"] >= 0.90


def test_simultaneous_sets_cover_all_at_once(table) -> None:
    row = table.loc["simultaneous"]
    assert row["all_at_once"] >= 0.95 - 2 * max(row["all_at_once_se"], 0.01)


def test_plain_bootstrap_of_ranks_covers_less(table) -> None:
    plain, marginal = table.loc["bootstrap"], table.loc["marginal"]
    assert plain["worst_system"] < marginal["worst_system"] - 0.05
    assert plain["all_at_once"] < table.loc["simultaneous"]["all_at_once"] - 0.1


def test_sets_are_informative(table) -> None:
    # [1, S] always covers; the sets must say more, and place the +1 system high.
    assert table.loc["marginal", "mean_size"] < 0.6 * len(ranks.SKILLS)
    assert table.loc["marginal", "best_in_top_two"] >= 0.8
