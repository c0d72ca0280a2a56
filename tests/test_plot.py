"""Plot functions draw real, non-empty PNGs (Agg), and a missing matplotlib says what to install."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import blemore_fast as bf
import numpy as np
import pandas as pd
import pytest
from blemore_fast import reference, synthetic

pytest.importorskip("matplotlib")
Image = pytest.importorskip("PIL.Image")

from blemore_fast.report import plot  # noqa: E402


@pytest.fixture(scope="module")
def decoded() -> tuple[pd.DataFrame, dict[str, Any]]:
    data = synthetic.make_dataset(seed=4)
    rows = data.select("test")
    clips = data.clips[rows]
    names = clips["filename"].tolist()
    return clips, reference.probs_to_dict(reference.top2(data.probs["good"][rows]), names, 0.1, 0.2)


def check_png(data: bytes, *, min_colours: int = 8) -> tuple[int, int]:
    """The PNG decodes, has a real size and is not blank."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data)).convert("RGB")
    width, height = image.size
    assert width > 100 and height > 100
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) >= min_colours
    return width, height


def test_confusion_heatmap(decoded: tuple[pd.DataFrame, dict[str, Any]], tmp_path: Path) -> None:
    clips, preds = decoded
    matrix = bf.confusion(preds, clips)
    path = tmp_path / "confusion.png"
    fig = plot.confusion_heatmap(matrix, path=path)
    assert type(fig).__name__ == "Figure"
    check_png(path.read_bytes())
    check_png(plot.png_bytes(plot.confusion_heatmap(matrix, normalize=False, title=None)))


def test_category_bars_with_and_without_whiskers(
    decoded: tuple[pd.DataFrame, dict[str, Any]],
) -> None:
    clips, preds = decoded
    table = bf.breakdown(preds, clips)
    plain = plot.png_bytes(plot.category_bars(table))
    check_png(plain)
    low = (table["presence"] - 0.05).to_numpy()
    high = (table["presence"] + 0.05).to_numpy()
    whiskers = plot.png_bytes(plot.category_bars(table, low=low, high=high, reference=0.5))
    check_png(whiskers)
    assert whiskers != plain
    # interval columns in the table are used the same way
    with_columns = table.assign(presence_low=low, presence_high=high)
    assert plot.png_bytes(plot.category_bars(with_columns, reference=0.5)) == whiskers
    salience = plot.category_bars(table, metric="salience", groups=["pair", "ratio"])
    check_png(plot.png_bytes(salience))


def test_bootstrap_histogram(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    replicates = rng.normal([0.3, 0.1, 0.2], 0.02, size=(2000, 3))
    fig = plot.bootstrap_histogram(
        replicates,
        estimates=[0.3, 0.1, 0.2],
        intervals=[(0.26, 0.34), (0.06, 0.14), (0.16, 0.24)],
        path=tmp_path / "boot.png",
    )
    width, _ = check_png((tmp_path / "boot.png").read_bytes())
    assert width >= 3 * 300  # three panels
    assert fig.axes and len(fig.axes) == 3
    check_png(plot.png_bytes(plot.bootstrap_histogram(replicates[:, 0], names=["presence"])))


def test_grid_heatmaps(tmp_path: Path) -> None:
    data = synthetic.make_dataset(seed=4, models=["weaker"])
    rows = data.select("test")
    alphas = np.linspace(0.05, 0.95, 6)
    betas = np.array([0.05, 0.1, 0.3, 0.6])  # uneven spacing is drawn in place
    result = reference.grid_search(
        data.probs["weaker"][rows],
        data.clips["filename"][rows].tolist(),
        alphas=alphas,
        betas=betas,
    )
    plot.grid_heatmaps(
        result["presence_grid"],
        result["salience_grid"],
        alphas,
        betas,
        best=(result["alpha"], result["beta"]),
        path=tmp_path / "grid.png",
    )
    check_png((tmp_path / "grid.png").read_bytes())
    single = plot.grid_heatmaps(np.ones((1, 1)), np.zeros((1, 1)), [0.3], [0.1])
    check_png(plot.png_bytes(single), min_colours=4)


def test_bad_inputs() -> None:
    table = bf.breakdown({"A1_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]}, by="emotion")
    with pytest.raises(ValueError, match="metric 'accuracy' is not a column"):
        plot.category_bars(table, metric="accuracy")
    with pytest.raises(ValueError, match="no category has a salience value"):
        plot.category_bars(table, metric="salience")
    with pytest.raises(ValueError, match="one value per row"):
        plot.category_bars(table, low=[0.1, 0.2], high=[0.3, 0.4])
    with pytest.raises(TypeError, match="DataFrame from confusion"):
        plot.confusion_heatmap(np.zeros((3, 3)))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"presence_grid must have shape"):
        plot.grid_heatmaps(np.zeros((2, 3)), np.zeros((2, 3)), [0.1, 0.2], [0.1, 0.2])
    with pytest.raises(ValueError, match="strictly increasing"):
        plot.grid_heatmaps(np.zeros((2, 2)), np.zeros((2, 2)), [0.2, 0.1], [0.1, 0.2])
    with pytest.raises(ValueError, match="B > 0"):
        plot.bootstrap_histogram(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="estimates must have 3 entries"):
        plot.bootstrap_histogram(np.zeros((5, 3)), estimates=[0.1])


def test_missing_matplotlib_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes the import fail as if not installed.
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, name, None)
    matrix = bf.confusion({"A1_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]})
    with pytest.raises(ImportError, match=r"pip install 'blemore-fast\[plot\]'"):
        plot.confusion_heatmap(matrix)
    # the rest of the package does not need it; the HTML report says so in the page
    page = bf.html_report({"A1_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]})
    assert "Plots are not included" in page and "<img" not in page
    with pytest.raises(ImportError, match="need matplotlib"):
        bf.html_report({"A1_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]}, plots=True)
