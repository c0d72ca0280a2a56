"""The challenge server's default details page: scores only, nothing a label could move.

A participant sees this page after each submission, so it may depend on
two things only: the submission itself, and the per-actor totals (each
actor's clips, blends, presence hits and salience hits). Its arguments are
exactly those, computed:

- ``score``: the overall totals, sums of the per-actor ones;
- ``intervals``: cluster-t over actors, which reads the per-actor totals
  alone;
- ``predicted``: the submission's own encoded predictions, shown as the
  count of each predicted class;
- ``baselines``: the trivial baselines, the same for every submission;
- ``about``: the sentence on the intervals, built from the same totals.

No clip, no label class and no category breakdown reaches it, so no
sequence of uploads can read a label off it: two uploads with the same
per-actor totals and the same predicted classes get the same page, byte for
byte (no timestamp, no image, a fixed order).

>>> from blemore_fast import encode_labels
>>> predicted_classes(encode_labels(["A1_ang_int1_ver1", "A2_ang_int1_ver1"])).to_dict("list")
{'predicted class': ['ang'], 'clips': [2], 'share': [1.0]}
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from ..encoded import Encoded
from ..scoring import Score
from ..stats.intervals import BootstrapResult
from .baselines import Baselines
from .classes import LABEL_CLASSES, OTHER, class_index

# The general report's building blocks: one look for both pages.
from .page import _baselines_section, _describe, _page, _scores_section, _table

__all__ = ["predicted_classes", "scores_page"]


def predicted_classes(predicted: Encoded) -> pd.DataFrame:
    """How many clips the submission puts in each class (the 36 label classes,
    then ``other``), in that fixed order, leaving out classes it never predicts."""
    counts = np.bincount(class_index(predicted), minlength=len(LABEL_CLASSES) + 1)
    names = [*LABEL_CLASSES, OTHER]
    used = np.flatnonzero(counts)
    return pd.DataFrame(
        {
            "predicted class": [names[i] for i in used],
            "clips": counts[used],
            "share": counts[used] / max(len(predicted), 1),
        }
    )


def scores_page(
    score: Score,
    intervals: BootstrapResult,
    predicted: Encoded,
    *,
    baselines: Baselines | None = None,
    about: str | None = None,
    title: str = "BlEmoRe: detailed results",
) -> str:
    """The details page of one submission from its totals, its intervals and
    its own predictions (see the module's notes for why nothing else)."""
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="meta">{html.escape(_describe(score))}</p>',
    ]
    parts += ["<h2>Overall</h2>", _scores_section(score, {"actor-level": intervals})]
    if about:
        parts += ["<h2>About the intervals</h2>", f"<p>{html.escape(about)}</p>"]
    if baselines is not None:
        parts += _baselines_section(baselines)
    parts += [
        "<h2>Your predicted classes</h2>",
        "<p>How many clips this submission predicts in each class (<em>other</em> is any "
        "prediction outside the 36 label classes). It is read from the submission alone; "
        "scores by category are not shown while the labels are hidden.</p>",
        _table(predicted_classes(predicted)),
    ]
    return _page(title, "\n".join(parts))
