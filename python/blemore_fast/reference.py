"""A plain, readable pure-Python implementation of the challenge's scoring.

This module is the oracle the tests check the native core against. It follows
the published functions line by line and never calls the Rust core. It is
slow on purpose: clarity over speed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "EMOTIONS",
    "acc_presence_total",
    "acc_salience_total",
    "grid_search",
    "label_from_filename",
    "parse_filename",
    "presence_single",
    "probs_to_dict",
    "salience_single",
    "score",
    "top2",
]

EMOTIONS = ("ang", "disg", "fea", "hap", "sad", "neu")


# --- labels from clip names (the published parse_filename / metadata_to_label)


def parse_filename(filename: str) -> dict[str, Any]:
    parts = filename.split("_")
    item: dict[str, Any] = {"filename": filename, "video_id": parts[0]}
    if parts[1] == "mix":
        item.update(
            mix=1,
            emotion_1=parts[2],
            emotion_2=parts[3],
            emotion_1_salience=parts[4],
            emotion_2_salience=parts[5],
            version=parts[6][3],
        )
    else:
        item.update(mix=0, emotion_1=parts[1], version=parts[3][3])
    return item


def label_from_filename(filename: str) -> list[dict[str, Any]]:
    meta = parse_filename(filename)
    if meta.get("emotion_2"):
        return [
            {"emotion": meta["emotion_1"], "salience": meta["emotion_1_salience"]},
            {"emotion": meta["emotion_2"], "salience": meta["emotion_2_salience"]},
        ]
    return [{"emotion": meta["emotion_1"], "salience": 1.0}]


# --- the two metrics


def presence_single(label: list[dict[str, Any]], pred: list[dict[str, Any]]) -> bool:
    return {entry["emotion"] for entry in label} == {entry["emotion"] for entry in pred}


def salience_single(label: list[dict[str, Any]], pred: list[dict[str, Any]]) -> bool:
    if len(label) != 2 or len(pred) != 2:
        raise ValueError("Both label and prediction must contain exactly two emotions.")
    label_map = {entry["emotion"]: round(float(entry["salience"])) for entry in label}
    pred_map = {entry["emotion"]: round(float(entry["salience"])) for entry in pred}
    return label_map == pred_map


def _label(filename: str, labels: dict[str, list[dict[str, Any]]] | None) -> list[dict[str, Any]]:
    if labels is None:
        return label_from_filename(filename)
    if filename not in labels:
        raise ValueError(f"Filename {filename} not found in labels")
    return labels[filename]


def acc_presence_total(preds: dict[str, Any], labels: dict[str, Any] | None = None) -> float:
    res = [presence_single(_label(name, labels), pred) for name, pred in preds.items()]
    return float(np.mean(res))


def acc_salience_total(preds: dict[str, Any], labels: dict[str, Any] | None = None) -> float:
    res = []
    for name, pred in preds.items():
        label = _label(name, labels)
        if len(label) != 2:
            continue
        res.append(salience_single(label, pred) if len(pred) == 2 else False)
    if not res:
        return 0.0
    return float(np.mean(res))


def score(preds: dict[str, Any], labels: dict[str, Any] | None = None) -> dict[str, Any]:
    """Both metrics and their counts, by the published rules."""
    presence, salience = [], []
    for name, pred in preds.items():
        label = _label(name, labels)
        presence.append(presence_single(label, pred))
        if len(label) == 2:
            salience.append(salience_single(label, pred) if len(pred) == 2 else False)
    return {
        "presence": float(np.mean(presence)) if presence else 0.0,
        "salience": float(np.mean(salience)) if salience else 0.0,
        "n": len(presence),
        "n_blend": len(salience),
        "presence_correct": int(sum(presence)),
        "salience_correct": int(sum(salience)),
    }


# --- the published post-processing: probabilities to predictions


def top2(probs: np.ndarray) -> np.ndarray:
    """Keeps each row's two largest values and zeroes the rest (ties: lower column)."""
    order = np.argsort(-probs, axis=1)[:, :2]
    mask = np.zeros_like(probs, dtype=bool)
    np.put_along_axis(mask, order, True, axis=1)
    return probs * mask


def probs_to_dict(
    probs: np.ndarray,
    names: list[str],
    alpha: float,
    beta: float,
    classes: tuple[str, ...] = EMOTIONS,
) -> dict[str, list[dict[str, Any]]]:
    """Top-2 probabilities to the official prediction dict, by the published rules.

    ``probs`` must already be reduced by :func:`top2`. ``alpha`` is the presence
    threshold, ``beta`` the largest difference still called 50/50. They are
    used as given, so NumPy's own rules decide the precision, as in the
    published code: with NumPy 2, Python floats are compared in the array's
    dtype (rounded to float16 or float32), np.float64 values in float64. Neutral is
    found by its code; when it is kept with another emotion, the other one is
    compared with it (with the default class order that is ``kept[0]``, as in
    the published code).
    """
    neutral = classes.index("neu")
    result: dict[str, list[dict[str, Any]]] = {}
    for name, row in zip(names, probs, strict=True):
        row = row.copy()
        top = int(np.argmax(row))
        if row[top] < alpha:
            result[name] = [{"emotion": classes[top], "salience": 100.0}]
            continue
        row[row < alpha] = 0
        kept = np.where(row > 0)[0]
        if len(kept) == 1:
            result[name] = [{"emotion": classes[kept[0]], "salience": 100.0}]
            continue
        if len(kept) != 2:
            raise ValueError(f"{name}: no value above zero to predict from")
        if neutral in kept:
            other = int(kept[0]) if kept[0] != neutral else int(kept[1])
            winner = other if row[other] >= row[neutral] else neutral
            result[name] = [{"emotion": classes[winner], "salience": 100.0}]
            continue
        i, j = (int(k) for k in kept)
        if abs(row[i] - row[j]) <= beta:
            sal_i, sal_j = 0.5, 0.5
        elif row[i] > row[j]:
            sal_i, sal_j = 0.7, 0.3
        else:
            sal_i, sal_j = 0.3, 0.7
        result[name] = [
            {"emotion": classes[i], "salience": round(100 * sal_i, 1)},
            {"emotion": classes[j], "salience": round(100 * sal_j, 1)},
        ]
    return result


def grid_search(
    probs: np.ndarray,
    names: list[str],
    labels: dict[str, Any] | None = None,
    alphas: np.ndarray | None = None,
    betas: np.ndarray | None = None,
    presence_weight: float = 0.5,
    classes: tuple[str, ...] = EMOTIONS,
) -> dict[str, Any]:
    """The published threshold grid search: decode to dicts and score every cell."""
    alphas = np.linspace(0.05, 0.95, 20) if alphas is None else np.asarray(alphas, dtype=np.float64)
    betas = np.linspace(0.05, 0.95, 20) if betas is None else np.asarray(betas, dtype=np.float64)
    reduced = top2(probs)
    grid = []
    for a in alphas:
        for b in betas:
            result = score(probs_to_dict(reduced, names, a, b, classes), labels)
            grid.append((float(a), float(b), result["presence"], result["salience"]))
    best = sorted(
        grid, key=lambda x: presence_weight * x[2] + (1 - presence_weight) * x[3], reverse=True
    )[0]
    return {
        "alpha": best[0],
        "beta": best[1],
        "presence": best[2],
        "salience": best[3],
        "presence_only": max(g[2] for g in grid),
        "salience_only": max(g[3] for g in grid),
        "presence_grid": np.array([g[2] for g in grid]).reshape(len(alphas), len(betas)),
        "salience_grid": np.array([g[3] for g in grid]).reshape(len(alphas), len(betas)),
    }
