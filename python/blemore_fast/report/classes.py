"""The 36 label classes of the dataset, and each clip's class.

- a single emotion is its code: ``ang`` ... ``neu``;
- a blend is its pair in ``EMOTIONS`` order and the saliences in the same
  order: ``ang+hap 30/70`` is anger at 30 and happiness at 70 (the clip
  ``A411_mix_ang_hap_30_70_ver1``).

Anything else (three entries, an unknown code, another ratio, neutral in a
pair) is :data:`OTHER`.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from ..encoded import EMOTIONS, Encoded, mask_of

__all__ = ["BLEND_PAIRS", "LABEL_CLASSES", "OTHER", "RATIOS", "class_index"]

#: The salience ratios of the dataset, first emotion / second emotion.
RATIOS: tuple[str, ...] = ("30/70", "50/50", "70/30")
_RATIO_VALUES = ((30, 70), (50, 50), (70, 30))

#: The ten blend pairs of the dataset (neutral is never blended), in ``EMOTIONS`` order.
BLEND_PAIRS: tuple[tuple[str, str], ...] = tuple(
    combinations([e for e in EMOTIONS if e != "neu"], 2)
)

#: The 36 label classes: 6 single emotions, then 10 pairs x 3 ratios.
LABEL_CLASSES: tuple[str, ...] = tuple(EMOTIONS) + tuple(
    f"{a}+{b} {r}" for a, b in BLEND_PAIRS for r in RATIOS
)

#: The column of the confusion matrix for predictions outside the 36 classes.
OTHER = "other"
_N_SINGLE = len(EMOTIONS)
_OTHER_INDEX = len(LABEL_CLASSES)


def _mask_tables() -> tuple[np.ndarray, np.ndarray]:
    # Lookup tables over every uint8 mask: the single-emotion class of a
    # one-code mask, and the pair index of a dataset pair.
    single = np.full(256, -1, dtype=np.int64)
    for i, code in enumerate(EMOTIONS):
        single[mask_of([code])] = i
    pair = np.full(256, -1, dtype=np.int64)
    for k, codes in enumerate(BLEND_PAIRS):
        pair[mask_of(codes)] = k
    return single, pair


_SINGLE_OF_MASK, _PAIR_OF_MASK = _mask_tables()


def class_index(encoded: Encoded) -> np.ndarray:
    """Each clip's class as an index into :data:`LABEL_CLASSES`, or 36 for ``other``.

    A single class is a set of exactly one known code, whatever the salience
    (as presence sees it). A blend class needs exactly two entries naming a
    dataset pair with saliences that round to 30/70, 50/50 or 70/30 (the
    encoding keeps saliences only for such two-entry lists). Anything else
    (three entries, unknown codes, other ratios, neutral in a pair) is
    ``other``.

    Examples
    --------
    >>> from blemore_fast import encode_labels
    >>> labels = encode_labels(["A102_ang_int1_ver1", "A411_mix_ang_hap_30_70_ver1"])
    >>> [LABEL_CLASSES[i] for i in class_index(labels)]
    ['ang', 'ang+hap 30/70']
    """
    single = _SINGLE_OF_MASK[encoded.mask]
    pair = _PAIR_OF_MASK[encoded.mask]
    low, high = encoded.salience[:, 0], encoded.salience[:, 1]
    ratio = np.full(len(encoded), -1, dtype=np.int64)
    for r, (a, b) in enumerate(_RATIO_VALUES):
        ratio[(low == a) & (high == b)] = r
    blend = (pair >= 0) & (ratio >= 0)
    return np.where(
        single >= 0, single, np.where(blend, _N_SINGLE + 3 * pair + ratio, _OTHER_INDEX)
    )
