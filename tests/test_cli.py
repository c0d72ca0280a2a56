"""The ``blemore-fast`` command, run as users run it: the installed entry point
in a subprocess, on real files in a temporary folder.

Expected numbers come from :mod:`blemore_fast.reference` (the pure-Python
oracle of the published scorer and post-processing) or from the Python API
the command wraps, never from the command's own output.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import blemore_fast as bf
import numpy as np
import pandas as pd
import pytest
from blemore_fast import EMOTIONS, reference, synthetic
from cli_support import EXE, cli, failed, ok
from hicmae import softmax

SUBCOMMANDS = (
    "score", "validate", "grid", "decode", "report", "compare", "leaderboard", "plan", "demo",
    "codabench",
)  # fmt: skip
ALPHA, BETA = 0.3, 0.1


def _probs_frame(names: list[str], probs: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame(probs, columns=list(EMOTIONS))
    frame.insert(0, "filename", names)
    return frame


def _write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Files:
    """Synthetic inputs written as a user would have them."""

    root: Path
    clips: Path  # filename, actor, partition, fold: every clip
    names: list[str]  # the test clips
    probs: dict[str, np.ndarray]  # test probabilities per model
    preds: dict[str, dict[str, Any]]  # reference-decoded test predictions per model
    folds: list[Path]  # fold{k}_good.csv: out-of-fold outputs on the train clips
    fold_names: list[str]
    fold_probs: np.ndarray

    def csv(self, model: str) -> Path:
        return self.root / f"test_{model}.csv"

    def submission(self, model: str) -> Path:
        return self.root / f"{model}.json"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    root = tmp_path_factory.mktemp("cli")
    data = synthetic.make_dataset(seed=11)
    clips = data.clips
    clips.to_csv(root / "clips.csv", index=False)
    test = data.select("test")
    names = clips["filename"][test].tolist()
    probs, preds = {}, {}
    for model in ("good", "weaker"):
        probs[model] = data.probs[model][test]
        _probs_frame(names, probs[model]).to_csv(root / f"test_{model}.csv", index=False)
        preds[model] = reference.probs_to_dict(reference.top2(probs[model]), names, ALPHA, BETA)
        _write_json(root / f"{model}.json", {"predictions": preds[model]})
    folds, fold_names, fold_probs = [], [], []
    for k in range(5):
        rows = data.select("train", fold=k)
        path = root / f"fold{k}_good.csv"
        _probs_frame(clips["filename"][rows].tolist(), data.probs["good"][rows]).to_csv(
            path, index=False
        )
        folds.append(path)
        fold_names += clips["filename"][rows].tolist()
        fold_probs.append(data.probs["good"][rows])
    return Files(
        root,
        root / "clips.csv",
        names,
        probs,
        preds,
        folds,
        fold_names,
        np.concatenate(fold_probs),
    )


def _scores(document: dict[str, Any]) -> dict[str, Any]:
    keys = ("presence", "salience", "n", "n_blend", "presence_correct", "salience_correct")
    return {k: document[k] for k in keys}


# --- the command itself


def test_entry_point_is_installed() -> None:
    assert EXE.is_file(), f"{EXE} is missing: `make build` installs the blemore-fast command"


@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_help_on_every_subcommand_has_an_example(sub: str, tmp_path: Path) -> None:
    run = ok(cli(sub, "--help", cwd=tmp_path))
    assert run.out.startswith(f"usage: blemore-fast {sub}")
    example = run.out.split("example:", 1)[1]
    assert f"blemore-fast {sub}" in example


def test_top_level_help_lists_subcommands_and_exit_codes(tmp_path: Path) -> None:
    run = ok(cli("--help", cwd=tmp_path))
    for sub in SUBCOMMANDS:
        assert f"    {sub}" in run.out
    assert "Exit codes" in run.out
    assert ok(cli("--version", cwd=tmp_path)).out.startswith("blemore-fast ")


def test_python_m_runs_the_same_command(files: Files) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "blemore_fast.cli", "score", files.submission("good"), "--json"],
        capture_output=True,
        text=True,
        cwd=files.root,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert _scores(json.loads(proc.stdout)) == reference.score(files.preds["good"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "usage: blemore-fast"),
        (("frobnicate",), "invalid choice"),
        (("score",), "the following arguments are required: PREDS"),
        (("score", "x.json", "--bogus"), "unrecognized arguments: --bogus"),
        (("score", "x.json", "--bootstrap", "0"), "argument --bootstrap: must be at least 1"),
        (("score", "x.json", "--bootstrap", "ten"), "expected a whole number, got 'ten'"),
        (("score", "x.json", "--cluster", "clip"), "need --bootstrap B"),
        (("score", "x.json", "--seed", "0"), "need --bootstrap B"),
        (("score", "x.json", "--cluster", "actor", "--method", "bca"), "need --bootstrap B"),
        (("score", "x.json", "--confidence", "95"), "strictly between 0 and 1"),
        (("score", "x.json", "--cluster", "video"), "invalid choice: 'video'"),
        (("validate", "x.json", "--labels", "a.csv", "--manifest", "n.txt"), "not allowed with"),
        (("grid", "p.csv", "--alphas", "0.1:0.5"), "expected start:stop:n, got '0.1:0.5'"),
        (("grid", "p.csv", "--alphas", "0.1:0.5:x"), "expected a whole number, got 'x'"),
        (("grid", "p.csv", "--presence-weight", "2"), "must be between 0 and 1"),
        (("decode", "p.csv", "--alpha", "0.3", "-o", "s.json"), "required: --beta"),
        (("decode", "p.csv", "--alpha", "nan", "--beta", "0.1", "-o", "s.json"), "finite"),
        (("score", "x.json", "--partition", "test"), "give --labels"),
        (("demo", "--models", "good"), "expected 2 arguments"),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    run = failed(cli(*args, cwd=tmp_path), 2)
    assert message in run.err
    assert run.out == ""


def test_probability_csv_needs_thresholds_usage_error(files: Files) -> None:
    run = failed(cli("score", files.csv("good"), cwd=files.root), 2)
    assert "holds probabilities: give --alpha and --beta" in run.err
    run = failed(cli("score", files.submission("good"), "--alpha", "0.3", cwd=files.root), 2)
    assert "apply to probability CSV files" in run.err


# --- score


def test_score_json_equals_the_api_and_the_reference(files: Files) -> None:
    path = files.submission("good")
    document = ok(cli("score", path, "--json", cwd=files.root)).json()
    expected = reference.score(files.preds["good"])
    assert _scores(document) == expected
    api = bf.score(path).as_dict()
    assert {k: document[k] for k in api} == api
    assert document["mean"] == (expected["presence"] + expected["salience"]) / 2


def test_score_prints_an_aligned_table(files: Files) -> None:
    run = ok(cli("score", files.submission("weaker"), cwd=files.root))
    expected = reference.score(files.preds["weaker"])
    lines = run.out.splitlines()
    assert lines[0].endswith(f"{expected['n']} clips, {expected['n_blend']} of them blends")
    header, presence, salience, mean = lines[1:5]
    assert header.split() == ["metric", "score", "correct"]
    assert presence.split() == [
        "presence",
        f"{expected['presence']:.4f}",
        f"{expected['presence_correct']}/{expected['n']}",
    ]
    assert salience.split()[:2] == ["salience", f"{expected['salience']:.4f}"]
    assert mean.split() == ["mean", f"{(expected['presence'] + expected['salience']) / 2:.4f}"]
    # aligned: every value column ends at the same place
    assert len({len(line) for line in (header, presence, salience)}) == 1


def test_score_probability_csv_decodes_like_the_published_code(files: Files) -> None:
    run = ok(
        cli("score", files.csv("good"), "--alpha", ALPHA, "--beta", BETA, "--json", cwd=files.root)
    )
    assert _scores(run.json()) == reference.score(files.preds["good"])


def test_score_logits_csv(files: Files, tmp_path: Path) -> None:
    logits = np.log(files.probs["weaker"]) + 3.0  # softmax gives the probabilities back
    path = tmp_path / "logits.csv"
    _probs_frame(files.names, logits).to_csv(path, index=False)
    run = failed(cli("score", path, "--alpha", ALPHA, "--beta", BETA, cwd=tmp_path))
    assert "outside 0-1" in run.err and "--logits" in run.err
    run = ok(
        cli("score", path, "--logits", "--alpha", ALPHA, "--beta", BETA, "--json", cwd=tmp_path)
    )
    probs = softmax(logits)
    expected = reference.score(
        reference.probs_to_dict(reference.top2(probs), files.names, ALPHA, BETA)
    )
    assert _scores(run.json()) == expected


def test_score_long_csv_and_labels_table(files: Files, tmp_path: Path) -> None:
    rows = [
        {"filename": name, "emotion": e["emotion"], "salience": e["salience"]}
        for name, entries in files.preds["good"].items()
        for e in entries
    ]
    path = tmp_path / "long.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    expected = reference.score(files.preds["good"])
    assert _scores(ok(cli("score", path, "--json", cwd=tmp_path)).json()) == expected
    # the same clips scored against the metadata table's test rows
    run = ok(
        cli("score", path, "--labels", files.clips, "--partition", "test", "--json", cwd=tmp_path)
    )
    assert _scores(run.json()) == expected


def test_score_against_the_whole_table_lists_every_unpredicted_clip(files: Files) -> None:
    # Every problem on request (the default lists 20: see test_bounded_problem_listing).
    run = failed(
        cli(
            "score", files.submission("good"), "--labels", files.clips,
            "--max-problems", "all", cwd=files.root,
        )
    )  # fmt: skip
    n_train = len(pd.read_csv(files.clips).query("partition == 'train'"))
    assert run.err.count(": label has no prediction") == n_train
    assert "--partition NAME" in run.err  # the hint
    lenient = ok(
        cli(
            "score",
            files.submission("good"),
            "--labels",
            files.clips,
            "--lenient",
            "--json",
            cwd=files.root,
        )
    )
    assert "warning:" in lenient.err and "have no prediction" in lenient.err
    assert _scores(lenient.json()) == reference.score(files.preds["good"])


def test_score_unknown_partition(files: Files) -> None:
    run = failed(
        cli(
            "score",
            files.submission("good"),
            "--labels",
            files.clips,
            "--partition",
            "dev",
            cwd=files.root,
        )
    )
    assert "no rows with partition 'dev' (it has test, train)" in run.err


# --- validate and broken submissions

BROKEN: dict[str, tuple[bytes, list[str]]] = {
    "wrong top-level key": (
        b'{"preds": {"A101_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]}}',
        ["unexpected top-level key 'preds'"],
    ),
    "unknown code": (
        b'{"predictions": {"A101_ang_int1_ver1": [{"emotion": "anger", "salience": 100}],'
        b' "A101_ang_int2_ver1": [{"emotion": "sadness", "salience": 100}]}}',
        [
            "A101_ang_int1_ver1: unknown emotion code 'anger'",
            "A101_ang_int2_ver1: unknown emotion code 'sadness' (did you mean 'sad'?)",
        ],
    ),
    "NaN salience": (
        b'{"predictions": {"A101_mix_ang_hap_30_70_ver1": [{"emotion": "ang", "salience": NaN},'
        b' {"emotion": "hap", "salience": 70}]}}',
        ["A101_mix_ang_hap_30_70_ver1: entry 0: salience is NaN"],
    ),
    "truncated JSON": (
        b'{"predictions": {"A101_ang_int1_ver1": [{"emotion": "ang", "sal',
        ["is not valid JSON", "line 1, column"],
    ),
    "non-UTF-8": (b'{"predictions": {"A101_\xe9": []}}', ["is not UTF-8 text (byte 23: 0xe9)"]),
    "empty file": (b"", ["is empty; expected JSON"]),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_validate_lists_the_problem_of_a_broken_file(case: str, tmp_path: Path) -> None:
    content, messages = BROKEN[case]
    path = tmp_path / "submission.json"
    path.write_bytes(content)
    run = failed(cli("validate", path, cwd=tmp_path))
    listed = [line for line in run.out.splitlines() if line.startswith("  - ")]
    assert run.out.startswith(f"{path}: {len(listed)} problem")
    for message in messages:
        assert message in run.out
    document = failed(cli("validate", path, "--json", cwd=tmp_path)).json()
    assert document["ok"] is False
    expected = bf.check_submission(path)
    assert [(p["clip"], p["kind"], p["message"]) for p in document["problems"]] == [
        (p.clip, p.kind, p.message) for p in expected
    ]
    # score refuses the same file with the same listing, on stderr
    run = failed(cli("score", path, cwd=tmp_path))
    assert run.out == ""
    for message in messages:
        assert message in run.err


def test_validate_clean_file_and_coverage(files: Files, tmp_path: Path) -> None:
    path = files.submission("good")
    run = ok(cli("validate", path, cwd=tmp_path))
    assert run.out.strip() == f"{path}: OK, {len(files.names)} predictions"
    run = ok(cli("validate", path, "--labels", files.clips, "--partition", "test", cwd=tmp_path))
    assert "one for every labelled clip" in run.out
    # a manifest with two clips the submission lacks, and one it should not have
    manifest = tmp_path / "names.txt"
    expected = [*files.names[1:], "A999_ang_int1_ver1", "A999_ang_int2_ver1"]
    manifest.write_text("\n".join(expected) + "\n")
    run = failed(cli("validate", path, "--manifest", manifest, cwd=tmp_path))
    assert f"  - {files.names[0]}: clip is not in the expected names" in run.out
    assert "  - A999_ang_int1_ver1: expected clip has no prediction" in run.out
    assert "  - A999_ang_int2_ver1: expected clip has no prediction" in run.out
    assert run.out.startswith(f"{path}: 3 problems")
    # a JSON template as manifest: its clip names
    template = _write_json(tmp_path / "template.json", {"predictions": dict.fromkeys(files.names)})
    assert ok(cli("validate", path, "--manifest", template, "--json", cwd=tmp_path)).json() == {
        "file": str(path),
        "ok": True,
        "n_predictions": len(files.names),
        "problems": [],
    }


def test_validate_missing_clips_against_labels(files: Files, tmp_path: Path) -> None:
    preds = dict(list(files.preds["good"].items())[5:])
    path = _write_json(tmp_path / "partial.json", {"predictions": preds})
    run = failed(
        cli("validate", path, "--labels", files.clips, "--partition", "test", cwd=tmp_path)
    )
    for name in files.names[:5]:
        assert f"  - {name}: label has no prediction" in run.out
    assert run.out.startswith(f"{path}: 5 problems")


# --- grid and decode


def test_grid_equals_the_published_search(files: Files, tmp_path: Path) -> None:
    run = ok(
        cli(
            "grid",
            *files.folds,
            "--labels",
            files.clips,
            "--alphas",
            "0.05:0.65:5",
            "--betas",
            "0.05,0.15,0.3",
            "--json",
            cwd=tmp_path,
        )
    )
    document = run.json()
    expected = reference.grid_search(
        files.fold_probs,
        files.fold_names,
        alphas=np.linspace(0.05, 0.65, 5),
        betas=[0.05, 0.15, 0.3],
    )
    for key in ("alpha", "beta", "presence", "salience", "presence_only", "salience_only"):
        assert document[key] == expected[key], key
    assert np.array_equal(document["presence_grid"], expected["presence_grid"])
    assert np.array_equal(document["salience_grid"], expected["salience_grid"])
    assert document["n"] == len(files.fold_names)


def test_grid_text_plot_and_decode_round_trip(files: Files, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    plot = tmp_path / "grid.png"
    run = ok(
        cli(
            "grid", files.csv("good"), "--alphas", "0.1:0.5:3", "--betas", "0.1:0.3:3",
            "--plot", plot, cwd=tmp_path,
        )
    )  # fmt: skip
    assert plot.read_bytes().startswith(b"\x89PNG")
    assert run.out.splitlines()[0] == f"3 x 3 thresholds on {len(files.names)} clips (1 file)"
    expected = reference.grid_search(
        files.probs["good"],
        files.names,
        alphas=np.linspace(0.1, 0.5, 3),
        betas=np.linspace(0.1, 0.3, 3),
    )
    best = run.out.splitlines()[2].split()
    assert best == [
        "best",
        f"{expected['alpha']:.4f}",
        f"{expected['beta']:.4f}",
        f"{expected['presence']:.4f}",
        f"{expected['salience']:.4f}",
        f"{(expected['presence'] + expected['salience']) / 2:.4f}",
    ]
    # the suggested decode command reproduces the grid's best cell exactly
    command = next(line for line in run.out.splitlines() if "blemore-fast decode" in line)
    args = command.split("blemore-fast ", 1)[1].split()
    args[args.index("TEST.csv")] = str(files.csv("good"))
    args[args.index("submission.json")] = str(tmp_path / "best.json")
    ok(cli(*args, cwd=tmp_path))
    scored = ok(cli("score", tmp_path / "best.json", "--json", cwd=tmp_path)).json()
    assert (scored["presence"], scored["salience"]) == (expected["presence"], expected["salience"])


def test_decode_writes_the_published_predictions(files: Files, tmp_path: Path) -> None:
    out = tmp_path / "submission.json"
    run = ok(
        cli(
            "decode", files.csv("weaker"), "--alpha", ALPHA, "--beta", BETA, "-o", out, cwd=tmp_path
        )
    )
    assert run.out.startswith(f"wrote {len(files.names)} predictions")
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document == {"predictions": files.preds["weaker"]}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["submission.json"]


def test_decode_with_a_names_map(files: Files, tmp_path: Path) -> None:
    mapping = {name: f"test_{i:04d}.mov" for i, name in enumerate(files.names, start=1)}
    names_map = tmp_path / "names.csv"
    pd.DataFrame({"filename": list(mapping), "submission": list(mapping.values())}).to_csv(
        names_map, index=False
    )
    out = tmp_path / "submission.json"
    ok(
        cli(
            "decode", files.csv("good"), "--alpha", ALPHA, "--beta", BETA,
            "--names-map", names_map, "-o", out, cwd=tmp_path,
        )
    )  # fmt: skip
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document == {
        "predictions": {mapping[n]: entries for n, entries in files.preds["good"].items()}
    }


def _broken_probs(tmp_path: Path, files: Files) -> Path:
    frame = _probs_frame(files.names, files.probs["good"]).astype({"ang": object})
    frame.loc[3, "ang"] = "oops"
    frame.loc[7, "ang"] = float("nan")
    path = tmp_path / "broken.csv"
    frame.to_csv(path, index=False)
    return path


def test_decode_failure_leaves_nothing_behind(files: Files, tmp_path: Path) -> None:
    out = tmp_path / "out" / "submission.json"
    out.parent.mkdir()
    short_map = tmp_path / "short.csv"
    pd.DataFrame({"a": files.names[1:], "b": files.names[1:]}).to_csv(short_map, index=False)
    cases = {
        "bad cells": ([_broken_probs(tmp_path, files)], []),
        "names map misses a clip": ([files.csv("good")], ["--names-map", short_map]),
        "same clips twice": ([files.csv("good"), files.csv("good")], []),
    }
    messages = {
        "bad cells": [
            f"{files.names[3]}: line 5: ang is 'oops', not a finite number",
            f"{files.names[7]}: line 9: ang is empty",
        ],
        "names map misses a clip": [f"{files.names[0]}: not in the names map"],
        "same clips twice": [f"{len(files.names)} clip(s) appear in both"],
    }
    for case, (inputs, extra) in cases.items():
        run = failed(
            cli(
                "decode", *inputs, "--alpha", ALPHA, "--beta", BETA, *extra, "-o", out, cwd=tmp_path
            )
        )
        for message in messages[case]:
            assert message in run.err, case
        assert list(out.parent.iterdir()) == [], case
    run = failed(
        cli(
            "decode", files.csv("good"), "--alpha", ALPHA, "--beta", BETA,
            "-o", tmp_path / "missing" / "s.json", cwd=tmp_path,
        )
    )  # fmt: skip
    assert "does not exist" in run.err
    assert not (tmp_path / "missing").exists()


def test_decode_keeps_an_existing_file_on_error(files: Files, tmp_path: Path) -> None:
    out = tmp_path / "submission.json"
    out.write_text("previous")
    failed(
        cli(
            "decode", _broken_probs(tmp_path, files), "--alpha", ALPHA, "--beta", BETA,
            "-o", out, cwd=tmp_path,
        )
    )  # fmt: skip
    assert out.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.csv", "submission.json"]


def test_probability_table_problems(tmp_path: Path) -> None:
    cases = {
        "missing.csv": (None, "cannot read missing.csv: No such file or directory"),
        "empty.csv": (b"", "empty.csv is empty"),
        "latin1.csv": (b"filename,ang\nA1_\xe9,1\n", "is not UTF-8 text"),
        "columns.csv": (b"filename,ang,disg\nA101_ang_int1_ver1,1,0\n", "missing column(s) fea"),
        "header.csv": (b"filename,ang,disg,fea,hap,sad,neu\n", "has a header but no rows"),
        "dupes.csv": (
            b"filename,ang,disg,fea,hap,sad,neu\nA101_ang_int1_ver1,1,0,0,0,0,0\n"
            b"A101_ang_int1_ver1,1,0,0,0,0,0\n",
            "A101_ang_int1_ver1: appears 2 times (lines 2, 3)",
        ),
    }
    for name, (content, message) in cases.items():
        if content is not None:
            (tmp_path / name).write_bytes(content)
        run = failed(cli("grid", name, cwd=tmp_path))
        assert message in run.err, name


# --- report


def test_report_prints_breakdown_and_confusions(files: Files, tmp_path: Path) -> None:
    run = ok(
        cli(
            "report",
            files.submission("good"),
            "--labels",
            files.clips,
            "--partition",
            "test",
            "--bootstrap",
            "0",
            cwd=tmp_path,
        )
    )
    table = bf.breakdown(files.preds["good"], by=("kind", "emotion", "pair", "ratio", "actor"))
    for row in table.itertuples():
        line = f"{row.group}  {row.category}"
        assert any(
            ln.split()[:3] == [row.group, row.category, str(row.n)]
            and ln.split()[3] == f"{row.presence:.3f}"
            for ln in run.out.splitlines()
        ), line
    assert "most frequent confusions" in run.out
    assert "trivial baselines" in run.out  # the table has train rows
    expected = bf.baselines(
        pd.read_csv(files.clips).query("partition == 'train'"),
        pd.read_csv(files.clips).query("partition == 'test'"),
    )
    assert f"most frequent single  {expected.single_emotion}" in run.out


def test_report_json_totals_add_up(files: Files, tmp_path: Path) -> None:
    document = ok(
        cli("report", files.submission("weaker"), "--bootstrap", "0", "--json", cwd=tmp_path)
    ).json()
    expected = reference.score(files.preds["weaker"])
    assert _scores(document) == expected
    rows = pd.DataFrame(document["breakdown"])
    for group in ("kind", "actor"):
        part = rows[rows["group"] == group]
        assert part["n"].sum() == expected["n"]
        assert part["presence_correct"].sum() == expected["presence_correct"]
        assert part["salience_correct"].sum() == expected["salience_correct"]
    counts = np.array(document["confusion"]["counts"])
    assert counts.sum() == expected["n"]
    assert document["intervals"] == {}


def test_report_writes_html_and_plots(files: Files, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    html, plots = tmp_path / "report.html", tmp_path / "plots"
    run = ok(
        cli(
            "report", files.submission("good"), "--bootstrap", "0",
            "--html", html, "--plot-dir", plots, cwd=tmp_path,
        )
    )  # fmt: skip
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count('src="data:image/png;base64,') >= 3
    written = sorted(p.name for p in plots.iterdir())
    assert written == [
        "breakdown.csv",
        "confusion.csv",
        "confusion.png",
        "presence.png",
        "salience.png",
    ]
    for name in written:
        if name.endswith(".png"):
            assert (plots / name).read_bytes().startswith(b"\x89PNG")
    assert pd.read_csv(plots / "breakdown.csv")["n"].sum() > 0
    assert f"HTML report: {html}" in run.out


# --- real data


def test_real_hicmae_outputs_reproduce_the_published_figures(
    data_dir: Path, tmp_path: Path
) -> None:
    # The dataset README: test_epoch100_ce.csv at 0.3 / 0.1 gives 0.3148 / 0.0719,
    # and the best cell of the 20 x 20 grid 0.2744 / 0.1647 (alpha 0.1447, beta 0.2395).
    test = data_dir / "hicmae" / "test_epoch100_ce.csv"
    out = tmp_path / "submission.json"
    ok(cli("decode", test, "--logits", "--alpha", "0.3", "--beta", "0.1", "-o", out, cwd=tmp_path))
    document = ok(
        cli(
            "score",
            out,
            "--labels",
            data_dir / "clips.csv",
            "--partition",
            "test",
            "--json",
            cwd=tmp_path,
        )
    ).json()
    assert (round(document["presence"], 4), round(document["salience"], 4)) == (0.3148, 0.0719)
    grid = ok(cli("grid", test, "--logits", "--json", cwd=tmp_path)).json()
    assert [round(grid[k], 4) for k in ("alpha", "beta", "presence", "salience")] == [
        0.1447,
        0.2395,
        0.2744,
        0.1647,
    ]
    template = data_dir / "submission_template.json"
    run = failed(
        cli("validate", out, "--manifest", template, "--max-problems", "all", cwd=tmp_path)
    )
    assert "test_0001.mov: expected clip has no prediction" in run.out
    assert math.isclose(document["mean"], (document["presence"] + document["salience"]) / 2)


def test_no_progress_bar_when_stderr_is_not_a_terminal(files: Files) -> None:
    # Piped stderr (not a terminal): no progress bar, even for a job of many files.
    env = dict(os.environ, COLUMNS="40")
    run = ok(cli("grid", *files.folds, "--json", cwd=files.root, env=env))
    assert run.err == ""


# --- statistics: score --bootstrap, compare, report intervals


def test_score_bootstrap_equals_the_api(files: Files) -> None:
    path = files.submission("good")
    args = ["--bootstrap", "2000", "--cluster", "actor", "--method", "bca", "--seed", "5"]
    document = ok(cli("score", path, *args, "--json", cwd=files.root)).json()
    assert _scores(document) == reference.score(files.preds["good"])
    expected = bf.bootstrap(path, n_resamples=2000, cluster="actor", method="bca", seed=5)
    assert document["bootstrap"] == expected.as_dict()
    assert document["bootstrap"]["n_units"] == 11  # the test actors
    run = ok(cli("score", path, *args, cwd=files.root))
    header, presence = run.out.splitlines()[1:3]
    assert header.split() == ["metric", "score", "correct", "low", "high", "se"]
    assert presence.split()[3:] == [
        f"{expected.presence.low:.4f}",
        f"{expected.presence.high:.4f}",
        f"{expected.presence.se:.4f}",
    ]
    assert (
        "new actors: 95% bca intervals over 11 actors, not small-sample corrected "
        "(too narrow with few groups; cluster-t is calibrated); "
        "2,000 resamples (--seed 5 repeats them)"
    ) in run.out


def test_score_cluster_actor_alone_gives_the_calibrated_intervals(files: Files) -> None:
    """cluster-t draws no resamples, so --cluster actor needs no --bootstrap B."""
    path = files.submission("good")
    document = ok(cli("score", path, "--cluster", "actor", "--json", cwd=files.root)).json()
    expected = bf.bootstrap(path, cluster="actor")
    assert expected.method == "cluster-t"

    def unseeded(result: dict) -> dict:  # the seed is reported, and unused by cluster-t
        return {k: v for k, v in result.items() if k != "seed"}

    assert unseeded(document["bootstrap"]) == unseeded(expected.as_dict())
    run = ok(cli("score", path, "--cluster", "actor", cwd=files.root))
    presence = run.out.splitlines()[2].split()
    assert presence[3:] == [
        f"{expected.presence.low:.4f}",
        f"{expected.presence.high:.4f}",
        f"{expected.presence.se:.4f}",
    ]
    assert run.out.rstrip().endswith(
        "new actors: 95% intervals over 11 actors, small-sample corrected "
        "(leave-one-actor-out t, logit scale, 10 df); analytic, no resampling"
    )
    # Without --cluster the scores stand alone, as before.
    plain = ok(cli("score", path, "--json", cwd=files.root)).json()
    assert "bootstrap" not in plain


def test_score_bootstrap_reports_the_seed_that_repeats_it(files: Files) -> None:
    path = files.submission("weaker")
    args = ["--bootstrap", "1000", "--cluster", "clip", "--json"]
    first = ok(cli("score", path, *args, cwd=files.root)).json()
    seed = first["bootstrap"]["seed"]
    again = ok(cli("score", path, *args, "--seed", seed, cwd=files.root)).json()
    assert again == first
    # Over actors (cluster-t) nothing is drawn: no seed to report.
    actor = ok(cli("score", path, "--bootstrap", "500", "--json", cwd=files.root)).json()
    assert actor["bootstrap"]["seed"] is None and actor["bootstrap"]["n_resamples"] is None


def test_compare_equals_the_api(files: Files) -> None:
    a, b = files.submission("good"), files.submission("weaker")
    # The clip names give the actors, so actor level (cluster-t) is the default.
    document = ok(cli("compare", a, b, "--seed", "2", "--json", cwd=files.root)).json()
    expected = bf.compare(a, b)  # the same rule: actors, read from the names
    assert expected.method == "cluster-t" and expected.cluster == "actor"
    assert {k: v for k, v in document.items() if k not in ("a", "b")} == expected.as_dict()
    args = ["--cluster", "clip", "--bootstrap", "3000", "--seed", "2", "--json"]
    clip_level = ok(cli("compare", a, b, *args, cwd=files.root)).json()
    expected = bf.compare(a, b, n_resamples=3000, seed=2, cluster="clip")
    assert {k: v for k, v in clip_level.items() if k not in ("a", "b")} == expected.as_dict()
    assert document["score_a"] == {
        **reference.score(files.preds["good"]),
        "mean": expected.score_a.mean,
    }
    run = ok(cli("compare", a, b, "--cluster", "actor", "--seed", "2", cwd=files.root))
    lines = run.out.splitlines()
    assert lines[:3] == [f"A: {a}", f"B: {b}", f"{len(files.names)} clips"]
    assert lines[3].split() == ["metric", "A", "B", "A", "-", "B", "low", "high", "se", "p"]
    actor = bf.compare(a, b, cluster="actor")
    presence = lines[4].split()
    assert presence[3] == f"{actor.presence.estimate:+.4f}"
    p = actor.presence.p_value
    assert presence[-1] == ("<0.0001" if p < 0.0001 else f"{p:.4f}")
    assert run.out.rstrip().endswith(
        "A - B, new actors: 95% intervals over 11 actors, small-sample corrected "
        "(leave-one-actor-out t, two-thirds power scale, 10 df); two-sided p-values; "
        "analytic, no resampling"
    )


def test_compare_needs_the_same_clips(files: Files, tmp_path: Path) -> None:
    fewer = dict(list(files.preds["weaker"].items())[3:])
    b = _write_json(tmp_path / "fewer.json", {"predictions": fewer})
    run = failed(cli("compare", files.submission("good"), b, cwd=tmp_path))
    assert "must cover the same clips" in run.err
    assert files.names[0] in run.err


def test_report_intervals_side_by_side(files: Files, tmp_path: Path) -> None:
    path = files.submission("good")
    args = ["--cluster", "actor", "--seed", "9", "--bootstrap", "2000"]
    document = ok(cli("report", path, *args, "--json", cwd=tmp_path)).json()
    clip = bf.bootstrap(path, n_resamples=2000, seed=9, cluster="clip")
    actor = bf.bootstrap(path, cluster="actor")
    assert document["intervals"] == {
        "clip-level": clip.as_dict(),
        "actor-level": actor.as_dict(),
    }
    run = ok(cli("report", path, *args, cwd=tmp_path))
    header, presence = run.out.splitlines()[1:3]
    assert header.split() == [
        "metric", "score", "correct", "actor", "low", "actor", "high", "clip", "low", "clip", "high",
    ]  # fmt: skip
    assert presence.split()[3:] == [
        f"{x:.4f}"
        for x in (actor.presence.low, actor.presence.high, clip.presence.low, clip.presence.high)
    ]
    assert f"actor-level: {actor.question}; analytic, no resampling" in run.out


def test_report_plot_dir_has_the_bootstrap_histogram(files: Files, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    plots = tmp_path / "plots"
    ok(cli("report", files.submission("weaker"), "--plot-dir", plots, cwd=tmp_path))
    assert (plots / "bootstrap.png").read_bytes().startswith(b"\x89PNG")


def test_names_without_labels_get_a_hint(files: Files, tmp_path: Path) -> None:
    preds = {f"test_{i:04d}.mov": entries for i, entries in enumerate(files.preds["good"].values())}
    path = _write_json(tmp_path / "anonymous.json", {"predictions": preds})
    run = failed(cli("score", path, "--max-problems", "all", cwd=tmp_path))
    assert run.err.count("cannot read a label from this clip name") == len(preds)
    assert "hint: without --labels" in run.err
    # with labels keyed by the same names it scores
    labels = {
        f"test_{i:04d}.mov": reference.label_from_filename(name)
        for i, name in enumerate(files.preds["good"])
    }
    label_path = _write_json(tmp_path / "labels.json", labels)
    document = ok(cli("score", path, "--labels", label_path, "--json", cwd=tmp_path)).json()
    assert _scores(document) == reference.score(files.preds["good"])


def test_compare_on_anonymous_names_falls_back_to_clips_and_says_so(
    files: Files, tmp_path: Path
) -> None:
    # test_0001.mov names no actor: never one actor called "test".
    names = {name: f"test_{i:04d}.mov" for i, name in enumerate(files.preds["good"])}
    paths = [
        _write_json(
            tmp_path / f"{who}.json",
            {"predictions": {names[n]: e for n, e in files.preds[who].items()}},
        )
        for who in ("good", "weaker")
    ]
    labels = {names[n]: reference.label_from_filename(n) for n in files.preds["good"]}
    label_path = _write_json(tmp_path / "labels.json", labels)
    run = ok(cli("compare", *paths, "--labels", label_path, "--seed", "1", cwd=tmp_path))
    assert (
        "A - B, these 594 clips: 95% clip-level percentile intervals (the actors held fixed)"
        in (run.out)
    )
    run = failed(cli("compare", *paths, "--labels", label_path, "--cluster", "actor", cwd=tmp_path))
    assert "--cluster actor" in run.err and "name no actor" in run.err
