"""The command's files (issue 13, items 1 and 7): outputs written safely and
honestly, ``-`` for standard input and output, and outputs that would
overwrite an input refused.

The installed command in a subprocess, with real FIFOs and a reader
process, real symlinks and hard links, mode-600 files, ``/dev/stdout``
captured from the subprocess, bash's process substitution, and a directory
the writer may not create files in (permissions apply even as root: the
subprocess runs without CAP_DAC_OVERRIDE).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import blemore_fast as bf
import numpy as np
import pandas as pd
import pytest
from blemore_fast import EMOTIONS, reference
from cli_support import EXE, cli, failed, ok

ALPHA, BETA = 0.3, 0.1
NAMES = ["A101_ang_int1_ver1", "A101_mix_ang_hap_70_30_ver1", "A102_sad_int2_ver1"]
PROBS = np.array(
    [
        [0.8, 0.05, 0.05, 0.04, 0.03, 0.03],
        [0.5, 0.02, 0.02, 0.4, 0.03, 0.03],
        [0.1, 0.1, 0.1, 0.1, 0.5, 0.1],
    ]
)


def _expected() -> dict[str, Any]:
    """The submission the published post-processing gives (the oracle)."""
    return {"predictions": reference.probs_to_dict(reference.top2(PROBS), NAMES, ALPHA, BETA)}


@pytest.fixture
def probs_csv(tmp_path: Path) -> Path:
    frame = pd.DataFrame(PROBS, columns=list(EMOTIONS))
    frame.insert(0, "filename", NAMES)
    path = tmp_path / "probs.csv"
    frame.to_csv(path, index=False)
    return path


def _decode(probs: Path, output: object) -> list[object]:
    return ["decode", probs, "--alpha", ALPHA, "--beta", BETA, "-o", output]


# --- non-regular targets: written directly


def test_fifo_gets_the_bytes_and_stays_a_fifo(probs_csv: Path, tmp_path: Path) -> None:
    """Item 1: `-o FIFO` turned the FIFO into a regular file; the reader got 0 bytes."""
    fifo = tmp_path / "submission.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    run = cli(*_decode(probs_csv, fifo), cwd=tmp_path)
    try:
        received, _ = reader.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        reader.kill()
        reader.communicate()
        pytest.fail(f"the reader never got the submission; the command said {run}")
    ok(run)
    assert json.loads(received) == _expected()
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["probs.csv", "submission.fifo"]


@pytest.fixture
def dev_stdout() -> Iterator[None]:
    """Puts /dev/stdout back if a broken writer replaced it (as root, the
    code before this fix did), so that a failing run leaves the machine whole."""
    before = os.readlink("/dev/stdout") if os.path.islink("/dev/stdout") else None
    yield
    if before is not None and not os.path.islink("/dev/stdout"):
        os.unlink("/dev/stdout")
        os.symlink(before, "/dev/stdout")
        pytest.fail("/dev/stdout was replaced by a regular file (now restored)")


@pytest.mark.usefixtures("dev_stdout")
@pytest.mark.parametrize("output", ["/dev/stdout", "-"])
def test_standard_output(probs_csv: Path, tmp_path: Path, output: str) -> None:
    """Item 1: `-o /dev/stdout` replaced the machine's /dev/stdout symlink (as
    root) with a regular file; `-o -` wrote a file named `-`. Both now write
    the submission to standard output, and the command's own line goes to
    standard error."""
    run = ok(cli(*_decode(probs_csv, output), cwd=tmp_path))
    assert json.loads(run.out) == _expected()
    assert "wrote 3 predictions" in run.err and "standard output" in run.err
    assert os.path.islink("/dev/stdout")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["probs.csv"]


def test_a_symlink_to_standard_output(probs_csv: Path, tmp_path: Path) -> None:
    """Item 1: a link to a descriptor (here to /proc/self/fd/1, as /dev/stdout
    is) is written through the descriptor; the link is kept."""
    link = tmp_path / "out.json"
    link.symlink_to("/proc/self/fd/1")
    run = ok(cli(*_decode(probs_csv, link), cwd=tmp_path))
    assert json.loads(run.out) == _expected()
    assert os.readlink(link) == "/proc/self/fd/1"


def test_process_substitution(probs_csv: Path, tmp_path: Path) -> None:
    """Item 1: `-o >(wc -c)` failed on a temporary file beside /dev/fd/63."""
    regular = tmp_path / "regular.json"
    ok(cli(*_decode(probs_csv, regular), cwd=tmp_path))
    script = f'"$0" decode "$1" --alpha {ALPHA} --beta {BETA} -o >(wc -c)'
    proc = subprocess.run(
        ["bash", "-c", script, str(EXE), str(probs_csv)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Errno" not in proc.stderr
    counts = [line.strip() for line in proc.stdout.splitlines() if line.strip().isdigit()]
    assert counts == [str(regular.stat().st_size)]
    assert json.loads(regular.read_text()) == _expected()


@pytest.mark.usefixtures("dev_stdout")
def test_appending_redirection_is_kept(probs_csv: Path, tmp_path: Path) -> None:
    """Item 1: /dev/stdout is the shell's descriptor, so `>> log` appends."""
    log = tmp_path / "log.txt"
    log.write_text("before\n")
    with log.open("a") as handle:
        proc = subprocess.run(
            [str(EXE), *map(str, _decode(probs_csv, "/dev/stdout"))],
            stdout=handle,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
            timeout=60,
        )
    assert proc.returncode == 0, proc.stderr
    before, submission = log.read_text().split("\n", 1)
    assert before == "before"
    assert json.loads(submission) == _expected()


# --- regular files: atomic, through links, mode kept


def test_symlink_is_written_through(probs_csv: Path, tmp_path: Path) -> None:
    """Item 1: overwriting broke symlinks (the link became a regular file)."""
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "submission.json"
    link.symlink_to(target.name)
    ok(cli(*_decode(probs_csv, link), cwd=tmp_path))
    assert link.is_symlink() and os.readlink(link) == "real.json"
    assert json.loads(target.read_text()) == _expected()
    # A dangling link creates its target, as a shell's `>` does.
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to("created.json")
    ok(cli(*_decode(probs_csv, dangling), cwd=tmp_path))
    assert dangling.is_symlink()
    assert json.loads((tmp_path / "created.json").read_text()) == _expected()


def test_hard_links_and_mode_600_are_kept(probs_csv: Path, tmp_path: Path) -> None:
    """Item 1: overwriting broke hard links and turned a mode-600 file into 644."""
    target = tmp_path / "submission.json"
    target.write_text("old")
    target.chmod(0o600)
    other = tmp_path / "backup.json"
    os.link(target, other)
    ok(cli(*_decode(probs_csv, target), cwd=tmp_path))
    assert json.loads(other.read_text()) == _expected()  # the other name sees the new content
    assert target.stat().st_ino == other.stat().st_ino and target.stat().st_nlink == 2
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    # Without other links the replace is atomic, and still keeps the mode.
    other.unlink()
    inode = target.stat().st_ino
    target.write_text("old again")
    ok(cli(*_decode(probs_csv, target), cwd=tmp_path))
    assert json.loads(target.read_text()) == _expected()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.stat().st_ino != inode  # a new file renamed into place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["probs.csv", "submission.json"]


def test_output_over_an_input_is_refused(probs_csv: Path, tmp_path: Path) -> None:
    """Item 1: `decode copy.csv ... -o copy.csv` overwrote the model outputs with JSON."""
    original = probs_csv.read_bytes()
    hard = tmp_path / "hard.csv"
    os.link(probs_csv, hard)
    soft = tmp_path / "soft.csv"
    soft.symlink_to(probs_csv.name)
    for output in (probs_csv, hard, soft):
        run = failed(cli(*_decode(probs_csv, output), cwd=tmp_path), 2)
        assert f"-o {output} would overwrite the input PROBS.csv {probs_csv}" in run.err
        assert probs_csv.read_bytes() == original
    # The same for every command that writes: report's page over its predictions.
    submission = tmp_path / "submission.json"
    submission.write_text(json.dumps(_expected()))
    before = submission.read_bytes()
    run = failed(
        cli("report", submission, "--bootstrap", "0", "--html", submission, cwd=tmp_path), 2
    )
    assert "--html" in run.err and "would overwrite the input PREDS" in run.err
    assert submission.read_bytes() == before


def test_standard_input(probs_csv: Path, tmp_path: Path) -> None:
    """Item 7: `-` as an input is standard input (JSON or CSV, told apart by content)."""
    submission = tmp_path / "submission.json"
    text = json.dumps(_expected())
    submission.write_text(text)
    expected = reference.score(_expected()["predictions"])
    for args, stdin in (
        (("score", "-", "--json"), text),
        (("score", "-", "--alpha", ALPHA, "--beta", BETA, "--json"), probs_csv.read_text()),
    ):
        document = ok(cli(*args, cwd=tmp_path, stdin=stdin)).json()
        assert {k: document[k] for k in expected} == expected
        assert document["file"] == "<stdin>"
    run = ok(cli("decode", "-", "--alpha", ALPHA, "--beta", BETA, "-o", "-", cwd=tmp_path,
                 stdin=probs_csv.read_text()))  # fmt: skip
    assert json.loads(run.out) == _expected()
    assert ok(cli("validate", "-", cwd=tmp_path, stdin=text)).out.startswith("<stdin>: OK")
    run = failed(cli("compare", "-", "-", cwd=tmp_path, stdin=text), 2)
    assert "A and B cannot both read standard input" in run.err
    run = failed(cli("score", "-", cwd=tmp_path, stdin="{not json"))
    assert "<stdin> is not valid JSON" in run.err


# --- paths that cannot be written: one plain sentence


def test_missing_directory_is_one_sentence(tmp_path: Path) -> None:
    """Item 7: `--html` into a missing directory gave a raw Errno with a
    temporary file's name; it is now one sentence, before any work is done."""
    submission = tmp_path / "submission.json"
    submission.write_text(json.dumps(_expected()))
    run = failed(
        cli("report", submission, "--bootstrap", "0", "--html", "missing/r.html", cwd=tmp_path)
    )
    assert run.err.strip() == (
        "error: cannot write 'missing/r.html': the directory 'missing' does not exist"
    )
    assert run.out == ""
    with pytest.raises(ValueError, match="the directory '.*missing' does not exist"):
        bf.html_report(_expected(), path=tmp_path / "missing" / "r.html")


def _without_root_powers() -> list[str]:
    """A command prefix under which file permissions apply (root ignores them)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be checked")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}", "--"]


def _run_without_root_powers(args: list[object], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_without_root_powers(), str(EXE), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def test_read_only_directory_keeps_writable_files_writable(probs_csv: Path, tmp_path: Path) -> None:
    """Item 1: in a directory the writer may not create files in, a file it
    may write is rewritten in place, as a shell's `>` would."""
    locked = tmp_path / "locked"
    locked.mkdir()
    existing = locked / "existing.json"
    existing.write_text("old")
    existing.chmod(0o666)
    locked.chmod(0o555)
    try:
        proc = _run_without_root_powers(_decode(probs_csv, existing), tmp_path)
    finally:
        locked.chmod(0o755)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(existing.read_text()) == _expected()
    assert [p.name for p in locked.iterdir()] == ["existing.json"]


def test_read_only_directory_message(probs_csv: Path, tmp_path: Path) -> None:
    """Item 1: a directory without write permission gets one plain sentence
    naming the user's path (no Errno, no temporary file's name)."""
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        proc = _run_without_root_powers(_decode(probs_csv, "locked/new.json"), tmp_path)
    finally:
        locked.chmod(0o755)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        "error: cannot write 'locked/new.json': no permission to create files in 'locked'"
    )
