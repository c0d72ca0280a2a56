"""Statistics: bootstrap and paired comparison (B = 100,000) against scipy.stats.bootstrap.

At actor level the default is the closed-form cluster-t method (no
replicates); the pairs cluster bootstrap (``method="percentile"``) at
B = 100,000 is timed beside it, on the test set's 11 actors.

Predictions are the real HiCMAE outputs decoded with the published
post-processing at thresholds 0.3 / 0.1: the 594 official test clips (11
actors), and all 3,050 clips (58 actors, each train clip from the fold that
held it out) for the actor-level figure. Without the data, synthetic clips of
the same sizes are used.

scipy computes the same three metrics from the same per-clip data, vectorised,
in two forms: the natural one (three paired per-clip arrays: presence hit,
blend, salience hit) and its fastest form (one float array packing the three,
``p + 1024 b + 1024**2 s``, so a replicate is one gather and one sum, unpacked
by the statistic). ``batch`` is tuned for each (5,000 and 2,000). Ours is the
whole public call from the prediction dict, validation included.
"""

from __future__ import annotations

from typing import Any

import blemore_fast as bf
import numpy as np
import pandas as pd
from blemore_fast import reference
from blemore_fast.probs import softmax
from common import DATA_DIR, has_data, info, limit, median_seconds, ratio
from scipy import stats as sps

B = 100_000
EMOTIONS = list(bf.EMOTIONS)


def _decode(name: str) -> dict[str, Any]:
    frame = pd.read_csv(DATA_DIR / "hicmae" / name)
    probs = softmax(frame[EMOTIONS].to_numpy())
    return reference.probs_to_dict(reference.top2(probs), frame["filename"].tolist(), 0.3, 0.1)


def _real() -> tuple[dict, dict, dict]:
    test_a, test_b = _decode("test_epoch100_ce.csv"), _decode("test_epoch50_ce.csv")
    everyone = dict(test_a)
    for fold in range(5):
        everyone.update(_decode(f"fold{fold}_epoch100_ce.csv"))
    return test_a, test_b, everyone


def _synthetic(n_clips: int, n_actors: int, seed: int) -> tuple[dict, dict]:
    """Predictions and labels for made-up clips `A<actor>_<i>`: about 55% blends."""
    rng = np.random.default_rng(seed)
    preds, labels = {}, {}
    for i in range(n_clips):
        name = f"A{100 + i % n_actors}_{i:06d}"
        if rng.random() < 0.55:
            labels[name] = [{"emotion": "ang", "salience": 30}, {"emotion": "hap", "salience": 70}]
            guess = rng.choice(3, p=[0.6, 0.3, 0.1])
            preds[name] = (
                [{"emotion": "ang", "salience": 100}],
                [{"emotion": "ang", "salience": 50}, {"emotion": "hap", "salience": 50}],
                labels[name],
            )[guess]
        else:
            labels[name] = [{"emotion": "sad", "salience": 100}]
            right = rng.random() < 0.35
            preds[name] = [{"emotion": "sad" if right else "neu", "salience": 100}]
    return preds, labels


def _paired(
    presence: np.ndarray, blend: np.ndarray, salience: np.ndarray, axis: int = -1
) -> np.ndarray:
    n = presence.shape[axis]
    p = presence.sum(axis=axis) / n
    blends = blend.sum(axis=axis)
    s = np.divide(salience.sum(axis=axis), blends, out=np.zeros_like(p), where=blends > 0)
    return np.stack([p, s, (p + s) / 2])


def _packed(aligned: bf.Aligned) -> np.ndarray:
    o = aligned.outcomes()
    return np.isin(o, (0, 3, 4)) + 1024.0 * (o >= 2) + 1024.0**2 * (o == 4)


def _unpack(values: np.ndarray, axis: int = -1) -> np.ndarray:
    total = values.sum(axis=axis)
    salience = np.floor(total / 1024**2)
    rest = total - salience * 1024**2
    blends = np.floor(rest / 1024)
    presence = (rest - blends * 1024) / values.shape[axis]
    salience = np.divide(salience, blends, out=np.zeros_like(presence), where=blends > 0)
    return np.stack([presence, salience, (presence + salience) / 2])


def main() -> None:
    if has_data():
        test_a, test_b, everyone = _real()
        labels = everyone_labels = None
    else:
        print("  (real data not found: synthetic clips of the same sizes)")
        test_a, labels = _synthetic(594, 11, 1)
        test_b, _ = _synthetic(594, 11, 2)
        everyone, everyone_labels = _synthetic(3050, 58, 3)
    aligned = bf.align(test_a, labels)
    packed = _packed(aligned)

    o = aligned.outcomes()
    arrays = (np.isin(o, (0, 3, 4)).astype(float), (o >= 2).astype(float), (o == 4).astype(float))

    def scipy_paired() -> Any:
        return sps.bootstrap(
            arrays,
            _paired,
            paired=True,
            vectorized=True,
            method="percentile",
            n_resamples=B,
            batch=5000,
            rng=np.random.default_rng(0),
        )

    def scipy_packed() -> Any:
        return sps.bootstrap(
            (packed,),
            _unpack,
            vectorized=True,
            method="percentile",
            n_resamples=B,
            batch=2000,
            rng=np.random.default_rng(0),
        )

    # Both statistics are exact: check them before timing them.
    plain = bf.score(test_a, labels)
    want = [plain.presence, plain.salience, plain.mean]
    assert np.allclose(_unpack(packed[None, :])[:, 0], want)
    assert np.allclose(_paired(*(a[None, :] for a in arrays))[:, 0], want)
    n = len(aligned.pred)
    ours = median_seconds(
        lambda: bf.bootstrap(test_a, labels, n_resamples=B, seed=1, cluster="clip")
    )
    ratio(
        f"bootstrap, clips, B=100k, N={n} (scipy: 3 arrays)",
        ours,
        median_seconds(scipy_paired, repeat=3),
        "scipy",
        50,
    )
    # scipy is faster still when the three per-clip values are packed into one
    # array that the statistic unpacks: a trick, printed for context.
    info(
        f"bootstrap, clips, B=100k, N={n} (scipy: packed)",
        ours,
        median_seconds(scipy_packed, repeat=3),
        "scipy",
    )

    # Cost independent of N: the same encoded path on 594 and ~1,000,000 clips.
    copies = -(-1_000_000 // n)

    def tiled(e: bf.Encoded) -> bf.Encoded:
        return bf.Encoded(np.tile(e.mask, copies), np.tile(e.salience, (copies, 1)))

    big_pred, big_label = tiled(aligned.pred), tiled(aligned.label)
    clips = {"n_resamples": B, "seed": 1, "cluster": "clip"}
    small = median_seconds(lambda: bf.bootstrap(aligned.pred, aligned.label, **clips))
    big = median_seconds(lambda: bf.bootstrap(big_pred, big_label, **clips))
    ratio(f"bootstrap, clips, B=100k, N={len(big_pred):,} vs {n}", big, small, f"N={n}", 0.5)

    def drawn(method: str | None) -> dict[str, Any]:
        """B replicates and a seed for a resampling method; none for cluster-t."""
        return {} if method in (None, "cluster-t") else {"n_resamples": B, "seed": 1}

    def by_actor(preds: dict, labels: Any, method: str | None = None) -> Any:
        return bf.bootstrap(preds, labels, cluster="actor", method=method, **drawn(method))

    result = by_actor(everyone, everyone_labels, method="percentile")
    actors = median_seconds(lambda: by_actor(everyone, everyone_labels, method="percentile"))
    limit(
        f"bootstrap, actors, percentile B=100k, {result.n_units} actors, N={result.n}", actors, 0.1
    )
    # The test set: 11 actors, the default (cluster-t) and the percentile bootstrap.
    default = by_actor(test_a, labels)
    assert default.method == "cluster-t" and default.n_units == 11
    for method in ("cluster-t", "percentile"):
        seconds = median_seconds(lambda m=method: by_actor(test_a, labels, method=m))
        limit(f"bootstrap, 11 actors, {method}, B=100k, N={n}", seconds, 0.1)

    def compare_by_actor(method: str) -> Any:
        return bf.compare(test_a, test_b, labels, cluster="actor", method=method, **drawn(method))

    for method in ("cluster-t", "percentile"):
        seconds = median_seconds(lambda m=method: compare_by_actor(m))
        limit(f"compare, 11 actors, {method}, B=100k, N={n}", seconds, 0.1)

    paired = median_seconds(lambda: bf.compare(test_a, test_b, labels, **clips))
    limit(f"compare, clips, B=100k, N={n}", paired, 0.1)
