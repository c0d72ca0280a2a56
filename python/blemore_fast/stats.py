"""``bootstrap`` and ``compare``: confidence intervals for both metrics and a
paired test of two systems, at clip or actor level.

Each clip falls into one of five outcome cells (see ``CELLS``) and both
metrics are ratios of cell counts. A clip-level replicate is therefore a
multinomial draw over the cells, and an actor-level replicate a sum of
per-actor cell counts: the native core resamples those, so the cost does not
grow with the number of clips. The result is equal in distribution to
drawing N clips (or K actors) with replacement and applying the published
totals.

In each replicate, presence and salience come from the same resample, and
salience is computed over the blend clips drawn; a replicate that draws no
blend clip gives salience 0.0, exactly as the published total does.
"""

from __future__ import annotations

import operator
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from .scoring import Aligned, Score, align

METHODS = ("percentile", "basic", "bca")
STATISTICS = ("presence", "salience", "mean")
_ROWS = ("estimate", "low", "high", "se", "p_value")
_PRESENCE_RIGHT = (0, 3, 4)
_SALIENCE_RIGHT = 4


@dataclass(frozen=True)
class Interval:
    """A point estimate, its bootstrap interval ``[low, high]`` and standard
    error. For a difference from :func:`compare`, also the two-sided p-value
    against "no difference"."""

    estimate: float
    low: float
    high: float
    se: float
    p_value: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        out: dict[str, float | None] = {
            "estimate": self.estimate,
            "low": self.low,
            "high": self.high,
            "se": self.se,
        }
        if self.p_value is not None:
            out["p_value"] = self.p_value
        return out

    def __repr__(self) -> str:
        text = (
            f"Interval(estimate={self.estimate:.4f}, low={self.low:.4f}, "
            f"high={self.high:.4f}, se={self.se:.4f}"
        )
        return text + (f", p_value={self.p_value:.4g})" if self.p_value is not None else ")")


def _units(cluster: str | None, n_units: int) -> str:
    kind = {None: "clip", "actor": "actor"}.get(cluster, "cluster")
    return f"{n_units:,} {kind}{'s' if n_units != 1 else ''}"


@dataclass(frozen=True, repr=False)
class BootstrapResult:
    """Bootstrap intervals of presence, salience and their mean.

    ``cluster`` is None (clips were resampled), ``"actor"`` or ``"groups"``
    (user-given group ids); ``n_units`` is how many clips or clusters each
    replicate draws, with replacement. ``seed`` repeats the run exactly.
    ``distribution`` is the ``(n_resamples, 3)`` array of replicate values
    (columns presence, salience, mean) when it was asked for.
    """

    presence: Interval
    salience: Interval
    mean: Interval
    n_resamples: int
    method: str
    cluster: str | None
    confidence: float
    seed: int
    n: int
    n_units: int
    distribution: np.ndarray | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON: one dict per metric and the settings."""
        out: dict[str, Any] = {name: getattr(self, name).as_dict() for name in STATISTICS}
        out.update(
            n_resamples=self.n_resamples,
            method=self.method,
            cluster=self.cluster,
            confidence=self.confidence,
            seed=self.seed,
            n=self.n,
            n_units=self.n_units,
        )
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per metric: estimate, low, high, se."""
        return _frame(self, ["estimate", "low", "high", "se"])

    def __repr__(self) -> str:
        head = (
            f"BootstrapResult: {self.confidence:.0%} {self.method} intervals, "
            f"{self.n_resamples:,} resamples of {_units(self.cluster, self.n_units)}, "
            f"seed={self.seed}"
        )
        lines = [head, f"  {'':<9}{'estimate':>9}{'low':>9}{'high':>9}{'se':>9}"]
        for name in STATISTICS:
            i = getattr(self, name)
            lines.append(f"  {name:<9}{i.estimate:>9.4f}{i.low:>9.4f}{i.high:>9.4f}{i.se:>9.4f}")
        return "\n".join(lines)


@dataclass(frozen=True, repr=False)
class Comparison:
    """A paired comparison of systems A and B on the same clips.

    ``presence``, ``salience`` and ``mean`` are the differences A - B with
    their intervals, standard errors and two-sided p-values. ``score_a`` and
    ``score_b`` are the plain scores. The discordant counts say how many clips
    each system gets right that the other gets wrong (salience: blend clips
    only). ``distribution`` holds the ``(n_resamples, 3)`` replicate
    differences when asked for.
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
    n_resamples: int
    method: str
    cluster: str | None
    confidence: float
    seed: int
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
            n_resamples=self.n_resamples,
            method=self.method,
            cluster=self.cluster,
            confidence=self.confidence,
            seed=self.seed,
            n=self.n,
            n_units=self.n_units,
        )
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per metric: a, b, and the difference's estimate, low, high, se, p_value."""
        frame = _frame(self, ["estimate", "low", "high", "se", "p_value"])
        frame.insert(0, "b", [getattr(self.score_b, name) for name in STATISTICS])
        frame.insert(0, "a", [getattr(self.score_a, name) for name in STATISTICS])
        return frame

    def __repr__(self) -> str:
        head = (
            f"Comparison (A - B): {self.confidence:.0%} {self.method} intervals, "
            f"{self.n_resamples:,} paired resamples of {_units(self.cluster, self.n_units)}, "
            f"seed={self.seed}"
        )
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


def _frame(result: BootstrapResult | Comparison, columns: list[str]) -> pd.DataFrame:
    rows = [[getattr(getattr(result, name), c) for c in columns] for name in STATISTICS]
    return pd.DataFrame(rows, index=pd.Index(STATISTICS, name="metric"), columns=columns)


# --- argument checks


def _n_resamples(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError(f"n_resamples must be an integer; got {value!r}")
    try:
        n = operator.index(value)
    except TypeError:
        raise TypeError(
            f"n_resamples must be an integer; got {value!r} ({type(value).__name__})"
        ) from None
    if n < 1:
        raise ValueError(f"n_resamples must be at least 1; got {n}")
    return n


def _confidence(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"confidence must be a number in (0, 1); got {value!r}")
    c = float(value)
    if not 0 < c < 1:
        hint = f" (did you mean {c / 100:g}?)" if 1 < c < 100 else ""
        raise ValueError(f"confidence must be strictly between 0 and 1; got {value!r}{hint}")
    return c


def _method(value: Any) -> str:
    if not isinstance(value, str) or value.lower() not in METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}; got {value!r}")
    return value.lower()


def _seed(value: Any) -> int:
    if value is None:
        # Fresh OS entropy (a 128-bit int), reported back so the run can be repeated.
        entropy = np.random.SeedSequence().entropy
        assert isinstance(entropy, int)
        return entropy % 2**64
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"seed must be None or an integer; got {value!r} ({type(value).__name__})")
    if not 0 <= int(value) < 2**64:
        raise ValueError(f"seed must be in [0, 2**64); got {value!r}")
    return int(value)


def _align(preds: Any, labels: Any, strict: bool) -> Aligned:
    if isinstance(preds, Aligned):
        if labels is not None:
            raise ValueError("labels must be None when preds is already Aligned")
        return preds
    return align(preds, labels, strict=strict)


# --- clusters


def _actors(aligned: Aligned) -> np.ndarray:
    meta = aligned.metadata
    if meta is not None:
        for column in ("actor", "video_id"):
            if column in meta.columns:
                values = meta[column]
                missing = values.index[values.isna().to_numpy()]
                if len(missing):
                    raise ValueError(
                        f"cluster='actor': the metadata's {column!r} column is empty for "
                        f"{len(missing)} clip(s), e.g. {', '.join(map(str, missing[:5]))}"
                    )
                return values.to_numpy()
    if aligned.names is None:
        raise ValueError(
            "cluster='actor' needs clip names or label metadata with an 'actor' "
            "column; these predictions have neither"
        )
    return np.array([name.split("_", 1)[0] for name in aligned.names], dtype=object)


def _by_name(cluster: Mapping[Any, Any] | pd.Series, aligned: Aligned) -> np.ndarray:
    if aligned.names is None:
        raise ValueError(
            "a cluster mapping needs clip names; these predictions have none, "
            "so pass an array of group ids in clip order"
        )
    if isinstance(cluster, pd.Series):
        values = cluster.reindex(list(aligned.names))
        missing = [n for n, v in zip(aligned.names, values.isna(), strict=True) if v]
    else:
        missing = [n for n in aligned.names if n not in cluster]
        values = pd.Series([cluster.get(n) for n in aligned.names], dtype=object)
    if missing:
        raise ValueError(
            f"cluster has no group for {len(missing)} clip(s), e.g. {', '.join(missing[:5])}"
        )
    return values.to_numpy()


def _groups(cluster: Any, aligned: Aligned) -> tuple[np.ndarray | None, str | None]:
    """Each clip's cluster as int64 codes, and the name reported for it."""
    if cluster is None:
        return None, None
    n = len(aligned.pred)
    if isinstance(cluster, str):
        if cluster != "actor":
            raise ValueError(
                f"cluster must be None (clips), 'actor' or one group id per clip; got {cluster!r}"
            )
        values, name = _actors(aligned), "actor"
    elif isinstance(cluster, Mapping) or (
        isinstance(cluster, pd.Series) and not isinstance(cluster.index, pd.RangeIndex)
    ):
        values, name = _by_name(cluster, aligned), "groups"
    else:
        values, name = np.asarray(cluster), "groups"
        if values.ndim != 1 or len(values) != n:
            raise ValueError(
                f"cluster must give one group id per clip ({n}); got an array "
                f"of shape {values.shape}"
            )
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    if (codes < 0).any():
        bad = np.flatnonzero(codes < 0)
        raise ValueError(
            f"cluster has missing group ids (None/NaN) for {len(bad)} clip(s), "
            f"at positions {bad[:5].tolist()}"
        )
    return np.ascontiguousarray(codes, dtype=np.int64), name


# --- the two entry points


def _intervals(table: np.ndarray) -> list[Interval]:
    rows = dict(zip(_ROWS, table.tolist(), strict=False))
    p_values = rows.get("p_value", [None] * 3)
    return [
        Interval(rows["estimate"][j], rows["low"][j], rows["high"][j], rows["se"][j], p_values[j])
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


def bootstrap(
    preds: Any,
    labels: Any = None,
    *,
    n_resamples: int = 10_000,
    confidence: float = 0.95,
    method: str = "percentile",
    cluster: Any = None,
    seed: int | None = None,
    return_distribution: bool = False,
    strict: bool = True,
) -> BootstrapResult:
    """Bootstrap confidence intervals of presence, salience and their mean.

    ``preds`` and ``labels`` accept every input :func:`score` does (or an
    :class:`Aligned` from :func:`align`) and are validated the same way.

    - ``method``: ``"percentile"``, ``"basic"`` or ``"bca"`` (bias-corrected
      and accelerated; where BCa is undefined, for instance when every
      leave-one-out value is equal, the percentile interval is given with a
      ``RuntimeWarning``).
    - ``cluster``: None resamples clips. ``"actor"`` resamples actors: the
      label metadata's ``actor`` (or ``video_id``) column, else the clip-name
      prefix before the first ``_``. An array of group ids (one per clip, in
      the order of the predictions) or a ``{clip: group}`` mapping / Series
      resamples those groups. Clips of one actor are correlated, so
      actor-level intervals are wider and more honest about new actors.
    - ``seed``: None draws a fresh seed, reported as ``result.seed``. The same
      seed gives bit-identical results whatever the number of threads, and
      whatever the order of the clips.

    Presence and salience come from the same replicate; salience counts only
    the blend clips drawn, and a replicate that draws no blend clip gives
    salience 0.0, as the published total does.

    >>> preds = {"A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100}],
    ...          "A102_hap_int2_ver1": [{"emotion": "sad", "salience": 100}],
    ...          "A411_mix_ang_hap_30_70_ver1": [{"emotion": "hap", "salience": 70},
    ...                                          {"emotion": "ang", "salience": 30}]}
    >>> result = bootstrap(preds, n_resamples=2000, seed=7)
    >>> result.presence.estimate, result.n_units
    (0.6666666666666666, 3)
    >>> result.presence.low <= 0.6667 <= result.presence.high
    True
    """
    n_resamples, confidence = _n_resamples(n_resamples), _confidence(confidence)
    method, seed = _method(method), _seed(seed)
    aligned = _align(preds, labels, strict)
    groups, cluster_name = _groups(cluster, aligned)
    table, messages, n_units, distribution = _core.bootstrap_cells(
        aligned.outcomes(),
        groups=groups,
        n_resamples=n_resamples,
        confidence=confidence,
        method=method,
        seed=seed,
        return_distribution=bool(return_distribution),
    )
    _warn(messages, n_units, cluster_name)
    presence, salience, mean = _intervals(table)
    return BootstrapResult(
        presence,
        salience,
        mean,
        n_resamples,
        method,
        cluster_name,
        confidence,
        seed,
        len(aligned.pred),
        n_units,
        _distribution(distribution),
    )


def _matched(a: Aligned, b: Aligned) -> np.ndarray:
    """For each clip of A, its row in B."""
    if a.names is not None and b.names is not None:
        if a.names == b.names:
            return np.arange(len(a.names))
        rows = {name: i for i, name in enumerate(b.names)}
        only_a = [n for n in a.names if n not in rows]
        only_b = sorted(set(b.names) - set(a.names))
        if only_a or only_b:
            parts = [
                f"{len(x)} only in {who} (e.g. {', '.join(x[:5])})"
                for x, who in ((only_a, "preds_a"), (only_b, "preds_b"))
                if x
            ]
            raise ValueError("preds_a and preds_b must cover the same clips; " + "; ".join(parts))
        return np.array([rows[n] for n in a.names], dtype=np.intp)
    if len(a.pred) != len(b.pred):
        raise ValueError(
            f"preds_a has {len(a.pred)} clips but preds_b has {len(b.pred)}; "
            "without clip names they are matched by position"
        )
    return np.arange(len(a.pred))


def _same_labels(a: Aligned, b: Aligned, order: np.ndarray) -> None:
    same = (a.label.mask == b.label.mask[order]) & np.all(
        a.label.salience == b.label.salience[order], axis=1
    )
    if not same.all():
        bad = np.flatnonzero(~same)[:5]
        where = [a.names[i] if a.names else f"row {i}" for i in bad]
        raise ValueError(
            f"preds_a and preds_b were scored against different labels for "
            f"{int((~same).sum())} clip(s), e.g. {', '.join(where)}"
        )


def compare(
    preds_a: Any,
    preds_b: Any,
    labels: Any = None,
    *,
    n_resamples: int = 10_000,
    confidence: float = 0.95,
    method: str = "percentile",
    cluster: Any = None,
    seed: int | None = None,
    return_distribution: bool = False,
    strict: bool = True,
) -> Comparison:
    """Paired bootstrap comparison of two systems scored on the same clips.

    Every replicate draws the same clips (or actors, with ``cluster``) for
    both systems, so the intervals of A - B account for the clips they share.
    Dict predictions are matched by clip name and must cover the same clips;
    the error lists the differences. The other arguments are those of
    :func:`bootstrap`.

    The p-value is two-sided against "no difference": the replicate
    differences are shifted to centre on zero (by the observed difference d)
    and ``p = (c + 1) / (B + 1)``, where ``c`` counts shifted replicates at
    least as far from zero as d (ties counted exactly). Salience in a
    replicate without blend clips is 0.0 for both systems.

    >>> a = {"A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100}],
    ...      "A102_hap_int2_ver1": [{"emotion": "hap", "salience": 100}]}
    >>> b = {"A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100}],
    ...      "A102_hap_int2_ver1": [{"emotion": "sad", "salience": 100}]}
    >>> result = compare(a, b, n_resamples=999, seed=1)
    >>> result.presence.estimate, result.a_only_presence, result.b_only_presence
    (0.5, 1, 0)
    """
    n_resamples, confidence = _n_resamples(n_resamples), _confidence(confidence)
    method, seed = _method(method), _seed(seed)
    a, b = _align(preds_a, labels, strict), _align(preds_b, labels, strict)
    order = _matched(a, b)
    _same_labels(a, b, order)
    outcomes_a = a.outcomes()
    outcomes_b = np.ascontiguousarray(b.outcomes()[order])
    groups, cluster_name = _groups(cluster, a)
    table, messages, n_units, distribution = _core.compare_cells(
        outcomes_a,
        outcomes_b,
        groups=groups,
        n_resamples=n_resamples,
        confidence=confidence,
        method=method,
        seed=seed,
        return_distribution=bool(return_distribution),
    )
    _warn(messages, n_units, cluster_name)
    presence, salience, mean = _intervals(table)
    right_a, right_b = np.isin(outcomes_a, _PRESENCE_RIGHT), np.isin(outcomes_b, _PRESENCE_RIGHT)
    salient_a, salient_b = outcomes_a == _SALIENCE_RIGHT, outcomes_b == _SALIENCE_RIGHT
    return Comparison(
        presence,
        salience,
        mean,
        score_a=Score.from_cells(np.bincount(outcomes_a, minlength=5)),
        score_b=Score.from_cells(np.bincount(outcomes_b, minlength=5)),
        a_only_presence=int((right_a & ~right_b).sum()),
        b_only_presence=int((right_b & ~right_a).sum()),
        a_only_salience=int((salient_a & ~salient_b).sum()),
        b_only_salience=int((salient_b & ~salient_a).sum()),
        n_resamples=n_resamples,
        method=method,
        cluster=cluster_name,
        confidence=confidence,
        seed=seed,
        n=len(outcomes_a),
        n_units=n_units,
        distribution=_distribution(distribution),
    )
