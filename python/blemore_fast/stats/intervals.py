"""The results of the statistics: intervals, bootstrap results and paired comparisons.

Each result keeps the settings that produced it (``n_resamples``, ``method``,
``cluster``, ``confidence``, ``seed``), so a run can be repeated exactly, and
reads as a small table (``repr``, ``to_frame``, ``as_dict``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..scoring import Score

__all__ = ["STATISTICS", "BootstrapResult", "Comparison", "Interval"]

#: The three statistics every result reports, in this order.
STATISTICS = ("presence", "salience", "mean")
_ROWS = ("estimate", "low", "high", "se", "p_value")


@dataclass(frozen=True)
class Interval:
    """A point estimate, its interval ``[low, high]`` and standard error.

    For ``method="cluster-t"`` the one-system interval is built on the logit
    scale, so it is not ``estimate +- t * se`` (``se`` is the logit scale's
    carried back to the rate's); a difference's interval is
    ``estimate +- t * se``.

    Attributes
    ----------
    estimate : float
        The score, or the difference A - B.
    low, high : float
        The interval's ends.
    se : float
        The standard error.
    p_value : float or None
        For a difference from :func:`~blemore_fast.compare`, the two-sided
        p-value against "no difference"; None otherwise.
    df : float or None
        The t distribution's degrees of freedom for ``method="cluster-t"``
        (None for the resampling methods).

    Examples
    --------
    >>> Interval(estimate=0.3148, low=0.2528, high=0.3842, se=0.0296, df=10)
    Interval(estimate=0.3148, low=0.2528, high=0.3842, se=0.0296, df=10)
    >>> Interval(0.3148, 0.2528, 0.3842, 0.0296).as_dict()["low"]
    0.2528
    """

    estimate: float
    low: float
    high: float
    se: float
    p_value: float | None = None
    df: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        out: dict[str, float | None] = {
            "estimate": self.estimate,
            "low": self.low,
            "high": self.high,
            "se": self.se,
        }
        if self.p_value is not None:
            out["p_value"] = self.p_value
        if self.df is not None:
            out["df"] = self.df
        return out

    def __repr__(self) -> str:
        text = (
            f"Interval(estimate={self.estimate:.4f}, low={self.low:.4f}, "
            f"high={self.high:.4f}, se={self.se:.4f}"
        )
        if self.p_value is not None:
            text += f", p_value={self.p_value:.4g}"
        return text + (f", df={self.df:g})" if self.df is not None else ")")


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' if n != 1 else ''}"


def _units(cluster: str | None, n_units: int) -> str:
    return _count(n_units, {None: "clip", "actor": "actor"}.get(cluster, "group"))


def _question(result: BootstrapResult | Comparison, paired: bool) -> str:
    """Which question the intervals answer, and how they were made, in words."""
    level = f"{result.confidence:.0%}"
    if result.cluster is None:
        return (
            f"these {result.n:,} clips: {level} clip-level {result.method} intervals "
            "(the actors held fixed)"
        )
    units = _units(result.cluster, result.n_units)
    new = "new actors" if result.cluster == "actor" else "new groups"
    if result.method == "cluster-t":
        unit = "actor" if result.cluster == "actor" else "group"
        scale = "two-thirds power" if paired else "logit"
        how = f"leave-one-{unit}-out t, {scale} scale"
        return (
            f"{new}: {level} intervals over {units}, small-sample corrected "
            f"({how}, {result.presence.df:g} df)"
        )
    return (
        f"{new}: {level} {result.method} intervals over {units}, not small-sample "
        "corrected (too narrow with few groups; cluster-t is calibrated)"
    )


def _resampling(result: BootstrapResult | Comparison, what: str) -> str:
    """How many replicates (or none) and the seed, for the repr's head."""
    if result.n_resamples is None:
        return "analytic, no resampling"
    return f"{_count(result.n_resamples, what)}, seed={result.seed}"


@dataclass(frozen=True, repr=False)
class BootstrapResult:
    """Intervals of presence, salience and their mean, from :func:`~blemore_fast.bootstrap`.

    Attributes
    ----------
    presence, salience, mean : Interval
        Each score with its interval and standard error.
    n_resamples : int or None
        The replicates drawn; None for the analytic ``"cluster-t"``, which
        draws nothing.
    method : str
        The interval method used.
    cluster : str or None
        None (the clips are the units), ``"actor"`` or ``"groups"``
        (user-given group ids).
    confidence : float
        The confidence level.
    seed : int or None
        Repeats a resampling run exactly; None for ``"cluster-t"``.
    n, n_units : int
        The clips, and how many clips or groups are the units (and each
        replicate draws, with replacement).
    distribution : numpy.ndarray or None
        The ``(n_resamples, 3)`` array of replicate values (columns presence,
        salience, mean) when it was asked for.
    question : str
        In words, which question the intervals answer.

    Examples
    --------
    >>> from blemore_fast import bootstrap
    >>> result = bootstrap({"A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100}],
    ...                     "A102_hap_int2_ver1": [{"emotion": "sad", "salience": 100}]},
    ...                    cluster="clip", n_resamples=1000, seed=1)
    >>> result.method, result.n_units, result.presence.estimate
    ('percentile', 2, 0.5)
    >>> list(result.to_frame().index)
    ['presence', 'salience', 'mean']
    """

    presence: Interval
    salience: Interval
    mean: Interval
    n_resamples: int | None
    method: str
    cluster: str | None
    confidence: float
    seed: int | None
    n: int
    n_units: int
    distribution: np.ndarray | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON: one dict per metric and the settings."""
        out: dict[str, Any] = {name: getattr(self, name).as_dict() for name in STATISTICS}
        return out | _settings(self) | {"question": self.question}

    @property
    def question(self) -> str:
        """Which question the intervals answer (new actors, or these clips), in words."""
        return _question(self, paired=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per metric: estimate, low, high, se."""
        return _frame(self, ["estimate", "low", "high", "se"])

    def __repr__(self) -> str:
        head = f"BootstrapResult: {self.question}; {_resampling(self, 'resample')}"
        lines = [head, f"  {'':<9}{'estimate':>9}{'low':>9}{'high':>9}{'se':>9}"]
        for name in STATISTICS:
            i = getattr(self, name)
            lines.append(f"  {name:<9}{i.estimate:>9.4f}{i.low:>9.4f}{i.high:>9.4f}{i.se:>9.4f}")
        return "\n".join(lines)


@dataclass(frozen=True, repr=False)
class Comparison:
    """A paired comparison of systems A and B on the same clips, from :func:`~blemore_fast.compare`.

    Attributes
    ----------
    presence, salience, mean : Interval
        The differences A - B with their intervals, standard errors and
        two-sided p-values.
    score_a, score_b : Score
        The plain scores.
    a_only_presence, b_only_presence, a_only_salience, b_only_salience : int
        The discordant counts: how many clips each system gets right that the
        other gets wrong (salience: blend clips only).
    n_resamples, method, cluster, confidence, seed, n, n_units
        As in :class:`BootstrapResult`.
    distribution : numpy.ndarray or None
        The ``(n_resamples, 3)`` replicate differences when asked for.
    question : str
        In words, which question the intervals answer.

    Examples
    --------
    >>> from blemore_fast import compare
    >>> a = {"A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100}],
    ...      "A102_hap_int2_ver1": [{"emotion": "hap", "salience": 100}]}
    >>> b = {"A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100}],
    ...      "A102_hap_int2_ver1": [{"emotion": "sad", "salience": 100}]}
    >>> result = compare(a, b, cluster="clip", n_resamples=1000, seed=1)
    >>> result.score_a.presence, result.score_b.presence, result.presence.estimate
    (1.0, 0.5, 0.5)
    """

    presence: Interval
    salience: Interval
    mean: Interval
    score_a: Score
    score_b: Score
    a_only_presence: int
    b_only_presence: int
    a_only_salience: int
    b_only_salience: int
    n_resamples: int | None
    method: str
    cluster: str | None
    confidence: float
    seed: int | None
    n: int
    n_units: int
    distribution: np.ndarray | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON: the differences, both scores, counts and settings."""
        out: dict[str, Any] = {name: getattr(self, name).as_dict() for name in STATISTICS}
        out.update(
            score_a=self.score_a.as_dict(),
            score_b=self.score_b.as_dict(),
            a_only_presence=self.a_only_presence,
            b_only_presence=self.b_only_presence,
            a_only_salience=self.a_only_salience,
            b_only_salience=self.b_only_salience,
        )
        return out | _settings(self) | {"question": self.question}

    @property
    def question(self) -> str:
        """Which question the intervals and p-values answer, in words."""
        return _question(self, paired=True) + "; two-sided p-values"

    def to_frame(self) -> pd.DataFrame:
        """One row per metric: a, b, and the difference's estimate, low, high, se, p_value."""
        frame = _frame(self, ["estimate", "low", "high", "se", "p_value"])
        frame.insert(0, "b", [getattr(self.score_b, name) for name in STATISTICS])
        frame.insert(0, "a", [getattr(self.score_a, name) for name in STATISTICS])
        return frame

    def __repr__(self) -> str:
        head = f"Comparison (A - B): {self.question}; {_resampling(self, 'paired resample')}"
        lines = [
            head,
            f"  {'':<9}{'A':>8}{'B':>8}{'A - B':>9}{'low':>9}{'high':>9}{'se':>8}{'p':>8}",
        ]
        for name in STATISTICS:
            i = getattr(self, name)
            lines.append(
                f"  {name:<9}{getattr(self.score_a, name):>8.4f}{getattr(self.score_b, name):>8.4f}"
                f"{i.estimate:>+9.4f}{i.low:>+9.4f}{i.high:>+9.4f}{i.se:>8.4f}{i.p_value:>8.4f}"
            )
        lines.append(
            f"  right for one only: presence A {self.a_only_presence}, "
            f"B {self.b_only_presence}; salience A {self.a_only_salience}, "
            f"B {self.b_only_salience}"
        )
        return "\n".join(lines)


#: The settings every resampling result reports, so that it can be repeated.
_SETTINGS = ("n_resamples", "method", "cluster", "confidence", "seed", "n", "n_units")


def _settings(result: BootstrapResult | Comparison) -> dict[str, Any]:
    return {name: getattr(result, name) for name in _SETTINGS}


def _frame(result: BootstrapResult | Comparison, columns: list[str]) -> pd.DataFrame:
    rows = [[getattr(getattr(result, name), c) for c in columns] for name in STATISTICS]
    return pd.DataFrame(rows, index=pd.Index(STATISTICS, name="metric"), columns=columns)


def _intervals(table: np.ndarray, df: tuple[float, float, float] | None) -> list[Interval]:
    rows = dict(zip(_ROWS, table.tolist(), strict=False))
    p_values = rows.get("p_value", [None] * 3)
    dfs = df or (None, None, None)
    return [
        Interval(
            rows["estimate"][j],
            rows["low"][j],
            rows["high"][j],
            rows["se"][j],
            p_values[j],
            dfs[j],
        )
        for j in range(3)
    ]


def _warn(messages: list[str], n_units: int, cluster: str | None) -> None:
    for message in messages:
        warnings.warn(message, RuntimeWarning, stacklevel=3)
    if n_units == 1:
        warnings.warn(
            f"there is only one {'clip' if cluster is None else 'cluster'} to resample, so "
            "every replicate is the same and the intervals have zero width",
            RuntimeWarning,
            stacklevel=3,
        )


def _distribution(array: np.ndarray | None) -> np.ndarray | None:
    if array is not None:
        array.flags.writeable = False
    return array
