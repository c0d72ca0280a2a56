"""Accumulator: batches, merges, threads and processes add up to the whole score."""

from __future__ import annotations

import itertools
import threading

import blemore_fast as bf
import numpy as np
import pytest
from blemore_fast import reference
from hypothesis import given
from hypothesis import strategies as st
from strategies_training import clip_names, prob_matrices


def reference_score(probs, names, alpha, beta) -> dict:
    preds = reference.probs_to_dict(reference.top2(probs), names, alpha, beta)
    return reference.score(preds)


def assert_matches(score: bf.Score, expected: dict) -> None:
    got = (
        score.presence,
        score.salience,
        score.n,
        score.n_blend,
        score.presence_correct,
        score.salience_correct,
    )
    assert got == tuple(
        expected[k]
        for k in ("presence", "salience", "n", "n_blend", "presence_correct", "salience_correct")
    )


@st.composite
def batches(draw):
    probs = draw(prob_matrices(max_rows=20))
    names = draw(clip_names(len(probs), probs))
    cuts = sorted(draw(st.lists(st.integers(0, len(probs)), max_size=4)))
    alpha = draw(st.sampled_from([0.05, 0.1, 0.2, 0.3, 0.5]))
    beta = draw(st.sampled_from([0.0, 0.05, 0.1, 0.2]))
    return probs, names, cuts, alpha, beta


@given(batches())
def test_split_merge_and_every_form_equal_the_whole(case):
    probs, names, cuts, alpha, beta = case
    as_dict = reference.probs_to_dict(reference.top2(probs), names, alpha, beta)
    expected = reference.score(as_dict)
    # Batches merged one by one, or their state vectors summed (an all_reduce).
    bounds = [0, *cuts, len(probs)]
    parts = []
    for start, stop in itertools.pairwise(bounds):
        part = bf.Accumulator()
        part.update(probs[start:stop], names[start:stop], alpha=alpha, beta=beta)
        parts.append(part)
    merged = bf.Accumulator()
    for part in parts:
        merged.merge(part)
    assert_matches(merged.compute(), expected)
    total = bf.Accumulator.from_state(sum(p.state() for p in parts))
    np.testing.assert_array_equal(total.state(), merged.state())
    # Every prediction form counts the same.
    encoded = bf.decode(probs, alpha=alpha, beta=beta)
    forms = [(as_dict,), (as_dict, names), (encoded, names), (encoded, bf.encode_labels(names))]
    for args in forms:
        acc = bf.Accumulator()
        acc.update(*args)
        assert_matches(acc.compute(), expected)


def test_state_round_trips():
    acc = bf.Accumulator()
    acc.update(
        {
            "A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100}],
            "A411_mix_ang_hap_30_70_ver1": [
                {"emotion": "hap", "salience": 70},
                {"emotion": "ang", "salience": 30},
            ],
        }
    )
    state = acc.state()
    assert state.dtype == np.int64 and state.tolist() == [1, 0, 0, 0, 1]
    again = bf.Accumulator.from_state(state)
    np.testing.assert_array_equal(again.state(), state)
    assert again.compute() == acc.compute()
    # The state is a copy, and lists and unsigned counts are accepted.
    state[0] = 99
    assert acc.state()[0] == 1
    assert bf.Accumulator.from_state([1, 0, 0, 0, 1]).compute() == acc.compute()
    assert bf.Accumulator.from_state(np.array([1, 0, 0, 0, 1], np.uint8)).compute() == acc.compute()
    acc.reset()
    assert acc.state().tolist() == [0] * 5
    assert acc.compute().n == 0
    assert repr(again) == "Accumulator(n=2, presence=1.0000, salience=1.0000)"


@pytest.mark.parametrize(
    ("state", "error", "message"),
    [
        ([1, 2, 3], ValueError, r"shape \(5,\)"),
        ([[1, 2, 3, 4, 5]], ValueError, r"shape \(5,\)"),
        ([1.0, 0, 0, 0, 0], TypeError, "integers"),
        ([1, -1, 0, 0, 0], ValueError, "negative"),
        (np.array([2**63, 0, 0, 0, 0], np.uint64), ValueError, "too large"),
    ],
)
def test_from_state_rejects_bad_input(state, error, message):
    with pytest.raises(error, match=message):
        bf.Accumulator.from_state(state)


def test_threads_add_up_exactly():
    rng = np.random.default_rng(3)
    n = 2_000
    probs = rng.dirichlet(np.ones(6), size=n)
    codes = list(reference.EMOTIONS[:5])
    names = [
        f"A{100 + i}_{codes[i % 5]}_int1_ver1"
        if i % 2
        else f"A{100 + i}_mix_{codes[i % 5]}_{codes[(i + 1) % 5]}_50_50_ver1"
        for i in range(n)
    ]
    expected = bf.Accumulator()
    expected.update(probs, names, alpha=0.2, beta=0.1)
    # 8 threads x 25 repeats of 10 batches each.
    acc = bf.Accumulator()
    barrier = threading.Barrier(8)

    def work():
        barrier.wait()
        for _ in range(25):
            for k in range(10):
                acc.update(probs[k::10], names[k::10], alpha=0.2, beta=0.1)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    np.testing.assert_array_equal(acc.state(), expected.state() * 200)


def test_update_argument_errors():
    acc = bf.Accumulator()
    probs = np.full((1, 6), 1 / 6)
    with pytest.raises(TypeError, match="alpha= and beta="):
        acc.update(probs, ["A102_ang_int1_ver1"])
    with pytest.raises(TypeError, match="only to probability predictions"):
        acc.update({"A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]}, alpha=0.3)
    with pytest.raises(ValueError, match="labels are required"):
        acc.update(probs, alpha=0.3, beta=0.1)
    with pytest.raises(ValueError, match="labels has 2 clips but probs has 1 rows"):
        acc.update(probs, ["A102_ang_int1_ver1", "A103_ang_int1_ver1"], alpha=0.3, beta=0.1)
    with pytest.raises(TypeError, match="soft-label matrix"):
        acc.update({"A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]}, np.eye(6)[:1])
    with pytest.raises(TypeError, match="merge another Accumulator"):
        acc.merge(acc.state())
    # Nothing was added by the failed calls.
    assert acc.state().tolist() == [0] * 5


def test_soft_labels_and_permuted_classes():
    classes = ("hap", "ang", "disg", "fea", "sad", "neu")
    probs = np.array([[0.6, 0.3, 0.0, 0.0, 0.1, 0.0]])
    acc = bf.Accumulator()
    # hap 70 / ang 30, in the same column order as the probabilities.
    acc.update(probs, [[0.7, 0.3, 0, 0, 0, 0]], alpha=0.2, beta=0.1, classes=classes)
    assert acc.state().tolist() == [0, 0, 0, 0, 1]
