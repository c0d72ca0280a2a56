"""The documentation site builds strictly, is complete, and works in a browser.

One strict build (``make docs``'s two steps) into a temporary folder is
shared by the tests: the API reference has an anchor for every public name,
the CLI reference names every option of every subcommand, and the home page
and both references load in headless chromium without an error, with the
search index built.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import importlib
import importlib.util
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import blemore_fast
import pytest
from blemore_fast.cli.parser import build_parser
from browser import PROBE, Probe, _probed, needs_browser, run_chromium

ROOT = Path(__file__).resolve().parents[1]
ZENSICAL = shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which(
    "zensical"
)
pytestmark = pytest.mark.skipif(ZENSICAL is None, reason="zensical is not installed (make docs)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built as ``make docs`` builds it, from a copy of the sources."""
    work = tmp_path_factory.mktemp("docs")
    for name in ("mkdocs.yml", "README.md"):
        shutil.copy(ROOT / name, work / name)
    shutil.copytree(ROOT / "docs", work / "docs", ignore=shutil.ignore_patterns("reference"))
    shutil.copytree(ROOT / "python", work / "python", ignore=shutil.ignore_patterns("*.so"))
    shutil.copytree(ROOT / "scripts", work / "scripts")
    env = {**os.environ, "NO_COLOR": "1"}
    generate = subprocess.run(
        [sys.executable, "scripts/docs_reference.py"], cwd=work, capture_output=True, text=True
    )
    assert generate.returncode == 0, generate.stderr
    build = subprocess.run(
        [str(ZENSICAL), "build", "--strict", "--clean"],
        cwd=work,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    return work / "site"


def test_strict_build_fails_on_a_broken_link(tmp_path: Path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nSee [the missing page](missing.md).\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nstrict: true\nnav:\n  - Home: index.md\n")
    build = subprocess.run(
        [str(ZENSICAL), "build", "--strict"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=300,
    )
    assert build.returncode != 0
    assert "page does not exist" in build.stdout + build.stderr


def _public_objects() -> list[tuple[str, object]]:
    found = [(f"blemore_fast.{name}", getattr(blemore_fast, name)) for name in blemore_fast.__all__]
    for module in ("codabench", "evalai", "torch"):
        if module == "torch" and importlib.util.find_spec("torchmetrics") is None:
            continue  # the [torch] extra is absent; its anchors are still checked below
        imported = importlib.import_module(f"blemore_fast.{module}")
        found += [(f"blemore_fast.{module}.{n}", getattr(imported, n)) for n in imported.__all__]
    return found


def test_every_public_name_has_an_anchor(site: Path):
    page = (site / "reference" / "api.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'id="([^"]+)"', page))
    names = [name for name, _ in _public_objects()]
    names += ["blemore_fast.torch.BlEmoReScore", "blemore_fast.torch.ThresholdSearch"]
    missing = [name for name in names if name not in anchors]
    assert not missing, f"no anchor in the API reference for {missing}"


def _parameters(value: object) -> list[str]:
    """A callable's parameters; a class's from its ``__init__``, since a
    subclass of a built-in type (a warning) has no signature of its own."""
    target = value.__init__ if inspect.isclass(value) else value  # type: ignore[misc]
    return [name for name in inspect.signature(target).parameters if name != "self"]


def test_public_callables_render_their_parameters(site: Path):
    """Each callable's entry is the callable itself (not a module of the same
    name), with its Parameters rendered."""
    page = (site / "reference" / "api.html").read_text(encoding="utf-8")
    entries = re.split(r'(?=<div class="doc doc-object doc-)', page)
    for name, value in _public_objects():
        if not callable(value) or not _parameters(value):
            continue
        entry = next(e for e in entries if f'id="{name}"' in e)
        assert "doc-object doc-module" not in entry[:60], f"{name} is shown as a module"
        documented = "Parameters:" in entry or (inspect.isclass(value) and "Attributes:" in entry)
        assert documented, f"{name} has no Parameters (or Attributes) in the API reference"


def _options() -> list[tuple[str, str]]:
    found = []

    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, f"{path} {name}")
            elif action.help != argparse.SUPPRESS and not isinstance(action, argparse._HelpAction):
                for option in action.option_strings:
                    found.append((path, option))

    walk(build_parser(), "blemore-fast")
    return found


def test_every_cli_option_is_in_the_cli_reference(site: Path):
    page = (site / "reference" / "cli.html").read_text(encoding="utf-8")
    sections = dict(
        re.findall(r'<h2 id="[^"]*"><code>(blemore-fast[^<]*)</code>(.*?)(?=<h2 |\Z)', page, re.S)
    )
    sections["blemore-fast"] = page.split("<h2 ", 1)[0]
    options = _options()
    assert len(options) > 50
    missing = [(path, option) for path, option in options if option not in sections.get(path, "")]
    assert not missing, f"options missing from the CLI reference: {missing}"


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The site served over HTTP on a free local port, as a host would serve it."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def probe_served(tmp_path: Path, site: Path, base: str, page: str) -> Probe:
    """Loads ``page`` from the server with the probe of tests/browser.py placed first.

    The probed copy is written beside the page, so its relative links to the
    theme's scripts, styles and search index resolve as they do for the page.
    """
    path = site / page
    text = path.read_text(encoding="utf-8")
    head = text.index("<head>") + len("<head>")
    probed = path.with_name("probed.html")
    probed.write_text(text[:head] + PROBE + text[head:], encoding="utf-8")
    url = f"{base}/{probed.relative_to(site).as_posix()}"
    result = run_chromium(tmp_path, "--virtual-time-budget=10000", "--dump-dom", url)
    assert "image-probe" in result.stdout, f"no probe output; stderr: {result.stderr[-2000:]}"
    return Probe(
        _probed(result.stdout, "image-probe"), _probed(result.stdout, "error-probe"), result.stdout
    )


@needs_browser
@pytest.mark.parametrize("page", ["index.html", "reference/api.html", "reference/cli.html"])
def test_pages_load_in_chromium(site: Path, served: str, page: str, tmp_path: Path):
    probe = probe_served(tmp_path, site, served, page)
    assert probe.errors == [], probe.errors
    assert all(image["complete"] and image["width"] > 0 for image in probe.images), probe.images
    assert "md-search" in probe.dom  # the theme's search box was built


def test_search_index_is_built(site: Path):
    index = json.loads((site / "search.json").read_text(encoding="utf-8"))
    text = json.dumps(index)
    assert "grid_search" in text and "blemore-fast score" in text
