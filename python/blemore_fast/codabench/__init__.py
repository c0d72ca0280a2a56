"""The challenge on Codabench: the scoring program and the competition bundle.

- :mod:`.program`: the scoring program Codabench runs on each submission
  (``blemore-fast codabench score INPUT OUTPUT``, also
  ``python -m blemore_fast.codabench score INPUT OUTPUT``);
- :mod:`.bundle`: the bundle organisers upload to create the benchmark
  (``blemore-fast codabench bundle``);
- :mod:`.yaml_text`: the bundle's YAML, written without a YAML library.

Both follow Codabench's own code (codalab/codabench: the compute worker's
``compute_worker/compute_worker.py``, the bundle unpacker in
``src/apps/competitions/``); each module says what it relies on. The
verdict itself is platform-neutral: :mod:`blemore_fast.challenge`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .bundle import COMMAND, DEFAULT_IMAGE, DEFAULT_TITLE, LEADERBOARD, build_bundle
    from .program import (
        DETAILS_FILE,
        REFERENCE_FILE,
        SCORES_FILE,
        TRAIN_FILE,
        find_submission,
        score_folder,
    )

__all__ = [
    "COMMAND",
    "DEFAULT_IMAGE",
    "DEFAULT_TITLE",
    "DETAILS_FILE",
    "LEADERBOARD",
    "REFERENCE_FILE",
    "SCORES_FILE",
    "TRAIN_FILE",
    "build_bundle",
    "find_submission",
    "score_folder",
]

#: Each name and the module it comes from, imported on first use (PEP 562),
#: so that the command line can read `.defaults` without loading the bundle.
_LAZY = {
    "COMMAND": ".bundle",
    "DEFAULT_IMAGE": ".defaults",
    "DEFAULT_TITLE": ".defaults",
    "LEADERBOARD": ".bundle",
    "build_bundle": ".bundle",
    "DETAILS_FILE": ".program",
    "REFERENCE_FILE": ".program",
    "SCORES_FILE": ".program",
    "TRAIN_FILE": ".program",
    "find_submission": ".program",
    "score_folder": ".program",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
