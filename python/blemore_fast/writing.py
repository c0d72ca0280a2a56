"""Writing files safely: every file the package writes goes through :func:`write_file`.

Submissions, HTML reports, plots and the report's CSV tables all take the
same path, and what happens depends on what the path names:

- **a regular file, or a new one**: the bytes go to a temporary file in the
  same directory, are flushed to disk, and the temporary file is renamed
  over the target. Readers see the old file or the new one, never half of
  one, and a failure leaves the old file as it was. An existing file keeps
  its permission bits (a mode-600 file stays 600) and, where the process may
  set them, its owner and group; a new file gets ``0o666`` minus the umask.
- **a symlink**: the file it points to is replaced as above; the link stays
  a link (``readlink`` is unchanged). A dangling link creates its target.
- **a regular file with other hard links**: rewritten in place, so that
  every name of the file sees the new content (a rename would leave the
  other names on the old content). Space is reserved before the first byte
  changes, but this write is not atomic.
- **a directory that forbids new files** (no write permission), holding a
  file that may be written: that file is rewritten in place, as a shell's
  ``>`` would.
- **anything else that exists** (a FIFO, a terminal, a character device):
  written directly, as one stream, with no temporary file. A FIFO waits for
  its reader.
- **a file descriptor by name**: ``/dev/stdout``, ``/dev/stderr``,
  ``/dev/fd/N`` (a shell's process substitution, ``>(wc -c)``) and
  ``/proc/self/fd/N`` are written through the process's own descriptor N,
  exactly where the shell pointed it (appending to ``>> log`` appends).

A path that cannot be written gives one sentence naming it: a missing
directory or a directory given as the file is a :class:`ValueError` (checked
by :func:`check_writable` before any work is done); a failure while writing
(no permission, disk full) is a :class:`WriteError`, an :class:`OSError`
whose message names the user's path, never a temporary file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
import tempfile
from pathlib import Path

__all__ = ["WriteError", "check_writable", "descriptor", "write_file"]

# Paths that name one of the process's open file descriptors.
_DESCRIPTOR = re.compile(r"/(?:dev/fd|proc/(?:self|thread-self|(\d+))/fd)/(\d+)")
_STANDARD = {"/dev/stdout": 1, "/dev/stderr": 2}
# Symlinks followed when looking for a descriptor (the kernel's own limit).
_MAX_LINKS = 40


class WriteError(OSError):
    """A file could not be written. ``str(error)`` is one sentence naming the
    path the caller gave (``filename``); ``errno`` and ``strerror`` are the
    operating system's."""

    def __init__(
        self, path: str | os.PathLike[str], error: OSError, reason: str | None = None
    ) -> None:
        super().__init__(error.errno, error.strerror, os.fspath(path))
        if reason is None:
            reason = error.strerror or str(error)
            if error.errno in (errno.EACCES, errno.EPERM):
                reason = "permission denied"
        self.sentence = f"cannot write {os.fspath(path)!r}: {reason}"

    def __str__(self) -> str:
        return self.sentence


def _named_descriptor(path: str) -> int | None:
    path = os.path.normpath(path)
    if path in _STANDARD:
        return _STANDARD[path]
    match = _DESCRIPTOR.fullmatch(path)
    if match is None or (match.group(1) is not None and int(match.group(1)) != os.getpid()):
        return None
    return int(match.group(2))


def descriptor(path: str | os.PathLike[str]) -> int | None:
    """The file descriptor of this process that a path names, directly
    (``/dev/stdout``, ``/dev/fd/3``) or through symlinks, or None.

    Examples
    --------
    >>> descriptor("/dev/stdout"), descriptor("/dev/fd/63"), descriptor("report.html")
    (1, 63, None)
    """
    path = os.fspath(path)
    for _ in range(_MAX_LINKS):
        fd = _named_descriptor(path)
        if fd is not None or not os.path.islink(path):
            return fd
        try:
            path = os.path.join(os.path.dirname(path), os.readlink(path))
        except OSError:
            return None
    return None


def check_writable(path: str | os.PathLike[str]) -> None:
    """Raises ValueError, in one sentence naming ``path``, when it can never
    be written: it is a directory, or its directory does not exist.

    Callers run this before long work, so that a typo in an output path
    fails at once. Permissions are checked by the write itself.
    """
    text = os.fspath(path)
    if descriptor(text) is not None:
        return
    target = Path(os.path.realpath(text))
    if target.is_dir():
        raise ValueError(f"cannot write {text!r}: it is a directory; give a file name")
    parent = target.parent
    if not parent.is_dir():
        where = Path(text).parent if not os.path.islink(text) else parent
        what = "is not a directory" if parent.exists() else "does not exist"
        raise ValueError(f"cannot write {text!r}: the directory {str(where)!r} {what}")


def write_file(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Writes ``data`` (bytes, or text written as UTF-8) to ``path`` by the
    rules of this module: atomically for regular files, through symlinks,
    in place for hard-linked files, directly for FIFOs and descriptors.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "page.html"
    >>> write_file(out, "<p>é</p>")
    >>> out.read_text(encoding="utf-8")
    '<p>é</p>'
    """
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    text = os.fspath(path)
    fd = descriptor(text)
    if fd is not None:
        _write_descriptor(text, fd, payload)
        return
    check_writable(text)
    target = os.path.realpath(text)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    try:
        if info is not None and not stat.S_ISREG(info.st_mode):
            _write_stream(target, payload)
        elif info is not None and info.st_nlink > 1:
            _write_in_place(target, payload)
        else:
            _replace(text, target, payload, info)
    except OSError as error:
        if isinstance(error, WriteError):
            raise
        raise WriteError(text, error) from None


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]


def _write_descriptor(text: str, fd: int, payload: bytes) -> None:
    # Text already printed to the same descriptor must come first.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):
            if stream is not None and stream.fileno() == fd:
                stream.flush()
    try:
        _write_all(fd, payload)
    except BrokenPipeError:
        raise
    except OSError as error:
        raise WriteError(text, error) from None


def _write_stream(target: str, payload: bytes) -> None:
    """A FIFO, a terminal or a device: one direct write, no temporary file."""
    with open(target, "wb") as handle:
        handle.write(payload)


def _write_in_place(target: str, payload: bytes) -> None:
    """Rewrites an existing file through its inode, keeping every hard link."""
    fd = os.open(target, os.O_WRONLY)
    try:
        if len(payload):
            # Reserve the space first, so a full disk fails before any byte changes.
            with contextlib.suppress(OSError, AttributeError):
                os.posix_fallocate(fd, 0, len(payload))
        _write_all(fd, payload)
        os.ftruncate(fd, len(payload))
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace(text: str, target: str, payload: bytes, info: os.stat_result | None) -> None:
    """Atomic replace: a temporary file beside the target, fsync, rename."""
    directory, name = os.path.split(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory or ".")
    except PermissionError as error:
        # The directory forbids new files; a file there that may be written
        # is rewritten in place, as a shell's `>` would.
        if info is not None and os.access(target, os.W_OK):
            _write_in_place(target, payload)
            return
        where = os.path.dirname(text) if not os.path.islink(text) else directory
        reason = f"no permission to create files in {where or '.'!r}"
        raise WriteError(text, error, reason) from None
    try:
        try:
            _write_all(fd, payload)
            os.fsync(fd)
            if info is not None:
                os.fchmod(fd, stat.S_IMODE(info.st_mode))
                with contextlib.suppress(PermissionError):
                    os.fchown(fd, info.st_uid, info.st_gid)
            else:
                # mkstemp creates the file 0600; a new file is an ordinary one.
                umask = os.umask(0)
                os.umask(umask)
                os.fchmod(fd, 0o666 & ~umask)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_directory(directory or ".")


def _sync_directory(directory: str) -> None:
    # The rename itself is durable once the directory is synced.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
