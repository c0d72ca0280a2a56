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
