"""docs/architecture.md matches the tree: it names every module, and only modules that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "architecture.md"


def _modules() -> set[str]:
    return {
        p.stem
        for p in (ROOT / "ccsdk").rglob("*.py")
        if p.stem != "__init__" and "__pycache__" not in p.parts
    }


def _layer_diagram() -> str:
    text = PAGE.read_text(encoding="utf-8")
    return text.split("## The layers", 1)[1].split("```", 2)[1]


def test_the_page_names_every_module() -> None:
    text = PAGE.read_text(encoding="utf-8")
    missing = sorted(m for m in _modules() if not re.search(rf"\b{re.escape(m)}\b", text))
    assert not missing, f"docs/architecture.md does not name: {missing}"


def test_the_layer_diagram_names_only_modules_that_exist() -> None:
    # Private names in the diagram (``_engine``, ``_redact``, ...) are module or package names.
    named = set(re.findall(r"(?<![\w.])(_[a-z][a-z_]*)\b", _layer_diagram()))
    packages = {p.name for p in (ROOT / "ccsdk").rglob("*") if p.is_dir()}
    stale = sorted(named - _modules() - packages)
    assert not stale, f"the layer diagram names modules that do not exist: {stale}"
