"""The real BlEmoRe data beside the checkout (../shared/data/blemore); skipped without it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import blemore_fast as bf
import numpy as np
import pandas as pd
import pytest
from blemore_fast import reference
from hicmae import softmax

# The dataset's scheme, written independently of the Rust parser.
SINGLE = re.compile(r"^A\d+_(ang|disg|fea|hap|sad)_int[1-4]_ver\d+$")
NEUTRAL = re.compile(r"^A\d+_neu_sit[1-4]_ver\d+$")
BLEND = re.compile(
    r"^A\d+_mix_(ang|disg|fea|hap|sad)_(ang|disg|fea|hap|sad)_(30_70|50_50|70_30)_ver\d+$"
)


def test_all_3050_clip_names_parse(data_dir: Path) -> None:
    clips = pd.read_csv(data_dir / "clips.csv")
    names = clips["filename"].tolist()
    assert len(names) == 3050
    parsed = [bf.parse_filename(n) for n in names]
    assert [p.actor for p in parsed] == clips["actor"].tolist()
    assert len({p.actor for p in parsed}) == 58
    for name, clip in zip(names, parsed, strict=True):
        if clip.mix:
            assert BLEND.match(name), name
        else:
            assert SINGLE.match(name) or NEUTRAL.match(name), name
    labels = bf.encode_labels(names)
    expected_blends = sum(bool(BLEND.match(n)) for n in names)
    assert int((np.bitwise_count(labels.mask) == 2).sum()) == expected_blends
    # Every label equals the published label read from the name.
    published = {n: reference.label_from_filename(n) for n in names}
    assert bf.labels_from_filenames(names) == published


def test_the_clips_table_serves_as_labels(data_dir: Path) -> None:
    clips = pd.read_csv(data_dir / "clips.csv")
    test = clips[clips["partition"] == "test"]
    assert len(test) == 594 and test["actor"].nunique() == 11
    preds = {n: [{"emotion": "neu", "salience": 100.0}] for n in test["filename"]}
    with pytest.warns(UserWarning, match=r"2456 labelled clip\(s\) have no prediction"):
        aligned = bf.align(preds, data_dir / "clips.csv", strict=False)
    assert aligned.metadata is not None
    assert aligned.metadata["partition"].eq("test").all()


def decoded_test_outputs(
    data_dir: Path, alpha: float, beta: float
) -> dict[str, list[dict[str, object]]]:
    frame = pd.read_csv(data_dir / "hicmae" / "test_epoch100_ce.csv")
    probs = softmax(frame[list(reference.EMOTIONS)].to_numpy())
    return reference.probs_to_dict(reference.top2(probs), frame["filename"].tolist(), alpha, beta)


def test_hicmae_scores_reproduce_the_data_readme(data_dir: Path) -> None:
    # The table in the data README: 0.3148 / 0.0719 at thresholds 0.3 / 0.1.
    result = bf.score(decoded_test_outputs(data_dir, 0.3, 0.1))
    assert (round(result.presence, 4), round(result.salience, 4)) == (0.3148, 0.0719)
    assert result.n == 594


def test_hicmae_best_grid_cell_reproduces_the_data_readme(data_dir: Path) -> None:
    # Best of the 20x20 grid: 0.2744 / 0.1647 at alpha 0.1447, beta 0.2395.
    frame = pd.read_csv(data_dir / "hicmae" / "test_epoch100_ce.csv")
    reduced = reference.top2(softmax(frame[list(reference.EMOTIONS)].to_numpy()))
    names = frame["filename"].tolist()
    axis = np.linspace(0.05, 0.95, 20)
    cells = [
        (bf.score(reference.probs_to_dict(reduced, names, a, b)), a, b) for a in axis for b in axis
    ]
    best, alpha, beta = max(cells, key=lambda c: c[0].mean)  # first maximum, alpha-major
    assert (round(best.presence, 4), round(best.salience, 4)) == (0.2744, 0.1647)
    assert (round(alpha, 4), round(beta, 4)) == (0.1447, 0.2395)


def test_every_hicmae_file_scores_like_the_reference(data_dir: Path) -> None:
    files = sorted((data_dir / "hicmae").glob("*.csv"))
    assert len(files) == 24
    for path in files:
        frame = pd.read_csv(path)
        probs = softmax(frame[list(reference.EMOTIONS)].to_numpy())
        preds = reference.probs_to_dict(
            reference.top2(probs), frame["filename"].tolist(), 0.2, 0.15
        )
        expected = reference.score(preds)
        assert bf.score(preds).as_dict() == {
            **expected,
            "mean": (expected["presence"] + expected["salience"]) / 2,
        }


def test_submission_template_needs_labels(data_dir: Path) -> None:
    template = data_dir / "submission_template.json"
    assert len(json.loads(template.read_text())["predictions"]) == 594
    with pytest.raises(bf.ValidationError) as caught:
        bf.score(template)
    assert len(caught.value.problems) == 594
    # The listing stops after 20, and the CLI's diagnosis ends the message.
    assert (
        "... and 574 more (see .problems)\nhint: without labels, labels are read from the"
        in str(caught.value)
    )
    # With its own names as labels-by-name it fails too: they carry no label.
    names = list(json.loads(template.read_text())["predictions"])
    with pytest.raises(bf.ValidationError, match="test_0001.mov: cannot read a label"):
        bf.score(template, names)
