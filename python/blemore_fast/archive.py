"""Submission zips: the one JSON file inside an upload.

Participants upload a zip to Codabench. The compute worker unzips it and the
scoring program finds its files under ``/app/input/res`` (codalab/codabench,
``compute_worker/compute_worker.py``: ``_get_bundle`` extracts each zip with
``ZipFile.extractall``; results submissions reach the scoring step as
``input/res``). The challenge's upload holds one JSON file of any name: the
official template, ``submission_template_codabench.zip``, holds
``submission_template.json``.

This module only finds that member and hands back its bytes; reading and
checking the JSON is :func:`blemore_fast.inputs.read_json`'s job, the same
for a zip member as for a file. It also writes the upload: one JSON member,
deflated.

A member counts as JSON when its name ends in ``.json`` (any case). Folders,
and the files macOS adds to the zips it makes (``__MACOSX/``, ``._*``,
``.DS_Store``), never count, so a zip made in the Finder reads like any
other. Other files are allowed beside the JSON (Codabench itself adds a
``metadata`` file to the folder it scores).
"""

from __future__ import annotations

import io
import os
import time
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from .errors import Problem, ValidationError

__all__ = ["is_zip", "pick_json", "read_json_member", "zip_files", "zip_one"]

# A zip starts with a local file header, or (when empty) with the end record.
_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_LISTED = 10  # member names shown in an error before "and N more"


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
            return handle.read(4) in _MAGIC
    except OSError:
        return False


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


def read_json_member(path: str | os.PathLike[str]) -> tuple[str, bytes]:
    """The name and bytes of the one JSON member of the zip at ``path``.

    Every failure is one :class:`~blemore_fast.ValidationError` problem naming
    the file: unreadable, not a zip (or truncated), no JSON member, several,
    or a member that cannot be extracted (damaged, encrypted).
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            member = pick_json(archive.namelist(), str(path))
            return member, archive.read(member)
    except OSError as error:
        message = f"cannot read {path}: {error.strerror or error}"
        raise ValidationError([Problem(None, message, kind="file_unreadable")], "file") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as error:
        # BadZipFile: not a zip, truncated, bad CRC; RuntimeError: encrypted;
        # NotImplementedError: a compression method Python cannot read.
        message = f"{path} is not a readable zip archive: {error}"
        raise ValidationError([Problem(None, message, kind="invalid_zip")], "file") from None


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
