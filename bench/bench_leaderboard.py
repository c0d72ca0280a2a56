"""Leaderboard: rank sets for 100 and 1,000 systems on 594 clips of 11 actors, B = 10,000."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
from blemore_fast import decode, leaderboard, synthetic
from common import fmt_seconds, limit

N_RESAMPLES = 10_000


def _systems(n_systems: int, seed: int = 0) -> tuple[dict[str, Any], pd.DataFrame]:
    """Distinct prediction dicts, as parsed submissions arrive: a simulated
    model's test probabilities with noise per system, decoded."""
    data = synthetic.make_dataset(seed=seed)
    test = data.select("test")
    labels = data.clips[test].reset_index(drop=True)
    names = list(labels["filename"])
    base = data.probs["good"][test]
    rng = np.random.default_rng(seed)
    systems = {}
    for j in range(n_systems):
        probs = np.clip(base + rng.normal(0, 0.08, base.shape), 1e-6, None)
        probs /= probs.sum(axis=1, keepdims=True)
        systems[f"system_{j:04d}"] = decode(probs, alpha=0.3, beta=0.1, names=names)
    return systems, labels


def _runs(systems: dict[str, Any], labels: pd.DataFrame, repeat: int) -> list[float]:
    times = []
    for seed in range(repeat):
        start = time.perf_counter()
        leaderboard(systems, labels, cluster="actor", n_resamples=N_RESAMPLES, seed=seed)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    for n_systems, budget, repeat in ((100, 1.0, 7), (1000, 30.0, 3)):
        systems, labels = _systems(n_systems)
        times = _runs(systems, labels, repeat)
        spread = f"(runs {', '.join(fmt_seconds(t) for t in sorted(times))})"
        limit(
            f"leaderboard, {n_systems:,} systems, 11 actors, B=10,000",
            float(np.median(times)),
            budget,
        )
        print(f"  {'':<52} {spread}")
