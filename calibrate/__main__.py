"""`make calibrate`: the coverage simulation of the few-actor methods.

    python -m calibrate [--datasets R] [--quick | --skewed] [--actors G ...] [--csv results.csv]

Prints method x actors x metric -> coverage of 95% intervals, null rejection
rate and power of ``compare``, each with its Monte-Carlo standard error.
The full run (R = 8,000 datasets per cell) is what the README quotes; see
``dgp.py`` for the settings.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from . import coverage, table


def run(intervals, tests, datasets: int, progress: bool = True) -> pd.DataFrame:
    rows: list[dict] = []
    cells = [(coverage.interval_cell, s) for s in intervals]
    cells += [(coverage.rejection_cell, s) for s in tests]
    start = time.perf_counter()
    for k, (cell, setting) in enumerate(cells, 1):
        rows += cell(setting, datasets)
        if progress:
            print(f"  {k}/{len(cells)} cells, {time.perf_counter() - start:.0f} s", flush=True)
    return pd.DataFrame(rows)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m calibrate", description=__doc__)
    parser.add_argument("--datasets", type=int, default=8000, help="datasets per cell")
    parser.add_argument("--quick", action="store_true", help="11 actors only (make test's check)")
    parser.add_argument(
        "--skewed", action="store_true", help="only the tests in the real test set's spread"
    )
    parser.add_argument("--actors", type=int, nargs="+", help="only cells with these actors")
    parser.add_argument("--csv", help="also write every cell's figures here")
    args = parser.parse_args()
    if args.quick:
        intervals, tests = coverage.quick_grids()
    elif args.skewed:
        intervals, tests = [], coverage.skewed_grid()
    else:
        intervals = coverage.interval_grid()
        tests = coverage.null_grid() + coverage.skewed_grid() + coverage.power_grid()
    if args.actors:
        intervals = [s for s in intervals if s.actors in args.actors]
        tests = [s for s in tests if s.actors in args.actors]
    start = time.perf_counter()
    rows = run(intervals, tests, args.datasets)
    if args.csv:
        rows.to_csv(args.csv, index=False)
    print(f"\n{args.datasets:,} datasets per cell, {time.perf_counter() - start:.0f} s\n")
    print(table.report(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
