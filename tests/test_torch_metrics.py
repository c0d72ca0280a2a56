"""The torchmetrics metrics: update / compute / reset / forward / merge_state
and MetricCollection, equal to score and grid_search on all the data."""

from __future__ import annotations

import blemore_fast as bf
import numpy as np
import pytest
import torch
from blemore_fast.synthetic import soft_targets
from blemore_fast.torch import BlEmoReScore, ThresholdSearch
from hicmae import softmax
from torchmetrics import MetricCollection
from validation_sets import hicmae_validation, synthetic_validation

ALPHA, BETA = 0.1447, 0.2395
NAMES, PROBS = synthetic_validation()
P32 = torch.from_numpy(PROBS.astype(np.float32))  # as a model in float32 gives them


def batches(n: int, size: int = 97) -> list[slice]:
    return [slice(k, min(k + size, n)) for k in range(0, n, size)]


def values(result: dict[str, torch.Tensor]) -> dict[str, float]:
    assert all(v.dtype == torch.float64 for v in result.values())
    return {k: v.item() for k, v in result.items()}


def expected_score(probs=P32, names=NAMES) -> dict[str, float]:
    score = bf.score(bf.decode(probs, alpha=ALPHA, beta=BETA), list(names))
    return {"presence": score.presence, "salience": score.salience, "mean": score.mean}


def expected_search(probs=P32, names=NAMES) -> dict[str, float]:
    result = bf.grid_search(probs, list(names))
    return {k: getattr(result, k) for k in ("alpha", "beta", "presence", "salience", "mean")}


def test_score_over_batches_equals_score():
    metric = BlEmoReScore(ALPHA, BETA)
    for rows in batches(len(NAMES)):
        metric.update(P32[rows], NAMES[rows])
    assert values(metric.compute()) == expected_score()
    assert metric.cells.dtype == torch.int64
    assert metric.cells.tolist() == bf.Accumulator.from_state(metric.cells).state().tolist()
    assert int(metric.cells.sum()) == len(NAMES)


def test_search_over_batches_equals_grid_search():
    metric = ThresholdSearch(full_grids=True)
    for rows in batches(len(NAMES)):
        metric.update(P32[rows], NAMES[rows])
    got = metric.compute()
    want = bf.grid_search(P32, NAMES)
    assert values({k: got[k] for k in ("alpha", "beta", "presence", "salience", "mean")}) == (
        expected_search()
    )
    np.testing.assert_array_equal(got["presence_grid"].numpy(), want.presence_grid)
    np.testing.assert_array_equal(got["salience_grid"].numpy(), want.salience_grid)
    np.testing.assert_array_equal(metric.presence_correct.numpy(), want.presence_correct)
    assert (int(metric.n), int(metric.n_blend)) == (want.n, want.n_blend)
    result = metric.result()
    assert (result.alpha, result.presence_only) == (want.alpha, want.presence_only)


def test_real_outputs_over_batches(data_dir):
    names, logits = hicmae_validation(data_dir)
    probs = torch.from_numpy(softmax(logits).astype(np.float32))
    score, search = BlEmoReScore(ALPHA, BETA), ThresholdSearch()
    for rows in batches(len(names), 128):
        score.update(probs[rows], names[rows])
        search.update(probs[rows], names[rows])
    assert values(score.compute()) == expected_score(probs, names)
    assert values(search.compute()) == expected_search(probs, names)


def test_labels_in_every_form():
    soft = torch.from_numpy(soft_targets(NAMES)).half()
    for labels in (NAMES, bf.encode_labels(NAMES), soft, soft.bfloat16()):
        score, search = BlEmoReScore(ALPHA, BETA), ThresholdSearch()
        score.update(P32, labels)
        search.update(P32, labels)
        assert values(score.compute()) == expected_score()
        assert values(search.compute()) == expected_search()


def test_logits_and_other_tensor_kinds():
    logits = torch.log(P32) + 3.0  # softmax gives P32 back, up to rounding
    probs = torch.softmax(logits, dim=1)
    metric = ThresholdSearch(from_logits=True)
    metric.update(logits.requires_grad_(True), NAMES)
    assert values(metric.compute()) == expected_search(probs)
    score = BlEmoReScore(ALPHA, BETA, from_logits=True)
    score.update(logits.numpy(force=True), NAMES)  # NumPy logits, through torch's softmax
    assert values(score.compute()) == expected_score(probs)
    with pytest.raises(TypeError, match="logits must be floating point"):
        score.update(torch.ones(2, 6, dtype=torch.int64), NAMES[:2])
    half = P32.half()
    metric = ThresholdSearch()
    metric.update(half[:, :].T.contiguous().T, NAMES)  # float16, column-major
    assert values(metric.compute()) == expected_search(half)


def test_forward_returns_the_batch_and_accumulates():
    first, second = slice(0, 200), slice(200, len(NAMES))
    search = ThresholdSearch()
    assert values(search(P32[first], NAMES[first])) == expected_search(P32[first], NAMES[first])
    search(P32[second], NAMES[second])
    assert values(search.compute()) == expected_search()
    score = BlEmoReScore(ALPHA, BETA)
    assert values(score(P32[first], NAMES[first])) == expected_score(P32[first], NAMES[first])
    score(P32[second], NAMES[second])
    assert values(score.compute()) == expected_score()


def test_a_batch_without_blends_scores_salience_zero():
    singles = [k for k, name in enumerate(NAMES) if "_mix_" not in name][:50]
    names = [NAMES[k] for k in singles]
    got = values(BlEmoReScore(ALPHA, BETA)(P32[singles], names))
    assert got["salience"] == 0.0 and got == expected_score(P32[singles], names)
    assert values(ThresholdSearch()(P32[singles], names))["salience"] == 0.0


def test_merge_state_and_reset():
    a, b = ThresholdSearch(), ThresholdSearch()
    a.update(P32[:300], NAMES[:300])
    b.update(P32[300:], NAMES[300:])
    a.merge_state(b)
    assert values(a.compute()) == expected_search()
    a.reset()
    assert int(a.n) == 0 and int(a.presence_correct.sum()) == 0
    s1, s2 = BlEmoReScore(ALPHA, BETA), BlEmoReScore(ALPHA, BETA)
    s1.update(P32[:10], NAMES[:10])
    s2.update(P32[10:], NAMES[10:])
    s1.merge_state(s2.metric_state)  # from a dict of states too
    assert values(s1.compute()) == expected_score()
    s1.reset()
    assert s1.cells.tolist() == [0] * 5
    s1.update(P32, NAMES)
    assert values(s1.compute()) == expected_score()  # the settings survive reset


def test_merge_state_refuses_metrics_built_differently():
    a, b = BlEmoReScore(ALPHA, BETA), BlEmoReScore(ALPHA, 0.3)
    a.update(P32[:10], NAMES[:10])
    b.update(P32[10:20], NAMES[10:20])
    with pytest.raises(ValueError, match="different settings"):
        a.merge_state(b)
    c, d = ThresholdSearch(alphas=[0.1, 0.2]), ThresholdSearch(alphas=[0.1, 0.25])
    c.update(P32[:10], NAMES[:10])
    d.update(P32[10:20], NAMES[10:20])
    with pytest.raises(ValueError, match="different settings"):
        c.merge_state(d)
    assert int(c.n) == 10  # nothing was added
    # presence_weight does not change the counts: those merge.
    e = ThresholdSearch(alphas=[0.1, 0.2], presence_weight=1.0)
    e.update(P32[10:20], NAMES[10:20])
    c.merge_state(e)
    assert int(c.n) == 20


def test_metric_collection_keeps_differently_built_metrics_apart():
    # A first batch that thresholds 0.05 and 0.6 decode alike: torchmetrics'
    # compute groups (on by default) would share the states of equal-looking
    # metrics from then on. The settings in the state keep them apart.
    top2 = np.sort(PROBS, axis=1)[:, -2:]
    k = int(np.flatnonzero((top2[:, 1] > 0.6) & (top2[:, 0] < 0.05))[0])
    rest = [i for i in range(len(NAMES)) if i != k]
    collection = MetricCollection(
        {
            "low": BlEmoReScore(0.05, 0.05),
            "high": BlEmoReScore(0.6, 0.05),
            "same": BlEmoReScore(0.6, 0.05),
            "search": ThresholdSearch(),
        }
    )
    collection.update(P32[k : k + 1], NAMES[k : k + 1])
    collection.update(P32[rest], [NAMES[i] for i in rest])
    got = collection.compute()
    assert sorted(map(sorted, collection.compute_groups.values())) == [
        ["high", "same"],  # equal settings: sharing the counts is right
        ["low"],
        ["search"],
    ]
    for name, alpha in (("low", 0.05), ("high", 0.6)):
        alone = BlEmoReScore(alpha, 0.05)
        alone.update(P32, NAMES)
        assert got[f"{name}_presence"].item() == alone.compute()["presence"].item()
    assert got["low_presence"].item() != got["high_presence"].item()
    assert got["search_alpha"].item() == expected_search()["alpha"]


def test_dtype_conversions_keep_integer_counts():
    metric = ThresholdSearch()
    metric.update(P32, NAMES)
    metric.to(torch.bfloat16)  # what Lightning's "bf16-true" does to modules
    metric.half()
    metric.set_dtype(torch.float16)  # would round counts past 2,048
    assert metric.presence_correct.dtype == metric.n.dtype == torch.int64
    assert values(metric.compute()) == expected_search()


def test_bad_arguments():
    with pytest.raises(ValueError, match="classes must list each"):
        BlEmoReScore(ALPHA, BETA, classes=("ang",) * 6)
    with pytest.raises(ValueError, match="presence_weight must be between 0 and 1"):
        ThresholdSearch(presence_weight=2)
    with pytest.raises(ValueError, match="alphas must be finite"):
        ThresholdSearch(alphas=[0.1, float("nan")])
    with pytest.raises(TypeError, match="alpha must be a real number"):
        BlEmoReScore("0.1", BETA)
    with pytest.raises(ValueError, match="labels has 2 clips but probs has 3 rows"):
        ThresholdSearch().update(P32[:3], NAMES[:2])
    search = ThresholdSearch()
    with pytest.warns(UserWarning, match="compute"), pytest.raises(ValueError, match="no clip"):
        search.compute()  # torchmetrics warns; nothing to search
