"""Torch tensors as a training loop has them, in decode, grid_search,
Accumulator and score: every float dtype, requiring grad, non-contiguous,
on a device, and labels as tensors."""

from __future__ import annotations

import blemore_fast as bf
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from blemore_fast import reference
from blemore_fast.synthetic import soft_targets
from blemore_fast.training import encode_soft_labels
from torch.utils._python_dispatch import TorchDispatchMode
from validation_sets import synthetic_validation

ALPHA, BETA = 0.1447, 0.2395
AXES = {"alphas": [0.1, 0.1447, 0.3, 0.5], "betas": [0.05, 0.2395, 0.4]}


class OpLog(TorchDispatchMode):
    """Records the name of every torch operation run inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.ops: list[str] = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.ops.append(func.overloadpacket.__name__)
        return func(*args, **(kwargs or {}))


NAMES, PROBS = synthetic_validation()


def host(tensor: torch.Tensor) -> np.ndarray:
    """The values the published code would see: ``tensor.float()`` for bfloat16."""
    return (tensor.float() if tensor.dtype == torch.bfloat16 else tensor).numpy()


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_every_float_dtype_equals_the_published_code(dtype):
    t = torch.from_numpy(PROBS).to(dtype)
    p = host(t)
    assert p.dtype == {torch.bfloat16: np.float32}.get(dtype, p.dtype)
    expected = reference.probs_to_dict(reference.top2(p), NAMES, ALPHA, BETA)
    assert bf.decode(t, alpha=ALPHA, beta=BETA, names=NAMES) == expected
    score = bf.score(bf.decode(t, alpha=ALPHA, beta=BETA), NAMES)
    assert score == bf.score(expected)
    acc = bf.Accumulator()
    acc.update(t[:200], NAMES[:200], alpha=ALPHA, beta=BETA)
    acc.update(t[200:], NAMES[200:], alpha=ALPHA, beta=BETA)
    assert acc.compute() == score
    result = bf.grid_search(t, NAMES, **AXES)
    grid = reference.grid_search(p, NAMES, **AXES)
    np.testing.assert_array_equal(result.presence_grid, grid["presence_grid"])
    np.testing.assert_array_equal(result.salience_grid, grid["salience_grid"])
    assert (result.alpha, result.beta) == (grid["alpha"], grid["beta"])


def test_bfloat16_decodes_as_its_float32_upcast():
    t = torch.from_numpy(PROBS).to(torch.bfloat16)
    assert bf.decode(t, alpha=ALPHA, beta=BETA, names=NAMES) == bf.decode(
        t.float().numpy(), alpha=ALPHA, beta=BETA, names=NAMES
    )


def test_requires_grad_is_detached_without_a_copy():
    weights = torch.rand(len(NAMES), 6, requires_grad=True)
    probs = weights.softmax(dim=1)  # a non-leaf tensor with a grad_fn
    expected = bf.decode(probs.detach().numpy(), alpha=ALPHA, beta=BETA, names=NAMES)
    for call in (
        lambda: bf.decode(probs, alpha=ALPHA, beta=BETA, names=NAMES),
        lambda: bf.grid_search(probs, NAMES),
        lambda: bf.Accumulator().update(probs, NAMES, alpha=ALPHA, beta=BETA),
    ):
        with OpLog() as log:
            call()
        assert set(log.ops) == {"detach"}, log.ops  # no copy, no conversion
    assert bf.decode(probs, alpha=ALPHA, beta=BETA, names=NAMES) == expected
    assert probs.requires_grad and probs.grad_fn is not None  # left as it was


def test_non_contiguous_tensors():
    t = torch.from_numpy(PROBS.astype(np.float32))
    wide = torch.zeros(len(NAMES), 12)
    wide[:, ::2] = t
    transposed = t.T.contiguous().T  # column-major
    expected = bf.grid_search(t, NAMES)
    for view in (wide[:, ::2], transposed):
        assert not view.is_contiguous()
        result = bf.grid_search(view, NAMES)
        np.testing.assert_array_equal(result.presence_correct, expected.presence_correct)
        np.testing.assert_array_equal(result.salience_correct, expected.salience_correct)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_device_tensors_are_copied_to_the_host_once_by_torch(dtype):
    # No GPU here: a meta tensor (a device without data) takes the same
    # branch as CUDA or MPS, and torch's own copy to the host refuses it.
    t = torch.rand(10, 6, device="meta", dtype=dtype)
    log = OpLog()
    with pytest.raises(NotImplementedError, match="Cannot copy out of meta tensor"), log:
        bf.decode(t, alpha=ALPHA, beta=BETA)
    assert log.ops.count("_to_copy") == 1
    assert log.ops[-1] == "_to_copy"  # the host copy, before any conversion


def soft_label_tensor(names: list[str], dtype: torch.dtype) -> torch.Tensor:
    return torch.from_numpy(soft_targets(names)).to(dtype)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_soft_label_tensors(dtype):
    # 0.7 / 0.3 in float16 is 0.7002 / 0.3000, in bfloat16 0.6992 / 0.3008.
    labels = soft_label_tensor(NAMES, dtype)
    expected = bf.encode_labels(NAMES)
    encoded = encode_soft_labels(labels)
    np.testing.assert_array_equal(encoded.mask, expected.mask)
    np.testing.assert_array_equal(encoded.salience, expected.salience)
    probs = torch.from_numpy(PROBS)
    by_names = bf.grid_search(probs, NAMES)
    np.testing.assert_array_equal(
        bf.grid_search(probs, labels).presence_correct, by_names.presence_correct
    )
    acc = bf.Accumulator()
    acc.update(probs, labels.requires_grad_(dtype.is_floating_point), alpha=ALPHA, beta=BETA)
    assert acc.compute() == bf.score(bf.decode(probs, alpha=ALPHA, beta=BETA), NAMES)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_soft_labels_still_need_a_challenge_ratio(dtype):
    labels = torch.tensor([[0.6, 0.4, 0, 0, 0, 0], [0.7, 0.3, 0, 0, 0, 0]], dtype=dtype)
    with pytest.raises(bf.ValidationError, match="a blend must be 70/30") as info:
        encode_soft_labels(labels)
    assert [p.message.split(" ")[:2] for p in info.value.problems] == [["row", "0"]]


def test_one_hot_label_tensors():
    singles = [n for n in NAMES if "_mix_" not in n]
    codes = torch.tensor([bf.EMOTIONS.index(n.split("_")[1]) for n in singles])
    probs = torch.from_numpy(PROBS[[NAMES.index(n) for n in singles]])
    expected = bf.grid_search(probs, singles)
    for one_hot in (F.one_hot(codes, 6), F.one_hot(codes, 6).bool()):
        result = bf.grid_search(probs, one_hot)
        np.testing.assert_array_equal(result.presence_correct, expected.presence_correct)


def test_integer_tensors_are_not_probabilities():
    with pytest.raises(TypeError, match="floating point"):
        bf.decode(F.one_hot(torch.tensor([0, 3]), 6), alpha=ALPHA, beta=BETA)


def test_label_tensors_in_score_point_to_the_soft_label_encoder():
    preds = bf.decode(torch.from_numpy(PROBS), alpha=ALPHA, beta=BETA)
    labels = soft_label_tensor(NAMES, torch.float32)
    with pytest.raises(TypeError, match="encode_soft_labels"):
        bf.score(preds, labels)
    assert bf.score(preds, encode_soft_labels(labels)) == bf.score(preds, NAMES)


def test_accumulator_state_through_tensors():
    # What an all_reduce does to the state: a sum of int64 tensors.
    probs = torch.from_numpy(PROBS)
    parts = [bf.Accumulator(), bf.Accumulator()]
    parts[0].update(probs[:123], NAMES[:123], alpha=ALPHA, beta=BETA)
    parts[1].update(probs[123:], NAMES[123:], alpha=ALPHA, beta=BETA)
    states = [torch.from_numpy(part.state()) for part in parts]
    total = bf.Accumulator.from_state(states[0] + states[1])
    whole = bf.Accumulator()
    whole.update(probs, NAMES, alpha=ALPHA, beta=BETA)
    np.testing.assert_array_equal(total.state(), whole.state())
    with pytest.raises(TypeError, match="integers"):
        bf.Accumulator.from_state(states[0].double())
