"""Tables: decode on a 100,000-row polars frame, against the same call on the NumPy array.

A table is read by column name and reaches the core as NumPy columns, never
row by row; the goal is at most twice the array's time. The frames with a
``filename`` column also build and check 100,000 clip names (Python
strings), shown for context.
"""

from __future__ import annotations

import statistics

import blemore_fast as bf
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
from common import RESULTS, fmt_seconds, load, paired_seconds

#: The issue's column order: a table is read by name, whatever the order.
REORDERED = ["neu", "sad", "hap", "fea", "disg", "ang"]


def slower(name: str, ours: float, numpy: float, goal: float | None) -> None:
    """Prints ``ours / numpy`` (how many times the array's time), against ``goal`` if any."""
    times = ours / numpy
    verdict = "(context)"
    if goal is not None:
        met = times <= goal
        RESULTS.append((name, met))
        verdict = f"(goal <= {goal:g}x) {'met' if met else 'NOT MET'}"
    print(
        f"  {name:<52} ours {fmt_seconds(ours):>10}  numpy {fmt_seconds(numpy):>10}"
        f"  -> {times:8.2f}x the array's time {verdict}"
    )


def main(n: int = 100_000) -> None:
    print(f"  ({load()})")
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.full(6, 0.6), size=n)
    names = [f"A{i}_ang_int1_ver1" for i in range(n)]
    columns = dict(zip(bf.EMOTIONS, probs.T, strict=True))
    frame = pl.DataFrame({c: columns[c] for c in REORDERED})

    def on_array() -> object:
        return bf.decode(probs, alpha=0.3, beta=0.1)

    # Several paired runs: the machine is shared, so each ratio is taken side by side.
    runs = [
        paired_seconds(lambda: bf.decode(frame, alpha=0.3, beta=0.1), on_array, repeat=11)
        for _ in range(3)
    ]
    ratios = sorted(ours / numpy for ours, numpy, _ in runs)
    ours, numpy = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
    slower(f"decode, {n:,}-row polars frame (6 columns, reordered)", ours, numpy, 2)
    print(
        f"  {'':<52} ratios over {len(ratios)} paired runs: {', '.join(f'{r:.2f}' for r in ratios)}"
    )

    named = pd.DataFrame({"filename": names, **{c: columns[c] for c in REORDERED}})
    for kind, table in (
        ("polars", pl.from_pandas(named)),
        ("pandas", named),
        ("pyarrow", pa.Table.from_pandas(named, preserve_index=False)),
    ):
        ours, numpy, _ = paired_seconds(
            lambda t=table: bf.decode(t, alpha=0.3, beta=0.1), on_array, repeat=7
        )
        slower(f"decode, {n:,}-row {kind} table with filename", ours, numpy, None)


if __name__ == "__main__":
    main()
