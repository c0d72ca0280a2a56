"""The data-generating process of the calibration: datasets shaped like the
BlEmoRe test set, with actors that differ, and the exact population values.

A dataset has G actors; actor g has n_g clips, b_g of them blends, and two
random effects (u_g, w_g), bivariate normal with sd ``sd`` each and
correlation ``rho``:

- a single clip is right with probability expit(a + u_g);
- a blend's emotion pair is right with probability expit(a + u_g), and its
  ratio, given the pair, with probability expit(c + w_g).

So a salience hit is always a presence hit, as in the scorer, and presence
and salience vary together across actors. The intercepts a and c are solved
(Brent's method on 80 x 80-node Gauss-Hermite quadrature) so that the
*population* presence and salience equal the level's targets: the
clip-weighted mean over an infinite population of actors, which is what an
interval about new actors should contain. Sizes do not depend on the
effects, so presence = E[expit(a + u)] and salience =
E[expit(a + u) expit(c + w)].

Two systems A and B share the actors' effects; their logits get per-actor
shifts (``kind``). Each step of a clip draws a uniform U for A; B reuses it
with probability ``kappa`` (0: independent given the actor; 0.7: a clip-level
correlation near that of two real HiCMAE models).

- ``null1``: A and B identical in distribution (difference 0);
- ``null2``: A shifted by +v_g, B by -v_g, v_g ~ N(0, tau^2): per-actor
  differences vary around a population difference of exactly 0;
- ``shift``: A shifted by a constant solved so that the population presence
  difference is ``target``: the power of the test;
- ``skewed``: A and B each get their own per-actor shift, independent
  skewed draws of tau * (E - 1) with E ~ Exp(1), so the per-actor
  differences between the two systems are heavy-tailed, far from normal (a
  few actors where one system is much better), while A and B stay
  exchangeable and the population difference is exactly 0; with ``target`` > 0, A's logits also get
  +``target``, and the population difference (:func:`paired_truth`) is
  integrated over 4,000,000 simulated actors (Monte-Carlo error below 1e-4).

Sizes: ``equal`` (54 clips, 30 blends per actor), ``unequal`` (40-70 clips)
or ``wide`` (26-70 clips, the spread of the real test actors), with
Bin(n, 0.55) blends.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy import optimize, special

#: Population (presence, salience) of each accuracy level.
LEVELS = {"main": (0.30, 0.13), "hard": (0.30, 0.06), "low": (0.10, 0.05), "high": (0.60, 0.30)}

# Probabilists' Gauss-Hermite nodes: E[f(Z)] for Z ~ N(0, 1).
_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(80)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


@dataclass(frozen=True)
class Setting:
    """One cell of the grid."""

    actors: int = 11
    sd: float = 0.6  # actor effects' sd on the logit scale
    level: str = "main"  # a key of LEVELS
    # "equal": 54 clips, 30 blends; "unequal": 40-70 clips, "wide": 26-70 clips,
    # with Bin(n, 0.55) blends
    sizes: str = "equal"
    rho: float = 0.5  # correlation of an actor's two effects
    kind: str = "null1"  # pairs only: "null1", "null2", "skewed" or "shift"
    tau: float = 0.5  # null2's and skewed's scale of the per-actor shifts
    target: float = 0.0  # shift's population presence difference
    kappa: float = 0.0  # clip-level coupling of A and B


def _expect(f, sd: float, rho: float) -> float:
    """E[f(u, w)] over the actors' effects."""
    z1, z2 = np.meshgrid(_NODES, _NODES, indexing="ij")
    u = sd * z1
    w = sd * (rho * z1 + np.sqrt(1 - rho * rho) * z2)
    return float((np.outer(_WEIGHTS, _WEIGHTS) * f(u, w)).sum())


@cache
def intercepts(level: str, sd: float, rho: float) -> tuple[float, float]:
    """(a, c) giving the level's population presence and salience."""
    presence, salience = LEVELS[level]

    def solve(f) -> float:
        return float(optimize.brentq(f, -15, 15, xtol=1e-14, rtol=1e-14))

    a = solve(lambda a: _expect(lambda u, w: special.expit(a + u), sd, rho) - presence)
    c = solve(
        lambda c: (
            _expect(lambda u, w: special.expit(a + u) * special.expit(c + w), sd, rho) - salience
        )
    )
    return a, c


def truth(s: Setting) -> np.ndarray:
    """The population presence, salience and mean of one system."""
    presence, salience = LEVELS[s.level]
    return np.array([presence, salience, (presence + salience) / 2])


@cache
def shift(level: str, sd: float, rho: float, target: float) -> float:
    """The constant logit shift of A giving a population presence difference `target`."""
    a, _ = intercepts(level, sd, rho)

    def gap(d: float) -> float:
        return (
            _expect(lambda u, w: special.expit(a + u + d) - special.expit(a + u), sd, rho) - target
        )

    return float(optimize.brentq(gap, -10, 10, xtol=1e-14, rtol=1e-14))


@cache
def _skewed_truth(level: str, sd: float, rho: float, tau: float, target: float) -> np.ndarray:
    a, c = intercepts(level, sd, rho)
    rng = np.random.default_rng(2025)
    s = Setting(sd=sd, rho=rho, actors=4_000_000)
    u, w = _effects(rng, s, 1)
    shifts = tau * (rng.standard_exponential((2, *u.shape)) - 1)
    shifts[0] += target
    p = [special.expit(a + u + v) for v in shifts]
    sal = [pv * special.expit(c + w + v) for pv, v in zip(p, shifts, strict=True)]
    presence, salience = float((p[0] - p[1]).mean()), float((sal[0] - sal[1]).mean())
    return np.array([presence, salience, (presence + salience) / 2])


def paired_truth(s: Setting) -> np.ndarray:
    """The population difference A - B (presence, salience, mean)."""
    if s.kind == "skewed":
        if s.target == 0:
            return np.zeros(3)  # exchangeable
        return _skewed_truth(s.level, s.sd, s.rho, s.tau, s.target)
    if s.kind != "shift":
        return np.zeros(3)  # identical laws, or shifts symmetric around 0
    a, c = intercepts(s.level, s.sd, s.rho)
    d = shift(s.level, s.sd, s.rho, s.target)
    presence = _expect(lambda u, w: special.expit(a + u + d) - special.expit(a + u), s.sd, s.rho)
    salience = _expect(
        lambda u, w: (
            special.expit(a + u + d) * special.expit(c + w + d)
            - special.expit(a + u) * special.expit(c + w)
        ),
        s.sd,
        s.rho,
    )
    return np.array([presence, salience, (presence + salience) / 2])


def _sizes(rng: np.random.Generator, s: Setting, datasets: int) -> tuple[np.ndarray, np.ndarray]:
    """Clips and blends per actor, each (datasets, actors)."""
    shape = (datasets, s.actors)
    if s.sizes == "equal":
        return np.full(shape, 54), np.full(shape, 30)
    n = rng.integers(26 if s.sizes == "wide" else 40, 71, size=shape)
    return n, rng.binomial(n, 0.55)


def _effects(rng: np.random.Generator, s: Setting, datasets: int) -> tuple[np.ndarray, np.ndarray]:
    z1 = rng.standard_normal((datasets, s.actors))
    z2 = rng.standard_normal((datasets, s.actors))
    return s.sd * z1, s.sd * (s.rho * z1 + np.sqrt(1 - s.rho**2) * z2)


def simulate(rng: np.random.Generator, s: Setting, datasets: int) -> dict[str, np.ndarray]:
    """Datasets of one system as per-actor counts: clips n, blends b,
    presence hits p, salience hits s; each (datasets, actors)."""
    a, c = intercepts(s.level, s.sd, s.rho)
    n, b = _sizes(rng, s, datasets)
    u, w = _effects(rng, s, datasets)
    right = special.expit(a + u)
    single = rng.binomial(n - b, right)
    pair = rng.binomial(b, right)
    salient = rng.binomial(pair, special.expit(c + w))
    return {"n": n, "b": b, "p": single + pair, "s": salient}


def simulate_pair(rng: np.random.Generator, s: Setting, datasets: int) -> dict[str, np.ndarray]:
    """Datasets of two systems on the same clips: n, b and the hits of A and
    B (pA, sA, pB, sB) per actor, each (datasets, actors). Clip by clip, for
    the coupling."""
    a, c = intercepts(s.level, s.sd, s.rho)
    n, b = _sizes(rng, s, datasets)
    u, w = _effects(rng, s, datasets)
    zero = np.zeros_like(u)
    if s.kind == "null1":
        shift_a, shift_b = zero, zero
    elif s.kind == "null2":
        v = s.tau * rng.standard_normal(u.shape)
        shift_a, shift_b = v, -v
    elif s.kind == "skewed":
        shift_a = s.tau * (rng.standard_exponential(u.shape) - 1) + s.target
        shift_b = s.tau * (rng.standard_exponential(u.shape) - 1)
    else:
        shift_a, shift_b = zero + shift(s.level, s.sd, s.rho, s.target), zero
    k = np.arange(int(n.max()))
    in_actor = k < n[..., None]  # (datasets, actors, clips)
    is_blend = k < b[..., None]  # an actor's first b clips are its blends

    def coupled() -> tuple[np.ndarray, np.ndarray]:
        first = rng.random(in_actor.shape)
        fresh = rng.random(in_actor.shape)
        return first, np.where(rng.random(in_actor.shape) < s.kappa, first, fresh)

    (u1, v1), (u2, v2) = coupled(), coupled()
    out = {"n": n, "b": b}
    for name, pick, ratio_pick, d in (("A", u1, u2, shift_a), ("B", v1, v2, shift_b)):
        right = pick < special.expit(a + u + d)[..., None]
        salient = right & is_blend & (ratio_pick < special.expit(c + w + d)[..., None])
        out["p" + name] = (right & in_actor).sum(-1)
        out["s" + name] = (salient & in_actor).sum(-1)
    return out


def cells(n: int, b: int, p: int, s: int) -> np.ndarray:
    """One actor's clips as outcome cells (0 single right, 1 single wrong,
    2 blend wrong, 3 pair right ratio wrong, 4 blend right) with these
    counts. Any split of the presence hits between singles and blends gives
    the same tallies; this one puts as many as possible on blends."""
    pair = min(p, b)
    pair = max(pair, s)
    single = p - pair
    counts = [single, n - b - single, b - pair, pair - s, s]
    return np.repeat(np.arange(5, dtype=np.uint8), counts)
