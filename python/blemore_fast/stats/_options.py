"""The resampling options shared by every statistic, coerced once.

:func:`resampling` turns the keyword arguments of :func:`~blemore_fast.bootstrap`
and :func:`~blemore_fast.compare` into a :class:`Resampling`. Types are
checked here; the domain (at least one replicate, a confidence level strictly
between 0 and 1, a known method) is the native core's, raised with the
argument's name. Too few replicates for the method, and options the
closed-form ``"cluster-t"`` ignores, are warnings (the CLI shows them too).
"""

from __future__ import annotations

import operator
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _core

#: The interval methods, by their canonical names (the core's own list).
METHODS: tuple[str, ...] = tuple(_core.INTERVAL_METHODS)

#: The default when groups are given: closed form, calibrated for few groups.
CLUSTER_T = "cluster-t"
#: The default at clip level.
PERCENTILE = "percentile"
#: Replicates of the resampling methods when ``n_resamples`` is None.
DEFAULT_RESAMPLES = 10_000
#: Fewer replicates than this give intervals whose ends move from run to run
#: (Efron and Tibshirani's advice: about 1,000 for percentile and basic
#: intervals, more for BCa, whose ends sit further in the tails).
ENOUGH_RESAMPLES = {"percentile": 1_000, "basic": 1_000, "bca": 2_000}


@dataclass(frozen=True)
class Resampling:
    """Checked options: replicates (None for the analytic ``"cluster-t"``,
    which draws none), confidence level, interval method, seed (drawn when
    none was given, so the run can be repeated; None for ``"cluster-t"``) and
    whether to keep the replicates."""

    n_resamples: int | None
    confidence: float
    method: str
    seed: int | None
    return_distribution: bool


def resampling(
    n_resamples: Any,
    confidence: Any,
    method: Any,
    seed: Any,
    return_distribution: Any,
    *,
    grouped: bool,
    warn_few: bool = True,
) -> Resampling:
    """Checks the options of a statistic. ``method=None`` is ``"cluster-t"``
    when groups are given (``grouped``), else ``"percentile"``;
    ``n_resamples=None`` is 10,000 replicates for the resampling methods.

    Warns (UserWarning) when ``n_resamples`` is too few for the method
    (:data:`ENOUGH_RESAMPLES`; unless ``warn_few`` is False), and when ``n_resamples`` or ``seed`` is given
    to ``"cluster-t"``, which draws nothing."""
    n = DEFAULT_RESAMPLES if n_resamples is None else _n_resamples(n_resamples)
    c = _confidence(confidence)
    if method is None:
        method = CLUSTER_T if grouped else PERCENTILE
    if not isinstance(method, str):
        raise TypeError(f"method must be one of {', '.join(map(repr, METHODS))}; got {method!r}")
    canonical = _core.check_resampling(n_resamples=n, confidence=c, method=method)
    if canonical == CLUSTER_T:
        _seed(seed)  # still checked, so a bad value is an error whatever the method
        ignored = [k for k, v in (("n_resamples", n_resamples), ("seed", seed)) if v is not None]
        if ignored:
            warnings.warn(
                f"{' and '.join(ignored)} {'have' if len(ignored) > 1 else 'has'} no effect: "
                "method 'cluster-t' (the default over actors or groups) is closed form and "
                "draws no resamples; pass method='percentile' (or 'basic', 'bca') to resample",
                UserWarning,
                stacklevel=3,
            )
        return Resampling(None, c, canonical, None, bool(return_distribution))
    if warn_few:
        warn_few_resamples(n, canonical)
    return Resampling(n, c, canonical, _seed(seed), bool(return_distribution))


def warn_few_resamples(n_resamples: int, method: str) -> None:
    """Warns when ``n_resamples`` replicates are too few for ``method``'s
    interval ends to be stable (:data:`ENOUGH_RESAMPLES`)."""
    enough = ENOUGH_RESAMPLES.get(method)
    if enough and n_resamples < enough:
        warnings.warn(
            f"{n_resamples:,} resamples are too few for {method} intervals: their ends are "
            f"read from the tails of {n_resamples:,} replicates and change from seed to seed "
            f"(a tiny number can even give an interval without its own estimate); use at "
            f"least {enough:,}",
            UserWarning,
            stacklevel=4,
        )


def _n_resamples(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError(f"n_resamples must be an integer; got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(
            f"n_resamples must be an integer; got {value!r} ({type(value).__name__})"
        ) from None


def _confidence(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"confidence must be a number in (0, 1); got {value!r}")
    return float(value)


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
