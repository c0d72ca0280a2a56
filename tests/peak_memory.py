"""Runs a command and records its peak memory and time: ``python peak_memory.py
REPORT COMMAND...`` writes ``{"returncode", "peak_mb", "seconds", "cpu_seconds"}``
to REPORT.

The peak is ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` read in this wrapper
once its one child has ended: the largest resident set of that child (and
of anything it waited for), not of the test process that started us.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def main() -> int:
    report, command = Path(sys.argv[1]), sys.argv[2:]
    start = time.perf_counter()
    returncode = subprocess.call(command)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    measured = {
        "returncode": returncode,
        "peak_mb": usage.ru_maxrss / 1024,  # ru_maxrss is in KiB on Linux
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
    }
    report.write_text(json.dumps(measured))
    return returncode


if __name__ == "__main__":
    sys.exit(main())
