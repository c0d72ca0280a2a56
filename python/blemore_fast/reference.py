"""A plain, readable pure-Python implementation of the challenge's scoring.

This module is the oracle the tests check the native core against. It follows
the published functions line by line and never calls the Rust core. It is
slow on purpose: clarity over speed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

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
