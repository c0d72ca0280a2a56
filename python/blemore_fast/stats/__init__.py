"""Statistics: bootstrap intervals of both metrics and paired comparisons.

- :func:`bootstrap` (``bootstrap.py``): intervals at clip or cluster level;
- :func:`compare` (``compare.py``): the paired test of two systems;
- ``intervals.py``: the result types; ``clusters.py``: which clips are
  resampled together (actors by :mod:`blemore_fast.actors`);
  ``_options.py``: the shared options, checked once.
"""

from ._options import METHODS
from .bootstrap import bootstrap
from .compare import compare
from .intervals import STATISTICS, BootstrapResult, Comparison, Interval

__all__ = [
    "METHODS",
    "STATISTICS",
    "BootstrapResult",
    "Comparison",
    "Interval",
    "bootstrap",
    "compare",
]
