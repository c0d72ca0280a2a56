"""Rank the four real HiCMAE test-set runs (epochs 50 and 100, ce and kl_div loss).

    python examples/leaderboard_hicmae.py [--data ../shared/data/blemore] [--html board.html]

Each run's logits are decoded with the challenge's published post-processing
(softmax, top two, presence threshold 0.3, 50/50 below a difference of 0.1)
and scored on the 594 test clips of 11 actors. The leaderboard prints the
marginal rank sets about new actors, then the simultaneous ones, and the
clip-level sets for contrast; ``--html`` writes the page.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import blemore_fast as bf
import pandas as pd
from blemore_fast.report.leaderboard_page import leaderboard_html

RUNS = ("epoch50_ce", "epoch50_kl_div", "epoch100_ce", "epoch100_kl_div")


def systems(data: Path) -> tuple[dict[str, dict], pd.DataFrame]:
    """The four decoded runs and the test clips' labels."""
    clips = pd.read_csv(data / "clips.csv", dtype={"filename": str})
    test = clips[clips["partition"] == "test"].reset_index(drop=True)
    decoded = {}
    for run in RUNS:
        probs = bf.read_probs(data / "hicmae" / f"test_{run}.csv", logits=True)
        decoded[run] = probs.decode(alpha=0.3, beta=0.1)
    return decoded, test


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/blemore"))
    parser.add_argument("--html", help="write the leaderboard page here")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    runs, labels = systems(args.data)
    board = bf.leaderboard(runs, labels, cluster="actor", seed=args.seed)
    print(board, end="\n\n")
    print(board.pairwise.round(4), end="\n\n")
    both = bf.leaderboard(runs, labels, cluster="actor", simultaneous=True, seed=args.seed)
    print(both, end="\n\n")
    print(bf.leaderboard(runs, labels, cluster="clip", seed=args.seed))
    if args.html:
        leaderboard_html(board, args.html, title="HiCMAE test-set runs: leaderboard")


if __name__ == "__main__":
    main()
