"""The quick calibration check of ``make calibrate`` (see calibrate/): at the
test set's size, 11 actors, the default's 95% intervals must contain the
new-actor value at least 92% of the time, and ``compare`` must reject a true
"no difference" at most 8% of the time at 0.05.

1,000 simulated datasets per cell (sd 0.6, unequal actor sizes, presence
0.30 with salience 0.13 or 0.06): the Monte-Carlo standard error of a
coverage near 95% is 0.7 points, so 92% is four standard errors below the
goal, and of a 5% rejection rate 0.7 points (8% is four above). The check
has teeth: the actor bootstrap it replaced covers about 90% here and fails.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from calibrate import coverage, dgp

DATASETS = 1000


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    intervals, nulls = coverage.quick_grids()
    out: list[dict] = []
    for s in intervals:
        out += coverage.interval_cell(s, DATASETS)
    for s in nulls:
        out += coverage.rejection_cell(s, DATASETS)
    return out


def _rates(rows: list[dict], method: str, what: str) -> dict[str, float]:
    return {
        f"{r['level']} {r['kind'] if what == 'rejection' else ''} {r['metric']}": r["rate"]
        for r in rows
        if r["method"] == method and r["what"] == what
    }


def test_intervals_cover_new_actors_at_11_actors(rows):
    coverage_ = _rates(rows, "cluster-t", "coverage")
    assert len(coverage_) == 6
    assert min(coverage_.values()) >= 0.92, coverage_


def test_compare_keeps_its_false_alarm_rate_at_11_actors(rows):
    rejection = _rates(rows, "cluster-t", "rejection")
    assert len(rejection) == 6
    assert max(rejection.values()) <= 0.08, rejection


def test_the_check_fails_the_actor_bootstrap(rows):
    assert min(_rates(rows, "percentile", "coverage").values()) < 0.92


def test_the_real_test_sets_spread_is_simulated():
    # `make calibrate`'s world for the pair's interval: 26-70 clips per actor,
    # heavy-tailed per-actor differences between A and B, a known population
    # difference.
    null = dgp.Setting(actors=6, sizes="wide", kind="skewed", tau=1.0, kappa=0.7)
    d = dgp.simulate_pair(np.random.default_rng(1), null, 400)
    assert d["n"].min() == 26 and d["n"].max() == 70
    assert (d["b"] <= d["n"]).all() and (d["sA"] <= d["pA"]).all()
    assert dgp.paired_truth(null).tolist() == [0.0, 0.0, 0.0]
    # Per-actor differences of presence rates: heavy-tailed (a few actors where
    # one system is much better), unlike null2's normal shifts (excess kurtosis
    # about -0.4 at this scale).
    rate = (d["pA"] - d["pB"]) / d["n"]
    centred = rate - rate.mean()
    kurtosis = (centred**4).mean() / (centred**2).mean() ** 2 - 3
    assert kurtosis > 0.7, kurtosis
    better = dgp.Setting(actors=6, sizes="wide", kind="skewed", tau=1.0, kappa=0.7, target=0.3)
    truth = dgp.paired_truth(better)
    assert 0.04 < truth[0] < 0.07 and 0 < truth[1] < truth[0]
    assert truth[2] == (truth[0] + truth[1]) / 2
    observed = dgp.simulate_pair(np.random.default_rng(2), better, 4000)
    presence = (observed["pA"] - observed["pB"]).sum() / observed["n"].sum()
    assert abs(presence - truth[0]) < 0.005  # the population value the intervals must hold
