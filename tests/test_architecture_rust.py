"""The Rust source keeps its two layers apart: src/core/ knows nothing of
Python, nothing in src/ imports in a circle, and rayon is reached through
core/parallel.rs only (the one place that knows about forks).

These read the source as text; they need neither cargo nor the extension.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"

if not SRC.is_dir():  # an installed package without its sources
    pytest.skip("the Rust sources are not here", allow_module_level=True)


def _code(text: str) -> str:
    """The text without comments, string literals or char literals, so that
    braces and paths inside them do not count."""
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'r#*"(?:.|\n)*?"#*', '""', text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    return re.sub(r"'(?:\\.|[^'\\])'", "' '", text)


def _file_module(path: Path) -> tuple[str, ...]:
    parts = path.relative_to(SRC).with_suffix("").parts
    if parts[-1] in ("lib", "mod"):
        parts = parts[:-1]
    return ("crate", *parts)


def _modules() -> dict[Path, tuple[str, ...]]:
    """Every source file and the module it is, following `#[path]` files."""
    modules = {path: _file_module(path) for path in SRC.rglob("*.rs")}
    for path in list(modules):
        for target, name in re.findall(
            r'#\[path\s*=\s*"([^"]+)"\]\s*(?:#\[[^\]]*\]\s*)*(?:pub\s+)?mod\s+(\w+)\s*;',
            path.read_text(),
        ):
            modules[(path.parent / target).resolve()] = (*modules[path], name)
    return {path.resolve(): module for path, module in modules.items()}


def _expand(tree: str) -> Iterator[str]:
    """The paths of a `use` tree: `a::{b, c::{d}}` gives a::b, a::c::d."""
    tree = tree.strip()
    start = tree.find("{")
    if start < 0:
        yield re.sub(r"\s+as\s+\w+$", "", tree)
        return
    prefix, body = tree[:start], tree[start + 1 : tree.rindex("}")]
    depth, item = 0, ""
    for char in body + ",":
        if char == "," and depth == 0:
            if item.strip():
                yield from _expand(prefix + item.strip())
            item = ""
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        item += char


def _references(path: Path, module: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    """(referring module, path) for every `use` and every `crate::`/`super::`
    path in the file, attributing code in inline `mod x { ... }` blocks to x."""
    code = _code(path.read_text())
    # Which inline module each offset is in.
    scopes: list[tuple[int, tuple[str, ...]]] = []
    stack: list[tuple[int, tuple[str, ...]]] = [(0, module)]
    depth = 0
    pending: str | None = None
    for match in re.finditer(r"\bmod\s+(\w+)\s*\{|[{}]", code):
        token = match.group(0)
        if token.startswith("mod"):
            pending = match.group(1)
            token = "{"
        if token == "{":
            depth += 1
            if pending is not None:
                stack.append((depth, (*stack[-1][1], pending)))
                scopes.append((match.end(), stack[-1][1]))
                pending = None
        else:
            if stack[-1][0] == depth and len(stack) > 1:
                stack.pop()
                scopes.append((match.end(), stack[-1][1]))
            depth -= 1

    def scope_at(offset: int) -> tuple[str, ...]:
        current = module
        for start, scope in scopes:
            if start > offset:
                break
            current = scope
        return current

    for match in re.finditer(r"\buse\s+([^;]+);", code):
        for used in _expand(match.group(1)):
            yield scope_at(match.start()), used
    for match in re.finditer(r"(?<![\w:])((?:crate|super)(?:::(?:super|\w+))+)", code):
        if not re.search(r"\buse\s+[^;]*$", code[: match.start()].rsplit(";", 1)[-1]):
            yield scope_at(match.start()), match.group(1)


def _resolve(
    path: str, within: tuple[str, ...], known: set[tuple[str, ...]]
) -> tuple[str, ...] | None:
    """The deepest known module a path names (None for other crates)."""
    parts = path.split("::")
    if parts[0] == "crate":
        absolute = ["crate"]
    elif parts[0] in ("super", "self"):
        absolute = list(within)
    else:
        return None  # std, pyo3, rayon, ...
    for part in parts[1 if parts[0] == "crate" else 0 :]:
        if part == "super":
            absolute.pop()
        elif part == "self":
            continue
        else:
            absolute.append(part)
    while tuple(absolute) not in known:
        absolute.pop()
    return tuple(absolute)


def _graph() -> dict[tuple[str, ...], set[tuple[str, ...]]]:
    modules = _modules()
    known = set(modules.values())
    for path, module in modules.items():
        code = _code(path.read_text())
        known |= {(*module, name) for name in re.findall(r"\bmod\s+(\w+)\s*\{", code)}
    graph: dict[tuple[str, ...], set[tuple[str, ...]]] = {m: set() for m in known}
    for path, module in modules.items():
        for within, used in _references(path, module):
            target = _resolve(used, within, known)
            if target is not None and target != within:
                graph[within].add(target)
    return graph


def _cycle(graph: dict[tuple[str, ...], set[tuple[str, ...]]]) -> list[str] | None:
    state: dict[tuple[str, ...], int] = {}
    trail: list[tuple[str, ...]] = []

    def visit(node: tuple[str, ...]) -> list[str] | None:
        state[node] = 1
        trail.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                loop = [*trail[trail.index(nxt) :], nxt]
                return ["::".join(m) for m in loop]
            if nxt not in state and (found := visit(nxt)):
                return found
        trail.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_core_knows_nothing_of_python() -> None:
    offenders = []
    for path in sorted((SRC / "core").rglob("*.rs")):
        code = _code(path.read_text())
        for pattern in (r"\bpyo3\b", r"\bnumpy\b", r"#\[py\w+"):
            if re.search(pattern, code):
                offenders.append(f"{path.relative_to(SRC)}: {pattern}")
    assert not offenders


def test_the_core_imports_nothing_from_the_bindings() -> None:
    graph = _graph()
    leaks = [
        ("::".join(a), "::".join(b))
        for a, targets in graph.items()
        for b in targets
        if a[:2] == ("crate", "core") and b[:2] == ("crate", "py")
    ]
    assert not leaks


def test_no_module_cycles() -> None:
    graph = _graph()
    assert ("crate", "core", "score") in graph  # the reader found the tree
    assert ("crate", "core", "encoding") in graph[("crate", "core", "score")]
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_finder_finds_cycles() -> None:
    a, b, c = ("crate", "a"), ("crate", "b"), ("crate", "c")
    assert _cycle({a: {b}, b: {c}, c: {a}}) == ["crate::a", "crate::b", "crate::c", "crate::a"]
    assert _cycle({a: {b}, b: {c}, c: set()}) is None


def test_use_trees_are_expanded() -> None:
    paths = list(_expand("crate::core::{encoding::{self, X}, score as s, grid}"))
    assert paths == [
        "crate::core::encoding::self",
        "crate::core::encoding::X",
        "crate::core::score",
        "crate::core::grid",
    ]
    known = {("crate",), ("crate", "core"), ("crate", "core", "encoding")}
    assert _resolve("crate::core::encoding::self", ("crate",), known) == (
        "crate",
        "core",
        "encoding",
    )
    assert _resolve("super::encoding::X", ("crate", "core", "score"), known) == (
        "crate",
        "core",
        "encoding",
    )
    assert _resolve("rayon::prelude", ("crate",), known) is None


def test_only_the_parallel_module_touches_rayon() -> None:
    # Every parallel loop goes through core/parallel.rs, the one place that
    # knows a forked child must run serially. (Tests may build their own pools.)
    users = []
    for path in sorted(SRC.rglob("*.rs")):
        code = _code(path.read_text()).split("#[cfg(test)]")[0]
        if path.name.endswith("_tests.rs"):
            continue
        if re.search(r"\brayon\b", code):
            users.append(str(path.relative_to(SRC)))
    assert users == ["core/parallel.rs"]
