"""Statistics: bootstrap intervals of both metrics and paired comparisons.

- :func:`bootstrap` (``bootstrap.py``): intervals at clip or cluster level;
- :func:`compare` (``compare.py``): the paired test of two systems;
- :func:`leaderboard` (``leaderboard.py``): many systems ranked, with
  confidence sets for the ranks (``rank_sets.py``, ``rank_bootstrap.py``,
  the result in ``board.py``);
- :func:`plan` (``plan.py``): how many actors a test set needs;
- ``intervals.py``: the result types; ``clusters.py``: which clips are
  resampled together (actors by :mod:`blemore_fast.actors`);
  ``_options.py``: the shared options, checked once.
"""

from ._options import METHODS
from .board import Leaderboard
from .bootstrap import bootstrap
from .compare import compare
from .intervals import STATISTICS, BootstrapResult, Comparison, Interval
from .leaderboard import leaderboard
from .plan import Plan, plan

__all__ = [
    "METHODS",
    "STATISTICS",
    "BootstrapResult",
    "Comparison",
    "Interval",
    "Leaderboard",
    "Plan",
    "bootstrap",
    "compare",
    "leaderboard",
    "plan",
]
