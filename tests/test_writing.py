"""The package's one writer (issue 13, item 1): :func:`blemore_fast.writing.write_file`.

The command-line cases (FIFOs, symlinks, hard links, standard output,
process substitution, read-only directories) are in ``test_cli_files.py``;
these check the library function itself, on real files.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from blemore_fast.writing import WriteError, check_writable, descriptor, write_file


def test_library_writes_a_fifo_for_a_reader_thread(tmp_path: Path) -> None:
    """Item 1: the library's one writer, with a reader thread on a real FIFO."""
    fifo = tmp_path / "page.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    payload = b"x" * 1_000_000  # more than a pipe holds: the writer must stream
    write_file(fifo, payload)
    reader.join(timeout=30)
    assert received == [payload]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_new_files_get_the_umask_mode(tmp_path: Path) -> None:
    """Item 1: a new file is an ordinary one (0o666 minus the umask), not mkstemp's 0600."""
    umask = os.umask(0o022)
    try:
        write_file(tmp_path / "new.html", "<p>é</p>")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.html").stat().st_mode) == 0o644
    assert (tmp_path / "new.html").read_text(encoding="utf-8") == "<p>é</p>"


def test_write_errors_name_the_users_path(tmp_path: Path) -> None:
    """Item 1: a failure while writing (here a full device) names the path given."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with pytest.raises(WriteError) as info:
        write_file("/dev/full", b"x" * 10)
    assert str(info.value) == "cannot write '/dev/full': No space left on device"
    assert isinstance(info.value, OSError) and info.value.filename == "/dev/full"


def test_paths_that_can_never_be_written(tmp_path: Path) -> None:
    """Item 7: a missing directory or a directory as the file is one sentence."""
    with pytest.raises(ValueError) as info:
        check_writable(tmp_path / "missing" / "r.html")
    assert str(info.value) == (
        f"cannot write '{tmp_path}/missing/r.html': the directory '{tmp_path}/missing' "
        "does not exist"
    )
    with pytest.raises(ValueError, match="it is a directory; give a file name"):
        write_file(tmp_path, "x")


def test_descriptor_names() -> None:
    """Item 1: the names of descriptors are written through the descriptor itself."""
    assert descriptor("/dev/stdout") == 1
    assert descriptor("/dev/stderr") == 2
    assert descriptor("/dev/fd/63") == 63
    assert descriptor("/proc/self/fd/5") == 5
    assert descriptor(f"/proc/{os.getpid()}/fd/7") == 7
    assert descriptor(f"/proc/{os.getppid()}/fd/0") is None  # another process's
    assert descriptor("submission.json") is None


def test_hard_linked_file_is_rewritten_in_place(tmp_path: Path) -> None:
    """Item 1: every name of a hard-linked file sees the new content."""
    first = tmp_path / "a.json"
    first.write_text("a much longer old content than the new one")
    second = tmp_path / "b.json"
    os.link(first, second)
    write_file(second, "new")
    assert first.read_text() == second.read_text() == "new"
    assert first.stat().st_ino == second.stat().st_ino


def test_failure_keeps_the_old_file(tmp_path: Path) -> None:
    """Item 1: a write that fails half way (here: the file-size limit, in a
    child process) names the user's path and leaves the old file, and no
    temporary file, behind."""
    target = tmp_path / "page.html"
    target.write_text("old")
    script = (
        "import resource, signal, sys\n"
        "from blemore_fast.writing import write_file\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))\n"
        "try:\n"
        "    write_file(sys.argv[1], b'x' * 100_000)\n"
        "except OSError as error:\n"
        "    print(type(error).__name__, error)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, "page.html"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert proc.stdout.strip() == "WriteError cannot write 'page.html': File too large"
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]
