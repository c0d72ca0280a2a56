"""Reading the real HiCMAE outputs for tests: clip names and softmax probabilities."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from blemore_fast import reference


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def load_outputs(path: Path | str) -> tuple[list[str], np.ndarray]:
    """(clip names, float64 probabilities) of one hicmae/*.csv file."""
    frame = pd.read_csv(path)
    return frame["filename"].tolist(), softmax(frame[list(reference.EMOTIONS)].to_numpy(np.float64))
