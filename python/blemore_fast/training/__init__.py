"""The training-loop toolkit: decode probabilities, search thresholds, accumulate scores.

- :func:`decode` turns an ``(N, 6)`` probability matrix into predictions by
  the challenge's published post-processing (top-2, presence threshold
  ``alpha``, 50/50 band ``beta``).
- :func:`grid_search` scores every ``(alpha, beta)`` of a grid in one pass,
  with results identical to decoding and scoring at each point.
- :class:`Accumulator` sums outcome counts over batches, threads or
  processes and gives the exact :class:`~blemore_fast.Score` at the end.
- :func:`encode_soft_labels` encodes a soft-label matrix once, for either.

The modules: ``decode``, ``grid``, ``accumulator``, ``labels`` (the labels
of probability rows) and ``_coerce`` (the array and argument coercion they
share).
"""

from .accumulator import Accumulator
from .decode import decode
from .grid import GridResult, grid_search
from .labels import encode_soft_labels

__all__ = ["Accumulator", "GridResult", "decode", "encode_soft_labels", "grid_search"]
