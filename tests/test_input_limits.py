"""Limits on what the readers take in, Codabench's upload layout, and zips on
standard input: each refusal is one problem of its kind, naming the limit
and how to raise it."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import blemore_fast as bf
import pytest
from blemore_fast.codabench import find_submission
from blemore_fast.manifest import TEST_NAMES
from cli_support import EXE, cli, failed, ok

ANG = "A102_ang_int1_ver1"
ENTRY = [{"emotion": "ang", "salience": 100}]
UPLOAD = json.dumps({"predictions": {n: ENTRY for n in TEST_NAMES}}).encode()


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _kinds(error: pytest.ExceptionInfo[bf.ValidationError]) -> list[str]:
    return [p.kind for p in error.value.problems]


def test_python_readers_take_their_limits_from_input_limits(tmp_path: Path) -> None:
    path = tmp_path / "sub.json"
    preds = {f"A{100 + i}_ang_int1_ver1": ENTRY for i in range(5)}
    path.write_text(json.dumps({"predictions": preds}))
    assert bf.score(path).n == 5
    with bf.input_limits(max_clips=4), pytest.raises(bf.ValidationError) as caught:
        bf.score(path)
    assert _kinds(caught) == ["too_large"]
    message = caught.value.problems[0].message
    assert "more than 4 clips" in message and "input_limits(max_clips=...)" in message
    with bf.input_limits(max_clips=5):
        assert bf.score(path).n == 5
    size = path.stat().st_size
    with bf.input_limits(max_bytes=size):
        assert bf.score(path).n == 5
    with bf.input_limits(max_bytes=size - 1), pytest.raises(bf.ValidationError) as caught:
        bf.score(path)
    assert _kinds(caught) == ["too_large"]
    # The same limit on a zip's member (its declared size) and on the Python reader.
    zipped = make_zip(tmp_path / "sub.zip", {"sub.json": path.read_bytes()})
    for call in (bf.score, bf.read_submission):
        with bf.input_limits(max_bytes=size - 1), pytest.raises(bf.ValidationError) as caught:
            call(zipped)
        assert _kinds(caught) == ["too_large"]
    assert bf.input_limits is not None and bf.Limits().max_bytes == 1 << 30


def test_a_long_clip_name_is_refused_by_every_reader(tmp_path: Path) -> None:
    path = tmp_path / "sub.json"
    for n, refused in ((1024, False), (1025, True)):
        path.write_text(json.dumps({"predictions": {"x" * n: ENTRY}}))
        problems = bf.check_submission(path)
        assert ([p.kind for p in problems] == ["too_large"]) == refused, problems


def test_limits_reject_nonsense() -> None:
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="max_bytes must be a positive integer"):
            bf.Limits(max_bytes=bad)  # type: ignore[arg-type]


def test_the_command_flags_raise_and_lower_the_limits(tmp_path: Path) -> None:
    path = tmp_path / "sub.json"
    path.write_text(json.dumps({"predictions": {ANG: ENTRY, "A103_ang_int1_ver1": ENTRY}}))
    run = failed(cli("score", path, "--max-clips", "1", cwd=tmp_path))
    assert "holds more than 1 clips, the limit; raise it with --max-clips" in run.err
    ok(cli("score", path, "--max-clips", "2", cwd=tmp_path))
    ok(cli("score", path, "--max-bytes", "1K", cwd=tmp_path))
    run = failed(cli("score", path, "--max-bytes", "64", cwd=tmp_path))
    assert "is larger than 64 bytes, the size limit; raise it with --max-bytes" in run.err
    document = failed(cli("score", path, "--max-bytes", "50", "--json", cwd=tmp_path)).json()
    assert [p["kind"] for p in document["problems"]] == ["too_large"]
    run = failed(cli("score", path, "--max-bytes", "lots", cwd=tmp_path), code=2)
    assert "expected a size such as 64MiB" in run.err


def test_an_upload_holds_the_expected_clips_plus_ten_percent(tmp_path: Path) -> None:
    preds = {n: ENTRY for n in TEST_NAMES}
    limit = -(-len(TEST_NAMES) * 11 // 10)
    preds |= {f"extra_{i}.mov": ENTRY for i in range(limit - len(TEST_NAMES) + 1)}
    path = tmp_path / "sub.json"
    path.write_text(json.dumps({"predictions": preds}))
    run = failed(cli("validate", path, "--codabench", cwd=tmp_path))
    assert f"holds more than {limit:,} clips" in run.out
    assert f"at most the {len(TEST_NAMES):,} expected clips plus 10%" in run.out
    # One clip fewer is judged clip by clip instead.
    del preds["extra_0.mov"]
    path.write_text(json.dumps({"predictions": preds}))
    run = failed(cli("validate", path, "--codabench", "--json", cwd=tmp_path))
    assert {p["kind"] for p in run.json()["problems"]} == {"unexpected_clip"}


@pytest.mark.parametrize("name", ["metadata", "metadata.yaml"])
def test_an_upload_codabench_would_run_as_code_is_refused(tmp_path: Path, name: str) -> None:
    path = make_zip(tmp_path / "up.zip", {"sub.json": UPLOAD, name: b"command: python x.py"})
    run = failed(cli("validate", path, "--codabench", "--json", cwd=tmp_path))
    (problem,) = run.json()["problems"]
    assert problem["kind"] == "upload_layout"
    assert f"holds a top-level {name}: Codabench would run the upload as code" in problem["message"]
    # Inside a folder it is only a file beside the JSON: still not the one layout.
    nested = make_zip(tmp_path / "in.zip", {"d/sub.json": UPLOAD, f"d/{name}": b"x"})
    assert (
        failed(cli("validate", nested, "--codabench", "--json", cwd=tmp_path)).json()["problems"][
            0
        ]["kind"]
        == "upload_layout"
    )


def test_one_json_file_at_the_top_or_in_one_folder(tmp_path: Path) -> None:
    for members, accepted in [
        ({"sub.json": UPLOAD}, True),
        ({"mine/sub.json": UPLOAD}, True),
        ({"sub.json": UPLOAD, "__MACOSX/._sub.json": b"x", ".DS_Store": b"x"}, True),
        ({"a/b/sub.json": UPLOAD}, False),
        ({"sub.json": UPLOAD, "README.txt": b"hi"}, False),
    ]:
        path = make_zip(tmp_path / "up.zip", members)
        run = cli("validate", path, "--codabench", cwd=tmp_path)
        assert (run.code == 0) == accepted, (members.keys(), run.out)
        if not accepted:
            assert (
                "an upload holds one JSON file, at the top of the zip or inside a single folder"
                in run.out
            )


def test_the_scoring_program_applies_the_same_layout(tmp_path: Path) -> None:
    res = tmp_path / "res"
    (res / "mine").mkdir(parents=True)
    (res / "mine" / "sub.json").write_bytes(UPLOAD)
    (res / "metadata").write_text("exitCode: null\n")  # the worker's own record
    assert find_submission(res) == res / "mine" / "sub.json"
    (res / "metadata.yaml").write_text("command: python x.py\n")
    with pytest.raises(bf.ValidationError) as caught:
        find_submission(res)
    assert _kinds(caught) == ["upload_layout"]


def test_a_zip_on_standard_input_is_read_as_a_zip(tmp_path: Path) -> None:
    data = make_zip(tmp_path / "up.zip", {"sub.json": UPLOAD}).read_bytes()

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([str(EXE), *args], input=data, capture_output=True, cwd=tmp_path)

    proc = run("validate", "-", "--codabench")
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.decode().startswith("<stdin>: OK, 594 predictions")
    assert b"upload it as a zip" not in proc.stdout
    scored = make_zip(tmp_path / "s.zip", {"s.json": json.dumps({ANG: ENTRY}).encode()})
    proc = subprocess.run(
        [str(EXE), "score", "-", "--json"],
        input=scored.read_bytes(),
        capture_output=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["presence"] == 1.0
    # The empty zip (its end record alone) is a zip too: it holds no JSON file.
    empty = tmp_path / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    proc = subprocess.run(
        [str(EXE), "validate", "-", "--json"],
        input=empty.read_bytes(),
        capture_output=True,
        cwd=tmp_path,
    )
    assert [p["kind"] for p in json.loads(proc.stdout)["problems"]] == ["no_json_file"]


def test_running_out_of_memory_is_one_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from blemore_fast import cli as command
    from blemore_fast.cli import commands

    def exhausted(*_: object) -> int:
        raise MemoryError

    monkeypatch.setattr(commands, "cmd_score", exhausted)
    assert command.run(["score", "x.json"]) == command.EXIT_INVALID
    err = capsys.readouterr().err
    assert err.startswith("error: out of memory: ") and err.count("\n") == 1, err


def test_a_large_file_giving_a_key_twice_is_not_read_again_by_python(tmp_path: Path) -> None:
    path = tmp_path / "sub.json"
    path.write_text(f'{{"{ANG}": {json.dumps(ENTRY)}, "{ANG}": {json.dumps(ENTRY)}}}')
    (named,) = bf.check_submission(path)
    assert named.kind == "duplicate_clip" and named.clip == ANG
    with bf.input_limits(limits=bf.Limits(max_reread_bytes=path.stat().st_size - 1)):
        (unnamed,) = bf.check_submission(path)
    assert unnamed.kind == "duplicate_key" and "gives some key twice" in unnamed.message
