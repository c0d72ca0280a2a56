"""Files: submissions read and written natively, against Python's json (issue 13)

The file is a 1,000,000-clip submission written as a participant writes
one, `json.dump` of a realistic prediction dict (about 90 MB), in a
temporary folder. Each ratio comes from runs taken in turn with their
baseline (ours, baseline, ours, ...), with the spread of the ratios run by
run; the commands are timed as whole processes (interpreter start and
imports included), with their peak memory: the maximum resident set that a
small launcher process reads for its child (a child forked from this process
would count this process's memory, the 1,000,000-clip dict included).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import blemore_fast as bf
from bench_score import synthetic_predictions
from common import RESULTS, load, ratio_runs, runs_in_turn

N = 1_000_000
EXE = Path(sys.executable).with_name("blemore-fast")


#: Runs its arguments as a process and prints the child's peak memory (KiB
#: on Linux, bytes on macOS).
LAUNCHER = (
    "import resource, subprocess, sys; "
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)"
)


def run_process(args: list[str]) -> tuple[float, int]:
    """Wall time and peak memory in bytes of a process run to its end."""
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *args], capture_output=True, text=True, check=True
    )
    elapsed = time.perf_counter() - start
    peak = int(run.stdout.split()[-1]) * (1 if sys.platform == "darwin" else 1024)
    return elapsed, peak


def commands(path: Path, size: int) -> None:
    """CLI score and validate against a bare json.load, as processes."""
    load_json = [sys.executable, "-c", f"import json; json.load(open({str(path)!r}))"]
    for command in ("score", "validate"):
        peaks: list[int] = []

        def ours(command: str = command, peaks: list[int] = peaks) -> None:
            peaks.append(run_process([str(EXE), command, str(path)])[1])

        ours_times, baseline_times = runs_in_turn(ours, lambda: run_process(load_json), repeat=3)
        ratio_runs(
            f"`blemore-fast {command}` (process)", ours_times, baseline_times, "json.load", 5
        )
        peak = max(peaks)
        met = peak < size
        RESULTS.append((f"`blemore-fast {command}` peak memory", met))
        print(
            f"  {'`blemore-fast ' + command + '` peak memory':<52} {peak / 1e6:.0f} MB "
            f"(file {size / 1e6:.0f} MB; goal below the file's size) {'met' if met else 'NOT MET'}"
        )


def main() -> None:
    print(f"  ({load()})")
    preds = synthetic_predictions(N, seed=2)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "submission.json"
        with path.open("w", encoding="utf-8") as handle:
            json.dump({"predictions": preds}, handle)
        size = path.stat().st_size
        print(f"  a {N:,}-clip submission file of {size / 1e6:.0f} MB (json.dump)")
        expected = bf.score(preds)
        assert bf.score(path) == expected

        def read_json() -> None:
            with path.open(encoding="utf-8") as handle:
                json.load(handle)

        ours, baseline = runs_in_turn(lambda: bf.score(path), read_json, repeat=3)
        ratio_runs("score(path), in-process", ours, baseline, "json.load", 10)
        commands(path, size)

        out, dumped = Path(folder) / "written.json", Path(folder) / "dumped.json"

        def dump() -> None:
            with dumped.open("w", encoding="utf-8") as handle:
                json.dump({"predictions": preds}, handle, indent=4, ensure_ascii=False)

        ours, baseline = runs_in_turn(lambda: bf.write_submission(preds, out), dump, repeat=3)
        assert out.read_bytes() == dumped.read_bytes() + b"\n"
        ratio_runs("write_submission (indent 4, validated)", ours, baseline, "json.dump", 5)
    print(f"  ({load()})")
