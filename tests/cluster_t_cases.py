"""The expected values of the Rust unit tests of the cluster-t method
(src/core/stats/cluster_t_tests.rs), from a plain 50-digit implementation of
its formulas (mpmath), starting from per-group tallies.

Run ``python tests/cluster_t_cases.py`` to print the ``CASES`` table the Rust
tests hold. It shares no code with the core: each leave-one-group-out rate is
recomputed from the remaining groups' counts, the t quantile is found by
root-finding on mpmath's incomplete beta function.

A tally is ``[clips, blends, presence hits, salience hits]``.
"""

from __future__ import annotations

import mpmath as mp

mp.mp.dps = 50

METRICS = ("presence", "salience", "mean")

# (name, confidence, A's tallies, B's tallies or None)
CASES = [
    ("three_actors", 0.95, [[6, 2, 1, 0], [6, 3, 4, 1], [7, 4, 6, 2]], None),
    (
        "eleven_actors",
        0.95,
        [
            [54, 30, p, s]
            for p, s in [
                (8, 2),
                (11, 1),
                (11, 3),
                (13, 3),
                (14, 3),
                (14, 4),
                (16, 3),
                (18, 5),
                (24, 6),
                (25, 5),
                (36, 9),
            ]
        ],
        None,
    ),
    (
        "unequal_with_blendless_actor",
        0.95,
        [
            [26, 0, 5, 0],
            [41, 12, 12, 0],
            [48, 25, 13, 1],
            [50, 20, 18, 3],
            [50, 29, 11, 2],
            [51, 27, 24, 6],
        ],
        None,
    ),
    (
        "no_salience_hits",
        0.95,
        [[54, 30, p, 0] for p in (16, 17, 18, 19, 20)],
        None,
    ),
    ("one_actor_with_blends", 0.95, [[10, 0, 4, 0], [10, 0, 7, 0], [16, 6, 8, 1]], None),
    (
        "one_actor_holds_every_salience_hit",
        0.95,
        [
            [54, 30, 20, 4],
            [50, 28, 12, 0],
            [61, 33, 15, 0],
            [47, 25, 9, 0],
            [58, 31, 17, 0],
            [52, 29, 14, 0],
        ],
        None,
    ),
    ("two_actors_99", 0.99, [[20, 10, 8, 2], [20, 10, 9, 2]], None),
    (
        "paired_eleven_actors",
        0.95,
        [
            [54, 30, p, s]
            for p, s in [
                (10, 1),
                (12, 4),
                (15, 2),
                (14, 3),
                (16, 3),
                (17, 4),
                (18, 3),
                (19, 5),
                (22, 7),
                (25, 5),
                (30, 9),
            ]
        ],
        [
            [54, 30, p, s]
            for p, s in [
                (18, 5),
                (18, 4),
                (18, 5),
                (17, 5),
                (19, 5),
                (20, 6),
                (20, 5),
                (21, 6),
                (24, 6),
                (26, 6),
                (31, 8),
            ]
        ],
    ),
    (
        "paired_identical",
        0.95,
        [[54, 30, 15, 4]] * 11,
        [[54, 30, 15, 4]] * 11,
    ),
    (
        "paired_unequal_90",
        0.9,
        [
            [26, 0, 5, 0],
            [41, 12, 12, 1],
            [48, 25, 13, 1],
            [50, 20, 18, 3],
            [50, 29, 11, 2],
            [51, 27, 24, 6],
        ],
        [
            [26, 0, 8, 0],
            [41, 12, 15, 2],
            [48, 25, 16, 4],
            [50, 20, 22, 4],
            [50, 29, 16, 6],
            [51, 27, 23, 5],
        ],
    ),
    (
        "paired_no_salience_hits_for_b",
        0.95,
        [
            [54, 30, 16, 2],
            [54, 30, 17, 0],
            [54, 30, 18, 3],
            [54, 30, 19, 1],
            [54, 30, 20, 2],
            [54, 30, 14, 0],
        ],
        [
            [54, 30, 15, 0],
            [54, 30, 18, 0],
            [54, 30, 16, 0],
            [54, 30, 19, 0],
            [54, 30, 21, 0],
            [54, 30, 13, 0],
        ],
    ),
]


def t_cdf(x, df):
    x, df = mp.mpf(x), mp.mpf(df)
    tail = mp.betainc(df / 2, mp.mpf(1) / 2, 0, df / (df + x * x), regularized=True) / 2
    return 1 - tail if x > 0 else tail


def t_quantile(p, df):
    return mp.findroot(lambda x: t_cdf(x, df) - p, mp.mpf(2))


def rates(tallies):
    """Presence, salience (0 without blends) and their mean, from summed counts."""
    n = sum(t[0] for t in tallies)
    b = sum(t[1] for t in tallies)
    p = mp.mpf(sum(t[2] for t in tallies)) / n
    s = mp.mpf(sum(t[3] for t in tallies)) / b if b else mp.mpf(0)
    return [p, s, (p + s) / 2]


def logit(x):
    return mp.log(x / (1 - x))


def power(x):
    return mp.cbrt(x) ** 2 if x > 0 else mp.mpf(0)


def terms(tallies, f, nudge):
    """Per group: (f(rate) - f(rate without the group)) * the CR2 weight."""
    n = sum(t[0] for t in tallies)
    b = sum(t[1] for t in tallies)
    full = rates(tallies)
    out = []
    for g, t in enumerate(tallies):
        rest = [u for k, u in enumerate(tallies) if k != g]
        without = rates(rest)
        n_rest, b_rest = n - t[0], b - t[1]
        half = [mp.mpf(1) / 2 / n_rest, mp.mpf(1) / 2 / b_rest if b_rest else mp.inf]
        half.append((half[0] + half[1]) / 2)
        weight = [mp.sqrt(mp.mpf(n_rest) / n), mp.sqrt(mp.mpf(b_rest) / b)]
        weight.append((weight[0] + weight[1]) / 2)
        row = []
        for j in range(3):
            w = without[j]
            if nudge and w <= 0:
                w = half[j]
            if nudge and w >= 1:
                w = 1 - half[j]
            row.append((f(full[j]) - f(w)) * weight[j])
        out.append(row)
    return out


def one_system(tallies, confidence):
    alpha = 1 - mp.mpf(confidence)
    g = len(tallies)
    gs = sum(1 for t in tallies if t[1] > 0)
    df = [g - 1, gs - 1, g - 1]
    theta = rates(tallies)
    hits = [(sum(t[2] for t in tallies), sum(t[0] for t in tallies)),
             (sum(t[3] for t in tallies), sum(t[1] for t in tallies))]  # fmt: skip
    degenerate = [y in (0, m) for y, m in hits]
    rows = terms(tallies, logit, nudge=True) if not all(degenerate) else None
    out = {}
    for j, name in enumerate(METRICS):
        if j > 0 and gs < 2:
            out[name] = dict(estimate=theta[j], low=mp.nan, high=mp.nan, se=mp.nan, df=df[j])
            continue
        if j < 2 and degenerate[j]:
            y, m = hits[j]
            edge = (alpha / 2) ** (mp.mpf(1) / m)
            low, high = (mp.mpf(0), 1 - edge) if y == 0 else (edge, mp.mpf(1))
            out[name] = dict(estimate=theta[j], low=low, high=high, se=mp.mpf(0), df=df[j])
            continue
        se_logit = mp.sqrt(sum(r[j] ** 2 for r in rows))
        se = se_logit * theta[j] * (1 - theta[j])
        if j == 2 and any(degenerate):
            low = (out["presence"]["low"] + out["salience"]["low"]) / 2
            high = (out["presence"]["high"] + out["salience"]["high"]) / 2
        else:
            q = t_quantile(1 - alpha / 2, df[j])
            low = 1 / (1 + mp.exp(-(logit(theta[j]) - q * se_logit)))
            high = 1 / (1 + mp.exp(-(logit(theta[j]) + q * se_logit)))
        out[name] = dict(estimate=theta[j], low=low, high=high, se=se, df=df[j])
    return out


def pair(a, b, confidence):
    alpha = 1 - mp.mpf(confidence)
    g = len(a)
    gs = sum(1 for t in a if t[1] > 0)
    df = [g - 1, gs - 1, g - 1]
    ra, rb = rates(a), rates(b)
    ta, tb = terms(a, power, nudge=False), terms(b, power, nudge=False)
    out = {}
    for j, name in enumerate(METRICS):
        d = ra[j] - rb[j]
        se_scaled = mp.sqrt(sum((x[j] - y[j]) ** 2 for x, y in zip(ta, tb, strict=True)))
        if se_scaled == 0:
            out[name] = dict(estimate=d, low=d, high=d, se=mp.mpf(0), df=df[j],
                             p_value=mp.mpf(1 if d == 0 else 0))  # fmt: skip
            continue
        gap = power(ra[j]) - power(rb[j])
        slope = gap / d if d != 0 else 2 / (3 * mp.cbrt(ra[j]))
        se = se_scaled / slope
        q = t_quantile(1 - alpha / 2, df[j])
        p = 2 * (1 - t_cdf(abs(gap / se_scaled), df[j]))
        out[name] = dict(estimate=d, low=max(d - q * se, -1), high=min(d + q * se, 1), se=se,
                         df=df[j], p_value=p)  # fmt: skip
    return out


def warns(a, out) -> bool:
    """Whether the method has something to say: few groups, no interval,
    an edge bound or a zero width."""
    defined = [m for m in METRICS if not mp.isnan(out[m]["low"])]
    return (
        len(a) < 5
        or len(defined) < 3
        or any(out[m]["se"] == 0 or out[m]["low"] in (0, 1) or out[m]["high"] in (0, 1)
               for m in defined)
        or (out["presence"]["se"] == 0 or out["salience"]["se"] == 0)
    )  # fmt: skip


def rust_float(x) -> str:
    if mp.isnan(x):
        return "f64::NAN"
    text = repr(float(x))
    return text if ("." in text or "e" in text) else text + ".0"


def rust_row(values) -> str:
    return "[" + ", ".join(rust_float(v) for v in values) + "]"


def _field(out, key) -> str:
    return rust_row(out[m][key] for m in METRICS)


def rust_tallies(tallies) -> str:
    return "&[" + ", ".join("[" + ", ".join(str(v) for v in t) + "]" for t in tallies) + "]"


def main() -> None:
    print("const CASES: &[Case] = &[")
    for name, confidence, a, b in CASES:
        out = one_system(a, confidence) if b is None else pair(a, b, confidence)
        print("    Case {")
        print(f'        name: "{name}",')
        print(f"        confidence: {confidence},")
        print(f"        tallies: {rust_tallies(a)},")
        print(f"        tallies_b: {'None' if b is None else 'Some(' + rust_tallies(b) + ')'},")
        for key in ("estimate", "low", "high", "se"):
            print(f"        {key}: {_field(out, key)},")
        print(f"        df: {rust_row(out[m]['df'] for m in METRICS)},")
        p = "None" if b is None else f"Some({_field(out, 'p_value')})"
        print(f"        p_value: {p},")
        print(f"        warns: {str(warns(a, out)).lower()},")
        print("    },")
    print("];")


if __name__ == "__main__":
    main()
