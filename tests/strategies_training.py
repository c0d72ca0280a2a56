"""Hypothesis strategies shared by the decode and grid-search tests: small
probability matrices full of ties, zeros and values that thresholds hit exactly."""

from __future__ import annotations

import numpy as np
from blemore_fast.reference import EMOTIONS
from hypothesis import strategies as st

#: Coarse values make exact ties (for the top-2 and for the thresholds) common.
POOL = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 1.0)

DTYPES = (np.float64, np.float32, np.float16)
WIDTHS = {np.float64: 64, np.float32: 32, np.float16: 16}


@st.composite
def prob_matrices(draw: st.DrawFn, max_rows: int = 20) -> np.ndarray:
    """An ``(N, 6)`` float16, float32 or float64 matrix mixing pooled and
    free values, some rows normalised like a softmax output."""
    dtype = draw(st.sampled_from(DTYPES))
    n = draw(st.integers(1, max_rows))
    value = st.one_of(st.sampled_from(POOL), st.floats(0, 1, width=WIDTHS[dtype]))
    rows = draw(st.lists(st.lists(value, min_size=6, max_size=6), min_size=n, max_size=n))
    array = np.array(rows, dtype=np.float64)
    normalise = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    for r, flag in enumerate(normalise):
        if flag and array[r].sum() > 0:
            array[r] = array[r] / array[r].sum()
    return array.astype(dtype)


def thresholds(
    draw: st.DrawFn, probs: np.ndarray, *, differences: bool, row: int | None = None
) -> float:
    """A threshold that often sits exactly on a breakpoint of the matrix: a
    row's second-largest value (alpha) or the difference of its two largest,
    taken in the matrix's dtype as the published code does (beta), or
    halfway between that value and the next one of the dtype, where rounding
    the threshold to the dtype breaks a tie (to even), or one float64 step
    off halfway, which a rounding through float32 would turn into a tie.
    Pass the same ``row`` for alpha and beta to keep that row's pair at its
    50/50 edge."""
    flat = probs.ravel()
    if row is None:
        row = draw(st.integers(0, len(probs) - 1))
    second, first = np.sort(probs[row])[-2:]
    edge = first - second if differences else second
    step = draw(st.sampled_from([np.inf, -np.inf]))
    halfway = (float(edge) + float(np.nextafter(edge, edge.dtype.type(step)))) / 2
    candidates = [
        st.floats(0, 1),
        st.sampled_from(POOL),
        st.sampled_from(flat.tolist()),
        st.just(float(edge)),
        st.just(halfway),
        st.just(float(np.nextafter(halfway, step))),
    ]
    # Thresholds lie in [0, 1]; a halfway point next to 0 or 1 may not.
    return min(max(draw(st.one_of(*candidates)), 0.0), 1.0)


def permuted_classes() -> st.SearchStrategy[tuple[str, ...]]:
    return st.one_of(st.just(EMOTIONS), st.permutations(EMOTIONS).map(tuple))


BLEND_CODES = EMOTIONS[:5]


@st.composite
def clip_names(
    draw: st.DrawFn, n: int, probs: np.ndarray | None = None, classes: tuple[str, ...] = EMOTIONS
) -> list[str]:
    """``n`` distinct clip names: singles (neutral included) and blends in
    either code order and each salience split. With ``probs``, labels often
    agree with each row's top one or two columns, so that every threshold
    breakpoint changes some count."""
    names = []
    for i in range(n):
        actor = f"A{100 + i}"
        source = draw(st.sampled_from(["random", "top", "pair"])) if probs is not None else "random"
        if source != "random":
            assert probs is not None
            order = np.argsort(-probs[i], kind="stable")
            first, second = classes[order[0]], classes[order[1]]
            if source == "pair" and "neu" not in (first, second):
                if draw(st.booleans()):
                    first, second = second, first
                split = draw(st.sampled_from(["30_70", "50_50", "70_30"]))
                names.append(f"{actor}_mix_{first}_{second}_{split}_ver1")
                continue
            code = draw(st.sampled_from([first, second]))
        elif draw(st.booleans()):
            code = draw(st.sampled_from(EMOTIONS))
        else:
            first, second = draw(st.permutations(BLEND_CODES))[:2]
            split = draw(st.sampled_from(["30_70", "50_50", "70_30"]))
            names.append(f"{actor}_mix_{first}_{second}_{split}_ver1")
            continue
        middle = "sit1" if code == "neu" else "int2"
        names.append(f"{actor}_{code}_{middle}_ver1")
    return names
