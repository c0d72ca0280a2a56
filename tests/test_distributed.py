"""Distributed for real: two processes, torch.distributed with gloo on the
CPU, each holding an unequal shard of the real HiCMAE validation outputs.
After sync every rank equals score / grid_search on all the data, exactly."""

from __future__ import annotations

import json
import time
from pathlib import Path

import blemore_fast as bf
import ddp_rank
import pytest
import torch.multiprocessing as mp

#: Seconds for both ranks to finish (most of it is importing torch); a hung
#: rank fails the test instead of blocking CI.
DEADLINE = 180


def expected(data_dir: Path) -> dict[str, float]:
    names, probs = ddp_rank.validation(data_dir)
    score = bf.score(bf.decode(probs, alpha=ddp_rank.ALPHA, beta=ddp_rank.BETA), names)
    grid = bf.grid_search(probs, names)
    return {
        "score_presence": score.presence,
        "score_salience": score.salience,
        "score_mean": score.mean,
        "search_alpha": grid.alpha,
        "search_beta": grid.beta,
        "search_presence": grid.presence,
        "search_salience": grid.salience,
        "search_mean": grid.mean,
        "accumulator_presence": score.presence,
        "accumulator_salience": score.salience,
    }


def test_two_gloo_processes_equal_one(data_dir, tmp_path):
    want = expected(data_dir)
    rendezvous = f"file://{tmp_path / 'rendezvous'}"
    context = mp.start_processes(
        ddp_rank.run,
        args=(2, rendezvous, str(data_dir), str(tmp_path)),
        nprocs=2,
        join=False,
        start_method="spawn",
    )
    deadline = time.monotonic() + DEADLINE
    # join re-raises a rank's exception, with its traceback.
    while not context.join(timeout=1):
        if time.monotonic() > deadline:
            for process in context.processes:
                process.kill()
            pytest.fail(f"the ranks were still running after {DEADLINE} s")
    results = [json.loads((tmp_path / f"{rank}.json").read_text()) for rank in range(2)]
    n = len(ddp_rank.validation(data_dir)[0])
    assert [r["local_n"] for r in results] == [ddp_rank.SPLIT, n - ddp_rank.SPLIT]
    for result in results:
        got = {k: float.fromhex(v) for k, v in result.items() if k not in ("rank", "local_n")}
        assert got == want, result["rank"]
