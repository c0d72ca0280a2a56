"""Checks the command makes before calling the library, in its own words.

The library's errors name its Python arguments (``cluster='actor'``,
``preds_a``, ``by=``), as a Python caller needs. The command checks the same
things first and speaks of its own options (``--cluster actor``, ``A`` and
``B``, ``--by``), so that no Python parameter name reaches the terminal.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .. import _core
from ..actors import clip_actors
from ..errors import Problem, raise_if_any
from ..scoring import Aligned

__all__ = [
    "check_actor_clusters",
    "check_groups",
    "check_same_clips",
    "interval_unit",
]

_ACTORS_HINT = ", such as the dataset's clips.csv, with --labels"
#: How to get actor-level intervals, in the command's terms.
_GIVE_ACTORS = (
    "give --labels a table with an 'actor' column, such as the dataset's clips.csv; "
    "--cluster clip asks for clips without this warning"
)


def check_actor_clusters(aligned: Aligned) -> None:
    """Every clip has an actor to resample by (``--cluster actor``)."""
    clip_actors(aligned.names, aligned.metadata, what="--cluster actor", hint=_ACTORS_HINT)


def interval_unit(args: argparse.Namespace, aligned: Aligned) -> str | None:
    """The unit of the intervals: ``"actor"`` (about new actors) or None (these
    clips). ``--cluster`` decides; without it, the library's
    ``cluster="auto"`` rule (:func:`blemore_fast.stats.clusters.interval_unit`):
    actors when every clip's actor can be read, else clips with a
    ClipLevelWarning that says how to give actors."""
    if args.cluster == "clip":
        return None
    if args.cluster == "actor":
        check_actor_clusters(aligned)
        return "actor"
    from ..stats.clusters import interval_unit as auto_unit  # the statistics load on use

    return auto_unit(aligned, give_actors=_GIVE_ACTORS)


def check_groups(aligned: Aligned, groups: Sequence[str]) -> None:
    """The ``--by`` groups read from clip names can be read from these names."""
    if "actor" in groups:
        clip_actors(
            aligned.names,
            aligned.metadata,
            what="--by actor",
            hint=f"{_ACTORS_HINT}, or leave actor out of --by",
        )
    for group in ("intensity", "situation"):
        if group in groups:
            bad = [n for n in aligned.names or () if not _parses(n)]
            if bad:
                raise ValueError(
                    f"--by {group} reads the clip names, but {len(bad):,} of them are not in "
                    f"the dataset's scheme (first: {bad[0]!r}); leave {group} out of --by"
                )


def _parses(name: str) -> bool:
    try:
        _core.parse_clip_name(name)
    except (ValueError, TypeError):
        return False
    return True


def check_same_clips(a: Aligned, b: Aligned, names: tuple[str, str]) -> None:
    """A and B predict the same clips; each clip only one of them has is a problem."""
    if a.names is None or b.names is None or a.names == b.names:
        return
    in_a, in_b = set(a.names), set(b.names)
    problems = [
        Problem(clip, f"predicted in A ({names[0]}) but not in B ({names[1]})", kind="missing_clip")
        for clip in a.names
        if clip not in in_b
    ]
    problems += [
        Problem(clip, f"predicted in B ({names[1]}) but not in A ({names[0]})", kind="missing_clip")
        for clip in b.names
        if clip not in in_a
    ]
    raise_if_any(problems, "predictions of A and B, which must cover the same clips")
