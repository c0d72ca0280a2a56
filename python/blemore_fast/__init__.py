"""blemore_fast: exact, fast scoring and statistics for the BlEmoRe challenge.

>>> import blemore_fast
>>> blemore_fast.score({"A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]})
Score(presence=1.0000 [1/1], salience=0.0000 [0/0], mean=0.5000)
"""

from ._core import __version__
from .cli.demo import run_demo
from .encoded import CELLS, EMOTIONS, Encoded
from .errors import Problem, ValidationError
from .filenames import ClipName, labels_from_filenames, parse_filename
from .probs import ProbTable, read_probs
from .report import LABEL_CLASSES, Baselines, baselines, breakdown, confusion
from .report.page import html_report
from .scoring import Aligned, Score, align, encode_labels, score
from .stats import BootstrapResult, Comparison, Interval, bootstrap, compare
from .submission import check_submission, read_submission, write_submission
from .training import Accumulator, GridResult, decode, grid_search

__all__ = [
    "CELLS",
    "EMOTIONS",
    "LABEL_CLASSES",
    "Accumulator",
    "Aligned",
    "Baselines",
    "BootstrapResult",
    "ClipName",
    "Comparison",
    "Encoded",
    "GridResult",
    "Interval",
    "ProbTable",
    "Problem",
    "Score",
    "ValidationError",
    "__version__",
    "align",
    "baselines",
    "bootstrap",
    "breakdown",
    "check_submission",
    "compare",
    "confusion",
    "decode",
    "encode_labels",
    "grid_search",
    "html_report",
    "labels_from_filenames",
    "parse_filename",
    "read_probs",
    "read_submission",
    "run_demo",
    "score",
    "write_submission",
]
