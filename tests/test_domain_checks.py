"""decode, grid_search and Accumulator refuse values outside [0, 1]: logits
passed as probabilities, and thresholds given as percentages or negative."""

from __future__ import annotations

import blemore_fast as bf
import numpy as np
import pytest
from blemore_fast.probs import softmax

NAMES = ["A101_ang_int1_ver1", "A102_hap_int1_ver1"]
PROBS = np.array([[0.6, 0.0, 0.0, 0.3, 0.1, 0.0], [0.1, 0.0, 0.0, 0.8, 0.1, 0.0]])


def calls(probs: np.ndarray, alpha: float = 0.3, beta: float = 0.1) -> list:
    return [
        lambda: bf.decode(probs, alpha=alpha, beta=beta),
        lambda: bf.grid_search(probs, NAMES, alphas=[alpha], betas=[beta]),
        lambda: bf.Accumulator().update(probs, NAMES, alpha=alpha, beta=beta),
    ]


@pytest.mark.parametrize("probs", [PROBS * 10, PROBS - 0.2, np.log(PROBS + 1e-3)])
def test_values_outside_0_1_are_refused_with_the_logits_hint(probs: np.ndarray) -> None:
    for call in calls(probs):
        with pytest.raises(ValueError, match=r"between 0 and 1; 2 of 2 rows.*logits=True"):
            call()


def test_logits_true_decodes_the_softmax() -> None:
    logits = np.log(PROBS + 1e-3) * 3
    expected = bf.decode(softmax(logits), alpha=0.3, beta=0.1)
    got = bf.decode(logits, alpha=0.3, beta=0.1, logits=True)
    np.testing.assert_array_equal(got.mask, expected.mask)
    grid = bf.grid_search(logits, NAMES, logits=True, alphas=[0.3], betas=[0.1])
    assert (
        grid.presence_correct.tolist()
        == bf.grid_search(
            softmax(logits), NAMES, alphas=[0.3], betas=[0.1]
        ).presence_correct.tolist()
    )
    accumulator = bf.Accumulator()
    accumulator.update(logits, NAMES, alpha=0.3, beta=0.1, logits=True)
    assert accumulator.compute() == bf.score(expected, NAMES)


@pytest.mark.parametrize(
    ("alpha", "beta", "message"),
    [
        (30, 0.1, r"alpha must be a threshold between 0 and 1; got 30.0; did you mean 0.3\?"),
        (-0.1, 0.1, r"alpha must be a threshold between 0 and 1; got -0.1$"),
        (0.3, 5, r"beta must be a threshold between 0 and 1; got 5.0; did you mean 0.05\?"),
        (0.3, 1000, r"beta must be a threshold between 0 and 1; got 1000.0$"),
    ],
)
def test_thresholds_outside_0_1_are_refused(alpha: float, beta: float, message: str) -> None:
    for call in calls(PROBS, alpha, beta):
        with pytest.raises(
            ValueError,
            match=message.replace("alpha must", "alpha(s\\[0\\])? must").replace(
                "beta must", "beta(s\\[0\\])? must"
            ),
        ):
            call()


def test_a_grid_axis_names_the_entry() -> None:
    with pytest.raises(
        ValueError, match=r"alphas\[2\] must be a threshold .* got 20.0; did you mean 0.2\?"
    ):
        bf.grid_search(PROBS, NAMES, alphas=[0.1, 0.2, 20])


def test_the_edges_are_thresholds() -> None:
    for alpha, beta in ((0.0, 1.0), (1.0, 0.0)):
        bf.decode(np.array([[1.0, 0, 0, 0, 0, 0]]), alpha=alpha, beta=beta)
