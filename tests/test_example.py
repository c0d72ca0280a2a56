"""examples/train_mlp.py runs as a user would run it, and learns."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "train_mlp.py"


def test_train_mlp_runs_and_learns():
    run = subprocess.run(
        [sys.executable, str(EXAMPLE), "--epochs", "3", "--seed", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # no warnings
    lines = run.stdout.splitlines()
    assert lines[0].startswith("synthetic BlEmoRe (seed 1): train ")
    epochs = [line.split() for line in lines if re.match(r"\s+\d+\s+\d\.\d{4}\s", line)]
    assert [int(row[0]) for row in epochs] == [1, 2, 3]
    losses = [float(row[1]) for row in epochs]
    assert losses[-1] < losses[0]  # the KL loss falls
    for row in epochs:
        assert all(0.0 <= float(x) <= 1.0 for x in row[2:])
    test = re.search(r"test \(594 clips, 11 actors\): Score\(presence=(\S+) ", run.stdout)
    assert test is not None
    # Far above the trivial baseline (0.074: every clip the most frequent class).
    assert float(test.group(1)) > 0.2
    assert (
        "new actors: 95% intervals over 11 actors, small-sample corrected "
        "(leave-one-actor-out t, logit scale, 10 df); analytic, no resampling"
    ) in run.stdout
