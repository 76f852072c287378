"""The layers point one way: ``lint-imports`` keeps the contracts in pyproject.toml.

protocol <- data types <- runtime <- public API <- command line, with the
leaf modules (``_redact``, ``_version``) below them all; the protocol does
no I/O, and the product does not import its test kit. The rules, and why,
are in docs/architecture.md. A wrong-way import planted in a copy of the
package must break the contract, so a linter that checks nothing cannot
pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _lint_imports(package_parent: Path) -> subprocess.CompletedProcess[str]:
    path = BIN / "lint-imports"
    tool = str(path) if path.exists() else shutil.which("lint-imports")
    if tool is None:
        pytest.fail("import-linter is not installed: pip install -e '.[dev]'")
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run(
        [tool, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=package_parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_import_contracts_are_kept() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "plant", "rule"),
    [
        ("runtime/tracing.py", "import ccsdk._session", "ccsdk.runtime is not allowed to import"),
        ("protocol/framing.py", "import anyio", "ccsdk.protocol is not allowed to import anyio"),
    ],
)
def test_a_wrong_way_import_breaks_a_contract(
    tmp_path: Path, module: str, plant: str, rule: str
) -> None:
    copy = tmp_path / "ccsdk"
    shutil.copytree(ROOT / "ccsdk", copy, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / module).open("a") as f:
        f.write(f"\n{plant}  # planted by the test\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0, result.stdout
    assert rule in result.stdout, result.stdout
