"""How the default was chosen: candidate formulas on the calibration grid.

    python -m calibrate.candidates [--datasets R]

Each candidate is written here from per-actor counts, vectorised over
datasets, not through the library, so that many can be measured quickly on
the same simulated datasets as ``make calibrate`` (:mod:`dgp`, the same grids,
different seeds). It prints, per candidate, number of actors and metric, the
min-max over the grid's cells (outside the goal in brackets): coverage of
95% intervals (goal 93-97%) and the rejection rate of a true null at 0.05
(goal 3-7%).

Every candidate uses Student's t with G - 1 degrees of freedom (salience:
actors with blends - 1) and per-actor terms; they differ in the scale and in
how an actor's term is formed:

- ``delta``: the linear CR2 or CR3 term times the tangent f'(rate);
- ``leave-one-out``: (f(rate) - f(rate without the actor)) * sqrt(1 - share),
  a leave-one-out rate of 0 or 1 moved in by half a clip for the logit (the
  chosen rule; ``quarter clip`` shows the result depends on that choice).
"""

from __future__ import annotations

import argparse
import zlib
from collections import defaultdict

import numpy as np
from scipy import special, stats

from . import dgp
from .coverage import interval_grid, null_grid


def _logit(x):
    return np.log(x) - np.log1p(-x)


SCALES = {
    "raw": lambda x: x,
    "logit": _logit,
    "log": np.log,
    "sqrt": np.sqrt,
    "2/3 power": lambda x: np.cbrt(x) ** 2,
}


def _parts(presence, clips, salience, blends):
    """Per dataset and actor, for presence, salience and the mean: the rate
    (3, D, 1), the rate without the actor, the CR2 weight sqrt(1 - share) and
    half a clip of the rest (each 3, D, G)."""
    totals = [x.sum(1, keepdims=True) for x in (presence, clips, salience, blends)]
    p, n, s, b = totals
    with np.errstate(all="ignore"):
        rate = np.stack([p / n, s / b])
        without = np.stack([(p - presence) / (n - clips), (s - salience) / (b - blends)])
        weight = np.stack([np.sqrt(1 - clips / n), np.sqrt(1 - blends / b)])
        half = np.stack([0.5 / (n - clips), 0.5 / (b - blends)])
    mean = lambda x: np.concatenate([x, x.mean(0, keepdims=True)])  # noqa: E731
    return mean(rate), mean(without), mean(weight), mean(half)


def _terms(parts, rule: str, scale: str):
    rate, without, weight, half = parts
    f = SCALES[scale]
    with np.errstate(all="ignore"):
        if rule.startswith("delta"):
            linear = (rate - without) * (weight if rule == "delta CR2" else 1.0)
            step = 1e-7  # the tangent, numerically: every scale here is smooth inside (0, 1)
            return linear * (f(rate + step) - f(rate - step)) / (2 * step)
        if scale in ("logit", "log"):
            moved = half / 2 if rule == "leave-one-out, quarter clip" else half
            without = _moved_in(without, moved)
        return (f(rate) - f(without)) * weight


def _moved_in(rate, half):
    """A rate of exactly 0 or 1 moved in by `half` (half a clip)."""
    return np.where(rate <= 0, half, np.where(rate >= 1, 1 - half, rate))


INTERVALS = [
    ("delta CR3", "logit"),  # the previous default
    ("delta CR2", "logit"),
    ("leave-one-out", "raw"),  # = CR2 on the raw scale
    ("leave-one-out", "logit"),  # chosen
    ("leave-one-out, quarter clip", "logit"),
]
TESTS = [
    ("leave-one-out", "raw"),  # = CR2 on the raw scale: the previous default
    ("leave-one-out", "sqrt"),
    ("leave-one-out", "log"),
    ("leave-one-out", "logit"),
    ("leave-one-out", "2/3 power"),  # chosen
]


def _quantile(actors: int) -> float:
    return float(stats.t.ppf(0.975, actors - 1))


def _rng(kind: str, s: dgp.Setting) -> np.random.Generator:
    return np.random.default_rng([20_261_201, zlib.crc32(repr((kind, s)).encode())])


def coverage(datasets: int) -> dict:
    """(rule, scale, actors, metric) -> coverage % of each interval cell."""
    out = defaultdict(list)
    inverse = {"raw": lambda z: z, "logit": special.expit}
    for s in interval_grid():
        d = dgp.simulate(_rng("intervals", s), s, datasets)
        parts = _parts(d["p"], d["n"], d["s"], d["b"])
        rate = parts[0][..., 0]
        truth = dgp.truth(s)[:, None]
        inside = (rate > 0) & (rate < 1)  # the edge rule (Clopper-Pearson) is not a candidate
        for rule, scale in INTERVALS:
            se = np.sqrt((_terms(parts, rule, scale) ** 2).sum(-1))
            with np.errstate(all="ignore"):
                centre, half = SCALES[scale](rate), _quantile(s.actors) * se
                low, high = inverse[scale](centre - half), inverse[scale](centre + half)
            covered = (low <= truth) & (truth <= high)
            for j, metric in enumerate(("presence", "salience", "mean")):
                share = covered[j][inside[j]].mean()
                out[(rule, scale, s.actors, metric)].append(100 * share)
    return out


def rejection(datasets: int) -> dict:
    """(rule, scale, actors, metric) -> % of p < 0.05 in each null cell."""
    out = defaultdict(list)
    for s in null_grid():
        d = dgp.simulate_pair(_rng("tests", s), s, datasets)
        a = _parts(d["pA"], d["n"], d["sA"], d["b"])
        b = _parts(d["pB"], d["n"], d["sB"], d["b"])
        half = 0.5 / np.stack([d["n"].sum(1), d["b"].sum(1)])
        half = np.concatenate([half, half.mean(0, keepdims=True)])
        for rule, scale in TESTS:
            f = SCALES[scale]
            with np.errstate(all="ignore"):
                se = np.sqrt(((_terms(a, rule, scale) - _terms(b, rule, scale)) ** 2).sum(-1))
            a_rate, b_rate = a[0][..., 0], b[0][..., 0]
            if scale in ("logit", "log"):
                a_rate, b_rate = _moved_in(a_rate, half), _moved_in(b_rate, half)
            with np.errstate(all="ignore"):
                gap = np.abs(f(a_rate) - f(b_rate))
                rejected = np.where(se > 0, gap / se > _quantile(s.actors), gap > 0)
            for j, metric in enumerate(("presence", "salience", "mean")):
                out[(rule, scale, s.actors, metric)].append(100 * rejected[j].mean())
    return out


def _print(title: str, table: dict, goal: tuple[float, float]) -> None:
    print(title)
    print(f"{'candidate':36s} {'actors':>6s}  {'presence':>18s} {'salience':>18s} {'mean':>18s}")
    keys = sorted({k[:3] for k in table}, key=lambda k: (k[0], k[1], k[2]))
    for rule, scale, actors in keys:
        cells = []
        for metric in ("presence", "salience", "mean"):
            v = np.array(table[(rule, scale, actors, metric)])
            outside = int(((v < goal[0]) | (v > goal[1])).sum())
            cells.append(f"{v.min():5.1f}-{v.max():5.1f} ({outside:2d})")
        print(f"{rule + ', ' + scale:32s} {actors:6d}  " + " ".join(f"{c:>18s}" for c in cells))
    print()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m calibrate.candidates", description=__doc__)
    parser.add_argument("--datasets", type=int, default=4000, help="datasets per cell")
    args = parser.parse_args()
    print(f"{args.datasets:,} datasets per cell; min-max over the cells (cells outside the goal)\n")
    _print("95% intervals: coverage of the new-actor value, %", coverage(args.datasets), (93, 97))
    _print("tests, true difference 0: p < 0.05, %", rejection(args.datasets), (3, 7))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
