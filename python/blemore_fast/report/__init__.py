"""Where a model fails: breakdowns by category, the confusion matrix, baselines, the page.

- ``classes.py``: the 36 label classes and each clip's class;
- ``breakdown.py``: :func:`breakdown`, scores per category;
- ``confusion.py``: :func:`confusion`, label classes against predicted ones;
- ``baselines.py``: :func:`baselines`, the challenge's trivial baselines;
- ``page.py``: :func:`~blemore_fast.html_report`, one self-contained HTML page;
- ``plot.py``: the matplotlib figures (``pip install 'blemore-fast[plot]'``).

The page and the plots are imported only when used (``blemore_fast.html_report``,
``from blemore_fast.report import plot``), so the tables need neither.
"""

from .baselines import Baselines, baselines
from .breakdown import GROUPS, REPORT_GROUPS, breakdown, report_groups
from .classes import BLEND_PAIRS, LABEL_CLASSES, OTHER, RATIOS, class_index
from .confusion import confusion

__all__ = [
    "BLEND_PAIRS",
    "GROUPS",
    "LABEL_CLASSES",
    "OTHER",
    "RATIOS",
    "REPORT_GROUPS",
    "Baselines",
    "baselines",
    "breakdown",
    "class_index",
    "confusion",
    "report_groups",
]
