"""Strict submissions and labels (issue 13, items 2, 3, 4 and parts of 7).

A file that would fail upload must fail ``validate``; a key given twice in a
JSON object, or a clip given two rows in a label table, is an error naming
the clip (a parser would keep the last one without a word); an empty
submission is an error, never 0.0. Checked in the Python API and in the
installed command, on real files.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import blemore_fast as bf
import numpy as np
import pandas as pd
import pytest
from blemore_fast import reference
from cli_support import cli, failed, ok

ANG = "A101_ang_int1_ver1"
BLEND = "A101_mix_ang_hap_70_30_ver1"
PREDS: dict[str, Any] = {
    ANG: [{"emotion": "ang", "salience": 100}],
    BLEND: [{"emotion": "ang", "salience": 70}, {"emotion": "hap", "salience": 30}],
}
# The same clip as `ang`, then as `sad`: json.load keeps `sad`.
DUPLICATE_CLIP = (
    '{"predictions": {\n'
    '  "A101_ang_int1_ver1": [{"emotion": "ang", "salience": 100}],\n'
    '  "A101_ang_int1_ver1": [{"emotion": "sad", "salience": 100}]\n'
    "}}"
)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _kinds(error: pytest.ExceptionInfo[bf.ValidationError]) -> list[tuple[str | None, str]]:
    return [(p.clip, p.kind) for p in error.value.problems]


# --- item 2: what the upload refuses, validate refuses


def test_validate_requires_the_wrapper(tmp_path: Path) -> None:
    """Item 2: a bare prediction dict passed validate, even with --manifest."""
    bare = _write(tmp_path / "bare.json", json.dumps(PREDS))
    manifest = _write(tmp_path / "names.txt", f"{ANG}\n{BLEND}\n")
    for extra in ([], ["--manifest", manifest]):
        run = failed(cli("validate", bare, *extra, cwd=tmp_path))
        assert 'the file is not wrapped as {"predictions": {clip: [entries]}}' in run.out
    document = failed(cli("validate", bare, "--json", cwd=tmp_path)).json()
    assert [p["kind"] for p in document["problems"]] == ["missing_wrapper"]
    assert [p.kind for p in bf.check_submission(bare, require_wrapper=True)] == ["missing_wrapper"]
    # The Python API still scores a bare dict, as the published functions take one.
    assert bf.score(PREDS) == bf.score({"predictions": PREDS})
    assert bf.score(bare).n == 2
    wrapped = _write(tmp_path / "wrapped.json", json.dumps({"predictions": PREDS}))
    assert ok(cli("validate", wrapped, "--manifest", manifest, cwd=tmp_path)).out.startswith(
        f"{wrapped}: OK, 2 predictions"
    )


def test_extra_top_level_keys(tmp_path: Path) -> None:
    """Item 2: extra top-level keys were accepted silently; now a warning when
    scoring and an error in validate."""
    path = _write(tmp_path / "extra.json", json.dumps({"predictions": PREDS, "team": "x"}))
    run = failed(cli("validate", path, cwd=tmp_path))
    assert run.out.splitlines()[0] == f"{path}: 1 problem"
    assert "top-level key 'team' besides 'predictions'" in run.out
    assert [p.kind for p in bf.check_submission(path)] == ["extra_top_level_key"]
    run = ok(cli("score", path, "--json", cwd=tmp_path))
    assert "warning:" in run.err and "'team'" in run.err and "ignored" in run.err
    with pytest.warns(UserWarning, match="top-level key 'team' besides 'predictions' is ignored"):
        assert bf.score(path).n == 2


def test_duplicate_clip_is_an_error_naming_it(tmp_path: Path) -> None:
    """Item 2: a clip given as `ang` then `sad` scored as `sad`, silently."""
    path = _write(tmp_path / "dup.json", DUPLICATE_CLIP)
    with pytest.raises(bf.ValidationError) as info:
        bf.score(path)
    assert _kinds(info) == [(ANG, "duplicate_clip")]
    assert str(info.value.problems[0]).startswith(f"{ANG}: appears 2 times in {path}")
    with pytest.raises(bf.ValidationError):
        bf.read_submission(path)
    assert [(p.clip, p.kind) for p in bf.check_submission(path)] == [(ANG, "duplicate_clip")]
    for command in ("score", "validate"):
        run = failed(cli(command, path, cwd=tmp_path))
        assert f"{ANG}: appears 2 times" in run.out + run.err


def test_duplicate_keys_in_every_json_reader(tmp_path: Path) -> None:
    """Item 2: label JSON, manifests and keys inside an entry are read with
    the same check."""
    submission = _write(tmp_path / "s.json", json.dumps({"predictions": PREDS}))
    labels = _write(
        tmp_path / "labels.json",
        '{"A101_ang_int1_ver1": [{"emotion": "ang", "salience": 1}],'
        ' "A101_ang_int1_ver1": [{"emotion": "sad", "salience": 1}]}',
    )
    with pytest.raises(bf.ValidationError) as info:
        bf.score(PREDS, labels)
    assert _kinds(info) == [(ANG, "duplicate_clip")]
    run = failed(cli("score", submission, "--labels", labels, cwd=tmp_path))
    assert f"{ANG}: appears 2 times in {labels}" in run.err
    manifest = _write(
        tmp_path / "template.json",
        '{"predictions": {"A101_ang_int1_ver1": [], "A101_ang_int1_ver1": []}}',
    )
    run = failed(cli("validate", submission, "--manifest", manifest, cwd=tmp_path))
    assert f"{ANG}: appears 2 times in {manifest}" in run.err
    entry = _write(
        tmp_path / "entry.json",
        '{"predictions": {"A101_ang_int1_ver1": [{"emotion": "ang", "emotion": "sad",'
        ' "salience": 100}]}}',
    )
    assert [(p.clip, p.kind, p.message) for p in bf.check_submission(entry)] == [
        (ANG, "duplicate_key", "entry 0 has the key 'emotion' 2 times")
    ]
    wrapper = _write(tmp_path / "wrapper.json", '{"predictions": {}, "predictions": {}}')
    assert [(p.clip, p.kind) for p in bf.check_submission(wrapper)] == [(None, "duplicate_key")]


# --- item 3: a clip with two rows in a label table


def _label_table(rows: list[tuple[str, str, Any, Any, Any]]) -> pd.DataFrame:
    columns = ["filename", "emotion_1", "emotion_2", "emotion_1_salience", "emotion_2_salience"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["actor"] = "A101"
    return frame


CONFLICTING = _label_table(
    [
        (ANG, "ang", None, None, None),
        (BLEND, "ang", "hap", 70, 30),
        (ANG, "sad", None, None, None),  # the last row wins in a dict
    ]
)


def test_conflicting_label_rows_are_an_error(tmp_path: Path) -> None:
    """Item 3: `score` returned a silently wrong number (the last row won),
    `bootstrap` raised a raw pandas error, and the command said "cannot
    reindex on an axis with duplicate labels" without the clip."""
    with pytest.raises(bf.ValidationError) as info:
        bf.score(PREDS, CONFLICTING)
    assert _kinds(info) == [(ANG, "duplicate_row")]
    assert f"{ANG}: row 2: the clip already has row 0" in str(info.value)
    with pytest.raises(bf.ValidationError, match="the clip already has row 0"):
        bf.bootstrap(PREDS, CONFLICTING, n_resamples=1000, seed=1)
    path = tmp_path / "labels.csv"
    CONFLICTING.to_csv(path, index=False)
    submission = _write(tmp_path / "s.json", json.dumps({"predictions": PREDS}))
    for args in (("score",), ("score", "--bootstrap", "1000"), ("report", "--bootstrap", "0")):
        run = failed(cli(*args, submission, "--labels", path, cwd=tmp_path))
        assert f"{ANG}: row 2: the clip already has row 0" in run.err
        assert "reindex" not in run.err


def test_repeated_identical_rows_are_an_error(tmp_path: Path) -> None:
    """Item 3: the same row twice, in a label table or in a names-only table
    such as clips.csv (where the actor-level bootstrap failed on the index)."""
    twice = _label_table(
        [
            (ANG, "ang", None, None, None),
            (BLEND, "ang", "hap", 70, 30),
            (ANG, "ang", None, None, None),
        ]
    )
    with pytest.raises(bf.ValidationError) as info:
        bf.score(PREDS, twice)
    assert _kinds(info) == [(ANG, "duplicate_row")]
    clips = pd.DataFrame({"filename": [ANG, BLEND, BLEND], "actor": ["A101"] * 3})
    with pytest.raises(bf.ValidationError) as info:
        bf.bootstrap(PREDS, clips, n_resamples=1000, seed=1, cluster="actor")
    assert _kinds(info) == [(BLEND, "duplicate_label")]


def test_label_contradicting_the_clip_name_is_flagged() -> None:
    """Item 7: a label row with saliences 65/30 on a `_70_30_` clip was not flagged."""
    table = _label_table([(ANG, "ang", None, None, None), (BLEND, "ang", "hap", 65, 30)])
    with pytest.raises(bf.ValidationError) as info:
        bf.score(PREDS, table)
    assert _kinds(info) == [(BLEND, "label_contradicts_name")]
    assert str(info.value.problems[0]) == (
        f"{BLEND}: row 1: the table says ang 65 + hap 30, the clip name says ang 70 + hap 30"
    )
    # The same saliences in the other column order agree with the name.
    swapped = _label_table([(ANG, "ang", None, None, None), (BLEND, "hap", "ang", 30, 70)])
    assert bf.score(PREDS, swapped) == bf.score(PREDS)
    # Names outside the scheme carry no label to contradict.
    anonymous = _label_table([("test_0001.mov", "ang", "hap", 65, 30)])
    preds = {"test_0001.mov": PREDS[BLEND]}
    assert bf.score(preds, anonymous).presence == 1.0


# --- item 4: an empty submission


@pytest.mark.parametrize("document", [{"predictions": {}}, {}])
def test_empty_submission_is_an_error(tmp_path: Path, document: dict[str, Any]) -> None:
    """Item 4: an empty submission scored 0.0 with exit 0, in the command and in bf.score."""
    with pytest.raises(bf.ValidationError) as info:
        bf.score(document)
    assert [p.kind for p in info.value.problems] == ["empty_submission"]
    with pytest.raises(bf.ValidationError, match="no predictions"):
        bf.bootstrap(document, n_resamples=1000)
    path = _write(tmp_path / "empty.json", json.dumps(document))
    run = failed(cli("score", path, cwd=tmp_path))
    assert "the submission has no predictions" in run.err and run.out == ""
    assert "empty_submission" in [p.kind for p in bf.check_submission(path)]
    failed(cli("validate", path, cwd=tmp_path))
    with pytest.raises(bf.ValidationError, match="no predictions"):
        bf.score(pd.DataFrame(columns=["filename", "emotion", "salience"]))


# --- item 7: file messages


def test_unterminated_string_position_reads_well(tmp_path: Path) -> None:
    """Item 7: "Unterminated string starting at at line 9"."""
    path = _write(tmp_path / "cut.json", '{"predictions": {\n  "A101_ang_int1_ver1": [{"emo')
    run = failed(cli("score", path, cwd=tmp_path))
    assert "Unterminated string starting at line 2, column 27" in run.err
    assert "at at" not in run.err
    with pytest.raises(bf.ValidationError, match="Expecting ',' delimiter at line 1"):
        bf.score(_write(tmp_path / "comma.json", '{"a": [1 2]}'))


def test_validate_on_a_csv_says_what_the_upload_needs(tmp_path: Path) -> None:
    """Item 7: `validate` on a CSV said "not valid JSON", although `score` accepts CSVs."""
    rows = [(n, e["emotion"], e["salience"]) for n, es in PREDS.items() for e in es]
    path = tmp_path / "long.csv"
    pd.DataFrame(rows, columns=["filename", "emotion", "salience"]).to_csv(path, index=False)
    assert ok(cli("score", path, "--json", cwd=tmp_path)).json()["n"] == 2
    run = failed(cli("validate", path, cwd=tmp_path))
    assert "not valid JSON" not in run.out
    assert f"{path} is a CSV table; the upload is a JSON submission" in run.out
    assert "blemore-fast decode" in run.out


def _probs_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_duplicated_and_extra_class_columns(tmp_path: Path) -> None:
    """Item 7: a duplicated `neu` column, or a 7th class column, was silently ignored."""
    row = f"{ANG},0.5,0.1,0.1,0.1,0.1,0.1"
    twice = _probs_csv(
        tmp_path / "twice.csv", "filename,ang,disg,fea,hap,sad,neu,neu", [row + ",0.2"]
    )
    with pytest.raises(bf.ValidationError) as info:
        bf.read_probs(twice)
    assert [p.kind for p in info.value.problems] == ["duplicate_column"]
    run = failed(cli("grid", twice, cwd=tmp_path))
    assert "column(s) neu appear more than once" in run.err
    seventh = _probs_csv(
        tmp_path / "seventh.csv",
        "filename,ang,disg,fea,hap,sad,neu,sur,fold",
        [f"{ANG},0.4,0.1,0.1,0.1,0.05,0.05,0.2,3"],
    )
    with pytest.warns(UserWarning, match=r"column\(s\) 'sur' hold scores but are not one of"):
        table = bf.read_probs(seventh)
    np.testing.assert_array_equal(table.probs, [[0.4, 0.1, 0.1, 0.1, 0.05, 0.05]])
    run = ok(cli("decode", seventh, "--alpha", "0.3", "--beta", "0.1", "-o", "-", cwd=tmp_path))
    assert "warning:" in run.err and "'sur'" in run.err and "'fold'" not in run.err
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # whole-number columns (a fold, an index) are quiet
        plain = _probs_csv(
            tmp_path / "plain.csv", "filename,ang,disg,fea,hap,sad,neu,fold", [row + ",3"]
        )
        assert len(bf.read_probs(plain)) == 1


def test_reference_agrees_on_the_strict_files(tmp_path: Path) -> None:
    """What the strict reader accepts scores exactly as the published code."""
    path = _write(tmp_path / "s.json", json.dumps({"predictions": PREDS}))
    expected = reference.score(PREDS)
    scored = bf.score(path).as_dict()
    assert {k: scored[k] for k in expected} == expected
