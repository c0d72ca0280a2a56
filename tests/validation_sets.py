"""Validation sets for the training-loop tests: the synthetic one (always
there) and the real HiCMAE validation outputs (all five folds of one run)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from blemore_fast import EMOTIONS
from blemore_fast.synthetic import make_dataset


def synthetic_validation() -> tuple[list[str], np.ndarray]:
    """Fold 0 of the synthetic dataset: 540 clips of 10 actors, float64 probabilities."""
    data = make_dataset(seed=0, models=("good",))
    rows = data.select(fold=0)
    return data.clips["filename"][rows].tolist(), data.probs["good"][rows]


def hicmae_validation(data_dir: Path, run: str = "epoch100_ce") -> tuple[list[str], np.ndarray]:
    """(names, logits) of the 2,456 real validation clips of one run, in fold order."""
    frames = [pd.read_csv(data_dir / "hicmae" / f"fold{k}_{run}.csv") for k in range(5)]
    frame = pd.concat(frames, ignore_index=True)
    return frame["filename"].tolist(), frame[list(EMOTIONS)].to_numpy(np.float64)
