"""One process of the 2-process torch.distributed test (test_distributed.py).

Each rank updates both metrics and an Accumulator on its own, unequal shard
of the real HiCMAE validation outputs, syncs through gloo, and writes what
it computed to ``<out_dir>/<rank>.json`` (floats as exact hex strings).
A module of its own: spawned processes import the rank function by name.
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

import blemore_fast as bf
import numpy as np
import torch
import torch.distributed as dist
from blemore_fast.torch import BlEmoReScore, ThresholdSearch
from hicmae import softmax
from validation_sets import hicmae_validation

ALPHA, BETA = 0.1447, 0.2395
#: Rank 0 takes clips [0, SPLIT), rank 1 the rest: unequal shards.
SPLIT = 1000
BATCH = 128
#: A collective that waits longer than this fails instead of hanging.
COLLECTIVE_TIMEOUT = datetime.timedelta(seconds=60)


def validation(data_dir: Path) -> tuple[list[str], torch.Tensor]:
    """The validation clips and their probabilities as a float32 model gives them."""
    names, logits = hicmae_validation(data_dir)
    return names, torch.from_numpy(softmax(logits).astype(np.float32))


def run(rank: int, world_size: int, init_method: str, data_dir: str, out_dir: str) -> None:
    # Loopback on any machine; two processes on two shared cores.
    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")
    torch.set_num_threads(1)
    dist.init_process_group(
        "gloo",
        init_method=init_method,
        rank=rank,
        world_size=world_size,
        timeout=COLLECTIVE_TIMEOUT,
    )
    try:
        names, probs = validation(Path(data_dir))
        shard = slice(0, SPLIT) if rank == 0 else slice(SPLIT, len(names))
        names, probs = names[shard], probs[shard]
        score, search, acc = BlEmoReScore(ALPHA, BETA), ThresholdSearch(), bf.Accumulator()
        for start in range(0, len(names), BATCH):
            batch = slice(start, start + BATCH)
            score.update(probs[batch], names[batch])
            search.update(probs[batch], names[batch])
            acc.update(probs[batch], names[batch], alpha=ALPHA, beta=BETA)
        local_n = int(search.n)
        out = {f"score_{k}": v.item() for k, v in score.compute().items()}  # compute syncs
        out |= {f"search_{k}": v.item() for k, v in search.compute().items()}
        state = torch.from_numpy(acc.state())
        dist.all_reduce(state)  # sums the five counts across processes
        total = bf.Accumulator.from_state(state).compute()
        out |= {"accumulator_presence": total.presence, "accumulator_salience": total.salience}
        result = {"rank": rank, "local_n": local_n, **{k: v.hex() for k, v in out.items()}}
        Path(out_dir, f"{rank}.json").write_text(json.dumps(result))
    finally:
        dist.destroy_process_group()
