"""The demo: the whole evaluation job, on synthetic data or on real model outputs.

:func:`run_demo` does what a challenge participant does with a model:

1. picks the decoding thresholds by grid search on the validation folds
   (the out-of-fold outputs on the train actors);
2. scores the test split at those thresholds;
3. puts clip-level and actor-level bootstrap intervals side by side;
4. compares two models with a paired bootstrap (p-values);
5. breaks the first model's test score down by category;
6. writes a self-contained HTML report with the plots.

Without ``data`` it runs on :mod:`blemore_fast.synthetic` (the real design,
two simulated models of different quality) and needs nothing outside the
package. With ``data=DIR`` it reads ``DIR/clips.csv`` and the model outputs
``DIR/hicmae/{fold0..fold4,test}_{run}.csv`` (logits), as in the real
dataset folder.

>>> result = run_demo(report=None, n_resamples=1000)
>>> sorted(result.models), result.compared
(['good', 'weaker'], ('good', 'weaker'))
>>> result.models["good"].test.presence > result.models["weaker"].test.presence
True
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from ..encoded import to_dict
from ..errors import Problem, ValidationError
from ..probs import ProbTable, concat_probs, read_probs
from ..report import Baselines, baselines, breakdown
from ..report.page import html_report
from ..scoring import Aligned, Score, align
from ..stats import BootstrapResult, Comparison, bootstrap, compare
from ..training import GridResult, grid_search
from ..writing import check_writable
from .output import plural
from .terminal import jsonable, number, p_value, table

__all__ = [
    "DEMO_GROUPS",
    "DemoData",
    "DemoResult",
    "ModelResult",
    "load_data",
    "run_demo",
    "synthetic_data",
]

#: The breakdown groups the demo prints.
DEMO_GROUPS: tuple[str, ...] = ("kind", "emotion", "pair", "ratio", "actor")
_OUTPUT = re.compile(r"^(fold\d+|test)_(.+)\.csv$")


@dataclass(frozen=True)
class DemoData:
    """Clips and model outputs for the demo.

    ``clips`` has ``filename, actor, partition, fold`` for every clip;
    ``validation[model]`` holds the model's out-of-fold probabilities on
    train clips and ``test[model]`` those on the test clips.
    """

    description: str
    clips: pd.DataFrame
    validation: Mapping[str, ProbTable]
    test: Mapping[str, ProbTable]


def synthetic_data(seed: int = 0) -> DemoData:
    """The synthetic dataset of :func:`blemore_fast.synthetic.make_dataset`
    with its two simulated models, ``good`` and ``weaker``."""
    from ..synthetic import make_dataset

    data = make_dataset(seed=seed)
    names = data.clips["filename"].to_numpy()
    split = {}
    for partition in ("train", "test"):
        rows = data.select(partition)
        split[partition] = {
            model: ProbTable(tuple(names[rows]), data.probs[model][rows], (f"synthetic {model}",))
            for model in data.probs
        }
    return DemoData(
        f"synthetic BlEmoRe (seed {seed}): {_describe_clips(data.clips)}",
        data.clips,
        MappingProxyType(split["train"]),
        MappingProxyType(split["test"]),
    )


def load_data(directory: str | os.PathLike[str]) -> DemoData:
    """Real files: ``DIR/clips.csv`` and ``DIR/hicmae/*.csv``.

    Each run (``epoch100_ce``...) needs ``test_{run}.csv`` and at least one
    ``fold{k}_{run}.csv``; the fold files together are its validation
    outputs. The outputs are logits (a softmax is applied). Nothing is
    copied: the files are read where they are.
    """
    root = Path(directory)
    clips_path, outputs = root / "clips.csv", root / "hicmae"
    if not clips_path.is_file() or not outputs.is_dir():
        raise ValidationError(
            [
                Problem(
                    None,
                    f"{root} must hold clips.csv and a hicmae/ folder of model outputs "
                    "({fold0..fold4,test}_{run}.csv); "
                    + (
                        "clips.csv is missing" if not clips_path.is_file() else "hicmae/ is missing"
                    ),
                    kind="missing_file",
                )
            ],
            "data folder",
        )
    clips = pd.read_csv(clips_path, dtype={"filename": str, "actor": str, "partition": str})
    missing = [c for c in ("filename", "actor", "partition", "fold") if c not in clips.columns]
    if missing:
        raise ValidationError(
            [
                Problem(
                    None,
                    f"{clips_path} lacks column(s) {', '.join(missing)}",
                    kind="missing_column",
                )
            ],
            "data folder",
        )
    clips["fold"] = clips["fold"].astype("Int64")
    files: dict[str, dict[str, Path]] = {}
    for path in sorted(outputs.glob("*.csv")):
        match = _OUTPUT.match(path.name)
        if match:
            files.setdefault(match[2], {})[match[1]] = path
    runs = {r: f for r, f in files.items() if "test" in f and len(f) > 1}
    if not runs:
        raise ValidationError(
            [
                Problem(
                    None,
                    f"{outputs} has no run with both test_{{run}}.csv and fold{{k}}_{{run}}.csv files",
                    kind="missing_file",
                )
            ],
            "data folder",
        )
    validation, test = {}, {}
    for run, by_split in runs.items():
        test[run] = read_probs(by_split.pop("test"), logits=True)
        validation[run] = concat_probs(
            read_probs(by_split[k], logits=True) for k in sorted(by_split)
        )
    return DemoData(
        f"{root} (clips.csv, {len(runs)} runs of hicmae/ outputs): {_describe_clips(clips)}",
        clips,
        MappingProxyType(validation),
        MappingProxyType(test),
    )


def _describe_clips(clips: pd.DataFrame) -> str:
    train = clips[clips["partition"] == "train"]
    test = clips[clips["partition"] == "test"]
    return (
        f"{clips['actor'].nunique()} actors, {len(clips):,} clips; "
        f"train {len(train):,} clips of {train['actor'].nunique()} actors in "
        f"{train['fold'].nunique()} folds, test {len(test):,} clips of "
        f"{test['actor'].nunique()} actors"
    )


@dataclass(frozen=True)
class ModelResult:
    """One model: its threshold search on the validation folds and its test score."""

    name: str
    grid: GridResult
    test: Score
    predictions: Mapping[str, Any] = field(repr=False)


@dataclass(frozen=True)
class DemoResult:
    """Everything the demo computed; :meth:`summary` is the text it prints.

    ``intervals`` (``"clip-level"``, ``"actor-level"``) are the bootstrap
    results of the first compared model, ``comparisons`` the paired
    comparisons of the two at both levels.
    """

    description: str
    models: Mapping[str, ModelResult]
    compared: tuple[str, str]
    n_validation: int
    test: Aligned
    intervals: Mapping[str, BootstrapResult]
    comparisons: Mapping[str, Comparison]
    breakdown: pd.DataFrame
    baselines: Baselines
    report: Path | None
    seconds: float

    def models_frame(self) -> pd.DataFrame:
        """One row per model: thresholds, validation and test scores."""
        rows = []
        for name, model in self.models.items():
            g = model.grid
            rows.append(
                {
                    "model": name,
                    "alpha": g.alpha,
                    "beta": g.beta,
                    "val presence": g.presence,
                    "val salience": g.salience,
                    "test presence": model.test.presence,
                    "test salience": model.test.salience,
                    "test mean": model.test.mean,
                }
            )
        return pd.DataFrame(rows)

    def intervals_frame(self) -> pd.DataFrame:
        """Clip- and actor-level intervals of the first model, side by side."""
        clip, actor = self.intervals["clip-level"], self.intervals["actor-level"]
        return pd.DataFrame(
            {
                "metric": ["presence", "salience", "mean"],
                "estimate": [getattr(clip, m).estimate for m in ("presence", "salience", "mean")],
                "actor low": [actor.presence.low, actor.salience.low, actor.mean.low],
                "actor high": [actor.presence.high, actor.salience.high, actor.mean.high],
                "clip low": [clip.presence.low, clip.salience.low, clip.mean.low],
                "clip high": [clip.presence.high, clip.salience.high, clip.mean.high],
                "actor se": [actor.presence.se, actor.salience.se, actor.mean.se],
                "clip se": [clip.presence.se, clip.salience.se, clip.mean.se],
            }
        )

    def comparison_frame(self) -> pd.DataFrame:
        """The two models' test scores, their difference and both p-values."""
        clip, actor = self.comparisons["clip-level"], self.comparisons["actor-level"]
        a, b = self.compared
        metrics = ("presence", "salience", "mean")
        return pd.DataFrame(
            {
                "metric": list(metrics),
                a: [getattr(clip.score_a, m) for m in metrics],
                b: [getattr(clip.score_b, m) for m in metrics],
                "A - B": [getattr(clip, m).estimate for m in metrics],
                "p (actors)": [getattr(actor, m).p_value for m in metrics],
                "p (clips)": [getattr(clip, m).p_value for m in metrics],
            }
        )

    def summary(self) -> str:
        """The demo's printout: every step's table."""
        a, b = self.compared
        model_a = self.models[a]
        clip, actor = self.intervals["clip-level"], self.intervals["actor-level"]
        grid = model_a.grid
        confidence = f"{clip.confidence:.0%}"
        out = [f"BlEmoRe demo on {self.description}", ""]
        out.append(
            f"1. Thresholds by grid search on the validation folds "
            f"({len(grid.alphas)} x {len(grid.betas)} grid, {self.n_validation:,} clips)"
        )
        frame = self.models_frame()
        out.append(table(frame[["model", "alpha", "beta", "val presence", "val salience"]]))
        out += ["", f"2. Test split ({self.test_n} clips, {self.test_n_blend} blends)"]
        test = frame[["model", "alpha", "beta", "test presence", "test salience", "test mean"]]
        out.append(table(test.rename(columns=lambda c: c.removeprefix("test "))))
        base = self.baselines
        out.append(
            f"   trivial baselines: every clip {base.single_emotion} gives presence "
            f"{base.single.presence:.3f}; every clip {'+'.join(base.blend_pair)} "
            f"{base.blend_ratio} gives presence {base.blend.presence:.3f}, salience "
            f"{base.blend.salience:.3f}"
        )
        actor_cmp, clip_cmp = self.comparisons["actor-level"], self.comparisons["clip-level"]
        out += [
            "",
            f"3. {confidence} intervals for {a} on the test split",
            f"   actor: {actor.question}",
            f"   clip:  {clip.question}, {plural(clip.n_resamples or 0, 'resample')}",
            table(self.intervals_frame()),
            f"   {self._width_note()}",
            "",
            f"4. A = {a} against B = {b}, two-sided p-values",
            f"   p (actors): {actor_cmp.question}",
            f"   p (clips):  {clip_cmp.question}, {plural(clip_cmp.n_resamples or 0, 'resample')}",
            table(
                self.comparison_frame(),
                formats={
                    "A - B": number(sign=True),
                    "p (clips)": p_value,
                    "p (actors)": p_value,
                },
            ),
            f"   right for one model only: presence {a} {self.comparisons['clip-level'].a_only_presence}"
            f", {b} {self.comparisons['clip-level'].b_only_presence}; salience {a} "
            f"{self.comparisons['clip-level'].a_only_salience}, {b} "
            f"{self.comparisons['clip-level'].b_only_salience}",
            "",
            f"5. Where {a} fails on the test split",
            table(
                self.breakdown[["group", "category", "n", "presence", "salience"]],
                formats={"presence": number(3), "salience": number(3)},
            ),
            "",
        ]
        if self.report is not None:
            out.append(f"6. HTML report: {self.report}")
        else:
            out.append("6. Report: not written")
        out.append(f"Done in {self.seconds:.1f} s.")
        return "\n".join(out)

    def _width_note(self) -> str:
        clip, actor = self.intervals["clip-level"], self.intervals["actor-level"]
        ratios = [
            (getattr(actor, m).high - getattr(actor, m).low)
            / max(getattr(clip, m).high - getattr(clip, m).low, 1e-12)
            for m in ("presence", "salience", "mean")
        ]
        shown = ", ".join(
            f"{m} {r:.2f}x" for m, r in zip(("presence", "salience", "mean"), ratios, strict=True)
        )
        if min(ratios) > 1.1:
            why = (
                "clips of one actor succeed or fail together, so the actor-level intervals show\n"
                "   how the score would move on new actors, which the clip-level ones hide."
            )
        else:
            why = (
                "here the actors differ little beyond chance, so the two levels nearly agree;\n"
                "   the actor-level intervals are the ones about new actors."
            )
        return f"actor-level width / clip-level width: {shown};\n   {why}"

    @property
    def test_n(self) -> int:
        return self.models[self.compared[0]].test.n

    @property
    def test_n_blend(self) -> int:
        return self.models[self.compared[0]].test.n_blend

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON."""
        return jsonable(
            {
                "description": self.description,
                "models": {
                    name: {
                        "alpha": m.grid.alpha,
                        "beta": m.grid.beta,
                        "validation": {"presence": m.grid.presence, "salience": m.grid.salience},
                        "test": m.test.as_dict(),
                    }
                    for name, m in self.models.items()
                },
                "compared": list(self.compared),
                "intervals": {k: v.as_dict() for k, v in self.intervals.items()},
                "comparisons": {k: v.as_dict() for k, v in self.comparisons.items()},
                "breakdown": self.breakdown,
                "baselines": self.baselines.table(),
                "report": str(self.report) if self.report is not None else None,
                "seconds": self.seconds,
            }
        )


def _pick_models(
    results: Mapping[str, ModelResult], models: Sequence[str] | None
) -> tuple[str, str]:
    known = list(results)
    if models is not None:
        chosen = list(models)
        if len(chosen) != 2 or chosen[0] == chosen[1]:
            raise ValueError(f"models must name two different models; got {chosen!r}")
        unknown = [m for m in chosen if m not in results]
        if unknown:
            raise ValueError(f"unknown model(s) {', '.join(unknown)}; known: {', '.join(known)}")
        return chosen[0], chosen[1]
    if len(known) < 2:
        raise ValueError(f"the demo compares two models; the data has only {', '.join(known)}")
    if set(known) >= {"good", "weaker"}:
        return "good", "weaker"
    # Real runs: the two best by validation mean, so the comparison asks
    # whether the model one would pick is really better than the runner-up.
    ranked = sorted(known, key=lambda m: -(results[m].grid.presence + results[m].grid.salience))
    return ranked[0], ranked[1]


def run_demo(
    data: str | os.PathLike[str] | DemoData | None = None,
    *,
    report: str | os.PathLike[str] | None = "demo-report.html",
    seed: int = 0,
    n_resamples: int = 10_000,
    models: Sequence[str] | None = None,
    step: Callable[[str], None] | None = None,
) -> DemoResult:
    """Runs the demo pipeline and returns everything it computed.

    The pipeline of ``blemore-fast demo``: thresholds by grid search on the
    validation folds, the test split scored, clip-level and actor-level
    intervals, the two models compared, the breakdown and the HTML report.

    Parameters
    ----------
    data : str, os.PathLike or DemoData, optional
        None for synthetic data (seeded by ``seed``), a folder with
        ``clips.csv`` and ``hicmae/*.csv``, or a :class:`DemoData`.
    report : str or os.PathLike, optional
        Where to write the HTML report (default ``demo-report.html``; None: no
        report).
    seed : int, default 0
        Seeds the synthetic data and every bootstrap.
    n_resamples : int, default 10000
        Bootstrap replicates for the intervals and comparisons.
    models : sequence of str, optional
        The two models to compare (the first gets the intervals, breakdown and
        report); by default ``good`` and ``weaker``, or on real data the two
        runs that do best on the validation folds.
    step : callable, optional
        Called with a short label as each step starts (for a progress bar).

    Returns
    -------
    DemoResult
        Every table and result the demo prints.

    Raises
    ------
    ValidationError
        When a real data folder's files are invalid.

    Examples
    --------
    >>> result = run_demo(report=None, n_resamples=1000)
    >>> result.compared, result.n_validation
    (('good', 'weaker'), 2538)
    >>> result.intervals["actor-level"].method
    'cluster-t'
    """
    start = time.perf_counter()
    if report is not None:
        check_writable(report)  # before the work, so a typo fails at once
    announce = step or (lambda label: None)
    announce("loading data")
    if data is None:
        data = synthetic_data(seed)
    elif not isinstance(data, DemoData):
        data = load_data(data)
    clips = data.clips
    train = clips[(clips["partition"] == "train").to_numpy()]
    test_clips = clips[(clips["partition"] == "test").to_numpy()]

    results: dict[str, ModelResult] = {}
    for name in data.test:
        announce(f"grid search: {name}")
        validation = data.validation[name]
        # Matched by name: a validation clip missing from the train rows is an error.
        grid = grid_search(validation.probs, train, names=validation.names)
        predictions = to_dict(data.test[name].decode(alpha=grid.alpha, beta=grid.beta))
        aligned = align(predictions, test_clips)
        results[name] = ModelResult(name, grid, Score.from_cells(aligned.cells()), predictions)
    a, b = _pick_models(results, models)
    test = align(results[a].predictions, test_clips)

    announce("bootstrap intervals")
    # Clip level resamples; actor level is the closed-form cluster-t, which draws nothing.
    resampled: dict[str, Any] = {"n_resamples": n_resamples, "seed": seed}
    intervals = {
        "clip-level": bootstrap(test, cluster="clip", return_distribution=True, **resampled),
        "actor-level": bootstrap(test, cluster="actor"),
    }
    announce("paired comparison")
    pair = results[a].predictions, results[b].predictions, test_clips
    comparisons = {
        "clip-level": compare(*pair, cluster="clip", **resampled),
        "actor-level": compare(*pair, cluster="actor"),
    }
    announce("breakdown")
    table_ = breakdown(test, by=DEMO_GROUPS)
    reference = baselines(train, test_clips)

    result = DemoResult(
        data.description,
        MappingProxyType(results),
        (a, b),
        len(data.validation[a]),
        test,
        MappingProxyType(intervals),
        MappingProxyType(comparisons),
        table_,
        reference,
        None,
        0.0,
    )
    path = None
    if report is not None:
        announce("HTML report")
        path = Path(report)
        html_report(
            test,
            path=path,
            title=f"BlEmoRe demo: {a}",
            baselines=reference,
            intervals=intervals,
            grid=results[a].grid,
            sections=[
                (f"{a} against {b} (paired bootstrap)", result.comparison_frame()),
                ("All models: thresholds, validation and test scores", result.models_frame()),
            ],
        )
    return replace(result, report=path, seconds=time.perf_counter() - start)
