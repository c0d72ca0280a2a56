"""The torch path: ThresholdSearch per epoch, and tensors against NumPy arrays in the same calls.

Inputs as a training loop has them: float32 probabilities from a model's
softmax (still requiring grad) and float32 soft-label tensors, as a
DataLoader yields them. The NumPy path gets the same values as arrays. On
the CPU no copy is needed; the goal allows the tensor path one host copy
of its inputs on top (what a GPU tensor costs), measured here as a clone.
"""

from __future__ import annotations

import blemore_fast as bf
import numpy as np
import torch
from blemore_fast.synthetic import make_clips, simulate_features, soft_targets
from blemore_fast.torch import ThresholdSearch
from common import info, limit, median_seconds, paired_seconds, within


def model_outputs(names: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Softmax outputs of a small model (requiring grad) and soft-label tensors."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(32, 64), torch.nn.ReLU(), torch.nn.Linear(64, 6))
    features = torch.from_numpy(simulate_features(names, dim=32))
    probs = model(features).softmax(dim=1)
    return probs, torch.from_numpy(soft_targets(names).astype(np.float32))


def many_names(n: int) -> list[str]:
    clips = make_clips(n_actors=-(-n // 54) + 11, n_test_actors=11)
    return clips["filename"][:n].tolist()


def epoch(search: ThresholdSearch, probs: torch.Tensor, labels: torch.Tensor, batch: int) -> None:
    """One epoch's search: reset, update batch by batch, compute."""
    search.reset()
    for start in range(0, len(probs), batch):
        search.update(probs[start : start + batch], labels[start : start + batch])
    search.compute()


def compare(name: str, call, probs: torch.Tensor, labels: torch.Tensor) -> None:
    """``call`` on tensors against ``call`` on arrays of the same values, and
    the same arrays against themselves: the noise of the paired difference."""
    arrays = probs.detach().numpy(), labels.numpy()
    with_tensors, with_arrays, extra = paired_seconds(
        lambda: call(probs, labels), lambda: call(*arrays)
    )
    copy = median_seconds(lambda: (probs.detach().clone(), labels.clone()))
    within(name, with_tensors, with_arrays, extra, copy)
    *_, noise = paired_seconds(lambda: call(*arrays), lambda: call(*arrays))
    print(f"  {'':<4}(arrays against themselves: {noise * 1e6:+.1f} µs)")


def at_size(n: int, size: int, budget: float) -> None:
    names = many_names(n) if n > 594 else make_clips()["filename"][:n].tolist()
    probs, labels = model_outputs(names)
    axis = np.linspace(0.05, 0.95, size)
    search = ThresholdSearch(alphas=axis, betas=axis)
    grid = f"{size}x{size}"
    whole = median_seconds(lambda: epoch(search, probs, labels, n), repeat=9)
    limit(f"ThresholdSearch reset+update+compute, {grid}, {n:,} clips", whole, budget)
    arrays = probs.detach().numpy(), labels.numpy()
    numpy_search = median_seconds(lambda: bf.grid_search(*arrays, alphas=axis, betas=axis))
    info("  the same search by grid_search on arrays", whole, numpy_search, "grid_search")
    if n > 594:
        batched = median_seconds(lambda: epoch(search, probs, labels, 1024), repeat=5)
        info("  ThresholdSearch in batches of 1,024", batched, whole, "one update")
    compare(
        f"grid_search {grid}, {n:,} clips: tensors vs arrays",
        lambda p, y: bf.grid_search(p, y, alphas=axis, betas=axis),
        probs,
        labels,
    )
    compare(
        f"Accumulator.update {n:,} clips: tensors vs arrays",
        lambda p, y: bf.Accumulator().update(p, y, alpha=0.15, beta=0.25),
        probs,
        labels,
    )
    compare(
        f"decode {n:,} clips: tensors vs arrays",
        lambda p, _: bf.decode(p, alpha=0.15, beta=0.25),
        probs,
        labels,
    )


def main() -> None:
    at_size(594, 20, 1e-3)
    at_size(100_000, 100, 0.1)


if __name__ == "__main__":
    main()
