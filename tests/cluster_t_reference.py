"""A plain, slow implementation of the cluster-t method, to test the native one.

It starts from clip-level outcome cells and group ids and follows the
method's definition rather than the core's algebra: each group's
leave-one-out score is recomputed from the remaining clips, and

    term_g = (f(score) - f(score without group g)) * sqrt(1 - share_g),

share_g being the group's share of the clips (of the blends for salience;
the mean averages the two square roots), se = sqrt(sum of term_g^2), and
scipy's t with G - 1 degrees of freedom (G_S - 1 for salience).

- One system: f = logit, a leave-one-out score of 0 or 1 moved in by half a
  clip (half a blend; their average for the mean); the interval
  expit(logit(score) +- q se); the reported se is se * score * (1 - score).
- A pair: each system's terms with f(x) = x^(2/3), subtracted; the p-value of
  (f(A) - f(B)) / se; the interval A - B +- q se / k, k the slope of the
  secant through f at A's and B's scores.

Edge rules as documented: fewer than 2 groups with blends leave salience and
the mean NaN; a rate with no (or all) hits gets the one-sided
Clopper-Pearson bound and the mean the average of its parts' bounds.
"""

from __future__ import annotations

import numpy as np
from scipy import stats
from stats_support import indicators, published


def _logit(x: float) -> float:
    return float(np.log(x / (1 - x)))


def _power(x: float) -> float:
    return float(np.cbrt(x) ** 2)


def _terms(parts: tuple, groups: np.ndarray, f, nudge: bool) -> np.ndarray:
    """(groups, 3): each group's term of presence, salience and the mean."""
    blend = parts[1]
    full = published(*parts)
    rows = []
    for g in np.unique(groups):
        keep = groups != g
        rest = published(*(x[keep] for x in parts))
        clips, blends = keep.sum(), blend[keep].sum()
        half = [0.5 / clips, 0.5 / blends if blends else np.inf]
        half.append((half[0] + half[1]) / 2)
        share = [np.sqrt(clips / len(groups)), np.sqrt(blends / blend.sum())]
        share.append((share[0] + share[1]) / 2)
        row = []
        for j in range(3):
            value = rest[j]
            if nudge and value <= 0:
                value = half[j]
            if nudge and value >= 1:
                value = 1 - half[j]
            row.append((f(full[j]) - f(value)) * share[j])
        rows.append(row)
    return np.array(rows)


def reference(cells_a, groups, cells_b=None, confidence=0.95) -> dict:
    """{metric: {estimate, low, high, se, df[, p_value]}} as the method defines them."""
    groups = np.asarray(groups)
    a = indicators(np.asarray(cells_a))
    blend = a[1] > 0
    with_blends = len(np.unique(groups[blend]))
    n_groups = len(np.unique(groups))
    dfs = [n_groups - 1, with_blends - 1, n_groups - 1]
    alpha = 1 - confidence
    quantile = [stats.t.ppf(1 - alpha / 2, df) if df > 0 else np.nan for df in dfs]
    names = ("presence", "salience", "mean")
    out = {}
    if cells_b is None:
        full = published(*a)
        totals = [(a[0].sum(), len(groups)), (a[2].sum(), blend.sum())]
        degenerate = [y in (0, m) for y, m in totals]
        with np.errstate(all="ignore"):
            terms = _terms(a, groups, _logit, nudge=True)
        for j, name in enumerate(names):
            if with_blends < 2 and j > 0:
                out[name] = dict(estimate=full[j], low=np.nan, high=np.nan, se=np.nan, df=dfs[j])
                continue
            if j < 2 and degenerate[j]:
                y, m = totals[j]
                edge = (alpha / 2) ** (1 / m)
                low, high = (0.0, 1 - edge) if y == 0 else (edge, 1.0)
                out[name] = dict(estimate=full[j], low=low, high=high, se=0.0, df=dfs[j])
                continue
            se = float(np.sqrt(np.sum(terms[:, j] ** 2)))
            if j == 2 and any(degenerate):
                low = (out["presence"]["low"] + out["salience"]["low"]) / 2
                high = (out["presence"]["high"] + out["salience"]["high"]) / 2
            else:
                centre = _logit(full[j])
                low = 1 / (1 + np.exp(-(centre - quantile[j] * se)))
                high = 1 / (1 + np.exp(-(centre + quantile[j] * se)))
            rate_se = se * full[j] * (1 - full[j])
            out[name] = dict(estimate=full[j], low=low, high=high, se=rate_se, df=dfs[j])
        return out
    b = indicators(np.asarray(cells_b))
    rate_a, rate_b = published(*a), published(*b)
    terms = _terms(a, groups, _power, nudge=False) - _terms(b, groups, _power, nudge=False)
    for j, name in enumerate(names):
        if with_blends < 2 and j > 0:
            continue
        estimate = rate_a[j] - rate_b[j]
        se_scaled = float(np.sqrt(np.sum(terms[:, j] ** 2)))
        gap = _power(rate_a[j]) - _power(rate_b[j])
        slope = gap / estimate if estimate != 0 else 2 / (3 * np.cbrt(rate_a[j]))
        se = se_scaled / slope
        out[name] = dict(
            estimate=estimate, low=estimate - quantile[j] * se, high=estimate + quantile[j] * se,
            se=se, df=dfs[j], p_value=2 * stats.t.sf(abs(gap / se_scaled), dfs[j]),
        )  # fmt: skip
    return out
