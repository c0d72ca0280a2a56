"""decode: the published post-processing, checked against the pure-Python reference."""

from __future__ import annotations

import itertools
import tracemalloc
from collections.abc import Callable

import blemore_fast as bf
import numpy as np
import pandas as pd
import pytest
from blemore_fast import reference
from hicmae import load_outputs
from hypothesis import given
from hypothesis import strategies as st
from strategies_training import clip_names, permuted_classes, prob_matrices, thresholds


def peak_bytes(call: Callable[[], object]) -> int:
    """The most memory NumPy and Python allocated during ``call()``."""
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def names_for(n: int) -> list[str]:
    return [f"clip{i:03d}" for i in range(n)]


def reference_decode(probs, alpha, beta, classes=reference.EMOTIONS):
    """The published way, or the exception it raises."""
    names = names_for(len(probs))
    return reference.probs_to_dict(reference.top2(probs), names, alpha, beta, tuple(classes))


@st.composite
def decode_cases(draw):
    probs = draw(prob_matrices())
    row = draw(st.integers(0, len(probs) - 1))
    alpha = thresholds(draw, probs, differences=False, row=row)
    beta = thresholds(draw, probs, differences=True, row=row)
    return probs, alpha, beta, draw(permuted_classes())


@given(decode_cases())
def test_matches_reference(case):
    probs, alpha, beta, classes = case
    names = names_for(len(probs))
    try:
        expected = reference_decode(probs, alpha, beta, classes)
    except ValueError:
        # An all-zero row with alpha <= 0: the published code has nothing to predict.
        with pytest.raises(ValueError, match="all zeros"):
            bf.decode(probs, alpha=alpha, beta=beta, classes=classes, names=names)
        return
    got = bf.decode(probs, alpha=alpha, beta=beta, classes=classes, names=names)
    assert got == expected
    # Entry order and value types too, not only dict equality.
    for name in names:
        assert [list(e.items()) for e in got[name]] == [list(e.items()) for e in expected[name]]
        assert all(type(e["salience"]) is float for e in got[name])


@given(prob_matrices(), st.data())
def test_matches_reference_on_breakpoints(probs, data):
    # alpha exactly at a row's second value and beta exactly at its gap (in
    # the matrix's dtype): the comparisons that decide keep/drop and 50/50.
    row = data.draw(st.integers(0, len(probs) - 1))
    second, first = np.sort(probs[row])[-2:]
    alpha, beta = float(second), float(first - second)
    try:
        expected = reference_decode(probs, alpha, beta)
    except ValueError:
        return
    assert bf.decode(probs, alpha=alpha, beta=beta, names=names_for(len(probs))) == expected


@given(decode_cases(), st.data())
def test_encoded_scores_like_the_published_dict(case, data):
    probs, alpha, beta, classes = case
    names = data.draw(clip_names(len(probs), probs, classes))
    try:
        expected = reference.score(
            reference.probs_to_dict(reference.top2(probs), names, alpha, beta, classes)
        )
    except ValueError:
        return
    encoded = bf.decode(probs, alpha=alpha, beta=beta, classes=classes)
    assert isinstance(encoded, bf.Encoded)
    score = bf.score(encoded, names)
    assert (score.presence, score.salience) == (expected["presence"], expected["salience"])
    assert (score.presence_correct, score.salience_correct) == (
        expected["presence_correct"],
        expected["salience_correct"],
    )


def test_ties_follow_numpy_argsort():
    # NumPy's SIMD argsort does not always keep the lower column on ties (on
    # AVX-512 it keeps hap over fea in the first row); the published top-2 is
    # whatever np.argsort does, so decode must agree.
    rows = np.array(
        [
            [0.0, 0.0, 0.2, 0.2, 0.3, 0.0],
            [0.0, 0.1, 0.2, 0.2, 0.3, 0.1],
            [0.3, 0.3, 0.3, 0.1, 0.0, 0.0],
            [0.0, 0.25, 0.25, 0.25, 0.25, 0.0],
        ]
    )
    for dtype in (np.float64, np.float32, np.float16):
        probs = rows.astype(dtype)
        for alpha, beta in [(0.05, 0.05), (0.15, 0.0), (0.25, 0.2)]:
            got = bf.decode(probs, alpha=alpha, beta=beta, names=names_for(4))
            assert got == reference_decode(probs, alpha, beta)


def every_coarse_row(dtype) -> np.ndarray:
    """All 4,096 rows over {0, 0.1, 0.2, 0.3}: every pattern of ties and zeros."""
    levels = np.array([0.0, 0.1, 0.2, 0.3], dtype=dtype)
    return levels[np.array(list(itertools.product(range(4), repeat=6)))]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
def test_every_tie_pattern(dtype):
    probs = every_coarse_row(dtype)
    names = names_for(len(probs))
    for alpha, beta in [(0.05, 0.05), (0.1, 0.0), (0.2, 0.1), (0.3, 0.2)]:
        got = bf.decode(probs, alpha=alpha, beta=beta, names=names)
        assert got == reference_decode(probs, alpha, beta)


def test_hand_written_rules():
    names = ["a", "b", "c", "d", "e", "f"]
    probs = np.array(
        [
            [0.50, 0.00, 0.00, 0.40, 0.10, 0.00],  # pair, 0.1 apart: 70/30 at beta 0.05
            [0.40, 0.00, 0.00, 0.50, 0.10, 0.00],  # the other way round: 30/70
            [0.45, 0.00, 0.00, 0.45, 0.10, 0.00],  # equal: 50/50
            [0.00, 0.40, 0.00, 0.00, 0.00, 0.40],  # neutral tie: the emotion wins
            [0.00, 0.30, 0.00, 0.00, 0.00, 0.45],  # neutral larger: neutral alone
            [0.20, 0.00, 0.00, 0.00, 0.10, 0.00],  # below alpha: the top alone
        ]
    )
    got = bf.decode(probs, alpha=0.3, beta=0.05, names=names)
    assert got == {
        "a": [{"emotion": "ang", "salience": 70.0}, {"emotion": "hap", "salience": 30.0}],
        "b": [{"emotion": "ang", "salience": 30.0}, {"emotion": "hap", "salience": 70.0}],
        "c": [{"emotion": "ang", "salience": 50.0}, {"emotion": "hap", "salience": 50.0}],
        "d": [{"emotion": "disg", "salience": 100.0}],
        "e": [{"emotion": "neu", "salience": 100.0}],
        "f": [{"emotion": "ang", "salience": 100.0}],
    }
    encoded = bf.decode(probs, alpha=0.3, beta=0.05)
    assert encoded.mask.tolist() == [0b1001, 0b1001, 0b1001, 0b10, 0b100000, 0b1]
    np.testing.assert_array_equal(encoded.salience[:3], [[70, 30], [30, 70], [50, 50]])
    assert (encoded.salience[3:] == bf.encoded.NO_SALIENCE).all()


def test_permuted_classes_list_entries_in_column_order():
    # Columns: hap, ang, ... ; the pair is listed hap first, as the published code does.
    classes = ("hap", "ang", "disg", "fea", "sad", "neu")
    probs = np.array([[0.6, 0.3, 0.0, 0.0, 0.1, 0.0]])
    got = bf.decode(probs, alpha=0.2, beta=0.1, classes=classes, names=["x"])
    assert got == {
        "x": [{"emotion": "hap", "salience": 70.0}, {"emotion": "ang", "salience": 30.0}]
    }
    encoded = bf.decode(probs, alpha=0.2, beta=0.1, classes=classes)
    # Stored by code: ang (0) then hap (3).
    assert encoded.salience.tolist() == [[30, 70]]


def test_float32_difference_is_taken_in_float32():
    # 0.9f - 0.1f rounds in float32; the published code compares that rounded
    # difference with beta, not the exact difference of the widened values.
    probs = np.array([[0.9, 0.1, 0.0, 0.0, 0.0, 0.0]], dtype=np.float32)
    beta = float(np.float32(0.9) - np.float32(0.1))
    assert beta < float(np.float32(0.9)) - float(np.float32(0.1))
    got = bf.decode(probs, alpha=0.05, beta=beta, names=["clip000"])
    assert got["clip000"][0]["salience"] == 50.0
    assert got == reference_decode(probs, 0.05, beta)


def test_array_likes_and_dtypes():
    rows = [[0.5, 0.0, 0.0, 0.4, 0.1, 0.0], [0.1, 0.2, 0.3, 0.4, 0.0, 0.0]]
    expected = bf.decode(np.array(rows), alpha=0.3, beta=0.05, names=["a", "b"])
    fortran = np.asfortranarray(np.array(rows))
    wide = np.zeros((2, 12))
    wide[:, ::2] = rows
    for probs in (
        rows,
        fortran,
        wide[:, ::2],
        np.array(rows, dtype=np.float16).astype(np.float64),
        pd.DataFrame(rows, columns=bf.EMOTIONS),
    ):
        assert bf.decode(probs, alpha=0.3, beta=0.05, names=["a", "b"]) == expected
    # A table is read by its column names, never by position.
    with pytest.raises(bf.ValidationError, match="no column is named after an emotion"):
        bf.decode(pd.DataFrame(rows), alpha=0.3, beta=0.05)
    # Contiguous float32 / float64 arrays are used in place: decoding
    # allocates far less than a copy of the input (a Fortran-ordered array,
    # which must be copied, shows what a copy costs).
    big = np.random.default_rng(0).random((200_000, 6))
    for array in (big.astype(np.float32), big):
        assert peak_bytes(lambda a=array: bf.decode(a, alpha=0.3, beta=0.1)) < array.nbytes // 10
    assert peak_bytes(lambda: bf.decode(np.asfortranarray(big), alpha=0.3, beta=0.1)) >= big.nbytes


class ArrayOnly:
    """Exposes only ``__array__``, like many tensor libraries."""

    def __init__(self, array):
        self.array = array

    def __array__(self, dtype=None, copy=None):
        return self.array


class DlpackOnly:
    """Exposes only the DLPack protocol."""

    def __init__(self, array):
        self.array = array

    def __dlpack__(self, **kwargs):
        return self.array.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self.array.__dlpack_device__()


def test_array_protocols():
    rows = np.array([[0.5, 0.0, 0.0, 0.4, 0.1, 0.0]], dtype=np.float32)
    expected = bf.decode(rows, alpha=0.3, beta=0.05, names=["a"])
    for wrapped in (ArrayOnly(rows), DlpackOnly(rows)):
        assert bf.decode(wrapped, alpha=0.3, beta=0.05, names=["a"]) == expected
    # The DLPack path shares memory: no copy of float32 input.
    big = np.random.default_rng(1).random((200_000, 6)).astype(np.float32)
    assert peak_bytes(lambda: bf.decode(DlpackOnly(big), alpha=0.3, beta=0.1)) < big.nbytes // 10


def test_empty_input():
    encoded = bf.decode(np.empty((0, 6)), alpha=0.3, beta=0.1)
    assert len(encoded) == 0
    assert bf.decode(np.empty((0, 6)), alpha=0.3, beta=0.1, names=[]) == {}


@pytest.mark.parametrize(
    ("probs", "message"),
    [
        ([[0.1, np.nan, 0, 0, 0, 0]], "row 0, column 1 is NaN"),
        ([[0.1, 0, 0, 0, 0, 0], [0.1, np.inf, 0, 0, 0, 0]], "row 1, column 1 is inf"),
        ([[0.1, -0.2, 0, 0, 0, 0]], "softmax"),
        ([[0.1, 0.2, 0.3]], r"shape \(N, 6\)"),
        ([0.1, 0.2, 0.3, 0.4, 0.0, 0.0], r"probs\[None, :\]"),
    ],
)
def test_rejects_bad_probs(probs, message):
    with pytest.raises(ValueError, match=message):
        bf.decode(np.array(probs), alpha=0.3, beta=0.1)


def test_rejects_bad_arguments():
    probs = np.full((1, 6), 1 / 6)
    with pytest.raises(TypeError, match="floating point"):
        bf.decode(np.array([["a"] * 6]), alpha=0.3, beta=0.1)
    with pytest.raises(TypeError, match="floating point"):
        bf.decode(probs.astype(complex), alpha=0.3, beta=0.1)
    with pytest.raises(TypeError, match="floating point"):
        bf.decode(probs.astype(np.longdouble), alpha=0.3, beta=0.1)
    with pytest.raises(ValueError, match="alpha must be finite"):
        bf.decode(probs, alpha=float("nan"), beta=0.1)
    with pytest.raises(TypeError, match="beta must be a real number"):
        bf.decode(probs, alpha=0.3, beta="0.1")
    with pytest.raises(ValueError, match="classes must list each"):
        bf.decode(probs, alpha=0.3, beta=0.1, classes=("ang", "disg", "fea", "hap", "sad", "sad"))
    with pytest.raises(TypeError, match="not the string"):
        bf.decode(probs, alpha=0.3, beta=0.1, classes="ang")
    with pytest.raises(ValueError, match="names has 2 entries"):
        bf.decode(probs, alpha=0.3, beta=0.1, names=["a", "b"])
    with pytest.raises(ValueError, match="'a' appears 2 times"):
        bf.decode(np.vstack([probs, probs]), alpha=0.3, beta=0.1, names=["a", "a"])
    with pytest.raises(ValueError, match="row 1 is all zeros"):
        bf.decode(np.vstack([probs, np.zeros((1, 6))]), alpha=0.0, beta=0.1)


# --- real data: every HiCMAE output file, float64, float32 and float16


def test_real_outputs_decode_exactly(data_dir):
    files = sorted((data_dir / "hicmae").glob("*.csv"))
    assert len(files) >= 20
    for path in files:
        names, probs = load_outputs(path)
        for dtype in (np.float64, np.float32, np.float16):
            p = probs.astype(dtype)
            reduced = reference.top2(p)
            # The README's thresholds, plus ones that hit real values exactly.
            second = np.sort(reduced, axis=1)[:, -2]
            gaps = np.abs(np.diff(np.sort(reduced, axis=1)[:, -2:], axis=1)).ravel()
            points = [(0.3, 0.1), (float(second[7]), float(gaps[11])), (0.1447, 0.2395)]
            for alpha, beta in points:
                got = bf.decode(p, alpha=alpha, beta=beta, names=names)
                expected = reference.probs_to_dict(reduced, names, alpha, beta)
                assert got == expected, (path.name, dtype, alpha, beta)


def test_readme_table_fixed_thresholds(data_dir):
    # From the data README: 0.3148 / 0.0719 at alpha 0.3, beta 0.1.
    names, probs = load_outputs(data_dir / "hicmae" / "test_epoch100_ce.csv")
    score = bf.score(bf.decode(probs, alpha=0.3, beta=0.1, names=names))
    assert (round(score.presence, 4), round(score.salience, 4)) == (0.3148, 0.0719)
