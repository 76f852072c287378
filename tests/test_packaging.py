"""What a user gets from the installed package: a cheap import, a working command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ccsdk.testing import FakeModel, Turn, text


def test_import_ccsdk_loads_neither_mcp_nor_jsonschema() -> None:
    code = (
        "import ccsdk, sys; "
        "from ccsdk import tool, create_sdk_mcp_server, ClaudeSDKClient, query; "
        "assert 'mcp' not in sys.modules, 'mcp'; "
        "assert 'jsonschema' not in sys.modules, 'jsonschema'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.e2e
def test_the_ccsdk_command_streams_an_answer(cli_path: Path, tmp_path: Path) -> None:
    with FakeModel([Turn([text("Answer from the command.")])]) as model:
        env = model.env(home=tmp_path, base=os.environ)
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "ccsdk.cli",
                "hello",
                "--cli-path",
                str(cli_path),
                "--cwd",
                str(tmp_path),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "Answer from the command."
    assert "[success: 1 turn(s)" in proc.stderr


def test_the_ccsdk_command_says_when_there_is_no_cli(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ccsdk.cli", "hi", "--cli-path", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 3
    assert "npm install -g @anthropic-ai/claude-code" in proc.stderr
