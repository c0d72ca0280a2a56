"""Submission files: round trips, atomic writes, and every problem listed."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import blemore_fast as bf
import numpy as np
import pytest
from blemore_fast import reference, submission

PREDS: dict[str, Any] = {
    "test_0001.mov": [{"emotion": "sad", "salience": 100.0}],
    "test_0002.mov": [{"emotion": "disg", "salience": 30}, {"emotion": "ang", "salience": 70}],
    "test_0003.mov": [{"emotion": "neu", "salience": 100.0}],
}


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "submission.json"
    assert bf.write_submission(PREDS, path) == path
    document = json.loads(path.read_text(encoding="utf-8"))
    assert list(document) == ["predictions"]
    assert document["predictions"] == PREDS
    assert bf.read_submission(path) == PREDS
    assert list(bf.read_submission(path)) == list(PREDS)  # order kept
    # the file is an ordinary readable file, not mkstemp's 0600
    assert path.stat().st_mode & 0o044
    assert not [p for p in tmp_path.iterdir() if p != path]  # no temporary left


def test_writes_the_template_format(tmp_path: Path, data_dir: Path) -> None:
    template = json.loads((data_dir / "submission_template.json").read_text())
    path = tmp_path / "out.json"
    bf.write_submission(template, path)
    assert json.loads(path.read_text()) == template
    assert bf.read_submission(path) == template["predictions"]


def test_numpy_saliences_and_encoded_predictions(tmp_path: Path) -> None:
    preds = {
        "c1": [
            {"emotion": "hap", "salience": np.float32(70)},
            {"emotion": "ang", "salience": np.int64(30)},
        ]
    }
    path = tmp_path / "s.json"
    bf.write_submission(preds, path)
    assert bf.read_submission(path) == {
        "c1": [{"emotion": "hap", "salience": 70.0}, {"emotion": "ang", "salience": 30}]
    }
    names = ["A1_ang_int1_ver1", "A1_mix_ang_hap_30_70_ver1"]
    encoded = bf.Encoded(
        np.array([1, 9], dtype=np.uint8),
        np.array([[255, 255], [30, 70]], dtype=np.uint8),
        names=tuple(names),
    )
    bf.write_submission(encoded, path)
    written = bf.read_submission(path)
    assert written == {
        names[0]: [{"emotion": "ang", "salience": 100.0}],
        names[1]: [{"emotion": "ang", "salience": 30.0}, {"emotion": "hap", "salience": 70.0}],
    }
    unwritable = bf.Encoded(
        np.array([9], dtype=np.uint8), np.array([[255, 255]], dtype=np.uint8), names=("c",)
    )
    with pytest.raises(bf.ValidationError, match="c: cannot be written"):
        bf.write_submission(unwritable, path)
    assert reference.score(written) == {
        "presence": 1.0,
        "salience": 1.0,
        "n": 2,
        "n_blend": 1,
        "presence_correct": 2,
        "salience_correct": 1,
    }


def test_invalid_predictions_write_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    bad = {
        "a": [{"emotion": "joy", "salience": 100}],
        "b": [{"emotion": "ang", "salience": float("nan")}],
        "c": [],
    }
    with pytest.raises(bf.ValidationError) as info:
        bf.write_submission(bad, path)
    messages = [str(p) for p in info.value.problems]
    assert any(m.startswith("a: unknown emotion code 'joy'") for m in messages)
    assert "b: entry 0: salience is NaN" in messages
    assert "c: the prediction list is empty" in messages
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.json"
    path.write_text("old contents")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        bf.write_submission(PREDS, path)
    assert path.read_text() == "old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]  # temporary removed


def test_interrupted_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.json"

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        bf.write_submission(PREDS, path)
    assert list(tmp_path.iterdir()) == []


def test_bad_paths(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        bf.write_submission(PREDS, tmp_path / "missing" / "s.json")
    with pytest.raises(ValueError, match="directory"):
        bf.write_submission(PREDS, tmp_path)


def test_coverage_against_labels_and_names(tmp_path: Path) -> None:
    names = ["A1_ang_int1_ver1", "A1_hap_int1_ver1"]
    preds = {
        names[0]: [{"emotion": "ang", "salience": 100}],
        "A1_sad_int1_ver1": [{"emotion": "sad", "salience": 100}],
    }
    problems = bf.check_submission(preds, names, require_wrapper=False)
    assert {str(p) for p in problems} == {
        "A1_sad_int1_ver1: prediction for a clip that has no label",
        "A1_hap_int1_ver1: label has no prediction",
    }
    problems = bf.check_submission(preds, expected=names, require_wrapper=False)
    assert {str(p) for p in problems} == {
        "A1_sad_int1_ver1: clip is not in the expected names (did you mean 'A1_hap_int1_ver1'?)",
        "A1_hap_int1_ver1: expected clip has no prediction (misspelt as 'A1_sad_int1_ver1'?)",
    }
    with pytest.raises(bf.ValidationError, match="expected clip has no prediction"):
        bf.write_submission(preds, tmp_path / "s.json", names=names)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="labels or expected, not both"):
        bf.check_submission(preds, names, expected=names)
    with pytest.raises(TypeError, match="not a single str"):
        bf.check_submission(preds, expected="A1_ang_int1_ver1")


def test_check_submission_checks_the_upload_form_by_default() -> None:
    """Issue 19 item 5: a bare dict was "ready", and validate refused it."""
    bare = {"A1_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]}
    assert [p.kind for p in bf.check_submission(bare)] == ["missing_wrapper"]
    assert bf.check_submission(bare, require_wrapper=False) == []
    assert bf.check_submission({"predictions": bare}, expected=list(bare)) == []
    # The old keyword still works, with a warning naming the new one.
    with pytest.warns(DeprecationWarning, match="now expected="):
        problems = bf.check_submission({"predictions": bare}, names=["A1_hap_int1_ver1"])
    assert [p.kind for p in problems] == ["unexpected_clip", "missing_clip"]
    with pytest.raises(TypeError, match="give expected= alone"):
        bf.check_submission(bare, expected=list(bare), names=list(bare))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty; expected JSON"),
        (b'{"predictions": {"c": [{"emotion": "ang", "salience": 10', "is not valid JSON"),
        (b'{"predictions": {"c": [{"emotion": "\xff"}]}}', "is not UTF-8 text (byte"),
        (
            b'{"preds": {"c": [{"emotion": "ang", "salience": 100}]}}',
            "unexpected top-level key 'preds'",
        ),
        (b"[1, 2]", "holds a JSON list"),
        (b'{"predictions": {}}', "no predictions"),
        (b'{"predictions": {"c": [{"emotion": "ang", "salience": NaN}]}}', "salience is NaN"),
    ],
)
def test_read_errors_name_the_problem(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(content)
    with pytest.raises(bf.ValidationError, match=re.escape(message)):
        bf.read_submission(path)
    if message != "holds a JSON list":
        assert any(message in str(p) for p in bf.check_submission(path))


def test_read_without_validation_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"predictions": {"c": [{"emotion": "joy", "salience": 100}]}}')
    assert submission.read_submission(path, validate=False) == {
        "c": [{"emotion": "joy", "salience": 100}]
    }
    with pytest.raises(bf.ValidationError, match="cannot read"):
        bf.read_submission(tmp_path / "absent.json")
    assert bf.check_submission(path)[0].clip == "c"
    (tmp_path / "list.json").write_text("[1, 2]")
    assert "holds a JSON array; a submission is" in str(
        bf.check_submission(tmp_path / "list.json")[0]
    )


def test_atomic_write_text(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    submission.atomic_write_text(target, "é")
    assert target.read_text(encoding="utf-8") == "é"
