"""Scoring on the challenge server, whatever the platform.

The platform adapters (:mod:`blemore_fast.codabench`, :mod:`blemore_fast.evalai`)
only move files; this module holds the verdict, so every platform scores a
submission the same way.

**The reference table** holds the hidden test labels: a CSV with one row per
test clip, keyed by the names participants submit (the anonymised
``test_0001.mov`` ...)::

    filename, emotion_1, emotion_2, emotion_1_salience, emotion_2_salience, actor

These are the dataset's metadata columns plus each clip's actor, which the
intervals need (a single emotion leaves ``emotion_2`` and both saliences
empty). :func:`reference_table` builds it from any labels
:func:`blemore_fast.score` accepts, renaming clips with a names map (real
name to anonymised name) when the labels use the dataset's real names.

**The verdict** (:func:`evaluate_submission`):

- the submission (JSON, or the uploaded zip) is checked strictly: the
  ``{"predictions": ...}`` wrapper, its structure, codes and saliences, clips
  named twice, and exactly one prediction for every reference clip (missing
  and unexpected names come with the nearest valid name). Any problem and it
  is not scored: every problem is listed;
- presence, salience and their mean, exactly as the published scorer;
- intervals from :func:`blemore_fast.bootstrap` with ``cluster="actor"``
  and :data:`INTERVAL_METHOD`, cluster-t (closed form, calibrated for 11
  actors; the same submission always gets the same interval). They answer:
  how would this system score on new actors like the test set's? Actors,
  not clips, are the units, because clips of one actor succeed or fail
  together. :func:`interval_method` says so in words, for the details page,
  the command's output and the bundle's evaluation page alike;
- the challenge's two trivial baselines, when train labels are given.

**The information rule.** While the labels are hidden, everything a
participant sees (scores.json, the details page, the program's output,
EvalAI's result) is a function of the submission and of the per-actor
totals only: per actor, its clips, blends, presence hits and salience hits.
The scores are sums of those totals and cluster-t reads nothing else, so
:meth:`ServerResult.details_html` builds its default page
(``details="scores"``, :func:`blemore_fast.report.scores_page.scores_page`)
from the totals, the intervals, the baselines (the same for every
submission) and the submission's own predicted classes. Nothing per
category, per label class, per actor or per clip: with such a table, 36
clips predicted as 36 different classes would read off 36 hidden labels per
upload. ``details="categories"`` adds the scores by kind, emotion, pair and
ratio and the confusion of label classes, for a phase whose labels are
public.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .actors import clip_actors
from .errors import raise_if_any
from .filenames import labels_from_filenames, parse_filename
from .inputs import METADATA_COLUMNS, input_limits, load_labels, load_predictions, upload_limits
from .inputs.limits import UPLOAD_BYTES
from .probs import apply_names_map
from .report.baselines import Baselines, baselines
from .report.page import html_report
from .report.scores_page import scores_page
from .scoring import Aligned, Score, align, encode_labels
from .stats.bootstrap import bootstrap
from .stats.intervals import STATISTICS, BootstrapResult
from .submission import check_submission

__all__ = [
    "CONFIDENCE",
    "DETAILS",
    "DETAIL_GROUPS",
    "INTERVAL_METHOD",
    "N_RESAMPLES",
    "REFERENCE_COLUMNS",
    "SCORE_KEYS",
    "SEED",
    "ServerResult",
    "check_names_are_anonymous",
    "evaluate_submission",
    "interval_method",
    "label_table",
    "reference_table",
]

#: The reference table's columns: the metadata's label columns and the actor.
REFERENCE_COLUMNS: tuple[str, ...] = (*METADATA_COLUMNS, "actor")
#: Bootstrap resamples and seed, for a resampling method (cluster-t draws none).
N_RESAMPLES, SEED = 10_000, 0
#: The leaderboard's interval method and level (see :func:`interval_method`).
INTERVAL_METHOD, CONFIDENCE = "cluster-t", 0.95
#: What the details page shows: ``"scores"`` (the default, safe while the
#: labels are hidden) or ``"categories"`` (breakdowns, for public labels).
DETAILS: tuple[str, ...] = ("scores", "categories")
#: The flat scores a leaderboard shows: each metric, then its interval bounds.
SCORE_KEYS: tuple[str, ...] = (
    *STATISTICS,
    *(f"{metric}_{bound}" for metric in STATISTICS for bound in ("low", "high")),
)
#: The breakdown of ``details="categories"``: categories of the labels, none per actor.
DETAIL_GROUPS: tuple[str, ...] = ("kind", "emotion", "pair", "ratio")


def _label_dict(labels: Any) -> tuple[dict[str, Any], pd.DataFrame | None]:
    """The label dict of any label input, and the table it came from."""
    source = load_labels(labels)
    if source.source is None:
        raise ValueError("the reference needs labels: a metadata table, a label JSON or names")
    entries = source.source
    if not isinstance(entries, dict):
        entries = labels_from_filenames(entries)
    encode_labels(entries)  # every label checked strictly before anything is written
    return entries, source.metadata


def _rows(entries: Mapping[str, Any]) -> pd.DataFrame:
    rows = []
    for name, labels in entries.items():
        first = labels[0]
        second = labels[1] if len(labels) == 2 else None
        rows.append(
            {
                "filename": name,
                "emotion_1": first["emotion"],
                "emotion_2": second["emotion"] if second else np.nan,
                "emotion_1_salience": float(first["salience"]) if second else np.nan,
                "emotion_2_salience": float(second["salience"]) if second else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=list(METADATA_COLUMNS))


def label_table(labels: Any) -> pd.DataFrame:
    """Any labels :func:`blemore_fast.score` accepts, as a metadata table:
    one row per clip, the columns ``METADATA_COLUMNS`` (a single emotion
    leaves ``emotion_2`` and both saliences empty). Every label is checked."""
    entries, _ = _label_dict(labels)
    return _rows(entries)


def reference_table(labels: Any, *, names_map: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The reference table of ``labels``: one row per clip, :data:`REFERENCE_COLUMNS`.

    ``labels`` is anything :func:`blemore_fast.score` accepts: a metadata
    table (DataFrame or CSV path) with the label columns, or with names only
    (such as the dataset's ``clips.csv``, labels then read from the names); a
    label dict or JSON; a list of names. Each clip's actor comes from the
    table's ``actor`` (or ``video_id``) column, else from its name in the
    dataset's scheme. ``names_map`` renames every clip (real name to the name
    participants submit); every clip must be in it, and no two clips may get
    one name.

    Examples
    --------
    >>> table = reference_table(
    ...     ["A101_ang_int1_ver1", "A101_mix_ang_hap_30_70_ver1"],
    ...     names_map={"A101_ang_int1_ver1": "test_0002.mov",
    ...                "A101_mix_ang_hap_30_70_ver1": "test_0001.mov"})
    >>> print(table.to_csv(index=False), end="")
    filename,emotion_1,emotion_2,emotion_1_salience,emotion_2_salience,actor
    test_0002.mov,ang,,,,A101
    test_0001.mov,ang,hap,30.0,70.0,A101
    """
    entries, metadata = _label_dict(labels)
    names = list(entries)
    table = _rows(entries)
    table["actor"] = [
        str(actor)
        for actor in clip_actors(
            names,
            None if metadata is None else metadata.loc[names],
            what="the reference table",
            hint=" (or a clips.csv-style table with filename and actor)",
        )
    ]
    if names_map is not None:
        table["filename"] = apply_names_map(names, names_map)
    return table


@dataclass(frozen=True)
class ServerResult:
    """The verdict on one submission: its score, its actor-level intervals,
    the clips as aligned (kept for the details page), and the baselines."""

    score: Score
    intervals: BootstrapResult
    aligned: Aligned
    baselines: Baselines | None = None

    def scores(self) -> dict[str, float]:
        """The flat scores, keyed by :data:`SCORE_KEYS`: ``presence``,
        ``salience``, ``mean``, then ``presence_low``, ``presence_high``..."""
        values = {metric: float(getattr(self.score, metric)) for metric in STATISTICS}
        for metric in STATISTICS:
            interval = getattr(self.intervals, metric)
            values[f"{metric}_low"] = float(interval.low)
            values[f"{metric}_high"] = float(interval.high)
        return {key: values[key] for key in SCORE_KEYS}

    def describe_intervals(self) -> str:
        """One sentence on the intervals: the question, level, method, how many
        actors (:func:`interval_method`)."""
        return interval_method(self.intervals.n_units)

    def details_html(
        self, title: str = "BlEmoRe: detailed results", *, details: str = "scores"
    ) -> str:
        """The details page. ``"scores"`` (the default) follows the information
        rule (see the module's notes); ``"categories"`` adds the scores by
        category and the confusion of label classes, for public labels only."""
        if details == "scores":
            return scores_page(
                self.score,
                self.intervals,
                self.aligned.pred,
                baselines=self.baselines,
                about=self.describe_intervals(),
                title=title,
            )
        if details != "categories":
            raise ValueError(f"details must be one of {', '.join(DETAILS)}; got {details!r}")
        return html_report(
            self.aligned,
            title=title,
            by=DETAIL_GROUPS,
            baselines=self.baselines,
            intervals={"actor-level": self.intervals},
            sections=[
                ("About the intervals", self.describe_intervals()),
                ("About this page", _CATEGORIES_NOTE),
            ],
        )


#: What a categories page says of itself.
_CATEGORIES_NOTE = (
    "This page shows scores by category and the confusion of label classes because the "
    "organisers chose it (details: categories), which is safe only when the labels are "
    "public: with hidden labels, such tables let a few submissions read the labels off."
)


def interval_method(n_actors: int) -> str:
    """The leaderboard's intervals in words: the one description of
    :data:`INTERVAL_METHOD` for the details page, the scoring program's
    output and the bundle's evaluation page.

    >>> print(interval_method(11))  # doctest: +NORMALIZE_WHITESPACE
    95% intervals over 11 actors, by leave-one-actor-out t on the logit scale with 10
    degrees of freedom (cluster-t: closed form, no resampling, so a submission always
    gets the same interval). They say how this system would score on new actors like
    the test set's: clips of one actor succeed or fail together, so the actors, not the
    clips, are the units.
    """
    return (
        f"{CONFIDENCE:.0%} intervals over {n_actors:,} actors, by leave-one-actor-out t on "
        f"the logit scale with {n_actors - 1:,} degrees of freedom ({INTERVAL_METHOD}: closed "
        "form, no resampling, so a submission always gets the same interval). They say how "
        "this system would score on new actors like the test set's: clips of one actor "
        "succeed or fail together, so the actors, not the clips, are the units."
    )


def check_names_are_anonymous(names: list[str]) -> None:
    """Refuses a reference keyed by the dataset's own names: they carry
    their labels, and participants submit under (and read) these names. The
    message names none of them: on EvalAI, it reaches the participant."""
    readable = 0
    for name in names:
        try:
            parse_filename(name)
        except ValueError:
            continue
        readable += 1
    if readable:
        raise ValueError(
            f"{readable:,} of the {len(names):,} clip names of the reference are the dataset's "
            "own names, which carry their label, and participants submit under these names: "
            "rename them to anonymised names with a names map (--names-map, or names_map= "
            "of reference_table)"
        )


def evaluate_submission(
    submission: Any,
    reference: pd.DataFrame,
    *,
    train_labels: Any = None,
    n_resamples: int = N_RESAMPLES,
    seed: int = SEED,
    max_bytes: int = UPLOAD_BYTES,
) -> ServerResult:
    """Checks and scores ``submission`` (a JSON or zip path, or a submission
    object) against the ``reference`` table, as the challenge server does.

    A file is read natively within the upload's limits: at most
    ``max_bytes`` (64 MiB; a zip member by its declared and its inflated
    size), the reference's clips plus 10%, and clip names of at most 1,024
    characters; crossing one is a ``too_large`` problem, found before the
    file is read into memory.

    Raises :class:`~blemore_fast.ValidationError` listing every problem when
    the submission cannot be scored. ``train_labels`` (any label input) adds
    the trivial baselines.
    """
    names = reference["filename"].tolist()
    with input_limits(limits=upload_limits(len(names), max_bytes)):
        raise_if_any(check_submission(submission, expected=names), "submission")
        aligned = align(load_predictions(submission), reference, strict=True)
    # The method over actors is cluster-t, closed form: it draws nothing, so it
    # is given neither n_resamples nor seed (they would only warn that they
    # have no effect); they are kept for a resampling method.
    del n_resamples, seed
    intervals = bootstrap(aligned, cluster="actor", method=INTERVAL_METHOD, confidence=CONFIDENCE)
    return ServerResult(
        score=Score.from_cells(aligned.cells()),
        intervals=intervals,
        aligned=aligned,
        baselines=None if train_labels is None else baselines(train_labels, reference),
    )
