"""The package's exceptions and problem records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["GENERIC_KIND", "MAX_LISTED", "Problem", "ValidationError", "raise_if_any"]

#: How many problems an error message lists before "and N more".
MAX_LISTED = 20


#: The kind of the problems that have no code of their own yet (those the
#: Python layer finds); the native core's problems carry theirs.
GENERIC_KIND = "invalid_input"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: the clip it concerns (if any), why, and
    ``kind``, a stable code such as ``"unknown_emotion"`` for programs to
    branch on (the message's wording may change; the kind does not)."""

    clip: str | None
    message: str
    kind: str = GENERIC_KIND

    @classmethod
    def _from_core(cls, problem: tuple[str | None, str, str]) -> Problem:
        """A problem from the native core's ``(clip, kind, message)`` tuple."""
        clip, kind, message = problem
        return cls(clip, message, kind)

    def __str__(self) -> str:
        return f"{self.clip}: {self.message}" if self.clip is not None else self.message


class ValidationError(ValueError):
    """Invalid predictions or labels. ``.problems`` lists every problem found.

    The message shows the first 20, then "and N more".
    """

    def __init__(self, problems: list[Problem], what: str = "input") -> None:
        self.problems = list(problems)
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} in the {what}:"]
        lines += [f"  - {p}" for p in self.problems[:MAX_LISTED]]
        if count > MAX_LISTED:
            lines.append(f"  ... and {count - MAX_LISTED} more (see .problems)")
        super().__init__("\n".join(lines))


def raise_if_any(
    problems: Sequence[tuple[str | None, str, str]] | Sequence[Problem], what: str
) -> None:
    """Raises a ValidationError listing ``problems`` (Problems, or the native
    core's ``(clip, kind, message)`` tuples) unless there are none."""
    if problems:
        raise ValidationError(
            [p if isinstance(p, Problem) else Problem._from_core(p) for p in problems], what
        )
