"""score: the native core against the pure-Python reference and against NumPy.

Prediction dicts are built as a participant's arrive: parsed from JSON, so
every clip has its own entry dicts, strings and floats (`json.loads` shares
only the key objects).
"""

from __future__ import annotations

import json

import blemore_fast as bf
import numpy as np
import pandas as pd
from blemore_fast import reference
from blemore_fast.probs import softmax
from common import DATA_DIR, has_data, info, load, median_seconds, ratio

CODES = list(bf.EMOTIONS)
PAIRS = [(a, b) for i, a in enumerate(CODES[:5]) for b in CODES[i + 1 : 5]]


def parsed(preds: dict[str, list[dict[str, object]]]) -> dict[str, list[dict[str, object]]]:
    """``preds`` as a participant's file gives it: ``json.loads`` of its JSON."""
    return json.loads(json.dumps(preds))


def real_predictions() -> dict[str, list[dict[str, object]]]:
    """The HiCMAE test outputs after the published post-processing (594 clips)."""
    frame = pd.read_csv(DATA_DIR / "hicmae" / "test_epoch100_ce.csv")
    probs = softmax(frame[CODES].to_numpy())
    return parsed(
        reference.probs_to_dict(reference.top2(probs), frame["filename"].tolist(), 0.3, 0.1)
    )


def synthetic_predictions(n: int, seed: int = 0) -> dict[str, list[dict[str, object]]]:
    """Official dicts for ``n`` clips, as parsed from JSON: about half
    blends, random guesses."""
    rng = np.random.default_rng(seed)
    pairs = rng.integers(len(PAIRS), size=n)
    single_name, single_pred = rng.random(n) < 0.5, rng.random(n) < 0.5
    ratios = rng.integers(3, size=n)
    preds: dict[str, list[dict[str, object]]] = {}
    for i in range(n):
        a, b = PAIRS[pairs[i]]
        if single_name[i]:
            name = f"A{i}_{a}_int1_ver1"
        else:
            s = [(30, 70), (50, 50), (70, 30)][ratios[i]]
            name = f"A{i}_mix_{a}_{b}_{s[0]}_{s[1]}_ver1"
        if single_pred[i]:
            preds[name] = [{"emotion": a, "salience": 100.0}]
        else:
            preds[name] = [{"emotion": a, "salience": 30.0}, {"emotion": b, "salience": 70.0}]
    return parsed(preds)


def encoded_clips(n: int, seed: int = 1) -> tuple[bf.Encoded, bf.Encoded]:
    """``n`` encoded clips: masks and saliences as decode produces them."""
    rng = np.random.default_rng(seed)
    bits = (1 << np.arange(6)).astype(np.uint8)
    first, second = rng.integers(0, 6, n), rng.integers(0, 6, n)
    pair = (rng.random(n) < 0.55) & (first != second)
    pred_mask = bits[first] | np.where(pair, bits[second], 0).astype(np.uint8)
    label_mask = np.where(rng.random(n) < 0.4, pred_mask, bits[second] | bits[(second + 1) % 5])
    ratios = np.array([[30, 70], [50, 50], [70, 30]], dtype=np.uint8)
    pred_sal = np.where(pair[:, None], ratios[rng.integers(0, 3, n)], 255).astype(np.uint8)
    label_sal = np.where(
        (np.bitwise_count(label_mask) == 2)[:, None], ratios[rng.integers(0, 3, n)], 255
    ).astype(np.uint8)
    return bf.Encoded(pred_mask, pred_sal), bf.Encoded(label_mask, label_sal)


def numpy_counts(pred: bf.Encoded, label: bf.Encoded) -> tuple[int, int, int, int]:
    """NumPy's best vectorised expression for the same four counts (the two
    salience bytes compared at once as one uint16)."""
    present = pred.mask == label.mask
    blend = np.bitwise_count(label.mask) == 2
    same_salience = pred.salience.view(np.uint16)[:, 0] == label.salience.view(np.uint16)[:, 0]
    salient = present & blend & same_salience
    return (
        int(np.count_nonzero(present)),
        int(np.count_nonzero(blend)),
        int(np.count_nonzero(salient)),
        len(present),
    )


def main() -> None:
    sets = [("594 real clips", real_predictions())] if has_data() else []
    if not sets:
        print("  (real data not found: 594 synthetic clips instead)")
        sets = [("594 synthetic clips", synthetic_predictions(594))]
    sets.append(("100,000 clips", synthetic_predictions(100_000)))
    sets.append(("1,000,000 clips", synthetic_predictions(1_000_000, seed=1)))
    print(f"  ({load()})")
    for name, preds in sets:
        ours, expected = bf.score(preds), reference.score(preds)
        assert (ours.presence, ours.salience) == (expected["presence"], expected["salience"])
        assert ours.presence == reference.acc_presence_total(preds)
        assert ours.salience == reference.acc_salience_total(preds)
        ours_time = median_seconds(lambda p=preds: bf.score(p))
        # Both published totals, as a user of the challenge code computes them.
        ratio(
            f"score(dict), {name}",
            ours_time,
            median_seconds(
                lambda p=preds: (reference.acc_presence_total(p), reference.acc_salience_total(p)),
                repeat=3,
            ),
            "published",
            20,
        )
        if len(preds) > 100_000:
            continue
        # The reference's own single pass over both metrics (no goal: context).
        info(
            f"score(dict), {name}",
            ours_time,
            median_seconds(lambda p=preds: reference.score(p), repeat=3),
            "one-pass reference",
        )
    pred, label = encoded_clips(10_000_000)
    result = bf.score(pred, label)
    present, n_blend, salient, n = numpy_counts(pred, label)
    assert (result.presence_correct, result.n_blend, result.salience_correct, result.n) == (
        present,
        n_blend,
        salient,
        n,
    )
    ratio(
        "score(Encoded), 10,000,000 clips",
        median_seconds(lambda: bf.score(pred, label)),
        median_seconds(lambda: numpy_counts(pred, label)),
        "numpy",
        3,
    )
