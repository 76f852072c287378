"""The public API type-checks strictly, with mypy and with pyright.

``tests/typecheck/public_api.py`` pins what a user's editor sees
(``assert_type``); ``ccsdk/`` itself must be clean under both checkers in
strict mode. A planted wrong ``assert_type`` must fail each checker, so a
checker that silently checks nothing cannot pass.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
API = ROOT / "tests" / "typecheck" / "public_api.py"
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    found = str(path) if path.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[dev]'")
    return found


def mypy(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_tool("mypy"), "--strict", "--no-incremental", *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def pyright(*paths: Path) -> subprocess.CompletedProcess[str]:
    # Configured in pyproject.toml ([tool.pyright]: strict, Python 3.11).
    return subprocess.run(
        [_tool("pyright"), "--pythonpath", sys.executable, *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_mypy_strict_passes_on_the_package_and_the_public_api() -> None:
    result = mypy(ROOT / "ccsdk", API)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pyright_strict_passes_on_the_package_and_the_public_api() -> None:
    result = pyright(ROOT / "ccsdk", API)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("checker", [mypy, pyright], ids=["mypy", "pyright"])
def test_a_wrong_assert_type_fails_the_check(checker: object, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong_api.py"
    source = API.read_text()
    planted = source.replace(
        "assert_type(message.is_error, bool)", "assert_type(message.is_error, str)"
    )
    assert planted != source
    wrong.write_text(planted)
    assert callable(checker)
    result = checker(wrong)
    assert result.returncode != 0
    assert "is_error" in result.stdout or "bool" in result.stdout, result.stdout
