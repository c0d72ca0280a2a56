"""The resampling options shared by every statistic, checked once.

:func:`resampling` turns the keyword arguments of :func:`~blemore_fast.bootstrap`
and :func:`~blemore_fast.compare` into a :class:`Resampling`, with errors that
name the argument and the value received.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any

import numpy as np

METHODS = ("percentile", "basic", "bca")


@dataclass(frozen=True)
class Resampling:
    """Checked options: replicates, confidence level, interval method, seed
    (drawn when none was given, so the run can be repeated) and whether to
    keep the replicates."""

    n_resamples: int
    confidence: float
    method: str
    seed: int
    return_distribution: bool


def resampling(
    n_resamples: Any, confidence: Any, method: Any, seed: Any, return_distribution: Any
) -> Resampling:
    """Checks the options of a resampling statistic."""
    return Resampling(
        _n_resamples(n_resamples),
        _confidence(confidence),
        _method(method),
        _seed(seed),
        bool(return_distribution),
    )


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
