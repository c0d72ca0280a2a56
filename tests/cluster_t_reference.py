"""A plain, slow implementation of the cluster-t method, to test the native one.

It starts from clip-level outcome cells and group ids and follows the
textbook definitions rather than the core's algebra:

- one system: the CR3 variance as the sum of squared leave-one-group-out
  changes of the published score (each recomputed from the remaining clips),
  the t(G - 1) quantile from scipy, the interval on the logit scale;
- a pair: the CR2 (Bell-McCaffrey) variance from each clip's residual in the
  regression of A - B on a constant, with the group's block of the hat matrix
  (I - H_gg)^(-1/2) built as a matrix, t(G - 1) and scipy's t tail.

Edge rules as documented: fewer than 2 groups with blends leave salience and
the mean NaN; a rate with no (or all) hits gets the one-sided
Clopper-Pearson bound and the mean the average of its parts' bounds.
"""

from __future__ import annotations

import numpy as np
from scipy import stats
from stats_support import indicators, published


def _rates(presence: np.ndarray, blend: np.ndarray, salience: np.ndarray) -> np.ndarray:
    return published(presence, blend, salience)


def _inv_sqrt(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh(matrix)
    return vectors @ np.diag(values**-0.5) @ vectors.T


def _cr2_terms(y: np.ndarray, include: np.ndarray, groups: np.ndarray) -> dict:
    """Per group: X_g'(I - H_gg)^(-1/2) u_g / X'X over the clips in `include`."""
    y, groups = y[include], groups[include]
    m = len(y)
    theta = y.mean()
    out = {}
    for g in np.unique(groups):
        rows = groups == g
        k = int(rows.sum())
        h = np.full((k, k), 1.0 / m)
        adjusted = _inv_sqrt(np.eye(k) - h) @ (y[rows] - theta)
        out[g] = adjusted.sum() / m
    return out


def reference(cells_a, groups, cells_b=None, confidence=0.95) -> dict:
    """{metric: {estimate, low, high, se, df[, p_value]}} as the method defines them."""
    groups = np.asarray(groups)
    labels = list(np.unique(groups))
    a = indicators(np.asarray(cells_a))
    blend = a[1] > 0
    alpha = 1 - confidence
    out = {}
    if cells_b is None:
        full = _rates(*a)
        changes = []
        for g in labels:
            keep = groups != g
            changes.append(full - _rates(*(x[keep] for x in a)))
        se = np.sqrt(np.sum(np.square(changes), axis=0))
        with_blends = len(np.unique(groups[blend]))
        df = [len(labels) - 1, with_blends - 1, len(labels) - 1]
        totals = [(a[0].sum(), len(groups)), (a[2].sum(), blend.sum())]
        bounds = {}
        for j, name in enumerate(("presence", "salience", "mean")):
            if with_blends < 2 and j > 0:
                out[name] = dict(estimate=full[j], low=np.nan, high=np.nan, se=np.nan, df=df[j])
                continue
            if j < 2 and totals[j][0] in (0, totals[j][1]):
                edge = (alpha / 2) ** (1 / totals[j][1])
                low, high = (0.0, 1 - edge) if totals[j][0] == 0 else (edge, 1.0)
            elif j == 2 and any(y in (0, m) for y, m in totals):
                low = (bounds[0][0] + bounds[1][0]) / 2
                high = (bounds[0][1] + bounds[1][1]) / 2
            else:
                q = stats.t.ppf(1 - alpha / 2, df[j])
                logit = np.log(full[j] / (1 - full[j]))
                half = q * se[j] / (full[j] * (1 - full[j]))
                low, high = 1 / (1 + np.exp(-(logit - half))), 1 / (1 + np.exp(-(logit + half)))
            bounds[j] = (low, high)
            out[name] = dict(estimate=full[j], low=low, high=high, se=se[j], df=df[j])
        return out
    b = indicators(np.asarray(cells_b))
    estimate = _rates(*a) - _rates(*b)
    presence = _cr2_terms(a[0] - b[0], np.ones(len(groups), bool), groups)
    salience = _cr2_terms(a[2] - b[2], blend, groups)
    terms = {
        "presence": [presence[g] for g in labels],
        "salience": [salience.get(g, 0.0) for g in labels],
        "mean": [(presence[g] + salience.get(g, 0.0)) / 2 for g in labels],
    }
    with_blends = len(salience)
    for j, name in enumerate(("presence", "salience", "mean")):
        df = (with_blends if j == 1 else len(labels)) - 1
        se = float(np.sqrt(np.sum(np.square(terms[name]))))
        q = stats.t.ppf(1 - alpha / 2, df)
        p = 2 * stats.t.sf(abs(estimate[j] / se), df)
        out[name] = dict(
            estimate=estimate[j], low=estimate[j] - q * se, high=estimate[j] + q * se,
            se=se, df=df, p_value=p,
        )  # fmt: skip
    return out
