"""Training loops: the threshold grid search and decoding, against the published way.

The baseline is the published search in ``blemore_fast.reference``: decode the
probabilities to prediction dicts and score them, at each of the 400 cells.
"""

from __future__ import annotations

import blemore_fast as bf
import numpy as np
import pandas as pd
from blemore_fast import reference
from blemore_fast.probs import softmax
from common import DATA_DIR, has_data, limit, median_seconds, ratio


def real_data() -> None:
    frame = pd.read_csv(DATA_DIR / "hicmae" / "test_epoch100_ce.csv")
    names = frame["filename"].tolist()
    probs = softmax(frame[list(reference.EMOTIONS)].to_numpy(np.float64))
    labels = bf.encode_labels(names)

    published = median_seconds(lambda: reference.grid_search(probs, names), repeat=3, min_time=0)
    ours = median_seconds(lambda: bf.grid_search(probs, names))
    ratio("grid_search 20x20, 594 real clips (clip names)", ours, published, "published", 2000)
    encoded = median_seconds(lambda: bf.grid_search(probs, labels))
    ratio(
        "grid_search 20x20, 594 real clips (encoded labels)", encoded, published, "published", 2000
    )

    reduced = reference.top2(probs)
    published_decode = median_seconds(
        lambda: reference.probs_to_dict(reduced, names, 0.3, 0.1), repeat=5
    )
    ours_decode = median_seconds(lambda: bf.decode(probs, alpha=0.3, beta=0.1))
    ratio(
        "decode one point, 594 real clips (encoded)", ours_decode, published_decode, "published", 20
    )


def synthetic(n: int = 100_000, size: int = 100) -> None:
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.full(6, 0.6), size=n).astype(np.float32)
    codes = reference.EMOTIONS[:5]
    names = [
        f"A{i}_{codes[i % 5]}_int1_ver1"
        if i % 2
        else f"A{i}_mix_{codes[i % 5]}_{codes[(i + 2) % 5]}_{('30_70', '50_50', '70_30')[i % 3]}_ver1"
        for i in range(n)
    ]
    labels = bf.encode_labels(names)
    axis = np.linspace(0.01, 0.99, size)
    ours = median_seconds(lambda: bf.grid_search(probs, names, alphas=axis, betas=axis), repeat=5)
    limit(f"grid_search {size}x{size}, {n:,} clips (clip names)", ours, 0.2)
    encoded = median_seconds(
        lambda: bf.grid_search(probs, labels, alphas=axis, betas=axis), repeat=5
    )
    limit(f"grid_search {size}x{size}, {n:,} clips (encoded labels)", encoded, 0.2)


def main() -> None:
    if has_data():
        real_data()
    else:
        print(f"  (real data not found at {DATA_DIR}: skipping the 594-clip comparison)")
    synthetic()


if __name__ == "__main__":
    main()
