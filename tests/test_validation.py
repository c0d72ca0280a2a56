"""Every validation problem, with its message; strict by default, lenient on request."""

from __future__ import annotations

import json
import math
from pathlib import Path

import blemore_fast as bf
import pandas as pd
import pytest

SINGLE = "A102_ang_int1_ver1"
BLEND = "A411_mix_ang_hap_30_70_ver1"


def entry(emotion: object, salience: object = 100.0) -> dict[str, object]:
    return {"emotion": emotion, "salience": salience}


def problems_of(preds: object, labels: object = None, **kwargs: object) -> list[str]:
    with pytest.raises(bf.ValidationError) as caught:
        bf.score(preds, labels, **kwargs)  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([entry("happy")], "unknown emotion code 'happy' (did you mean 'hap'?)"),
        ([entry("Anger")], "unknown emotion code 'Anger' (did you mean 'ang'?)"),
        ([entry("zzz")], "unknown emotion code 'zzz' (valid: ang, disg, fea, hap, sad, neu)"),
        ([entry(3)], "entry 0: emotion should be a code such as 'ang', got int 3"),
        ([{"salience": 100}], "entry 0 has no 'emotion' key"),
        ([{"emotion": "ang"}], "entry 0 has no 'salience' key"),
        ([entry("ang", "high")], "entry 0: salience 'high' is not a number"),
        (
            [entry("ang", [100])],
            "entry 0: salience should be a number or numeric string, got list [100]",
        ),
        ([entry("ang", True)], "entry 0: salience should be a number, got the bool True"),
        ([entry("ang", math.nan)], "entry 0: salience is NaN"),
        ([entry("ang", math.inf)], "entry 0: salience is infinite"),
        ([entry("ang", -5)], "entry 0: salience -5 is negative"),
        ([], "the prediction list is empty"),
        (
            [entry("ang", 30), entry("hap", 30), entry("sad", 40)],
            "3 entries; a clip has one emotion or a blend of two",
        ),
        ([entry("ang", 50), entry("ang", 50)], "emotion 'ang' appears twice"),
        ("ang", 'expected a list of {"emotion", "salience"} entries, got str \'ang\''),
        (["ang"], "entry 0 is str 'ang', not a dict with 'emotion' and 'salience'"),
    ],
)
def test_each_problem_has_a_clear_message(entries: object, message: str) -> None:
    assert problems_of({SINGLE: entries}) == [f"{SINGLE}: {message}"]


def test_every_problem_is_listed_not_just_the_first() -> None:
    preds = {
        SINGLE: [entry("happy")],
        BLEND: [entry("ang", math.nan), {"emotion": "hap"}],
        "test_0001.mov": [entry("ang")],
    }
    found = problems_of(preds)
    assert found[:3] == [
        f"{SINGLE}: unknown emotion code 'happy' (did you mean 'hap'?)",
        f"{BLEND}: entry 0: salience is NaN",
        f"{BLEND}: entry 1 has no 'salience' key",
    ]
    assert found[3].startswith("test_0001.mov: cannot read a label from this clip name")
    assert "A411_mix_ang_hap_30_70_ver1" in found[3]  # shows the expected shapes
    assert len(found) == 4


def test_message_shows_twenty_then_how_many_more() -> None:
    preds = {f"A{100 + i}_ang_int1_ver1": [entry("joy")] for i in range(25)}
    with pytest.raises(bf.ValidationError) as caught:
        bf.score(preds)
    message = str(caught.value)
    assert message.startswith("25 problems in the predictions:")
    assert message.count("unknown emotion code 'joy' (did you mean 'hap'?)") == 20
    assert message.endswith("... and 5 more (see .problems)")
    assert len(caught.value.problems) == 25
    assert caught.value.problems[24].clip == "A124_ang_int1_ver1"


def test_predictions_and_labels_must_match() -> None:
    labels = {SINGLE: [entry("ang")], "A103_sad_int2_ver1": [entry("sad")]}
    preds = {SINGLE: [entry("ang")], "A999_fea_int1_ver1": [entry("fea")]}
    assert problems_of(preds, labels) == [
        "A999_fea_int1_ver1: prediction for a clip that has no label",
        "A103_sad_int2_ver1: label has no prediction",
    ]
    # Lenient mode drops unpredicted labels but cannot score an unlabelled clip.
    assert problems_of(preds, labels, strict=False) == [
        "A999_fea_int1_ver1: prediction for a clip that has no label"
    ]


def test_label_problems_are_errors_in_every_mode() -> None:
    labels = {
        SINGLE: [entry("angry")],
        BLEND: [entry("ang", "x"), entry("hap", 70)],
        "A1_fea_int1_ver1": [],
    }
    expected = [
        f"{SINGLE}: label: unknown emotion code 'angry' (did you mean 'ang'?)",
        f"{BLEND}: label: entry 0: salience 'x' is not a number",
        "A1_fea_int1_ver1: label: the prediction list is empty",
    ]
    preds = {SINGLE: [entry("ang")]}
    for strict in (True, False):
        assert problems_of(preds, labels, strict=strict)[:3] == expected


def test_malformed_filenames_name_the_clip_and_the_shapes() -> None:
    for name in ["A102_happy_int1_ver1", "A102_ang_int1", "A411_mix_ang_hap_30_60_ver1"]:
        (found,) = problems_of({name: [entry("ang")]}, strict=False)
        assert found.startswith(f"{name}: cannot read a label from this clip name")
        assert "expected <actor>_<emotion>_int<k>_ver<v> (A102_ang_int1_ver1)" in found
    with pytest.raises(ValueError, match="'x_y' is not a BlEmoRe clip name"):
        bf.parse_filename("x_y")


def test_metadata_rows_are_checked(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "filename": [SINGLE, BLEND, "A5_fea_int1_ver1", None],
            "emotion_1": ["ang", "ang", None, "sad"],
            "emotion_2": [None, "hap", None, None],
            "emotion_1_salience": [None, 30, None, None],
            "emotion_2_salience": [None, None, None, None],
        }
    )
    assert problems_of({SINGLE: [entry("ang")]}, frame) == [
        f"{BLEND}: row 1: a blend needs emotion_1_salience and emotion_2_salience",
        "A5_fea_int1_ver1: row 2: emotion_1 is empty",
        "row 3: filename is empty",
    ]
    with pytest.raises(bf.ValidationError, match="missing column"):
        bf.score(
            {SINGLE: [entry("ang")]}, pd.DataFrame({"filename": [SINGLE], "emotion_1": ["ang"]})
        )


def test_unreadable_json_gives_path_line_and_column(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"predictions": {\n  "A102_ang_int1_ver1": [\n')
    with pytest.raises(
        bf.ValidationError, match=r"broken.json is not valid JSON: .* line 3, column 1"
    ):
        bf.score(broken)
    empty = tmp_path / "empty.json"
    empty.write_text("")
    with pytest.raises(bf.ValidationError, match="empty.json is empty"):
        bf.score(empty)
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"caf\xe9": []}'.encode("latin-1"))
    with pytest.raises(bf.ValidationError, match="latin.json is not UTF-8"):
        bf.score(latin)
    with pytest.raises(bf.ValidationError, match="cannot read .*missing.json"):
        bf.score(tmp_path / "missing.json")


def test_wrong_top_level_key_is_named() -> None:
    with pytest.raises(bf.ValidationError, match="unexpected top-level key 'prediction'"):
        bf.score({"prediction": {SINGLE: [entry("ang")]}})


def test_fraction_saliences_warn_but_score() -> None:
    preds = {BLEND: [entry("ang", 0.3), entry("hap", 0.7)]}
    with pytest.warns(
        UserWarning, match=r"1 two-emotion prediction\(s\) have saliences that add up to about 1"
    ):
        result = bf.score(preds)
    assert (result.presence, result.salience) == (1.0, 0.0)


def test_wrong_argument_types_are_type_errors() -> None:
    with pytest.raises(TypeError, match="preds must be"):
        bf.score(42)
    with pytest.raises(TypeError, match="labels must be"):
        bf.score({SINGLE: [entry("ang")]}, 42)


def test_json_round_trip_of_a_submission(tmp_path: Path) -> None:
    path = tmp_path / "submission.json"
    path.write_text(
        json.dumps(
            {"predictions": {SINGLE: [entry("ang")], BLEND: [entry("ang", 30), entry("hap", 70)]}}
        )
    )
    assert bf.score(path).as_dict()["mean"] == 1.0
    assert bf.score(str(path)).n == 2
