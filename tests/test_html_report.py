"""The HTML report: its content, and the page loaded in a real headless browser.

The browser checks run Debian's ``chromium`` (``make test`` installs it;
see ``browser.py``). Every image must decode (``naturalWidth > 0``), no error
event may fire, and a screenshot of the page must not be blank.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import blemore_fast as bf
import numpy as np
import pandas as pd
import pytest
from blemore_fast import reference, synthetic
from browser import needs_browser, probe_page, run_chromium

pytest.importorskip("matplotlib")
Image = pytest.importorskip("PIL.Image")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    data = synthetic.make_dataset(seed=7)
    test, train = data.select("test"), data.select("train")
    clips = data.clips[test]
    names = clips["filename"].tolist()
    alphas = betas = np.linspace(0.05, 0.95, 4)
    grid = reference.grid_search(data.probs["good"][test], names, alphas=alphas, betas=betas)
    preds = reference.probs_to_dict(
        reference.top2(data.probs["good"][test]), names, grid["alpha"], grid["beta"]
    )
    rng = np.random.default_rng(0)
    path = tmp_path_factory.mktemp("report") / "report.html"
    page = bf.html_report(
        preds,
        clips,
        path=path,
        title="Synthetic <test> report",
        baselines=bf.baselines(data.clips[train], clips),
        intervals={
            "clip-level": {
                "presence": (0.50, 0.60),
                "salience": (0.20, 0.30),
                "mean": (0.36, 0.44),
            },
            "actor-level": {
                "presence": (0.46, 0.64),
                "salience": (0.17, 0.33),
                "mean": (0.33, 0.47),
            },
        },
        distribution=rng.normal([0.55, 0.25, 0.4], 0.02, size=(500, 3)),
        grid=grid | {"alphas": alphas, "betas": betas},
        sections=[("Comparison", pd.DataFrame({"metric": ["presence"], "A - B": [0.1]}))],
    )
    return path, page


def test_page_content(report: tuple[Path, str]) -> None:
    path, page = report
    assert path.read_text(encoding="utf-8") == page
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Synthetic &lt;test&gt; report</title>" in page
    for heading in (
        "Overall",
        "Trivial baselines",
        "By category",
        "Confusion",
        "Bootstrap",
        "Threshold grid search",
        "Comparison",
    ):
        assert f"<h2>{heading}</h2>" in page
    assert "most frequent blend" in page and "clip-level low" in page and "actor-level high" in page
    # self-contained: images inline, no external resources, no scripts
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', page)) == 5
    assert not re.search(r'(src|href)="(?!data:)', page)
    assert "<script" not in page


def test_images_are_valid_pngs(report: tuple[Path, str]) -> None:
    _, page = report
    for data in re.findall(r'src="data:image/png;base64,([^"]+)"', page):
        image = Image.open(io.BytesIO(base64.b64decode(data)))
        assert image.format == "PNG" and image.size[0] > 100


def test_overall_scores_match_the_reference(report: tuple[Path, str]) -> None:
    data = synthetic.make_dataset(seed=7)
    test = data.select("test")
    names = data.clips["filename"][test].tolist()
    alphas = betas = np.linspace(0.05, 0.95, 4)
    grid = reference.grid_search(data.probs["good"][test], names, alphas=alphas, betas=betas)
    _, page = report
    assert f'<div class="value">{grid["presence"]:.4f}</div>' in page
    assert f'<div class="value">{grid["salience"]:.4f}</div>' in page


@needs_browser
def test_every_image_renders_in_chromium(report: tuple[Path, str], tmp_path: Path) -> None:
    _, page = report
    probe = probe_page(tmp_path, page)
    assert probe.errors == []
    images = probe.images
    assert len(images) == 5
    for image in images:
        assert image["complete"] and image["width"] > 0 and image["height"] > 0, image


@needs_browser
def test_the_probe_catches_a_broken_image(report: tuple[Path, str], tmp_path: Path) -> None:
    # The check above can fail: an image whose data is not a PNG has naturalWidth 0.
    _, page = report
    broken = re.sub(r"(data:image/png;base64,)[^\"]{40}", r"\1AAAA", page, count=1)
    probe = probe_page(tmp_path, broken)
    widths = [image["width"] for image in probe.images]
    assert widths[0] == 0 and all(w > 0 for w in widths[1:])
    assert len(probe.errors) == 1 and probe.errors[0].startswith("failed to load IMG")


@needs_browser
def test_screenshot_is_not_blank(report: tuple[Path, str], tmp_path: Path) -> None:
    path, _ = report
    shot = tmp_path / "shot.png"
    result = run_chromium(
        tmp_path, "--window-size=1200,2400", f"--screenshot={shot}", path.as_uri()
    )
    assert shot.is_file(), f"no screenshot; stderr: {result.stderr[-2000:]}"
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 2400)
    pixels = np.asarray(image).reshape(-1, 3)
    colours = np.unique(pixels, axis=0)
    non_white = np.mean(np.any(pixels < 245, axis=1))
    # Text, tables and the bar charts: many colours and a real share of ink.
    assert len(colours) > 100, len(colours)
    assert non_white > 0.05, non_white


def test_report_without_plots_and_with_plain_names(tmp_path: Path) -> None:
    preds = {"test_0001.mov": [{"emotion": "ang", "salience": 100}]}
    labels = {"test_0001.mov": [{"emotion": "ang", "salience": 1.0}]}
    page = bf.html_report(preds, labels, plots=False)
    assert "<img" not in page and "Plots are not included" not in page
    # groups read from clip names are left out when the names are not the dataset's
    assert "<td>actor</td>" not in page and "<td>emotion</td>" in page
    with pytest.raises(ValueError, match="breakdown by 'actor'"):
        bf.html_report(preds, labels, by=("actor",), plots=False)
    # an actor column in the label table keeps the actor breakdown
    table = pd.DataFrame(
        {
            "filename": ["test_0001.mov"],
            "emotion_1": ["ang"],
            "emotion_2": [None],
            "emotion_1_salience": [None],
            "emotion_2_salience": [None],
            "video_id": ["A7"],
        }
    )
    assert "<td>A7</td>" in bf.html_report(preds, table, plots=False)


def test_report_accepts_bootstrap_like_results() -> None:
    class Interval:
        def __init__(self, low: float, high: float) -> None:
            self.low, self.high = low, high

    class Result:
        presence, salience, mean = Interval(0.1, 0.2), Interval(0.0, 0.1), Interval(0.05, 0.15)
        distribution = np.full((10, 3), 0.1)

    page = bf.html_report(
        {"A1_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]},
        intervals={"actor-level": Result()},
        plots=False,
    )
    assert "actor-level low" in page and "<h2>Bootstrap</h2>" in page
    with pytest.raises(ValueError, match=r"\(B, 3\)"):
        bf.html_report(
            {"A1_ang_int1_ver1": [{"emotion": "ang", "salience": 100}]},
            distribution=np.zeros(5),
            plots=False,
        )
