"""Planning a test set: the fast curve against Student's t (scipy) and
against its own simulation, the size at no difference, actors_needed as
power's inverse, the errors, the CLI and its page, and the leaderboard's
detectable difference."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from blemore_fast import Encoded, bootstrap, compare, decode, leaderboard, plan, synthetic
from blemore_fast.report.plan_page import plan_html
from browser import needs_browser, probe_page
from cli_support import cli, failed, ok
from scipy import stats


@pytest.fixture(scope="module")
def synthetic_pilot() -> tuple[dict, dict, pd.DataFrame]:
    """Two synthetic systems on the 47 train actors (the validation folds' design)."""
    data = synthetic.make_dataset(seed=5)
    train = data.select("train")
    labels = data.clips[train].reset_index(drop=True)
    names = list(labels["filename"])
    a, b = (
        decode(data.probs[m][train], alpha=0.3, beta=0.1, names=names) for m in ("good", "weaker")
    )
    return a, b, labels


@pytest.fixture(scope="module")
def hicmae_pilot(data_dir: Path) -> tuple[Encoded, Encoded, pd.DataFrame]:
    """Two real HiCMAE runs, pooled out of fold over the 47 train actors."""
    clips = pd.read_csv(data_dir / "clips.csv", dtype={"filename": str})
    train = clips[clips["partition"] == "train"].reset_index(drop=True)
    from blemore_fast import read_probs

    def run(name: str) -> Encoded:
        probs = read_probs(str(data_dir / "hicmae" / f"fold*_{name}.csv"), logits=True)
        return probs.decode(alpha=0.3, beta=0.1)

    return run("epoch100_kl_div"), run("epoch100_ce"), train


def _t_power(delta: float, df: float, q: float) -> float:
    return float(stats.t.sf(q - delta, df) + stats.t.cdf(-q - delta, df))


def test_the_curve_is_the_pilots_standard_errors_scaled_with_students_t(synthetic_pilot) -> None:
    a, b, labels = synthetic_pilot
    result = plan(a, labels, against=b, actors=[6, 11, 47, 80], n_sims=0)
    pair = compare(a, b, labels, cluster="actor").mean
    alone = bootstrap(a, labels, cluster="actor").mean
    g = result.pilot_actors
    assert g == 47
    for row in result.table.itertuples():
        k, df = row.actors, row.actors - 1
        se = pair.se * math.sqrt(g / k)
        q = stats.t.ppf(0.975, df)
        assert row.se_difference == pytest.approx(se, rel=1e-12)
        assert row.detectable_difference == pytest.approx((q + stats.t.ppf(0.8, df)) * se, rel=1e-9)
        assert row.power_at_observed == pytest.approx(_t_power(pair.estimate / se, df, q), abs=1e-9)
        # One system: the logit-scale se scaled alike, at its median (Wilson-Hilferty).
        theta = alone.estimate
        spread = q * alone.se / (theta * (1 - theta)) * math.sqrt(g / k)
        spread *= (1 - 2 / (9 * df)) ** 1.5
        logit = math.log(theta / (1 - theta))
        expit = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
        half = (expit(logit + spread) - expit(logit - spread)) / 2
        assert row.half_width == pytest.approx(half, rel=1e-9)
    # At the pilot's own size the curve is compare's own standard error.
    assert result.se_difference(g) == pytest.approx(pair.se, rel=1e-12)


def _agrees(result) -> None:
    """Every checked K: power, se and half-width within Monte-Carlo error."""
    check = result.check
    assert len(check) == 3
    for row in check.itertuples():
        assert abs(row.simulated_power - row.power_at_observed) <= 3 * row.power_mc_error, row
        se_error = row.simulated_se_difference / math.sqrt(2 * (result.n_sims - 1))
        assert (
            abs(row.simulated_se_difference - row.se_difference)
            <= 3 * se_error + 0.03 * row.se_difference
        ), row
        assert row.simulated_half_width == pytest.approx(row.half_width, rel=0.05), row
    assert result.notes == ()


def test_curve_agrees_with_its_simulation_on_synthetic_actors(synthetic_pilot) -> None:
    # A 5.6-point difference: these K take the power from 40% to 80%.
    a, b, labels = synthetic_pilot
    result = plan(a, labels, against=b, actors=[6, 8, 11], n_sims=3000, seed=11)
    assert list(result.check["actors"]) == [6, 8, 11]
    _agrees(result)


def test_curve_agrees_with_its_simulation_on_real_hicmae_actors(hicmae_pilot) -> None:
    a, b, labels = hicmae_pilot
    result = plan(a, labels, against=b, n_sims=3000, seed=2)
    assert list(result.check["actors"]) == [6, 22, 80]
    _agrees(result)


def test_above_95_percent_power_the_curve_is_conservative(synthetic_pilot) -> None:
    # The shifted t treats the difference and its standard error as
    # independent; with real hit rates a larger difference comes with a
    # larger se, so the simulated test rejects more often than the curve says.
    a, b, labels = synthetic_pilot
    result = plan(a, labels, against=b, actors=[20, 30, 40], n_sims=3000, seed=12)
    check = result.check
    assert (check["power_at_observed"] > 0.95).all()
    assert (
        check["simulated_power"] >= check["power_at_observed"] - 3 * check["power_mc_error"]
    ).all()


def test_a_disagreement_is_said(hicmae_pilot) -> None:
    # With 2-4 actors the t approximation and the test's size give way: the
    # notes name every size where the simulation and the curve part.
    a, b, labels = hicmae_pilot
    result = plan(a, labels, against=b, actors=[2, 3, 4], n_sims=3000, seed=1)
    check = result.check.set_index("actors")
    power_off = (check["simulated_power"] - check["power_at_observed"]).abs()
    size_off = (check["simulated_size"] - 0.05).abs()
    width_off = (check["simulated_half_width"] / check["half_width"] - 1).abs()
    expected = {
        f"{k} actors"
        for k in check.index
        if power_off[k] > 3 * check["power_mc_error"][k]
        or size_off[k] > 3 * check["size_mc_error"][k]
        or width_off[k] > 0.05
    }
    assert expected  # there is something to say here
    assert {note.split(":")[0] for note in result.notes} == expected


def test_power_at_no_difference_is_the_tests_size(synthetic_pilot, hicmae_pilot) -> None:
    for a, b, labels in (synthetic_pilot, hicmae_pilot):
        result = plan(a, labels, against=b, n_sims=3000, seed=3)
        k = np.arange(6, 81)
        assert np.allclose(result.power(0.0, k), 0.05, atol=1e-9)
        # The simulated test (A and B swapped within random actors) holds its size.
        assert (
            (result.check["simulated_size"] >= 0.03) & (result.check["simulated_size"] <= 0.07)
        ).all()


def test_actors_needed_inverts_power(synthetic_pilot) -> None:
    a, b, labels = synthetic_pilot
    result = plan(a, labels, against=b, n_sims=0, power=0.9)
    for d in (0.005, 0.01, 0.02, 0.04, 0.1, -0.02):
        k = result.actors_needed(d)
        assert k is not None
        assert result.power(d, k) >= 0.9
        assert k == 2 or result.power(d, k - 1) < 0.9
    assert result.actors_needed(0.0) is None
    assert result.actors_needed(1e-6) is None  # beyond 100,000 actors
    # The table's power reaches the target at the same K.
    d = result.pilot_difference
    needed = result.actors_needed(d)
    reached = result.table[result.table["power_at_observed"] >= 0.9]["actors"]
    if needed is not None and needed <= 80:
        assert reached.iloc[0] == max(needed, 6)


def test_same_seed_same_plan(synthetic_pilot) -> None:
    a, b, labels = synthetic_pilot
    one = plan(a, labels, against=b, actors=[6, 20], n_sims=200, seed=4)
    two = plan(a, labels, against=b, actors=[20, 6], n_sims=200, seed=4)
    pd.testing.assert_frame_equal(one.check, two.check)
    pd.testing.assert_frame_equal(one.table, two.table)
    assert plan_html(one) == plan_html(two)
    assert plan(a, labels, n_sims=10).seed != plan(a, labels, n_sims=10).seed


def test_one_system_plans_the_interval_only(synthetic_pilot) -> None:
    a, _, labels = synthetic_pilot
    result = plan(a, labels, actors=[6, 11], n_sims=100, seed=1)
    assert list(result.table.columns) == ["actors", "half_width"]
    assert "simulated_power" not in result.check
    with pytest.raises(ValueError, match="needs a second system"):
        result.power(0.02, 11)
    with pytest.raises(ValueError, match="needs a second system"):
        result.actors_needed(0.02)


def _pilot_of(n_actors: int) -> tuple[dict, pd.DataFrame]:
    clips = synthetic.make_clips(n_actors=n_actors + 2, n_test_actors=2, n_folds=1, seed=0)
    train = clips[clips["partition"] == "train"].reset_index(drop=True)
    preds = {name: [{"emotion": "neu", "salience": 100}] for name in train["filename"]}
    return preds, train


def test_errors_name_the_argument() -> None:
    preds, labels = _pilot_of(5)
    with pytest.raises(ValueError, match="the pilot has 5 actor.*at least 6"):
        plan(preds, labels)
    preds, labels = _pilot_of(6)
    unnamed = {f"clip{i}": v for i, v in enumerate(preds.values())}
    unnamed_labels = pd.DataFrame(
        {"filename": list(unnamed), "emotion_1": "neu", "emotion_2": None,
         "emotion_1_salience": 100, "emotion_2_salience": None}
    )  # fmt: skip
    with pytest.raises(ValueError, match="plan"):
        plan(unnamed, unnamed_labels, strict=False)
    cases = [
        ({"metric": "median"}, ValueError, "metric must be one of"),
        ({"actors": [1, 6]}, ValueError, "actors must be at least 2"),
        ({"actors": []}, ValueError, "actors must not be empty"),
        ({"actors": "6:80"}, TypeError, "actors must be an int"),
        ({"actors": [6.5]}, TypeError, "actors must be an int"),
        ({"power": 1.5}, ValueError, "power must be strictly between 0 and 1"),
        ({"confidence": 0}, ValueError, "confidence must be strictly between"),
        ({"n_sims": -1}, ValueError, "n_sims must be at least 0"),
        ({"n_sims": True}, TypeError, "n_sims must be an integer"),
        ({"seed": -1}, ValueError, "seed"),
    ]
    for kwargs, error, message in cases:
        with pytest.raises(error, match=message):
            plan(preds, labels, **kwargs)
    fewer = dict(list(preds.items())[:-1])
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="preds and against must cover"):
        plan(preds, labels, against=fewer, strict=False)


# The CLI and its page.


@pytest.fixture(scope="module")
def pilot_files(synthetic_pilot, tmp_path_factory) -> Path:
    a, b, labels = synthetic_pilot
    folder = tmp_path_factory.mktemp("plan")
    (folder / "a.json").write_text(json.dumps(a))
    (folder / "b.json").write_text(json.dumps(b))
    labels.to_csv(folder / "clips.csv", index=False)
    return folder


def test_cli_prints_a_readable_table_and_writes_csv_and_json(pilot_files: Path) -> None:
    run = ok(
        cli("plan", "a.json", "--against", "b.json", "--labels", "clips.csv", "--sims", "300",
            "--seed", "1", "--actors", "6:80", cwd=pilot_files)
    )  # fmt: skip
    shown = [int(line.split()[0]) for line in run.out.splitlines() if line[:6].strip().isdigit()]
    assert shown[:5] == [6, 8, 10, 11, 12] and 47 in shown and shown[-1] == 80
    assert "curve against 300 simulated test sets" in run.out
    assert "actors for 80% power at the pilot's difference:" in run.out
    document = ok(
        cli("plan", "a.json", "--against", "b.json", "--labels", "clips.csv", "--sims", "300",
            "--seed", "1", "--json", cwd=pilot_files)
    ).json()  # fmt: skip
    assert len(document["table"]) == 75 and document["seed"] == 1
    python = plan(
        json.loads((pilot_files / "a.json").read_text()),
        pd.read_csv(pilot_files / "clips.csv"),
        against=json.loads((pilot_files / "b.json").read_text()),
        n_sims=300,
        seed=1,
    )
    assert document["table"][5]["detectable_difference"] == python.table["detectable_difference"][5]
    assert document["check"][1]["simulated_power"] == python.check["simulated_power"][1]
    csv = ok(
        cli("plan", "a.json", "--labels", "clips.csv", "--sims", "0", "-o", "-", cwd=pilot_files)
    )
    table = pd.read_csv(__import__("io").StringIO(csv.out))
    assert list(table.columns) == ["actors", "half_width"] and len(table) == 75
    assert "CSV table" in csv.err  # the command's own lines go to stderr


def test_cli_errors_as_json(pilot_files: Path, tmp_path: Path) -> None:
    preds, labels = _pilot_of(4)
    (tmp_path / "a.json").write_text(json.dumps(preds))
    labels.to_csv(tmp_path / "clips.csv", index=False)
    run = failed(cli("plan", "a.json", "--labels", "clips.csv", "--json", cwd=tmp_path))
    assert "at least 6" in run.json()["error"]
    usage = failed(cli("plan", "a.json", "--actors", "1:3", cwd=tmp_path), code=2)
    assert "--actors" in usage.err
    assert "example:" in ok(cli("plan", "--help", cwd=tmp_path)).out


@needs_browser
def test_page_loads_in_chromium_and_its_figure_renders(pilot_files: Path, tmp_path: Path) -> None:
    ok(
        cli("plan", "a.json", "--against", "b.json", "--labels", "clips.csv", "--sims", "300",
            "--seed", "1", "--html", tmp_path / "plan.html", cwd=pilot_files)
    )  # fmt: skip
    page = (tmp_path / "plan.html").read_text(encoding="utf-8")
    probe = probe_page(tmp_path, page)
    assert probe.errors == []
    assert [image["alt"] for image in probe.images] == [
        "power and detectable difference against the number of actors"
    ]
    for image in probe.images:
        assert image["complete"] and image["width"] > 500 and image["height"] > 200, image
    assert "Curve against simulation" in probe.dom and "47 actors" in probe.dom
    assert "80% power for it takes" in probe.dom


# The leaderboard's detectable difference.


def test_leaderboard_states_the_detectable_difference(synthetic_pilot) -> None:
    data = synthetic.make_dataset(seed=3)
    test = data.select("test")
    labels = data.clips[test].reset_index(drop=True)
    names = list(labels["filename"])
    systems = {
        f"{m}_{alpha}": decode(data.probs[m][test], alpha=alpha, beta=0.1, names=names)
        for m in ("good", "weaker")
        for alpha in (0.2, 0.3)
    }
    board = leaderboard(systems, labels, cluster="actor", n_resamples=500, seed=1)
    se = board.pairwise["se"].to_numpy()
    factor = stats.t.ppf(0.975, board.df) + stats.t.ppf(0.8, board.df)
    d = board.detectable
    assert d["median"] == pytest.approx(np.median(se) * factor, rel=1e-9)
    assert d["low"] == pytest.approx(se.min() * factor, rel=1e-9)
    assert d["high"] == pytest.approx(se.max() * factor, rel=1e-9)
    text = f"below about {d['median'] * 100:.1f} points"
    assert text in repr(board) and "not detectable at 80% power with 11 actors" in repr(board)
    assert board.as_dict()["detectable"] == d
    from blemore_fast.report.leaderboard_page import leaderboard_html

    assert text in leaderboard_html(board, plots=False)


def test_readme_table_of_the_hicmae_validation_folds(data_dir: Path) -> None:
    # The README's "Planning a test set" table, from examples/plan_hicmae.py.
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "examples" / "plan_hicmae.py"
    spec = importlib.util.spec_from_file_location("plan_hicmae", path)
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    runs, labels = example.pilot(data_dir)
    result = plan(runs["epoch100_kl_div"], labels, against=runs["epoch100_ce"], seed=2025)
    assert result.pilot_actors == 47 and round(result.pilot_difference, 4) == 0.0166
    table = result.table.set_index("actors")
    assert table.loc[11].round(4).tolist()[:4] == [0.0361, 0.0121, 0.0377, 0.2075]
    assert table.loc[80].round(4).tolist()[:4] == [0.0123, 0.0045, 0.0127, 0.9535]
    assert [result.actors_needed(d) for d in (0.01, 0.0166, 0.02, 0.03)] == [129, 49, 34, 17]
    check = result.check.set_index("actors")
    assert check["simulated_power"].round(4).tolist() == [0.091, 0.469, 0.9585]
    assert result.notes == ()
