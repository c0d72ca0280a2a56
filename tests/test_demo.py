"""The demo (`blemore-fast demo`, what `make demo` runs) on synthetic data and on
the real files, and the progress bar it shows on a terminal.

The expected numbers are rebuilt independently: thresholds from the grid
search API on the same synthetic data, test scores by the pure-Python
reference decoder and scorer, intervals and p-values from the statistics
API with the same seed.
"""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import blemore_fast as bf
import numpy as np
import pandas as pd
import pytest
from blemore_fast import EMOTIONS, reference, synthetic
from hicmae import softmax

EXE = Path(sys.executable).with_name("blemore-fast")
TIME_LIMIT = 10.0  # seconds, the budget for the whole demo


def demo(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXE), "demo", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_demo_finishes_in_time_and_writes_the_report(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")  # the report's plots
    start = time.perf_counter()
    proc = demo(cwd=tmp_path)
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr
    assert elapsed < TIME_LIMIT, f"the demo took {elapsed:.1f} s (interpreter start included)"
    assert proc.stderr == ""  # no progress bar when stderr is not a terminal
    out = proc.stdout
    for step in (
        "1. Thresholds by grid search on the validation folds",
        "2. Test split (594 clips",
        "3. 95% intervals for good",
        "4. A = good against B = weaker",
        "5. Where good fails on the test split",
        "6. HTML report: demo-report.html",
    ):
        assert step in out
    page = (tmp_path / "demo-report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    # breakdown bars (2), confusion, bootstrap histogram, grid heat maps
    assert page.count('src="data:image/png;base64,') >= 5
    assert "good against weaker" in page
    assert [p.name for p in tmp_path.iterdir()] == ["demo-report.html"]


def _model_row(out: str, section: str, model: str) -> list[str]:
    part = out.split(section, 1)[1]
    return next(line.split() for line in part.splitlines() if line.split()[:1] == [model])


@pytest.fixture(scope="module")
def synthetic_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    cwd = tmp_path_factory.mktemp("demo")
    as_json = demo("--json", "--no-report", "--bootstrap", "3000", "--seed", "4", cwd=cwd)
    assert as_json.returncode == 0, as_json.stderr
    text = demo("--no-report", "--bootstrap", "3000", "--seed", "4", cwd=cwd)
    assert text.returncode == 0, text.stderr
    assert not list(cwd.iterdir())
    return json.loads(as_json.stdout), text.stdout


def test_demo_numbers_match_an_independent_pipeline(
    synthetic_run: tuple[dict[str, Any], str],
) -> None:
    document, out = synthetic_run
    data = synthetic.make_dataset(seed=4)
    train, test = data.select("train"), data.select("test")
    test_clips = data.clips[test]
    names = test_clips["filename"].tolist()
    predictions = {}
    for model in ("good", "weaker"):
        grid = bf.grid_search(data.probs[model][train], data.clips[train])
        result = document["models"][model]
        assert (result["alpha"], result["beta"]) == (grid.alpha, grid.beta)
        preds = reference.probs_to_dict(
            reference.top2(data.probs[model][test]), names, grid.alpha, grid.beta
        )
        predictions[model] = preds
        expected = reference.score(preds)
        assert {k: result["test"][k] for k in expected} == expected
        # both accuracies are printed, in the test table
        row = _model_row(out, "2. Test split", model)
        assert row[3:5] == [f"{expected['presence']:.4f}", f"{expected['salience']:.4f}"]
    assert document["compared"] == ["good", "weaker"]
    good = predictions["good"]
    assert (
        document["intervals"]["clip-level"]
        == bf.bootstrap(good, n_resamples=3000, seed=4, cluster="clip").as_dict()
    )
    assert (
        document["intervals"]["actor-level"]
        == bf.bootstrap(good, test_clips, cluster="actor").as_dict()
    )
    actor = bf.compare(good, predictions["weaker"], cluster="actor")
    assert document["comparisons"]["actor-level"] == actor.as_dict()
    table = pd.DataFrame(document["breakdown"])
    assert table.loc[table["group"] == "actor", "n"].sum() == len(names)


def test_demo_prints_intervals_and_comparison(synthetic_run: tuple[dict[str, Any], str]) -> None:
    document, out = synthetic_run
    section = out.split("3. ", 1)[1].split("4. ", 1)[0]
    lines = section.splitlines()
    assert lines[1].startswith("   actor: new actors: 95% intervals over 11 actors, small-sample")
    assert lines[2].startswith("   clip:  these 594 clips: 95% clip-level percentile intervals")
    header = lines[3].split()
    assert header[:2] == ["metric", "estimate"]
    presence = next(line.split() for line in section.splitlines() if line.startswith("presence"))
    clip, actor = document["intervals"]["clip-level"], document["intervals"]["actor-level"]
    assert presence[1:6] == [
        f"{x:.4f}"
        for x in (
            clip["presence"]["estimate"],
            actor["presence"]["low"],
            actor["presence"]["high"],
            clip["presence"]["low"],
            clip["presence"]["high"],
        )
    ]
    assert "actor-level width / clip-level width" in section
    comparison = out.split("4. ", 1)[1].split("5. ", 1)[0]
    assert "p (clips)" in comparison and "p (actors)" in comparison
    assert "right for one model only" in comparison


def test_demo_rejects_unknown_models_and_missing_data(tmp_path: Path) -> None:
    proc = demo("--models", "good", "best", "--no-report", cwd=tmp_path)
    assert proc.returncode == 1
    assert "unknown model(s) best; known: good, weaker" in proc.stderr
    proc = demo("--data", tmp_path / "nowhere", cwd=tmp_path)
    assert proc.returncode == 1
    assert "must hold clips.csv and a hicmae/ folder" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_demo_on_the_real_files(data_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    report = tmp_path / "real.html"
    start = time.perf_counter()
    proc = demo("--data", data_dir, "--out", report, "--seed", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert time.perf_counter() - start < TIME_LIMIT
    assert report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    proc = demo("--data", data_dir, "--json", "--no-report", "--bootstrap", "1000", cwd=tmp_path)
    document = json.loads(proc.stdout)
    runs = sorted(p.name[len("test_") : -4] for p in (data_dir / "hicmae").glob("test_*.csv"))
    assert sorted(document["models"]) == runs
    clips = pd.read_csv(data_dir / "clips.csv")
    train = clips[clips["partition"] == "train"]
    for run in runs:
        folds = [pd.read_csv(p) for p in sorted((data_dir / "hicmae").glob(f"fold*_{run}.csv"))]
        validation = pd.concat(folds, ignore_index=True)
        probs = softmax(validation[list(EMOTIONS)].to_numpy())
        grid = bf.grid_search(probs, train, names=validation["filename"].tolist())
        result = document["models"][run]
        assert (result["alpha"], result["beta"]) == (grid.alpha, grid.beta), run
        test = pd.read_csv(data_dir / "hicmae" / f"test_{run}.csv")
        preds = reference.probs_to_dict(
            reference.top2(softmax(test[list(EMOTIONS)].to_numpy())),
            test["filename"].tolist(),
            grid.alpha,
            grid.beta,
        )
        expected = reference.score(preds)
        assert {k: result["test"][k] for k in expected} == expected, run
    # the two runs compared are the two best on the validation folds
    ranked = sorted(
        runs,
        key=lambda r: (
            -(
                document["models"][r]["validation"]["presence"]
                + document["models"][r]["validation"]["salience"]
            )
        ),
    )
    assert document["compared"] == ranked[:2]


def _read_all(fd: int, proc: subprocess.Popen[bytes]) -> bytes:
    chunks = []
    while True:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the pty closed (Linux raises EIO)
                break
            if not chunk:
                break
            chunks.append(chunk)
        elif proc.poll() is not None:
            break
    return b"".join(chunks)


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    # stderr is a pseudo-terminal: the demo (over a second with the report
    # and 200,000 resamples) draws its progress there, and clears it.
    pytest.importorskip("matplotlib")
    main, secondary = pty.openpty()
    proc = subprocess.Popen(
        [str(EXE), "demo", "--bootstrap", "200000"],
        stdout=subprocess.PIPE,
        stderr=secondary,
        cwd=tmp_path,
    )
    os.close(secondary)
    err = _read_all(main, proc)
    out, _ = proc.communicate(timeout=120)
    os.close(main)
    assert proc.returncode == 0
    text = err.decode()
    assert "demo: " in text and "s" in text
    assert text.endswith("\r\x1b[2K")  # the line is cleared at the end
    assert b"demo:" not in out  # stdout holds only the results
    assert out.decode().startswith("BlEmoRe demo on synthetic BlEmoRe")


def test_demo_api_without_a_report() -> None:
    from blemore_fast.cli.demo import run_demo

    steps: list[str] = []
    result = run_demo(report=None, n_resamples=1000, seed=2, step=steps.append)
    assert result.report is None
    assert steps[0] == "loading data" and "bootstrap intervals" in steps
    assert result.compared == ("good", "weaker")
    frame = result.models_frame()
    assert list(frame["model"]) == ["good", "weaker"]
    assert np.all(frame["test presence"].to_numpy() > 0)
    assert "6. Report: not written" in result.summary()
