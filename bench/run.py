"""`make bench`: runs every bench/bench_*.py and prints medians and ratios
measured in this one run (the machine is shared and noisy, so only ratios
taken side by side mean anything)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import common  # noqa: E402


def main() -> int:
    for path in sorted(HERE.glob("bench_*.py")):
        module = importlib.import_module(path.stem)
        print(f"\n{path.stem}: {(module.__doc__ or '').strip().splitlines()[0]}")
        module.main()
    missed = [name for name, met in common.RESULTS if not met]
    print(
        f"\n{len(common.RESULTS) - len(missed)} of {len(common.RESULTS)} goals met"
        + (f"; missed: {', '.join(missed)}" if missed else "")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
