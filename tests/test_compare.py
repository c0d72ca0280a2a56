"""compare(): the paired bootstrap of A - B, its p-values and discordant counts."""

from __future__ import annotations

import warnings

import blemore_fast as bf
import numpy as np
import pandas as pd
import pytest
from blemore_fast import reference
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sps
from stats_support import (
    encoded,
    encoded_pair,
    indicators,
    naive_paired_bootstrap,
    paired_outcomes,
    published,
)

# These tests resample the clips of unnamed arrays (no actors to read) with
# few replicates, for speed: the default unit's ClipLevelWarning and the
# few-resamples warning are tested in test_units.py.
pytestmark = [
    pytest.mark.filterwarnings("ignore::blemore_fast.ClipLevelWarning"),
    pytest.mark.filterwarnings("ignore:[0-9,]+ resamples are too few:UserWarning"),
]

KS_ALPHA = 1e-3  # as in test_bootstrap: a fixed seed passes reliably; see there


def _lattice(x):
    # Replicate values are ratios of counts. Ours rounds A - B once from the
    # exact difference; the plain code subtracts two rounded ratios, which can
    # land an ulp away. On a lattice every atom then splits in two and KS sees
    # a gap as large as the atom: round both before comparing.
    return np.round(x, 12)


def _compare(a, b, **kwargs):
    """The paired bootstrap (cluster-t has its own tests: test_cluster_t.py)."""
    pred_a, pred_b, labels = encoded_pair(a, b)
    kwargs.setdefault("seed", 1)
    kwargs.setdefault("method", "percentile")
    return bf.compare(pred_a, pred_b, labels, **kwargs)


@pytest.fixture(scope="module")
def pair() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(77)
    a, b = paired_outcomes(rng, 600)
    # Make A a little better on presence so the difference is not zero.
    better = (a == 1) & (rng.random(600) < 0.15)
    return np.where(better, 0, a).astype(np.uint8), b


def test_estimates_scores_and_discordant_counts(pair):
    a, b = pair
    r = _compare(a, b, n_resamples=1000)
    want_a, want_b = published(*indicators(a)), published(*indicators(b))
    assert [r.score_a.presence, r.score_a.salience] == list(want_a[:2])
    assert [r.score_b.presence, r.score_b.salience] == list(want_b[:2])
    for j, name in enumerate(bf.stats.STATISTICS):
        assert getattr(r, name).estimate == pytest.approx(want_a[j] - want_b[j], abs=1e-15)
    right_a, right_b = np.isin(a, (0, 3, 4)), np.isin(b, (0, 3, 4))
    assert r.a_only_presence == sum(x and not y for x, y in zip(right_a, right_b, strict=True))
    assert r.b_only_presence == sum(y and not x for x, y in zip(right_a, right_b, strict=True))
    assert r.a_only_salience == sum(x == 4 and y != 4 for x, y in zip(a, b, strict=True))
    assert r.b_only_salience == sum(y == 4 and x != 4 for x, y in zip(a, b, strict=True))
    # The presence difference is exactly the discordant counts' difference over N.
    assert r.presence.estimate == pytest.approx((r.a_only_presence - r.b_only_presence) / 600)


def test_replicates_match_plain_paired_resampling(pair):
    a, b = pair
    ours = _compare(a, b, n_resamples=20_000, return_distribution=True).distribution
    plain = naive_paired_bootstrap(a, b, 20_000, seed=5)
    for j in range(3):
        assert sps.ks_2samp(_lattice(ours[:, j]), _lattice(plain[:, j])).pvalue > KS_ALPHA, j


def test_p_value_is_the_shifted_share_of_the_distribution(pair):
    a, b = pair
    n = len(a)
    r = _compare(a, b, n_resamples=5000, return_distribution=True)
    # Presence differences are multiples of 1/N: count extremes on integers.
    d = np.rint(r.distribution[:, 0] * n).astype(int)
    hat = round(r.presence.estimate * n)
    c = np.sum(np.abs(d - hat) >= abs(hat))
    assert r.presence.p_value == (c + 1) / (5000 + 1)
    for name in ("salience", "mean"):
        j = bf.stats.STATISTICS.index(name)
        est = getattr(r, name).estimate
        shifted = np.abs(r.distribution[:, j] - est)
        below = np.sum(shifted >= abs(est) + 1e-12) + 1
        above = np.sum(shifted >= abs(est) - 1e-12) + 1
        assert below / 5001 <= getattr(r, name).p_value <= above / 5001


def test_null_p_values_are_roughly_uniform():
    # A and B exchangeable: the share of p < 0.05 must be near 0.05. With 2,000
    # simulated pairs its standard error is 0.005, so 0.03-0.07 is four of them.
    rng = np.random.default_rng(2025)
    p_values = np.array(
        [
            [
                getattr(_compare(*paired_outcomes(rng, 300), n_resamples=999, seed=i), name).p_value
                for name in bf.stats.STATISTICS
            ]
            for i in range(2000)
        ]
    )
    share = (p_values < 0.05).mean(axis=0)
    assert np.all((share >= 0.03) & (share <= 0.07)), share


def test_identical_systems_do_not_differ(pair):
    a, _ = pair
    r = _compare(a, a, n_resamples=2000, method="bca")
    for name in bf.stats.STATISTICS:
        i = getattr(r, name)
        assert (i.estimate, i.low, i.high, i.se, i.p_value) == (0.0, 0.0, 0.0, 0.0, 1.0)
    assert (r.a_only_presence, r.b_only_presence, r.a_only_salience, r.b_only_salience) == (0,) * 4


def test_a_clear_difference_has_the_smallest_p_value():
    a = np.array([0] * 200 + [4] * 200, dtype=np.uint8)
    b = np.array([1] * 200 + [2] * 200, dtype=np.uint8)
    r = _compare(a, b, n_resamples=999)
    assert r.presence.p_value == r.salience.p_value == 1 / 1000
    assert r.presence.low == r.presence.high == 1.0


def test_swapping_systems_negates_the_estimates(pair):
    a, b = pair
    ab, ba = _compare(a, b, n_resamples=3000), _compare(b, a, n_resamples=3000)
    for name in bf.stats.STATISTICS:
        assert getattr(ab, name).estimate == -getattr(ba, name).estimate
    assert (ab.a_only_presence, ab.b_only_presence) == (ba.b_only_presence, ba.a_only_presence)


@pytest.fixture(scope="module")
def dict_pair() -> tuple[dict, dict]:
    rng = np.random.default_rng(9)
    emotions = ["ang", "disg", "fea", "hap", "sad"]
    a, b = {}, {}
    for actor in ("A101", "A102", "A205", "A311", "A404"):
        for i, emotion in enumerate(emotions):
            name = f"{actor}_{emotion}_int{1 + i % 4}_ver1"
            for preds in (a, b):
                guess = emotion if rng.random() < 0.5 else emotions[(i + 2) % 5]
                preds[name] = [{"emotion": guess, "salience": 100.0}]
        for ratio in ("30_70", "50_50"):
            name = f"{actor}_mix_ang_sad_{ratio}_ver1"
            for preds in (a, b):
                s = [30.0, 70.0] if rng.random() < 0.5 else [50.0, 50.0]
                preds[name] = [
                    {"emotion": "ang", "salience": s[0]},
                    {"emotion": "sad", "salience": s[1]},
                ]
    return a, b


def test_dicts_are_matched_by_name(dict_pair):
    a, b = dict_pair
    r = bf.compare(a, b, n_resamples=2000, seed=3, cluster="clip")
    shuffled = dict(reversed(list(b.items())))
    assert bf.compare(a, shuffled, n_resamples=2000, seed=3, cluster="clip") == r
    ref_a, ref_b = reference.score(a), reference.score(b)
    assert r.presence.estimate == pytest.approx(ref_a["presence"] - ref_b["presence"], abs=1e-15)
    assert r.salience.estimate == pytest.approx(ref_a["salience"] - ref_b["salience"], abs=1e-15)
    assert (r.score_a.presence, r.score_b.salience) == (ref_a["presence"], ref_b["salience"])
    by_actor = bf.compare(a, b, cluster="actor")
    assert (by_actor.n_units, by_actor.cluster, by_actor.n) == (5, "actor", 35)


def test_different_clips_are_listed(dict_pair):
    a, b = dict_pair
    fewer = dict(list(b.items())[:-2])
    with pytest.raises(ValueError, match="same clips; 2 only in preds_a") as info:
        bf.compare(a, fewer)
    assert "A404_mix_ang_sad" in str(info.value)
    extra = {**b, "A999_ang_int1_ver1": [{"emotion": "ang", "salience": 100.0}]}
    with pytest.raises(ValueError, match=r"1 only in preds_b \(e\.g\. A999_ang_int1_ver1\)"):
        bf.compare(a, extra)


def test_positional_inputs_must_have_equal_length():
    pred_a, labels = encoded(np.array([0, 1, 2], dtype=np.uint8))
    pred_b, _ = encoded(np.array([0, 1], dtype=np.uint8))
    with pytest.raises(ValueError, match="2 encoded predictions but 3 labels"):
        bf.compare(pred_a, pred_b, labels)
    a = bf.align(*encoded(np.array([0, 1, 2], dtype=np.uint8)))
    b = bf.align(*encoded(np.array([0, 1], dtype=np.uint8)))
    with pytest.raises(ValueError, match="preds_a has 3 clips but preds_b has 2"):
        bf.compare(a, b)


def test_different_labels_are_refused():
    a = bf.align(*encoded(np.array([0, 1, 2], dtype=np.uint8)))
    b = bf.align(*encoded(np.array([0, 1, 0], dtype=np.uint8)))
    with pytest.raises(ValueError, match="different labels for 1 clip"):
        bf.compare(a, b)


def test_bad_arguments_are_named(pair):
    a, b = pair
    with pytest.raises(ValueError, match="n_resamples must be at least 1; got 0"):
        _compare(a, b, n_resamples=0)
    with pytest.raises(ValueError, match="confidence must be strictly between 0 and 1"):
        _compare(a, b, confidence=1.5)
    with pytest.raises(ValueError, match="cluster must give one group id per clip"):
        _compare(a, b, cluster=np.arange(3))


def test_results_are_readable(pair):
    a, b = pair
    r = _compare(a, b, n_resamples=1000, cluster=np.arange(600) % 12, seed=4)
    text = repr(r)
    assert text.startswith(
        "Comparison (A - B): new groups: 95% percentile intervals over 12 groups, "
        "not small-sample corrected"
    )
    assert "two-sided p-values; 1,000 paired resamples, seed=4" in text
    assert "right for one only: presence A" in text
    frame = r.to_frame()
    assert list(frame.columns) == ["a", "b", "estimate", "low", "high", "se", "p_value"]
    assert frame.loc["mean", "a"] == r.score_a.mean
    d = r.as_dict()
    assert d["presence"]["p_value"] == r.presence.p_value
    assert d["score_b"]["n"] == 600 and d["n_units"] == 12
    assert isinstance(pd.DataFrame(frame), pd.DataFrame)


@st.composite
def pairs(draw):
    blend = draw(st.lists(st.booleans(), min_size=1, max_size=200))
    a = [draw(st.integers(2, 4) if b else st.integers(0, 1)) for b in blend]
    b = [draw(st.integers(2, 4) if x else st.integers(0, 1)) for x in blend]
    return np.array(a, dtype=np.uint8), np.array(b, dtype=np.uint8)


@given(pair=pairs(), clusters=st.integers(1, 10), seed=st.integers(0, 2**64 - 1))
def test_invariants(pair, clusters, seed):
    a, b = pair
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # one cluster: tested in test_bootstrap
        r = _compare(
            a,
            b,
            n_resamples=199,
            seed=seed,
            cluster=np.arange(len(a)) % clusters,
            return_distribution=True,
        )
    want = published(*indicators(a)) - published(*indicators(b))
    for j, name in enumerate(bf.stats.STATISTICS):
        i = getattr(r, name)
        assert i.estimate == pytest.approx(want[j], abs=1e-15)
        assert 1 / 200 <= i.p_value <= 1 and i.low <= i.high
        assert np.all(np.abs(r.distribution[:, j]) <= 1)
        if i.estimate == 0:
            assert i.p_value == 1
    assert r.a_only_presence - r.b_only_presence == round(want[0] * len(a))
