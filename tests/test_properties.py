"""Hypothesis cross-checks: `score(..., strict=False)` against the pure-Python reference.

The generators aim at the hard cases: rounding ties (x.5), string saliences,
duplicates, unknown codes, 0/1/2/3 entries, fractions, inputs without blends,
single clips and large inputs. Where the published code itself raises (a
salience it must round but cannot), `score` must raise ValidationError.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import blemore_fast as bf
import numpy as np
from blemore_fast import reference
from hypothesis import given, settings
from hypothesis import strategies as st

CODES = list(bf.EMOTIONS)
NON_NEUTRAL = CODES[:5]
PAIRS = [(a, b) for i, a in enumerate(NON_NEUTRAL) for b in NON_NEUTRAL[i + 1 :]]
RATIOS = [(30, 70), (50, 50), (70, 30)]


@st.composite
def clip_names(draw: st.DrawFn) -> str:
    actor = f"A{draw(st.integers(1, 999))}"
    version = draw(st.integers(1, 4))
    kind = draw(st.sampled_from(["single", "neutral", "blend"]))
    if kind == "single":
        stem = f"{actor}_{draw(st.sampled_from(NON_NEUTRAL))}_int{draw(st.integers(1, 4))}_ver{version}"
    elif kind == "neutral":
        stem = f"{actor}_neu_sit{draw(st.integers(1, 4))}_ver{version}"
    else:
        a, b = draw(st.sampled_from(PAIRS))
        if draw(st.booleans()):
            a, b = b, a
        s1, s2 = draw(st.sampled_from(RATIOS))
        stem = f"{actor}_mix_{a}_{b}_{s1}_{s2}_ver{version}"
    return stem + draw(st.sampled_from(["", "", ".mp4", ".mov", ".wav"]))


def ties(low: int = -1, high: int = 101) -> st.SearchStrategy[float]:
    return st.integers(low, high).map(lambda k: k + 0.5)


saliences = st.one_of(
    st.sampled_from([30, 50, 70, 100, 30.0, 70.0, 50.0, 100.0, 0, 0.3, 0.7, 0.5]),
    ties(),
    st.floats(-5, 150, allow_nan=False),
    st.integers(0, 100).map(str),
    st.sampled_from(["30", "70", "50", "30.0", " 70 ", "7e1", "69.5", "70.5", "+30"]),
    st.sampled_from([math.nan, math.inf, -math.inf, "abc", None]),  # the published code raises
)
emotions = st.one_of(
    st.sampled_from(CODES),
    st.sampled_from(["happy", "anger", "xyz", "", "ANG", "neutral"]),
)


@st.composite
def entries(draw: st.DrawFn) -> list[dict[str, Any]]:
    n = draw(st.sampled_from([0, 1, 1, 2, 2, 2, 3]))
    result = []
    for _ in range(n):
        item: dict[str, Any] = {"emotion": draw(emotions)}
        if draw(st.integers(0, 30)):  # rarely, no salience key at all
            item["salience"] = draw(saliences)
        result.append(item)
    if n == 2 and draw(st.booleans()):
        result[1]["emotion"] = result[0]["emotion"]  # duplicates
    return result


def prediction_dicts(max_size: int = 40) -> st.SearchStrategy[dict[str, list[dict[str, Any]]]]:
    return st.dictionaries(clip_names(), entries(), min_size=1, max_size=max_size)


def check_against_reference(
    preds: dict[str, Any], labels: Any = None, ours_labels: Any = None
) -> None:
    try:
        expected = reference.score(preds, labels)
    except (ValueError, OverflowError, TypeError, KeyError):
        # The published code cannot score this input; neither may we.
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                bf.score(preds, ours_labels if ours_labels is not None else labels, strict=False)
        except bf.ValidationError:
            return
        raise AssertionError("score accepted an input the published code rejects") from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fraction warnings are expected here
        result = bf.score(preds, ours_labels if ours_labels is not None else labels, strict=False)
    assert result.as_dict() == {
        **expected,
        "mean": (expected["presence"] + expected["salience"]) / 2,
    }


@given(prediction_dicts())
def test_lenient_score_equals_reference(preds: dict[str, Any]) -> None:
    check_against_reference(preds)


@given(clip_names(), entries())
def test_single_clip_equals_reference(name: str, clip: list[dict[str, Any]]) -> None:
    check_against_reference({name: clip})


@st.composite
def labelled(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """Predictions with an explicit label dict: any names, labels of any valid shape.

    Labels are the truth, so they are validated strictly in every mode; the
    labels drawn here are valid (a blend's saliences are percentages 0-100).
    """
    names = draw(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=30, unique=True))
    labels: dict[str, Any] = {}
    preds: dict[str, Any] = {}
    for name in names:
        if draw(st.booleans()):
            labels[name] = [{"emotion": draw(st.sampled_from(CODES)), "salience": draw(saliences)}]
        else:
            a, b = draw(st.sampled_from([(a, b) for a in CODES for b in CODES if a != b]))
            labels[name] = [
                {
                    "emotion": a,
                    "salience": draw(st.one_of(st.sampled_from([30, 50, 70, "30", "70"]), ties(0, 99))),
                },
                {
                    "emotion": b,
                    "salience": draw(st.one_of(st.sampled_from([30, 50, 70, "50"]), ties(0, 99))),
                },
            ]
        preds[name] = draw(entries())
    return preds, labels


@given(labelled())
def test_lenient_score_with_label_dict_equals_reference(
    case: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    preds, labels = case
    check_against_reference(preds, labels)


@given(prediction_dicts(max_size=25))
def test_strict_score_equals_reference_when_valid(preds: dict[str, Any]) -> None:
    """On input that passes strict validation, both modes agree with the reference."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            strict = bf.score(preds)
    except bf.ValidationError:
        return
    expected = reference.score(preds)
    assert (strict.presence, strict.salience, strict.n, strict.n_blend) == (
        expected["presence"],
        expected["salience"],
        expected["n"],
        expected["n_blend"],
    )


@settings(max_examples=20)
@given(st.integers(0, 2**32 - 1), st.sampled_from([1_000, 20_000]))
def test_large_inputs_equal_reference(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    preds: dict[str, Any] = {}
    for i in range(n):
        kind = rng.integers(3)
        if kind == 0:
            name = f"A{i}_{NON_NEUTRAL[rng.integers(5)]}_int1_ver1"
        elif kind == 1:
            name = f"A{i}_neu_sit1_ver1"
        else:
            a, b = PAIRS[rng.integers(len(PAIRS))]
            s1, s2 = RATIOS[rng.integers(3)]
            name = f"A{i}_mix_{a}_{b}_{s1}_{s2}_ver1"
        k = int(rng.choice([1, 2, 2]))
        codes = rng.choice(CODES, size=k, replace=False)
        sal = rng.choice([30.0, 50.0, 70.0, 69.5, 30.5, 100.0], size=k)
        preds[name] = [
            {"emotion": str(c), "salience": float(s)} for c, s in zip(codes, sal, strict=True)
        ]
    check_against_reference(preds)
