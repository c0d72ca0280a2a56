"""bootstrap(): agreement with plain index resampling, BCa against scipy,
reproducibility, inputs and edge cases."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import warnings
from types import SimpleNamespace

import blemore_fast as bf
import numpy as np
import pandas as pd
import pytest
from blemore_fast import reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from stats_support import (
    encoded,
    indicators,
    naive_clip_bootstrap,
    naive_cluster_bootstrap,
    published,
    simulate,
)

# These tests resample the clips of unnamed arrays (no actors to read) with
# few replicates, for speed: the default unit's ClipLevelWarning and the
# few-resamples warning are tested in test_units.py.
pytestmark = [
    pytest.mark.filterwarnings("ignore::blemore_fast.ClipLevelWarning"),
    pytest.mark.filterwarnings("ignore:[0-9,]+ resamples are too few:UserWarning"),
]

# Two-sample KS threshold. Under "same distribution" the KS p-value is uniform
# for continuous data and stochastically larger for discrete data like these
# (ratios of counts), so a correct implementation fails a single check with
# probability at most 0.001 for a random seed; the seeds below are fixed, so
# the test is deterministic. With 20,000 replicates on each side, p < 0.001
# means a largest CDF gap above ~0.02, which a location error of about 0.05
# standard errors, or an error in the spread of a few percent, already
# produces; test_ks_detects_the_wrong_resampling_unit shows the check can fail.
KS_ALPHA = 1e-3
B_KS = 20_000


@pytest.fixture(scope="module")
def actors_data() -> tuple[np.ndarray, np.ndarray]:
    """594 clips of 11 actors whose accuracies differ, as in the real test set."""
    rng = np.random.default_rng(2024)
    outcomes, groups = [], []
    for actor in range(11):
        right = rng.uniform(0.15, 0.55)
        cells = rng.dirichlet([6, 3, 1])
        outcomes.append(simulate(rng, 54, 0.55, right, tuple(cells)))
        groups.append(np.full(54, actor))
    return np.concatenate(outcomes), np.concatenate(groups)


def _replicates(outcomes, cluster=None, seed=1, n_resamples=B_KS, method="percentile"):
    pred, labels = encoded(outcomes)
    return bf.bootstrap(
        pred,
        labels,
        n_resamples=n_resamples,
        cluster=cluster,
        seed=seed,
        method=method,
        return_distribution=True,
    )


@pytest.mark.parametrize("mode", ["clip", "actor"])
def test_replicates_match_plain_index_resampling(actors_data, mode):
    outcomes, groups = actors_data
    if mode == "clip":
        ours = _replicates(outcomes).distribution
        plain = naive_clip_bootstrap(outcomes, B_KS, seed=99)
    else:
        ours = _replicates(outcomes, cluster=groups).distribution
        plain = naive_cluster_bootstrap(outcomes, groups, B_KS, seed=99)
    assert ours.shape == plain.shape == (B_KS, 3)
    for j, name in enumerate(bf.stats.STATISTICS):
        result = sps.ks_2samp(ours[:, j], plain[:, j])
        assert result.pvalue > KS_ALPHA, (mode, name, result)


def test_clip_presence_hits_are_exactly_binomial(actors_data):
    # In a clip-level replicate the number of presence hits is Bin(N, p)
    # exactly: check the whole pmf by chi-square over 200,000 replicates
    # (values with at least 20 expected), at the same threshold as KS.
    outcomes, _ = actors_data
    n, p = len(outcomes), np.isin(outcomes, (0, 3, 4)).mean()
    hits = np.rint(_replicates(outcomes, n_resamples=200_000, seed=4).distribution[:, 0] * n)
    observed = np.bincount(hits.astype(int), minlength=n + 1)
    expected = sps.binom.pmf(np.arange(n + 1), n, p) * len(hits)
    keep = expected >= 20
    chi2 = np.sum((observed[keep] - expected[keep]) ** 2 / expected[keep])
    assert sps.chi2.sf(chi2, keep.sum() - 1) > KS_ALPHA
    assert observed[~keep].sum() == pytest.approx(expected[~keep].sum(), abs=60)


def test_ks_detects_the_wrong_resampling_unit(actors_data):
    # Clip-level replicates are narrower than actor-level ones: the check must see it.
    outcomes, groups = actors_data
    ours = _replicates(outcomes).distribution
    plain = naive_cluster_bootstrap(outcomes, groups, B_KS, seed=99)
    assert sps.ks_2samp(ours[:, 0], plain[:, 0]).pvalue < KS_ALPHA


def test_estimates_are_the_published_scores(actors_data):
    outcomes, groups = actors_data
    result = _replicates(outcomes, cluster=groups, n_resamples=100)
    want = published(*indicators(outcomes))
    assert [result.presence.estimate, result.salience.estimate] == pytest.approx(want[:2], abs=0)
    assert result.mean.estimate == pytest.approx(want[2], rel=1e-15)
    assert (result.n, result.n_units, result.cluster) == (594, 11, "groups")


def test_intervals_are_read_off_the_distribution():
    outcomes = simulate(np.random.default_rng(5), 300)
    for method in ("percentile", "basic"):
        r = _replicates(outcomes, n_resamples=4000, method=method, seed=3)
        for j, name in enumerate(bf.stats.STATISTICS):
            interval = getattr(r, name)
            lo, hi = np.percentile(r.distribution[:, j], [2.5, 97.5])
            if method == "basic":
                lo, hi = 2 * interval.estimate - hi, 2 * interval.estimate - lo
            assert (interval.low, interval.high) == pytest.approx((lo, hi), abs=1e-12)
            assert interval.se == pytest.approx(np.std(r.distribution[:, j], ddof=1), rel=1e-9)


def _scipy_data(outcomes):
    presence, blend, salience = indicators(outcomes)

    def statistic(p, b, s, axis=-1):
        p, b, s = (np.moveaxis(x, axis, -1) for x in (p, b, s))
        # scipy wants a vector-valued statistic's components first.
        return np.moveaxis(published(p, b, s), -1, 0)

    return (presence, blend, salience), statistic


@pytest.mark.parametrize("cells", [(0.6, 0.3, 0.1), (0.2, 0.2, 0.6)])
def test_bca_matches_scipy_on_the_same_replicates(cells):
    # scipy's BCa read off *our* replicates (n_resamples=0 reuses them): this
    # checks the bias correction, the jackknife acceleration (O(cells) here,
    # O(N) leave-one-out in scipy) and the quantile rule, up to rounding.
    outcomes = simulate(np.random.default_rng(11), 400, blend_cells=cells)
    ours = _replicates(outcomes, n_resamples=5000, method="bca", seed=8)
    data, statistic = _scipy_data(outcomes)
    for j, name in enumerate(bf.stats.STATISTICS):
        res = sps.bootstrap(
            data,
            lambda p, b, s, axis=-1, j=j: statistic(p, b, s, axis)[j],
            paired=True,
            vectorized=True,
            method="BCa",
            n_resamples=0,
            bootstrap_result=SimpleNamespace(bootstrap_distribution=ours.distribution[:, j]),
        )
        interval = getattr(ours, name)
        assert (interval.low, interval.high) == pytest.approx(
            tuple(res.confidence_interval), abs=1e-9
        ), name


def test_bca_agrees_with_scipy_within_monte_carlo_error():
    # Independent resamples: scipy's own BCa against ours, both repeated over
    # seeds (B = 20,000 each). The replicates sit on a lattice (step 1/N for
    # presence), so an end near a lattice jump flips between two neighbours
    # from seed to seed; averaging over seeds makes that Monte-Carlo error
    # measurable. The mean ends must agree within 4 standard errors of their
    # difference, plus half a lattice step for runs that never flip.
    outcomes = simulate(np.random.default_rng(12), 500)
    data, statistic = _scipy_data(outcomes)

    def ends(r):
        return [[getattr(r, name).low, getattr(r, name).high] for name in bf.stats.STATISTICS]

    ours = np.array(
        [ends(_replicates(outcomes, n_resamples=20_000, method="bca", seed=s)) for s in range(20)]
    )
    theirs = np.array(
        [
            np.stack(
                sps.bootstrap(
                    data,
                    statistic,
                    paired=True,
                    vectorized=True,
                    method="BCa",
                    n_resamples=20_000,
                    batch=2000,
                    rng=np.random.default_rng(s),
                ).confidence_interval,
                axis=-1,
            )
            for s in range(4)
        ]
    )
    error = np.sqrt(ours.var(axis=0, ddof=1) / len(ours) + theirs.var(axis=0, ddof=1) / len(theirs))
    gap = np.abs(ours.mean(axis=0) - theirs.mean(axis=0))
    assert np.all(gap <= 4 * error + 0.5 / len(outcomes)), (ours.mean(axis=0), theirs.mean(axis=0))


def test_bca_differs_from_percentile_when_skewed():
    # Few salience hits: a skewed distribution, where BCa shifts the interval up.
    outcomes = simulate(np.random.default_rng(4), 300, blend_cells=(0.9, 0.08, 0.02))
    pct = _replicates(outcomes, n_resamples=20_000, seed=2)
    bca = _replicates(outcomes, n_resamples=20_000, seed=2, method="bca")
    assert bca.salience.high > pct.salience.high
    assert bca.salience.estimate == pct.salience.estimate


def _digest_script(threads: int) -> str:
    script = textwrap.dedent("""
        import hashlib, numpy as np, blemore_fast as bf
        from stats_support import encoded, encoded_pair, simulate
        rng = np.random.default_rng(0)
        a, b = simulate(rng, 3000), simulate(rng, 3000)
        b = np.where((a >= 2) == (b >= 2), b, a).astype(np.uint8)
        pred, labels = encoded(a)
        pa, pb, lab = encoded_pair(a, b)
        groups = np.arange(3000) % 40
        h = hashlib.sha256()
        for cluster in (None, groups):
            for method in ("percentile", "bca"):
                r = bf.bootstrap(pred, labels, n_resamples=10_000, seed=12345, method=method,
                                 cluster=cluster, return_distribution=True)
                h.update(r.distribution.tobytes()); h.update(repr(r.as_dict()).encode())
            c = bf.compare(pa, pb, lab, n_resamples=10_000, seed=12345, cluster=cluster,
                           method="percentile", return_distribution=True)
            h.update(c.distribution.tobytes()); h.update(repr(c.as_dict()).encode())
        # The analytic default over groups.
        h.update(repr(bf.bootstrap(pred, labels, cluster=groups, seed=1).as_dict()).encode())
        h.update(repr(bf.compare(pa, pb, lab, cluster=groups, seed=1).as_dict()).encode())
        print(h.hexdigest())
    """)
    env = {**os.environ, "RAYON_NUM_THREADS": str(threads), "PYTHONPATH": os.path.dirname(__file__)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_same_seed_same_bytes_whatever_the_thread_count():
    one, two = _digest_script(1), _digest_script(2)
    assert len(one) == 64
    assert one == two


def test_seeds_repeat_and_differ():
    outcomes = simulate(np.random.default_rng(1), 200)
    first = _replicates(outcomes, n_resamples=3000, seed=7).distribution
    assert np.array_equal(first, _replicates(outcomes, n_resamples=3000, seed=7).distribution)
    other = _replicates(outcomes, n_resamples=3000, seed=8).distribution
    assert not np.array_equal(first, other)
    fresh = _replicates(outcomes, n_resamples=3000, seed=None)
    assert 0 <= fresh.seed < 2**64
    again = _replicates(outcomes, n_resamples=3000, seed=fresh.seed)
    assert np.array_equal(fresh.distribution, again.distribution)
    assert (
        hashlib.sha256(first.tobytes()).digest()
        != hashlib.sha256(fresh.distribution.tobytes()).digest()
    )


def test_results_do_not_depend_on_clip_order(actors_data):
    outcomes, groups = actors_data
    order = np.random.default_rng(0).permutation(len(outcomes))
    for cluster in (None, groups):
        first = _replicates(outcomes, cluster=cluster, n_resamples=3000, seed=2)
        shuffled = _replicates(
            outcomes[order],
            n_resamples=3000,
            seed=2,
            cluster=None if cluster is None else groups[order] + 100,
        )
        assert np.array_equal(first.distribution, shuffled.distribution)


def test_a_replicate_without_blends_has_salience_zero():
    # One blend clip among 20: about (19/20)**20 = 36% of replicates draw no blend.
    outcomes = np.array([4] + [0, 1] * 9 + [0], dtype=np.uint8)
    r = _replicates(outcomes, n_resamples=20_000, seed=5)
    salience = r.distribution[:, 1]
    assert set(np.unique(salience)) == {0.0, 1.0}
    assert np.mean(salience == 0.0) == pytest.approx((19 / 20) ** 20, abs=0.02)


# --- inputs


@pytest.fixture(scope="module")
def dict_preds() -> dict:
    rng = np.random.default_rng(3)
    preds = {}
    emotions = ["ang", "disg", "fea", "hap", "sad"]
    for actor in ("A101", "A102", "A205", "A311"):
        for i, emotion in enumerate(emotions):
            name = f"{actor}_{emotion}_int{1 + i % 4}_ver1"
            guess = emotion if rng.random() < 0.5 else emotions[(i + 1) % 5]
            preds[name] = [{"emotion": guess, "salience": 100.0}]
        name = f"{actor}_mix_ang_hap_30_70_ver1"
        preds[name] = [{"emotion": "ang", "salience": 30.0}, {"emotion": "hap", "salience": 70.0}]
    return preds


def test_accepts_what_score_accepts(dict_preds, tmp_path):
    preds = dict_preds
    want = reference.score(preds)
    r = bf.bootstrap(preds, n_resamples=500, seed=1, cluster="clip")
    assert (r.presence.estimate, r.salience.estimate) == (want["presence"], want["salience"])
    path = tmp_path / "preds.json"
    path.write_text(pd.Series(preds).to_json())
    from_path = bf.bootstrap(path, n_resamples=500, seed=1, cluster="clip")
    assert from_path == r
    long = pd.DataFrame(
        [(k, e["emotion"], e["salience"]) for k, v in preds.items() for e in v],
        columns=["filename", "emotion", "salience"],
    )
    assert bf.bootstrap(long, n_resamples=500, seed=1, cluster="clip") == r
    aligned = bf.align(preds)
    assert bf.bootstrap(aligned, n_resamples=500, seed=1, cluster="clip") == r
    with pytest.raises(bf.ValidationError):
        bf.bootstrap({"A101_ang_int1_ver1": [{"emotion": "anger", "salience": 100}]})


# Four actors and 24 clips: cluster-t warns about few groups and all-hit salience.
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_actor_clusters_come_from_names_or_metadata(dict_preds):
    preds = dict_preds
    by_name = bf.bootstrap(preds, cluster="actor")
    assert (by_name.cluster, by_name.n_units, by_name.n) == ("actor", 4, 24)
    names = list(preds)
    actors = [n.split("_")[0] for n in names]
    by_array = bf.bootstrap(preds, cluster=actors)
    assert by_array.n_units == 4 and by_array.distribution is None
    same_settings = {"cluster": "actor", "question": by_name.question}
    assert by_array.as_dict() | same_settings == by_name.as_dict()
    mapping = dict(zip(names, actors, strict=True))
    by_mapping = bf.bootstrap(preds, cluster=mapping)
    assert by_mapping.presence == by_array.presence
    series = pd.Series(actors, index=names)[::-1]
    by_series = bf.bootstrap(preds, cluster=series)
    assert by_series.presence == by_array.presence
    # Metadata's actor column wins over the names: two made-up groups here.
    meta = pd.DataFrame({"filename": names, "actor": ["X" if i < 12 else "Y" for i in range(24)]})
    by_meta = bf.bootstrap(preds, meta, cluster="actor")
    assert by_meta.n_units == 2
    video = meta.rename(columns={"actor": "video_id"})
    assert bf.bootstrap(preds, video, cluster="actor").n_units == 2


def test_actor_intervals_are_wider_on_the_real_test_set(data_dir):
    frame = pd.read_csv(data_dir / "hicmae" / "test_epoch100_ce.csv")
    logits = frame[list(bf.EMOTIONS)].to_numpy()
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    preds = reference.probs_to_dict(reference.top2(probs), frame["filename"].tolist(), 0.3, 0.1)
    clips = pd.read_csv(data_dir / "clips.csv")
    clips = clips[clips["partition"] == "test"]
    clip = bf.bootstrap(preds, clips, n_resamples=20_000, seed=1, cluster="clip")
    actor = bf.bootstrap(preds, clips, cluster="actor")
    assert round(clip.presence.estimate, 4) == 0.3148 and round(clip.salience.estimate, 4) == 0.0719
    assert (clip.n_units, actor.n_units) == (594, 11)
    assert actor.presence.se > 1.2 * clip.presence.se
    assert actor.presence.high - actor.presence.low > clip.presence.high - clip.presence.low


# --- edge cases


def _quiet(outcomes, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return _replicates(outcomes, **kwargs)


@pytest.mark.parametrize("method", ["percentile", "basic", "bca"])
@pytest.mark.parametrize(
    ("outcomes", "presence", "salience"),
    [
        ([4, 4, 4, 4, 4], (1.0, 1.0), 1.0),  # all right
        ([1, 2, 2, 1, 1], (0.0, 0.0), 0.0),  # all wrong
        ([0, 1, 0, 0, 1], (0.6, None), 0.0),  # no blends
    ],
)
def test_all_right_all_wrong_and_no_blends(method, outcomes, presence, salience):
    r = _quiet(np.array(outcomes, dtype=np.uint8), n_resamples=2000, method=method)
    assert r.presence.estimate == presence[0]
    if presence[1] is not None:
        assert (r.presence.low, r.presence.high, r.presence.se) == (presence[1],) * 2 + (0.0,)
    assert (r.salience.estimate, r.salience.low, r.salience.high) == (salience,) * 3
    values = [
        getattr(getattr(r, s), f)
        for s in bf.stats.STATISTICS
        for f in ("estimate", "low", "high", "se")
    ]
    assert not np.isnan(values).any()


def test_a_single_clip_or_cluster_warns_and_gives_zero_width():
    with pytest.warns(RuntimeWarning, match="only one clip"):
        r = _replicates(np.array([3], dtype=np.uint8), n_resamples=100)
    assert (r.presence.low, r.presence.high, r.salience.high) == (1.0, 1.0, 0.0)
    with pytest.warns(RuntimeWarning, match="only one cluster"):
        r = _replicates(np.array([0, 1, 4], dtype=np.uint8), cluster=[7, 7, 7], n_resamples=100)
    assert r.n_units == 1 and r.presence.low == r.presence.high == pytest.approx(2 / 3)


def test_bca_falls_back_with_a_warning_when_undefined():
    # Every blend right, singles mixed: salience's leave-one-out values are all
    # 1.0 while replicates with no blend give 0.0, so the acceleration is undefined.
    outcomes = np.array([4, 4] + [0, 1] * 3, dtype=np.uint8)
    with pytest.warns(RuntimeWarning, match="BCa interval of salience is undefined"):
        r = _replicates(outcomes, n_resamples=5000, method="bca", seed=1)
    pct = _replicates(outcomes, n_resamples=5000, method="percentile", seed=1)
    assert (r.salience.low, r.salience.high) == (pct.salience.low, pct.salience.high)


def test_one_resample_warns_about_the_standard_error():
    with pytest.warns(RuntimeWarning, match="standard error"):
        r = _replicates(simulate(np.random.default_rng(0), 50), n_resamples=1)
    assert np.isnan(r.presence.se) and r.presence.low == r.presence.high


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_resamples": 0}, ValueError, "n_resamples must be at least 1; got 0"),
        ({"n_resamples": -5}, ValueError, "got -5"),
        ({"n_resamples": 10.5}, TypeError, "n_resamples must be an integer"),
        ({"n_resamples": True}, TypeError, "n_resamples"),
        ({"confidence": 0}, ValueError, "confidence must be strictly between 0 and 1; got 0"),
        ({"confidence": 1.0}, ValueError, "confidence"),
        ({"confidence": 95}, ValueError, "did you mean 0.95"),
        ({"confidence": float("nan")}, ValueError, "confidence"),
        ({"confidence": "0.9"}, TypeError, "confidence"),
        ({"method": "bootstrap-t"}, ValueError, "method must be one of"),
        ({"seed": -1}, ValueError, "seed must be in"),
        ({"seed": 2**64}, ValueError, "seed"),
        ({"seed": 1.5}, TypeError, "seed must be None or an integer"),
        ({"cluster": "speaker"}, ValueError, "cluster must be 'auto', 'actor', 'clip'"),
        ({"cluster": [1, 2]}, ValueError, "one group id per clip"),
        ({"cluster": [1.0, None, 2.0, 1.0, 2.0]}, ValueError, "missing group ids"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    pred, labels = encoded(np.array([0, 1, 2, 3, 4], dtype=np.uint8))
    with pytest.raises(error, match=match):
        bf.bootstrap(pred, labels, **kwargs)


def test_method_names_are_case_insensitive_and_results_are_readable():
    r = _replicates(
        simulate(np.random.default_rng(0), 80),
        n_resamples=500,
        method="BCa",
        cluster=np.arange(80) % 8,
        seed=3,
    )
    assert r.method == "bca"
    text = repr(r)
    assert text.startswith(
        "BootstrapResult: new groups: 95% bca intervals over 8 groups, not small-sample corrected"
    )
    assert text.splitlines()[0].endswith("; 500 resamples, seed=3")
    assert text.count("\n") == 4
    frame = r.to_frame()
    assert list(frame.index) == ["presence", "salience", "mean"]
    assert frame.loc["presence", "estimate"] == r.presence.estimate
    assert r.as_dict()["salience"]["high"] == r.salience.high
    with pytest.raises(ValueError, match="read-only"):
        r.distribution[0, 0] = 1.0


def test_actor_needs_names_or_metadata():
    pred, labels = encoded(np.array([0, 1, 2], dtype=np.uint8))
    with pytest.raises(ValueError, match="needs clip names"):
        bf.bootstrap(pred, labels, cluster="actor")
    with pytest.raises(ValueError, match="needs clip names"):
        bf.bootstrap(pred, labels, cluster={"a": 1})


# --- invariants on arbitrary data

cells = st.lists(st.integers(0, 4), min_size=1, max_size=300).map(
    lambda c: np.array(c, dtype=np.uint8)
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    outcomes=cells,
    method=st.sampled_from(["percentile", "basic", "bca"]),
    clusters=st.integers(1, 12),
    seed=st.integers(0, 2**64 - 1),
)
def test_invariants(outcomes, method, clusters, seed):
    groups = np.arange(len(outcomes)) % clusters
    with warnings.catch_warnings():
        # One unit, or BCa undefined: warned about and tested above.
        warnings.simplefilter("ignore", RuntimeWarning)
        r = _replicates(outcomes, cluster=groups, n_resamples=200, method=method, seed=seed)
    want = published(*indicators(outcomes))
    assert (r.presence.estimate, r.salience.estimate) == tuple(want[:2])
    assert r.n_units == min(clusters, len(outcomes))
    assert np.all((r.distribution >= 0) & (r.distribution <= 1))
    for name in bf.stats.STATISTICS:
        i = getattr(r, name)
        assert not np.isnan([i.estimate, i.low, i.high, i.se]).any()
        assert i.low <= i.high and i.se >= 0
        if method != "basic":
            # Percentile and BCa ends are replicate values (or between two).
            column = r.distribution[:, bf.stats.STATISTICS.index(name)]
            assert column.min() <= i.low and i.high <= column.max()
