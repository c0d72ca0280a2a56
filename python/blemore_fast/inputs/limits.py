"""Limits on what a reader takes in, checked before anything is read into memory.

A file is refused by its size (a zip member by its declared size, and its
bytes counted again while they are inflated), a submission by its number
of clips as they are read, and any string longer than 1,024 characters as
soon as the native reader sees it. Crossing a limit is one problem of kind
``too_large`` that names the limit and how to raise it.

The defaults are generous, for researchers who score their own large
files: 1 GiB and 10,000,000 clips. :func:`input_limits` changes them for
the code it wraps; the command line's ``--max-bytes`` and ``--max-clips``
do the same. Where a participant's upload is read (the scoring program,
``validate --codabench`` or ``--manifest``, EvalAI's ``evaluate``), the
limits are strict: 64 MiB and the expected clips plus 10%
(:func:`upload_limits`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

from ..errors import Problem, ValidationError

__all__ = [
    "MAX_NAME_CHARS",
    "UPLOAD_BYTES",
    "UPLOAD_SLACK_DIVISOR",
    "Limits",
    "current_limits",
    "file_too_large",
    "input_limits",
    "size_text",
    "too_large",
    "upload_limits",
]

#: The longest clip name (or any other string of a submission), in characters.
MAX_NAME_CHARS = 1024
#: The most bytes of an upload by default: its file, or its zip member.
UPLOAD_BYTES = 64 << 20
#: An upload may hold the expected clips plus one in this many (10%, rounded up).
UPLOAD_SLACK_DIVISOR = 10


@dataclass(frozen=True)
class Limits:
    """The limits on what the readers take in.

    Parameters
    ----------
    max_bytes : int
        The most bytes a file may hold (a zip's JSON member: its declared
        size, and the bytes it inflates to); default 1 GiB.
    max_clips : int
        The most clips a submission file may hold; default 10,000,000.
    raise_bytes, raise_clips : str
        How a user raises each limit, said in its ``too_large`` message.
    max_reread_bytes : int
        The largest file Python's ``json`` reads again to name the keys it
        gives twice (it takes several times the file's size in memory);
        a larger one gets one problem that names none. Default: no limit
        beyond ``max_bytes``; 8 MiB for an upload.

    Raises
    ------
    ValueError
        When a limit is not a positive integer.

    Examples
    --------
    >>> Limits().max_clips
    10000000
    >>> upload_limits(594).max_clips  # the expected clips plus 10%
    654
    """

    max_bytes: int = 1 << 30
    max_clips: int = 10_000_000
    raise_bytes: str = "raise it with blemore_fast.input_limits(max_bytes=...)"
    raise_clips: str = "raise it with blemore_fast.input_limits(max_clips=...)"
    max_reread_bytes: int = 1 << 62

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_clips"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")


# Limits is frozen, so one default instance is safe to share.
_CURRENT: ContextVar[Limits] = ContextVar("blemore_fast_input_limits", default=Limits())  # noqa: B039


def current_limits() -> Limits:
    """The limits in force here."""
    return _CURRENT.get()


@contextmanager
def input_limits(
    max_bytes: int | None = None, max_clips: int | None = None, *, limits: Limits | None = None
) -> Iterator[Limits]:
    """Changes the limits on what the readers take in, for the code it wraps.

    Parameters
    ----------
    max_bytes : int, optional
        The most bytes a file (or a zip's JSON member) may hold; default
        1 GiB. A larger file is refused before it is read.
    max_clips : int, optional
        The most clips a submission file may hold; default 10,000,000.
    limits : Limits, optional
        All of them at once, as a :class:`Limits` (the two above, given
        too, replace its values).

    Returns
    -------
    contextlib.AbstractContextManager of Limits
        A context manager; ``with ... as limits`` gives the limits in force
        inside the block, and the earlier ones return when it ends.

    Examples
    --------
    >>> import blemore_fast as bf
    >>> with bf.input_limits(max_bytes=2 << 30) as limits:
    ...     limits.max_bytes
    2147483648
    """
    base = limits if limits is not None else current_limits()
    changes = {
        k: v for k, v in (("max_bytes", max_bytes), ("max_clips", max_clips)) if v is not None
    }
    token = _CURRENT.set(replace(base, **changes))  # type: ignore[arg-type]
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def upload_limits(expected_clips: int, max_bytes: int = UPLOAD_BYTES) -> Limits:
    """The limits on a participant's upload: ``max_bytes`` (64 MiB unless the
    organiser says otherwise) and the expected clips plus 10%."""
    return Limits(
        max_bytes=max_bytes,
        max_clips=expected_clips + -(-expected_clips // UPLOAD_SLACK_DIVISOR),
        raise_bytes="the organiser raises it with --max-bytes",
        raise_clips=f"an upload holds at most the {expected_clips:,} expected clips plus 10%",
        max_reread_bytes=8 << 20,
    )


def size_text(n: int) -> str:
    """``64 MiB``, ``1 GiB``, or ``1,234 bytes``: as the native reader says it."""
    for unit, name in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
        if n >= unit and n % unit == 0:
            return f"{n // unit:,} {name}"
    return f"{n:,} bytes"


def too_large(message: str, limit: str | None, what: str) -> ValidationError:
    """The one-problem error of a limit crossed: ``message`` says which
    (``limit`` is ``"bytes"``, ``"clips"`` or ``"string"``), and the
    limits in force say how to raise it."""
    limits = current_limits()
    hint = {"bytes": limits.raise_bytes, "clips": limits.raise_clips}.get(limit or "")
    text = f"{message}; {hint}" if hint else message
    return ValidationError([Problem(None, text, kind="too_large")], what)


def file_too_large(where: object) -> ValidationError:
    """The error of a file (or zip member, or stream) of more bytes than the
    limit, worded as the native reader words it."""
    limit = size_text(current_limits().max_bytes)
    return too_large(f"{where} is larger than {limit}, the size limit", "bytes", f"file {where}")
