"""What the project ships: the sdist holds every file the build needs, `make
demo` installs no torch, the version has one source, and the workflows pin
their actions and publish without a token.

`make test-wheel` (.ci/test-wheel) runs the rest on the built distributions:
the suite on the installed wheel, twine, check-wheel-contents, auditwheel,
actionlint and zizmor."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import blemore_fast as bf
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"

#: The build's inputs: the crate, the Python package and the metadata.
BUILD_FILES = (
    "src/",
    "python/",
    "Cargo.toml",
    "Cargo.lock",
    "pyproject.toml",
    "README.md",
    "LICENSE",
)

needs_checkout = pytest.mark.skipif(
    not (ROOT / ".git").exists() or not (ROOT / "python").is_dir(),
    reason="needs the source checkout (make test-wheel runs the suite without python/)",
)


def _cargo_version() -> str:
    return str(tomllib.loads((ROOT / "Cargo.toml").read_text())["package"]["version"])


@needs_checkout
def test_the_sdist_lists_every_file_the_build_needs(tmp_path: Path) -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "--", *BUILD_FILES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    subprocess.run(
        [sys.executable, "-m", "maturin", "sdist", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    (sdist,) = tmp_path.glob("*.tar.gz")
    assert sdist.name == f"blemore_fast-{_cargo_version()}.tar.gz"
    with tarfile.open(sdist) as archive:
        top = f"blemore_fast-{_cargo_version()}/"
        members = {m.name.removeprefix(top) for m in archive.getmembers() if m.isfile()}
    assert "LICENSE" in tracked and "python/blemore_fast/py.typed" in tracked
    assert sorted(set(tracked) - members) == []
    # and nothing built: no compiled module next to the sources
    assert [m for m in members if m.endswith((".so", ".pyd"))] == []


def test_make_demo_installs_no_torch() -> None:
    # Every command `make demo` would run from scratch (-B), printed, not run.
    commands = subprocess.run(
        ["make", "--no-print-directory", "-nB", "demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installs = [line for line in commands.splitlines() if "pip install" in line]
    packages = {word for line in installs for word in line.split() if not word.startswith("-")}
    assert {"numpy", "pandas", "matplotlib", "maturin"} <= packages
    for heavy in ("torch", "torchmetrics", "pytorch-lightning", "lightning", "pytest"):
        assert heavy not in packages
    assert "torch" not in commands
    assert commands.rstrip().endswith("blemore-fast demo")


def test_the_version_has_one_source() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project and project["dynamic"] == ["version"]
    version = _cargo_version()
    assert bf.__version__ == version
    assert importlib.metadata.version("blemore-fast") == version
    run = subprocess.run(
        [sys.executable, "-c", "from blemore_fast.cli import main; main(['--version'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.strip() == f"blemore-fast {version}"


def _workflow(name: str) -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load((WORKFLOWS / name).read_text())
    return loaded


def _steps(workflow: dict[str, object]) -> list[dict[str, object]]:
    jobs = workflow["jobs"]
    assert isinstance(jobs, dict)
    return [step for job in jobs.values() for step in job.get("steps", [])]


@pytest.mark.parametrize("name", ["ci.yml", "release.yml"])
def test_workflows_pin_every_action_to_a_commit(name: str) -> None:
    workflow = _workflow(name)
    assert workflow["permissions"] == {}  # each job asks for what it needs
    uses = [str(step["uses"]) for step in _steps(workflow) if "uses" in step]
    assert uses
    for action in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
    text = (WORKFLOWS / name).read_text()
    for line in text.splitlines():
        if "uses:" in line:
            assert re.search(r"@[0-9a-f]{40} # v\d", line), line  # the tag, for the reader
    for step in _steps(workflow):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False  # type: ignore[index]


def test_release_covers_the_platforms_and_publishes_without_a_token() -> None:
    workflow = _workflow("release.yml")
    jobs = workflow["jobs"]
    assert isinstance(jobs, dict)
    linux = jobs["linux"]["strategy"]["matrix"]
    assert set(linux["target"]) == {"x86_64", "aarch64"}
    assert set(linux["libc"]) == {"manylinux_2_28", "musllinux_1_2"}
    macos = {entry["target"] for entry in jobs["macos"]["strategy"]["matrix"]["include"]}
    assert macos == {"x86_64", "aarch64"}
    windows = [s for s in jobs["windows"]["steps"] if "maturin-action" in str(s.get("uses"))]
    assert windows[0]["with"]["target"] == "x64"
    sdist = [s for s in jobs["sdist"]["steps"] if "maturin-action" in str(s.get("uses"))]
    assert sdist[0]["with"]["command"] == "sdist"
    # every built artifact is tested before anything is published
    tested = {e["artifact"] for e in jobs["test"]["strategy"]["matrix"]["include"]}
    tested |= {e["artifact"] for e in jobs["test-musl"]["strategy"]["matrix"]["include"]}
    built = {f"dist-linux-{t}-{libc}" for t in linux["target"] for libc in linux["libc"]}
    built |= {f"dist-macos-{t}" for t in macos} | {"dist-windows-x64"}
    assert tested == built
    publish = jobs["publish"]
    assert set(publish["needs"]) == {"sdist", "test", "test-musl", "test-sdist"}
    assert publish["permissions"] == {"id-token": "write"}
    text = (WORKFLOWS / "release.yml").read_text()
    assert "secrets." not in text and "password" not in text
