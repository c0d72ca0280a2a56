"""The few-cluster default ``method="cluster-t"``: its values against a plain
slow implementation, its invariances, its edge cases and what it reports."""

from __future__ import annotations

import math
import warnings

import blemore_fast as bf
import numpy as np
import pytest
from cluster_t_reference import reference
from hypothesis import given
from hypothesis import strategies as st
from stats_support import encoded, encoded_pair

# These tests resample the clips of unnamed arrays (no actors to read) with
# few replicates, for speed: the default unit's ClipLevelWarning and the
# few-resamples warning are tested in test_units.py.
pytestmark = [
    pytest.mark.filterwarnings("ignore::blemore_fast.ClipLevelWarning"),
    pytest.mark.filterwarnings("ignore:[0-9,]+ resamples are too few:UserWarning"),
]

METRICS = ("presence", "salience", "mean")


def actor_cells(rng: np.random.Generator, sizes: list[int], spread: float = 0.6) -> np.ndarray:
    """Cells of clips from actors of the given sizes, each actor with its own
    rates (logit-normal around presence 0.3, salience 0.13)."""
    cells = []
    for n in sizes:
        right = 1 / (1 + np.exp(-(-0.85 + spread * rng.standard_normal())))
        ratio = 1 / (1 + np.exp(-(-0.4 + spread * rng.standard_normal())))
        blend = rng.random(n) < 0.55
        hit = rng.random(n) < right
        ratio_hit = rng.random(n) < ratio
        single = np.where(hit, 0, 1)
        mixed = np.where(hit, np.where(ratio_hit, 4, 3), 2)
        cells.append(np.where(blend, mixed, single))
    return np.concatenate(cells).astype(np.uint8)


def groups_of(sizes: list[int]) -> np.ndarray:
    return np.repeat(np.arange(len(sizes)), sizes)


def _one(cells, groups, **kwargs):
    pred, labels = encoded(cells)
    return bf.bootstrap(pred, labels, cluster=groups, **kwargs)


def _pair(a, b, groups, **kwargs):
    pa, pb, labels = encoded_pair(a, b)
    return bf.compare(pa, pb, labels, cluster=groups, **kwargs)


def _check(result, expected, paired: bool):
    for name in METRICS:
        got, want = getattr(result, name), expected[name]
        for key in ("estimate", "low", "high", "se") + (("p_value",) if paired else ()):
            g, w = getattr(got, key), want[key]
            assert (math.isnan(g) and math.isnan(w)) or g == pytest.approx(w, abs=1e-12), (
                name,
                key,
            )
        assert got.df == want["df"]


@pytest.mark.parametrize("seed", range(6))
def test_one_system_matches_the_plain_implementation(seed):
    rng = np.random.default_rng(seed)
    sizes = list(rng.integers(40, 71, size=[6, 11, 20, 47][seed % 4]))
    cells, groups = actor_cells(rng, sizes, spread=[0.3, 1.0][seed % 2]), groups_of(sizes)
    result = _one(cells, groups, confidence=[0.95, 0.9, 0.99][seed % 3])
    assert result.method == "cluster-t" and result.n_resamples is None and result.seed is None
    _check(result, reference(cells, groups, confidence=result.confidence), paired=False)
    for name in METRICS:  # the logit interval stretches further up for rates below 1/2
        i = getattr(result, name)
        assert i.high - i.estimate > i.estimate - i.low > 0


@pytest.mark.parametrize("seed", range(6))
def test_comparison_matches_the_plain_implementation(seed):
    rng = np.random.default_rng(100 + seed)
    sizes = list(rng.integers(40, 71, size=[6, 11, 20][seed % 3]))
    a = actor_cells(rng, sizes)
    b = actor_cells(rng, sizes)
    b = np.where((a >= 2) == (b >= 2), b, a).astype(np.uint8)  # same blends
    groups = groups_of(sizes)
    result = _pair(a, b, groups, confidence=[0.95, 0.9][seed % 2])
    _check(result, reference(a, groups, b, confidence=result.confidence), paired=True)
    for name in METRICS:  # the test and the interval agree
        i = getattr(result, name)
        assert (i.p_value < 1 - result.confidence) == (i.low > 0 or i.high < 0)


def test_a_group_without_blends_and_the_edge_rules_match_the_plain_implementation():
    rng = np.random.default_rng(3)
    sizes = [50, 44, 61, 38, 55, 47]
    cells = actor_cells(rng, sizes)
    groups = groups_of(sizes)
    cells[groups == 2] = np.where(cells[groups == 2] >= 2, 1, cells[groups == 2])
    _check(_one(cells, groups), reference(cells, groups), paired=False)
    # No salience hit anywhere: a Clopper-Pearson bound, the mean its average.
    no_hits = np.where(cells == 4, 3, cells).astype(np.uint8)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = _one(no_hits, groups)
    notes = [str(w.message) for w in caught]
    assert any(n.startswith("salience: no hits in every group") for n in notes), notes
    assert any(n.startswith("mean: a component has no hits") for n in notes), notes
    _check(result, reference(no_hits, groups), paired=False)
    assert result.salience.low == 0 and 0 < result.salience.high < 0.05


def _shuffle_and_relabel(rng, cells, groups):
    order = rng.permutation(len(cells))
    labels = rng.permutation(1000)[: groups.max() + 1]
    return cells[order], labels[groups[order]]


@given(seed=st.integers(0, 2**32 - 1), n_groups=st.integers(2, 15), spread=st.floats(0, 1.5))
def test_invariant_to_clip_order_group_labels_and_seed(seed, n_groups, spread):
    rng = np.random.default_rng(seed)
    sizes = list(rng.integers(1, 30, size=n_groups))
    cells, groups = actor_cells(rng, sizes, spread), groups_of(sizes)
    other_cells, other_groups = _shuffle_and_relabel(rng, cells, groups)
    b = actor_cells(rng, sizes, spread)
    b = np.where((cells >= 2) == (b >= 2), b, cells).astype(np.uint8)
    order = rng.permutation(len(cells))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # few groups, no hits: tested below
        first = _one(cells, groups).as_dict()
        again = _one(other_cells, other_groups).as_dict()
        pair = _pair(cells, b, groups).as_dict()
        pair_again = _pair(cells[order], b[order], groups[order] * 7 + 5).as_dict()
    for x, y in ((first, again), (pair, pair_again)):
        for name in METRICS:  # bit-identical, NaN included
            assert repr(x[name]) == repr(y[name])


def test_a_single_group_is_an_error():
    cells = actor_cells(np.random.default_rng(0), [40])
    with pytest.raises(ValueError, match="a single group: between-group variation"):
        _one(cells, np.zeros(40, dtype=int))
    # The resampling methods stay available by name (and say it is degenerate).
    with pytest.warns(RuntimeWarning, match="only one cluster"):
        _one(cells, np.zeros(40, dtype=int), method="percentile", n_resamples=100, seed=1)


def test_few_groups_warn():
    sizes = [50, 50, 50]
    cells = actor_cells(np.random.default_rng(1), sizes)
    with pytest.warns(RuntimeWarning, match="only 3 groups: no method can promise"):
        result = _one(cells, groups_of(sizes))
    assert result.presence.df == 2


def test_no_blends_leave_salience_and_the_mean_without_interval():
    sizes = [30, 40, 35, 33, 41]
    cells = actor_cells(np.random.default_rng(2), sizes)
    cells = np.where(cells >= 2, 0, cells).astype(np.uint8)
    with pytest.warns(RuntimeWarning, match="no blend clips: salience and the mean have no"):
        result = _one(cells, groups_of(sizes))
    assert result.salience.estimate == 0.0 and math.isnan(result.salience.low)
    assert math.isnan(result.mean.high) and math.isfinite(result.presence.high)


def test_options_that_mean_nothing_without_replicates():
    sizes = [40] * 8
    cells, groups = actor_cells(np.random.default_rng(4), sizes), groups_of(sizes)
    with pytest.raises(ValueError, match="return_distribution needs bootstrap replicates"):
        _one(cells, groups, return_distribution=True)
    with pytest.raises(ValueError, match="'cluster-t' needs groups"):
        bf.bootstrap(*encoded(cells), method="cluster-t")
    # n_resamples and seed are accepted with a warning, and change nothing;
    # the result reports neither, since nothing was drawn.
    with pytest.warns(UserWarning, match="n_resamples and seed have no effect: method 'cluster-t'"):
        fixed = _one(cells, groups, n_resamples=7, seed=1)
    with pytest.warns(UserWarning, match="^seed has no effect"):
        other_seed = _one(cells, groups, seed=99)
    with pytest.warns(UserWarning, match="^n_resamples has no effect"):
        _one(cells, groups, n_resamples=10_000)
    plain = _one(cells, groups)
    assert fixed.as_dict() == other_seed.as_dict() == plain.as_dict()
    assert (fixed.n_resamples, fixed.seed, fixed.distribution) == (None, None, None)
    assert plain.as_dict()["n_resamples"] is None and plain.as_dict()["seed"] is None
    with pytest.raises(ValueError, match="seed must be in"):  # still checked
        _one(cells, groups, seed=-1)


def test_the_default_depends_on_whether_groups_are_given():
    sizes = [40] * 8
    cells, groups = actor_cells(np.random.default_rng(5), sizes), groups_of(sizes)
    assert _one(cells, groups).method == "cluster-t"
    clip = bf.bootstrap(*encoded(cells), n_resamples=500, seed=1)
    assert clip.method == "percentile" and clip.n_resamples == 500
    assert bf.bootstrap(*encoded(cells), seed=1).n_resamples == 10_000
    old = _one(cells, groups, method="percentile", seed=1)
    assert old.n_resamples == 10_000 and old.presence.df is None


def test_results_say_which_question_they_answer():
    sizes = [54] * 11
    cells, groups = actor_cells(np.random.default_rng(6), sizes), groups_of(sizes)
    result = _one(cells, groups)
    assert result.question == (
        "new groups: 95% intervals over 11 groups, small-sample corrected "
        "(leave-one-group-out t, logit scale, 10 df)"
    )
    assert repr(result).splitlines()[0] == (
        f"BootstrapResult: {result.question}; analytic, no resampling"
    )
    assert result.as_dict()["question"] == result.question
    assert result.as_dict()["presence"]["df"] == 10
    with pytest.warns(RuntimeWarning, match="moves A and B alike"):
        pair = _pair(cells, cells, groups)
    assert pair.question.endswith(
        "(leave-one-group-out t, two-thirds power scale, 10 df); two-sided p-values"
    )
    clip = bf.bootstrap(*encoded(cells), n_resamples=200, seed=1)
    assert clip.question == (
        "these 594 clips: 95% clip-level percentile intervals (the actors held fixed)"
    )


def test_identical_systems_have_a_zero_difference_with_p_one():
    sizes = [54] * 11
    cells, groups = actor_cells(np.random.default_rng(7), sizes), groups_of(sizes)
    with pytest.warns(RuntimeWarning, match="leaving out any one group moves A and B alike"):
        result = _pair(cells, cells, groups)
    for name in METRICS:
        i = getattr(result, name)
        assert (i.estimate, i.low, i.high, i.se, i.p_value) == (0, 0, 0, 0, 1)
