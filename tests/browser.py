"""Loading a page in a real headless browser: Debian's ``chromium`` (``make test`` installs it).

:func:`probe_page` loads a copy of the page with a small probe script placed
first in ``<head>``: it records every error event (a script error, or a
resource such as an image that fails to load) from the start, and once the
page has loaded writes each image's state and the errors into the DOM,
which ``--dump-dom`` prints.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (make test installs it)"
)

PROBE = """<script>
var probeErrors = [];
window.addEventListener("error", function (event) {
  var target = event.target || {};
  probeErrors.push(event.message || ("failed to load " + (target.tagName || "?") + " " +
                                     (target.alt || target.src || "").slice(0, 80)));
}, true);
window.addEventListener("load", function () {
  var images = document.createElement("pre");
  images.id = "image-probe";
  images.textContent = JSON.stringify(Array.from(document.images).map(function (img) {
    return {alt: img.alt, complete: img.complete, width: img.naturalWidth, height: img.naturalHeight};
  }));
  document.body.appendChild(images);
  var errors = document.createElement("pre");
  errors.id = "error-probe";
  errors.textContent = JSON.stringify(probeErrors);
  document.body.appendChild(errors);
});
</script>"""


@dataclass(frozen=True)
class Probe:
    images: list[dict[str, Any]]
    errors: list[str]
    dom: str  # the page as the browser built it, probe output included


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",  # tests run as root in CI containers
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _probed(dom: str, name: str) -> Any:
    match = re.search(rf'<pre id="{name}">(.*?)</pre>', dom, re.S)
    assert match, f"chromium printed no {name} result"
    return json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def probe_page(tmp_path: Path, page: str) -> Probe:
    """Loads ``page`` in chromium; what its images and errors were once loaded."""
    probed = tmp_path / "probed.html"
    head = page.index("<head>") + len("<head>")
    probed.write_text(page[:head] + PROBE + page[head:], encoding="utf-8")
    result = run_chromium(tmp_path, "--virtual-time-budget=10000", "--dump-dom", probed.as_uri())
    assert "image-probe" in result.stdout, f"no probe output; stderr: {result.stderr[-2000:]}"
    return Probe(
        _probed(result.stdout, "image-probe"), _probed(result.stdout, "error-probe"), result.stdout
    )
