"""Coverage: 95% intervals must contain the true accuracies about 95% of the time.

Datasets of N = 600 clips (about 55% blends) are drawn from known cell
probabilities, so the true presence, salience and mean are known. With 4,000
datasets the observed coverage has a standard error of 0.35%, so 93-97% is
almost six standard errors either side of 95%: a correct method passes with a
fixed seed, and an interval 15% too narrow (about 92% coverage) fails. It
takes a few seconds: the core draws each replicate from five cell counts.
"""

from __future__ import annotations

import blemore_fast as bf
import numpy as np
import pytest
from stats_support import encoded, simulate, truth

N_DATASETS = 4000
N_CLIPS = 600
N_RESAMPLES = 2000
SETTINGS = {"blend_share": 0.55, "single_right": 0.35, "blend_cells": (0.55, 0.3, 0.15)}


@pytest.mark.slow
@pytest.mark.parametrize("method", ["percentile", "bca"])
def test_95_percent_intervals_cover_the_truth(method):
    rng = np.random.default_rng(606)
    target = np.array(truth(**SETTINGS))
    covered = np.zeros(3)
    for i in range(N_DATASETS):
        pred, labels = encoded(simulate(rng, N_CLIPS, **SETTINGS))
        r = bf.bootstrap(
            pred, labels, n_resamples=N_RESAMPLES, method=method, seed=i, cluster="clip"
        )
        low = np.array([r.presence.low, r.salience.low, r.mean.low])
        high = np.array([r.presence.high, r.salience.high, r.mean.high])
        covered += (low <= target) & (target <= high)
    coverage = covered / N_DATASETS
    assert np.all((coverage >= 0.93) & (coverage <= 0.97)), dict(
        zip(bf.stats.STATISTICS, coverage.round(4), strict=True)
    )
