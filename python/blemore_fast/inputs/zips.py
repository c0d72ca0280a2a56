"""Zips: the one JSON file inside an upload, read within the limits.

Participants upload a zip to Codabench. The compute worker unzips it and the
scoring program finds its files under ``/app/input/res`` (codalab/codabench,
``compute_worker/compute_worker.py``: ``_get_bundle`` extracts each zip with
``ZipFile.extractall``; results submissions reach the scoring step as
``input/res``). The challenge's upload holds one JSON file of any name: the
official template, ``submission_template_codabench.zip``, holds
``submission_template.json``.

This module only finds that member and hands back its bytes; reading and
checking the JSON is :func:`blemore_fast.inputs.read_json`'s job, the same
for a zip member as for a file. The member is refused by its declared size
when it is larger than the limit in force, and its bytes are counted again
as they are inflated, stopping at the limit (a zip may lie about a
member's size). It also writes the upload: one JSON member, deflated.

A member counts as JSON when its name ends in ``.json`` (any case). Folders,
and the files macOS adds to the zips it makes (``__MACOSX/``, ``._*``,
``.DS_Store``), never count, so a zip made in the Finder reads like any
other. Other files are allowed beside the JSON, except in an upload:
:func:`upload_layout_problems` holds it to the one layout Codabench scores
as results, which its compute worker would otherwise run as code or drop
(``compute_worker/compute_worker.py``, ``_run_program_directory``: a
top-level ``metadata.yaml`` or ``metadata`` makes the upload a program).
"""

from __future__ import annotations

import io
import os
import time
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from ..errors import Problem, ValidationError
from .files import MemoryFile, is_zip, is_zip_bytes
from .limits import current_limits, file_too_large

__all__ = [
    "is_zip",
    "pick_json",
    "read_json_member",
    "upload_layout_problems",
    "upload_zip_problems",
    "zip_files",
    "zip_one",
]

# Inflated bytes are read by this much at a time, and counted.
_CHUNK = 1 << 20
_LISTED = 10  # member names shown in an error before "and N more"


def _ignored(name: str) -> bool:
    """Folders and the metadata macOS adds to zips: never a submission file."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return (
        name.endswith(("/", "\\"))
        or not parts
        or "__MACOSX" in parts
        or parts[-1].startswith("._")
        or parts[-1] == ".DS_Store"
    )


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:_LISTED])
    return shown + (f" and {len(names) - _LISTED} more" if len(names) > _LISTED else "")


def pick_json(names: Iterable[str], where: str) -> str:
    """The one JSON file among ``names`` (member names, or paths in a folder).

    Raises :class:`~blemore_fast.ValidationError` naming what was found when
    there is no JSON file or more than one.

    Examples
    --------
    >>> pick_json(["__MACOSX/._sub.json", "sub.json", "README.txt"], "sub.zip")
    'sub.json'
    """
    files = [n for n in names if not _ignored(n)]
    candidates = [n for n in files if n.lower().endswith(".json")]
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        message = (
            f"{where} holds {len(candidates)} JSON files ({_listing(candidates)}); "
            "a submission holds exactly one"
        )
        raise ValidationError([Problem(None, message, kind="several_json_files")], "submission")
    if not files:
        message = f"{where} is empty; a submission holds one JSON file"
    else:
        message = f"{where} holds no JSON file (found {_listing(files)})"
        if any(n.lower().endswith(".zip") for n in files):
            message += "; a zip inside the zip: zip the JSON file itself"
    raise ValidationError([Problem(None, message, kind="no_json_file")], "submission")


def read_json_member(source: str | os.PathLike[str] | MemoryFile) -> tuple[str, bytes]:
    """The name and bytes of the one JSON member of the zip ``source`` (a
    path, or a :class:`~blemore_fast.inputs.MemoryFile` of a zip's bytes).

    Every failure is one :class:`~blemore_fast.ValidationError` problem naming
    the file: unreadable, not a zip (or truncated), no JSON member, several,
    a member that cannot be extracted (damaged, encrypted), or one larger
    than the byte limit in force (``too_large``), by its declared size or
    by the bytes it inflates to.
    """
    opened = io.BytesIO(source.data) if isinstance(source, MemoryFile) else Path(source)
    where = str(source)
    try:
        with zipfile.ZipFile(opened) as archive:
            member = pick_json(archive.namelist(), where)
            return member, _inflate(archive, member, where)
    except OSError as error:
        message = f"cannot read {where}: {error.strerror or error}"
        raise ValidationError([Problem(None, message, kind="file_unreadable")], "file") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as error:
        # BadZipFile: not a zip, truncated, bad CRC; RuntimeError: encrypted;
        # NotImplementedError: a compression method Python cannot read.
        message = f"{where} is not a readable zip archive: {error}"
        raise ValidationError([Problem(None, message, kind="invalid_zip")], "file") from None


def _inflate(archive: zipfile.ZipFile, member: str, where: str) -> bytes:
    """The member's bytes, refused by its declared size, then counted as they
    are inflated and refused at the first byte past the limit."""
    limit = current_limits().max_bytes
    info = archive.getinfo(member)
    shown = f"{member} in {where}"
    if info.file_size > limit:
        raise file_too_large(shown)
    chunks = []
    total = 0
    with archive.open(info) as handle:
        while chunk := handle.read(_CHUNK):
            total += len(chunk)
            if total > limit:
                raise file_too_large(shown)
            chunks.append(chunk)
    return b"".join(chunks)


def upload_layout_problems(names: Iterable[str], where: str) -> list[Problem]:
    """What Codabench's layout rules refuse in an upload holding ``names``
    (member names, or paths under the unzipped folder): a top-level
    ``metadata`` or ``metadata.yaml``, which the compute worker would run as
    a program, and any layout but one JSON file at the top or inside a
    single folder. One problem naming what was found, or none.

    >>> upload_layout_problems(["sub/predictions.json"], "up.zip")
    []
    >>> upload_layout_problems(["metadata", "sub.json"], "up.zip")[0].kind
    'upload_layout'
    """
    files = [n.replace("\\", "/") for n in names if not _ignored(n)]
    code = [n for n in files if n in ("metadata", "metadata.yaml")]
    if code:
        message = (
            f"{where} holds a top-level {code[0]}: Codabench would run the upload as code "
            "instead of scoring it; remove that file"
        )
        return [Problem(None, message, kind="upload_layout")]
    if sum(n.lower().endswith(".json") for n in files) != 1:
        return []  # none, or several: pick_json says which
    if len(files) == 1 and files[0].count("/") <= 1:
        return []
    message = (
        f"{where} holds {_listing(sorted(files))}; an upload holds one JSON file, at the top "
        "of the zip or inside a single folder"
    )
    return [Problem(None, message, kind="upload_layout")]


def upload_zip_problems(source: str | os.PathLike[str] | MemoryFile) -> list[Problem]:
    """:func:`upload_layout_problems` of the zip ``source`` (a path, or a
    :class:`~blemore_fast.inputs.MemoryFile` of its bytes). A file that is
    no zip, or no readable one, has none here: its reader says what it is."""
    if isinstance(source, MemoryFile):
        if not is_zip_bytes(source.data):
            return []
        opened: Path | io.BytesIO = io.BytesIO(source.data)
    elif is_zip(source):
        opened = Path(source)
    else:
        return []
    try:
        with zipfile.ZipFile(opened) as archive:
            return upload_layout_problems(archive.namelist(), str(source))
    except (OSError, zipfile.BadZipFile):
        return []


def zip_files(files: Mapping[str, bytes]) -> bytes:
    """A zip archive of ``files`` (member name to content): deflated, dated
    now, each readable by everyone once extracted."""
    now = time.localtime()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=now)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def zip_one(member: str, data: bytes) -> bytes:
    """A zip archive holding one file, ``member``, with ``data``: the upload."""
    return zip_files({member: data})
