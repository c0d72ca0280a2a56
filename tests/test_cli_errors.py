"""Errors for people and for programs (issue 13, items 5, 6, 7 and 8).

The installed command, in a subprocess, on real files: problem listings are
bounded and end with one diagnosis line, ``--json`` failures are a JSON
object on stdout, messages speak the command's options, a closed pipe ends
quietly, and too few bootstrap resamples are warned about.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from blemore_fast import EMOTIONS, reference, synthetic
from cli_support import EXE, Run, cli, failed, ok

ALPHA, BETA = 0.3, 0.1


@dataclass(frozen=True)
class Inputs:
    root: Path
    clips: Path  # filename, actor, partition, fold
    names: list[str]  # the test clips, in the dataset's naming scheme
    submission: Path  # {"predictions": ...} of the test clips
    preds: dict[str, Any]
    probs: Path  # the test clips' probabilities
    logits: Path  # the same, as logits


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    root = tmp_path_factory.mktemp("errors")
    data = synthetic.make_dataset(seed=5)
    data.clips.to_csv(root / "clips.csv", index=False)
    test = data.select("test")
    names = data.clips["filename"][test].tolist()
    probs = data.probs["good"][test]
    preds = reference.probs_to_dict(reference.top2(probs), names, ALPHA, BETA)
    (root / "submission.json").write_text(json.dumps({"predictions": preds}))
    for name, values in (("probs.csv", probs), ("logits.csv", np.log(probs) + 2.0)):
        frame = pd.DataFrame(values, columns=list(EMOTIONS))
        frame.insert(0, "filename", names)
        frame.to_csv(root / name, index=False)
    return Inputs(
        root,
        root / "clips.csv",
        names,
        root / "submission.json",
        preds,
        root / "probs.csv",
        root / "logits.csv",
    )


def _listed(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("  - ")]


def _anonymous_manifest(inputs: Inputs) -> Path:
    path = inputs.root / "manifest.txt"
    path.write_text("".join(f"test_{i:04d}.mov\n" for i in range(1, len(inputs.names) + 1)))
    return path


# --- item 6: bounded listings and one diagnosis


def test_listing_is_bounded(inputs: Inputs) -> None:
    """Item 6: a manifest mismatch printed 1,188 lines; now 20, then "and N more"."""
    manifest = _anonymous_manifest(inputs)
    n = 2 * len(inputs.names)
    run = failed(cli("validate", inputs.submission, "--manifest", manifest, cwd=inputs.root))
    assert run.out.splitlines()[0] == f"{inputs.submission}: {n:,} problems"
    assert len(_listed(run.out)) == 20
    assert f"  ... and {n - 20:,} more (--max-problems N lists more" in run.out
    run = failed(
        cli("validate", inputs.submission, "--manifest", manifest, "--max-problems", "5",
            cwd=inputs.root)
    )  # fmt: skip
    assert len(_listed(run.out)) == 5 and f"and {n - 5:,} more" in run.out
    run = failed(
        cli("validate", inputs.submission, "--manifest", manifest, "--max-problems", "all",
            cwd=inputs.root)
    )  # fmt: skip
    assert len(_listed(run.out)) == n and "more (" not in run.out
    # Errors of the other commands are bounded the same way, on stderr.
    run = failed(cli("score", inputs.submission, "--labels", inputs.clips, cwd=inputs.root))
    assert len(_listed(run.err)) == 20 and "more (--max-problems" in run.err


def test_diagnosis_real_names_against_anonymised_ones(inputs: Inputs) -> None:
    """Item 6: one line names the cause: real clip names, a manifest of test_NNNN.mov."""
    manifest = _anonymous_manifest(inputs)
    run = failed(cli("validate", inputs.submission, "--manifest", manifest, cwd=inputs.root))
    hint = run.out.splitlines()[-1]
    assert hint.startswith("hint: these are the dataset's clip names (such as ")
    assert "the manifest has names such as test_0001.mov" in hint
    assert "--names-map" in hint
    document = failed(
        cli("validate", inputs.submission, "--manifest", manifest, "--json", cwd=inputs.root)
    ).json()
    assert document["hint"] == hint.removeprefix("hint: ")


def test_diagnosis_on_the_real_template(data_dir: Path, tmp_path: Path) -> None:
    """Item 6: scoring the submission template printed 594 lines of about 400
    characters with the useful hint at the very end; validating real names
    against it printed 1,188 lines."""
    template = data_dir / "submission_template.json"
    run = failed(cli("score", template, cwd=tmp_path))
    assert len(_listed(run.err)) == 20
    assert run.err.splitlines()[-1].startswith("hint: without --labels, labels are read from")
    assert len(run.err) < 12_000
    probs = data_dir / "hicmae" / "test_epoch100_ce.csv"
    out = tmp_path / "submission.json"
    ok(cli("decode", probs, "--logits", "--alpha", ALPHA, "--beta", BETA, "-o", out, cwd=tmp_path))
    run = failed(cli("validate", out, "--manifest", template, cwd=tmp_path))
    assert run.out.splitlines()[0] == f"{out}: 1,188 problems"
    assert "names such as test_0001.mov" in run.out.splitlines()[-1]


def test_diagnosis_wrong_partition(inputs: Inputs) -> None:
    """Item 6: the predictions are one partition, the labels selected another."""
    run = failed(
        cli("score", inputs.submission, "--labels", inputs.clips, "--partition", "train",
            cwd=inputs.root)
    )  # fmt: skip
    assert run.err.splitlines()[-1] == (
        "hint: the predictions are clips of partition 'test', not 'train': use --partition test"
    )
    run = failed(cli("score", inputs.submission, "--labels", inputs.clips, cwd=inputs.root))
    assert "add --partition test" in run.err.splitlines()[-1]


def test_diagnosis_logits_as_probabilities(inputs: Inputs) -> None:
    """Items 6 and 7: logits read as probabilities; the advice speaks the flag
    (it said "read them with logits=True (--logits)")."""
    for args in (
        ("grid", inputs.logits),
        ("decode", inputs.logits, "--alpha", ALPHA, "--beta", BETA, "-o", "out.json"),
        ("score", inputs.logits, "--alpha", ALPHA, "--beta", BETA),
    ):
        run = failed(cli(*args, cwd=inputs.root))
        assert "logits=True" not in run.err
        assert run.err.splitlines()[-1] == (
            "hint: these values look like logits: add --logits to turn each row into probabilities"
        )


def test_long_clip_names_are_cut(tmp_path: Path) -> None:
    """Item 6: a 100,000-character clip name was printed in full (twice, when
    a message quoted it). Names and values longer than 1,024 characters are
    now refused as too_large, so the longest a message can quote is cut."""
    name = "A" * 1_000
    path = tmp_path / "long.json"
    path.write_text(
        json.dumps({"predictions": {name: [{"emotion": "x" * 1_000, "salience": 100}]}})
    )
    run = failed(cli("score", path, "--labels", path, cwd=tmp_path))
    assert len(run.err) < 2_000
    assert "more characters]" in run.err
    document = failed(cli("score", path, "--json", cwd=tmp_path)).json()
    assert document["problems"][0]["clip"] == name  # the data stays whole
    assert len(document["problems"][0]["message"]) < 1_000


# --- item 5: --json failures


def _json_failure(run: Run, code: int = 1) -> dict[str, Any]:
    failed(run, code)
    document = run.json()
    assert set(document) >= {"error", "problems", "n_problems"}
    for problem in document["problems"]:
        assert set(problem) == {"clip", "kind", "message"}
    return document


def test_json_errors_on_stdout(inputs: Inputs, tmp_path: Path) -> None:
    """Item 5: --json printed nothing on stdout on error, in score, report,
    compare and grid (and decode had no --json)."""
    broken = tmp_path / "broken.json"
    broken.write_text(
        json.dumps({"predictions": {"A101_ang_int1_ver1": [{"emotion": "angry", "salience": 1}]}})
    )
    for args in (
        ("score", broken),
        ("report", broken, "--bootstrap", "0"),
        ("compare", broken, inputs.submission),
        ("validate", broken),
    ):
        document = _json_failure(cli(*args, "--json", cwd=tmp_path))
        assert document["n_problems"] == 1
        assert document["problems"] == [
            {
                "clip": "A101_ang_int1_ver1",
                "kind": "unknown_emotion",
                "message": "unknown emotion code 'angry' (did you mean 'ang'?)",
            }
        ], args
    for command in ("grid", "decode"):
        extra = ["--alpha", ALPHA, "--beta", BETA, "-o", "out.json"] if command == "decode" else []
        document = _json_failure(cli(command, inputs.logits, *extra, "--json", cwd=tmp_path))
        assert [p["kind"] for p in document["problems"]] == ["not_probabilities"]
        assert document["hint"].startswith("these values look like logits")
    document = _json_failure(cli("score", tmp_path / "absent.json", "--json", cwd=tmp_path))
    assert document["problems"][0]["kind"] == "file_unreadable"
    # A failure that is not about the input's content: the error alone.
    document = _json_failure(
        cli("report", inputs.submission, "--bootstrap", "0", "--html", "no/r.html", "--json",
            cwd=tmp_path)
    )  # fmt: skip
    assert document == {
        "error": "cannot write 'no/r.html': the directory 'no' does not exist",
        "problems": [],
        "n_problems": 0,
        "hint": None,
    }
    # JSON lists every problem unless --max-problems says otherwise.
    manifest = _anonymous_manifest(inputs)
    args = ("validate", inputs.submission, "--manifest", manifest, "--json")
    document = _json_failure(cli(*args, cwd=tmp_path))
    assert len(document["problems"]) == document["n_problems"] == 2 * len(inputs.names)
    document = _json_failure(cli(*args, "--max-problems", "3", cwd=tmp_path))
    assert len(document["problems"]) == 3 and document["n_problems"] == 2 * len(inputs.names)


# --- item 7: messages in the command's words


def test_compare_speaks_of_a_and_b(inputs: Inputs, tmp_path: Path) -> None:
    """Item 7: "preds_a and preds_b must cover the same clips"."""
    fewer = tmp_path / "fewer.json"
    fewer.write_text(json.dumps({"predictions": dict(list(inputs.preds.items())[2:])}))
    run = failed(cli("compare", inputs.submission, fewer, cwd=tmp_path))
    assert "preds_a" not in run.err and "preds_b" not in run.err
    assert "must cover the same clips" in run.err
    assert f"  - {inputs.names[0]}: predicted in A ({inputs.submission}) but not in B" in run.err


def test_cluster_and_by_speak_of_the_options(inputs: Inputs, tmp_path: Path) -> None:
    """Item 7: no Python parameter (cluster=, by=) in the command's messages."""
    anonymous = {f"test_{i:04d}.mov": e for i, e in enumerate(inputs.preds.values())}
    labels = {
        f"test_{i:04d}.mov": reference.label_from_filename(n) for i, n in enumerate(inputs.preds)
    }
    (tmp_path / "anon.json").write_text(json.dumps({"predictions": anonymous}))
    (tmp_path / "labels.json").write_text(json.dumps(labels))
    base = ("anon.json", "--labels", "labels.json")
    for args, flag in (
        (("score", *base, "--bootstrap", "1000", "--cluster", "actor"), "--cluster actor"),
        (("compare", "anon.json", "anon.json", "--labels", "labels.json", "--cluster", "actor"),
         "--cluster actor"),
        (("report", *base, "--bootstrap", "0", "--by", "actor"), "--by actor"),
        (("report", *base, "--bootstrap", "0", "--by", "intensity"), "--by intensity"),
    ):  # fmt: skip
        run = failed(cli(*args, cwd=tmp_path))
        assert run.err.startswith(f"error: {flag} reads the clip names"), run.err
        assert "cluster=" not in run.err and "by=" not in run.err


def test_confidence_names_the_flag(tmp_path: Path) -> None:
    """Item 7: --confidence 1.5 is refused with the option's name."""
    run = failed(cli("score", "x.json", "--bootstrap", "1000", "--confidence", "1.5",
                     cwd=tmp_path), 2)  # fmt: skip
    assert "argument --confidence: must be strictly between 0 and 1, got 1.5" in run.err
    assert "did you mean" not in run.err


def test_counts_read_well(inputs: Inputs, tmp_path: Path) -> None:
    """Item 7: "1 resamples", and numbers without thousands separators."""
    args = ["--bootstrap", "1", "--cluster", "clip", "--seed", "1"]
    run = ok(cli("score", inputs.submission, *args, cwd=tmp_path))
    assert "these 594 clips: 95% clip-level percentile intervals" in run.out
    assert "; 1 resample (--seed 1 repeats them)" in run.out
    run = failed(cli("score", inputs.submission, "--labels", inputs.clips, cwd=tmp_path))
    n_train = int((pd.read_csv(inputs.clips)["partition"] == "train").sum())
    assert run.err.startswith(f"error: {n_train:,} problems in the predictions:")
    assert n_train >= 1_000


def test_broken_pipe_exits_quietly(inputs: Inputs) -> None:
    """Item 7: a reader that goes away (`report | head`) made the command exit
    1, the code for invalid input."""
    script = '"$0" report "$1" --bootstrap 0 | true; echo "exit ${PIPESTATUS[0]}"'
    proc = subprocess.run(
        ["bash", "-c", script, str(EXE), str(inputs.submission)],
        capture_output=True,
        text=True,
        cwd=inputs.root,
        timeout=120,
    )
    assert proc.stdout.strip() == "exit 0"
    assert proc.stderr == ""


# --- item 8: tiny bootstrap counts


@pytest.mark.parametrize(
    ("args", "warned"),
    [
        (("--bootstrap", "2", "--method", "bca"), "at least 2,000"),
        (("--bootstrap", "1999", "--method", "bca"), "at least 2,000"),
        (("--bootstrap", "999", "--cluster", "clip"), "at least 1,000"),
        # Over actors the default, cluster-t, draws no resamples: nothing to warn.
        (("--bootstrap", "2"), None),
        (("--bootstrap", "500", "--method", "basic"), "at least 1,000"),
        (("--bootstrap", "1000"), None),
        (("--bootstrap", "2000", "--method", "bca"), None),
    ],
)
def test_few_resamples_warn(inputs: Inputs, args: tuple[str, ...], warned: str | None) -> None:
    """Item 8: `--bootstrap 2 --method bca` gave an interval excluding its own
    estimate, and nothing was said."""
    run = ok(cli("score", inputs.submission, *args, "--seed", "3", cwd=inputs.root))
    if warned is None:
        assert "resamples are too few" not in run.err
    else:
        assert f"warning: {int(args[1]):,} resamples are too few" in run.err
        assert warned in run.err


def _piped_status(inputs: Inputs, *args: object) -> str:
    """The exit status of the command when its reader goes away at once."""
    script = '"$0" "$@" | true; echo "exit ${PIPESTATUS[0]}"'
    proc = subprocess.run(
        ["bash", "-c", script, str(EXE), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=inputs.root,
        timeout=120,
    )
    assert proc.stderr == ""
    return proc.stdout.strip()


def test_validate_answers_with_its_verdict_through_a_closed_pipe(inputs: Inputs) -> None:
    """Issue 18 item 6: `validate bad.zip | head -1` under pipefail exited 0.
    The listing (1,188 problems, over 64 KiB) cannot fit the pipe's buffer."""
    bad = ("validate", inputs.submission, "--codabench", "--max-problems", "all")
    assert _piped_status(inputs, *bad) == "exit 1"
    assert _piped_status(inputs, *bad, "--json") == "exit 1"
    good = ("validate", inputs.submission, "--labels", "clips.csv", "--partition", "test")
    assert _piped_status(inputs, *good) == "exit 0"


def test_echoed_names_are_escaped(tmp_path: Path) -> None:
    """Issue 18 item 5: terminal escapes and bidi controls in a clip name."""
    name = "a\x1b[31mb\u202ec\x9b\u2066\x7f.mov"
    shown = "a\\x1b[31mb\\u202ec\\x9b\\u2066\\x7f.mov"
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"predictions": {name: [{"emotion": "hap", "salience": 100}]}}))
    text = failed(cli("validate", path, "--codabench", "--max-problems", "1", cwd=tmp_path))
    assert f"  - {shown}: clip is not in the expected names" in text.out
    run = failed(cli("validate", path, "--codabench", "--json", cwd=tmp_path))
    problem = run.json()["problems"][0]
    assert problem["clip"] == shown and "\\u001b" not in run.out
    run = failed(cli("score", path, cwd=tmp_path))  # labels read from the name: refused
    assert f"  - {shown}: cannot read a label" in run.err
    for output in (text.out, text.err, run.err):
        assert not any(c in output for c in "\x1b\u202e\x9b\u2066\x7f")


@pytest.mark.parametrize(
    ("document", "found"),
    [("null", "null"), ("[1]", "array"), ('"x"', "string"), ("3", "number"), ("true", "boolean")],
)
def test_a_document_that_is_not_an_object_reads_in_json_words(
    tmp_path: Path, document: str, found: str
) -> None:
    """Issue 18 item 6: a JSON null got the Python API's "preds must be a dict"."""
    (tmp_path / "s.json").write_text(document)
    for command in ("validate", "score"):
        run = failed(cli(command, "s.json", cwd=tmp_path))
        message = f'holds a JSON {found}; a submission is {{"predictions": {{clip: [entries]}}}}'
        assert message in run.out + run.err
        assert not any(w in run.out + run.err for w in ("preds must be", "DataFrame", "NoneType"))
