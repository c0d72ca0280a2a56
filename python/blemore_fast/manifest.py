"""Expected clip names: the official test manifest, and names checked against it.

The challenge's Codabench test set has 594 clips under anonymised names,
``test_0001.mov`` to ``test_0594.mov``, in that order in the public upload
template (BlEmoRe/blemore-common, ``data/submission_template.json``).
:data:`TEST_NAMES` generates them; a test checks them against the template.

:func:`coverage_problems` lists the names a submission lacks and the names
it should not have, each with the nearest valid name: a name written
``test_1.mov``, ``test_0001.mp4`` or ``TEST_0001.MOV`` is most likely meant
as ``test_0001.mov``.

>>> TEST_NAMES[0], TEST_NAMES[-1], len(TEST_NAMES)
('test_0001.mov', 'test_0594.mov', 594)
>>> [str(p) for p in coverage_problems(["test_1.mov", *TEST_NAMES[1:]], TEST_NAMES)]
["test_1.mov: clip is not in the expected names (did you mean 'test_0001.mov'?)", "test_0001.mov: expected clip has no prediction (misspelt as 'test_1.mov'?)"]
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from .errors import Problem

__all__ = ["SPELLING_PAIRS", "TEST_NAMES", "coverage_problems", "nearest_name"]

#: The official test set's 594 clip names, in the template's order.
TEST_NAMES: tuple[str, ...] = tuple(f"test_{i:04d}.mov" for i in range(1, 595))

_NUMBER = re.compile(r"\d+")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")


def _canonical(name: str) -> str:
    """What a name says once case, extension and zero padding are ignored."""
    stem = _EXTENSION.sub("", name.strip().lower())
    return _NUMBER.sub(lambda m: str(int(m.group())), stem)


class _Index:
    """Candidates looked up by canonical form, and by spelling when few."""

    def __init__(self, candidates: Sequence[str], spell: bool) -> None:
        self.by_form: dict[str, list[str]] = {}
        for candidate in candidates:
            self.by_form.setdefault(_canonical(candidate), []).append(candidate)
        self.lowered = {c.lower(): c for c in candidates} if spell else {}

    def nearest(self, name: str) -> str | None:
        same = self.by_form.get(_canonical(name), [])
        if len(same) == 1:
            return same[0]
        close = difflib.get_close_matches(name.lower(), list(self.lowered), n=1, cutoff=0.75)
        return self.lowered[close[0]] if close else None


def nearest_name(name: str, candidates: Sequence[str]) -> str | None:
    """The candidate ``name`` most likely stands for, or None.

    A candidate equal to ``name`` up to case, extension and zero padding
    wins; otherwise the closest spelling (``difflib``, similarity at least
    0.75), ignoring case.

    Examples
    --------
    >>> nearest_name("test_0001.mp4", ["test_0001.mov", "test_0002.mov"])
    'test_0001.mov'
    >>> nearest_name("A101_ang_int1_ver1", ["test_0001.mov"]) is None
    True
    """
    return _Index(candidates, spell=True).nearest(name)


#: Spelling comparisons (unexpected x missing names) beyond which only case,
#: extension and zero padding are matched: names that differ wholesale (a
#: submission under the dataset's real names, say) are not typos, and
#: comparing every pair would take seconds.
SPELLING_PAIRS = 20_000


def coverage_problems(predicted: Iterable[str], expected: Iterable[str]) -> list[Problem]:
    """Every predicted name that is not expected (``unexpected_clip``) and
    every expected name without a prediction (``missing_clip``), in that
    order; each with its nearest counterpart when one is close: an
    unexpected name may be a misspelling of a missing one."""
    names = list(predicted)
    wanted = list(dict.fromkeys(expected))
    wanted_set, given = set(wanted), set(names)
    missing = [n for n in wanted if n not in given]
    unexpected = [n for n in names if n not in wanted_set]
    index = _Index(missing, spell=len(unexpected) * len(missing) <= SPELLING_PAIRS)
    problems: list[Problem] = []
    misspelt: dict[str, str] = {}
    for name in unexpected:
        guess = index.nearest(name) if isinstance(name, str) else None
        hint = f" (did you mean {guess!r}?)" if guess else ""
        if guess:
            misspelt.setdefault(guess, name)
        problems.append(
            Problem(name, f"clip is not in the expected names{hint}", kind="unexpected_clip")
        )
    for name in missing:
        hint = f" (misspelt as {misspelt[name]!r}?)" if name in misspelt else ""
        problems.append(
            Problem(name, f"expected clip has no prediction{hint}", kind="missing_clip")
        )
    return problems
