"""Plan: the default call (every K from 6 to 80, 2,000 simulated test sets at 3 K) on 47 actors."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
from blemore_fast import decode, plan, synthetic
from common import fmt_seconds, limit

#: The issue's goal for the default call.
BUDGET = 5.0


def _pilot(seed: int = 0) -> tuple[dict[str, Any], dict[str, Any], pd.DataFrame]:
    """Two simulated systems on the 47 train actors (the validation folds' design)."""
    data = synthetic.make_dataset(seed=seed)
    train = data.select("train")
    labels = data.clips[train].reset_index(drop=True)
    names = list(labels["filename"])
    a, b = (
        decode(data.probs[m][train], alpha=0.3, beta=0.1, names=names) for m in ("good", "weaker")
    )
    return a, b, labels


def main() -> None:
    a, b, labels = _pilot()
    times = []
    for seed in range(5):
        start = time.perf_counter()
        plan(a, labels, against=b, seed=seed)
        times.append(time.perf_counter() - start)
    limit("plan, 47-actor pilot, K=6..80, 2,000 sims", float(np.median(times)), BUDGET)
    print(f"  {'':<52} (runs {', '.join(fmt_seconds(t) for t in sorted(times))})")
