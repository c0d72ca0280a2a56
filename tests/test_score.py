"""`score` semantics on hand-made inputs whose answers are worked out by hand."""

from __future__ import annotations

import dataclasses
import math

import blemore_fast as bf
import numpy as np
import pytest

SINGLE = "A102_ang_int1_ver1"
NEUTRAL = "A303_neu_sit2_ver1"
BLEND = "A411_mix_ang_hap_30_70_ver1"
EVEN = "A411_mix_ang_hap_50_50_ver1"


def entry(emotion: str, salience: object = 100.0) -> dict[str, object]:
    return {"emotion": emotion, "salience": salience}


def test_presence_ignores_order_and_salience() -> None:
    preds = {
        SINGLE: [entry("ang", 3.0)],
        BLEND: [entry("hap", 50), entry("ang", 50)],  # set right, ratio wrong
        EVEN: [entry("ang", 50), entry("hap", 50)],
        NEUTRAL: [entry("sad")],
    }
    result = bf.score(preds)
    assert (result.presence_correct, result.n) == (3, 4)
    assert (result.salience_correct, result.n_blend) == (1, 2)
    assert result.presence == 3 / 4
    assert result.salience == 1 / 2
    assert result.mean == (3 / 4 + 1 / 2) / 2


def test_salience_needs_pair_and_ratio_in_either_order() -> None:
    assert bf.score({BLEND: [entry("hap", 70), entry("ang", 30)]}).salience == 1.0
    assert bf.score({BLEND: [entry("ang", 70), entry("hap", 30)]}).salience == 0.0
    assert bf.score({BLEND: [entry("ang", 30), entry("sad", 70)]}).presence == 0.0


@pytest.mark.parametrize(
    ("ang", "hap", "correct"),
    [
        (30.5, 69.5, True),  # round half to even: 30 and 70
        (29.5, 70.5, True),  # 30 and 70
        (30.4999, 70.4999, True),
        (31.5, 68.5, False),  # 32 and 68
        ("30", "70", True),  # strings are valid saliences
        ("30.0", " 70 ", True),
        (0.3, 0.7, False),  # fractions round to 0 and 1
    ],
)
def test_rounding_is_pythons(ang: object, hap: object, correct: bool) -> None:
    preds = {BLEND: [entry("ang", ang), entry("hap", hap)]}
    if isinstance(ang, float) and ang < 1:
        with pytest.warns(UserWarning, match="add up to about 1"):
            result = bf.score(preds)
    else:
        result = bf.score(preds)
    assert result.salience == (1.0 if correct else 0.0)


def test_salience_is_zero_without_blends() -> None:
    result = bf.score({SINGLE: [entry("ang")], NEUTRAL: [entry("neu")]})
    assert (result.presence, result.salience, result.n_blend) == (1.0, 0.0, 0)


def test_single_entry_for_a_blend_is_wrong_twice() -> None:
    result = bf.score({BLEND: [entry("hap")]})
    assert (result.presence, result.salience) == (0.0, 0.0)


def test_ratios_equal_numpy_mean_bit_for_bit() -> None:
    rng = np.random.default_rng(7)
    names = [f"A{100 + i}_ang_int1_ver1" for i in range(997)]
    right = rng.random(len(names)) < 0.37
    preds = {n: [entry("ang" if r else "sad")] for n, r in zip(names, right, strict=True)}
    assert bf.score(preds).presence == np.mean(right).item()


def test_score_is_a_small_frozen_record() -> None:
    result = bf.score({SINGLE: [entry("ang")], BLEND: [entry("ang", 30), entry("hap", 70)]})
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.presence = 0.0  # type: ignore[misc]
    assert result.as_dict() == {
        "presence": 1.0,
        "salience": 1.0,
        "mean": 1.0,
        "n": 2,
        "n_blend": 1,
        "presence_correct": 2,
        "salience_correct": 1,
    }
    assert repr(result) == "Score(presence=1.0000 [2/2], salience=1.0000 [1/1], mean=1.0000)"


def test_lenient_mode_counts_duplicates_and_unknown_codes_as_published() -> None:
    preds = {
        SINGLE: [entry("ang"), entry("ang")],  # duplicates collapse: right
        NEUTRAL: [entry("neutral")],  # unknown code: wrong
        BLEND: [entry("ang", 30), entry("hap", 70), entry("sad", 0)],  # three entries
        EVEN: [],  # empty: wrong
    }
    result = bf.score(preds, strict=False)
    assert (result.presence_correct, result.n, result.salience_correct) == (1, 4, 0)


def test_labels_without_prediction_are_left_out_when_lenient() -> None:
    labels = [SINGLE, BLEND]
    with pytest.warns(UserWarning, match="1 labelled clip"):
        result = bf.score({SINGLE: [entry("ang")]}, labels, strict=False)
    assert (result.n, result.presence) == (1, 1.0)


def test_encoded_predictions_are_scored_by_position() -> None:
    pred = bf.Encoded(
        mask=np.array([1, 0b1001], dtype=np.uint8),
        salience=np.array([[math.nan, math.nan], [30.0, 70.0]]),
    )
    assert pred.salience.tolist() == [[255, 255], [30, 70]]
    result = bf.score(pred, [SINGLE, BLEND])
    assert (result.presence, result.salience) == (1.0, 1.0)
    labels = bf.encode_labels([SINGLE, EVEN])
    assert bf.score(pred, labels).salience == 0.0
    with pytest.raises(ValueError, match="2 encoded predictions but 1 labels"):
        bf.score(pred, [SINGLE])


def test_encoded_rejects_misshapen_arrays() -> None:
    with pytest.raises(ValueError, match=r"salience \(N, 2\)"):
        bf.Encoded(np.zeros(3), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="whole percentages"):
        bf.Encoded(np.zeros(1), np.array([[30.5, 69.5]]))


def test_named_encoded_rows_are_matched_to_labels_by_name() -> None:
    # Pooled folds come in another order than the label table: named rows
    # must meet their own labels, as a dict's do, not the label in their row.
    import pandas as pd
    from blemore_fast import synthetic
    from blemore_fast.encoded import to_dict

    data = synthetic.make_dataset(seed=0)
    test = data.select("test")
    labels = data.clips[test]
    table = pd.DataFrame(data.probs["good"][test], columns=list(bf.EMOTIONS))
    table.insert(0, "filename", list(labels["filename"]))
    shuffled = table.sample(frac=1.0, random_state=0).reset_index(drop=True)
    named = bf.decode(shuffled, alpha=0.3, beta=0.1)
    assert named.names == tuple(shuffled["filename"])
    by_name = bf.score(to_dict(named), labels)
    assert bf.score(named, labels) == by_name
    assert bf.score(bf.decode(table, alpha=0.3, beta=0.1), labels) == by_name
    # Unnamed rows stay positional, so the shuffled ones meet other labels.
    unnamed = bf.decode(shuffled[list(bf.EMOTIONS)].to_numpy(), alpha=0.3, beta=0.1)
    assert bf.score(unnamed, labels) != by_name
