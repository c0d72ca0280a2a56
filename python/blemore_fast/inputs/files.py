"""Files: paths, standard input and bytes already read, within the limits.

A file may be a path or a :class:`MemoryFile`, bytes already read (such as
standard input) with the name messages give them. Every failure (missing,
empty, not UTF-8, too large) is one :class:`~blemore_fast.ValidationError`
problem naming the file. A file's size is checked against the
:mod:`~blemore_fast.inputs.limits` in force before it is read.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from ..errors import Problem, ValidationError
from .limits import current_limits, file_too_large

__all__ = [
    "ZIP_MAGIC",
    "FileSource",
    "MemoryFile",
    "decode",
    "file_kind",
    "is_zip",
    "is_zip_bytes",
    "read_bytes",
    "read_stdin",
    "read_text",
    "source_of",
]


# A pipe is read by this much at a time, and counted.
_CHUNK = 1 << 20

#: How a zip starts: a local file header, or (when empty) the end record.
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass(frozen=True)
class MemoryFile:
    """A file already read into memory, such as standard input: its bytes and
    the name messages give it (``"<stdin>"``). Every reader that takes a path
    takes one of these too.

    Examples
    --------
    >>> from blemore_fast.inputs import read_json
    >>> read_json(MemoryFile("<stdin>", b'{"a": 1}'))
    {'a': 1}
    """

    name: str
    data: bytes = b""

    def __str__(self) -> str:
        return self.name


#: A file to read: a path, or bytes already read.
FileSource = str | os.PathLike[str] | MemoryFile


def source_of(path: FileSource) -> Path | MemoryFile:
    """A path as a :class:`~pathlib.Path`; bytes already read as they are."""
    return path if isinstance(path, MemoryFile) else Path(path)


def file_kind(path: FileSource) -> Literal["json", "csv", "text"]:
    """What a file holds: from a path's suffix (``.json``, ``.csv``, else
    text; a zip holds JSON), or from the first bytes of a :class:`MemoryFile`
    (a zip's magic bytes or ``{`` or ``[`` open JSON; a first line with a
    comma, or ``filename``, is a CSV header).

    >>> file_kind(MemoryFile("<stdin>", b"PK\\x03\\x04..."))
    'json'
    """
    if isinstance(path, MemoryFile):
        if path.data[:4] in ZIP_MAGIC:
            return "json"
        head = path.data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
        if head[:1] in (b"{", b"["):
            return "json"
        first = head.split(b"\n", 1)[0].strip()
        return "csv" if b"," in first or first == b"filename" else "text"
    suffix = Path(path).suffix.lower()
    if suffix == ".json" or is_zip(path):
        return "json"
    return "csv" if suffix == ".csv" else "text"


def read_bytes(path: Path | MemoryFile, what: str) -> bytes:
    """The file's bytes, refused before they are read when there are more
    than the byte limit in force (a pipe is read up to one byte past it)."""
    limit = current_limits().max_bytes
    if isinstance(path, MemoryFile):
        if len(path.data) > limit:
            raise file_too_large(path)
        return path.data
    try:
        with path.open("rb") as handle:
            return _read_capped(handle, path, limit)
    except OSError as error:
        raise ValidationError(
            [Problem(None, f"cannot read {path}: {error.strerror}", kind="file_unreadable")], what
        ) from None


def decode(data: bytes, where: str, what: str, expected: str) -> str:
    """``data`` as UTF-8 text (a BOM is dropped); empty or non-UTF-8 data is
    a one-problem ValidationError about ``what``, naming ``where`` it came from."""
    if not data.strip():
        raise ValidationError(
            [Problem(None, f"{where} is empty; expected {expected}", kind="empty_file")], what
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # The decoder counts from after a byte-order mark; the file, from its start.
        start = error.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        raise ValidationError(
            [
                Problem(
                    None,
                    f"{where} is not UTF-8 text (byte {start}: {data[start]:#04x})",
                    kind="not_utf8",
                )
            ],
            what,
        ) from None


def read_text(path: Path | MemoryFile, what: str, expected: str) -> str:
    """The text of a UTF-8 file; a missing, empty or non-UTF-8 file is a
    one-problem ValidationError about ``what``."""
    return decode(read_bytes(path, what), str(path), what, expected)


def _read_capped(handle: BinaryIO, where: object, limit: int) -> bytes:
    """At most ``limit`` bytes of ``handle``: a regular file's size is
    checked first, anything else is read up to one byte past the limit."""
    try:
        size = os.fstat(handle.fileno()).st_size
    except (OSError, ValueError, io.UnsupportedOperation):
        size = 0
    if size > limit:
        raise file_too_large(where)
    if size:
        data = handle.read()  # a regular file: its size is known
        if len(data) > limit:  # it grew meanwhile
            raise file_too_large(where)
        return data
    # A pipe, read by chunks: one read of the limit would reserve all of it.
    chunks, total = [], 0
    while chunk := handle.read(_CHUNK):
        total += len(chunk)
        if total > limit:
            raise file_too_large(where)
        chunks.append(chunk)
    return b"".join(chunks)


def read_stdin(name: str, stream: BinaryIO) -> MemoryFile:
    """Standard input (``stream``) read into memory under ``name``, up to the
    byte limit in force; a zip is recognised later by its first bytes."""
    return MemoryFile(name, _read_capped(stream, name, current_limits().max_bytes))


def is_zip(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is meant as a zip: named ``*.zip`` or starting like one.

    A file named ``.zip`` that is not a readable archive is then reported as a
    broken zip, not as JSON that is "not UTF-8". A missing file is not a zip
    (its reader reports it missing), and neither is a pipe, whose bytes can
    be read only once (``<(cat submission.json)``).
    """
    path = Path(path)
    if path.suffix.lower() == ".zip":
        return True
    if not path.is_file():
        return False  # a pipe or a FIFO: reading its first bytes would consume them
    try:
        with path.open("rb") as handle:
            return handle.read(4) in ZIP_MAGIC
    except OSError:
        return False


def is_zip_bytes(data: bytes) -> bool:
    """Whether bytes already read (standard input) start like a zip."""
    return data[:4] in ZIP_MAGIC
