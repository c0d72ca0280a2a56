"""The blemore-fast command and the demo (issue 5)

The demo must finish in under 10 s: it is timed in-process (the pipeline and
its HTML report) and as the command a newcomer runs (interpreter start and
imports included). The command's own cost on a submission is compared with a
bare `python -c "import blemore_fast"`, which it cannot beat.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from blemore_fast.cli.demo import run_demo
from common import DATA_DIR, has_data, info, limit, median_seconds

EXE = Path(sys.executable).with_name("blemore-fast")


def _command(*args: str, cwd: str) -> None:
    subprocess.run([str(EXE), *args], check=True, capture_output=True, cwd=cwd)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "demo-report.html"
        demo = median_seconds(lambda: run_demo(report=report), repeat=3, min_time=0)
        limit("demo pipeline in-process (synthetic, HTML report)", demo, 10.0)
        command = median_seconds(lambda: _command("demo", cwd=tmp), repeat=3, min_time=0)
        limit("`blemore-fast demo` as a command", command, 10.0)
        startup = median_seconds(
            lambda: subprocess.run(
                [sys.executable, "-c", "import blemore_fast"], check=True, capture_output=True
            ),
            repeat=5,
            min_time=0,
        )
        if has_data():
            test = str(DATA_DIR / "hicmae" / "test_epoch100_ce.csv")
            _command(
                "decode", test, "--logits", "--alpha", "0.3", "--beta", "0.1", "-o", "s.json",
                cwd=tmp,
            )  # fmt: skip
            score = median_seconds(
                lambda: _command("score", "s.json", cwd=tmp), repeat=5, min_time=0
            )
            info("`blemore-fast score` on 594 real clips", score, startup, "import only")
            limit("`blemore-fast score` on 594 real clips", score, 1.0)
            actor = median_seconds(
                lambda: _command(
                    "score", "s.json", "--bootstrap", "100000", "--cluster", "actor", cwd=tmp
                ),
                repeat=3,
                min_time=0,
            )
            limit("`score --bootstrap 100000 --cluster actor` (command)", actor, 1.5)
