"""Precision per dtype: decisions equal the published post-processing under
NumPy 2, which compares Python-float thresholds in the array's dtype."""

from __future__ import annotations

import blemore_fast as bf
import numpy as np
import pytest
from blemore_fast import reference
from hicmae import load_outputs

ALPHA, BETA = 0.1447, 0.2395


def published(probs: np.ndarray, alpha, beta, names=None) -> dict:
    """The published post-processing with these thresholds, as given."""
    names = names or [f"clip{i:03d}" for i in range(len(probs))]
    return reference.probs_to_dict(reference.top2(probs), names, alpha, beta)


def decoded(probs: np.ndarray, alpha: float, beta: float) -> dict:
    return bf.decode(
        probs, alpha=alpha, beta=beta, names=[f"clip{i:03d}" for i in range(len(probs))]
    )


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_thresholds_are_rounded_to_the_dtype(dtype):
    # alpha a quarter step above a value of the dtype (it rounds down onto
    # it) and beta a quarter step below one (it rounds up). Row 0 holds
    # f(alpha) itself and row 1 a pair whose gap is f(beta): the published
    # code (Python floats) keeps the value and calls the pair 50/50;
    # compared in float64 the value would be dropped and the pair 70/30.
    f = np.dtype(dtype).type
    step = float(np.finfo(dtype).eps) / 32  # a quarter of the spacing in [0.125, 0.25)
    alpha, beta = float(f(ALPHA)) + step, float(f(BETA)) - step
    assert float(f(alpha)) < alpha and float(f(beta)) > beta
    row0 = [0.5, float(f(alpha)), 0.0, 0.0, 0.0, 0.0]
    row1 = [0.0, 0.0, 2 * float(f(beta)), float(f(beta)), 0.0, 0.0]
    probs = np.array([row0, row1], dtype=dtype)
    assert probs[1, 2] - probs[1, 3] == f(beta)  # the gap, in the dtype
    got = decoded(probs, alpha, beta)
    assert got == published(probs, alpha, beta)
    assert got["clip000"] == [
        {"emotion": "ang", "salience": 70.0},
        {"emotion": "disg", "salience": 30.0},
    ]
    assert got["clip001"][0]["salience"] == 50.0
    # float64 thresholds, as the published search's loop passes them, differ.
    assert published(probs, np.float64(alpha), np.float64(beta)) != got
    assert decoded(probs.astype(np.float64), alpha, beta) != got


def test_rounding_is_numpys_from_float64_not_through_float32():
    # float16(x) is 0.2396, but float16(float32(x)) is 0.2395: rounding twice
    # would keep the 0.2395 below.
    x = 0.23956298828125003
    assert float(np.float16(x)) != float(np.float16(np.float32(x)))
    probs = np.array([[0.5, 0.2395, 0.0, 0.0, 0.0, 0.0]], dtype=np.float16)
    got = decoded(probs, x, 0.1)
    assert got == published(probs, x, 0.1)
    assert got["clip000"] == [{"emotion": "ang", "salience": 100.0}]


def test_float16_ties_follow_numpys_float16_argsort():
    # On processors with AVX-512 NumPy breaks ties differently for float16
    # than for float32 and float64, so the argsort must see float16: rows
    # over four levels, full of ties.
    rng = np.random.default_rng(5)
    probs = rng.choice([0.0, 0.1, 0.2, 0.3], size=(2000, 6)).astype(np.float16)
    for alpha, beta in [(0.05, 0.05), (0.15, 0.0), (0.25, 0.2)]:
        assert decoded(probs, alpha, beta) == published(probs, alpha, beta)


@pytest.mark.parametrize(
    "probs",
    [
        np.eye(6, dtype=np.int64)[:2],
        np.eye(6, dtype=np.uint8)[:2],
        np.eye(6, dtype=bool)[:2],
        [[1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0]],
    ],
    ids=["int64", "uint8", "bool", "list of ints"],
)
def test_integer_and_bool_probabilities_are_rejected(probs):
    names = ["A101_ang_int1_ver1", "A101_disg_int1_ver1"]
    message = r"probs must be floating point .* got (integer|boolean) dtype"
    with pytest.raises(TypeError, match=message):
        bf.decode(probs, alpha=0.3, beta=0.1)
    with pytest.raises(TypeError, match=message):
        bf.grid_search(probs, names)
    with pytest.raises(TypeError, match=message):
        bf.Accumulator().update(probs, names, alpha=0.3, beta=0.1)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_grid_compares_the_axes_in_float64(dtype):
    # The published search passes np.float64 axis values: no rounding, while
    # decode at the best cell (Python floats) rounds. Both equal the
    # published code; they differ exactly where rounding moves a threshold.
    f = np.dtype(dtype).type
    probs = np.array([[0.5, float(f(ALPHA)), 0.0, 0.0, 0.0, 0.0]], dtype=dtype)
    names = ["A101_mix_ang_disg_70_30_ver1"]
    result = bf.grid_search(probs, names, alphas=[ALPHA], betas=[BETA])
    expected = reference.grid_search(probs, names, alphas=[ALPHA], betas=[BETA])
    assert result.presence == expected["presence"]
    kept = float(f(ALPHA)) >= ALPHA  # the value survives the float64 comparison
    assert result.presence == float(kept)
    assert bf.score(bf.decode(probs, alpha=ALPHA, beta=BETA), names).presence == 1.0


# --- the real HiCMAE outputs in float16


#: Where the published code on float16 outputs (Python-float thresholds
#: 0.1447 / 0.2395, the README's best cell as printed) and a decode of the
#: float64 upcast disagree: file, clip, the published prediction.
PUBLISHED_FLOAT16 = [
    ("fold0_epoch100_kl_div", "A200_sad_int2_ver1", {"fea": 50, "sad": 50}),
    ("fold0_epoch100_kl_div", "A411_sad_int3_ver1", {"ang": 50, "sad": 50}),
    ("fold1_epoch100_kl_div", "A201_mix_disg_fea_70_30_ver1", {"disg": 50, "fea": 50}),
    ("fold1_epoch100_kl_div", "A201_mix_disg_sad_50_50_ver1", {"disg": 50, "sad": 50}),
    ("fold1_epoch50_kl_div", "A201_sad_int3_ver1", {"ang": 50, "disg": 50}),
    ("fold3_epoch100_kl_div", "A323_neu_sit3_ver1", {"ang": 70, "sad": 30}),
    ("fold3_epoch100_kl_div", "A55_sad_int1_ver1", {"ang": 50, "sad": 50}),
    ("fold3_epoch50_kl_div", "A425_ang_int4_ver1", {"ang": 50, "disg": 50}),
    ("test_epoch100_ce", "A433_disg_int2_ver1", {"ang": 30, "disg": 70}),
    ("test_epoch100_kl_div", "A207_mix_ang_fea_50_50_ver1", {"ang": 50, "hap": 50}),
    ("test_epoch50_ce", "A101_mix_disg_fea_50_50_ver1", {"ang": 70, "disg": 30}),
    ("test_epoch50_kl_div", "A101_mix_ang_fea_50_50_ver1", {"ang": 70, "hap": 30}),
]


def as_shares(prediction: list[dict]) -> dict[str, float]:
    return {entry["emotion"]: entry["salience"] for entry in prediction}


def test_real_float16_outputs_decode_as_published(data_dir):
    files = sorted((data_dir / "hicmae").glob("*.csv"))
    assert len(files) == 24
    differing = []
    for path in files:
        names, probs = load_outputs(path)
        p16 = probs.astype(np.float16)
        got = bf.decode(p16, alpha=ALPHA, beta=BETA, names=names)
        assert got == published(p16, ALPHA, BETA, names), path.name
        upcast = bf.decode(p16.astype(np.float64), alpha=ALPHA, beta=BETA, names=names)
        differing += [(path.stem, n) for n in names if got[n] != upcast[n]]
        for stem, clip, shares in PUBLISHED_FLOAT16:
            if stem == path.stem:
                assert as_shares(got[clip]) == shares, (stem, clip)
    # Exactly the listed clips differ from the upcast: 12 clips in 9 files.
    assert differing == [(stem, clip) for stem, clip, _ in PUBLISHED_FLOAT16]
