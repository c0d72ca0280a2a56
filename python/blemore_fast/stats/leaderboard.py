"""``leaderboard``: rank many systems on the same clips, with confidence sets
for their ranks that hold with few actors.

Every system is aligned with the same labels; one that fails validation is
kept aside with its problems. The native core tallies each system per group
(actor, or clip), takes each system's small-sample corrected per-group terms
and draws simultaneous critical values for all pairwise differences (see
:mod:`blemore_fast.stats.rank_sets`). The rank sets answer: "where does
this system rank among these systems, on new actors?" (or, at clip level,
on these actors' clips).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from ..errors import FailedSystemsError, Problem, ValidationError
from ..scoring import Aligned, as_aligned
from ._options import resampling
from .board import Leaderboard
from .bootstrap import bootstrap
from .clusters import cluster_codes, resolved
from .compare import _matched, _same_labels
from .rank_bootstrap import bootstrap_ranks, group_tallies
from .rank_sets import competition_ranks, rank_sets, tiers

__all__ = ["leaderboard"]

_METRICS = ("presence", "salience", "mean")
#: Replicates of the rank bootstrap behind the blob plot (a picture, not a test).
_BLOB_RESAMPLES = 1000


def _aligned(
    systems: Mapping[str, Any], labels: Any, partition: str | None
) -> tuple[dict[str, Aligned], dict[str, list[Problem]]]:
    """The systems that pass validation, and the problems of those that
    fail; an error listing the failures when fewer than 2 pass."""
    valid: dict[str, Aligned] = {}
    failed: dict[str, list[Problem]] = {}
    hints: dict[str, str | None] = {}
    for name, preds in systems.items():
        try:
            valid[name] = as_aligned(preds, labels, partition=partition, lenient=False)
        except ValidationError as error:
            failed[name], hints[name] = error.problems, error.hint
    if len(valid) < 2 and failed:
        raise FailedSystemsError(failed, hints, len(valid))
    return valid, failed


def _canonical_order(first: Aligned) -> np.ndarray:
    """Clips sorted by name (positions when unnamed), so the input's clip
    order does not change the draws."""
    if first.names is None:
        return np.arange(len(first.pred))
    return np.argsort(np.array(first.names, dtype=object), kind="stable")


def _check_names(systems: Any) -> None:
    if not isinstance(systems, Mapping):
        raise TypeError(
            f"systems must map each system's name to its predictions; got {type(systems).__name__}"
        )
    bad = [name for name in systems if not isinstance(name, str) or not name]
    if bad:
        raise TypeError(f"system names must be non-empty strings; got {bad[:5]!r}")


def leaderboard(
    systems: Mapping[str, Any],
    labels: Any = None,
    *,
    metric: str = "mean",
    cluster: Any = "auto",
    confidence: float = 0.95,
    simultaneous: bool = False,
    n_resamples: int = 10_000,
    seed: int | None = None,
    partition: str | None = None,
) -> Leaderboard:
    """Rank systems scored on the same clips, with confidence sets for the ranks.

    The rank is "1 + the number of systems with a higher score". The sets come
    from simultaneous tests of every pairwise difference (Mogstad, Romano,
    Shaikh & Wilhelm 2024): ``rank_low`` is 1 + the number of systems
    significantly better, ``rank_high`` is S - the number significantly worse.
    ``pairwise`` gives each pair's difference, ``se`` and unadjusted
    ``p_value`` exactly as :func:`~blemore_fast.compare` (cluster-t) gives
    them, beside the family-wise interval and ``p_adjusted``.

    Parameters
    ----------
    systems : mapping of str to predictions
        Each system's name and anything :func:`~blemore_fast.score` accepts.
        Every system is validated against the same ``labels`` (the rows of
        ``partition`` when given); one that fails is listed in ``.failed``
        with its problems, not ranked.
    labels : optional
        As for :func:`~blemore_fast.score`.
    metric : {"mean", "presence", "salience"}, default "mean"
        The score that orders the table.
    cluster : "auto", "clip", "actor", array_like or mapping, default "auto"
        As in :func:`~blemore_fast.bootstrap` (``"auto"``: actors when they can
        be read, else clips with a :class:`~blemore_fast.ClipLevelWarning`).
        With groups (``"actor"``), the sets are about new actors: each group's
        terms are :func:`~blemore_fast.compare`'s (leave-one-out, two-thirds
        power scale, CR2 weights) with t(G - 1) reference, so they hold with
        11 actors. With ``"clip"``, each clip is its own group and the sets
        treat the actors as fixed.
    confidence : float, default 0.95
        The confidence level of the sets and intervals.
    simultaneous : bool, default False
        False gives marginal sets: each system's set holds its true rank with
        probability ``confidence``. True gives sets that hold for all systems
        at once (wider).
    n_resamples : int, default 10000
        The multiplier draws that give the critical values.
    seed : int, optional
        Repeats the draws bit for bit (None draws one, reported back).
    partition : str, optional
        Keep only the label table's rows of this partition, as in
        :func:`~blemore_fast.score`.

    Returns
    -------
    Leaderboard
        The ranked table with each system's interval and rank set, every
        pairwise difference, the tiers and the systems that failed.

    Raises
    ------
    FailedSystemsError
        When fewer than two systems pass validation: it lists each failed
        system with its first problems and hint (and keeps them in
        ``.failed``). It is a :class:`~blemore_fast.ValidationError`.
    ValueError
        For an unknown ``metric``, or fewer than two systems given.
    TypeError
        When ``systems`` is not a mapping from non-empty names.

    Examples
    --------
    >>> from blemore_fast import decode, synthetic
    >>> data = synthetic.make_dataset(seed=1)
    >>> test = data.select("test")
    >>> labels, names = data.clips[test], list(data.clips["filename"][test])
    >>> systems = {m: decode(data.probs[m][test], alpha=0.3, beta=0.1, names=names)
    ...            for m in data.probs}
    >>> board = leaderboard(systems, labels, n_resamples=2000, seed=1)  # actors read from labels
    >>> board.table[["system", "mean", "rank", "rank_low", "rank_high"]].round(4)
       system    mean  rank  rank_low  rank_high
    0    good  0.2340     1         1          1
    1  weaker  0.1909     2         2          2
    """
    _check_names(systems)
    if metric not in _METRICS:
        raise ValueError(f"metric must be 'presence', 'salience' or 'mean'; got {metric!r}")
    # The multiplier draws give critical values, not interval ends: no
    # warning about their number (the clip-level intervals say their own).
    options = resampling(
        n_resamples, confidence, "percentile", seed, False, grouped=False, warn_few=False
    )
    draws, seed = options.n_resamples, options.seed
    assert draws is not None and seed is not None  # a resampling method draws
    valid, failed = _aligned(systems, labels, partition)
    if len(valid) < 2:
        raise ValueError(f"leaderboard needs at least 2 systems; got {len(valid)}")
    names = list(valid)
    first = valid[names[0]]
    order = _canonical_order(first)
    rows = []
    for name in names:
        matched = _matched(first, valid[name])
        _same_labels(first, valid[name], matched)
        rows.append(valid[name].outcomes()[matched][order])
    outcomes = np.ascontiguousarray(np.stack(rows), dtype=np.uint8)
    cluster = resolved(cluster, first)
    codes, cluster_name = cluster_codes(cluster, first)
    groups = None if codes is None else pd.factorize(codes[order])[0].astype(np.int64)
    scores, differences, se, t, p_value, p_adjusted, marginal, joint, critical_all, df, n_groups = (
        _core.rank_cells(
            outcomes,
            groups=groups,
            metric=metric,
            confidence=options.confidence,
            n_resamples=draws,
            seed=seed,
        )
    )
    rank_low, rank_high = rank_sets(t, joint if simultaneous else marginal)
    values = scores[:, _METRICS.index(metric)]
    ranks = competition_ranks(values)
    intervals = _intervals(valid, metric, cluster, options)
    tallies = group_tallies(
        outcomes, groups if groups is not None else np.arange(outcomes.shape[1])
    )
    distribution = bootstrap_ranks(tallies, metric, _BLOB_RESAMPLES, seed)
    table = pd.DataFrame(
        {
            "system": names,
            "presence": scores[:, 0],
            "salience": scores[:, 1],
            "mean": scores[:, 2],
            f"{metric}_low": [i.low for i in intervals],
            f"{metric}_high": [i.high for i in intervals],
            "rank": ranks,
            "rank_low": rank_low,
            "rank_high": rank_high,
        }
    )
    position = np.lexsort((np.array(names, dtype=object), -values))
    pairwise = _pairwise(names, differences, se, p_value, p_adjusted, critical_all, position)
    return Leaderboard(
        table=table.iloc[position].reset_index(drop=True),
        pairwise=pairwise,
        groups=[
            tuple(names[i] for i in position if i in tier) for tier in map(set, tiers(rank_low))
        ],
        failed=failed,
        rank_distribution=pd.DataFrame(
            distribution[:, position], columns=[names[i] for i in position]
        ),
        metric=metric,
        cluster=cluster_name,
        n_units=n_groups,
        df=df,
        confidence=options.confidence,
        simultaneous=simultaneous,
        n_resamples=draws,
        seed=seed,
        critical=float(critical_all),
    )


def _intervals(valid: dict[str, Aligned], metric: str, cluster: Any, options: Any) -> list[Any]:
    """Each system's own interval from :func:`bootstrap` at the same level
    (``cluster`` already decided). Their warnings are raised once per message,
    naming the systems."""
    intervals = []
    said: dict[tuple[type[Warning], str], list[str]] = {}
    # Clips are resampled with the leaderboard's replicates and seed; groups
    # get the closed-form cluster-t, which draws none.
    drawn = {"n_resamples": options.n_resamples, "seed": options.seed} if cluster is None else {}
    for name, aligned in valid.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = bootstrap(aligned, cluster=cluster, confidence=options.confidence, **drawn)
        intervals.append(getattr(result, metric))
        for warning in caught:
            said.setdefault((warning.category, str(warning.message)), []).append(name)
    for (category, message), names in said.items():
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        warnings.warn(f"{shown}: {message}", category, stacklevel=3)
    return intervals


def _pairwise(
    names: list[str],
    differences: np.ndarray,
    se: np.ndarray,
    p_value: np.ndarray,
    p_adjusted: np.ndarray,
    critical: float,
    position: np.ndarray,
) -> pd.DataFrame:
    """Every ordered pair in table order: the difference a - b, its
    simultaneous interval, se and p-value as :func:`compare` gives them, and
    the single-step max-t adjusted p-value."""
    a, b = np.meshgrid(position, position, indexing="ij")
    keep = a != b
    a, b = a[keep], b[keep]
    d, s = differences[a, b], se[a, b]
    ordered = np.array(names, dtype=object)
    index = pd.MultiIndex.from_arrays([ordered[a], ordered[b]], names=["a", "b"])
    return pd.DataFrame(
        {
            "difference": d,
            "low": d - critical * s,
            "high": d + critical * s,
            "se": s,
            "p_value": p_value[a, b],
            "p_adjusted": p_adjusted[a, b],
        },
        index=index,
    )
