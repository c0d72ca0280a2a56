"""The coverage run: simulated datasets through the library's own
``bootstrap`` and ``compare`` (with ``cluster=`` group ids), counted against
the population values of :mod:`dgp`.

- Intervals: how often the 95% interval of presence, salience and the mean
  contains the new-actor (population) value.
- Tests: how often ``compare`` gives p < 0.05 when the population difference
  is 0 (null rejection, nominal 5%), and when it is not (power).

Every cell draws from its own seed (a CRC of its settings), so a cell's
figures do not depend on which other cells run.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Iterable
from dataclasses import asdict, replace
from itertools import product

import blemore_fast as bf
import numpy as np
from blemore_fast import Encoded

from . import dgp

BASE_SEED = 20_241_201
ALPHA = 0.05
CONFIDENCE = 0.95
#: The methods compared: the default over groups, and the pairs cluster
#: bootstrap it replaces (with this many resamples per dataset).
METHODS = ("cluster-t", "percentile")
PERCENTILE_RESAMPLES = 999
METRICS = ("presence", "salience", "mean")

#: The full grids: 4 x 3 x 4 x 2 = 96 interval cells; 4 x 3 x 2 x 2 x 2 = 96 null
#: cells, and 4 x 2 x 2 x 2 = 32 cells of the real test set's spread.
ACTORS = (6, 11, 20, 47)
SDS = (0.3, 0.6, 1.0)


def interval_grid() -> list[dgp.Setting]:
    return [
        dgp.Setting(actors=g, sd=sd, level=level, sizes=sizes)
        for g, sd, level, sizes in product(ACTORS, SDS, dgp.LEVELS, ("equal", "unequal"))
    ]


def null_grid() -> list[dgp.Setting]:
    return [
        dgp.Setting(actors=g, sd=sd, level=level, sizes="unequal", kind=kind, kappa=kappa)
        for g, sd, level, kind, kappa in product(
            ACTORS, SDS, ("main", "hard"), ("null1", "null2"), (0.0, 0.7)
        )
    ]


def power_grid() -> list[dgp.Setting]:
    return [
        dgp.Setting(actors=g, sd=0.6, sizes="unequal", kind="shift", target=target, kappa=kappa)
        for g, target, kappa in product(ACTORS, (0.03, 0.06), (0.0, 0.7))
    ]


def skewed_grid() -> list[dgp.Setting]:
    """The real test set's spread: 26-70 clips per actor, heavy-tailed
    per-actor differences between two systems, clip-level coupling near that of two
    real HiCMAE runs (kappa 0.7); no difference (``target`` 0, the tests'
    rejection), or A better by 0.3 on the logit scale (the interval of A - B
    must contain the population difference)."""
    return [
        dgp.Setting(
            actors=g,
            sd=0.6,
            level=level,
            sizes="wide",
            kind="skewed",
            tau=tau,
            kappa=0.7,
            target=target,
        )
        for g, level, tau, target in product(ACTORS, ("main", "hard"), (0.5, 1.0), (0.0, 0.3))
    ]


def quick_grids() -> tuple[list[dgp.Setting], list[dgp.Setting]]:
    """The quick check of ``make test``: 11 actors, sd 0.6, unequal sizes."""
    base = dgp.Setting(actors=11, sd=0.6, sizes="unequal")
    intervals = [replace(base, level=level) for level in ("main", "hard")]
    nulls = [replace(base, kind=kind) for kind in ("null1", "null2")]
    return intervals, nulls


def _rng(kind: str, s: dgp.Setting) -> np.random.Generator:
    key = zlib.crc32(repr((kind, sorted(asdict(s).items()))).encode())
    return np.random.default_rng(np.random.SeedSequence([BASE_SEED, key]))


# Prediction and label rows giving each outcome cell: labels "ang" (single)
# or "ang 30 / hap 70" (blend); predictions right, wrong, or partly right.
_PRED_MASK = np.array([0b000001, 0b000010, 0b000001, 0b001001, 0b001001], dtype=np.uint8)
_PRED_SALIENCE = np.array(
    [[np.nan, np.nan], [np.nan, np.nan], [np.nan, np.nan], [50, 50], [30, 70]], dtype=float
)


def _encoded(cells: np.ndarray) -> tuple[Encoded, Encoded]:
    """Predictions and labels whose clips fall in these outcome cells."""
    blend = cells >= 2
    label = Encoded(
        np.where(blend, 0b001001, 0b000001).astype(np.uint8),
        np.where(blend[:, None], [30.0, 70.0], np.nan),
    )
    return Encoded(_PRED_MASK[cells], _PRED_SALIENCE[cells]), label


def _dataset(counts: Iterable[tuple[int, int, int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """The clips' cells and group ids of one dataset from per-actor counts."""
    parts = [dgp.cells(*map(int, c)) for c in counts]
    groups = np.repeat(np.arange(len(parts)), [len(p) for p in parts])
    return np.concatenate(parts), groups


def _options(method: str) -> dict:
    if method == "cluster-t":
        return {"method": method}
    return {"method": method, "n_resamples": PERCENTILE_RESAMPLES, "seed": 1}


def interval_cell(s: dgp.Setting, datasets: int) -> list[dict]:
    """Coverage of each method and metric in one cell."""
    d = dgp.simulate(_rng("intervals", s), s, datasets)
    truth = dgp.truth(s)
    hits = {m: np.zeros((3, 3)) for m in METHODS}  # metric x (covered, below, above)
    for r in range(datasets):
        cells, groups = _dataset(zip(d["n"][r], d["b"][r], d["p"][r], d["s"][r], strict=True))
        pred, label = _encoded(cells)
        for method in METHODS:
            with warnings.catch_warnings():
                # Rare datasets without a salience hit: their bound is counted too;
                # the contrast's 999 resamples are what the README's figures used.
                warnings.simplefilter("ignore", RuntimeWarning)
                warnings.filterwarnings("ignore", "[0-9,]+ resamples are too few", UserWarning)
                result = bf.bootstrap(
                    pred, label, cluster=groups, confidence=CONFIDENCE, **_options(method)
                )
            for j, name in enumerate(METRICS):
                i = getattr(result, name)
                hits[method][j] += (
                    i.low <= truth[j] <= i.high,
                    truth[j] < i.low,
                    truth[j] > i.high,
                )
    return [
        _row(s, method, name, "coverage", hits[method][j][0] / datasets, datasets)
        | {"below": hits[method][j][1] / datasets, "above": hits[method][j][2] / datasets}
        for method in METHODS
        for j, name in enumerate(METRICS)
    ]


def rejection_cell(s: dgp.Setting, datasets: int) -> list[dict]:
    """How often each method's p-value is below 0.05, per metric, in one cell."""
    d = dgp.simulate_pair(_rng("tests", s), s, datasets)
    truth = dgp.paired_truth(s)
    rejected = {m: np.zeros(3) for m in METHODS}
    covered = {m: np.zeros(3) for m in METHODS}
    for r in range(datasets):
        blends = (d["n"][r], d["b"][r])
        cells_a, groups = _dataset(zip(*blends, d["pA"][r], d["sA"][r], strict=True))
        cells_b, _ = _dataset(zip(*blends, d["pB"][r], d["sB"][r], strict=True))
        pred_a, label = _encoded(cells_a)
        pred_b, _ = _encoded(cells_b)
        for method in METHODS:
            with warnings.catch_warnings():
                # Identical systems on some actors: zero-width notes are expected;
                # the contrast's 999 resamples are what the README's figures used.
                warnings.simplefilter("ignore", RuntimeWarning)
                warnings.filterwarnings("ignore", "[0-9,]+ resamples are too few", UserWarning)
                result = bf.compare(pred_a, pred_b, label, cluster=groups, **_options(method))
            rejected[method] += [getattr(result, n).p_value < ALPHA for n in METRICS]
            covered[method] += [
                getattr(result, n).low <= t <= getattr(result, n).high
                for n, t in zip(METRICS, truth, strict=True)
            ]
    if s.kind == "skewed":
        what, rates = "pair coverage", covered  # of the interval of A - B
    else:
        what, rates = ("power" if s.kind == "shift" else "rejection"), rejected
    return [
        _row(s, method, name, what, rates[method][j] / datasets, datasets)
        for method in METHODS
        for j, name in enumerate(METRICS)
    ]


def _row(s: dgp.Setting, method: str, metric: str, what: str, rate: float, datasets: int) -> dict:
    return asdict(s) | {
        "method": method,
        "metric": metric,
        "what": what,
        "rate": rate,
        "mc_se": float(np.sqrt(rate * (1 - rate) / datasets)),
        "datasets": datasets,
    }
