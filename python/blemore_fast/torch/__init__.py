"""torchmetrics metrics for BlEmoRe: scores and a threshold search that add
up across batches and DistributedDataParallel processes, exactly.

- :class:`BlEmoReScore`: presence, salience and their mean at fixed
  thresholds. State: the five outcome counts.
- :class:`ThresholdSearch`: the published threshold grid search. State: the
  grid of counts, summed across processes, so each rank can search on its
  own shard of the validation set.

Both follow torchmetrics' conventions (``update`` / ``compute`` /
``reset`` / ``forward`` / ``merge_state``, states summed by ``sync``) and
compute exactly what :func:`~blemore_fast.score` and
:func:`~blemore_fast.grid_search` give on all the data at once.

Needs torch and torchmetrics (``pip install 'blemore-fast[torch]'``);
``import blemore_fast`` alone never imports torch.
"""

from .score import BlEmoReScore
from .search import ThresholdSearch

__all__ = ["BlEmoReScore", "ThresholdSearch"]
