"""Hostile uploads are refused in bounded memory and time, with one reason.

Each upload of issue 18's table is built by streaming (so this file stays
small), then run through the replayed compute worker (``codabench_worker``)
and through ``validate --codabench``, each in a child process whose peak
memory and time a wrapper (``peak_memory.py``) measures. A normal scoring
run takes about 155 MB; every refusal must stay under 200 MB and 5 s.
The files are deleted afterwards.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pandas as pd
import pytest
from blemore_fast import synthetic
from cli_support import cli, ok
from codabench_worker import run_scoring

TESTS = Path(__file__).parent
PEAK_MB = 200
SECONDS = 5.0
ENTRY = b'[{"emotion": "ang", "salience": 100}]'
MiB = 1 << 20


def _write_zip(path: Path, member: str, write: Callable[[IO[bytes]], None]) -> Path:
    """A zip of one deflated member whose bytes ``write`` streams."""
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open(member, "w", force_zip64=True) as handle,
    ):
        write(handle)
    return path


def _predictions(handle: IO[bytes], names: list[str]) -> None:
    handle.write(b", ".join(json.dumps(n).encode() + b": " + ENTRY for n in names))


def whitespace(names: list[str]) -> Callable[[IO[bytes]], None]:
    """1 GB of whitespace around a valid submission."""

    def write(handle: IO[bytes]) -> None:
        spaces = b" " * MiB
        for _ in range(512):
            handle.write(spaces)
        handle.write(b'{"predictions": {')
        _predictions(handle, names)
        handle.write(b"}}")
        for _ in range(512):
            handle.write(spaces)

    return write


def long_name(n_chars: int) -> Callable[[list[str]], Callable[[IO[bytes]], None]]:
    """One clip named by ``n_chars`` characters, beside the valid ones."""

    def build(names: list[str]) -> Callable[[IO[bytes]], None]:
        def write(handle: IO[bytes]) -> None:
            handle.write(b'{"predictions": {"')
            for _ in range(n_chars // MiB):
                handle.write(b"a" * MiB)
            handle.write(b"a" * (n_chars % MiB) + b'": ' + ENTRY + b", ")
            _predictions(handle, names)
            handle.write(b"}}")

        return write

    return build


def extra_clips(names: list[str]) -> Callable[[IO[bytes]], None]:
    """The valid clips, and a million more."""

    def write(handle: IO[bytes]) -> None:
        handle.write(b'{"predictions": {')
        _predictions(handle, names)
        for start in range(0, 1_000_000, 10_000):
            handle.write(b", ")
            _predictions(handle, [f"extra_{i:07d}.mp4" for i in range(start, start + 10_000)])
        handle.write(b"}}")

    return write


def repeated_key(names: list[str]) -> Callable[[IO[bytes]], None]:
    """A key given twice beside a 60 MB list: naming the repeat would have
    Python's json hold the list (about 400 MB)."""

    def write(handle: IO[bytes]) -> None:
        handle.write(b'{"predictions": {')
        _predictions(handle, names)
        handle.write(b'}, "x": [')
        for _ in range(60):
            handle.write(b"0," * (MiB // 2))
        handle.write(b'0], "x": 1}')

    return write


# The upload, what its one problem says, and its kind.
UPLOADS = {
    "1GB_of_whitespace": (whitespace, "is larger than 64 MiB", "too_large"),
    "20M_character_name": (long_name(20_000_000), "longer than 1,024 characters", "too_large"),
    "60M_character_name": (long_name(60_000_000), "longer than 1,024 characters", "too_large"),
    "1M_extra_clips": (extra_clips, "holds more than", "too_large"),
    "repeated_key_beside_60MB": (repeated_key, "gives some key twice", "duplicate_key"),
}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A bundle of synthetic test labels, and the names participants submit."""
    root = tmp_path_factory.mktemp("bundle")
    data = synthetic.make_dataset(seed=3)
    clips = data.clips[["filename", "actor", "partition"]]
    test = clips[clips["partition"] == "test"]
    anonymous = [f"clip_{k:04d}.mp4" for k in range(1, len(test) + 1)]
    pd.DataFrame({"filename": test["filename"], "submission": anonymous}).to_csv(
        root / "names.csv", index=False
    )
    clips.to_csv(root / "clips.csv", index=False)
    ok(
        cli(
            "codabench", "bundle", "--labels", "clips.csv", "--partition", "test",
            "--names-map", "names.csv", "-o", "bundle.zip", cwd=root,
        )
    )  # fmt: skip
    return root / "bundle.zip", anonymous


@pytest.fixture(params=list(UPLOADS))
def upload(
    request: pytest.FixtureRequest, bundle: tuple[Path, list[str]], tmp_path: Path
) -> Iterator[tuple[Path, str, str]]:
    build, expected, kind = UPLOADS[request.param]
    path = _write_zip(tmp_path / "upload.zip", "submission.json", build(bundle[1]))
    yield path, expected, kind
    shutil.rmtree(tmp_path, ignore_errors=True)


def _measured(report: Path) -> dict[str, Any]:
    measured: dict[str, Any] = json.loads(report.read_text())
    print(measured)  # the figures, shown with -rP
    assert measured["peak_mb"] < PEAK_MB, measured
    # The work done: wall time also counts the waits of a loaded machine.
    assert measured["cpu_seconds"] < SECONDS, measured
    return measured


def test_the_scoring_program_refuses_it_in_bounded_memory_and_time(
    upload: tuple[Path, str, str], bundle: tuple[Path, list[str]], tmp_path: Path
) -> None:
    path, expected, _ = upload
    report = tmp_path / "peak.json"
    wrapper = [sys.executable, str(TESTS / "peak_memory.py"), str(report)]
    run = run_scoring(bundle[0], path, tmp_path / "app", wrapper=wrapper)
    assert run.returncode == 1, run.stderr
    assert _measured(report)["returncode"] == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.count("\n  - ") == 1 and expected in run.stderr, run.stderr


def test_validate_refuses_it_in_bounded_memory_and_time(
    upload: tuple[Path, str, str], tmp_path: Path
) -> None:
    path, expected, kind = upload
    report = tmp_path / "peak.json"
    command = [sys.executable, "-m", "blemore_fast.cli", "validate", str(path), "--codabench"]
    proc = subprocess.run(
        [sys.executable, str(TESTS / "peak_memory.py"), str(report), *command],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    _measured(report)
    assert "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].endswith(": 1 problem") and expected in lines[1], proc.stdout
    document = json.loads(
        subprocess.run([*command, "--json"], capture_output=True, text=True, check=False).stdout
    )
    assert [p["kind"] for p in document["problems"]] == [kind]
