"""``breakdown``: scores per category, one tidy row per category.

It starts from :func:`~blemore_fast.align`, so it accepts every input
``score`` does and validates it the same way; the counting happens over the
encoded arrays (each clip's outcome cell from the native core, then
``numpy.bincount``), never clip by clip in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..actors import actor_column, clip_actors
from ..encoded import CELLS, CODE_BITS, EMOTIONS, cell_totals, codes_of, known_bits
from ..filenames import parse_filename
from ..scoring import Aligned, as_aligned

__all__ = ["GROUPS", "REPORT_GROUPS", "breakdown", "report_groups"]

#: The groups :func:`breakdown` knows besides metadata columns.
GROUPS: tuple[str, ...] = (
    "all",
    "kind",
    "emotion",
    "pair",
    "ratio",
    "intensity",
    "situation",
    "actor",
)


def _codes(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The number of known codes of each mask and, for pairs, a sortable pair id."""
    return known_bits(mask).sum(axis=1), mask & CODE_BITS


def _pair_name(mask: int) -> str:
    return "+".join(codes_of(mask))


def _ratio_name(low: int, high: int) -> str:
    return f"{low}/{high}"


@dataclass(frozen=True)
class _Group:
    """The clips of one group: their rows, each one's category as an index
    into ``order``, and the category names in display order."""

    rows: np.ndarray
    codes: np.ndarray
    order: list[str]


def _factorized(rows: np.ndarray, values: Any, order_key: Any = None) -> _Group:
    """Categories of arbitrary values, sorted (by ``order_key`` when given)."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), sort=order_key is None)
    names = [str(u) for u in uniques]
    if order_key is not None:
        rank = sorted(range(len(names)), key=lambda i: order_key(uniques[i]))
        remap = np.empty(len(rank), dtype=np.int64)
        remap[rank] = np.arange(len(rank))
        return _Group(rows, remap[codes], [names[i] for i in rank])
    return _Group(rows, codes.astype(np.int64), names)


def _by_label(aligned: Aligned, group: str) -> _Group:
    label = aligned.label
    n_codes, known = _codes(label.mask)
    everyone = np.arange(len(label))
    if group == "all":
        return _Group(everyone, np.zeros(len(label), dtype=np.int64), ["all"])
    if group == "kind":
        return _Group(everyone, (n_codes == 2).astype(np.int64), ["single", "blend"])
    if group == "emotion":
        rows = np.flatnonzero(n_codes == 1)
        # The one known code of each single: the index of its one bit.
        return _Group(rows, known_bits(known[rows]).argmax(axis=1), list(EMOTIONS))
    rows = np.flatnonzero(n_codes == 2)
    if group == "pair":
        # Masks are below 64: count them instead of sorting.
        masks = np.flatnonzero(np.bincount(known[rows], minlength=CODE_BITS + 1))
        masks = np.array(sorted(masks.tolist(), key=_pair_sort_key), dtype=np.int64)
        lookup = np.zeros(CODE_BITS + 1, dtype=np.int64)
        lookup[masks] = np.arange(len(masks))
        return _Group(rows, lookup[known[rows]], [_pair_name(int(m)) for m in masks])
    # group == "ratio": the (first, second) salience bytes as one number, counted
    keys = label.salience[rows].astype(np.int64) @ np.array([256, 1])
    present = np.flatnonzero(np.bincount(keys, minlength=1 << 16))
    lookup = np.zeros(1 << 16, dtype=np.int64)
    lookup[present] = np.arange(len(present))
    names = [_ratio_name(int(k) >> 8, int(k) & 0xFF) for k in present]
    return _Group(rows, lookup[keys], names)


def _pair_sort_key(mask: int) -> tuple[int, ...]:
    return tuple(EMOTIONS.index(code) for code in codes_of(mask))


def _parsed(aligned: Aligned, group: str, cache: dict[str, list[Any]]) -> list[Any]:
    if "parsed" in cache:
        return cache["parsed"]
    if aligned.names is None:
        raise ValueError(f"breakdown by {group!r} needs clip names; these predictions have none")
    parsed, bad = [], []
    for name in aligned.names:
        try:
            parsed.append(parse_filename(name))
        except ValueError:
            bad.append(name)
    if bad:
        raise ValueError(
            f"breakdown by {group!r} reads the clip names, but {len(bad):,} of them are not in the "
            f"dataset's scheme (first: {bad[0]!r}); leave {group!r} out of by="
        )
    cache["parsed"] = parsed
    return parsed


def _by_name(aligned: Aligned, group: str, cache: dict[str, list[Any]]) -> _Group:
    everyone = np.arange(len(aligned.label))
    if group == "actor":
        actors = clip_actors(
            aligned.names,
            aligned.metadata,
            what="breakdown by 'actor'",
            hint=", or leave 'actor' out of by=",
        )
        return _factorized(everyone, actors.astype(str))
    parsed = _parsed(aligned, group, cache)
    attr, prefix = ("intensity", "int") if group == "intensity" else ("situation", "sit")
    values = [getattr(p, attr) for p in parsed]
    rows = np.array([i for i, v in enumerate(values) if v is not None], dtype=np.int64)
    levels = np.array([values[i] for i in rows], dtype=np.int64)
    uniques, codes = np.unique(levels, return_inverse=True)
    return _Group(rows, codes.astype(np.int64), [f"{prefix}{v}" for v in uniques])


def _by_metadata(aligned: Aligned, group: str) -> _Group:
    meta = aligned.metadata
    if meta is None or group not in meta.columns:
        known = ", ".join(GROUPS)
        extra = (
            f", or a metadata column ({', '.join(map(str, meta.columns))})"
            if meta is not None
            else ""
        )
        raise ValueError(f"unknown breakdown group {group!r}; use {known}{extra}")
    values = meta[group]
    if values.dtype.kind == "f" and (values.dropna() % 1 == 0).all():
        values = values.astype("Int64")  # folds read from a CSV with blanks come back as floats
    missing = values.isna().to_numpy()
    present = np.flatnonzero(~missing)
    try:
        part = _factorized(present, values.to_numpy(dtype=object)[present], order_key=lambda v: v)
    except TypeError:  # values of mixed types: order of appearance
        codes, uniques = pd.factorize(values.to_numpy(dtype=object)[present])
        part = _Group(present, codes.astype(np.int64), [str(u) for u in uniques])
    if not missing.any():
        return part
    rows = np.concatenate([part.rows, np.flatnonzero(missing)])
    codes = np.concatenate([part.codes, np.full(int(missing.sum()), len(part.order))])
    return _Group(rows, codes, [*part.order, "(missing)"])


_COLUMNS = (
    "group",
    "category",
    "n",
    "n_blend",
    "presence_correct",
    "presence",
    "salience_correct",
    "salience",
)


#: The breakdown groups a report shows by default: all but the overall row.
REPORT_GROUPS: tuple[str, ...] = tuple(group for group in GROUPS if group != "all")


def report_groups(aligned: Aligned) -> list[str]:
    """The default report groups these clips allow.

    All of :data:`REPORT_GROUPS` when every clip name follows the dataset's
    scheme. Otherwise (names such as ``test_0001.mov``) the groups read from
    labels, plus ``actor`` when the label table has an ``actor`` or
    ``video_id`` column.
    """
    try:
        for name in aligned.names or ():
            parse_filename(name)
        parsed = aligned.names is not None
    except ValueError:
        parsed = False
    if parsed:
        return list(REPORT_GROUPS)
    has_actor = actor_column(aligned.metadata) is not None
    return [
        g
        for g in REPORT_GROUPS
        if g not in ("intensity", "situation", "actor") or (g == "actor" and has_actor)
    ]


def breakdown(
    preds: Any,
    labels: Any = None,
    *,
    by: str | Sequence[str] = ("emotion", "pair", "ratio", "actor"),
    strict: bool = True,
    partition: str | None = None,
) -> pd.DataFrame:
    """Scores per category, one tidy row per category.

    Within ``actor``, ``kind`` and ``all``, and across ``emotion`` plus
    ``pair``, the counts add up to those of :func:`~blemore_fast.score`.

    Parameters
    ----------
    preds : dict, str, os.PathLike, pandas.DataFrame, Encoded or Aligned
        Anything :func:`blemore_fast.score` accepts (or an
        :class:`~blemore_fast.Aligned`, with ``labels=None``).
    labels : optional
        As for :func:`blemore_fast.score`.
    by : str or sequence of str, default ("emotion", "pair", "ratio", "actor")
        The groups, in the order of the rows:

        - ``"emotion"``: single-emotion clips by their emotion (``ang`` ... ``neu``);
        - ``"pair"``: blend clips by their pair (``ang+hap``), all ratios together;
        - ``"ratio"``: blend clips by salience ratio (``30/70``, ``50/50``, ``70/30``);
        - ``"intensity"`` / ``"situation"``: basic-emotion clips by intensity
          (``int1``...) and neutral clips by situation (``sit1``...), read from
          the clip names;
        - ``"actor"``: the metadata's ``actor`` (or ``video_id``) column when the
          labels came from a table, else the actor id of the clip name;
        - ``"kind"`` (``single``/``blend``), ``"all"`` (one overall row), or the
          name of any other metadata column such as ``"fold"`` or
          ``"partition"`` (missing values form the category ``(missing)``).
    strict : bool, default True
        As for :func:`blemore_fast.score`.
    partition : str, optional
        Keep only the labels of this partition (the label table's
        ``partition`` column, such as ``"test"``), as for
        :func:`blemore_fast.score`.

    Returns
    -------
    pandas.DataFrame
        Columns ``group, category, n, n_blend, presence_correct, presence,
        salience_correct, salience``. ``salience`` is NaN for a category without
        blend clips (the published total would say 0.0, which reads as "all
        wrong").

    Raises
    ------
    ValidationError
        As :func:`blemore_fast.score` does.
    ValueError
        For an unknown group, or actors that cannot be read.

    Examples
    --------
    >>> preds = {"A101_ang_int1_ver1": [{"emotion": "ang", "salience": 100}],
    ...          "A101_mix_ang_hap_30_70_ver1": [{"emotion": "ang", "salience": 70},
    ...                                          {"emotion": "hap", "salience": 30}]}
    >>> breakdown(preds, by="pair")[["category", "n", "presence", "salience"]]
      category  n  presence  salience
    0  ang+hap  1       1.0       0.0
    """
    groups = [by] if isinstance(by, str) else list(by)
    if not groups:
        raise ValueError("by must name at least one group")
    for g in groups:
        if not isinstance(g, str):
            raise TypeError(f"by must hold group names (str), got {type(g).__name__} {g!r}")
    aligned = as_aligned(preds, labels, strict=strict, partition=partition)
    outcomes = aligned.outcomes().astype(np.int64)
    frames = []
    cache: dict[str, list[Any]] = {}  # clip names parsed once for all name groups
    for group in groups:
        if group in ("all", "kind", "emotion", "pair", "ratio"):
            part = _by_label(aligned, group)
        elif group in ("intensity", "situation", "actor"):
            part = _by_name(aligned, group, cache)
        else:
            part = _by_metadata(aligned, group)
        frames.append(_count_rows(group, part, outcomes))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=_COLUMNS)


def _count_rows(group: str, part: _Group, outcomes: np.ndarray) -> pd.DataFrame:
    k, c = len(part.order), len(CELLS)
    cells = np.bincount(part.codes * c + outcomes[part.rows], minlength=c * k).reshape(k, c)
    n, n_blend, presence_correct, salience_correct = cell_totals(cells)
    with np.errstate(invalid="ignore", divide="ignore"):
        presence = np.where(n > 0, presence_correct / np.maximum(n, 1), np.nan)
        salience = np.where(n_blend > 0, salience_correct / np.maximum(n_blend, 1), np.nan)
    keep = n > 0
    return pd.DataFrame(
        {
            "group": group,
            "category": np.asarray(part.order, dtype=object)[keep],
            "n": n[keep],
            "n_blend": n_blend[keep],
            "presence_correct": presence_correct[keep],
            "presence": presence[keep],
            "salience_correct": salience_correct[keep],
            "salience": salience[keep],
        },
        columns=list(_COLUMNS),
    )
