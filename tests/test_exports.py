"""The public API is pinned: what ``ccsdk``, ``ccsdk.types``, ``ccsdk.protocol``
and ``ccsdk.testing`` export, and nothing else, is what users may import.

In the style of trio's ``_tests/test_exports.py``:

* each public module's ``__all__`` is compared with the committed list in
  ``tests/public_names.json``: adding or removing a public name fails here
  until the list is updated on purpose (``python -m tests.test_exports
  --update`` rewrites it);
* every name in every ``__all__`` resolves;
* the docs and the examples import only public modules, and from them
  only their ``__all__`` names: ``from ccsdk.runtime._command import
  build_argv`` or ``from ccsdk._redact import ...`` fails.

Everything else (``ccsdk.runtime``, ``ccsdk._cli``, the ``_``-prefixed
modules, and the modules the public ones re-export from) is implementation
and may change without notice.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "tests" / "public_names.json"

#: The public modules: the four of the design, and what users import by path.
PUBLIC_MODULES = (
    "ccsdk",
    "ccsdk.types",
    "ccsdk.protocol",
    "ccsdk.testing",
)

#: Modules whose path stays importable for compatibility (the official SDKs'
#: paths, old ccsdk paths), each a re-export of public names; the docs may
#: name them but should prefer the four above.
COMPATIBLE_MODULES = (
    "ccsdk.client",  # claude_agent_sdk.client
    "ccsdk.query",  # claude_agent_sdk.query
    "ccsdk.cli",  # python -m ccsdk.cli
    "ccsdk.testing.install",  # python -m ccsdk.testing.install
    "ccsdk.testing.cli",  # python -m ccsdk.testing.cli (the old name)
)


def _exports() -> dict[str, list[str]]:
    return {name: sorted(importlib.import_module(name).__all__) for name in PUBLIC_MODULES}


def test_the_public_names_are_the_committed_ones() -> None:
    pinned = json.loads(SNAPSHOT.read_text())
    now = _exports()
    for module in PUBLIC_MODULES:
        added = sorted(set(now[module]) - set(pinned.get(module, [])))
        removed = sorted(set(pinned.get(module, [])) - set(now[module]))
        assert not added and not removed, (
            f"{module}: the public API changed (added {added}, removed {removed}). "
            "If that is on purpose, run `python -m tests.test_exports --update` "
            "and commit tests/public_names.json."
        )


@pytest.mark.parametrize("module", PUBLIC_MODULES + COMPATIBLE_MODULES)
def test_every_exported_name_resolves(module: str) -> None:
    mod = importlib.import_module(module)
    names = list(mod.__all__)
    assert len(names) == len(set(names)), f"{module}.__all__ has duplicates"
    missing = [name for name in names if not hasattr(mod, name)]
    assert not missing, f"{module}.__all__ names what it does not have: {missing}"


def test_the_old_command_paths_still_run() -> None:
    for module in ("ccsdk.cli", "ccsdk.testing.cli", "ccsdk.testing.install"):
        spec = importlib.util.find_spec(module)
        assert spec is not None, module
    out = subprocess.run(
        [sys.executable, "-m", "ccsdk.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert out.stdout.startswith("ccsdk ")


# -- the docs and the examples --------------------------------------------------------

_FENCE = re.compile(r"^```(?:python|py)\s*\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _sources() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for path in [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]:
        for i, match in enumerate(_FENCE.finditer(path.read_text())):
            out.append((f"{path.relative_to(ROOT)} (block {i + 1})", match.group(1)))
    for path in sorted((ROOT / "examples").rglob("*.py")):
        out.append((str(path.relative_to(ROOT)), path.read_text()))
    return out


def _ccsdk_imports(code: str) -> list[tuple[str, str | None]]:
    """``(module, name)`` for each import of ccsdk in ``code`` (``name`` None: ``import m``)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:  # a fragment: read the import lines alone
        lines = [line.strip() for line in code.splitlines()]
        tree = ast.parse(
            "\n".join(line for line in lines if line.startswith(("from ccsdk", "import ccsdk")))
        )
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "ccsdk":
                found.extend((node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend(
                (alias.name, None) for alias in node.names if alias.name.split(".")[0] == "ccsdk"
            )
    return found


def _problem(module: str, name: str | None) -> str | None:
    if module not in PUBLIC_MODULES + COMPATIBLE_MODULES:
        if name is not None and f"{module}.{name}" in PUBLIC_MODULES:
            return None  # from ccsdk import testing
        return f"{module} is not a public module"
    if name is None or name == "*":
        return None
    exported = importlib.import_module(module).__all__
    if name not in exported:
        return f"{name} is not in {module}.__all__"
    return None


def test_the_docs_and_examples_import_only_public_names() -> None:
    problems = [
        f"{where}: {problem}"
        for where, code in _sources()
        for module, name in _ccsdk_imports(code)
        if (problem := _problem(module, name)) is not None
    ]
    assert not problems, "\n".join(problems)


def test_the_check_catches_an_implementation_import() -> None:
    code = "from ccsdk.runtime._command import build_argv\nfrom ccsdk._redact import redact_env\n"
    assert [_problem(m, n) for m, n in _ccsdk_imports(code)] == [
        "ccsdk.runtime._command is not a public module",
        "ccsdk._redact is not a public module",
    ]
    assert _problem("ccsdk", "Engine") == "Engine is not in ccsdk.__all__"


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        SNAPSHOT.write_text(json.dumps(_exports(), indent=2) + "\n")
        print(f"wrote {SNAPSHOT.relative_to(ROOT)}")
    else:
        print("usage: python -m tests.test_exports --update", file=sys.stderr)
        sys.exit(2)
