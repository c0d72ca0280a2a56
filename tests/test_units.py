"""One rule for the statistics' defaults, shared by Python and the CLI: the
unit (``cluster="auto"``), the resampling warnings, ``partition=`` and the
diagnosis of a failed match, on the real HiCMAE test runs."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import blemore_fast as bf
import numpy as np
import pandas as pd
import pytest
from cli_support import cli, failed, ok
from hicmae import load_outputs

# The warning's promise, in words: which question the intervals answer.
ABOUT_CLIPS = "the intervals are about these clips, with their actors held fixed, not about new"


@pytest.fixture(scope="module")
def runs(data_dir: Path) -> dict[str, dict[str, Any]]:
    """Two real test-set runs, decoded as the challenge does."""
    decoded = {}
    for run in ("epoch100_ce", "epoch50_ce"):
        names, probs = load_outputs(data_dir / "hicmae" / f"test_{run}.csv")
        decoded[run] = bf.decode(probs, alpha=0.3, beta=0.1, names=names)
    return decoded


@pytest.fixture(scope="module")
def clips(data_dir: Path) -> pd.DataFrame:
    return pd.read_csv(data_dir / "clips.csv", dtype={"filename": str})


def _anonymised(preds: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """A renaming of the clips to names that name no actor, and their labels."""
    rename = {name: f"clip_{i:04d}" for i, name in enumerate(sorted(preds))}
    labels = bf.labels_from_filenames(list(rename))
    return rename, {rename[name]: label for name, label in labels.items()}


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data))
    return path


def _same(python: dict[str, Any], command: dict[str, Any]) -> None:
    for key, value in python.items():
        assert (
            command[key] == pytest.approx(value, nan_ok=True)
            if isinstance(value, float)
            else command[key] == value
        ), key


@pytest.mark.parametrize("labels_kind", ["names", "metadata", "video_id"])
def test_the_default_unit_is_actors_when_they_can_be_read(
    runs, clips, labels_kind: str, tmp_path: Path
) -> None:
    a, b = runs["epoch100_ce"], runs["epoch50_ce"]
    test = clips[clips["partition"] == "test"]
    # Metadata whose actors differ from the names' (every second actor merged),
    # so the test can tell which rule was used.
    actors = test["actor"].astype(str)
    merged = actors.where(actors.rank(method="dense") % 2 == 0, "A_other")
    labels = {
        "names": None,
        "metadata": test[["filename"]].assign(actor=merged.to_numpy()),
        "video_id": test[["filename"]].assign(video_id=merged.to_numpy()),
    }[labels_kind]
    n_units = 11 if labels is None else merged.nunique()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ClipLevelWarning, nor any other
        one = bf.bootstrap(a, labels)
        pair = bf.compare(a, b, labels)
        board = bf.leaderboard(runs, labels, n_resamples=1000, seed=1)
    for result in (one, pair, board):
        assert (result.cluster, result.n_units) == ("actor", n_units)
    assert one.method == pair.method == "cluster-t"
    assert one == bf.bootstrap(a, labels, cluster="actor")
    assert pair == bf.compare(a, b, labels, cluster="actor")
    # The CLI with no options answers the same question with the same numbers.
    args = [_write(tmp_path / "a.json", a), _write(tmp_path / "b.json", b)]
    if labels is not None:
        labels.to_csv(tmp_path / "labels.csv", index=False)
        args += ["--labels", tmp_path / "labels.csv"]
    run = ok(cli("compare", *args, "--json", cwd=tmp_path))
    assert "warning" not in run.err
    document = run.json()
    assert (document["cluster"], document["n_units"]) == ("actor", n_units)
    assert document["n_resamples"] is None and document["seed"] is None
    for metric in ("presence", "salience", "mean"):
        assert document[metric] == getattr(pair, metric).as_dict()


def test_anonymised_names_fall_back_to_clips_with_a_warning(runs, tmp_path: Path) -> None:
    a, b = runs["epoch100_ce"], runs["epoch50_ce"]
    rename, labels = _anonymised(a)
    a = {rename[n]: v for n, v in a.items()}
    b = {rename[n]: v for n, v in b.items()}
    with pytest.warns(bf.ClipLevelWarning, match=ABOUT_CLIPS) as caught:
        pair = bf.compare(a, b, labels, seed=5)
    (warning,) = caught
    message = str(warning.message)
    assert "'clip_0000'" in message and "an 'actor' column" in message
    assert "cluster='clip' asks for clips without this warning" in message
    assert (pair.cluster, pair.method, pair.n_units) == (None, "percentile", 594)
    assert pair == bf.compare(a, b, labels, seed=5, cluster="clip")
    assert pair == bf.compare(a, b, labels, seed=5, cluster=None)
    with pytest.warns(bf.ClipLevelWarning, match=ABOUT_CLIPS):
        assert bf.bootstrap(a, labels, seed=5).cluster is None
    with pytest.warns(bf.ClipLevelWarning, match=ABOUT_CLIPS):
        board = bf.leaderboard({"a": a, "b": b}, labels, n_resamples=1000, seed=5)
    assert board.cluster is None and board.n_units == 594
    # The CLI: the same intervals, and the same warning in its own terms.
    args = [_write(tmp_path / n, d) for n, d in (("a.json", a), ("b.json", b), ("l.json", labels))]
    run = ok(
        cli("compare", args[0], args[1], "--labels", args[2], "--seed", 5, "--json", cwd=tmp_path)
    )
    assert "warning: the actors cannot be read" in run.err and ABOUT_CLIPS in run.err
    assert "--labels a table with an 'actor' column" in run.err and "--cluster clip" in run.err
    assert "cluster=" not in run.err
    document = run.json()
    assert (document["cluster"], document["seed"], document["n_resamples"]) == (None, 5, 10_000)
    for metric in ("presence", "salience", "mean"):
        assert document[metric] == getattr(pair, metric).as_dict()


def test_unnamed_arrays_warn_and_explicit_units_do_not(runs) -> None:
    aligned = bf.align(runs["epoch100_ce"])
    with pytest.warns(bf.ClipLevelWarning, match="needs clip names or label metadata"):
        bf.bootstrap(aligned.pred, aligned.label, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bf.bootstrap(aligned.pred, aligned.label, cluster="clip", seed=1)
    with pytest.raises(ValueError, match="cluster='actor' needs clip names"):
        bf.bootstrap(aligned.pred, aligned.label, cluster="actor")


# --- resampling: too few replicates, and options cluster-t does not use


@pytest.mark.parametrize(
    ("method", "n", "enough"),
    [("percentile", 999, "1,000"), ("basic", 500, "1,000"), ("bca", 1999, "2,000")],
)
def test_python_warns_below_enough_resamples_as_the_cli(runs, method, n, enough, tmp_path) -> None:
    preds = runs["epoch100_ce"]
    message = f"{n:,} resamples are too few for {method} intervals"
    with pytest.warns(UserWarning, match=f"^{message}.*use at least {enough}$"):
        bf.bootstrap(preds, cluster="clip", method=method, n_resamples=n, seed=1)
    with pytest.warns(UserWarning, match=f"^{message}"):
        bf.compare(preds, preds, cluster="clip", method=method, n_resamples=n, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bf.bootstrap(preds, cluster="clip", method=method, n_resamples=2000, seed=1)
    path = _write(tmp_path / "a.json", preds)
    run = ok(
        cli("score", path, "--bootstrap", n, "--cluster", "clip", "--method", method, cwd=tmp_path)
    )
    assert run.err.count(message) == 1


def test_cluster_t_reports_no_resamples_and_warns_about_ignored_options(runs) -> None:
    preds = runs["epoch100_ce"]
    result = bf.bootstrap(preds)
    assert (result.method, result.n_resamples, result.seed) == ("cluster-t", None, None)
    assert result.as_dict()["n_resamples"] is None and result.as_dict()["seed"] is None
    assert "analytic, no resampling" in repr(result)
    for options, named in (
        ({"n_resamples": 5000}, "n_resamples has"),
        ({"seed": 3}, "seed has"),
        ({"n_resamples": 5000, "seed": 3}, "n_resamples and seed have"),
    ):
        with pytest.warns(UserWarning, match=f"^{named} no effect: method 'cluster-t'"):
            assert bf.bootstrap(preds, **options) == result
        with pytest.warns(UserWarning, match=f"^{named} no effect"):
            bf.compare(preds, runs["epoch50_ce"], method="cluster-t", cluster="actor", **options)


# --- partition= and the diagnosis


def test_partition_keeps_one_split_of_the_label_table(runs, clips, data_dir) -> None:
    preds = runs["epoch100_ce"]
    path = data_dir / "clips.csv"
    test = clips[clips["partition"] == "test"]
    want = bf.score(preds, test)
    assert bf.score(preds, path, partition="test") == want
    assert bf.score(preds, clips, partition="test") == want
    assert bf.bootstrap(preds, path, partition="test") == bf.bootstrap(preds, test)
    assert bf.compare(preds, runs["epoch50_ce"], clips, partition="test") == bf.compare(
        preds, runs["epoch50_ce"], test
    )
    pd.testing.assert_frame_equal(
        bf.breakdown(preds, path, partition="test"), bf.breakdown(preds, test)
    )
    board = bf.leaderboard(runs, path, partition="test", n_resamples=1000, seed=2)
    pd.testing.assert_frame_equal(
        board.table, bf.leaderboard(runs, test, n_resamples=1000, seed=2).table
    )
    with pytest.raises(ValueError, match="partition= selects rows of a label table"):
        bf.score(preds, partition="test")
    with pytest.raises(
        bf.ValidationError, match=r"no rows with partition 'tset' \(it has test, train\)"
    ):
        bf.score(preds, clips, partition="tset")
    with pytest.raises(bf.ValidationError, match="no 'partition' column to select 'test'"):
        bf.score(preds, test.drop(columns="partition"), partition="test")
    with pytest.raises(TypeError, match="partition must be None or a string"):
        bf.score(preds, clips, partition=1)
    with pytest.raises(ValueError, match="labels and partition must be None"):
        bf.bootstrap(bf.align(preds, test), partition="test")


HINT_ADD = (
    "hint: the labels cover clips that have no prediction: the predictions are the clips of "
    "partition 'test'; add partition='test'"
)


def test_the_whole_clips_csv_says_to_add_partition(runs, data_dir) -> None:
    # The trap: the README's example on the dataset's own clips.csv.
    preds = runs["epoch100_ce"]
    path = data_dir / "clips.csv"
    for call in (
        lambda: bf.score(preds, path),
        lambda: bf.bootstrap(preds, path, cluster="actor"),
        lambda: bf.compare(preds, runs["epoch50_ce"], path),
        lambda: bf.breakdown(preds, path),
    ):
        with pytest.raises(bf.ValidationError, match="label has no prediction") as info:
            call()
        assert info.value.hint is not None
        assert str(info.value).splitlines()[-1].startswith(HINT_ADD), str(info.value)[-300:]
        assert "strict=False leaves them out" in str(info.value)
    with pytest.raises(bf.ValidationError) as info:
        bf.score(preds, path, partition="train")
    assert str(info.value).splitlines()[-1] == (
        "hint: the predictions are clips of partition 'test', not 'train': use partition='test'"
    )


def test_the_cli_gives_the_same_diagnosis_in_its_own_terms(runs, data_dir, tmp_path) -> None:
    path = _write(tmp_path / "a.json", runs["epoch100_ce"])
    run = failed(cli("score", path, "--labels", data_dir / "clips.csv", cwd=tmp_path))
    hint = run.err.strip().splitlines()[-1]
    assert hint.startswith(HINT_ADD.replace("partition='test'", "--partition test"))
    with pytest.raises(bf.ValidationError) as info:
        bf.score(runs["epoch100_ce"], data_dir / "clips.csv")
    python = str(info.value).splitlines()[-1]
    spelled = {"partition='test'": "--partition test", "partition=NAME": "--partition NAME"}
    for python_spelling, cli_spelling in {**spelled, "strict=False": "--lenient"}.items():
        python = python.replace(python_spelling, cli_spelling)
    assert python == hint


def test_leaderboard_says_why_every_system_failed(runs, data_dir, tmp_path) -> None:
    with pytest.raises(bf.FailedSystemsError) as info:
        bf.leaderboard(runs, data_dir / "clips.csv", n_resamples=1000, seed=1)
    error = info.value
    assert isinstance(error, bf.ValidationError)
    assert set(error.failed) == set(runs)
    assert all(len(problems) == 2456 for problems in error.failed.values())
    text = str(error)
    assert text.splitlines()[0] == (
        "leaderboard needs at least 2 valid systems; got 0 (2 failed validation: "
        "epoch100_ce, epoch50_ce); their problems are in .failed:"
    )
    for name in runs:
        assert f"  {name}: 2,456 problems" in text
    assert text.count("label has no prediction") == 2 * 3  # the first 3 of each
    assert text.count("... and 2,453 more") == 2
    assert text.count("hint: the labels cover clips that have no prediction") == 2
    assert "add partition='test'" in text and "strict=False" not in text
    # One valid system is still too few, and the other's problems are listed.
    broken = {"good": runs["epoch100_ce"], "bad": {"A101_ang_int1_ver1": []}}
    with pytest.raises(bf.FailedSystemsError, match="got 1 \\(1 failed validation") as info:
        bf.leaderboard(broken, n_resamples=1000, seed=1)
    assert list(info.value.failed) == ["bad"]
    # The CLI names the systems and gives the hint in its own terms.
    files = [_write(tmp_path / f"{name}.json", preds) for name, preds in runs.items()]
    run = failed(cli("leaderboard", *files, "--labels", data_dir / "clips.csv", cwd=tmp_path))
    lines = run.err.strip().splitlines()
    assert lines[0] == (
        "error: leaderboard needs at least 2 valid systems; got 0 "
        "(2 failed validation: epoch100_ce, epoch50_ce):"
    )
    assert "add --partition test" in lines[-1] and "partition=" not in run.err


def test_leaderboard_keeps_the_failed_systems_beside_the_ranked(runs, clips) -> None:
    test = clips[clips["partition"] == "test"]
    systems = {**runs, "empty": {"A101_ang_int1_ver1": []}}
    board = bf.leaderboard(systems, test, n_resamples=1000, seed=1)
    assert list(board.failed) == ["empty"] and len(board.table) == 2
    assert np.isfinite(board.pairwise["p_value"]).all()
