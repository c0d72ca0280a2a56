"""A griffe extension: the API reference shows what Python imports, with links.

The package's docstrings cross-reference with Sphinx roles
(``:func:`~blemore_fast.score```, ``:meth:`state```), which Markdown shows
as they are. When the package is loaded, each role becomes an autorefs link
to the reference entry of the name it means, found from the docstring's own
object outwards (its class, its module, the package), as Sphinx would. A
name with no entry in the reference (a private helper, a module) becomes
code. And a function that shares its name with its module (``decode`` in
``training/decode.py``) is shown as the function, as Python binds it.
``mkdocs.yml`` loads this file as an extension of the Python handler.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:func|meth|class|data|attr|mod|obj|exc):`(~?)([\w.]+)(?:\(\))?`")
#: The subpackages with their own section in the reference (see docs_reference.py).
SUBPACKAGES = ("torch", "codabench", "evalai")


def _find(root: griffe.Module, path: str) -> griffe.Object | None:
    """The object at a dotted ``path`` under ``root``, aliases followed."""
    parts = path.split(".")
    if parts[0] != root.name:
        return None
    obj: Any = root
    for part in parts[1:]:
        try:
            obj = obj.members[part]
            if isinstance(obj, griffe.Alias):
                obj = obj.final_target
        except (KeyError, griffe.AliasResolutionError, griffe.CyclicAliasError):
            return None
    return obj


def _public_names(root: griffe.Module) -> list[str]:
    names = [f"{root.name}.{name}" for name in _all(root)]
    for sub in SUBPACKAGES:
        module = _find(root, f"{root.name}.{sub}")
        if isinstance(module, griffe.Module):
            names += [f"{root.name}.{sub}.{name}" for name in _all(module)]
    return names


def _all(module: griffe.Module) -> list[str]:
    exports = module.exports or []
    return [name if isinstance(name, str) else name.name for name in exports]


class SphinxRoles(griffe.Extension):
    """Turns ``:role:`target``` into a link to the target's reference entry, or code."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        _shadow_modules(pkg)
        # Each documented object's own path, and its members', mapped to the
        # anchor it has in the reference.
        self.anchors: dict[str, str] = {}
        for public in _public_names(pkg):
            target = _find(pkg, public)
            if target is None:
                continue
            self.anchors[target.path] = public
            self.anchors[public] = public
            if isinstance(target, griffe.Class):
                # Members are shown when they have a docstring (mkdocstrings' default).
                for name, member in target.members.items():
                    if not name.startswith("_") and _documented(member):
                        self.anchors[f"{target.path}.{name}"] = f"{public}.{name}"
        self._rewrite(pkg, pkg, set())

    def _rewrite(self, root: griffe.Module, obj: griffe.Object, seen: set[str]) -> None:
        if obj.path in seen:
            return
        seen.add(obj.path)
        if obj.docstring is not None:
            obj.docstring.value = ROLE.sub(lambda m: self._link(root, obj, m), obj.docstring.value)
        for member in obj.members.values():
            if not isinstance(member, griffe.Alias):
                self._rewrite(root, member, seen)

    def _link(self, root: griffe.Module, obj: griffe.Object, match: re.Match[str]) -> str:
        short, target = match.group(1) == "~", match.group(2)
        shown = f"`{target.rsplit('.', 1)[-1] if short else target}`"
        scopes = [obj, *_parents(obj)]
        for candidate in [f"{scope.path}.{target}" for scope in scopes] + [
            target,
            f"{root.name}.{target}",
        ]:
            found = _find(root, candidate)
            if found is not None:
                anchor = self.anchors.get(found.path) or self.anchors.get(candidate)
                return f"[{shown}][{anchor}]" if anchor else shown
        return shown


def _shadow_modules(module: griffe.Module) -> None:
    """Names that Python binds to a function, not to the submodule it shares a name with.

    ``blemore_fast.training`` runs ``from .decode import decode``, so at run
    time ``blemore_fast.training.decode`` is the function; griffe keeps the
    submodule there, and ``blemore_fast.decode`` would show the module.
    """
    for name, member in list(module.members.items()):
        if isinstance(member, griffe.Module):
            _shadow_modules(member)
            inner = member.members.get(name)
            if inner is not None and not isinstance(inner, griffe.Module | griffe.Alias):
                module.set_member(name, griffe.Alias(name, inner, parent=module))


def _documented(member: griffe.Object | griffe.Alias) -> bool:
    try:
        return bool(member.docstring)
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return False


def _parents(obj: griffe.Object) -> list[griffe.Object]:
    parents = []
    while obj.parent is not None:
        obj = obj.parent
        parents.append(obj)
    return parents
