"""``plan``: how many actors a test set needs to tell two systems apart.

Everything is planned from a pilot's actors (for example the pooled
out-of-fold predictions of validation folds): their clip and blend counts,
their hit rates and, with a second system, how the two systems' hits move
together within each actor. Nothing assumes equal actors or normal effects.

**The fast curve.** ``compare``'s cluster-t standard error is a sum over
actors of squared leave-one-actor-out terms, so with K actors like the
pilot's its variance is the pilot's times G / K::

    se_K = se_pilot * sqrt(G / K)

(G: the pilot's actors). The test divides the difference by an estimated
standard error and compares it with Student's t on K - 1 degrees of freedom,
so the power for a true difference d is
``P(T > q - d / se_K) + P(T < -q - d / se_K)`` with T ~ t(K - 1) and
``q = t_{1 - alpha/2, K - 1}``, and the detectable difference is
``(q + t_{power, K - 1}) * se_K``. One system's interval scales the same
way on the logit scale; its median half-width takes the median of the
estimated standard error, ``sqrt(chi2_{K-1} / (K - 1))``'s median (about
``(1 - 2 / (9 (K - 1))) ** 1.5``), into account.

**The check.** At a few K (the smallest, the largest up to 1,000 and the
one nearest their geometric middle) test sets are simulated by drawing K of the pilot's actors with
replacement and running the same cluster-t method ``compare`` and
``bootstrap`` use (in the native core): the power at the pilot's own
difference, the size (A and B swapped within random actors, so there is no
difference) and the median half-width. The simulated population is the
pilot's G actors, whose spread is (G - 1) / G of the estimated population's,
so the curve it is checked against takes G - 1 for G.

**Where they disagree.** Above about 95% power the curve is conservative by
1-2 points: with real hit rates a larger difference comes with a larger
standard error, which the t curve treats as independent. With 2-4 actors
the test's size falls to about 3.5% and the half-width is off by up to
11%. ``Plan.notes`` names every checked K where they part.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from ..actors import clip_actors
from ..encoded import CELLS, cell_totals
from ..scoring import Aligned, as_aligned
from ._options import _seed
from .bootstrap import bootstrap
from .compare import _matched, compare
from .intervals import STATISTICS
from .power import critical, detectable_difference, power

__all__ = ["MAX_ACTORS", "MAX_SIMULATED_ACTORS", "MIN_PILOT_ACTORS", "Plan", "plan"]

#: A pilot needs this many actors: fewer give no usable spread between actors.
MIN_PILOT_ACTORS = 6
#: The largest test set ``actors_needed`` looks at.
MAX_ACTORS = 100_000
#: The largest test set the check simulates (its cost grows with K).
MAX_SIMULATED_ACTORS = 1_000
#: A check disagrees when the simulated power is this many Monte-Carlo errors
#: from the curve, or the median half-width this far off in relative terms.
_POWER_ERRORS = 3.0
_HALF_WIDTH_TOLERANCE = 0.05


def _median_se_factor(df: np.ndarray) -> np.ndarray:
    """The median of ``sqrt(chi2_df / df)`` (Wilson-Hilferty)."""
    return (1 - 2 / (9 * df)) ** 1.5


def _expit(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


@dataclass(frozen=True)
class _Pilot:
    """What the curve needs from the pilot."""

    actors: int
    actors_with_blends: int
    estimate: float  # A's metric
    se_logit: float  # of A's metric, on the logit scale
    difference: float | None  # A - B
    se_difference: float | None


# eq=False: DataFrames have no single truth value to compare by.
@dataclass(frozen=True, eq=False)
class Plan:
    """What test sets of K actors like the pilot's can tell apart.

    ``table`` has one row per K: ``actors`` and ``half_width`` (the median
    half-width of A's ``metric`` interval); with a second system also
    ``se_difference``, ``detectable_difference`` (at ``target_power`` and
    ``confidence``) and ``power_at_observed`` (the power for the pilot's own
    difference). ``check`` compares the curve with the simulation at a few
    K, with Monte-Carlo errors; ``notes`` says where they disagree.

    The pilot's figures: ``pilot_actors`` (G), ``pilot_actors_with_blends``
    (G for presence and the mean), ``pilot_estimate`` (A's metric),
    ``pilot_difference`` and ``pilot_se_difference`` (A - B and its standard
    error as :func:`~blemore_fast.compare` gives them; None without
    ``against``). :meth:`power` and :meth:`actors_needed` need ``against``.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per K, as above.
    check : pandas.DataFrame
        The curve against the simulation at a few K, with Monte-Carlo errors.
    notes : tuple of str
        Where the curve and the simulation disagree.
    metric, target_power, confidence, n_sims, seed
        The call's settings.
    pilot_actors, pilot_actors_with_blends, pilot_estimate, pilot_difference, pilot_se_difference
        The pilot's figures, as above.

    Examples
    --------
    >>> from blemore_fast import decode, plan, synthetic
    >>> data = synthetic.make_dataset(seed=1)
    >>> train = data.select("train")
    >>> names = list(data.clips["filename"][train])
    >>> good = decode(data.probs["good"][train], alpha=0.3, beta=0.1, names=names)
    >>> result = plan(good, data.clips[train], actors=[11, 20], n_sims=200, seed=0)
    >>> list(result.table.columns), result.pilot_actors
    (['actors', 'half_width'], 47)
    """

    table: pd.DataFrame
    check: pd.DataFrame
    notes: tuple[str, ...]
    metric: str
    target_power: float
    confidence: float
    pilot_actors: int
    pilot_actors_with_blends: int
    pilot_estimate: float
    pilot_difference: float | None
    pilot_se_difference: float | None
    n_sims: int
    seed: int

    def _require_pair(self, what: str) -> float:
        if self.pilot_se_difference is None:
            raise ValueError(f"{what} needs a second system: call plan(..., against=...)")
        return self.pilot_se_difference

    def se_difference(self, actors: Any) -> Any:
        """The standard error of A - B with ``actors`` actors like the pilot's."""
        se = self._require_pair("se_difference")
        k = _sizes(actors, "actors")
        out = se * np.sqrt(self.pilot_actors / k)
        return float(out[0]) if np.ndim(actors) == 0 else out

    def power(self, difference: float, actors: Any) -> Any:
        """The probability that :func:`~blemore_fast.compare` at ``confidence``
        calls a true ``difference`` (in the metric's units, e.g. 0.02 for 2
        points) significant with ``actors`` actors (an int, or an array of
        them). At difference 0 it is the test's size, ``1 - confidence``."""
        self._require_pair("power")
        d = _number(difference, "difference")
        k = _sizes(actors, "actors")
        df = _degrees_of_freedom(k, self.pilot_actors, self.pilot_actors_with_blends)
        out = power(abs(d) / self.se_difference(k), df, self.confidence)
        return float(out[0]) if np.ndim(actors) == 0 else out

    def actors_needed(self, difference: float) -> int | None:
        """The smallest number of actors whose :meth:`power` for ``difference``
        reaches ``target_power``; None if even 100,000 actors do not (a
        difference of 0 never does)."""
        self._require_pair("actors_needed")
        d = _number(difference, "difference")
        if self.power(d, MAX_ACTORS) < self.target_power:
            return None
        low, high = 1, MAX_ACTORS  # power(low) < target <= power(high)
        while high - low > 1:
            middle = (low + high) // 2
            if self.power(d, middle) >= self.target_power:
                high = middle
            else:
                low = middle
        return high

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON: settings, the pilot, the table and the check."""
        return {
            "metric": self.metric,
            "power": self.target_power,
            "confidence": self.confidence,
            "pilot_actors": self.pilot_actors,
            "pilot_estimate": self.pilot_estimate,
            "pilot_difference": self.pilot_difference,
            "pilot_se_difference": self.pilot_se_difference,
            "n_sims": self.n_sims,
            "seed": self.seed,
            "table": _records(self.table),
            "check": _records(self.check),
            "notes": list(self.notes),
        }

    def __repr__(self) -> str:
        k = self.table["actors"]
        text = (
            f"Plan({self.metric}, pilot of {self.pilot_actors} actors, K={k.iloc[0]}..{k.iloc[-1]}"
        )
        if self.pilot_difference is not None:
            text += f", pilot difference {self.pilot_difference:+.4f}"
        return text + ")"


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {key: (None if isinstance(v, float) and math.isnan(v) else v) for key, v in row.items()}
        for row in frame.astype(object).to_dict(orient="records")
    ]


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number; got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value!r}")
    return float(value)


def _sizes(actors: Any, name: str) -> np.ndarray:
    """Numbers of actors as a sorted int64 array (at least 2 each)."""
    if isinstance(actors, (str, bytes)):
        raise TypeError(f"{name} must be an int or integers such as range(6, 81); got {actors!r}")
    try:
        values = (
            [operator.index(actors)]
            if np.ndim(actors) == 0
            else [operator.index(k) for k in actors]
        )
    except TypeError:
        raise TypeError(
            f"{name} must be an int or integers such as range(6, 81); got {actors!r}"
        ) from None
    if not values:
        raise ValueError(f"{name} must not be empty")
    small = [k for k in values if k < 2]
    if small:
        raise ValueError(f"{name} must be at least 2 each; got {small[0]}")
    return np.array(values, dtype=np.int64)


def _probability(value: Any, name: str) -> float:
    x = _number(value, name)
    if not 0 < x < 1:
        raise ValueError(f"{name} must be strictly between 0 and 1; got {value!r}")
    return x


def _pilot_counts(a: Aligned, b: Aligned | None) -> tuple[np.ndarray, int]:
    """One row per pilot actor: clips, blends, A's presence and salience hits,
    B's (A's again without B); and the number of actors."""
    actors = clip_actors(
        a.names,
        a.metadata,
        what="plan",
        hint=" (plan needs each clip's actor: clip names or label metadata)",
    )
    codes, uniques = pd.factorize(actors)
    g = len(uniques)
    if g < MIN_PILOT_ACTORS:
        raise ValueError(
            f"the pilot has {g} actor(s); planning needs at least {MIN_PILOT_ACTORS} "
            "to estimate how much actors differ"
        )

    def per_actor(outcomes: np.ndarray) -> np.ndarray:
        cells = np.bincount(codes * len(CELLS) + outcomes, minlength=g * len(CELLS))
        return np.stack(cell_totals(cells.reshape(g, len(CELLS))), axis=1)

    counts_a = per_actor(a.outcomes())
    counts_b = counts_a if b is None else per_actor(b.outcomes()[_order_of(a, b)])
    table = np.hstack([counts_a, counts_b[:, 2:]]).astype(np.int64)
    return np.ascontiguousarray(table), g


def _order_of(a: Aligned, b: Aligned) -> np.ndarray:
    """For each clip of A, its row in B, with errors in plan's words."""
    try:
        return _matched(a, b)
    except ValueError as error:
        message = str(error).replace("preds_a", "preds").replace("preds_b", "against")
        raise ValueError(message) from None


def _pilot(a: Aligned, b: Aligned | None, counts: np.ndarray, j: int, confidence: float) -> _Pilot:
    """The pilot's own figures: A's interval (bootstrap) and A - B (compare),
    both at actor level, and its actors (with blends, for salience)."""
    alone = getattr(bootstrap(a, cluster="actor", confidence=confidence), STATISTICS[j])
    estimate = alone.estimate
    se_logit = alone.se / (estimate * (1 - estimate)) if 0 < estimate < 1 else math.nan
    difference = se_difference = None
    if b is not None:
        pair = getattr(compare(a, b, cluster="actor", confidence=confidence), STATISTICS[j])
        difference, se_difference = pair.estimate, pair.se
    g = len(counts)
    with_blends = int((counts[:, 1] > 0).sum()) if STATISTICS[j] == "salience" else g
    return _Pilot(g, with_blends, estimate, se_logit, difference, se_difference)


def _curve(
    pilot: _Pilot, k: np.ndarray, target: float, confidence: float, *, spread_of: float
) -> dict[str, Any]:
    """The fast curve at sizes ``k``; ``spread_of`` is the G the pilot's
    standard errors scale by (G, or G - 1 for the simulated population)."""
    df = _degrees_of_freedom(k, pilot.actors, pilot.actors_with_blends)
    scale = np.sqrt(spread_of / k)
    logit = math.log(pilot.estimate / (1 - pilot.estimate)) if 0 < pilot.estimate < 1 else math.nan
    spread = critical(confidence, df) * pilot.se_logit * scale * _median_se_factor(df)
    columns: dict[str, Any] = {
        "actors": k,
        "half_width": (_expit(logit + spread) - _expit(logit - spread)) / 2,
    }
    if pilot.se_difference is not None and pilot.difference is not None:
        se = pilot.se_difference * scale
        columns["se_difference"] = se
        columns["detectable_difference"] = detectable_difference(
            se, df, power=target, confidence=confidence
        )
        columns["power_at_observed"] = power(abs(pilot.difference) / se, df, confidence)
    return columns


def _degrees_of_freedom(k: np.ndarray, actors: int, actors_with_blends: int) -> np.ndarray:
    """K - 1; for salience, the expected actors with blends - 1."""
    return np.maximum(k * (actors_with_blends / actors) - 1.0, 1.0)


def _check_sizes(k: np.ndarray) -> list[int]:
    """The smallest and largest K (up to :data:`MAX_SIMULATED_ACTORS`), and
    the K nearest their geometric middle."""
    k = k[k <= MAX_SIMULATED_ACTORS]
    if not len(k):
        return []
    low, high = int(k.min()), int(k.max())
    middle = int(k[np.argmin(np.abs(np.log(k) - math.log(low * high) / 2))])
    return sorted({low, middle, high})


def _simulate(
    counts: np.ndarray,
    pilot: _Pilot,
    sizes: list[int],
    *,
    j: int,
    paired: bool,
    target: float,
    confidence: float,
    n_sims: int,
    seed: int,
) -> tuple[pd.DataFrame, list[str]]:
    """The check: simulated test sets at ``sizes`` against the curve of the
    population they are drawn from (G - 1 for G)."""
    if n_sims == 0 or not sizes:
        return pd.DataFrame({"actors": pd.Series([], dtype=np.int64)}), []
    draws = _core.plan_draws(
        counts,
        actors=sizes,
        n_sims=n_sims,
        confidence=confidence,
        statistic=j,
        paired=paired,
        seed=seed,
    )
    k = np.array(sizes, dtype=np.int64)
    curve = _curve(pilot, k, target, confidence, spread_of=pilot.actors - 1)
    alpha = 1 - confidence
    rows: dict[str, Any] = {
        "actors": k,
        "half_width": curve["half_width"],
        "simulated_half_width": np.nanmedian(draws[:, 4], axis=1),
    }
    notes = []
    relative = rows["simulated_half_width"] / rows["half_width"] - 1
    for size, off in zip(sizes, relative, strict=True):
        if abs(off) > _HALF_WIDTH_TOLERANCE:
            notes.append(
                f"{size} actors: the simulated median half-width is {off:+.0%} off the curve's"
            )
    if paired:
        rejected = draws[:, 2] < alpha
        size_rejected = draws[:, 3] < alpha
        simulated_power = rejected.mean(axis=1)
        simulated_size = size_rejected.mean(axis=1)
        rows |= {
            "se_difference": curve["se_difference"],
            "simulated_se_difference": np.nanstd(draws[:, 0], axis=1, ddof=1),
            "power_at_observed": curve["power_at_observed"],
            "simulated_power": simulated_power,
            "power_mc_error": np.sqrt(simulated_power * (1 - simulated_power) / n_sims),
            "simulated_size": simulated_size,
            "size_mc_error": np.full(len(sizes), np.sqrt(alpha * (1 - alpha) / n_sims)),
        }
        for i, size in enumerate(sizes):
            gap = simulated_power[i] - curve["power_at_observed"][i]
            error = max(rows["power_mc_error"][i], 1 / n_sims)
            if abs(gap) > _POWER_ERRORS * error:
                notes.append(
                    f"{size} actors: the simulated power at the pilot's difference is "
                    f"{simulated_power[i]:.1%}, the curve's {curve['power_at_observed'][i]:.1%} "
                    f"(Monte-Carlo error {rows['power_mc_error'][i]:.1%}): the curve is "
                    f"{'conservative' if gap > 0 else 'optimistic'} here"
                )
            if abs(simulated_size[i] - alpha) > _POWER_ERRORS * rows["size_mc_error"][i]:
                notes.append(
                    f"{size} actors: the simulated test rejects a true 'no difference' "
                    f"{simulated_size[i]:.1%} of the time, not {alpha:.0%}"
                )
    return pd.DataFrame(rows), notes


def plan(
    preds: Any,
    labels: Any = None,
    *,
    against: Any = None,
    actors: Iterable[int] | int = range(6, 81),
    metric: str = "mean",
    power: float = 0.8,
    confidence: float = 0.95,
    n_sims: int = 2000,
    seed: int | None = None,
    strict: bool = True,
) -> Plan:
    """How many actors a test set needs: a pilot's actors scaled to K actors.

    Parameters
    ----------
    preds
        Pilot predictions of system A, in any form :func:`~blemore_fast.score`
        accepts (or an :class:`~blemore_fast.Aligned`), over clips whose
        actors can be read (clip names or label metadata). For example the
        pooled out-of-fold predictions of validation folds.
    labels
        As for :func:`~blemore_fast.score`.
    against
        Pilot predictions of a second system B on the same clips: the plan
        then answers how large a difference A - B the test set can detect.
    actors
        The test-set sizes K to tabulate (an int or integers, each at least 2).
    metric
        ``"presence"``, ``"salience"`` or ``"mean"``.
    power
        The power the detectable difference and :meth:`Plan.actors_needed`
        aim at.
    confidence
        The confidence level of the intervals and tests (the test's size is
        ``1 - confidence``).
    n_sims
        Simulated test sets at each checked K (0 skips the check).
    seed
        The simulation's seed; None draws one, reported as ``plan.seed``.
    strict
        As for :func:`~blemore_fast.score`.

    Returns
    -------
    Plan
        ``table`` (one row per K), ``check`` (curve against simulation at the
        smallest, middle and largest K up to 1,000, with Monte-Carlo errors), ``notes``
        (where they disagree), and :meth:`Plan.power` and
        :meth:`Plan.actors_needed`.

    Raises
    ------
    ValueError
        When the pilot has fewer than 6 actors, a clip's actor cannot be
        read, the two systems do not cover the same clips, or an argument is
        out of range (named in the message).
    TypeError
        When an argument has the wrong type.

    Notes
    -----
    The curve is ``se_K = se_pilot * sqrt(G / K)`` with Student's t on K - 1
    degrees of freedom (see :mod:`blemore_fast.stats.plan`); the check runs
    the cluster-t method of :func:`~blemore_fast.compare` on test sets of K
    actors drawn from the pilot's.

    Examples
    --------
    >>> from blemore_fast import decode, synthetic
    >>> data = synthetic.make_dataset(seed=1)
    >>> train = data.select("train")
    >>> labels, names = data.clips[train], list(data.clips["filename"][train])
    >>> good, weaker = (decode(data.probs[m][train], alpha=0.3, beta=0.1, names=names)
    ...                 for m in ("good", "weaker"))
    >>> result = plan(good, labels, against=weaker, seed=0)
    >>> print(result.table.iloc[[5, 34]].round(3).to_string(index=False))
     actors  half_width  se_difference  detectable_difference  power_at_observed
         11       0.031          0.018                  0.056              0.885
         40       0.015          0.009                  0.027              1.000
    >>> result.actors_needed(0.02)
    73
    >>> round(result.power(0.0, 11), 9)  # the test's size, 1 - confidence
    0.05
    """
    if metric not in STATISTICS:
        raise ValueError(
            f"metric must be one of {', '.join(map(repr, STATISTICS))}; got {metric!r}"
        )
    j = STATISTICS.index(metric)
    k = np.unique(_sizes(actors, "actors"))
    target = _probability(power, "power")
    level = _probability(confidence, "confidence")
    if isinstance(n_sims, bool):
        raise TypeError(f"n_sims must be an integer; got {n_sims!r}")
    sims = operator.index(n_sims)
    if sims < 0:
        raise ValueError(f"n_sims must be at least 0; got {n_sims!r}")
    chosen_seed = _seed(seed)
    a = as_aligned(preds, labels, strict=strict)
    b = None if against is None else as_aligned(against, labels, strict=strict)
    counts, g = _pilot_counts(a, b)
    pilot = _pilot(a, b, counts, j, level)
    table = pd.DataFrame(_curve(pilot, k, target, level, spread_of=g))
    check, notes = _simulate(
        counts,
        pilot,
        _check_sizes(k),
        j=j,
        paired=b is not None,
        target=target,
        confidence=level,
        n_sims=sims,
        seed=chosen_seed,
    )
    return Plan(
        table=table,
        check=check,
        notes=tuple(notes),
        metric=metric,
        target_power=target,
        confidence=level,
        pilot_actors=g,
        pilot_actors_with_blends=pilot.actors_with_blends,
        pilot_estimate=pilot.estimate,
        pilot_difference=pilot.difference,
        pilot_se_difference=pilot.se_difference,
        n_sims=sims,
        seed=chosen_seed,
    )
