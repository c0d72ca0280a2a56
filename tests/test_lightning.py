"""The metrics in a real Lightning validation loop, logged as the README shows."""

from __future__ import annotations

import blemore_fast as bf
import numpy as np
import pytest
import pytorch_lightning as pl
import torch
from blemore_fast.synthetic import soft_targets
from blemore_fast.torch import BlEmoReScore, ThresholdSearch
from torch.utils.data import DataLoader, TensorDataset
from torchmetrics import MetricCollection
from validation_sets import synthetic_validation

# Lightning's own warnings about this loop (one process, no workers) and
# about torch APIs it uses; the project's warnings still fail the test.
pytestmark = [
    pytest.mark.filterwarnings("ignore:.*does not have many workers:UserWarning"),
    pytest.mark.filterwarnings("ignore:.*LeafSpec.*is deprecated:FutureWarning"),
]

ALPHA, BETA = 0.1447, 0.2395
NAMES, PROBS = synthetic_validation()


class Validated(pl.LightningModule):
    """A model that outputs the validation probabilities it is given."""

    def __init__(self, log_metric_object: bool = False) -> None:
        super().__init__()
        self.log_metric_object = log_metric_object
        # Members share key names (presence...), so each key gets its
        # member's name: val_search_alpha, val_fixed_presence...
        self.metrics = MetricCollection(
            {"search": ThresholdSearch(), "fixed": BlEmoReScore(ALPHA, BETA)}, prefix="val_"
        )

    def validation_step(self, batch, batch_idx):
        probs, soft_labels = batch
        self.metrics.update(probs, soft_labels)

    def on_validation_epoch_end(self):
        if self.log_metric_object:
            # Lightning wants one tensor from a logged metric's compute.
            self.log("val_search", self.metrics["search"])
            return
        self.log_dict(self.metrics.compute())
        self.metrics.reset()


def validate(model: Validated) -> dict[str, float]:
    data = TensorDataset(
        torch.from_numpy(PROBS.astype(np.float32)),
        torch.from_numpy(soft_targets(NAMES).astype(np.float32)),
    )
    trainer = pl.Trainer(
        accelerator="cpu",
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.validate(model, DataLoader(data, batch_size=64), verbose=False)
    return {k: v.item() for k, v in trainer.callback_metrics.items()}


def test_logged_values_equal_score_and_grid_search():
    logged = validate(Validated())
    p32 = PROBS.astype(np.float32)
    grid = bf.grid_search(p32, NAMES)
    score = bf.score(bf.decode(p32, alpha=ALPHA, beta=BETA), NAMES)
    assert logged == {
        "val_search_alpha": grid.alpha,
        "val_search_beta": grid.beta,
        "val_search_presence": grid.presence,
        "val_search_salience": grid.salience,
        "val_search_mean": grid.mean,
        "val_fixed_presence": score.presence,
        "val_fixed_salience": score.salience,
        "val_fixed_mean": score.mean,
    }


def test_logging_the_metric_object_is_refused_by_lightning():
    with pytest.raises(ValueError, match="must be a tensor"):
        validate(Validated(log_metric_object=True))
