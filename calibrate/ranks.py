"""Calibration of the leaderboard's rank sets: do they hold their promise?

Simulated leaderboards with known population ranks, shaped like the test set:

- ``n_actors`` actors (11 or 47) with 40-70 clips each, about 55% blends;
- 10 systems whose skill on the logit scale is known: one clearly better
  (+1 over the next), three tied, the rest spread out down to -2;
- each actor has a difficulty shared by all systems (sd 0.5) and each
  system-actor pair its own deviation (sd 0.3), so differences between
  systems vary from actor to actor;
- a clip's presence is right with probability expit(-0.8 + skill + effects);
  a blend clip whose presence is right also has the ratio right with
  probability expit(-1.2 + skill + effects).

Every population score is increasing in the skill, so the true rank of a
system (1 + the number of systems with a higher skill; tied systems share it)
is the same for presence, salience and the mean.

For each dataset the script computes the marginal and simultaneous rank sets
(actor level, as ``leaderboard(cluster="actor")`` does) and, for contrast,
the plain bootstrap of ranks: resample actors, re-rank, take the 2.5% and
97.5% quantiles of each system's rank. It reports coverage with its
Monte-Carlo standard error, the average set size, and how often the clearly
better system's set says "top two".

    python calibrate/ranks.py --datasets 2000            # what the README quotes
    python calibrate/ranks.py --datasets 200 --actors 11 # a quick look
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np
import pandas as pd
from blemore_fast import _core
from blemore_fast.stats.rank_bootstrap import bootstrap_ranks, group_tallies
from blemore_fast.stats.rank_sets import rank_sets

#: The systems' skills on the logit scale: one clearly ahead, ties, a spread.
SKILLS = np.array([1.0, 0.0, 0.0, 0.0, -0.2, -0.4, -0.7, -1.0, -1.5, -2.0])
ACTOR_SD = 0.5
INTERACTION_SD = 0.3
PRESENCE_BASE = -0.8
SALIENCE_BASE = -1.2
CLIPS_PER_ACTOR = (40, 70)
BLEND_SHARE = 0.55


def true_ranks(skills: np.ndarray = SKILLS) -> np.ndarray:
    """1 + the number of strictly better systems."""
    return 1 + (skills[None, :] > skills[:, None]).sum(axis=1)


def simulate(n_actors: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``(outcomes, actors)``: uint8 cells ``(S, N)`` and each clip's actor code."""
    sizes = rng.integers(CLIPS_PER_ACTOR[0], CLIPS_PER_ACTOR[1] + 1, size=n_actors)
    actors = np.repeat(np.arange(n_actors), sizes)
    n = len(actors)
    blend = rng.random(n) < BLEND_SHARE
    effect = rng.normal(0, ACTOR_SD, n_actors)[actors]
    interaction = rng.normal(0, INTERACTION_SD, (len(SKILLS), n_actors))[:, actors]
    logit = SKILLS[:, None] + effect[None, :] + interaction
    presence = rng.random(logit.shape) < 1 / (1 + np.exp(-(PRESENCE_BASE + logit)))
    ratio = rng.random(logit.shape) < 1 / (1 + np.exp(-(SALIENCE_BASE + logit)))
    # Cells: 0 single right, 1 single wrong, 2 blend wrong, 3 presence only, 4 blend right.
    cells = np.where(
        blend[None, :],
        np.where(presence, np.where(ratio, 4, 3), 2),
        np.where(presence, 0, 1),
    )
    return np.ascontiguousarray(cells, dtype=np.uint8), actors.astype(np.int64)


@dataclass(frozen=True)
class DatasetResult:
    marginal: np.ndarray  # (S, 2) rank sets
    simultaneous: np.ndarray
    bootstrap: np.ndarray


def rank_sets_of(
    outcomes: np.ndarray,
    actors: np.ndarray,
    *,
    metric: str,
    n_resamples: int,
    bootstrap_resamples: int,
    seed: int,
) -> DatasetResult:
    _, _, _, t, _, _, marginal, joint, _, _, _ = _core.rank_cells(
        outcomes, groups=actors, metric=metric, confidence=0.95, n_resamples=n_resamples, seed=seed
    )
    ranks = bootstrap_ranks(group_tallies(outcomes, actors), metric, bootstrap_resamples, seed)
    plain = np.column_stack(
        [
            np.quantile(ranks, 0.025, axis=0, method="inverted_cdf"),
            np.quantile(ranks, 0.975, axis=0, method="inverted_cdf"),
        ]
    )
    return DatasetResult(
        np.column_stack(rank_sets(t, marginal)),
        np.column_stack(rank_sets(t, joint)),
        plain,
    )


def run(
    n_actors: int,
    n_datasets: int,
    *,
    metric: str = "mean",
    n_resamples: int = 2000,
    bootstrap_resamples: int = 1000,
    seed: int = 2025,
) -> pd.DataFrame:
    """One row per kind of set: coverage (per system, and all at once) with
    Monte-Carlo standard errors, average size, and the top-two rate of the
    clearly better system."""
    truth = true_ranks()
    rng = np.random.default_rng([seed, n_actors])
    found: dict[str, list[np.ndarray]] = {"marginal": [], "simultaneous": [], "bootstrap": []}
    for i in range(n_datasets):
        outcomes, actors = simulate(n_actors, rng)
        result = rank_sets_of(
            outcomes,
            actors,
            metric=metric,
            n_resamples=n_resamples,
            bootstrap_resamples=bootstrap_resamples,
            seed=seed + i,
        )
        for kind in found:
            found[kind].append(getattr(result, kind))
    rows = []
    for kind, sets in found.items():
        stack = np.stack(sets)  # (datasets, S, 2)
        covered = (stack[:, :, 0] <= truth) & (truth <= stack[:, :, 1])
        per_dataset = covered.mean(axis=1)
        everyone = covered.all(axis=1)
        top_two = stack[:, 0, 1] <= 2
        rows.append(
            {
                "actors": n_actors,
                "sets": kind,
                "coverage": per_dataset.mean(),
                "coverage_se": per_dataset.std(ddof=1) / np.sqrt(n_datasets),
                "worst_system": covered.mean(axis=0).min(),
                "all_at_once": everyone.mean(),
                "all_at_once_se": everyone.std(ddof=1) / np.sqrt(n_datasets),
                "mean_size": (stack[:, :, 1] - stack[:, :, 0] + 1).mean(),
                "best_in_top_two": top_two.mean(),
                "best_in_top_two_se": top_two.std(ddof=1) / np.sqrt(n_datasets),
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=2000)
    parser.add_argument("--actors", type=int, nargs="+", default=[11, 47])
    parser.add_argument("--metric", default="mean", choices=["presence", "salience", "mean"])
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    table = pd.concat(
        [run(a, args.datasets, metric=args.metric, seed=args.seed) for a in args.actors]
    )
    print(
        f"rank sets by {args.metric}, {len(SKILLS)} systems, {args.datasets:,} datasets per row, "
        f"seed {args.seed}"
    )
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.round(4).to_string(index=False))


if __name__ == "__main__":
    main()
