"""The power of the two-sided t test and the difference it detects.

A difference estimated with standard error ``se`` and tested against
Student's t on ``df`` degrees of freedom at level ``1 - confidence``
(``q = t_{1 - alpha/2, df}``) is called significant, when the true
difference is ``d``, with probability about

    P(T > q - d / se) + P(T < -q - d / se),   T ~ t(df)

(the estimated standard error's own spread is what makes the reference t
rather than normal). The difference detected with probability ``power`` is
``(q + t_{power, df}) * se``. Student's t comes from the native core, since
the package does not depend on scipy.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _core

__all__ = ["critical", "detectable_difference", "power"]


def critical(confidence: Any, df: Any) -> np.ndarray:
    """``t_{(1 + confidence)/2, df}``, elementwise."""
    level, df = np.broadcast_arrays(
        np.asarray(confidence, dtype=np.float64), np.asarray(df, dtype=np.float64)
    )
    return _core.t_critical(np.ascontiguousarray(level), np.ascontiguousarray(df))


def _upper_tail(x: np.ndarray, df: np.ndarray) -> np.ndarray:
    """``P(T > x)`` for T ~ t(df), elementwise."""
    x, df = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(df, np.float64))
    half = _core.t_two_sided_p(np.ascontiguousarray(x), np.ascontiguousarray(df)) / 2
    return np.where(x >= 0, half, 1 - half)


def power(delta: Any, df: Any, confidence: float) -> np.ndarray:
    """The probability of a significant result when the true difference is
    ``delta`` standard errors: ``1 - confidence`` at 0."""
    q = critical(confidence, df)
    return _upper_tail(q - delta, df) + _upper_tail(q + delta, df)


def detectable_difference(se: Any, df: Any, *, power: float, confidence: float) -> np.ndarray:
    """``(t_{1 - alpha/2, df} + t_{power, df}) * se``, elementwise."""
    level = 2 * power - 1
    df = np.asarray(df, dtype=np.float64)
    one_sided = math.copysign(1, level) * critical(abs(level), df) if level else 0.0
    return (critical(confidence, df) + one_sided) * np.asarray(se, dtype=np.float64)
