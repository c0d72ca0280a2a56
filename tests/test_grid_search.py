"""grid_search: every cell identical to decoding and scoring through the reference."""

from __future__ import annotations

import itertools

import blemore_fast as bf
import numpy as np
import pandas as pd
import pytest
from blemore_fast import reference
from blemore_fast.training import encode_soft_labels
from hicmae import load_outputs
from hypothesis import given
from hypothesis import strategies as st
from strategies_training import clip_names, permuted_classes, prob_matrices, thresholds

SCALARS = ("alpha", "beta", "presence", "salience", "presence_only", "salience_only")


def assert_same(result: bf.GridResult, expected: dict) -> None:
    assert np.array_equal(result.presence_grid, expected["presence_grid"])
    assert np.array_equal(result.salience_grid, expected["salience_grid"])
    for key in SCALARS:
        assert getattr(result, key) == expected[key], key
        assert type(getattr(result, key)) is float


@st.composite
def axis(draw, probs, *, differences):
    """A short axis, unsorted, with repeats, often hitting the data's values."""
    size = draw(st.integers(1, 5))
    return [thresholds(draw, probs, differences=differences) for _ in range(size)]


@st.composite
def grid_cases(draw):
    probs = draw(prob_matrices(max_rows=15))
    classes = draw(permuted_classes())
    names = draw(clip_names(len(probs), probs, classes))
    alphas = draw(axis(probs, differences=False))
    betas = draw(axis(probs, differences=True))
    weight = draw(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]))
    return probs, names, alphas, betas, weight, classes


@given(grid_cases())
def test_matches_reference(case):
    probs, names, alphas, betas, weight, classes = case
    try:
        expected = reference.grid_search(
            probs, names, alphas=alphas, betas=betas, presence_weight=weight, classes=classes
        )
    except ValueError:
        with pytest.raises(ValueError, match="all zeros"):
            bf.grid_search(
                probs, names, alphas=alphas, betas=betas, presence_weight=weight, classes=classes
            )
        return
    result = bf.grid_search(
        probs, names, alphas=alphas, betas=betas, presence_weight=weight, classes=classes
    )
    assert_same(result, expected)
    np.testing.assert_array_equal(result.alphas, alphas)
    np.testing.assert_array_equal(result.betas, betas)


def soft_matrix(names: list[str], classes: tuple[str, ...], style: str) -> np.ndarray:
    """A soft-label matrix, built from the names by hand."""
    scale = {"fraction": 0.01, "percent": 1.0}[style]
    matrix = np.zeros((len(names), 6))
    for row, name in enumerate(names):
        parts = name.split("_")
        if parts[1] == "mix":
            matrix[row, classes.index(parts[2])] = int(parts[4]) * scale
            matrix[row, classes.index(parts[3])] = int(parts[5]) * scale
        else:
            matrix[row, classes.index(parts[1])] = 1.0
    return matrix


@given(grid_cases(), st.sampled_from(["fraction", "percent"]))
def test_label_forms_agree(case, style):
    probs, names, alphas, betas, weight, classes = case
    options = {"alphas": alphas, "betas": betas, "presence_weight": weight, "classes": classes}
    try:
        by_names = bf.grid_search(probs, names, **options)
    except ValueError:
        return
    label_dict = {name: reference.label_from_filename(name) for name in names}
    for form in (bf.encode_labels(names), soft_matrix(names, classes, style), label_dict):
        other = bf.grid_search(probs, form, **options)
        assert np.array_equal(other.presence_grid, by_names.presence_grid)
        assert np.array_equal(other.salience_grid, by_names.salience_grid)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
def test_every_tie_pattern(dtype):
    # All 4,096 rows over {0, 0.1, 0.2, 0.3}, with axes on those very values.
    levels = np.array([0.0, 0.1, 0.2, 0.3], dtype=dtype)
    probs = levels[np.array(list(itertools.product(range(4), repeat=6)))]
    kinds = [
        "ang_int1",
        "mix_hap_fea_70_30",
        "mix_sad_ang_50_50",
        "fea_int2",
        "neu_sit1",
        "mix_disg_hap_30_70",
        "mix_fea_sad_30_70",
        "hap_int3",
    ]
    names = [f"A{100 + i}_{kinds[i % len(kinds)]}_ver1" for i in range(len(probs))]
    alphas, betas = [0.3, 0.1, 0.2, 0.05], [0.1, 0.0, 0.2]
    result = bf.grid_search(probs, names, alphas=alphas, betas=betas)
    assert_same(result, reference.grid_search(probs, names, alphas=alphas, betas=betas))


def test_default_axes_and_repr():
    probs = np.array([[0.6, 0.0, 0.0, 0.3, 0.1, 0.0], [0.1, 0.0, 0.0, 0.0, 0.1, 0.8]])
    result = bf.grid_search(probs, ["A411_mix_ang_hap_70_30_ver1", "A303_neu_sit2_ver1"])
    np.testing.assert_array_equal(result.alphas, np.linspace(0.05, 0.95, 20))
    assert result.presence_grid.shape == (20, 20)
    assert repr(result).startswith("GridResult(alpha=")
    assert "grid=20x20" in repr(result)
    with pytest.raises(ValueError):
        result.presence_grid[0, 0] = 0.5
    assert set(result.as_dict()) >= {"alpha", "presence_grid", "salience_grid", "betas"}


def test_names_align_keyed_labels():
    names = ["A101_ang_int1_ver1", "A102_mix_ang_hap_30_70_ver1", "A103_neu_sit1_ver1"]
    probs = np.array(
        [
            [0.9, 0.0, 0.0, 0.1, 0.0, 0.0],
            [0.35, 0.0, 0.0, 0.65, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0, 0.2, 0.8],
        ]
    )
    expected = bf.grid_search(probs, names, alphas=[0.1, 0.5], betas=[0.1, 0.5])
    # A table in another order with an extra clip, matched by name.
    table = pd.DataFrame({"filename": [*names[::-1], "A104_sad_int1_ver1"]})
    result = bf.grid_search(probs, table, names=names, alphas=[0.1, 0.5], betas=[0.1, 0.5])
    np.testing.assert_array_equal(result.presence_grid, expected.presence_grid)
    with pytest.raises(bf.ValidationError, match="no label for this clip"):
        bf.grid_search(probs, table, names=[*names[:2], "A999_ang_int1_ver1"])
    with pytest.raises(ValueError, match="labels has 4 clips but probs has 3 rows"):
        bf.grid_search(probs, table)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ([0.6, 0.4, 0, 0, 0, 0], "70/30, 50/50 or 30/70"),
        ([0.5, 0.3, 0.2, 0, 0, 0], "3 positive entries"),
        ([0, 0, 0, 0, 0, 0], "no positive entry"),
        ([0.7, -0.3, 0, 0, 0, 0], "finite and non-negative"),
        ([np.nan, 1, 0, 0, 0, 0], "finite and non-negative"),
    ],
)
def test_rejects_bad_soft_labels(row, message):
    labels = np.array([[1.0, 0, 0, 0, 0, 0], row])
    with pytest.raises(bf.ValidationError, match=message) as info:
        bf.grid_search(np.full((2, 6), 1 / 6), labels)
    assert info.value.problems[0].message.startswith("row 1")


def test_soft_label_styles():
    names = ["A1_mix_ang_hap_70_30_ver1", "A2_mix_hap_ang_50_50_ver1", "A3_fea_int1_ver1"]
    encoded = bf.encode_labels(names)
    for soft in (
        [[0.7, 0, 0, 0.3, 0, 0], [0.5, 0, 0, 0.5, 0, 0], [0, 0, 1, 0, 0, 0]],
        [[70, 0, 0, 30, 0, 0], [50, 0, 0, 50, 0, 0], [0, 0, 100, 0, 0, 0]],
        np.array([[0.7, 0, 0, 0.3, 0, 0], [0.5, 0, 0, 0.5, 0, 0], [0, 0, 1, 0, 0, 0]], np.float32),
    ):
        got = encode_soft_labels(soft)
        np.testing.assert_array_equal(got.mask, encoded.mask)
        np.testing.assert_array_equal(got.salience, encoded.salience)


def test_rejects_bad_arguments():
    probs = np.full((2, 6), 1 / 6)
    names = ["A101_ang_int1_ver1", "A102_hap_int1_ver1"]
    with pytest.raises(ValueError, match="alphas must be finite; entry 1 is nan"):
        bf.grid_search(probs, names, alphas=[0.1, np.nan])
    with pytest.raises(ValueError, match="betas must be a non-empty 1-D array"):
        bf.grid_search(probs, names, betas=[[0.1, 0.2]])
    with pytest.raises(ValueError, match="betas must be a non-empty 1-D array"):
        bf.grid_search(probs, names, betas=[])
    with pytest.raises(ValueError, match=r"presence_weight must be between 0 and 1; got 1\.5"):
        bf.grid_search(probs, names, presence_weight=1.5)
    with pytest.raises(ValueError, match="labels has 1 clips but probs has 2 rows"):
        bf.grid_search(probs, names[:1])
    with pytest.raises(ValueError, match="no rows"):
        bf.grid_search(np.empty((0, 6)), [])
    with pytest.raises(ValueError, match="row 1 is all zeros"):
        bf.grid_search(np.vstack([probs[:1], np.zeros(6)]), names, alphas=[0.0, 0.5])
    with pytest.raises(bf.ValidationError):
        bf.grid_search(probs, ["not a clip", "A102_hap_int1_ver1"])


def test_large_input_matches_small_chunks():
    # Enough clips for the parallel pass: equal to the sum of its parts.
    rng = np.random.default_rng(7)
    n = 60_000
    probs = rng.dirichlet(np.ones(6) * 0.5, size=n).astype(np.float32)
    codes = rng.integers(0, 5, size=n)
    labels = np.zeros((n, 6))
    labels[np.arange(n), codes] = 1.0
    blend = rng.random(n) < 0.5
    labels[np.flatnonzero(blend), (codes[blend] + 1) % 5] = 0.5
    labels[np.flatnonzero(blend), codes[blend]] = 0.5
    alphas, betas = np.linspace(0.05, 0.6, 7), np.linspace(0.0, 0.5, 6)
    whole = bf.grid_search(probs, labels, alphas=alphas, betas=betas)
    parts = [
        bf.grid_search(probs[k::3], labels[k::3], alphas=alphas, betas=betas) for k in range(3)
    ]
    np.testing.assert_array_equal(whole.presence_correct, sum(p.presence_correct for p in parts))
    np.testing.assert_array_equal(whole.salience_correct, sum(p.salience_correct for p in parts))
    assert (whole.n, whole.n_blend) == (n, int(blend.sum()))
    # The summed counts of the shards give the whole search back, exactly.
    summed = bf.GridResult.from_counts(
        sum(p.presence_correct for p in parts),
        sum(p.salience_correct for p in parts),
        sum(p.n for p in parts),
        sum(p.n_blend for p in parts),
        alphas=alphas,
        betas=betas,
    )
    assert_same(summed, whole.as_dict())


def test_counts_behind_the_grids():
    names = ["A411_mix_ang_hap_70_30_ver1", "A303_neu_sit2_ver1", "A101_ang_int1_ver1"]
    probs = np.array(
        [[0.6, 0.0, 0.0, 0.3, 0.1, 0.0], [0.1, 0.0, 0.0, 0.0, 0.1, 0.8], [0.3, 0, 0, 0, 0.7, 0]]
    )
    result = bf.grid_search(probs, names, alphas=[0.2, 0.4, 0.05], betas=[0.1, 0.5])
    assert result.presence_correct.dtype == result.salience_correct.dtype == np.int64
    assert result.presence_correct.tolist() == [[2, 2], [1, 1], [2, 2]]
    assert result.salience_correct.tolist() == [[1, 0], [0, 0], [1, 0]]
    assert (result.n, result.n_blend) == (3, 1)
    np.testing.assert_array_equal(result.presence_grid, result.presence_correct / 3)
    assert result.mean == (result.presence + result.salience) / 2
    with pytest.raises(ValueError):
        result.presence_correct[0, 0] = 5


def test_from_counts_checks_its_input():
    good = {"presence_correct": [[2, 1]], "salience_correct": [[1, 0]], "n": 3, "n_blend": 1}
    result = bf.GridResult.from_counts(**good, alphas=[0.1], betas=[0.1, 0.2])
    assert (result.alpha, result.beta, result.presence, result.salience) == (0.1, 0.1, 2 / 3, 1.0)
    cases = [
        ({"presence_correct": [[2, 1, 0]]}, ValueError, r"shape \(len\(alphas\), len\(betas\)\)"),
        ({"presence_correct": [[2.0, 1.0]]}, TypeError, "integer counts"),
        ({"presence_correct": [[4, 1]]}, ValueError, r"cell \(0, 0\) is 4"),
        ({"salience_correct": [[1, -1]]}, ValueError, "between 0 and 1"),
        ({"n_blend": 4}, ValueError, "n_blend"),
        ({"n": 2.5}, TypeError, "n must be an integer"),
        ({"n": 0, "n_blend": 0, "presence_correct": [[0, 0]], "salience_correct": [[0, 0]]},
         ValueError, "no clip"),
    ]  # fmt: skip
    for change, error, message in cases:
        with pytest.raises(error, match=message):
            bf.GridResult.from_counts(**(good | change), alphas=[0.1], betas=[0.1, 0.2])


# --- real data


def test_real_outputs_match_reference(data_dir):
    # A small axis for every file (the reference costs ~3 ms per cell), with
    # thresholds that hit real values exactly; the full grid for one file.
    files = sorted((data_dir / "hicmae").glob("*.csv"))
    assert len(files) >= 20
    for path in files:
        names, probs = load_outputs(path)
        for dtype in (np.float64, np.float32, np.float16):
            p = probs.astype(dtype)
            top = np.sort(reference.top2(p), axis=1)[:, -2:]
            alphas = [0.1, float(top[3, 0]), 0.35, 0.2]
            betas = [0.3, float(top[5, 1] - top[5, 0]), 0.05]
            expected = reference.grid_search(p, names, alphas=alphas, betas=betas)
            assert_same(bf.grid_search(p, names, alphas=alphas, betas=betas), expected)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
def test_real_full_grid_and_readme_table(data_dir, dtype):
    names, probs = load_outputs(data_dir / "hicmae" / "test_epoch100_ce.csv")
    p = probs.astype(dtype)
    result = bf.grid_search(p, names)
    assert_same(result, reference.grid_search(p, names))
    # The data README: best of the 20x20 grid 0.2744 / 0.1647 at alpha 0.1447, beta 0.2395.
    got = [round(x, 4) for x in (result.presence, result.salience, result.alpha, result.beta)]
    assert got == [0.2744, 0.1647, 0.1447, 0.2395]
