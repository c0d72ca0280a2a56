"""Type stubs for the native core (src/). Kept honest by `mypy.stubtest` in `make lint`."""

import os
from collections.abc import Sequence
from typing import Any, final

import numpy as np
import numpy.typing as npt

__all__ = [
    "BLEND_CELLS",
    "CELLS",
    "EMOTIONS",
    "INTERVAL_METHODS",
    "NO_SALIENCE",
    "PRESENCE_RIGHT_CELLS",
    "PROBLEM_KINDS",
    "SALIENCE_RIGHT_CELL",
    "UNKNOWN_BIT",
    "SubmissionFile",
    "__version__",
    "bootstrap_cells",
    "check_grid",
    "check_predictions",
    "check_resampling",
    "class_order",
    "classify_cells",
    "compare_cells",
    "count_cells",
    "decode_probs",
    "encode_labels",
    "encode_pairs",
    "grid_counts",
    "grid_scores",
    "parse_clip_name",
    "plan_draws",
    "rank_cells",
    "read_submission",
    "score_pairs",
    "soft_labels",
    "submission_json",
    "t_critical",
    "t_two_sided_p",
    "tied_rows",
]
__version__: str
EMOTIONS: list[str]
UNKNOWN_BIT: int
NO_SALIENCE: int
CELLS: tuple[str, ...]
PRESENCE_RIGHT_CELLS: tuple[int, ...]
BLEND_CELLS: tuple[int, ...]
SALIENCE_RIGHT_CELL: int
PROBLEM_KINDS: dict[str, str]
INTERVAL_METHODS: tuple[str, ...]

_U8 = npt.NDArray[np.uint8]
_U8_2D = npt.NDArray[np.uint8]
_Encoded = tuple[_U8, _U8_2D]
# (clip, kind, message); kind is one of PROBLEM_KINDS.
_Problem = tuple[str | None, str, str]
# (summary, messages, n_units, distribution, df): see bootstrap_cells.
_Intervals = tuple[
    npt.NDArray[np.float64],
    list[str],
    int,
    npt.NDArray[np.float64] | None,
    tuple[float, float, float] | None,
]

def encode_pairs(
    preds: dict[Any, Any], labels: object | None, *, strict: bool
) -> tuple[_Encoded, _Encoded, list[_Problem], list[str]]: ...
def score_pairs(
    preds: dict[Any, Any], labels: object | None, *, strict: bool
) -> tuple[list[int], list[_Problem], list[str]]: ...
def check_predictions(preds: dict[Any, Any]) -> list[_Problem]: ...
def encode_labels(labels: object) -> tuple[list[str], _Encoded, list[_Problem], list[str]]: ...

@final
class SubmissionFile:
    @property
    def file_problem(self) -> tuple[str, str] | None: ...
    @property
    def limit(self) -> str | None: ...
    @property
    def top_level(self) -> str: ...
    @property
    def extra_keys(self) -> list[str]: ...
    @property
    def predictions_type(self) -> str | None: ...
    @property
    def misspelt(self) -> str | None: ...
    @property
    def repeated(self) -> bool: ...
    @property
    def n_clips(self) -> int: ...
    @property
    def names(self) -> list[str] | None: ...
    @property
    def pred(self) -> _Encoded: ...
    @property
    def label(self) -> _Encoded: ...
    @property
    def problems(self) -> list[_Problem]: ...
    @property
    def warnings(self) -> list[str]: ...

def read_submission(
    source: str | os.PathLike[str] | bytes,
    labels: object | None,
    *,
    strict: bool,
    alone: bool = False,
    keep_names: bool = False,
    shown_as: str,
    max_bytes: int = ...,
    max_clips: int = ...,
) -> SubmissionFile: ...
def submission_json(preds: dict[Any, Any], *, indent: int | None) -> bytes: ...
def count_cells(
    pred_mask: _U8, pred_salience: _U8_2D, label_mask: _U8, label_salience: _U8_2D
) -> npt.NDArray[np.int64]: ...
def classify_cells(
    pred_mask: _U8, pred_salience: _U8_2D, label_mask: _U8, label_salience: _U8_2D
) -> _U8: ...
def parse_clip_name(
    name: str,
) -> tuple[str, list[str], list[int], int | None, int | None, int]: ...

_Probs = npt.NDArray[np.float16] | npt.NDArray[np.float32] | npt.NDArray[np.float64]
_I64_2D = npt.NDArray[np.int64]
_F64_2D = npt.NDArray[np.float64]

def class_order(classes: Sequence[str]) -> list[int]: ...
def tied_rows(probs: _Probs) -> npt.NDArray[np.int64]: ...
def decode_probs(
    probs: _Probs,
    *,
    alpha: float,
    beta: float,
    codes: Sequence[int],
    tie_rows: npt.NDArray[np.int64],
    tie_picks: _U8_2D,
) -> _Encoded: ...
def grid_counts(
    probs: _Probs,
    *,
    alphas: npt.NDArray[np.float64],
    betas: npt.NDArray[np.float64],
    codes: Sequence[int],
    tie_rows: npt.NDArray[np.int64],
    tie_picks: _U8_2D,
    label_mask: _U8,
    label_salience: _U8_2D,
) -> tuple[_I64_2D, _I64_2D, int, int]: ...
def check_grid(
    *, alphas: npt.NDArray[np.float64], betas: npt.NDArray[np.float64], presence_weight: float
) -> None: ...
def grid_scores(
    presence_correct: _I64_2D,
    salience_correct: _I64_2D,
    *,
    n: int,
    n_blend: int,
    presence_weight: float,
) -> tuple[_F64_2D, _F64_2D, int, float, float]: ...
def soft_labels(
    labels: npt.NDArray[np.float64], *, codes: Sequence[int], rtol: float
) -> tuple[_Encoded, list[tuple[int, str]]]: ...
def bootstrap_cells(
    outcomes: _U8,
    *,
    groups: npt.NDArray[np.int64] | None,
    n_resamples: int,
    confidence: float,
    method: str,
    seed: int,
    return_distribution: bool,
) -> _Intervals: ...
def compare_cells(
    outcomes_a: _U8,
    outcomes_b: _U8,
    *,
    groups: npt.NDArray[np.int64] | None,
    n_resamples: int,
    confidence: float,
    method: str,
    seed: int,
    return_distribution: bool,
) -> _Intervals: ...
def rank_cells(
    outcomes: _U8_2D,
    *,
    groups: npt.NDArray[np.int64] | None,
    metric: str,
    confidence: float,
    n_resamples: int,
    seed: int,
) -> tuple[
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.bool_],
    npt.NDArray[np.bool_],
    float,
    int,
    int,
]: ...
def check_resampling(*, n_resamples: int, confidence: float, method: str) -> str: ...
def plan_draws(
    pilot: npt.NDArray[np.int64],
    *,
    actors: Sequence[int],
    n_sims: int,
    confidence: float,
    statistic: int,
    paired: bool,
    seed: int,
) -> npt.NDArray[np.float64]: ...
def t_two_sided_p(
    t: npt.NDArray[np.float64], df: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]: ...
def t_critical(
    confidence: npt.NDArray[np.float64], df: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]: ...
