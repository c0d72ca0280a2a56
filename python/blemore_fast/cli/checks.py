"""Checks the command makes before calling the library, in its own words.

The library's errors name its Python arguments (``cluster='actor'``,
``preds_a``, ``by=``), as a Python caller needs. The command checks the same
things first and speaks of its own options (``--cluster actor``, ``A`` and
``B``, ``--by``), so that no Python parameter name reaches the terminal.
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Sequence

from .. import _core
from ..actors import clip_actors
from ..errors import Problem, raise_if_any
from ..scoring import Aligned

__all__ = [
    "ENOUGH_RESAMPLES",
    "check_actor_clusters",
    "check_groups",
    "check_same_clips",
    "interval_unit",
    "warn_few_resamples",
]

#: Fewer resamples than this give intervals whose ends move from run to run
#: (Efron and Tibshirani's advice: about 1,000 for percentile and basic
#: intervals, more for BCa, whose ends sit further in the tails).
ENOUGH_RESAMPLES = {"percentile": 1_000, "basic": 1_000, "bca": 2_000}

_ACTORS_HINT = ", such as the dataset's clips.csv, with --labels"


def warn_few_resamples(args: argparse.Namespace, cluster: str | None = None) -> None:
    """Warns when ``--bootstrap B`` is too few for the interval method (the
    default over actors, cluster-t, draws no resamples)."""
    n = args.bootstrap
    method = args.method or ("cluster-t" if cluster else "percentile")
    enough = ENOUGH_RESAMPLES.get(method)
    if n and enough and n < enough:
        warnings.warn(
            f"--bootstrap {n:,} is too few resamples for {method} intervals: their ends are "
            f"read from the tails of {n:,} replicates and change from seed to seed (a tiny B "
            f"can even give an interval without its own estimate); use at least {enough:,}",
            UserWarning,
            stacklevel=2,
        )


def check_actor_clusters(aligned: Aligned) -> None:
    """Every clip has an actor to resample by (``--cluster actor``)."""
    clip_actors(aligned.names, aligned.metadata, what="--cluster actor", hint=_ACTORS_HINT)


def interval_unit(args: argparse.Namespace, aligned: Aligned) -> str | None:
    """The unit of the intervals: ``"actor"`` (about new actors) or None (these
    clips). ``--cluster`` decides; without it, actors when every clip's actor
    can be read (the labels' actor column, or clip names in the dataset's
    scheme), else clips."""
    if args.cluster == "clip":
        return None
    if args.cluster == "actor":
        check_actor_clusters(aligned)
        return "actor"
    try:
        clip_actors(aligned.names, aligned.metadata)
    except ValueError:
        return None
    return "actor"


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
