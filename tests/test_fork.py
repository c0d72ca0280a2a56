"""A process forked after the native core has run its thread pool can call
every function, and gets the parent's numbers.

rayon's pool threads do not survive a fork: without the core's fork hook the
child's first parallel loop waits for them forever. PyTorch DataLoader
workers and `multiprocessing` (fork start method) are such children. The
test forks for real, after the parent has run every parallel loop, and
gives the child a deadline.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
import warnings
from typing import Any

import blemore_fast as bf
import numpy as np
import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

#: The child runs everything serially; this is ample on a slow shared machine.
DEADLINE = 180.0

CODES = ("ang", "disg", "fea", "hap", "sad")


def _encoded(rng: np.random.Generator, n: int) -> bf.Encoded:
    """n random encoded clips: singles and 30/70, 50/50, 70/30 blends."""
    first = rng.integers(0, 5, n)
    second = (first + rng.integers(1, 5, n)) % 5
    blend = rng.random(n) < 0.5
    mask = np.where(blend, (1 << first) | (1 << second), 1 << first).astype(np.uint8)
    low = rng.choice(np.array([30, 50, 70], dtype=np.uint8), n)
    salience = np.full((n, 2), 255, dtype=np.uint8)
    salience[blend, 0] = low[blend]
    salience[blend, 1] = 100 - low[blend]
    return bf.Encoded(mask, salience)


def _predictions(rng: np.random.Generator, names: list[str]) -> dict[str, list[dict[str, Any]]]:
    """A prediction per clip, right about half the time."""
    preds = {}
    for name in names:
        parts = name.split("_")
        if parts[1] == "mix" and rng.random() < 0.5:
            a, b, sa, sb = parts[2], parts[3], float(parts[4]), float(parts[5])
            preds[name] = [{"emotion": a, "salience": sa}, {"emotion": b, "salience": sb}]
        else:
            code = parts[1] if parts[1] != "mix" and rng.random() < 0.5 else rng.choice(CODES)
            preds[name] = [{"emotion": str(code), "salience": 100.0}]
    return preds


def _work() -> dict[str, Any]:
    """Every parallel loop of the core, large enough to go parallel: the
    count (more than 262,144 clips), the grid search (more than 16,384 rows
    per thread) and the bootstrap's replicates (several chunks of 1,024),
    clustered by actor."""
    rng = np.random.default_rng(20240607)
    pred, label = _encoded(rng, 300_000), _encoded(rng, 300_000)
    scored = bf.score(pred, label)

    probs = rng.dirichlet(np.ones(6), size=60_000)
    grid = bf.grid_search(
        probs,
        _encoded(rng, 60_000),
        alphas=np.linspace(0.05, 0.6, 12),
        betas=np.linspace(0.0, 0.5, 11),
    )

    names = []
    for actor in range(58):
        for k in range(30):
            a, b = CODES[k % 5], CODES[(k + 1 + actor % 4) % 5]
            if k % 2:
                low = 30 + 20 * (k % 3)
                names.append(f"A{actor:03d}_mix_{a}_{b}_{low}_{100 - low}_ver{k}")
            else:
                names.append(f"A{actor:03d}_{a}_int1_ver{k}")
    preds_a, preds_b = _predictions(rng, names), _predictions(rng, names)
    options = {"n_resamples": 5_000, "cluster": "actor", "seed": 7, "return_distribution": True}
    boot = bf.bootstrap(preds_a, method="bca", **options)
    comparison = bf.compare(preds_a, preds_b, method="percentile", **options)
    return {
        "score": (scored.presence, scored.salience),
        "grid": (grid.presence_grid.tolist(), grid.salience_grid.tolist(), grid.alpha, grid.beta),
        "bootstrap": (boot.presence, boot.salience, boot.mean, boot.distribution.tolist()),
        "compare": (
            comparison.presence,
            comparison.salience,
            comparison.mean,
            comparison.distribution.tolist(),
        ),
    }


def _fork_and_run() -> dict[str, Any]:
    """Runs `_work` in a forked child and returns its results, or fails if
    the child dies or misses the deadline."""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a multi-threaded process may
        # deadlock: exactly the situation under test.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        status = 1
        try:
            os.close(read_end)
            payload = pickle.dumps(_work())
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    chunks = []
    deadline = time.monotonic() + DEADLINE
    try:
        with os.fdopen(read_end, "rb") as pipe:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([pipe], [], [], left)[0]:
                    pytest.fail(f"the forked child did not finish within {DEADLINE:.0f} s")
                chunk = os.read(pipe.fileno(), 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
        pid = 0
    finally:
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the forked child failed"
    return pickle.loads(b"".join(chunks))


def test_a_forked_child_runs_everything_and_gets_the_same_numbers() -> None:
    parent = _work()  # the pool has run: its threads exist in the parent only
    child = _fork_and_run()
    assert child.keys() == parent.keys()
    for key in parent:
        assert child[key] == parent[key], key
    # And the parent's pool still works after the fork.
    assert _work()["score"] == parent["score"]
