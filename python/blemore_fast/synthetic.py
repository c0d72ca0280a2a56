"""A synthetic BlEmoRe: the real dataset's design, with simulated models.

The real dataset has 58 actors. Each recorded the five basic emotions at four
intensities (``A101_ang_int1_ver1``), four neutral situations
(``A101_neu_sit1_ver1``) and the ten pairs of basic emotions at three
salience ratios (``A101_mix_ang_hap_30_70_ver1``, the pair in ``EMOTIONS``
order, the first number belonging to the first emotion): 54 clips per actor.
The official split puts 47 actors in ``train`` (5 folds grouped by actor) and
11 in ``test``.

:func:`make_clips` builds that table (the columns of the real ``clips.csv``),
:func:`simulate_probs` plays a model of chosen quality and
:func:`make_dataset` does both, for the demo and for tests that need
realistic inputs without the real data:

>>> data = make_dataset(seed=0)
>>> len(data.clips), data.clips["actor"].nunique()
(3132, 58)
>>> data.probs["good"].shape
(3132, 6)

Everything is seeded: the same arguments give the same clips and
probabilities on every machine.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from .actors import clip_actors
from .encoded import EMOTIONS, to_shares
from .probs import softmax
from .scoring import encode_labels

__all__ = [
    "BASIC",
    "CLIPS_PER_ACTOR",
    "MODELS",
    "N_INTENSITIES",
    "N_SITUATIONS",
    "PAIRS",
    "RATIOS",
    "ModelSpec",
    "SyntheticData",
    "actor_clip_names",
    "make_clips",
    "make_dataset",
    "simulate_features",
    "simulate_probs",
    "soft_targets",
]

#: The five emotions that are acted at intensities and blended (all but neutral).
BASIC: tuple[str, ...] = tuple(e for e in EMOTIONS if e != "neu")
#: The ten blend pairs, each in ``EMOTIONS`` order.
PAIRS: tuple[tuple[str, str], ...] = tuple(combinations(BASIC, 2))
#: The three salience ratios, first emotion / second emotion.
RATIOS: tuple[tuple[int, int], ...] = ((30, 70), (50, 50), (70, 30))
N_INTENSITIES = 4
N_SITUATIONS = 4
#: Clips per actor: 5 x 4 intensities + 4 neutral situations + 10 pairs x 3 ratios.
CLIPS_PER_ACTOR = len(BASIC) * N_INTENSITIES + N_SITUATIONS + len(PAIRS) * len(RATIOS)


def actor_clip_names(actor: str, version: int = 1) -> list[str]:
    """The 54 clip names of one actor, in the dataset's scheme.

    Examples
    --------
    >>> actor_clip_names("A101")[:2]
    ['A101_ang_int1_ver1', 'A101_ang_int2_ver1']
    >>> len(actor_clip_names("A101"))
    54
    """
    if not isinstance(actor, str) or not actor.isalnum():
        raise ValueError(f"actor must be an alphanumeric id such as 'A101', got {actor!r}")
    v = f"ver{version}"
    names = [f"{actor}_{e}_int{k}_{v}" for e in BASIC for k in range(1, N_INTENSITIES + 1)]
    names += [f"{actor}_neu_sit{k}_{v}" for k in range(1, N_SITUATIONS + 1)]
    names += [f"{actor}_mix_{a}_{b}_{s}_{t}_{v}" for a, b in PAIRS for s, t in RATIOS]
    return names


def _check_int(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if value < low:
        raise ValueError(f"{name} must be at least {low}, got {value}")
    return int(value)


def make_clips(
    *, n_actors: int = 58, n_test_actors: int = 11, n_folds: int = 5, seed: int = 0
) -> pd.DataFrame:
    """The clip table of a synthetic dataset: ``filename, actor, partition, fold``.

    Actors are ``A101``, ``A102``...; ``n_test_actors`` of them, drawn with
    ``seed``, form the ``test`` partition and the others ``train``, dealt into
    ``n_folds`` actor-grouped folds (sizes differ by at most one). ``fold`` is
    a nullable integer, missing for test clips. Rows are sorted by filename,
    as in the real ``clips.csv``.

    Examples
    --------
    >>> clips = make_clips()
    >>> clips["partition"].value_counts().to_dict()
    {'train': 2538, 'test': 594}
    >>> clips.groupby("fold")["actor"].nunique().tolist()
    [10, 10, 9, 9, 9]
    """
    n_actors = _check_int("n_actors", n_actors, 2)
    n_test_actors = _check_int("n_test_actors", n_test_actors, 1)
    n_folds = _check_int("n_folds", n_folds, 1)
    if n_actors - n_test_actors < n_folds:
        raise ValueError(
            f"n_actors={n_actors} leaves {n_actors - n_test_actors} train actors after "
            f"n_test_actors={n_test_actors}, fewer than n_folds={n_folds}"
        )
    rng = np.random.default_rng(_seed_sequence(seed, "split"))
    actors = [f"A{101 + i}" for i in range(n_actors)]
    order = rng.permutation(n_actors)
    test = {actors[i] for i in order[:n_test_actors]}
    train = [actors[i] for i in order[n_test_actors:]]
    fold_of = {actor: i % n_folds for i, actor in enumerate(train)}

    names = [name for actor in actors for name in actor_clip_names(actor)]
    actor_col = np.repeat(actors, CLIPS_PER_ACTOR)
    partition = np.where(np.isin(actor_col, list(test)), "test", "train")
    fold = pd.array([fold_of.get(a) for a in actors], dtype="Int64").repeat(CLIPS_PER_ACTOR)
    clips = pd.DataFrame(
        {"filename": names, "actor": actor_col, "partition": partition, "fold": fold}
    )
    return clips.sort_values("filename", ignore_index=True)


@dataclass(frozen=True)
class ModelSpec:
    """How good a simulated model is.

    Its logits are ``signal * target + actor bias + noise``, where ``target``
    is the soft label (one-hot for a single emotion, 0.3/0.7 or 0.5/0.5 for a
    blend), the actor bias is drawn once per actor and class with standard
    deviation ``actor_noise`` (some actors are harder to read, which is why
    actor-level intervals are wider), and the noise is drawn per clip and
    class with standard deviation ``noise``. The probabilities are their
    softmax.
    """

    signal: float
    noise: float = 1.0
    actor_noise: float = 0.5

    def __post_init__(self) -> None:
        for name in ("signal", "noise", "actor_noise"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise TypeError(f"ModelSpec.{name} must be a number, got {value!r}")
            if not np.isfinite(value) or (name != "signal" and value < 0):
                raise ValueError(f"ModelSpec.{name} must be finite and >= 0, got {value!r}")


#: The two models of the demo. With thresholds from a grid search, "good"
#: scores about 0.50 presence and 0.14 salience on the test actors and
#: "weaker" about 0.32 and 0.06: the range of published systems (HiCMAE
#: reaches 0.27-0.31 presence) and somewhat above. Their actor biases make
#: actor-level intervals about 1.5 times wider than clip-level ones, as on
#: the real HiCMAE outputs.
MODELS: Mapping[str, ModelSpec] = MappingProxyType(
    {
        "good": ModelSpec(signal=4.5, noise=1.0, actor_noise=1.2),
        "weaker": ModelSpec(signal=3.0, noise=1.0, actor_noise=1.2),
    }
)


def _seed_sequence(seed: int, *key: str) -> np.random.SeedSequence:
    # A stable (non-randomised) hash of the key, so that each model's stream
    # depends on its name and the seed only, not on which other models run.
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__} {seed!r}")
    return np.random.SeedSequence(int(seed), spawn_key=tuple(zlib.crc32(k.encode()) for k in key))


def soft_targets(labels: Any) -> np.ndarray:
    """The soft label of every clip as an ``(N, 6)`` float64 matrix.

    A single emotion is one-hot; a blend puts its saliences (divided by 100)
    on its two emotions. ``labels`` is anything :func:`blemore_fast.encode_labels`
    accepts.

    Examples
    --------
    >>> soft_targets(["A101_mix_ang_hap_30_70_ver1"]).tolist()
    [[0.3, 0.0, 0.0, 0.7, 0.0, 0.0]]
    """
    return to_shares(encode_labels(labels))


def simulate_probs(
    clips: pd.DataFrame | Iterable[str],
    model: str | ModelSpec = "good",
    *,
    seed: int = 0,
    shared_seed: int | None = None,
    shared_weight: float = 0.7,
) -> np.ndarray:
    """Probabilities ``(N, 6)`` of a simulated model for these clips.

    ``clips`` is a clip table (with ``filename`` and, optionally, ``actor``)
    or clip names in the dataset's scheme; actors come from the table or the
    names, by the rule of :mod:`blemore_fast.actors`. ``model`` is a name in
    :data:`MODELS` or a :class:`ModelSpec`.

    Models simulated with the same ``shared_seed`` on the same clips share
    part of their noise and actor biases (``shared_weight`` is its weight;
    the variance stays the same), so that they err on the same clips and
    find the same actors hard, as real models do.

    Examples
    --------
    >>> p = simulate_probs(["A101_ang_int1_ver1", "A101_neu_sit1_ver1"], "good")
    >>> p.shape, bool(np.allclose(p.sum(axis=1), 1.0))
    ((2, 6), True)
    """
    name, spec = _model(model)
    names, actor_index, n_actors = _clip_actors(clips, "simulate_probs")
    if not 0.0 <= shared_weight <= 1.0:
        raise ValueError(f"shared_weight must be in [0, 1], got {shared_weight!r}")
    k = len(EMOTIONS)
    targets = soft_targets(names)

    def draws(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        return rng.standard_normal((len(names), k)), rng.standard_normal((n_actors, k))

    noise, bias = draws(np.random.default_rng(_seed_sequence(seed, "model", name)))
    if shared_seed is not None:
        shared_noise, shared_bias = draws(
            np.random.default_rng(_seed_sequence(shared_seed, "shared"))
        )
        own = np.sqrt(1.0 - shared_weight**2)
        noise = own * noise + shared_weight * shared_noise
        bias = own * bias + shared_weight * shared_bias
    logits = spec.signal * targets + spec.noise * noise + spec.actor_noise * bias[actor_index]
    return softmax(logits)


def _clip_actors(
    clips: pd.DataFrame | Iterable[str], what: str
) -> tuple[list[str], np.ndarray, int]:
    """The clip names, each clip's actor as an index, and the number of actors."""
    if isinstance(clips, pd.DataFrame):
        if "filename" not in clips.columns:
            raise ValueError(f"clips needs a 'filename' column; found {list(clips.columns)}")
        names = [str(n) for n in clips["filename"]]
        table = clips.set_index(pd.Index(names, name="filename"))
    elif isinstance(clips, str):
        raise TypeError("clips must be a clip table or a list of clip names, got a single str")
    else:
        names = [str(n) for n in clips]
        table = None
    actors = clip_actors(names, table, what=what).astype(str)
    _, actor_index = np.unique(actors, return_inverse=True)
    return names, actor_index, int(actor_index.max()) + 1 if len(names) else 0


def simulate_features(
    clips: pd.DataFrame | Iterable[str],
    *,
    dim: int = 32,
    signal: float = 0.7,
    noise: float = 1.0,
    actor_noise: float = 1.0,
    seed: int = 0,
) -> np.ndarray:
    """Features ``(N, dim)`` (float32) to train a model on, for examples and tests.

    Each clip's features are ``signal * target @ P + actor bias + noise``:
    ``target`` is its soft label (as :func:`soft_targets`), ``P`` a fixed
    random ``(6, dim)`` projection, so a blend lies between its two emotions
    in proportion to their saliences; the actor bias is drawn once per actor
    (standard deviation ``actor_noise``), the noise per clip (``noise``).
    ``clips`` as for :func:`simulate_probs`; ``seed`` fixes everything. The
    defaults make a task about as hard as the real one: a small MLP reaches
    about 0.4 presence and 0.15 salience on held-out actors.

    Examples
    --------
    >>> x = simulate_features(make_clips()["filename"][:54], dim=8)
    >>> x.shape, x.dtype
    ((54, 8), dtype('float32'))
    """
    dim = _check_int("dim", dim, 1)
    names, actor_index, n_actors = _clip_actors(clips, "simulate_features")
    rng = np.random.default_rng(_seed_sequence(seed, "features"))
    projection = rng.standard_normal((len(EMOTIONS), dim))
    bias = rng.standard_normal((n_actors, dim))
    clip_noise = rng.standard_normal((len(names), dim))
    features = (
        signal * soft_targets(names) @ projection
        + actor_noise * bias[actor_index]
        + noise * clip_noise
    )
    return features.astype(np.float32)


def _model(model: str | ModelSpec) -> tuple[str, ModelSpec]:
    if isinstance(model, ModelSpec):
        return repr(model), model
    if isinstance(model, str):
        if model not in MODELS:
            raise ValueError(f"unknown model {model!r}; known models: {', '.join(MODELS)}")
        return model, MODELS[model]
    raise TypeError(f"model must be a model name or a ModelSpec, got {type(model).__name__}")


@dataclass(frozen=True)
class SyntheticData:
    """A synthetic dataset: the clip table and each model's probabilities.

    ``probs[model]`` is ``(N, 6)`` float64, rows in the order of ``clips``,
    columns in ``EMOTIONS`` order. The arrays are read-only.
    """

    clips: pd.DataFrame
    probs: Mapping[str, np.ndarray] = field(default_factory=dict)

    def select(self, partition: str | None = None, fold: int | None = None) -> np.ndarray:
        """Boolean row mask of a partition (``"train"``/``"test"``) and/or a fold.

        Examples
        --------
        >>> data = make_dataset()
        >>> int(data.select("test").sum()), int(data.select(fold=0).sum())
        (594, 540)
        """
        keep = np.ones(len(self.clips), dtype=bool)
        if partition is not None:
            known = set(self.clips["partition"])
            if partition not in known:
                raise ValueError(f"partition must be one of {sorted(known)}, got {partition!r}")
            keep &= (self.clips["partition"] == partition).to_numpy()
        if fold is not None:
            keep &= (self.clips["fold"] == fold).fillna(False).to_numpy(dtype=bool)
        return keep

    def frame(self, model: str, rows: np.ndarray | None = None) -> pd.DataFrame:
        """``filename`` plus one probability column per emotion: the layout of a
        model-output CSV (such as the real ``hicmae/*.csv``, but probabilities)."""
        if model not in self.probs:
            raise ValueError(f"unknown model {model!r}; this dataset has {', '.join(self.probs)}")
        keep = slice(None) if rows is None else rows
        frame = pd.DataFrame(self.probs[model][keep], columns=list(EMOTIONS))
        frame.insert(0, "filename", self.clips["filename"].to_numpy()[keep])
        return frame


def make_dataset(
    *,
    seed: int = 0,
    models: Iterable[str] | Mapping[str, ModelSpec] = ("good", "weaker"),
    n_actors: int = 58,
    n_test_actors: int = 11,
    n_folds: int = 5,
    shared_weight: float = 0.7,
) -> SyntheticData:
    """A synthetic dataset with the real design and simulated model outputs.

    ``models`` names models in :data:`MODELS` or maps names to
    :class:`ModelSpec`. The models share part of their noise and actor
    biases (see :func:`simulate_probs`), so their errors are correlated and a
    paired comparison is meaningful.

    Examples
    --------
    >>> data = make_dataset(seed=1)
    >>> sorted(data.probs), len(data.clips)
    (['good', 'weaker'], 3132)
    """
    clips = make_clips(n_actors=n_actors, n_test_actors=n_test_actors, n_folds=n_folds, seed=seed)
    specs = (
        dict(models)
        if isinstance(models, Mapping)
        else {m: _model(m)[1] for m in ([models] if isinstance(models, str) else models)}
    )
    probs = {}
    for name, spec in specs.items():
        if not isinstance(spec, ModelSpec):
            raise TypeError(f"models[{name!r}] must be a ModelSpec, got {type(spec).__name__}")
        p = _simulate_named(clips, name, spec, seed, shared_weight)
        p.setflags(write=False)
        probs[name] = p
    return SyntheticData(clips, MappingProxyType(probs))


def _simulate_named(
    clips: pd.DataFrame, name: str, spec: ModelSpec, seed: int, shared_weight: float
) -> np.ndarray:
    # The own stream is keyed by the model's name, so a custom spec under a
    # demo name still gets its own reproducible noise.
    return simulate_probs(
        clips,
        spec,
        seed=zlib.crc32(f"{seed}:{name}".encode()),
        shared_seed=seed,
        shared_weight=shared_weight,
    )
