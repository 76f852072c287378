"""examples/testing_my_agent.py (the pytest example of docs/testing.md) passes.

It is not under tests/ (pytest's testpaths), so it runs here in its own
pytest process, as a user would run it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent


def test_the_testing_guide_example_passes(cli_path: Path) -> None:
    env = dict(os.environ, CCSDK_CLI=str(cli_path))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "examples/testing_my_agent.py",
            "-p",
            "no:cacheprovider",
            "-q",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "3 passed" in proc.stdout
