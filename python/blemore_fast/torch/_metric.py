"""What both metrics share: torchmetrics' class attributes, integer states
that stay integer, a fingerprint of the settings, and logits to probabilities."""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

try:
    import torch
    from torchmetrics import Metric
except ImportError as error:  # pragma: no cover - the test environment has both
    raise ImportError(
        "blemore_fast.torch needs torch and torchmetrics: pip install 'blemore-fast[torch]'"
    ) from error

from ..training._coerce import as_array, is_tensor


def _same_settings(stacked: torch.Tensor) -> torch.Tensor:
    """The reduction of the settings fingerprint: every copy must be equal."""
    if not bool((stacked == stacked[0]).all()):
        raise ValueError(
            "cannot add up the counts of metrics built with different settings "
            "(thresholds, axes, classes or from_logits): they count different things"
        )
    return stacked[0]


class CountingMetric(Metric):
    """A metric whose states are int64 counts, summed exactly by ``sync``,
    ``merge_state`` and ``forward``, plus a ``settings`` fingerprint.

    The fingerprint (8 bytes of a hash of everything that decides the
    counts) makes two metrics with different settings unequal in state, so
    ``MetricCollection``'s compute groups never share their counts (it
    merges members whose states are equal after the first batch), and
    adding up the counts of differently built metrics, across processes or
    by ``merge_state``, raises instead of mixing them.
    """

    full_state_update = False
    higher_is_better = True
    is_differentiable = False
    plot_lower_bound = 0.0
    plot_upper_bound = 1.0

    def _add_states(self, settings: list[bytes], **counts: tuple[int, ...]) -> None:
        """The settings fingerprint of ``settings``, then one int64 count
        state of each given shape. The fingerprint comes first so that a
        mismatch raises before any count is added (states reduce in order)."""
        digest = hashlib.blake2b(b"\x00".join(settings), digest_size=8).digest()
        # Byte values 0-255 as int64: torch.allclose tells any two apart.
        self.add_state(
            "settings", torch.tensor(list(digest), dtype=torch.int64), dist_reduce_fx=_same_settings
        )
        for name, shape in counts.items():
            self.add_state(name, torch.zeros(shape, dtype=torch.int64), dist_reduce_fx="sum")

    def _add_to(self, name: str, counts: np.ndarray | int) -> None:
        """Adds int64 counts (an array, or one int) to a count state, on its device."""
        state = getattr(self, name)
        state += (
            torch.from_numpy(counts).to(state.device) if isinstance(counts, np.ndarray) else counts
        )

    @staticmethod
    def _results(**values: float) -> dict[str, torch.Tensor]:
        """Python floats as float64 tensors on the CPU (MPS has no float64)."""
        return dict(
            zip(
                values,
                torch.tensor(list(values.values()), dtype=torch.float64).unbind(),
                strict=True,
            )
        )

    def set_dtype(self, dst_type: str | torch.dtype) -> CountingMetric:
        """Keeps the states as they are: exact int64 counts, which a floating
        dtype would round (float16 from 2,049 clips on)."""
        return self


def probabilities(preds: Any, from_logits: bool) -> Any:
    """``preds``, or for logits their softmax over the classes, computed by
    torch in the logits' own floating dtype (as ``logits.softmax(1)`` does)."""
    if not from_logits:
        return preds
    logits = preds.detach() if is_tensor(preds) else torch.as_tensor(as_array(preds, "preds"))
    if not logits.is_floating_point():
        raise TypeError(f"logits must be floating point; got {logits.dtype}")
    return torch.softmax(logits, dim=-1)
