"""``confusion``: the 36 label classes against the predicted classes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..scoring import as_aligned
from .classes import LABEL_CLASSES, OTHER, class_index

__all__ = ["confusion"]


def confusion(
    preds: Any, labels: Any = None, *, strict: bool = True, normalize: bool = False
) -> pd.DataFrame:
    """The confusion matrix of label classes against predicted classes.

    The diagonal's single-emotion part counts the singles whose presence is
    right, and its blend part the blends whose salience is right.

    Parameters
    ----------
    preds : dict, str, os.PathLike, pandas.DataFrame or Encoded
        Anything :func:`blemore_fast.score` accepts.
    labels : optional
        As for :func:`blemore_fast.score`.
    strict : bool, default True
        As for :func:`blemore_fast.score`.
    normalize : bool, default False
        Divide each row by its sum (the share of that label's clips predicted
        as each class); rows without clips are then NaN.

    Returns
    -------
    pandas.DataFrame
        Rows are the 36 label classes of :data:`LABEL_CLASSES` (6 single
        emotions, then 10 pairs x 3 ratios); columns are the same 36 predicted
        classes plus ``other`` for any prediction outside them (three entries,
        an unknown code, a ratio other than 30/70, 50/50 or 70/30, neutral in a
        pair...). A label outside the 36 classes (possible with a custom label
        dict) adds a row ``other``. Every row is kept, so the shape is stable; a
        row's sum is the number of clips with that label.

    Raises
    ------
    ValidationError
        As :func:`blemore_fast.score` does.

    Examples
    --------
    >>> m = confusion({"A101_ang_int1_ver1": [{"emotion": "fea", "salience": 100}]})
    >>> int(m.loc["ang", "fea"]), m.shape
    (1, (36, 37))
    """
    aligned = as_aligned(preds, labels, strict=strict)
    label_class = class_index(aligned.label)
    pred_class = class_index(aligned.pred)
    k = len(LABEL_CLASSES) + 1
    counts = np.bincount(label_class * k + pred_class, minlength=k * k).reshape(k, k)
    names = [*LABEL_CLASSES, OTHER]
    rows = names if counts[len(LABEL_CLASSES)].any() else names[:-1]
    matrix = pd.DataFrame(
        counts[: len(rows)],
        index=pd.Index(rows, name="label"),
        columns=pd.Index(names, name="prediction"),
    )
    if normalize:
        sums = matrix.sum(axis=1)
        return matrix.div(sums.where(sums > 0), axis=0)
    return matrix
