"""The package's shape: no import cycles, a lean `import blemore_fast`, a clean surface.

The import graph is read from the source with `ast`, so it holds every
import a module can make, not only those one run happens to execute:
module-level imports, imports inside functions (such as the plots the HTML
page draws on demand) and `if TYPE_CHECKING:` imports all count. An edge
goes from the importing module to the module it names; `from package import
name` names the submodule `package.name` when there is one, else `package`.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path

import blemore_fast as bf
import pytest

PACKAGE = Path(bf.__file__).parent
TESTS = Path(__file__).parent

#: Every name `blemore_fast` exported before its modules became packages.
EXPORTED = {
    "CELLS", "EMOTIONS", "LABEL_CLASSES", "Accumulator", "Aligned", "Baselines",
    "BootstrapResult", "ClipName", "Comparison", "Encoded", "GridResult", "Interval",
    "ProbTable", "Problem", "Score", "ValidationError", "__version__", "align",
    "baselines", "bootstrap", "breakdown", "check_submission", "compare", "confusion",
    "decode", "encode_labels", "grid_search", "html_report", "labels_from_filenames",
    "parse_filename", "read_probs", "read_submission", "run_demo", "score",
    "write_submission",
}  # fmt: skip

#: Modules `import blemore_fast` must leave alone (and everything beneath them).
LAZY = (
    "blemore_fast.challenge",  # the server's verdict, with its report and statistics
    "blemore_fast.cli",  # the command, its demo and its terminal tables
    "blemore_fast.codabench",
    "blemore_fast.evalai",
    "blemore_fast.report.page",
    "blemore_fast.report.plot",
    "blemore_fast.stats",
    "blemore_fast.torch",  # the torchmetrics metrics
    "matplotlib",
    "torch",
    "torchmetrics",
)


def _module_name(path: Path) -> str:
    parts = ["blemore_fast", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    modules = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
    modules["blemore_fast._core"] = PACKAGE / "_core.pyi"  # the native module: no imports
    return modules


def _absolute(name: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module an `from ... import` statement in `name` starts from."""
    if node.level == 0:
        return node.module or ""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports, from every import statement."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        if path.suffix != ".py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(name, path, node)
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path of modules, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return None


def test_the_graph_sees_every_kind_of_import() -> None:
    graph = import_graph()
    # module level, relative
    assert "blemore_fast.encoded" in graph["blemore_fast.scoring"]
    # inside a function: the page draws its plots on demand
    assert "blemore_fast.report.plot" in graph["blemore_fast.report.page"]
    # `from .. import _core` names the native module
    assert "blemore_fast._core" in graph["blemore_fast.encoded"]
    # if TYPE_CHECKING: the top level's lazily imported names
    assert "blemore_fast.stats.bootstrap" in graph["blemore_fast"]


def test_cycle_finder_finds_cycles() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_package_has_no_import_cycles() -> None:
    graph = import_graph()
    assert len(graph) > 30  # every module was found
    cycle = _cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_import_leaves_the_heavy_parts_for_later() -> None:
    script = "import blemore_fast, json, sys; print(json.dumps(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded = json.loads(run.stdout)
    assert "blemore_fast.scoring" in loaded
    eager = [m for m in loaded if any(m == lazy or m.startswith(f"{lazy}.") for lazy in LAZY)]
    assert eager == []


def test_every_exported_name_is_still_there() -> None:
    assert set(bf.__all__) >= EXPORTED  # new names may come; none may go
    assert set(bf.__all__) <= set(dir(bf))
    for name in bf.__all__:
        value = getattr(bf, name)
        home = getattr(value, "__module__", None)  # functions and classes: where defined
        if home is not None:
            assert getattr(importlib.import_module(home), name) is value, name
    assert bf.stats.STATISTICS == ("presence", "salience", "mean")  # submodules load on use
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        bf.nothing  # noqa: B018


def _public_modules() -> list[str]:
    return [
        name
        for name, path in _modules().items()
        if path.suffix == ".py"
        and path.name != "__main__.py"
        and not any(part.startswith("_") for part in name.split("."))
    ]


@pytest.mark.parametrize("name", _public_modules())
def test_public_modules_declare_their_names(name: str) -> None:
    module = importlib.import_module(name)
    assert isinstance(getattr(module, "__all__", None), list), f"{name} has no __all__"
    for exported in module.__all__:
        assert hasattr(module, exported), f"{name}.__all__ lists a missing {exported!r}"
    # Everything defined here without a leading underscore is in __all__.
    tree = ast.parse(inspect.getsource(module))
    defined = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for leaf in target.elts if isinstance(target, ast.Tuple) else [target]:
                    if isinstance(leaf, ast.Name):
                        defined.add(leaf.id)
    public = {n for n in defined if not n.startswith("_")}
    assert public <= set(module.__all__), f"{name}: public but not in __all__"


def test_tests_use_public_names() -> None:
    """No test imports a private module or name of the package (a line that
    must do so says why in a comment)."""
    offenders = []
    for path in sorted(TESTS.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("blemore_fast"):
                names = [*node.module.split("."), *(alias.name for alias in node.names)]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names if a.name.startswith("blemore_fast")]
                names = [part for module in modules for part in module.split(".")]
            else:
                continue
            private = [n for n in names if n.startswith("_") and n != "__version__"]
            if private and "#" not in lines[node.lineno - 1]:
                offenders.append(f"{path.name}:{node.lineno}: {', '.join(private)}")
    assert offenders == []
