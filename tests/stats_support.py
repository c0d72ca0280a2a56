"""Helpers for the statistics tests: encoded clips with chosen outcome cells,
simulated datasets, and a plain index-resampling bootstrap to check against.

Nothing here calls the code under test except to build its inputs.
"""

from __future__ import annotations

import numpy as np
from blemore_fast import Encoded

NAN = np.nan

# Prediction rows (mask, saliences) giving each outcome cell when single
# labels are "ang" and blend labels "ang 30, hap 70".
PRED_MASK = np.array([0b000001, 0b000010, 0b000001, 0b001001, 0b001001], dtype=np.uint8)
PRED_SALIENCE = np.array([[NAN, NAN], [NAN, NAN], [NAN, NAN], [50, 50], [30, 70]], dtype=float)
# 0 single right; 1 single wrong (disg); 2 blend, presence wrong (ang alone);
# 3 blend, pair right but ratio wrong; 4 blend, both right.


def encoded(outcomes: np.ndarray) -> tuple[Encoded, Encoded]:
    """Predictions and labels (matched by position) whose clips land in `outcomes`."""
    o = np.asarray(outcomes, dtype=np.intp)
    blend = o >= 2
    labels = Encoded(
        np.where(blend, 0b001001, 0b000001).astype(np.uint8),
        np.where(blend[:, None], [30.0, 70.0], NAN),
    )
    return Encoded(PRED_MASK[o], PRED_SALIENCE[o]), labels


def encoded_pair(a: np.ndarray, b: np.ndarray) -> tuple[Encoded, Encoded, Encoded]:
    """Two systems' predictions and their shared labels."""
    pred_a, labels = encoded(a)
    pred_b, labels_b = encoded(b)
    assert np.array_equal(labels.mask, labels_b.mask), "a and b disagree on which clips are blends"
    return pred_a, pred_b, labels


def simulate(
    rng: np.random.Generator,
    n: int,
    blend_share: float = 0.55,
    single_right: float = 0.35,
    blend_cells: tuple[float, float, float] = (0.6, 0.3, 0.1),
) -> np.ndarray:
    """Outcome cells of `n` clips: a blend with probability `blend_share`;
    singles right with `single_right`; blends wrong / presence only / right
    with `blend_cells`."""
    blend = rng.random(n) < blend_share
    single = np.where(rng.random(n) < single_right, 0, 1)
    mixed = rng.choice([2, 3, 4], size=n, p=blend_cells)
    return np.where(blend, mixed, single).astype(np.uint8)


def truth(
    blend_share: float = 0.55,
    single_right: float = 0.35,
    blend_cells: tuple[float, float, float] = (0.6, 0.3, 0.1),
) -> tuple[float, float, float]:
    """The population presence, salience and mean of `simulate`'s clips."""
    presence = (1 - blend_share) * single_right + blend_share * (blend_cells[1] + blend_cells[2])
    salience = blend_cells[2]
    return presence, salience, (presence + salience) / 2


def indicators(outcomes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per clip: presence right, is a blend, salience right (as floats)."""
    o = np.asarray(outcomes)
    return np.isin(o, (0, 3, 4)).astype(float), (o >= 2).astype(float), (o == 4).astype(float)


def published(presence: np.ndarray, blend: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """The published totals along the last axis: presence mean, salience over
    blends (0.0 without blends), and their mean."""
    n = presence.shape[-1]
    p = presence.sum(-1) / n
    nb = blend.sum(-1)
    s = np.divide(salience.sum(-1), nb, out=np.zeros_like(p), where=nb > 0)
    return np.stack([p, s, (p + s) / 2], axis=-1)


def paired_outcomes(
    rng: np.random.Generator,
    n: int,
    blend_share: float = 0.55,
    single_right: float = 0.35,
    blend_cells: tuple[float, float, float] = (0.6, 0.3, 0.1),
) -> tuple[np.ndarray, np.ndarray]:
    """Two systems' cells on the same clips, drawn independently from the same
    probabilities given each clip's label: A and B are exchangeable."""
    a = simulate(rng, n, blend_share, single_right, blend_cells)
    single = np.where(rng.random(n) < single_right, 0, 1)
    mixed = rng.choice([2, 3, 4], size=n, p=blend_cells)
    return a, np.where(a >= 2, mixed, single).astype(np.uint8)


def naive_paired_bootstrap(a: np.ndarray, b: np.ndarray, n_resamples: int, seed: int) -> np.ndarray:
    """(B, 3) replicate differences A - B, drawing the same clip indices for both."""
    rng = np.random.default_rng(seed)
    ca, cb = indicators(a), indicators(b)
    n = len(a)
    out = []
    for start in range(0, n_resamples, 2000):
        idx = rng.integers(0, n, size=(min(2000, n_resamples - start), n))
        out.append(published(*(c[idx] for c in ca)) - published(*(c[idx] for c in cb)))
    return np.concatenate(out)


def naive_clip_bootstrap(outcomes: np.ndarray, n_resamples: int, seed: int) -> np.ndarray:
    """(B, 3) replicates by drawing N clip indices with replacement, plainly."""
    rng = np.random.default_rng(seed)
    columns = indicators(outcomes)
    n = len(outcomes)
    out = []
    for start in range(0, n_resamples, 2000):
        idx = rng.integers(0, n, size=(min(2000, n_resamples - start), n))
        out.append(published(*(c[idx] for c in columns)))
    return np.concatenate(out)


def naive_cluster_bootstrap(
    outcomes: np.ndarray, groups: np.ndarray, n_resamples: int, seed: int
) -> np.ndarray:
    """(B, 3) replicates by drawing K groups with replacement and pooling all
    their clips, plainly."""
    rng = np.random.default_rng(seed)
    columns = indicators(outcomes)
    members = [np.flatnonzero(groups == g) for g in np.unique(groups)]
    k = len(members)
    out = np.empty((n_resamples, 3))
    for r in range(n_resamples):
        idx = np.concatenate([members[i] for i in rng.integers(0, k, size=k)])
        out[r] = published(*(c[idx] for c in columns))
    return out
