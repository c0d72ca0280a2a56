"""blemore_fast: exact, fast scoring and statistics for the BlEmoRe challenge.

>>> import blemore_fast
>>> blemore_fast.score({"A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]})
Score(presence=1.0000 [1/1], salience=0.0000 [0/0], mean=0.5000)
"""

from ._core import __version__
from .errors import Problem, ValidationError
from .filenames import ClipName, labels_from_filenames, parse_filename
from .scoring import CELLS, EMOTIONS, Aligned, Encoded, Score, align, encode_labels, score
from .stats import BootstrapResult, Comparison, Interval, bootstrap, compare

__all__ = [
    "CELLS",
    "EMOTIONS",
    "Aligned",
    "BootstrapResult",
    "ClipName",
    "Comparison",
    "Encoded",
    "Interval",
    "Problem",
    "Score",
    "ValidationError",
    "__version__",
    "align",
    "bootstrap",
    "compare",
    "encode_labels",
    "labels_from_filenames",
    "parse_filename",
    "score",
]
