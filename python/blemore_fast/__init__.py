"""blemore_fast: exact, fast scoring and statistics for the BlEmoRe challenge.

>>> import blemore_fast
>>> blemore_fast.score({"A102_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]})
Score(presence=1.0000 [1/1], salience=0.0000 [0/0], mean=0.5000)

Scoring, decoding and submissions are imported with the package. The
statistics, the reports (with their HTML page and plots) and the demo are
imported on first use (PEP 562), so ``import blemore_fast`` stays quick for
a training loop or a command: ``blemore_fast.bootstrap`` loads
:mod:`blemore_fast.stats` the first time it is looked up.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

from ._core import __version__
from .encoded import CELLS, EMOTIONS, Encoded
from .errors import (
    PROBLEM_KINDS,
    ClipLevelWarning,
    FailedSystemsError,
    Problem,
    ValidationError,
)
from .filenames import ClipName, labels_from_filenames, parse_filename
from .inputs.limits import Limits, input_limits
from .probs import ProbTable, concat_probs, read_probs
from .scoring import Aligned, Score, align, encode_labels, score
from .submission import check_submission, read_submission, write_submission
from .training import Accumulator, GridResult, decode, grid_search

if TYPE_CHECKING:
    from .cli.demo import run_demo
    from .report.baselines import Baselines, baselines
    from .report.breakdown import breakdown
    from .report.classes import LABEL_CLASSES
    from .report.confusion import confusion
    from .report.page import html_report
    from .stats.board import Leaderboard
    from .stats.bootstrap import bootstrap
    from .stats.compare import compare
    from .stats.intervals import BootstrapResult, Comparison, Interval
    from .stats.leaderboard import leaderboard
    from .stats.plan import Plan, plan

#: Names imported on first use, and the module each comes from.
_LAZY = {
    "run_demo": ".cli.demo",
    "LABEL_CLASSES": ".report.classes",
    "Baselines": ".report.baselines",
    "baselines": ".report.baselines",
    "breakdown": ".report.breakdown",
    "confusion": ".report.confusion",
    "html_report": ".report.page",
    "BootstrapResult": ".stats.intervals",
    "Comparison": ".stats.intervals",
    "Interval": ".stats.intervals",
    "bootstrap": ".stats.bootstrap",
    "compare": ".stats.compare",
    "Leaderboard": ".stats.board",
    "leaderboard": ".stats.leaderboard",
    "Plan": ".stats.plan",
    "plan": ".stats.plan",
}
#: The package's public modules, importable as attributes (``blemore_fast.stats``).
_SUBMODULES = frozenset(
    {
        "actors",
        "archive",
        "challenge",
        "cli",
        "codabench",
        "encoded",
        "errors",
        "evalai",
        "filenames",
        "inputs",
        "manifest",
        "probs",
        "reference",
        "report",
        "scoring",
        "stats",
        "submission",
        "synthetic",
        "training",
    }
)
#: Public modules that need an extra, and the extra. ``dir()`` leaves them
#: out, so ``help()``, ``pydoc`` and ``inspect.getmembers`` never import
#: torch (6 s) nor fail without it; ``blemore_fast.torch`` still loads on use.
_EXTRA_MODULES = {"torch": "torch"}

__all__ = [
    "CELLS",
    "EMOTIONS",
    "LABEL_CLASSES",
    "PROBLEM_KINDS",
    "Accumulator",
    "Aligned",
    "Baselines",
    "BootstrapResult",
    "ClipLevelWarning",
    "ClipName",
    "Comparison",
    "Encoded",
    "FailedSystemsError",
    "GridResult",
    "Interval",
    "Leaderboard",
    "Limits",
    "Plan",
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
    "concat_probs",
    "confusion",
    "decode",
    "encode_labels",
    "grid_search",
    "html_report",
    "input_limits",
    "labels_from_filenames",
    "leaderboard",
    "parse_filename",
    "plan",
    "read_probs",
    "read_submission",
    "run_demo",
    "score",
    "write_submission",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value  # looked up once; later uses skip this hook
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    extra = _EXTRA_MODULES.get(name)
    if extra is not None:
        try:
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as error:
            missing = (error.name or "").partition(".")[0]
            if missing in ("", __name__):
                raise
            # An AttributeError, as for any attribute that is not there, so
            # that hasattr() and getattr(..., default) work without the extra.
            raise AttributeError(
                f"blemore_fast.{name} needs {missing}, which is not installed: "
                f"pip install 'blemore-fast[{extra}]'",
                name=name,
                obj=sys.modules[__name__],
            ) from error
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)
