"""Every problem carries a stable kind, one of `blemore_fast.PROBLEM_KINDS`, so
that programs branch on the kind and never on the message's wording. The
native core declares the kinds it finds in entries (`_core.PROBLEM_KINDS`);
the Python layer adds those of files, tables and manifests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import blemore_fast as bf
import numpy as np
import pytest
from blemore_fast import _core  # the native module's constants are what these tests check

ANG = "A102_ang_int1_ver1"
BLEND = "A411_mix_ang_hap_30_70_ver1"


def _entry(emotion: Any, salience: Any) -> dict[str, Any]:
    return {"emotion": emotion, "salience": salience}


# (kind, predictions, labels): each input has exactly one problem.
CASES = [
    ("not_a_list", {ANG: "ang"}, None),
    ("entry_not_mapping", {ANG: [["ang", 100]]}, None),
    ("missing_emotion", {ANG: [{"salience": 100}]}, None),
    ("emotion_not_string", {ANG: [_entry(3, 100)]}, None),
    ("unknown_emotion", {ANG: [_entry("happy", 100)]}, None),
    ("repeated_emotion", {BLEND: [_entry("ang", 30), _entry("ang", 70)]}, None),
    ("empty_prediction", {ANG: []}, None),
    ("too_many_entries", {ANG: [_entry("ang", 50), _entry("hap", 30), _entry("sad", 20)]}, None),
    ("missing_salience", {BLEND: [_entry("ang", 30), {"emotion": "hap"}]}, None),
    ("salience_not_number", {BLEND: [_entry("ang", "thirty"), _entry("hap", 70)]}, None),
    ("salience_too_large", {BLEND: [_entry("ang", 10**400), _entry("hap", 70)]}, None),
    ("salience_nan", {BLEND: [_entry("ang", float("nan")), _entry("hap", 70)]}, None),
    ("salience_infinite", {BLEND: [_entry("ang", float("inf")), _entry("hap", 70)]}, None),
    ("salience_negative", {BLEND: [_entry("ang", -30), _entry("hap", 70)]}, None),
    ("salience_above_100", {BLEND: [_entry("ang", 30), _entry("hap", 170)]}, None),
    ("clip_name_not_string", {3: [_entry("ang", 100)]}, {}),
    ("bad_clip_name", {"clip_0001.mp4": [_entry("ang", 100)]}, None),
    ("unlabelled_prediction", {ANG: [_entry("ang", 100)]}, []),
    ("missing_prediction", {ANG: [_entry("ang", 100)]}, [ANG, BLEND]),
    ("duplicate_label", {ANG: [_entry("ang", 100)]}, [ANG, ANG]),
]


@pytest.mark.parametrize(("kind", "preds", "labels"), CASES, ids=[c[0] for c in CASES])
def test_each_problem_has_its_kind(kind: str, preds: dict[Any, Any], labels: Any) -> None:
    with pytest.raises(bf.ValidationError) as caught:
        bf.score(preds, labels, strict=True)
    assert [p.kind for p in caught.value.problems] == [kind]


def test_the_cases_cover_every_native_kind() -> None:
    assert sorted(c[0] for c in CASES) == sorted(_core.PROBLEM_KINDS)
    assert len(set(_core.PROBLEM_KINDS)) == len(_core.PROBLEM_KINDS)


def test_label_problems_keep_their_kind_and_say_label() -> None:
    with pytest.raises(bf.ValidationError) as caught:
        bf.score({ANG: [_entry("ang", 100)]}, {ANG: [_entry("angry", 100)]})
    label, prediction = caught.value.problems
    assert (label.clip, label.kind) == (ANG, "unknown_emotion")
    assert label.message.startswith("label: unknown emotion code 'angry'")
    # Without a valid label, the prediction has none.
    assert (prediction.clip, prediction.kind) == (ANG, "unlabelled_prediction")


def test_lenient_mode_keeps_only_what_the_published_scorer_rejects() -> None:
    # An unknown code is scored as wrong leniently; an unreadable list is not.
    preds = {ANG: [_entry("happy", 100)], BLEND: [["ang", 30]]}
    with pytest.raises(bf.ValidationError) as caught:
        bf.score(preds, strict=False)
    assert [(p.clip, p.kind) for p in caught.value.problems] == [(BLEND, "entry_not_mapping")]


def test_every_problem_has_a_registered_kind() -> None:
    problem = bf.Problem("clip", "why", kind="missing_clip")
    assert str(problem) == "clip: why"
    with pytest.raises(TypeError):
        bf.Problem("clip", "why")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="unknown problem kind 'typo'"):
        bf.Problem("clip", "why", kind="typo")
    # The registry holds the core's kinds and the Python layer's, each once.
    assert set(_core.PROBLEM_KINDS) <= set(bf.PROBLEM_KINDS)
    assert all(meaning.endswith(".") for meaning in bf.PROBLEM_KINDS.values())


# Problems found in Python: (kind, file content, how to read it).
FILE_CASES = [
    ("empty_file", b"  \n", "json"),
    ("not_utf8", b'{"a": "\xff"}', "json"),
    ("invalid_json", b'{"predictions": {', "json"),
    ("not_a_submission", b'{"preds": {"A102_ang_int1_ver1": []}}', "json"),
    ("missing_column", b"name,emotion_1\nA102_ang_int1_ver1,ang\n", "labels"),
    (
        "bad_label_row",
        b"filename,emotion_1,emotion_2,emotion_1_salience,emotion_2_salience\n"
        b"A102_ang_int1_ver1,,,,\n",
        "labels",
    ),
]


@pytest.mark.parametrize(("kind", "content", "how"), FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_file_problems_have_their_kind(tmp_path, kind: str, content: bytes, how: str) -> None:
    path = tmp_path / ("f.json" if how == "json" else "f.csv")
    path.write_bytes(content)
    with pytest.raises(bf.ValidationError) as caught:
        if how == "json":
            bf.score(path)
        else:
            bf.score({ANG: [_entry("ang", 100)]}, path)
    assert [p.kind for p in caught.value.problems] == [kind]
    with pytest.raises(bf.ValidationError) as caught:
        bf.score(tmp_path / "missing.json")
    assert [p.kind for p in caught.value.problems] == ["file_unreadable"]


def test_the_docs_list_every_kind() -> None:
    page = Path(__file__).resolve().parents[1] / "docs" / "participants" / "scoring.md"
    text = page.read_text(encoding="utf-8")
    for kind, meaning in bf.PROBLEM_KINDS.items():
        assert f"| `{kind}` | {meaning} |" in text, kind


def test_the_cell_tables_are_the_metrics() -> None:
    # The core's tables reproduce Score's presence and salience from counts.
    assert tuple(bf.CELLS) == _core.CELLS
    rng = np.random.default_rng(3)
    for _ in range(20):
        cells = rng.integers(0, 50, len(_core.CELLS))
        score = bf.Score.from_cells(cells)
        n_blend = cells[list(_core.BLEND_CELLS)].sum()
        assert score.presence == cells[list(_core.PRESENCE_RIGHT_CELLS)].sum() / cells.sum()
        assert score.salience == (cells[_core.SALIENCE_RIGHT_CELL] / n_blend if n_blend else 0.0)
    assert _core.NO_SALIENCE == 255
