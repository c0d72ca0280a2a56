"""The package's exceptions and problem records."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MAX_LISTED", "Problem", "ValidationError", "raise_if_any"]

#: How many problems an error message lists before "and N more".
MAX_LISTED = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: the clip it concerns (if any) and why."""

    clip: str | None
    message: str

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


def raise_if_any(problems: list[tuple[str | None, str]] | list[Problem], what: str) -> None:
    """Raises a ValidationError listing ``problems`` unless there are none."""
    if problems:
        raise ValidationError(
            [p if isinstance(p, Problem) else Problem(*p) for p in problems], what
        )
