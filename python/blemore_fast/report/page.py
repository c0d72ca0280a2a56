"""One self-contained HTML page: overall scores, baselines, breakdown, confusion and plots.

The page has no external resources and no scripts: plots are embedded as
base64 PNG ``data:`` URIs and the styles are inline, so the file can be
mailed, archived or opened offline.

>>> from blemore_fast import synthetic
>>> data = synthetic.make_dataset()
>>> test = data.select("test")
>>> preds = {n: [{"emotion": "hap", "salience": 100}] for n in data.clips["filename"][test]}
>>> page = html_report(preds, data.clips[test], plots=False)
>>> page.startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import base64
import html
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from ..scoring import Score, as_aligned
from ..writing import check_writable, write_file
from .baselines import Baselines
from .breakdown import breakdown, report_groups
from .confusion import confusion

__all__ = ["html_report"]

_METRICS = ("presence", "salience", "mean")

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
       max-width: 1100px; padding: 0 1em; color: #1b1b1b; background: #ffffff; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
p.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
th, td { border: 1px solid #d0d0d0; padding: 0.25em 0.6em; text-align: right; }
th { background: #f0f3f7; white-space: nowrap; }
td:first-child, th:first-child { text-align: left; }
tr:nth-child(even) td { background: #fafafa; }
figure { margin: 1em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #e4e4e4; }
figcaption { color: #555; font-size: 0.85em; }
.scroll { overflow-x: auto; }
.note { color: #8a5a00; background: #fff7e0; padding: 0.5em 0.8em; border-left: 3px solid #e0a800; }
.cards { display: flex; gap: 1em; flex-wrap: wrap; }
.card { border: 1px solid #d0d0d0; border-radius: 6px; padding: 0.6em 1.2em; min-width: 10em; }
.card .value { font-size: 1.8em; font-weight: 600; }
.card .label { color: #555; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _table(frame: pd.DataFrame, *, index: bool = False, digits: int = 4) -> str:
    formatted = frame.copy()
    for column in formatted.columns:
        if pd.api.types.is_float_dtype(formatted[column]):
            formatted[column] = formatted[column].map(
                lambda x: "" if pd.isna(x) else f"{x:.{digits}f}"
            )
    body = formatted.to_html(index=index, escape=True, border=0, na_rep="")
    return f'<div class="scroll">{body}</div>'


def _image(png: bytes, alt: str, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img alt="{_e(alt)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _bounds(result: Any, metric: str) -> tuple[float, float]:
    """(low, high) of ``metric`` in a bootstrap result or a plain mapping."""
    value = _get(result, metric)
    if value is None:
        raise ValueError(f"the interval result has no {metric!r}")
    if isinstance(value, Sequence) and len(value) == 2:
        return float(value[0]), float(value[1])
    return float(_get(value, "low")), float(_get(value, "high"))


def _scores_section(score: Score, intervals: Mapping[str, Any] | None) -> str:
    cards = "".join(
        f'<div class="card"><div class="label">{name}</div>'
        f'<div class="value">{getattr(score, name):.4f}</div></div>'
        for name in _METRICS
    )
    rows = []
    for metric in _METRICS:
        row: dict[str, Any] = {"metric": metric, "estimate": getattr(score, metric)}
        for label, result in (intervals or {}).items():
            low, high = _bounds(result, metric)
            row[f"{label} low"] = low
            row[f"{label} high"] = high
        rows.append(row)
    counts = (
        f"<p>{score.presence_correct} of {score.n} clips with the right emotions; "
        f"{score.salience_correct} of {score.n_blend} blend clips with the right ratio.</p>"
    )
    # Which question each interval answers (new actors, or these clips).
    questions = "".join(
        f"<p><b>{html.escape(label)}</b>: {html.escape(question)}.</p>"
        for label, result in (intervals or {}).items()
        if (question := _get(result, "question"))
    )
    return f'<div class="cards">{cards}</div>{counts}{_table(pd.DataFrame(rows))}{questions}'


def _png(fig: Any) -> bytes:
    from .plot import png_bytes

    return png_bytes(fig)


def _plots_available(plots: bool | None) -> bool:
    if plots is False:
        return False
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        if plots:
            from .plot import INSTALL_HINT

            raise ImportError(f"plots in the HTML report need matplotlib: {INSTALL_HINT}") from None
        return False
    return True


def html_report(
    preds: Any,
    labels: Any = None,
    *,
    path: str | os.PathLike[str] | None = None,
    title: str = "BlEmoRe report",
    strict: bool = True,
    by: Sequence[str] | None = None,
    baselines: Baselines | None = None,
    intervals: Mapping[str, Any] | None = None,
    distribution: np.ndarray | None = None,
    grid: Any = None,
    sections: Sequence[tuple[str, Any]] = (),
    plots: bool | None = None,
) -> str:
    """The HTML report of one set of predictions, as one self-contained page.

    Parameters
    ----------
    preds : dict, str, os.PathLike, pandas.DataFrame or Encoded
        As for :func:`blemore_fast.score`.
    labels : optional
        As for :func:`blemore_fast.score`.
    path : str or os.PathLike, optional
        Where to write the page (atomically for a regular file; see
        :mod:`blemore_fast.writing`); None writes nothing.
    title : str, default "BlEmoRe report"
        The page's title.
    strict : bool, default True
        As for :func:`blemore_fast.score`.
    by : sequence of str, optional
        The breakdown groups (see :func:`blemore_fast.breakdown`). The default,
        :data:`~blemore_fast.report.REPORT_GROUPS`, leaves out the groups read
        from clip names when the names are not in the dataset's scheme
        (``actor`` stays when the labels' table has an ``actor`` or
        ``video_id`` column).
    baselines : Baselines, optional
        A :func:`blemore_fast.baselines` result, shown as reference points.
    intervals : mapping, optional
        ``{"clip-level": result, "actor-level": result}``, each a bootstrap
        result (with ``presence``, ``salience`` and ``mean`` having
        ``low``/``high``) or a mapping ``{"presence": (low, high), ...}``; shown
        side by side.
    distribution : numpy.ndarray, optional
        ``(B, 3)`` bootstrap replicates (presence, salience, mean) for a
        histogram; by default the ``distribution`` of the first interval result
        that has one.
    grid : GridResult or mapping, optional
        A grid-search result or mapping with ``presence_grid``,
        ``salience_grid``, ``alphas``, ``betas`` and optionally ``alpha``,
        ``beta`` (the chosen cell), drawn as heat maps.
    sections : sequence of (str, object), default ()
        Extra ``(heading, content)`` pairs appended to the page; content is a
        DataFrame, a matplotlib Figure, or text (escaped).
    plots : bool, optional
        None draws plots when matplotlib is installed and says so in the page
        when it is not; True requires matplotlib; False draws none.

    Returns
    -------
    str
        The page's HTML.

    Raises
    ------
    ValidationError
        As :func:`blemore_fast.score` does.
    ModuleNotFoundError
        With ``plots=True`` when matplotlib is not installed.

    Examples
    --------
    >>> page = html_report({"A101_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]},
    ...                    plots=False)
    >>> page.startswith("<!DOCTYPE html>"), "BlEmoRe report" in page
    (True, True)
    """
    if path is not None:
        check_writable(path)  # before the work, so a typo fails at once
    aligned = as_aligned(preds, labels, strict=strict)
    score = Score.from_cells(aligned.cells())
    draw = _plots_available(plots)
    groups = report_groups(aligned) if by is None else list(by)
    table = breakdown(aligned, by=groups)
    matrix = confusion(aligned)

    parts = [f"<h1>{_e(title)}</h1>", f'<p class="meta">{_e(_describe(score))}</p>']
    parts += ["<h2>Overall</h2>", _scores_section(score, intervals)]
    if baselines is not None:
        parts += _baselines_section(baselines)
    if not draw:
        parts.append(
            '<p class="note">Plots are not included: they need matplotlib '
            "(pip install 'blemore-fast[plot]').</p>"
            if plots is None
            else ""
        )
    parts.append("<h2>By category</h2>")
    if draw:
        parts += _breakdown_figures(table, score)
    parts.append(_table(table))
    parts.append("<h2>Confusion</h2>")
    parts.append(
        "<p>Rows are the label classes, columns the predicted classes; <em>other</em> is any "
        "prediction outside the 36 classes. Each row adds up to its clip count.</p>"
    )
    if draw:
        from .plot import confusion_heatmap

        parts.append(
            _image(
                _png(confusion_heatmap(matrix)),
                "confusion heat map",
                "Share of each label class's clips predicted as each class.",
            )
        )
    parts.append(_table(_compact(matrix), index=True))
    parts += _bootstrap_parts(intervals, distribution, draw)
    if grid is not None:
        parts += _grid_parts(grid, draw)
    for heading, content in sections:
        parts += [f"<h2>{_e(heading)}</h2>", _content(content, heading, draw)]
    page = _page(title, "\n".join(p for p in parts if p))
    if path is not None:
        write_file(path, page)
    return page


def _baselines_section(baselines: Baselines) -> list[str]:
    return [
        "<h2>Trivial baselines</h2>",
        "<p>Every test clip predicted as the most frequent single emotion, or as the most "
        "frequent blend at a fixed ratio, of the training labels.</p>",
        _table(baselines.table()),
    ]


def _describe(score: Score) -> str:
    return (
        f"{score.n:,} clips, {score.n_blend:,} of them blends. "
        f"Generated by blemore-fast {_core.__version__}."
    )


def _compact(matrix: pd.DataFrame) -> pd.DataFrame:
    # A 36 x 37 table of mostly zeros is unreadable; keep the columns that
    # were predicted at least once (rows all stay: they are the labels).
    used = matrix.columns[(matrix.sum(axis=0) > 0).to_numpy()]
    compact = matrix[used].copy()
    compact.insert(0, "clips", matrix.sum(axis=1))
    return compact


def _breakdown_figures(table: pd.DataFrame, score: Score) -> list[str]:
    from .plot import category_bars

    parts = [
        _image(
            _png(category_bars(table, metric="presence", reference=score.presence)),
            "presence by category",
            "Presence accuracy by category; the dashed line is the overall presence.",
        )
    ]
    if table["salience"].notna().any():
        parts.append(
            _image(
                _png(category_bars(table, metric="salience", reference=score.salience)),
                "salience by category",
                "Salience accuracy by category (blend clips only); the dashed line is the "
                "overall salience.",
            )
        )
    return parts


def _bootstrap_parts(
    intervals: Mapping[str, Any] | None, distribution: np.ndarray | None, draw: bool
) -> list[str]:
    if distribution is None:
        for result in (intervals or {}).values():
            candidate = _get(result, "distribution")
            if candidate is not None:
                distribution = np.asarray(candidate)
                break
    if distribution is None:
        return []
    values = np.asarray(distribution, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != 3:
        raise ValueError(f"distribution must be (B, 3) replicates, got shape {values.shape}")
    parts = ["<h2>Bootstrap</h2>"]
    if draw:
        from .plot import bootstrap_histogram

        parts.append(
            _image(
                _png(bootstrap_histogram(values)),
                "bootstrap distribution",
                f"{len(values):,} bootstrap replicates of presence, salience and their mean.",
            )
        )
    summary = pd.DataFrame(
        {
            "metric": list(_METRICS),
            "replicate mean": values.mean(axis=0),
            "replicate sd": values.std(axis=0, ddof=1) if len(values) > 1 else np.nan,
        }
    )
    parts.append(_table(summary))
    return parts


def _grid_parts(grid: Any, draw: bool) -> list[str]:
    presence_grid = _get(grid, "presence_grid")
    salience_grid = _get(grid, "salience_grid")
    alphas, betas = _get(grid, "alphas"), _get(grid, "betas")
    if any(x is None for x in (presence_grid, salience_grid, alphas, betas)):
        raise ValueError("grid needs presence_grid, salience_grid, alphas and betas")
    alpha, beta = _get(grid, "alpha"), _get(grid, "beta")
    best = (float(alpha), float(beta)) if alpha is not None and beta is not None else None
    parts = ["<h2>Threshold grid search</h2>"]
    if best is not None:
        parts.append(f"<p>Chosen thresholds: alpha {best[0]:.4f}, beta {best[1]:.4f}.</p>")
    if draw:
        from .plot import grid_heatmaps

        parts.append(
            _image(
                _png(grid_heatmaps(presence_grid, salience_grid, alphas, betas, best=best)),
                "threshold grid heat maps",
                "Presence and salience over the alpha x beta grid; x marks the chosen cell.",
            )
        )
    return parts


def _content(content: Any, heading: str, draw: bool) -> str:
    if isinstance(content, pd.DataFrame):
        return _table(content)
    if hasattr(content, "savefig"):
        return _image(_png(content), heading, heading) if draw else ""
    return f"<pre>{_e(content)}</pre>"


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
