"""Plan a test set from the real HiCMAE validation folds (README, "Planning a test set").

    python examples/plan_hicmae.py [--data ../shared/data/blemore] [--png docs/plan.png]

The two best runs on the validation folds (epoch 100, KL and cross-entropy
loss), each fold's logits decoded with the published post-processing
(softmax, thresholds 0.3 / 0.1) and pooled out of fold over the 47 train
actors, are the pilot: how large a difference can a test set of K actors
detect, and how many actors would the pilot's own difference need?
"""

from __future__ import annotations

import argparse
from pathlib import Path

import blemore_fast as bf
import pandas as pd

RUNS = ("epoch100_kl_div", "epoch100_ce")
#: The rows the README shows.
SHOWN = (6, 11, 20, 30, 40, 47, 60, 80)


def pilot(data: Path) -> tuple[dict[str, bf.Encoded], pd.DataFrame]:
    """The two runs' out-of-fold predictions and the train clips' labels."""
    clips = pd.read_csv(data / "clips.csv", dtype={"filename": str})
    train = clips[clips["partition"] == "train"].reset_index(drop=True)
    runs = {}
    for run in RUNS:
        # The five validation folds pooled: every train clip once, out of fold.
        probs = bf.read_probs(str(data / "hicmae" / f"fold*_{run}.csv"), logits=True)
        runs[run] = probs.decode(alpha=0.3, beta=0.1)
    return runs, train


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/blemore"))
    parser.add_argument("--png", help="write the figure here")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    runs, labels = pilot(args.data)
    result = bf.plan(runs[RUNS[0]], labels, against=runs[RUNS[1]], seed=args.seed)
    print(result)
    print(result.table[result.table["actors"].isin(SHOWN)].round(4).to_string(index=False))
    print(result.check.round(4).T.to_string(header=False))
    print("notes:", result.notes or "none")
    for d in (0.01, 0.0166, 0.02, 0.03):
        print(f"actors for 80% power at {d * 100:.2f} points: {result.actors_needed(d)}")
    if args.png:
        from blemore_fast.report.plan_page import plan_figure

        plan_figure(result).savefig(args.png, dpi=100)


if __name__ == "__main__":
    main()
