"""The challenge on Codabench, held to Codabench's own contracts.

The bundle is built by the installed command and checked as Codabench's
unpacker would (``codabench_worker.bundle_violations``); each submission is
a real zip scored by the bundle's own scoring program, run the way the
compute worker runs it (``codabench_worker.run_scoring``). Expected scores
come from :mod:`blemore_fast.reference` on the dataset's real names, which
carry the labels; the bundle only ever sees anonymised names of our own
making.

The real HiCMAE outputs beside the checkout drive the main runs (skipped
without them); the synthetic dataset, with the real design, drives the rest.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import blemore_fast as bf
import numpy as np
import pandas as pd
import pytest
import yaml
from blemore_fast import EMOTIONS, reference, synthetic
from blemore_fast.challenge import SCORE_KEYS
from browser import needs_browser, probe_page
from cli_support import cli, failed, ok
from codabench_worker import bundle_violations, extract, read_competition, run_scoring
from hicmae import load_outputs

ALPHA, BETA = 0.3, 0.1


@dataclass(frozen=True)
class Challenge:
    """A test set as the organisers hold it, and its bundle."""

    root: Path
    clips: Path  # filename, actor, partition (and fold): the dataset's real names
    test: pd.DataFrame  # its test rows
    names: dict[str, str]  # real name -> anonymised name
    bundle: Path

    def submission(self, probs_csv: Path, name: str, *, logits: bool) -> Path:
        """A participant's upload: the command decodes their outputs into a zip."""
        flag = ("--logits",) if logits else ()
        out = self.root / f"{name}.zip"
        ok(
            cli(
                "decode", probs_csv, *flag, "--alpha", ALPHA, "--beta", BETA,
                "--names-map", self.root / "names.csv", "-o", out, cwd=self.root,
            )
        )  # fmt: skip
        return out


def make_challenge(root: Path, clips: pd.DataFrame) -> Challenge:
    clips.to_csv(root / "clips.csv", index=False)
    test = clips[clips["partition"] == "test"].reset_index(drop=True)
    # Anonymised names in an order unrelated to the real ones.
    order = np.random.default_rng(7).permutation(len(test))
    anonymous = [f"clip_{k:04d}.mp4" for k in order + 1]
    names = dict(zip(test["filename"], anonymous, strict=True))
    pd.DataFrame({"filename": list(names), "submission": anonymous}).to_csv(
        root / "names.csv", index=False
    )
    ok(
        cli(
            "codabench", "bundle", "--labels", "clips.csv", "--partition", "test",
            "--names-map", "names.csv", "--title", "BlEmoRe <test>", "--start", "2026-03-01",
            "-o", "bundle.zip", cwd=root,
        )
    )  # fmt: skip
    return Challenge(root, root / "clips.csv", test, names, root / "bundle.zip")


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Challenge:
    clips = pd.read_csv(data_dir / "clips.csv", dtype={"filename": str})
    return make_challenge(tmp_path_factory.mktemp("real"), clips)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Challenge, Path]:
    data = synthetic.make_dataset(seed=3)
    root = tmp_path_factory.mktemp("synthetic")
    challenge = make_challenge(root, data.clips[["filename", "actor", "partition", "fold"]])
    test = data.select("test")
    frame = pd.DataFrame(data.probs["good"][test], columns=list(EMOTIONS))
    frame.insert(0, "filename", data.clips["filename"][test].tolist())
    frame.to_csv(root / "probs.csv", index=False)
    return challenge, challenge.submission(root / "probs.csv", "good", logits=False)


def expected_scores(names: list[str], probs: np.ndarray) -> dict[str, Any]:
    """The published scorer on the real names: labels read from the names."""
    preds = reference.probs_to_dict(reference.top2(probs), names, ALPHA, BETA)
    return {
        "preds": preds,
        "presence": reference.acc_presence_total(preds),
        "salience": reference.acc_salience_total(preds),
    }


# ---------------------------------------------------------------- the bundle


def test_the_bundle_is_what_codabench_accepts(simulated: tuple[Challenge, Path]) -> None:
    challenge, _ = simulated
    bundle = extract(challenge.bundle, challenge.root / "unzipped")
    assert bundle_violations(bundle) == []
    comp = read_competition(bundle)
    assert comp["version"] == 2 and comp["title"] == "BlEmoRe <test>"
    assert comp["enable_detailed_results"] is True
    (phase,) = comp["phases"]
    assert (phase["start"], phase["tasks"]) == ("2026-03-01 00:00:00", [0])
    (task,) = comp["tasks"]
    assert (task["scoring_program"], task["reference_data"]) == (
        "scoring_program",
        "reference_data",
    )
    (board,) = comp["leaderboards"]
    columns = {c["key"]: c for c in board["columns"]}
    assert list(columns) == list(SCORE_KEYS)
    assert list(columns)[:3] == ["presence", "salience", "mean"]
    assert all(c["sorting"] == "desc" for c in columns.values())
    assert board["primary_index"] == columns["mean"]["index"]
    # the command, the image's recipe, and the hidden labels under anonymised names only
    metadata = yaml.safe_load((bundle / "scoring_program" / "metadata.yaml").read_text())
    assert metadata == {"command": "python3 $program/score.py $input $output"}
    dockerfile = (bundle / "Dockerfile").read_text()
    instructions = [line for line in dockerfile.splitlines() if not line.startswith("#")]
    assert "FROM python:3.12-slim" in instructions  # one stage, from wheels: no Rust
    assert [line for line in instructions if line.startswith("FROM")] == ["FROM python:3.12-slim"]
    assert not [line for line in instructions if re.search("rust|cargo|maturin", line, re.I)]
    assert f'"blemore-fast[plot]=={bf.__version__}"' in dockerfile
    labels = pd.read_csv(bundle / "reference_data" / "labels.csv")
    assert list(labels.columns) == [
        "filename", "emotion_1", "emotion_2", "emotion_1_salience", "emotion_2_salience", "actor"
    ]  # fmt: skip
    assert set(labels["filename"]) == set(challenge.names.values())
    # each anonymised name keeps its clip's label: the labels, as predictions, score 1
    truth = bf.labels_from_filenames(challenge.test["filename"])
    as_predictions = {challenge.names[n]: entries for n, entries in truth.items()}
    perfect = bf.score(as_predictions, labels)
    assert (perfect.presence, perfect.salience, perfect.n) == (1.0, 1.0, len(truth))
    text = "\n".join(p.read_text(errors="replace") for p in bundle.rglob("*") if p.is_file())
    assert not any(name in text for name in challenge.test["filename"])


@pytest.mark.parametrize(
    "breakage",
    ["no title", "no terms file", "phase without tasks", "duplicate column key", "no command"],
)
def test_the_bundle_check_can_fail(
    simulated: tuple[Challenge, Path], tmp_path: Path, breakage: str
):
    bundle = extract(simulated[0].bundle, tmp_path / "bundle")
    comp = read_competition(bundle)
    if breakage == "no title":
        del comp["title"]
    elif breakage == "no terms file":
        (bundle / comp["terms"]).unlink()
    elif breakage == "phase without tasks":
        comp["phases"][0]["tasks"] = []
    elif breakage == "duplicate column key":
        comp["leaderboards"][0]["columns"][1]["key"] = "presence"
    else:
        (bundle / "scoring_program" / "metadata.yaml").write_text("{}\n")
    (bundle / "competition.yaml").write_text(yaml.safe_dump(comp))
    assert len(bundle_violations(bundle)) == 1


def test_the_bundle_refuses_names_that_carry_labels(simulated: tuple[Challenge, Path]) -> None:
    challenge, _ = simulated
    run = failed(
        cli(
            "codabench",
            "bundle",
            "--labels",
            "clips.csv",
            "--partition",
            "test",
            "-o",
            "x.zip",
            cwd=challenge.root,
        )
    )
    assert "carry their label" in run.err and "--names-map" in run.err
    assert "A" not in run.err.split("error:")[1].split("clip names")[0]  # no name shown
    assert not (challenge.root / "x.zip").exists()


def test_bundle_options(simulated: tuple[Challenge, Path], tmp_path: Path) -> None:
    challenge = simulated[0]
    (tmp_path / "terms.md").write_text("# Our terms\n")
    labels = bf.challenge.reference_table(challenge.test, names_map=challenge.names)
    labels.to_csv(tmp_path / "labels.csv", index=False)
    ok(
        cli(
            "codabench", "bundle", "--labels", "labels.csv", "--image", "me/scoring:1",
            "--start", "2026-03-01 12:00", "--end", "2026-04-01", "--terms", "terms.md",
            "-o", "b.zip", cwd=tmp_path,
        )
    )  # fmt: skip
    bundle = extract(tmp_path / "b.zip", tmp_path / "b")
    comp = read_competition(bundle)
    assert bundle_violations(bundle) == []
    assert comp["docker_image"] == "me/scoring:1"
    assert (comp["phases"][0]["start"], comp["phases"][0]["end"]) == (
        "2026-03-01 12:00:00",
        "2026-04-01 00:00:00",
    )
    assert (bundle / "terms.md").read_text() == "# Our terms\n"
    assert not (bundle / "reference_data" / "train_labels.csv").exists()  # no train rows given
    run = failed(
        cli("codabench", "bundle", "--labels", "labels.csv", "--start", "2026-04-01",
            "--end", "2026-03-01", "-o", "c.zip", cwd=tmp_path)
    )  # fmt: skip
    assert "must come after start" in run.err
    run = failed(
        cli(
            "codabench",
            "bundle",
            "--labels",
            "labels.csv",
            "--start",
            "soon",
            "-o",
            "c.zip",
            cwd=tmp_path,
        )
    )
    assert "start must be a date" in run.err


# ------------------------------------------------------- scoring, as the worker runs it


@pytest.mark.parametrize("outputs", ["test_epoch100_ce.csv", "test_epoch50_kl_div.csv"])
def test_scores_equal_the_reference_on_real_outputs(
    real: Challenge, data_dir: Path, tmp_path: Path, outputs: str
) -> None:
    path = data_dir / "hicmae" / outputs
    upload = real.submission(path, outputs.removesuffix(".csv"), logits=True)
    run = run_scoring(real.bundle, upload, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.scores is not None and run.written is not None
    assert list(run.written) == list(SCORE_KEYS)  # nothing the leaderboard would drop
    assert set(run.scores) == set(SCORE_KEYS)
    names, probs = load_outputs(path)
    expected = expected_scores(names, probs)
    assert run.written["presence"] == expected["presence"]
    assert run.written["salience"] == expected["salience"]
    assert run.written["mean"] == (expected["presence"] + expected["salience"]) / 2
    # The intervals: the package's actor-level bootstrap on the real names and
    # the real table, same seed: anonymising and zipping change nothing.
    intervals = bf.bootstrap(expected["preds"], real.test, cluster="actor")
    for metric in ("presence", "salience", "mean"):
        interval = getattr(intervals, metric)
        assert (run.written[f"{metric}_low"], run.written[f"{metric}_high"]) == (
            interval.low,
            interval.high,
        )
        assert interval.low <= run.written[metric] <= interval.high
    assert intervals.n_units == 11
    assert "of 11 actors" in run.stdout
    if outputs == "test_epoch100_ce.csv":  # the data README's figures
        assert (round(run.written["presence"], 4), round(run.written["salience"], 4)) == (
            0.3148,
            0.0719,
        )


@pytest.fixture(scope="module")
def details(simulated: tuple[Challenge, Path], tmp_path_factory: pytest.TempPathFactory) -> str:
    challenge, upload = simulated
    run = run_scoring(challenge.bundle, upload, tmp_path_factory.mktemp("run"))
    assert run.returncode == 0, run.stderr
    assert run.details is not None and run.details.name == "detailed_results.html"
    return run.details.read_text(encoding="utf-8")


def test_the_details_page_shows_aggregates_only(
    details: str, simulated: tuple[Challenge, Path]
) -> None:
    challenge, _ = simulated
    headings = re.findall(r"<h2>(.*?)</h2>", details)
    assert headings == [
        "Overall",
        "About the intervals",
        "Trivial baselines",
        "Your predicted classes",
    ]
    assert "actor-level low" in details
    # The intervals say which question they answer, as the evaluation page does.
    method = bf.challenge.interval_method(11)
    assert method.startswith("95% intervals over 11 actors, by leave-one-actor-out t")
    assert f"<p>{method}</p>" in details.replace("&#x27;", "'")
    evaluation = _bundle_file(challenge.bundle, "pages/evaluation.md")
    assert " ".join(method.split()) in " ".join(evaluation.split())
    # no clip name, real or anonymised, and no actor: which clip shows whom is
    # hidden too (the embedded images' base64 text aside)
    text = re.sub(r'src="data:image/png;base64,[^"]*"', "", details)
    for name in (*challenge.names, *challenge.names.values(), *challenge.test["actor"].unique()):
        assert str(name) not in text
    assert not re.search(r"clip_\d{4}", details)
    assert not re.search(r'(src|href)="(?!data:)', details) and "<script" not in details


@needs_browser
def test_the_details_page_loads_in_chromium(details: str, tmp_path: Path) -> None:
    probe = probe_page(tmp_path, details)
    assert probe.errors == []
    assert probe.images == []  # the default page has no plot
    assert "About the intervals" in probe.dom


def _bundle_file(bundle: Path, name: str) -> str:
    with zipfile.ZipFile(bundle) as archive:
        return archive.read(name).decode("utf-8")


def test_details_categories_is_an_opt_in_the_pages_announce(
    simulated: tuple[Challenge, Path], tmp_path: Path
) -> None:
    challenge, upload = simulated
    default = _bundle_file(challenge.bundle, "pages/evaluation.md")
    assert "no score by category, no confusion of label classes" in " ".join(default.split())
    assert 'DETAILS = "scores"' in _bundle_file(challenge.bundle, "scoring_program/score.py")
    run = ok(
        cli(
            "codabench", "bundle", "--labels", "clips.csv", "--partition", "test",
            "--names-map", "names.csv", "--details", "categories", "-o", tmp_path / "c.zip",
            cwd=challenge.root,
        )
    )  # fmt: skip
    assert "give hidden labels away" in run.out
    evaluation = " ".join(_bundle_file(tmp_path / "c.zip", "pages/evaluation.md").split())
    assert "(`--details categories`) because this phase's labels are public" in evaluation
    assert 'DETAILS = "categories"' in _bundle_file(tmp_path / "c.zip", "scoring_program/score.py")
    scored = run_scoring(tmp_path / "c.zip", upload, tmp_path / "run")
    assert scored.returncode == 0, scored.stderr
    assert scored.details is not None
    page = scored.details.read_text(encoding="utf-8")
    for heading in ("By category", "Confusion", "About this page"):
        assert f"<h2>{heading}</h2>" in page
    assert "because the organisers chose it (details: categories)" in page
    # The plots are the same bytes on every run (no matplotlib version in them).
    again = run_scoring(tmp_path / "c.zip", upload, tmp_path / "again")
    assert again.details is not None and again.details.read_text(encoding="utf-8") == page


def test_codabench_score_lists_every_problem_on_request(
    simulated: tuple[Challenge, Path], tmp_path: Path
) -> None:
    challenge = simulated[0]
    broken = tmp_path / "empty.zip"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("s.json", json.dumps({"predictions": {"x.mov": []}}))
    bundle = extract(challenge.bundle, tmp_path / "bundle")
    (tmp_path / "input").mkdir()
    (tmp_path / "input" / "ref").symlink_to(bundle / "reference_data")
    extract(broken, tmp_path / "input" / "res")
    for flag, listed in (((), 20), (("--max-problems", "all"), 596), (("--max-problems", "3"), 3)):
        run = failed(cli("codabench", "score", "input", "output", *flag, cwd=tmp_path))
        assert run.err.startswith("error: 596 problems in the submission:"), run.err
        assert run.err.count("\n  - ") == listed
    assert "unrecognized" not in run.err


def test_a_blank_terms_file_is_an_error(simulated: tuple[Challenge, Path], tmp_path: Path) -> None:
    challenge = simulated[0]
    for text in ("", "  \n\n"):
        (tmp_path / "terms.md").write_text(text)
        run = failed(
            cli(
                "codabench", "bundle", "--labels", "clips.csv", "--partition", "test",
                "--names-map", "names.csv", "--terms", tmp_path / "terms.md",
                "-o", tmp_path / "t.zip", cwd=challenge.root,
            )
        )  # fmt: skip
        assert "terms.md is empty: the terms page needs text" in run.err
    run = failed(
        cli("codabench", "bundle", "--labels", "clips.csv", "--partition", "test",
            "--names-map", "names.csv", "--terms", "/dev/null", "-o", tmp_path / "t.zip",
            cwd=challenge.root)
    )  # fmt: skip
    assert "/dev/null is empty" in run.err
    assert not (tmp_path / "t.zip").exists()


def _broken(
    challenge: Challenge, upload: Path, kind: str, tmp_path: Path
) -> tuple[Path, list[str]]:
    """A broken upload and the lines its error output must hold."""
    with zipfile.ZipFile(upload) as archive:
        (member,) = archive.namelist()
        text = archive.read(member).decode()
    document = json.loads(text)
    path = tmp_path / f"{kind}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        if kind == "no JSON":
            archive.writestr("predictions.csv", "filename,emotion\n")
            archive.writestr("README.txt", "hello")
            return path, ["holds no JSON file (found README.txt, predictions.csv)"]
        if kind == "two JSONs":
            archive.writestr("a.json", text)
            archive.writestr("b/b.json", text)
            return path, ["holds 2 JSON files (a.json, b/b.json)"]
        if kind == "truncated JSON":
            archive.writestr(member, text[: len(text) // 2])
            return path, [f"{member} is not valid JSON"]
        if kind == "missing clips":
            dropped = list(document["predictions"])[:3]
            for name in dropped:
                del document["predictions"][name]
            archive.writestr(member, json.dumps(document))
            return path, [f"  - {name}: expected clip has no prediction" for name in dropped]
        # misspelt names and bad entries: every problem at once
        first, second = list(document["predictions"])[:2]
        document["predictions"][first.upper()] = document["predictions"].pop(first)
        document["predictions"][second] = [{"emotion": "happy", "salience": 100}]
        archive.writestr(member, json.dumps(document))
        return path, [
            f"  - {second}: unknown emotion code 'happy' (did you mean 'hap'?)",
            f"  - {first.upper()}: clip is not in the expected names (did you mean '{first}'?)",
            f"  - {first}: expected clip has no prediction (misspelt as '{first.upper()}'?)",
        ]


@pytest.mark.parametrize(
    "kind", ["no JSON", "two JSONs", "truncated JSON", "missing clips", "misspelt"]
)
def test_broken_uploads_fail_with_every_problem(
    simulated: tuple[Challenge, Path], tmp_path: Path, kind: str
):
    challenge, upload = simulated
    broken, lines = _broken(challenge, upload, kind, tmp_path)
    run = run_scoring(challenge.bundle, broken, tmp_path / "run")
    assert run.returncode == 1 and run.scores is None
    assert "Traceback" not in run.stderr
    for line in lines:
        assert line in run.stderr, run.stderr
    count = re.match(r"error: (\d+) problems?", run.stderr)
    assert count and int(count.group(1)) == max(1, len([x for x in lines if x.startswith("  - ")]))
    assert not (tmp_path / "run" / "output" / "scores.json").exists()


def test_broken_reference_data_says_whose_file_it_is(
    simulated: tuple[Challenge, Path], tmp_path: Path
):
    challenge, upload = simulated
    bundle = extract(challenge.bundle, tmp_path / "bundle")
    labels = bundle / "reference_data" / "labels.csv"
    pd.read_csv(labels).drop(columns="actor").to_csv(labels, index=False)
    broken = tmp_path / "broken_bundle"
    with zipfile.ZipFile(broken.with_suffix(".zip"), "w") as archive:
        for path in bundle.rglob("*"):
            archive.write(path, path.relative_to(bundle).as_posix())
    run = run_scoring(broken.with_suffix(".zip"), upload, tmp_path / "run")
    assert run.returncode == 1
    assert "error: the reference table reads the clip names, but 594 of them" in run.stderr
    assert (
        "so they name no actor; give the labels as a metadata table with an 'actor' column"
        in run.stderr
    )


def test_the_scoring_program_checks_the_image(simulated: tuple[Challenge, Path], tmp_path: Path):
    challenge, upload = simulated
    bundle = extract(challenge.bundle, tmp_path / "bundle")
    script = bundle / "scoring_program" / "score.py"
    script.write_text(re.sub(r'BUILT_WITH = ".*"', 'BUILT_WITH = "0.0.0"', script.read_text()))
    rebuilt = tmp_path / "old.zip"
    with zipfile.ZipFile(rebuilt, "w") as archive:
        for path in bundle.rglob("*"):
            archive.write(path, path.relative_to(bundle).as_posix())
    run = run_scoring(rebuilt, upload, tmp_path / "run")
    assert run.returncode == 1
    assert (
        f"built with blemore-fast 0.0.0, but the scoring image has {bf.__version__}" in run.stderr
    )


def test_python_m_and_help(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "blemore_fast.codabench", "score", "--help"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert "Writes OUTPUT/scores.json" in proc.stdout
    for sub in ("bundle", "score"):
        run = ok(cli("codabench", sub, "--help", cwd=tmp_path))
        assert run.out.startswith(f"usage: blemore-fast codabench {sub}")
        assert f"blemore-fast codabench {sub}" in run.out.split("example:", 1)[1]
    assert failed(cli("codabench", cwd=tmp_path), code=2).err.startswith(
        "usage: blemore-fast codabench"
    )
