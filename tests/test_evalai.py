"""The challenge on EvalAI, held to EvalAI's own contract.

``evaluate`` is dropped into an ``evaluation_script`` package as the README
says, imported and called the way EvalAI-Starters' ``worker/run.py`` does
(a fresh interpreter, ``challenge_data.challenge_1`` imported by name, the
phase codename and ``submission_metadata``), and its return value is read
the way EvalAI's submission worker and leaderboard read it (transcribed in
:func:`worker_reads` from Cloud-CV/EvalAI ``scripts/workers/submission_worker.py``,
``run_submission``, and ``apps/jobs/utils.py``).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import blemore_fast as bf
import numpy as np
import pandas as pd
import pytest
from blemore_fast import reference
from blemore_fast.challenge import reference_table
from cli_support import cli, ok
from hicmae import load_outputs

LABELS = ["presence", "salience", "mean"]
SCHEMA = {"labels": LABELS, "default_order_by": "mean"}

# worker/run.py, with the output kept for the test to read.
RUN = """
import importlib, json, os, sys
sys.path.append(os.getcwd())
sys.path.append(os.path.join(os.getcwd(), "challenge_data", "challenge_1"))
module = importlib.import_module("challenge_data.challenge_1")
submission_metadata = {"status": "running", "participant_team": 5, "challenge_phase": 1, "id": 123,
                       "method_name": "Test", "submitted_at": "2017-03-20T19:22:03.880652Z"}
output = module.evaluate(sys.argv[1], sys.argv[2], "test", submission_metadata=submission_metadata)
with open("output.json", "w") as handle:
    json.dump(output, handle)
print("Evaluated Successfully!")
"""


def evaluation_script(root: Path) -> Path:
    """A challenge folder whose evaluation script is the README's drop-in."""
    package = root / "challenge_data" / "challenge_1"
    package.mkdir(parents=True)
    (root / "challenge_data" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("from blemore_fast.evalai import evaluate\n")
    (root / "run.py").write_text(RUN)
    return root


def run_like_evalai(
    root: Path, annotations: Path, submission: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "run.py", str(annotations), str(submission)],
        cwd=root, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def worker_reads(output: dict[str, Any], phase_splits: set[str]) -> dict[str, tuple[Any, Any]]:
    """What EvalAI stores and shows of ``evaluate``'s output: per split, the
    leaderboard row's result and error bars, as the worker and the
    leaderboard read them (a KeyError or assertion is a failed submission)."""
    error_bars = {}
    if "error" in output:
        for split_error in output["error"]:
            (code,) = split_error.keys()
            error_bars[code] = split_error[code]
    assert "result" in output  # else the submission is marked failed
    rows = {}
    for split_result in output["result"]:
        (code,) = split_result.keys()
        assert code in phase_splits, f"no challenge phase split {code!r}"
        rows[code] = (split_result.get(code), error_bars.get(code))
    json.dumps(output.get("submission_result", ""), default=str)  # saved as JSON
    for result, error in rows.values():
        # apps/jobs/utils.py: the sort keys, then one cell and one ± per schema label
        float(result[SCHEMA["default_order_by"]])
        float(error[f"error_{SCHEMA['default_order_by']}"])
        assert [result[label] for label in SCHEMA["labels"]]
        assert [error[f"error_{label}"] for label in SCHEMA["labels"]]
    return rows


def test_evaluate_on_real_files(tmp_path: Path, data_dir: Path) -> None:
    root = evaluation_script(tmp_path)
    clips = pd.read_csv(data_dir / "clips.csv", dtype={"filename": str})
    test = clips[clips["partition"] == "test"]
    anonymous = [f"v{k:03d}.mov" for k in np.random.default_rng(1).permutation(len(test))]
    names = dict(zip(test["filename"], anonymous, strict=True))
    annotations = root / "annotations" / "test_annotations_testsplit.csv"
    annotations.parent.mkdir()
    reference_table(test, names_map=names).to_csv(annotations, index=False)
    pd.DataFrame({"filename": list(names), "submission": anonymous}).to_csv(
        root / "names.csv", index=False
    )
    outputs = data_dir / "hicmae" / "test_epoch100_ce.csv"
    ok(
        cli(
            "decode", outputs, "--logits", "--alpha", 0.3, "--beta", 0.1,
            "--names-map", "names.csv", "-o", "submission.zip", cwd=root,
        )
    )  # fmt: skip
    run = run_like_evalai(root, annotations, root / "submission.zip")
    assert run.returncode == 0, run.stderr
    assert "Evaluated Successfully!" in run.stdout and "phase test: presence 0.3148" in run.stdout
    output = json.loads((root / "output.json").read_text())
    rows = worker_reads(output, {"test_split"})
    result, error = rows["test_split"]
    names_real, probs = load_outputs(outputs)
    preds = reference.probs_to_dict(reference.top2(probs), names_real, 0.3, 0.1)
    presence, salience = reference.acc_presence_total(preds), reference.acc_salience_total(preds)
    assert result == {"presence": presence, "salience": salience, "mean": (presence + salience) / 2}
    intervals = bf.bootstrap(preds, test, cluster="actor")
    for label in LABELS:
        interval = getattr(intervals, label)
        assert math.isclose(error[f"error_{label}"], (interval.high - interval.low) / 2)
        assert output["submission_result"]["test_split"][f"{label}_low"] == interval.low
    # the same submission unzipped scores the same
    with zipfile.ZipFile(root / "submission.zip") as archive:
        archive.extract("submission.json", root)
    assert run_like_evalai(root, annotations, root / "submission.json").returncode == 0
    assert json.loads((root / "output.json").read_text()) == output


def test_a_broken_submission_fails_with_every_problem(tmp_path: Path) -> None:
    root = evaluation_script(tmp_path)
    names = ["A101_ang_int1_ver1", "A101_mix_ang_hap_30_70_ver1", "A202_sad_int2_ver1"]
    anonymous = ["c1.mov", "c2.mov", "c3.mov"]
    annotations = root / "labels.csv"
    reference_table(names, names_map=dict(zip(names, anonymous, strict=True))).to_csv(
        annotations, index=False
    )
    submission = root / "submission.json"
    submission.write_text(
        json.dumps(
            {"predictions": {"c1.mov": [{"emotion": "anger", "salience": 100}], "c4.mov": []}}
        )
    )
    run = run_like_evalai(root, annotations, submission)
    assert run.returncode != 0  # EvalAI marks it failed and shows this stderr
    for line in (
        "  - c1.mov: unknown emotion code 'anger' (did you mean 'ang'?)",
        "  - c4.mov: the prediction list is empty",
        "  - c2.mov: expected clip has no prediction",
        "  - c3.mov: expected clip has no prediction",
    ):
        assert line in run.stderr, run.stderr
    assert not (root / "output.json").exists()


# Two clips of two actors, no blend: the intervals warn that 2 groups promise
# nothing and that salience has no interval.
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_the_split_can_be_renamed(tmp_path: Path) -> None:
    names = ["A101_ang_int1_ver1", "A102_sad_int1_ver1"]
    table = reference_table(names)
    table["filename"] = ["a.mov", "b.mov"]
    table.to_csv(tmp_path / "labels.csv", index=False)
    (tmp_path / "s.json").write_text(
        json.dumps({"predictions": {"a.mov": [{"emotion": "ang", "salience": 100}],
                                    "b.mov": [{"emotion": "hap", "salience": 100}]}})
    )  # fmt: skip
    output = bf.evalai.evaluate(
        tmp_path / "labels.csv", tmp_path / "s.json", "dev", split="dev_split"
    )
    result, error = worker_reads(output, {"dev_split"})["dev_split"]
    assert result == {"presence": 0.5, "salience": 0.0, "mean": 0.25}
    assert error["error_presence"] >= 0
    with pytest.raises(AssertionError, match="no challenge phase split"):
        worker_reads(output, {"test_split"})


def test_a_reference_under_real_names_is_refused_before_scoring(tmp_path: Path) -> None:
    root = evaluation_script(tmp_path)
    names = ["A101_ang_int1_ver1", "A101_mix_ang_hap_30_70_ver1", "A202_sad_int2_ver1"]
    annotations = root / "labels.csv"
    reference_table(names).to_csv(annotations, index=False)  # no names map
    submission = root / "submission.json"
    submission.write_text(json.dumps({"predictions": {"x.mov": []}}))
    run = run_like_evalai(root, annotations, submission)
    assert run.returncode != 0
    assert "3 of the 3 clip names of the reference are the dataset's own names" in run.stderr
    assert "--names-map, or names_map=" in run.stderr
    # Nothing was scored, so no problem (and no hidden name) was printed.
    assert not any(name in run.stderr for name in names)
    assert "expected clip has no prediction" not in run.stderr


def test_printed_problems_are_bounded_and_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = [f"A{101 + k % 3}_ang_int1_ver{k}" for k in range(30)]
    anonymous = {n: f"c{k:02d}.mov" for k, n in enumerate(names)}
    reference_table(names, names_map=anonymous).to_csv(tmp_path / "labels.csv", index=False)
    (tmp_path / "s.json").write_text(
        json.dumps(
            {"predictions": {"bad\x1b[31m\u202e.mov": [{"emotion": "ang", "salience": 100}]}}
        )
    )
    with pytest.raises(bf.ValidationError) as raised:
        bf.evalai.evaluate(tmp_path / "labels.csv", tmp_path / "s.json", "test")
    assert len(raised.value.problems) == 31
    assert "bad\\x1b[31m\\u202e.mov" in str(raised.value)  # the traceback EvalAI shows
    assert "\x1b" not in str(raised.value)
    err = capsys.readouterr().err
    assert err.startswith("error: 31 problems in the submission:\n")
    assert err.count("\n  - ") == 20 and err.endswith("  ... and 11 more\n")
    assert "bad\\x1b[31m\\u202e.mov" in err and "\x1b" not in err and "\u202e" not in err
