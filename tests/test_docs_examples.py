"""Every Python block in the README and docs/ runs, page by page, as a reader would.

Each page runs in a fresh, empty temporary folder with a fresh namespace,
its blocks in order (a later block may use an earlier one's names), so an
example can rely on the installed package and nothing else: data comes from
``blemore_fast.synthetic`` or from files an earlier block wrote.

- A block written as a doctest (``>>>`` prompts) has its shown output
  checked, with ``...`` standing for any text.
- Any other ``python`` block must run without an error or a warning.
- A block that needs an optional extra is preceded by a comment naming its
  modules, ``<!-- requires: torch torchmetrics -->``; it is skipped only when
  one of them cannot be imported (``make test`` installs them all).
"""

from __future__ import annotations

import doctest
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(
    r"(?:<!-- requires: (?P<requires>[\w ]+) -->\n)?^```python\n(?P<code>.*?)^```$", re.M | re.S
)


@dataclass(frozen=True)
class Block:
    line: int
    code: str
    requires: tuple[str, ...]


def python_blocks(text: str) -> list[Block]:
    """The page's ``python`` fences in order, with the modules each requires."""
    return [
        Block(
            text.count("\n", 0, match.start("code")) + 1,
            match.group("code"),
            tuple((match.group("requires") or "").split()),
        )
        for match in FENCE.finditer(text)
    ]


def _pages() -> list[Path]:
    """The README and every page under docs/ that holds a Python block."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [page for page in pages if python_blocks(page.read_text(encoding="utf-8"))]


def test_python_blocks_are_found():
    page = "text\n<!-- requires: torch -->\n```python\nx = 1\n```\n```python\n>>> x\n1\n```\n"
    blocks = python_blocks(page)
    assert [(b.line, b.code, b.requires) for b in blocks] == [
        (4, "x = 1\n", ("torch",)),
        (7, ">>> x\n1\n", ()),
    ]


def _run(block: Block, namespace: dict[str, object], name: str) -> None:
    where = f"{name}:{block.line}"
    if block.code.lstrip().startswith(">>>"):
        test = doctest.DocTestParser().get_doctest(block.code, namespace, where, where, block.line)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        report: list[str] = []
        runner.run(test, out=report.append, clear_globs=False)
        namespace.update(test.globs)  # a DocTest runs in a copy of the namespace
        assert runner.failures == 0, "".join(report)
    else:
        exec(compile(block.code, where, "exec"), namespace)


def _missing(modules: tuple[str, ...]) -> list[str]:
    return [module for module in modules if importlib.util.find_spec(module) is None]


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_page_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    blocks = python_blocks(page.read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__main__"}
    name = str(page.relative_to(ROOT))
    for block in blocks:
        missing = _missing(block.requires)
        if missing:
            pytest.skip(f"{name}:{block.line} needs {', '.join(missing)}")
        _run(block, namespace, name)


def _nav_pages(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in _nav_pages(value)]
    if isinstance(nav, list):
        return [page for item in nav for page in _nav_pages(item)]
    return []


def test_readme_is_a_front_page():
    """At most 250 lines, the two commands, and a link to every written page of the site."""
    yaml = pytest.importorskip("yaml")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250
    assert "make demo" in readme and "make test" in readme
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    written = [p for p in _nav_pages(config["nav"]) if p != "index.md" and "reference/" not in p]
    missing = [page for page in written if f"(docs/{page})" not in readme]
    assert not missing, f"the README links to no {missing}"
