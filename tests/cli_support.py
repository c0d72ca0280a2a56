"""Running the installed ``blemore-fast`` command in a subprocess, as users do."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXE = Path(sys.executable).with_name("blemore-fast")


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def cli(
    *args: object, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> Run:
    """Runs the command; ``stdin`` is piped to its standard input."""
    proc = subprocess.run(
        [str(EXE), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env=env,
        input=stdin,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def ok(run: Run) -> Run:
    assert run.code == 0, f"exit {run.code}\nstdout:\n{run.out}\nstderr:\n{run.err}"
    assert "Traceback" not in run.err
    return run


def failed(run: Run, code: int = 1) -> Run:
    assert run.code == code, f"exit {run.code}, expected {code}\n{run.out}\n{run.err}"
    assert "Traceback" not in run.err
    return run
