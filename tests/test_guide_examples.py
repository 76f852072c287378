"""examples/trio_guide.py and examples/asyncio_guide.py, against the real CLI and the FakeModel."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ccsdk.testing import FakeModel, Turn, text

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
# A turn that takes about 20 s to stream: longer than the examples' 2 s bound.
SLOW = Turn([text("Once upon a time " * 120)], chunk_size=5, chunk_delay=0.05)
FRUITS = [Turn([text("Apple.")]), Turn([text("Pear.")]), Turn([text("Plum.")])]


def run(example: str, turns: list[Turn], cli_path: Path, tmp_path: Path) -> tuple[str, FakeModel]:
    home = tmp_path / "home"
    home.mkdir()
    with FakeModel(turns) as model:
        env = model.env(home=home, base=os.environ)
        env["CCSDK_CLI_PATH"] = str(cli_path)
        proc = subprocess.run(
            [sys.executable, str(ROOT / "examples" / example)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout, model


def sessions(out: str) -> set[str]:
    return set(re.findall(r"^2\. session \d: (.*)$", out, re.MULTILINE))


def test_trio_guide(cli_path: Path, tmp_path: Path) -> None:
    turns = [SLOW, Turn([text("Blue.")]), *FRUITS, Turn([text("Hello!")])]
    out, model = run("trio_guide.py", turns, cli_path, tmp_path)
    assert "1. no answer within 2.0 s: the turn was interrupted" in out
    assert "1. next turn: Blue." in out
    assert sessions(out) == {"Apple.", "Pear.", "Plum."}
    assert "3. first answer: Hello!" in out
    assert "4. CLINotFoundError: " in out
    # The slow stream was cut off by the interrupt, not read to its end.
    assert model.events[0]["event"] == "client_disconnected"


def test_asyncio_guide(cli_path: Path, tmp_path: Path) -> None:
    turns = [SLOW, Turn([text("Blue.")]), *FRUITS, SLOW]
    out, model = run("asyncio_guide.py", turns, cli_path, tmp_path)
    assert "1. no answer within 2.0 s: the turn was interrupted" in out
    assert "1. next turn: Blue." in out
    assert sessions(out) == {"Apple.", "Pear.", "Plum."}
    assert "3. cancelled; the CLI has been stopped and reaped" in out
    assert "4. CLINotFoundError: " in out
    assert model.events[0]["event"] == "client_disconnected"
