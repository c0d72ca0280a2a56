"""The leaderboard result: the ranked table, the pairwise tests, the tiers
and the systems that could not be ranked, with a repr that says which
question the rank sets answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Problem
from .power import detectable_difference

__all__ = ["DETECTABLE_POWER", "Leaderboard"]

#: The power at which the leaderboard states the detectable difference.
DETECTABLE_POWER = 0.8


# eq=False: DataFrames have no single truth value to compare by.
@dataclass(frozen=True, repr=False, eq=False)
class Leaderboard:
    """Systems ranked by ``metric`` with confidence sets for their ranks, from :func:`~blemore_fast.leaderboard`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per system in rank order: ``system``, ``presence``,
        ``salience``, ``mean``, the metric's interval (``<metric>_low``,
        ``<metric>_high``, from :func:`~blemore_fast.bootstrap` with the same
        ``cluster``), ``rank`` (1 + the number of higher scores) and the rank
        set ``[rank_low, rank_high]``.
    pairwise : pandas.DataFrame
        Every ordered pair ``(a, b)``: ``difference`` a - b, its ``se`` and
        unadjusted ``p_value`` (as :func:`~blemore_fast.compare` gives them),
        its interval at the family-wise level (all pairs at once) and the
        single-step max-t adjusted ``p_adjusted``. :meth:`matrix` pivots a
        column.
    groups : list of tuple of str
        Tiers of systems that cannot be told apart; the first holds every
        system whose rank set reaches first place.
    failed : dict
        Systems that failed validation, with their problems.
    rank_distribution : pandas.DataFrame
        Ranks in a bootstrap of the groups (the blob plot's data; a picture of
        variability, not a confidence statement).
    metric, cluster, confidence, simultaneous, n_resamples, seed
        The settings, as given to :func:`~blemore_fast.leaderboard`.
    critical : float
        The all-pairs critical value of ``|T|``.
    df : int
        The degrees of freedom of its t reference.
    n_units : int
        The groups (or clips).
    detectable : dict
        The difference this test set can detect at 80% power, from the
        pairwise standard errors (see :attr:`detectable`).
    question : str
        In words, which question the sets answer.

    Examples
    --------
    >>> from blemore_fast import decode, leaderboard, synthetic
    >>> data = synthetic.make_dataset(seed=1)
    >>> test = data.select("test")
    >>> names = list(data.clips["filename"][test])
    >>> board = leaderboard({m: decode(data.probs[m][test], alpha=0.3, beta=0.1, names=names)
    ...                      for m in data.probs}, data.clips[test], cluster="actor", seed=1)
    >>> board.groups
    [('good',), ('weaker',)]
    >>> board.matrix().shape
    (2, 2)
    """

    table: pd.DataFrame
    pairwise: pd.DataFrame
    groups: list[tuple[str, ...]]
    failed: dict[str, list[Problem]]
    rank_distribution: pd.DataFrame
    metric: str
    cluster: str | None
    n_units: int
    df: int
    confidence: float
    simultaneous: bool
    n_resamples: int
    seed: int
    critical: float

    @property
    def question(self) -> str:
        """The question the rank sets answer, in words."""
        where = (
            f"on new actors ({self.n_units:,} {self.cluster if self.cluster == 'actor' else 'group'}s, "
            "small-sample corrected)"
            if self.cluster is not None
            else f"on these {self.n_units:,} clips (clip level: the actors are treated as fixed)"
        )
        if self.simultaneous:
            return (
                f"{self.confidence:.0%} simultaneous rank sets: all systems' true ranks by "
                f"{self.metric}, {where}, lie in their sets at once"
            )
        return (
            f"{self.confidence:.0%} marginal rank sets: each system's true rank by {self.metric}, "
            f"{where}, lies in its set (one system at a time)"
        )

    @property
    def detectable(self) -> dict[str, float]:
        """The difference in ``metric`` that one pairwise test at
        ``confidence`` detects with 80% power, ``(t_{1 - alpha/2, df} +
        t_{0.8, df}) * se`` over the pairs' standard errors: ``median``,
        ``low`` and ``high`` (the range), and ``power``. Differences below it
        are likely to go unnoticed on this test set; see
        :func:`~blemore_fast.plan` to size a new one."""
        se = self.pairwise["se"].to_numpy(dtype=float)
        detectable = detectable_difference(
            se, self.df, power=DETECTABLE_POWER, confidence=self.confidence
        )
        return {
            "power": DETECTABLE_POWER,
            "median": float(np.median(detectable)),
            "low": float(detectable.min()),
            "high": float(detectable.max()),
        }

    def detectable_text(self) -> str:
        """:attr:`detectable` in words, for the repr and the page."""
        d = self.detectable
        unit = "actors" if self.cluster == "actor" else "groups" if self.cluster else "clips"
        spread = (
            f" ({d['low'] * 100:.1f}-{d['high'] * 100:.1f} over the pairs)"
            if round(d["low"] * 100, 1) != round(d["high"] * 100, 1)
            else ""
        )
        return (
            f"differences in {self.metric} below about {d['median'] * 100:.1f} points{spread} "
            f"are not detectable at {d['power']:.0%} power with {self.n_units:,} {unit}"
        )

    def matrix(self, column: str = "p_adjusted") -> pd.DataFrame:
        """A column of :attr:`pairwise` as a square table.

        Parameters
        ----------
        column : str, default "p_adjusted"
            The column of :attr:`pairwise` to pivot (such as ``difference``).

        Returns
        -------
        pandas.DataFrame
            Rows system a, columns system b, in rank order.

        Examples
        --------
        >>> from blemore_fast import decode, leaderboard, synthetic
        >>> data = synthetic.make_dataset(seed=1)
        >>> test = data.select("test")
        >>> names = list(data.clips["filename"][test])
        >>> board = leaderboard({m: decode(data.probs[m][test], alpha=0.3, beta=0.1, names=names)
        ...                      for m in data.probs}, data.clips[test], cluster="actor", seed=1)
        >>> board.matrix("difference").round(4)
        b         good  weaker
        a...
        good       NaN  0.0431
        weaker -0.0431     NaN
        """
        order = list(self.table["system"])
        square = self.pairwise[column].unstack()
        return square.reindex(index=order, columns=order)

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON."""
        return {
            "question": self.question,
            "table": self.table.to_dict(orient="records"),
            "pairwise": self.pairwise.reset_index().to_dict(orient="records"),
            "groups": [list(g) for g in self.groups],
            "failed": {
                name: [{"clip": p.clip, "kind": p.kind, "message": p.message} for p in problems]
                for name, problems in self.failed.items()
            },
            "metric": self.metric,
            "cluster": self.cluster,
            "n_units": self.n_units,
            "df": self.df,
            "confidence": self.confidence,
            "simultaneous": self.simultaneous,
            "n_resamples": self.n_resamples,
            "seed": self.seed,
            "critical": self.critical,
            "detectable": self.detectable,
        }

    def __repr__(self) -> str:
        m = self.metric
        width = max(6, *(len(s) for s in self.table["system"]))
        lines = [
            f"Leaderboard of {len(self.table)} systems by {m}",
            f"  {self.question}",
            f"  {'system':<{width}}{'presence':>9}{'salience':>9}{'mean':>8}"
            f"{f'{m} interval':>20}{'rank':>6}{'rank set':>10}",
        ]
        for row in self.table.itertuples(index=False):
            interval = f"[{getattr(row, f'{m}_low'):.3f}, {getattr(row, f'{m}_high'):.3f}]"
            rank_set = f"{row.rank_low}-{row.rank_high}"
            lines.append(
                f"  {row.system:<{width}}{row.presence:>9.4f}{row.salience:>9.4f}{row.mean:>8.4f}"
                f"{interval:>20}{row.rank:>6}{rank_set:>10}"
            )
        top = self.groups[0] if self.groups else ()
        lines.append(f"  cannot be told apart at the top: {', '.join(top)}")
        lines.append(f"  {self.detectable_text()}")
        for name, problems in self.failed.items():
            lines.append(f"  not ranked: {name} ({len(problems)} problem(s), e.g. {problems[0]})")
        lines.append(
            f"  {m} interval: each system's own {self.confidence:.0%} interval from bootstrap() "
            f"at the same level; {self.n_resamples:,} multiplier draws, seed={self.seed}"
        )
        return "\n".join(lines)
