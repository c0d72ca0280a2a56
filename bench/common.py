"""Timing helpers shared by the benchmarks: medians, and ratios measured in one run."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATA_DIR = Path(
    os.environ.get(
        "BLEMORE_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "blemore"
    )
).resolve()


def has_data() -> bool:
    return (DATA_DIR / "clips.csv").is_file()


def median_seconds(fn: Callable[[], Any], *, repeat: int = 7, min_time: float = 0.05) -> float:
    """Median wall time of one call of ``fn``; fast calls are looped to ``min_time``."""
    fn()  # warm-up
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    loops = max(1, int(min_time / max(once, 1e-9)))
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(loops):
            fn()
        samples.append((time.perf_counter() - start) / loops)
    return statistics.median(samples)


def fmt_seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


RESULTS: list[tuple[str, bool]] = []


def ratio(name: str, ours: float, baseline: float, baseline_name: str, target: float) -> float:
    """Prints ``baseline / ours`` against the goal and records whether it was met."""
    speedup = baseline / ours
    met = speedup >= target
    RESULTS.append((name, met))
    print(
        f"  {name:<52} ours {fmt_seconds(ours):>10}  {baseline_name} {fmt_seconds(baseline):>10}"
        f"  -> {speedup:8.1f}x  (goal >= {target:g}x) {'met' if met else 'NOT MET'}"
    )
    return speedup


def info(name: str, ours: float, baseline: float, baseline_name: str) -> None:
    """Prints a ratio for context, with no goal attached."""
    print(
        f"  {name:<52} ours {fmt_seconds(ours):>10}  {baseline_name} {fmt_seconds(baseline):>10}"
        f"  -> {baseline / ours:8.1f}x  (context)"
    )


def limit(name: str, ours: float, budget: float) -> None:
    """Prints an absolute timing against a budget in seconds."""
    met = ours <= budget
    RESULTS.append((name, met))
    print(
        f"  {name:<52} ours {fmt_seconds(ours):>10}  (goal <= {fmt_seconds(budget)}) {'met' if met else 'NOT MET'}"
    )


def paired_seconds(
    fn_a: Callable[[], Any], fn_b: Callable[[], Any], *, repeat: int = 31, min_time: float = 0.05
) -> tuple[float, float, float]:
    """Medians of ``fn_a`` and ``fn_b`` timed alternately (so that both see the
    same load; which goes first alternates too), and the median of their
    paired differences ``a - b``."""
    fn_a(), fn_b()  # warm-up
    start = time.perf_counter()
    fn_a()
    once = time.perf_counter() - start
    loops = max(1, int(min_time / 2 / max(once, 1e-9)))
    a: list[float] = []
    b: list[float] = []
    for k in range(repeat):
        pair = ((fn_a, a), (fn_b, b))
        for fn, samples in pair if k % 2 == 0 else pair[::-1]:
            start = time.perf_counter()
            for _ in range(loops):
                fn()
            samples.append((time.perf_counter() - start) / loops)
    differences = [x - y for x, y in zip(a, b, strict=True)]
    return statistics.median(a), statistics.median(b), statistics.median(differences)


def within(name: str, ours: float, baseline: float, extra: float, allowance: float) -> None:
    """Prints ``ours`` against ``baseline``: met when the paired difference
    ``extra`` is at most ``allowance`` (the cost the goal allows on top)."""
    met = extra <= allowance
    RESULTS.append((name, met))
    print(
        f"  {name:<52} ours {fmt_seconds(ours):>10}  numpy {fmt_seconds(baseline):>10}"
        f"  -> {'+' if extra >= 0 else '-'}{fmt_seconds(abs(extra))} "
        f"(goal <= one host copy, {fmt_seconds(allowance)}) {'met' if met else 'NOT MET'}"
    )
