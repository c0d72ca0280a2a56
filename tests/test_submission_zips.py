"""Submission zips end to end: what participants upload to Codabench.

Zips are real archives written and read with ``zipfile`` (and the official
upload template beside the checkout); the command runs as an installed
subprocess. Expected predictions and scores come from the plain files or
from :mod:`blemore_fast.reference`, never from the code under test.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import blemore_fast as bf
import pandas as pd
import pytest
from blemore_fast import EMOTIONS, reference
from blemore_fast.manifest import SPELLING_PAIRS, TEST_NAMES, coverage_problems
from cli_support import cli, failed, ok
from hicmae import load_outputs

PREDS: dict[str, Any] = {
    "test_0001.mov": [{"emotion": "sad", "salience": 100.0}],
    "test_0002.mov": [{"emotion": "disg", "salience": 30}, {"emotion": "ang", "salience": 70}],
}
DOCUMENT = json.dumps({"predictions": PREDS}).encode()


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def problems_of(path: Path) -> list[tuple[str | None, str]]:
    with pytest.raises(bf.ValidationError) as caught:
        bf.read_submission(path)
    return [(p.clip, p.kind) for p in caught.value.problems]


def message_of(path: Path) -> str:
    with pytest.raises(bf.ValidationError) as caught:
        bf.read_submission(path)
    (problem,) = caught.value.problems
    return problem.message


def test_write_and_read_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "my_run.zip"
    assert bf.write_submission(PREDS, path) == path
    with zipfile.ZipFile(path) as archive:
        (info,) = archive.infolist()
        document = json.loads(archive.read(info))
    assert info.filename == "my_run.json" and info.compress_type == zipfile.ZIP_DEFLATED
    assert document == {"predictions": PREDS}
    assert (info.external_attr >> 16) & 0o444 == 0o444  # readable once extracted
    assert bf.read_submission(path) == PREDS
    assert bf.score(path, PREDS).presence == 1.0  # every reader takes the zip
    assert [p.name for p in tmp_path.iterdir()] == ["my_run.zip"]  # no temporary left
    # an upper-case suffix is a zip too
    assert zipfile.is_zipfile(bf.write_submission(PREDS, tmp_path / "RUN.ZIP"))


def test_a_failed_write_leaves_the_old_zip(tmp_path: Path) -> None:
    path = bf.write_submission(PREDS, tmp_path / "s.zip")
    before = path.read_bytes()
    with pytest.raises(bf.ValidationError, match="unknown emotion code"):
        bf.write_submission({"test_0001.mov": [{"emotion": "angry", "salience": 100}]}, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.zip"]


def test_the_official_upload_template(data_dir: Path) -> None:
    template = json.loads((data_dir / "submission_template.json").read_text())
    zipped = data_dir / "submission_template_codabench.zip"
    assert bf.read_submission(zipped) == template["predictions"]
    assert bf.check_submission(zipped, expected=TEST_NAMES) == []
    # the built-in manifest is the template's names, in its order
    assert list(template["predictions"]) == list(TEST_NAMES)


def test_any_member_name_folders_and_macos_metadata(tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "finder.zip",
        {
            "results/": b"",
            "results/predictions.JSON": DOCUMENT,
            "__MACOSX/results/._predictions.JSON": b"\x00\x05\x16\x07",
            "results/.DS_Store": b"\x00",
            "results/README.txt": b"our model",
        },
    )
    assert bf.read_submission(path) == PREDS


@pytest.mark.parametrize(
    ("members", "kind", "says"),
    [
        ({}, "no_json_file", "is empty; a submission holds one JSON file"),
        ({"notes.txt": b"x", "preds.csv": b"y"}, "no_json_file", "found notes.txt, preds.csv"),
        ({"inner.zip": b"PK"}, "no_json_file", "a zip inside the zip"),
        (
            {"a.json": DOCUMENT, "dir/b.json": DOCUMENT},
            "several_json_files",
            "holds 2 JSON files (a.json, dir/b.json); a submission holds exactly one",
        ),
    ],
)
def test_no_json_or_several(tmp_path: Path, members: dict[str, bytes], kind: str, says: str):
    path = make_zip(tmp_path / "upload.zip", members)
    assert problems_of(path) == [(None, kind)]
    assert says in message_of(path) and str(path) in message_of(path)


def test_broken_zips(tmp_path: Path) -> None:
    whole = bf.write_submission(PREDS, tmp_path / "whole.zip").read_bytes()
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(whole[: len(whole) // 2])
    assert problems_of(truncated) == [(None, "invalid_zip")]
    assert "not a readable zip archive" in message_of(truncated)
    # not a zip at all, but named like one: a zip problem, not "not UTF-8"
    fake = tmp_path / "fake.zip"
    fake.write_text(json.dumps({"predictions": PREDS}))
    assert problems_of(fake) == [(None, "invalid_zip")]
    # a zip under another name is still read as a zip
    renamed = tmp_path / "submission.json"
    renamed.write_bytes(whole)
    assert bf.read_submission(renamed) == PREDS
    # an encrypted member cannot be extracted (zipfile cannot write one: set
    # the "encrypted" flag in the local and the central header)
    data = bytearray(whole)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        data[data.index(signature) + offset] |= 0x1
    encrypted = tmp_path / "encrypted.zip"
    encrypted.write_bytes(bytes(data))
    assert problems_of(encrypted) == [(None, "invalid_zip")]
    assert "encrypted" in message_of(encrypted)


def test_json_problems_inside_a_zip_name_the_member(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "up.zip", {"sub.json": DOCUMENT[:-7]})
    assert problems_of(path) == [(None, "invalid_json")]
    assert message_of(path).startswith(f"sub.json in {path} is not valid JSON: ")
    assert "at line 1, column" in message_of(path)
    path = make_zip(tmp_path / "up.zip", {"sub.json": b'{"a": "\xff"}'})
    assert message_of(path) == f"sub.json in {path} is not UTF-8 text (byte 7: 0xff)"
    path = make_zip(tmp_path / "up.zip", {"sub.json": b" \n"})
    assert problems_of(path) == [(None, "empty_file")]


def test_a_clip_named_twice_is_reported(tmp_path: Path) -> None:
    text = (
        '{"predictions": {"test_0001.mov": [{"emotion": "ang", "salience": 100}],'
        ' "test_0002.mov": [{"emotion": "sad", "salience": 100}],'
        ' "test_0001.mov": [{"emotion": "hap", "salience": 100}]}}'
    )
    plain = tmp_path / "dup.json"
    plain.write_text(text)
    zipped = make_zip(tmp_path / "dup.zip", {"dup.json": text.encode()})
    for path in (plain, zipped):
        assert problems_of(path) == [("test_0001.mov", "duplicate_clip")]
        assert "appears 2 times" in message_of(path)
        assert [p.kind for p in bf.check_submission(path)] == ["duplicate_clip"]
    # a bare prediction dict too; a repeated key inside an entry is a
    # duplicate_key problem naming the clip (issue 13: every duplicate key)
    plain.write_text('{"c1": [], "c1": []}')
    assert problems_of(plain) == [("c1", "duplicate_clip")]
    plain.write_text('{"c1": [{"emotion": "ang", "emotion": "sad", "salience": 100}]}')
    assert problems_of(plain) == [("c1", "duplicate_key")]


def test_the_wrapper_is_required_for_the_server(tmp_path: Path) -> None:
    bare = bf.write_submission(PREDS, tmp_path / "s.json")
    bare.write_text(json.dumps(PREDS))
    assert bf.check_submission(bare, require_wrapper=False) == []  # fine for scoring
    problems = bf.check_submission(bare, expected=list(PREDS))
    assert [p.kind for p in problems] == ["missing_wrapper"]
    assert bf.check_submission({"predictions": PREDS}) == []


def test_names_missing_extra_and_misspelt() -> None:
    given = ["test_1.mov", "TEST_0002.MOV", "test_0003.mp4", "clip_a.mov", *TEST_NAMES[4:]]
    problems = coverage_problems(given, TEST_NAMES)
    assert [(p.clip, p.kind, p.message) for p in problems] == [
        ("test_1.mov", "unexpected_clip", "clip is not in the expected names (did you mean 'test_0001.mov'?)"),
        ("TEST_0002.MOV", "unexpected_clip", "clip is not in the expected names (did you mean 'test_0002.mov'?)"),
        ("test_0003.mp4", "unexpected_clip", "clip is not in the expected names (did you mean 'test_0003.mov'?)"),
        ("clip_a.mov", "unexpected_clip", "clip is not in the expected names"),
        ("test_0001.mov", "missing_clip", "expected clip has no prediction (misspelt as 'test_1.mov'?)"),
        ("test_0002.mov", "missing_clip", "expected clip has no prediction (misspelt as 'TEST_0002.MOV'?)"),
        ("test_0003.mov", "missing_clip", "expected clip has no prediction (misspelt as 'test_0003.mp4'?)"),
        ("test_0004.mov", "missing_clip", "expected clip has no prediction"),
    ]  # fmt: skip
    # a typo that is not about case, extension or padding: the closest spelling
    (extra, missing) = coverage_problems(
        ["tset_0005.mov", *TEST_NAMES[:4], *TEST_NAMES[5:]], TEST_NAMES
    )
    assert "did you mean 'test_0005.mov'" in extra.message and "tset_0005.mov" in missing.message


def test_names_that_differ_wholesale_get_no_guesses(data_dir: Path) -> None:
    # The dataset's real names instead of the anonymised ones: not typos.
    real = pd.read_csv(data_dir / "clips.csv").query("partition == 'test'")["filename"].tolist()
    assert len(real) * len(TEST_NAMES) > SPELLING_PAIRS
    problems = coverage_problems(real, TEST_NAMES)
    assert len(problems) == 2 * 594
    assert not any("did you mean" in p.message or "misspelt" in p.message for p in problems)


@pytest.fixture(scope="module")
def hicmae_zip(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> tuple[Path, Path]:
    """The real HiCMAE test outputs, decoded by the command into an upload zip
    under the official anonymised names (a names map of our own making)."""
    root = tmp_path_factory.mktemp("hicmae")
    outputs = data_dir / "hicmae" / "test_epoch100_ce.csv"
    names, _ = load_outputs(outputs)
    pd.DataFrame({"filename": names, "submission": TEST_NAMES}).to_csv(
        root / "names.csv", index=False
    )
    ok(
        cli(
            "decode", outputs, "--logits", "--alpha", 0.3, "--beta", 0.1,
            "--names-map", root / "names.csv", "-o", root / "submission.zip", cwd=root,
        )
    )  # fmt: skip
    return root / "submission.zip", outputs


def test_decode_writes_the_upload_zip(hicmae_zip: tuple[Path, Path], data_dir: Path) -> None:
    path, outputs = hicmae_zip
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["submission.json"]
        document = json.loads(archive.read("submission.json"))
    names, probs = load_outputs(outputs)
    expected = reference.probs_to_dict(reference.top2(probs), names, 0.3, 0.1)
    assert list(document) == ["predictions"]
    assert list(document["predictions"].values()) == list(expected.values())
    assert list(document["predictions"]) == list(TEST_NAMES)
    run = ok(cli("validate", path, "--codabench", cwd=path.parent))
    assert run.out == f"{path}: OK, 594 predictions, one for every clip of the official test set\n"
    # the JSON alone is fine, with a reminder to zip it
    with zipfile.ZipFile(path) as archive:
        archive.extract("submission.json", path.parent)
    run = ok(cli("validate", "submission.json", "--codabench", cwd=path.parent))
    assert run.out.splitlines()[1].startswith("upload it as a zip holding this file")
    template = data_dir / "submission_template_codabench.zip"
    assert (
        "one for every name in the manifest"
        in ok(cli("validate", path, "--manifest", template, cwd=path.parent)).out
    )


def test_score_and_report_read_the_zip(hicmae_zip: tuple[Path, Path], tmp_path: Path) -> None:
    path, outputs = hicmae_zip
    names, probs = load_outputs(outputs)
    expected = reference.score(reference.probs_to_dict(reference.top2(probs), names, 0.3, 0.1))
    # the labels, under the anonymised names
    labels = bf.labels_from_filenames(names)
    anonymised = {new: labels[old] for old, new in zip(names, TEST_NAMES, strict=True)}
    (tmp_path / "labels.json").write_text(json.dumps(anonymised))
    document = ok(cli("score", path, "--labels", "labels.json", "--json", cwd=tmp_path)).json()
    assert (document["presence"], document["salience"]) == (
        expected["presence"],
        expected["salience"],
    )
    report = ok(cli("report", path, "--labels", "labels.json", "--bootstrap", 0, cwd=tmp_path))
    assert f"{expected['presence']:.4f}" in report.out


def test_validate_lists_every_problem_of_a_zip(tmp_path: Path) -> None:
    preds = {
        name: [{"emotion": EMOTIONS[i % 6], "salience": 100.0}] for i, name in enumerate(TEST_NAMES)
    }
    del preds["test_0007.mov"]
    preds["test_7.mov"] = [{"emotion": "anger", "salience": 100}]
    path = make_zip(tmp_path / "up.zip", {"mine.json": json.dumps(preds).encode()})
    run = failed(cli("validate", path, "--codabench", cwd=tmp_path))
    assert run.out.splitlines() == [
        f"{path}: 4 problems",
        '  - the file is not wrapped as {"predictions": {clip: [entries]}}, as the challenge server requires',
        "  - test_7.mov: unknown emotion code 'anger' (did you mean 'ang'?)",
        "  - test_7.mov: clip is not in the expected names (did you mean 'test_0007.mov'?)",
        "  - test_0007.mov: expected clip has no prediction (misspelt as 'test_7.mov'?)",
    ]
    document = failed(cli("validate", path, "--codabench", "--json", cwd=tmp_path)).json()
    assert [p["kind"] for p in document["problems"]] == [
        "missing_wrapper", "unknown_emotion", "unexpected_clip", "missing_clip"
    ]  # fmt: skip
    # a broken upload: one clear line, exit 1
    two = make_zip(tmp_path / "two.zip", {"a.json": b"{}", "b.json": b"{}"})
    run = failed(cli("validate", two, "--codabench", cwd=tmp_path))
    assert "holds 2 JSON files (a.json, b.json)" in run.out
    run = failed(cli("score", two, cwd=tmp_path))
    assert "holds 2 JSON files (a.json, b.json)" in run.err
