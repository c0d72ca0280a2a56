"""The package's introspection without its extras: ``help()``, ``pydoc`` and
``inspect.getmembers`` work without torch and never import it, and a module
whose extra is missing is an AttributeError with the install hint."""

from __future__ import annotations

import json
import subprocess
import sys

# `sys.modules["torch"] = None` makes `import torch` fail as if torch were
# not installed (ModuleNotFoundError, name "torch").
_WITHOUT_TORCH = "import sys; sys.modules['torch'] = None\n"

_INTROSPECT = """
import inspect, json, pydoc, sys
import blemore_fast
text = pydoc.render_doc(blemore_fast, renderer=pydoc.plaintext)
members = dict(inspect.getmembers(blemore_fast))
try:
    blemore_fast.torch
    error = None
except AttributeError as e:
    error = [str(e), e.name]
print(json.dumps({
    "help": "score" in text and "bootstrap" in text,
    "members": "score" in members and "stats" in members,
    "hasattr": hasattr(blemore_fast, "torch"),
    "error": error,
    "torch_loaded": sys.modules.get("torch") is not None,
}))
"""


def _run(script: str) -> dict[str, object]:
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(run.stdout.splitlines()[-1])
    return result


def test_help_and_getmembers_work_without_torch() -> None:
    result = _run(_WITHOUT_TORCH + _INTROSPECT)
    assert result["help"] and result["members"]
    assert result["hasattr"] is False
    message, name = result["error"]  # type: ignore[misc]
    assert name == "torch"
    assert message == (
        "blemore_fast.torch needs torch, which is not installed: pip install 'blemore-fast[torch]'"
    )
    assert result["torch_loaded"] is False


def test_help_and_getmembers_never_import_torch() -> None:
    # torch is installed in the test environment: introspection still leaves
    # it alone (importing it takes seconds), and asking for the module loads it.
    script = (
        "import inspect, pydoc, sys, json\n"
        "import blemore_fast\n"
        "pydoc.render_doc(blemore_fast, renderer=pydoc.plaintext)\n"
        "inspect.getmembers(blemore_fast)\n"
        "before = 'torch' in sys.modules\n"
        "metric = blemore_fast.torch.BlEmoReScore\n"
        "print(json.dumps([before, 'torch' in sys.modules]))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert json.loads(run.stdout.splitlines()[-1]) == [False, True]


def test_a_missing_dependency_of_the_package_itself_is_not_hidden() -> None:
    # Only a missing third-party module becomes the hint; an error inside the
    # package stays what it is.
    script = (
        "import sys; sys.modules['blemore_fast.torch.score'] = None\n"
        "import blemore_fast\n"
        "try:\n"
        "    blemore_fast.torch\n"
        "except ModuleNotFoundError as e:\n"
        "    print(e.name)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "blemore_fast.torch.score"
