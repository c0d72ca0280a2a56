"""The clip encoding: four bytes a clip, the five outcome cells, and the
conversions between encoded clips and the official entries.

Every rule about the encoding is written here once, and every module that
reads or builds encoded clips uses it:

- a clip is an emotion bitmask (bit ``i`` for ``EMOTIONS[i]``, :data:`UNKNOWN_BIT`
  for an unknown code) and two salience bytes, those of a blend's two
  emotions in code order (``EMOTIONS`` order), or :data:`NO_SALIENCE`;
- scoring puts each clip in one of the five outcome cells of :data:`CELLS`;
  :data:`PRESENCE_RIGHT_CELLS`, :data:`BLEND_CELLS` and
  :data:`SALIENCE_RIGHT_CELL` say which cells each metric counts.

>>> clips = from_codes([0, 0], [0, 3], [100, 30])  # ang alone; ang 30 with hap 70
>>> clips.mask.tolist(), clips.salience.tolist()
([1, 9], [[255, 255], [30, 70]])
>>> to_dict(clips, ["c1", "c2"])["c2"]
[{'emotion': 'ang', 'salience': 30.0}, {'emotion': 'hap', 'salience': 70.0}]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import _core
from .errors import Problem, raise_if_any

__all__ = [
    "BLEND_CELLS",
    "CELLS",
    "CODE_BITS",
    "EMOTIONS",
    "NO_SALIENCE",
    "PRESENCE_RIGHT_CELLS",
    "SALIENCE_RIGHT_CELL",
    "UNKNOWN_BIT",
    "Encoded",
    "cell_totals",
    "codes_of",
    "from_codes",
    "known_bits",
    "mask_of",
    "to_dict",
    "to_shares",
]

#: The six emotion codes; bit ``i`` of a mask stands for ``EMOTIONS[i]``.
EMOTIONS: tuple[str, ...] = tuple(_core.EMOTIONS)
#: The mask bit of an unknown code, which never matches a label.
UNKNOWN_BIT: int = _core.UNKNOWN_BIT
#: The mask bits of the six known codes.
CODE_BITS: int = (1 << len(EMOTIONS)) - 1
#: The salience byte of a clip with no comparable salience (see :class:`Encoded`).
NO_SALIENCE: int = _core.NO_SALIENCE

# The cell tables are the native core's own, so the two languages cannot disagree.
#: The five outcome cells every clip falls into.
CELLS: tuple[str, ...] = tuple(_core.CELLS)
#: The cells whose predicted set of emotions is right (presence counts them).
PRESENCE_RIGHT_CELLS: tuple[int, ...] = tuple(_core.PRESENCE_RIGHT_CELLS)
#: The cells of blend clips (salience's denominator).
BLEND_CELLS: tuple[int, ...] = tuple(_core.BLEND_CELLS)
#: The cell of a blend whose pair and ratio are right (salience counts it).
SALIENCE_RIGHT_CELL: int = _core.SALIENCE_RIGHT_CELL


def cell_totals(cells: Any) -> tuple[Any, Any, Any, Any]:
    """``(n, n_blend, presence_correct, salience_correct)`` of outcome-cell
    counts, along the last axis (``CELLS`` order): ints for one vector of
    five counts, arrays for a stack of them.

    Examples
    --------
    >>> cell_totals([3, 1, 2, 1, 1])
    (8, 4, 5, 1)
    """
    counts = np.asarray(cells, dtype=np.int64)
    if counts.shape[-1:] != (len(CELLS),):
        raise ValueError(f"cells must have {len(CELLS)} counts; got shape {counts.shape}")
    n = counts.sum(axis=-1)
    n_blend = counts[..., list(BLEND_CELLS)].sum(axis=-1)
    presence_correct = counts[..., list(PRESENCE_RIGHT_CELLS)].sum(axis=-1)
    salience_correct = counts[..., SALIENCE_RIGHT_CELL]
    if counts.ndim == 1:
        return int(n), int(n_blend), int(presence_correct), int(salience_correct)
    return n, n_blend, presence_correct, salience_correct


def _salience_bytes(salience: Any) -> np.ndarray:
    """uint8 saliences; float input may use NaN for "no salience"."""
    array = np.asarray(salience)
    if array.dtype == np.uint8:
        return np.ascontiguousarray(array)
    if array.dtype.kind == "f":
        array = np.where(np.isnan(array), NO_SALIENCE, array)
    if array.dtype.kind not in "iuf" or not np.all(
        ((array >= 0) & (array <= 100) & (array == np.round(array))) | (array == NO_SALIENCE)
    ):
        raise ValueError("Encoded saliences must be whole percentages 0-100, or 255 (none)")
    return np.ascontiguousarray(array, dtype=np.uint8)


@dataclass(frozen=True, eq=False)
class Encoded:
    """Clips in the compact form the native core counts over.

    Labels' blend saliences are always percentages 0-100, so the encoding is
    lossless for both metrics. :func:`~blemore_fast.decode` returns it, and
    :func:`~blemore_fast.score` and :class:`~blemore_fast.Accumulator` accept it
    directly: 4 bytes a clip, no Python loop.

    Parameters
    ----------
    mask : numpy.ndarray
        uint8, ``(N,)``: bit ``i`` set for ``EMOTIONS[i]``; bit 6 marks an
        unknown code, which never matches a label.
    salience : numpy.ndarray
        uint8, ``(N, 2)``: for a list of exactly two different known codes,
        ``round(float(salience))`` of the lower code then the higher code (in
        ``EMOTIONS`` order) when it is a percentage 0-100; otherwise
        ``NO_SALIENCE`` (255), which never matches a label.
    names : tuple of str, optional
        The clip names, when known.

    Examples
    --------
    >>> from blemore_fast import encode_labels
    >>> labels = encode_labels(["A102_ang_int1_ver1", "A411_mix_ang_hap_30_70_ver1"])
    >>> labels.mask.tolist(), labels.salience.tolist()
    ([1, 9], [[255, 255], [30, 70]])
    >>> len(labels)
    2
    """

    mask: np.ndarray
    salience: np.ndarray
    names: tuple[str, ...] | None = field(default=None)

    def __post_init__(self) -> None:
        mask = np.ascontiguousarray(self.mask, dtype=np.uint8)
        salience = _salience_bytes(self.salience)
        if mask.ndim != 1 or salience.shape != (len(mask), 2):
            raise ValueError(
                f"Encoded needs mask (N,) and salience (N, 2); got {mask.shape} and {salience.shape}"
            )
        if self.names is not None and len(self.names) != len(mask):
            raise ValueError(f"Encoded has {len(mask)} clips but {len(self.names)} names")
        object.__setattr__(self, "mask", mask)
        object.__setattr__(self, "salience", salience)

    @classmethod
    def _native(cls, mask: np.ndarray, salience: np.ndarray) -> Encoded:
        """Wraps arrays the native core made (already checked) without copying."""
        encoded = object.__new__(cls)
        object.__setattr__(encoded, "mask", mask)
        object.__setattr__(encoded, "salience", salience)
        object.__setattr__(encoded, "names", None)
        return encoded

    def __len__(self) -> int:
        return len(self.mask)

    def __repr__(self) -> str:
        return f"Encoded(n={len(self)}, named={self.names is not None})"


# --- masks and codes


def known_bits(mask: np.ndarray) -> np.ndarray:
    """``(N, 6)`` 0/1: which known codes each mask holds (column ``i`` for ``EMOTIONS[i]``).

    Examples
    --------
    >>> known_bits(np.array([9], dtype=np.uint8)).tolist()
    [[1, 0, 0, 1, 0, 0]]
    """
    return (
        np.asarray(mask, dtype=np.uint8)[:, None] >> np.arange(len(EMOTIONS), dtype=np.uint8)
    ) & 1


def codes_of(mask: int) -> tuple[str, ...]:
    """The known codes of one mask, in ``EMOTIONS`` order.

    Examples
    --------
    >>> codes_of(9)
    ('ang', 'hap')
    """
    return tuple(code for i, code in enumerate(EMOTIONS) if mask >> i & 1)


def mask_of(codes: Iterable[str]) -> int:
    """The mask of known codes.

    Examples
    --------
    >>> mask_of(["hap", "ang"])
    9
    """
    mask = 0
    for code in codes:
        mask |= 1 << EMOTIONS.index(code)
    return mask


# --- conversions


def from_codes(first: Any, second: Any, first_share: Any) -> Encoded:
    """Encodes clips given by indices into ``EMOTIONS``: one emotion where
    ``second`` equals ``first``, else the blend of the two with
    ``first_share`` percent for ``first`` and the rest for ``second``. The
    saliences are stored in code order, whichever of the two comes first.

    The arguments broadcast together (a scalar share for every clip).
    """
    one, two, share = np.broadcast_arrays(
        np.asarray(first, dtype=np.int64),
        np.asarray(second, dtype=np.int64),
        np.asarray(first_share, dtype=np.float64),
    )
    mask = (1 << one) | (1 << two)
    low_first = one < two
    salience = np.column_stack(
        [np.where(low_first, share, 100.0 - share), np.where(low_first, 100.0 - share, share)]
    )
    salience[one == two] = NO_SALIENCE
    return Encoded(mask.astype(np.uint8), salience.astype(np.uint8))


def to_dict(
    encoded: Encoded,
    names: Sequence[str] | None = None,
    *,
    order: Sequence[str] = EMOTIONS,
) -> dict[str, list[dict[str, Any]]]:
    """The official prediction dict of encoded clips.

    A single emotion becomes one entry at salience 100.0; a blend its two
    entries with their saliences, listed in ``order`` (a permutation of
    ``EMOTIONS``, such as a model's class order). ``names`` defaults to the
    clips' own names. Raises :class:`~blemore_fast.ValidationError` naming
    every clip that is neither (an unknown code, three codes, a blend without
    saliences).
    """
    if names is None:
        if encoded.names is None:
            raise ValueError("encoded predictions need names to be written as a submission")
        names = encoded.names
    rank = {code: order.index(code) for code in EMOTIONS}
    # One key per clip (mask and both salience bytes in one int) and one
    # template per distinct key: a decoded model output has a few dozen, so
    # 100,000 clips cost 100,000 small dicts and little else.
    salience = encoded.salience.astype(np.int64)
    keys = (encoded.mask.astype(np.int64) << 16 | salience[:, 0] << 8 | salience[:, 1]).tolist()
    templates = {key: _entries(key >> 16, key >> 8 & 0xFF, key & 0xFF, rank) for key in set(keys)}
    result: dict[str, list[dict[str, Any]]] = {}
    problems = []
    for name, key in zip(names, keys, strict=True):
        template = templates[key]
        if template is None:
            problems.append(
                Problem(
                    name,
                    "cannot be written: not one emotion or a blend of two",
                    kind="unwritable_prediction",
                )
            )
            continue
        result[name] = [{"emotion": code, "salience": share} for code, share in template]
    raise_if_any(problems, "predictions")
    return result


def _entries(
    mask: int, low: int, high: int, rank: dict[str, int]
) -> list[tuple[str, float]] | None:
    """One clip's (code, salience) entries in ``rank`` order, or None if it has none."""
    codes = codes_of(mask)
    if mask & UNKNOWN_BIT:
        return None
    if len(codes) == 1:
        return [(codes[0], 100.0)]
    if len(codes) != 2 or NO_SALIENCE in (low, high):
        return None
    shares = {codes[0]: float(low), codes[1]: float(high)}
    return [(code, shares[code]) for code in sorted(codes, key=rank.__getitem__)]


def to_shares(encoded: Encoded) -> np.ndarray:
    """Each clip as shares of the six emotions, ``(N, 6)`` float64 in
    ``EMOTIONS`` order: 1.0 on a single emotion, a blend's saliences / 100 on
    its two emotions (the soft label).

    Examples
    --------
    >>> to_shares(from_codes([3], [0], [70])).tolist()
    [[0.3, 0.0, 0.0, 0.7, 0.0, 0.0]]
    """
    bits = known_bits(encoded.mask)
    shares = bits.astype(np.float64)
    blend = bits.sum(axis=1) == 2
    rows = np.flatnonzero(blend)
    codes = np.nonzero(bits[blend])[1].reshape(-1, 2)  # ascending: code order
    shares[rows[:, None], codes] = encoded.salience[blend].astype(np.float64) / 100.0
    return shares
