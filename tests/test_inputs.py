"""Every accepted form of predictions and labels gives the same score."""

from __future__ import annotations

import json
from pathlib import Path

import blemore_fast as bf
import numpy as np
import pandas as pd
import pytest

PREDS = {
    "A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100.0}],
    "A303_neu_sit2_ver1": [{"emotion": "sad", "salience": 100.0}],
    "A411_mix_ang_hap_30_70_ver1": [
        {"emotion": "ang", "salience": 30},
        {"emotion": "hap", "salience": 70},
    ],
    "A412_mix_disg_sad_50_50_ver2": [
        {"emotion": "disg", "salience": 70},
        {"emotion": "sad", "salience": 30},
    ],
}
NAMES = list(PREDS)
# Worked out by hand: presence 3/4 (neutral clip wrong); salience 1/2.
EXPECTED = bf.Score(0.75, 0.5, 4, 2, 3, 1)

METADATA = pd.DataFrame(
    {
        "filename": NAMES,
        "emotion_1": ["ang", "neu", "ang", "disg"],
        "emotion_2": [np.nan, np.nan, "hap", "sad"],
        "emotion_1_salience": [np.nan, np.nan, 30.0, 50.0],
        "emotion_2_salience": [np.nan, np.nan, 70.0, 50.0],
        "actor": ["A102", "A303", "A411", "A412"],
    }
)


def long_frame() -> pd.DataFrame:
    rows = [(n, e["emotion"], e["salience"]) for n, entries in PREDS.items() for e in entries]
    return pd.DataFrame(rows, columns=["filename", "emotion", "salience"])


def test_prediction_forms(tmp_path: Path) -> None:
    submission = {"predictions": PREDS}
    path = tmp_path / "preds.json"
    path.write_text(json.dumps(submission))
    for preds in (PREDS, submission, path, str(path), long_frame()):
        assert bf.score(preds) == EXPECTED


def test_label_forms(tmp_path: Path) -> None:
    csv = tmp_path / "meta.csv"
    METADATA.to_csv(csv, index=False)
    names_only = tmp_path / "clips.csv"
    pd.DataFrame({"filename": NAMES, "actor": ["A102", "A303", "A411", "A412"]}).to_csv(
        names_only, index=False
    )
    label_json = tmp_path / "labels.json"
    label_json.write_text(json.dumps(bf.labels_from_filenames(NAMES)))
    forms = [
        None,
        NAMES,
        tuple(NAMES),
        np.array(NAMES),
        pd.Series(NAMES),
        bf.labels_from_filenames(NAMES),
        METADATA,
        csv,
        names_only,
        label_json,
    ]
    for labels in forms:
        assert bf.score(PREDS, labels) == EXPECTED, labels


def test_metadata_columns_are_kept_for_later_use() -> None:
    aligned = bf.align(PREDS, METADATA)
    assert aligned.names == tuple(NAMES)
    assert aligned.metadata is not None
    assert aligned.metadata["actor"].tolist() == ["A102", "A303", "A411", "A412"]
    assert aligned.outcomes().tolist() == [0, 1, 4, 3]


def test_encode_labels_keeps_order_and_names() -> None:
    labels = bf.encode_labels(list(reversed(NAMES)))
    assert labels.names == tuple(reversed(NAMES))
    assert labels.mask.tolist() == [0b10010, 0b1001, 0b100000, 0b1]
    assert labels.salience.tolist() == [[50, 50], [30, 70], [255, 255], [255, 255]]


def test_names_with_extensions_are_labels_too() -> None:
    preds = {f"{name}.mp4": entries for name, entries in PREDS.items()}
    assert bf.score(preds) == EXPECTED


@pytest.mark.parametrize("bad", [["A102_ang_int1_ver1", "A102_ang_int1_ver1"]])
def test_duplicate_label_names_are_reported(bad: list[str]) -> None:
    with pytest.raises(bf.ValidationError, match="listed twice"):
        bf.score({"A102_ang_int1_ver1": PREDS["A102_ang_int1_ver1"]}, bad)


def test_a_clip_with_two_rows_in_a_label_table_is_reported() -> None:
    # Without the check the second row silently replaced the first one's label.
    table = pd.concat([METADATA, METADATA.iloc[[0]].assign(emotion_1="hap")], ignore_index=True)
    with pytest.raises(bf.ValidationError) as caught:
        bf.score(PREDS, table)
    assert [(p.clip, p.kind, p.message) for p in caught.value.problems] == [
        ("A102_ang_int1_ver1", "duplicate_row", "row 4: the clip already has row 0")
    ]
