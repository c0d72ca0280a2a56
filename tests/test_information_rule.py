"""The information rule of the challenge server, attacked as a participant would.

While the labels are hidden, what a participant sees (scores.json, the
details page, the program's output) may depend on the submission and the
per-actor totals only. Two attacks, each through the replayed compute
worker (``codabench_worker.py``):

- the rotation: within each actor, three blend clips of three different
  pairs get their three classes rotated, so one of the three is right in
  either upload. The per-actor totals and the predicted classes are the same;
  which clip is right is not. The outputs must be byte-identical.
- the 36-class probe of issue 18: clips 1-36 each predicted as a different
  label class, every other clip as one class. With a confusion table, each
  hidden label could be read off. Scored against the hidden labels and
  against the same labels shuffled within each actor, the page must differ
  only in the overall scores and their counts.

Each attack is also run against a ``--details categories`` bundle, where
the outputs do tell the uploads apart: the tests can fail.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from blemore_fast import synthetic
from blemore_fast.report.classes import LABEL_CLASSES
from cli_support import cli, ok
from codabench_worker import ScoringRun, run_scoring

DETAILS = ("scores", "categories")


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same challenge bundled with each ``--details``."""
    root = tmp_path_factory.mktemp("rule")
    data = synthetic.make_dataset(seed=5)
    data.clips[["filename", "actor", "partition"]].to_csv(root / "clips.csv", index=False)
    test = data.clips[data.clips["partition"] == "test"]
    anonymous = [f"clip_{k:04d}.mp4" for k in np.random.default_rng(1).permutation(len(test)) + 1]
    pd.DataFrame({"filename": test["filename"], "submission": anonymous}).to_csv(
        root / "names.csv", index=False
    )
    bundles = {}
    for details in DETAILS:
        ok(
            cli(
                "codabench", "bundle", "--labels", "clips.csv", "--partition", "test",
                "--names-map", "names.csv", "--start", "2026-03-01", "--details", details,
                "-o", f"{details}.zip", cwd=root,
            )
        )  # fmt: skip
        bundles[details] = root / f"{details}.zip"
    return bundles


def _reference(bundle: Path) -> pd.DataFrame:
    with zipfile.ZipFile(bundle) as archive:
        return pd.read_csv(archive.open("reference_data/labels.csv"))


def _entries(row: Any) -> list[dict[str, Any]]:
    if pd.isna(row.emotion_2):
        return [{"emotion": row.emotion_1, "salience": 100}]
    return [
        {"emotion": row.emotion_1, "salience": float(row.emotion_1_salience)},
        {"emotion": row.emotion_2, "salience": float(row.emotion_2_salience)},
    ]


def _class_entries(name: str) -> list[dict[str, Any]]:
    """The prediction entries of a label class (``ang`` or ``ang+hap 30/70``)."""
    if "+" not in name:
        return [{"emotion": name, "salience": 100}]
    pair, ratio = name.split(" ")
    (a, b), (x, y) = pair.split("+"), ratio.split("/")
    return [{"emotion": a, "salience": int(x)}, {"emotion": b, "salience": int(y)}]


def _upload(root: Path, name: str, predictions: dict[str, Any]) -> Path:
    path = root / f"{name}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("submission.json", json.dumps({"predictions": predictions}))
    return path


def _score(bundle: Path, upload: Path, root: Path) -> tuple[ScoringRun, str, str]:
    run = run_scoring(bundle, upload, root)
    assert run.returncode == 0, run.stderr
    assert run.details is not None
    scores = (root / "output" / "scores.json").read_text(encoding="utf-8")
    return run, run.details.read_text(encoding="utf-8"), scores


def _rotations(reference: pd.DataFrame) -> tuple[dict[str, Any], dict[str, Any], int]:
    """The two rotated uploads, and how many actors take part."""
    # Any classes, the same in both uploads, with hits that vary by actor.
    classes = np.random.default_rng(2).choice(LABEL_CLASSES, len(reference))
    base = {n: _class_entries(c) for n, c in zip(reference["filename"], classes, strict=True)}
    first, second = dict(base), dict(base)
    actors = 0
    blends = reference[reference["emotion_2"].notna()]
    for _, rows in blends.groupby("actor", sort=True):
        pairs = rows.drop_duplicates(["emotion_1", "emotion_2"])
        if len(pairs) < 3:
            continue
        (c1, l1), (c2, l2), (c3, l3) = (
            (row.filename, _entries(row)) for row in pairs.head(3).itertuples()
        )
        first |= {c1: l1, c2: l3, c3: l2}  # c1 right
        second |= {c1: l3, c2: l2, c3: l1}  # c2 right
        actors += 1
    return first, second, actors


def test_the_rotation_gives_identical_outputs(bundles: dict[str, Path], tmp_path: Path) -> None:
    reference = _reference(bundles["scores"])
    first, second, actors = _rotations(reference)
    assert actors >= 5
    truth = {row.filename: _entries(row) for row in reference.itertuples()}
    right = [{n for n, e in upload.items() if e == truth[n]} for upload in (first, second)]
    assert right[0] != right[1] and len(right[0]) == len(right[1])  # other clips right
    uploads = [_upload(tmp_path, name, p) for name, p in (("a", first), ("b", second))]
    outputs = {
        details: [
            _score(bundle, upload, tmp_path / f"{details}-{k}") for k, upload in enumerate(uploads)
        ]
        for details, bundle in bundles.items()
    }
    (run_a, page_a, scores_a), (run_b, page_b, scores_b) = outputs["scores"]
    assert page_a == page_b
    assert scores_a == scores_b
    assert run_a.stdout.replace("-0/", "-1/") == run_b.stdout and run_a.stderr == run_b.stderr == ""
    # Breakdowns by pair tell the two apart: the test can fail.
    (_, page_a, scores_a), (_, page_b, scores_b) = outputs["categories"]
    assert scores_a == scores_b and page_a != page_b


def _probe(reference: pd.DataFrame) -> dict[str, Any]:
    names = reference["filename"].tolist()
    probe = {name: _class_entries(LABEL_CLASSES[k]) for k, name in enumerate(names[:36])}
    return probe | {name: _class_entries("ang+hap 50/50") for name in names[36:]}


def _shuffled_within_actors(bundle: Path, path: Path, seed: int) -> Path:
    """The bundle with its hidden labels shuffled among each actor's clips:
    the same per-actor label counts, other labels for the probed clips."""
    reference = _reference(bundle)
    labels = [c for c in reference.columns if c not in ("filename", "actor")]
    rng = np.random.default_rng(seed)
    for _, index in reference.groupby("actor").groups.items():
        rows = reference.loc[index, labels].to_numpy()
        reference.loc[index, labels] = rows[rng.permutation(len(rows))]
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "reference_data/labels.csv":
                data = reference.to_csv(index=False).encode()
            target.writestr(item, data)
    return path


def _without_overall_numbers(page: str) -> str:
    """The page with every number of its Overall section (the scores, their
    intervals and the hit counts behind them) masked."""
    head, rest = page.split("<h2>Overall</h2>", 1)
    overall, tail = rest.split("<h2>", 1)
    return head + re.sub(r"\d[\d,.]*", "#", overall) + "<h2>" + tail


def test_the_36_class_probe_learns_only_the_scores(
    bundles: dict[str, Path], tmp_path: Path
) -> None:
    for details, bundle in bundles.items():
        upload = _upload(tmp_path, f"probe-{details}", _probe(_reference(bundle)))
        shuffled = _shuffled_within_actors(bundle, tmp_path / f"shuffled-{details}.zip", 3)
        (_, hidden, hidden_scores), (_, other, other_scores) = (
            _score(b, upload, tmp_path / f"{details}-{k}") for k, b in enumerate((bundle, shuffled))
        )
        assert hidden_scores != other_scores  # the labels moved the probe's hits
        same = _without_overall_numbers(hidden) == _without_overall_numbers(other)
        # With categories, the confusion table reads the probed labels off.
        assert same == (details == "scores"), details
        if details == "scores":
            assert "Confusion" not in hidden and "By category" not in hidden
            assert "<img" not in hidden  # nothing to carry volatile metadata


def test_the_interval_sentence_is_the_method_used() -> None:
    """The evaluation page describes the intervals without scoring anything:
    its sentence must match what the scoring program computes."""
    from blemore_fast import reference
    from blemore_fast.challenge import (
        CONFIDENCE,
        INTERVAL_METHOD,
        evaluate_submission,
        interval_method,
        reference_table,
    )

    data = synthetic.make_dataset(seed=5)
    test = data.select("test")
    names = data.clips["filename"][test].tolist()
    preds = reference.probs_to_dict(reference.top2(data.probs["good"][test]), names, 0.3, 0.1)
    result = evaluate_submission({"predictions": preds}, reference_table(data.clips[test]))
    intervals = result.intervals
    assert (intervals.method, intervals.confidence, intervals.cluster) == (
        INTERVAL_METHOD,
        CONFIDENCE,
        "actor",
    )
    for metric in ("presence", "salience", "mean"):
        assert getattr(intervals, metric).df == intervals.n_units - 1
    assert result.describe_intervals() == interval_method(intervals.n_units)
    assert f"{intervals.n_units} actors" in interval_method(intervals.n_units)
