"""The leaderboard: exact scores and differences, invariance, repeatability,
failed systems kept in view, and critical values that match Student's t."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from blemore_fast import compare, decode, leaderboard, score, synthetic
from blemore_fast.errors import Problem
from blemore_fast.stats.rank_sets import competition_ranks, rank_sets, tiers
from browser import needs_browser, probe_page
from cli_support import cli, ok
from hicmae import load_outputs
from scipy import stats


@pytest.fixture(scope="module")
def board_data() -> tuple[dict[str, dict], pd.DataFrame]:
    data = synthetic.make_dataset(seed=3)
    test = data.select("test")
    labels = data.clips[test].reset_index(drop=True)
    systems = {}
    for model in ("good", "weaker"):
        probs = data.probs[model][test]
        for alpha, beta in ((0.3, 0.1), (0.15, 0.2), (0.25, 0.15)):
            preds = decode(probs, alpha=alpha, beta=beta, names=list(labels["filename"]))
            systems[f"{model}_{alpha}_{beta}"] = preds
    return systems, labels


def test_scores_and_differences_are_exactly_score_and_compare(board_data) -> None:
    systems, labels = board_data
    board = leaderboard(systems, labels, cluster="actor", n_resamples=500, seed=1)
    table = board.table.set_index("system")
    for name, preds in systems.items():
        s = score(preds, labels)
        assert (table.loc[name, "presence"], table.loc[name, "salience"]) == (
            s.presence,
            s.salience,
        )
        assert table.loc[name, "mean"] == s.mean
    names = list(systems)
    for a, b in [(names[0], names[1]), (names[4], names[2]), (names[5], names[3])]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            c = compare(systems[a], systems[b], labels, cluster="actor", n_resamples=99, seed=1)
        assert board.pairwise.loc[(a, b), "difference"] == c.mean.estimate
        assert board.pairwise.loc[(b, a), "difference"] == -c.mean.estimate


@pytest.fixture(scope="module")
def hicmae_runs(data_dir: Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """The four real HiCMAE test-set runs, decoded as the challenge does."""
    clips = pd.read_csv(data_dir / "clips.csv", dtype={"filename": str})
    test = clips[clips["partition"] == "test"].reset_index(drop=True)
    runs = {}
    for run in ("epoch50_ce", "epoch50_kl_div", "epoch100_ce", "epoch100_kl_div"):
        names, probs = load_outputs(data_dir / "hicmae" / f"test_{run}.csv")
        runs[run] = decode(probs, alpha=0.3, beta=0.1, names=names)
    return runs, test


@pytest.mark.parametrize("metric", ["presence", "salience", "mean"])
def test_pairwise_is_compare_on_every_pair_of_the_real_runs(hicmae_runs, metric: str) -> None:
    # One pair, one answer: the leaderboard's difference, se and unadjusted
    # p-value are compare's cluster-t ones (two-thirds power scale), for
    # every ordered pair of the four real runs.
    runs, labels = hicmae_runs
    board = leaderboard(runs, labels, metric=metric, n_resamples=2000, seed=1)
    assert board.cluster == "actor" and board.n_units == 11
    assert len(board.pairwise) == 12
    for (a, b), row in board.pairwise.iterrows():
        pair = getattr(compare(runs[a], runs[b], labels), metric)
        assert row["difference"] == pair.estimate
        assert row["se"] == pytest.approx(pair.se, rel=1e-12, abs=1e-15)
        assert row["p_value"] == pytest.approx(pair.p_value, rel=1e-12, abs=1e-15)
        assert row["p_adjusted"] >= row["p_value"]


def test_same_seed_same_table_and_invariant_to_order_and_names(board_data) -> None:
    systems, labels = board_data
    first = leaderboard(systems, labels, cluster="actor", n_resamples=1000, seed=7)
    again = leaderboard(systems, labels, cluster="actor", n_resamples=1000, seed=7)
    pd.testing.assert_frame_equal(first.table, again.table)
    renamed = {f"x{i}_{name}": systems[name] for i, name in enumerate(reversed(list(systems)))}
    shuffled_labels = labels.sample(frac=1, random_state=1)
    other = leaderboard(renamed, shuffled_labels, cluster="actor", n_resamples=1000, seed=7)
    back = {new: new.split("_", 1)[1] for new in renamed}
    moved = other.table.assign(system=other.table["system"].map(back))
    moved = moved.set_index("system").loc[first.table["system"]].reset_index()
    pd.testing.assert_frame_equal(moved, first.table)
    assert other.critical == first.critical


def test_two_systems_critical_value_is_students_t() -> None:
    # One pair: the multiplier statistic is exactly t(G - 1); with 40,000
    # draws the 95% quantile is within Monte-Carlo error of scipy's.
    rng = np.random.default_rng(0)
    actors = np.repeat(np.arange(11), 54).astype(np.int64)
    outcomes = rng.integers(0, 5, size=(2, len(actors))).astype(np.uint8)
    outcomes[1] = outcomes[0]
    flip = rng.random(len(actors)) < 0.3
    outcomes[1, flip] = rng.integers(0, 5, size=flip.sum())
    outcomes[1] = np.where(
        np.isin(outcomes[0], [2, 3, 4]), np.maximum(outcomes[1], 2), np.minimum(outcomes[1], 1)
    )
    from blemore_fast import _core  # the core alone: the critical value before any table is built

    _, _, _, t, p_value, p_adjusted, marginal, joint, critical, df, groups = _core.rank_cells(
        outcomes, groups=actors, metric="presence", confidence=0.95, n_resamples=40_000, seed=3
    )
    assert (df, groups) == (10, 11)
    assert critical == pytest.approx(stats.t.ppf(0.975, 10), abs=0.04)
    # The adjusted p-value of the one pair is compare's t(G - 1) p-value.
    assert p_value[0, 1] == pytest.approx(2 * stats.t.sf(abs(t[0, 1]), 10), rel=1e-12)
    assert p_adjusted[0, 1] == pytest.approx(p_value[0, 1], abs=0.01)
    assert marginal[0, 1] == marginal[1, 0] == joint[0, 1] == (abs(t[0, 1]) > critical)


def test_rank_sets_from_significance() -> None:
    t = np.array([[0, 5, 5], [-5, 0, 1], [-5, -1, 0]], dtype=float)
    low, high = rank_sets(t, np.abs(t) > 2.0)
    assert low.tolist() == [1, 2, 2] and high.tolist() == [1, 3, 3]
    assert competition_ranks(np.array([0.3, 0.5, 0.5])).tolist() == [3, 1, 1]
    assert [x.tolist() for x in tiers(np.array([1, 1, 3, 3]))] == [[0, 1], [2, 3]]


def test_failed_systems_are_listed_not_dropped(board_data) -> None:
    systems, labels = board_data
    broken = dict(systems)
    bad = dict(next(iter(systems.values())))
    bad[next(iter(bad))] = [{"emotion": "angry", "salience": 100}]
    broken["broken"] = bad
    board = leaderboard(broken, labels, cluster="actor", n_resamples=200, seed=1)
    assert "broken" not in set(board.table["system"])
    assert list(board.failed) == ["broken"]
    assert all(isinstance(p, Problem) for p in board.failed["broken"])
    assert "not ranked: broken" in repr(board)
    assert "new actors" in repr(board) and "marginal" in repr(board)


def test_simultaneous_sets_contain_marginal_ones(board_data) -> None:
    systems, labels = board_data
    m = leaderboard(systems, labels, cluster="actor", n_resamples=2000, seed=2)
    s = leaderboard(systems, labels, cluster="actor", n_resamples=2000, seed=2, simultaneous=True)
    m_t, s_t = m.table.set_index("system"), s.table.set_index("system")
    assert (s_t["rank_low"] <= m_t["rank_low"]).all()
    assert (s_t["rank_high"] >= m_t["rank_high"]).all()
    assert "simultaneous" in repr(s)
    assert m.table["mean"].is_monotonic_decreasing


def test_cli_ranks_a_folder_of_zips(board_data, tmp_path: Path) -> None:
    import zipfile

    systems, labels = board_data
    folder = tmp_path / "subs"
    folder.mkdir()
    for name, preds in list(systems.items())[:4]:
        with zipfile.ZipFile(folder / f"{name}.zip", "w") as z:
            z.writestr(f"{name}.json", json.dumps({"predictions": preds}))
    labels.to_csv(tmp_path / "clips.csv", index=False)
    # Actor level by default: every clip's actor can be read.
    run = ok(
        cli(
            "leaderboard", folder, "--labels", "clips.csv", "--bootstrap", "500", "--seed", "4",
            "--json", "--html", "board.html", cwd=tmp_path,
        )
    )  # fmt: skip
    document = run.json()
    assert sorted(row["system"] for row in document["table"]) == sorted(list(systems)[:4])
    assert "new actors" in document["question"] and document["cluster"] == "actor"
    clip = ok(
        cli("leaderboard", folder, "--labels", "clips.csv", "--cluster", "clip", cwd=tmp_path)
    )
    assert "clip level: the actors are treated as fixed" in clip.out
    assert (tmp_path / "board.html").read_text().startswith("<!DOCTYPE html>")


@needs_browser
def test_page_loads_in_chromium_and_every_image_renders(board_data, tmp_path: Path) -> None:
    from blemore_fast.report.leaderboard_page import leaderboard_html

    systems, labels = board_data
    board = leaderboard(systems, labels, cluster="actor", n_resamples=500, seed=1)
    page = leaderboard_html(board, tmp_path / "board.html")
    probe = probe_page(tmp_path, page)
    assert probe.errors == []
    assert [image["alt"] for image in probe.images] == [
        "rank blob plot",
        "pairwise significance map",
        "forest plot",
    ]
    for image in probe.images:
        assert image["complete"] and image["width"] > 0 and image["height"] > 0, image
    assert "new actors" in probe.dom


def test_readme_table_of_the_real_hicmae_runs(data_dir: Path) -> None:
    # The README's "Ranking submissions" table, from examples/leaderboard_hicmae.py.
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "examples" / "leaderboard_hicmae.py"
    spec = importlib.util.spec_from_file_location("leaderboard_hicmae", path)
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    runs, labels = example.systems(data_dir)
    board = leaderboard(runs, labels, cluster="actor", seed=2025)
    table = board.table.set_index("system")
    assert list(table.index) == ["epoch100_kl_div", "epoch100_ce", "epoch50_ce", "epoch50_kl_div"]
    assert table["mean"].round(4).tolist() == [0.1955, 0.1933, 0.1713, 0.1659]
    assert (table["rank_low"] == 1).all() and (table["rank_high"] == 4).all()
    p = board.pairwise["p_adjusted"]
    assert round(p[("epoch100_kl_div", "epoch50_kl_div")], 2) == 0.44
    assert board.groups == [tuple(table.index)]


def test_a_systems_interval_warnings_name_the_system(board_data) -> None:
    systems, labels = board_data
    data = synthetic.make_dataset(seed=3)
    no_salience = decode(
        data.probs["good"][data.select("test")],
        alpha=0.45,
        beta=0.05,
        names=list(labels["filename"]),
    )
    assert score(no_salience, labels).salience_correct == 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        board = leaderboard(
            {**systems, "no_salience": no_salience}, labels, cluster="actor", seed=1
        )
    messages = [str(w.message) for w in caught]
    assert messages and all(m.startswith("no_salience: ") for m in messages), messages
    assert any(m.startswith("no_salience: salience: no hits") for m in messages)
    assert "no_salience" in set(board.table["system"])


def test_a_warning_shared_by_systems_is_raised_once(board_data) -> None:
    # Three actors: every system's own interval warns about too few groups;
    # the leaderboard says it once, naming the systems.
    systems, labels = board_data
    actors = labels["filename"].str.split("_").str[0]
    keep = actors.isin(sorted(set(actors))[:3]).to_numpy()
    few = labels[keep].reset_index(drop=True)
    names = set(few["filename"])
    subset = {s: {n: e for n, e in p.items() if n in names} for s, p in list(systems.items())[:3]}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        leaderboard(subset, few, cluster="actor", n_resamples=200, seed=1)
    messages = [str(w.message) for w in caught]
    assert messages
    assert len(messages) == len(set(messages))
    assert any(m.startswith(", ".join(subset) + ": ") for m in messages), messages
