"""Synthetic data, breakdowns and the confusion matrix (issue 5)

The baseline for the breakdown is what one would write by hand: score each clip
with the reference functions, then a pandas groupby per category. Ours includes
validating and encoding the prediction dict (the native walk), which is most of
its time; the breakdown of already aligned clips is timed on its own.
"""

from __future__ import annotations

import blemore_fast as bf
import pandas as pd
from blemore_fast import reference, synthetic
from common import limit, median_seconds, ratio

GROUPS = ("emotion", "pair", "ratio", "actor")


def by_hand(preds: dict, clips: pd.DataFrame) -> pd.DataFrame:
    """Per-clip reference scoring, then pandas: the plain way to get the table."""
    rows = []
    actor = dict(zip(clips["filename"], clips["actor"], strict=True))
    for name, pred in preds.items():
        label = reference.label_from_filename(name)
        blend = len(label) == 2
        codes = [e["emotion"] for e in label]
        rows.append(
            {
                "emotion": None if blend else codes[0],
                "pair": "+".join(codes) if blend else None,
                "ratio": f"{label[0]['salience']}/{label[1]['salience']}" if blend else None,
                "actor": actor[name],
                "blend": blend,
                "presence": reference.presence_single(label, pred),
                "salience": blend and len(pred) == 2 and reference.salience_single(label, pred),
            }
        )
    frame = pd.DataFrame(rows)
    parts = []
    for group in GROUPS:
        g = frame.dropna(subset=[group]).groupby(group)
        parts.append(
            pd.DataFrame(
                {
                    "n": g.size(),
                    "n_blend": g["blend"].sum(),
                    "presence_correct": g["presence"].sum(),
                    "salience_correct": g["salience"].sum(),
                }
            ).assign(group=group)
        )
    return pd.concat(parts)


def main() -> None:
    limit(
        "make_dataset: 3,132 clips, 2 models",
        median_seconds(lambda: synthetic.make_dataset(seed=0)),
        0.05,
    )
    data = synthetic.make_dataset(seed=0, n_actors=1852, n_test_actors=10, models=["good"])
    clips = data.clips
    names = clips["filename"].tolist()
    preds = reference.probs_to_dict(reference.top2(data.probs["good"]), names, 0.1, 0.2)
    ours = bf.breakdown(preds, clips, by=GROUPS)
    hand = by_hand(preds, clips)
    # The two tables agree before anything is timed.
    assert ours["presence_correct"].sum() == hand["presence_correct"].sum()
    assert ours["salience_correct"].sum() == hand["salience_correct"].sum()
    ratio(
        f"breakdown from the dict, {len(names):,} clips",
        median_seconds(lambda: bf.breakdown(preds, clips, by=GROUPS), repeat=3),
        median_seconds(lambda: by_hand(preds, clips), repeat=3),
        "reference+pandas",
        2,
    )
    aligned = bf.align(preds, clips)
    limit(
        f"confusion of aligned clips, {len(names):,} clips",
        median_seconds(lambda: bf.confusion(aligned)),
        0.05,
    )
    limit(
        f"breakdown of aligned clips, {len(names):,} clips",
        median_seconds(lambda: bf.breakdown(aligned, by=GROUPS), repeat=3),
        0.1,
    )


if __name__ == "__main__":
    main()
