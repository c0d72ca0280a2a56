"""``bootstrap``: confidence intervals for both metrics, at clip or actor level.

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

from typing import Any

from .. import _core
from ..scoring import as_aligned
from ._options import resampling
from .clusters import cluster_codes
from .intervals import BootstrapResult, _distribution, _intervals, _warn

__all__ = ["bootstrap"]


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

    ``preds`` and ``labels`` accept every input :func:`~blemore_fast.score` does (or an
    :class:`~blemore_fast.Aligned` from :func:`~blemore_fast.align`) and are validated the same way.

    - ``method``: ``"percentile"``, ``"basic"`` or ``"bca"`` (bias-corrected
      and accelerated; where BCa is undefined, for instance when every
      leave-one-out value is equal, the percentile interval is given with a
      ``RuntimeWarning``).
    - ``cluster``: None resamples clips. ``"actor"`` resamples actors: the
      label metadata's ``actor`` (or ``video_id``) column, else the actor of
      each clip name (a name outside the dataset's scheme is an error). An array of group ids (one per clip, in
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
    options = resampling(n_resamples, confidence, method, seed, return_distribution)
    aligned = as_aligned(preds, labels, strict=strict)
    groups, cluster_name = cluster_codes(cluster, aligned)
    table, messages, n_units, distribution = _core.bootstrap_cells(
        aligned.outcomes(),
        groups=groups,
        n_resamples=options.n_resamples,
        confidence=options.confidence,
        method=options.method,
        seed=options.seed,
        return_distribution=options.return_distribution,
    )
    _warn(messages, n_units, cluster_name)
    presence, salience, mean = _intervals(table)
    return BootstrapResult(
        presence,
        salience,
        mean,
        options.n_resamples,
        options.method,
        cluster_name,
        options.confidence,
        options.seed,
        len(aligned.pred),
        n_units,
        _distribution(distribution),
    )
