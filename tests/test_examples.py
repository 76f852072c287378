"""Every example runs, on trio and on asyncio, against the real CLI and the FakeModel."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ccsdk.testing import FakeModel, Turn, text, tool_use

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
SLOW = "Once upon a time, far beyond the last star, " * 60

# example file -> (the model's script, what the output must show)
CASES: dict[str, tuple[list[Turn], list[str]]] = {
    "seed/basic_interactive.py": (
        [Turn([text("I am well, thanks.")]), Turn([text("Sure: def add(a, b): ...")])],
        ["Claude: I am well, thanks.", "Claude: Sure: def add(a, b): ..."],
    ),
    "seed/configuration_options.py": (
        [Turn([text("Here is a server.")])],
        ["TextBlock(text='Here is a server.')", "ResultMessage(subtype='success'"],
    ),
    "seed/hooks.py": (
        [Turn([tool_use("Bash", {"command": "echo 'Hello World!'"})]), Turn([text("Ran it.")])],
        ["Hello World!", "TextBlock(text='Ran it.')", "ResultMessage(subtype='success'"],
    ),
    "seed/interrupt.py": (
        [Turn([text(SLOW)], chunk_size=8, chunk_delay=0.05)],
        ["error_during_execution"],
    ),
    "seed/server_info.py": ([], ["Commands available:", "Output style: default"]),
    "seed/custom_tools.py": (
        [Turn([tool_use("mcp__tools__greet", {"name": "Alice"})]), Turn([text("Greeted.")])],
        ["Hello, Alice!", "TextBlock(text='Greeted.')", "ResultMessage(subtype='success'"],
    ),
    "seed/manual_connection.py": (
        [Turn([text("Hello human.")])],
        ["TextBlock(text='Hello human.')", "ResultMessage(subtype='success'"],
    ),
    "quick_start.py": ([], ["offline mode", "Structured concurrency means"]),
}


@pytest.mark.parametrize("example", sorted(CASES))
def test_example_runs(example: str, backend: str, cli_path: Path, tmp_path: Path) -> None:
    turns, expected = CASES[example]
    home = tmp_path / "home"
    home.mkdir()
    with FakeModel(turns) as model:
        env = model.env(home=home, base=os.environ)
        env["CCSDK_CLI_PATH"] = str(cli_path)
        env["CCSDK_CLI"] = str(cli_path)
        env.pop("ANTHROPIC_API_KEY", None) if example == "quick_start.py" else None
        proc = subprocess.run(
            [
                sys.executable,
                str(ROOT / "tests" / "run_example.py"),
                backend,
                str(ROOT / "examples" / example),
            ],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    for snippet in expected:
        assert snippet in proc.stdout, (snippet, proc.stdout[-3000:])
