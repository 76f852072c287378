"""examples/blocking_driver.py: the sans-IO protocol driven by plain blocking calls.

The driver runs as a child process against the real CLI and the FakeModel;
the tests read what it printed and what the model was sent.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ccsdk.testing import FakeModel, Turn, text, tool_use
from tests.procs import fake_cli

ROOT = Path(__file__).resolve().parent.parent
DRIVER = ROOT / "examples" / "blocking_driver.py"
e2e = pytest.mark.e2e


def run_driver(
    turns: list[Turn], cli_path: Path, tmp_path: Path, *args: str
) -> tuple[subprocess.CompletedProcess[str], FakeModel]:
    home = tmp_path / "home"
    home.mkdir()
    with FakeModel(turns) as model:
        proc = subprocess.run(
            [sys.executable, str(DRIVER), "--cli", str(cli_path), "--timeout", "90", *args],
            cwd=tmp_path,
            env=model.env(home=home, base=os.environ),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    return proc, model


def tool_results(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The tool_result blocks of the last message the model was sent."""
    content = body["messages"][-1]["content"]
    return [b for b in content if isinstance(b, dict) and b.get("type") == "tool_result"]


@e2e
def test_prints_the_answer_and_the_result(cli_path: Path, tmp_path: Path) -> None:
    proc, model = run_driver([Turn([text("Four.")])], cli_path, tmp_path, "What is 2 + 2?")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "[connected to Claude Code 2.1.331]"
    assert "Claude: Four." in lines
    assert lines[-1] == "Result: success, is_error=False, 1 turn(s): Four."
    assert model.requests[-1].last_user_text == "What is 2 + 2?"


@e2e
def test_answers_can_use_tool_with_allow(cli_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "note.txt"
    turns = [
        Turn([tool_use("Write", {"file_path": str(target), "content": "from the model\n"})]),
        Turn([text("Written.")]),
    ]
    proc, model = run_driver(turns, cli_path, tmp_path, "Write a note")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert "[can_use_tool] Write: allowed" in out
    assert out[-2:] == ["Claude: Written.", "Result: success, is_error=False, 2 turn(s): Written."]
    assert target.read_text() == "from the model\n"
    (result,) = tool_results(model.turn_requests[1])
    assert not result.get("is_error")


@e2e
def test_answers_can_use_tool_with_deny(cli_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "note.txt"
    turns = [
        Turn([tool_use("Write", {"file_path": str(target), "content": "x"})]),
        Turn([text("Then I will not.")]),
    ]
    proc, model = run_driver(turns, cli_path, tmp_path, "--deny", "Write a note")
    assert proc.returncode == 0, proc.stderr
    assert "[can_use_tool] Write: denied" in proc.stdout.splitlines()
    assert "Claude: Then I will not." in proc.stdout.splitlines()
    assert not target.exists()
    (result,) = tool_results(model.turn_requests[1])
    assert result["is_error"] is True
    assert "denies every tool" in str(result["content"])


@e2e
def test_an_api_error_is_an_error_result_and_exit_status_1(cli_path: Path, tmp_path: Path) -> None:
    turns = [Turn.http_error(500, "scripted failure")]
    proc, _ = run_driver(turns, cli_path, tmp_path, "Hello")
    assert proc.returncode == 1
    assert "is_error=True" in proc.stdout.splitlines()[-1]
    assert "the CLI exited with 1" in proc.stderr


def run_stand_in(scenario: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The driver against tests/fake_claude.py, misbehaving as ``scenario`` says."""
    return subprocess.run(
        [sys.executable, str(DRIVER), "--cli", fake_cli(tmp_path, scenario), "--timeout", "30"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_line_that_is_not_json_is_skipped(tmp_path: Path) -> None:
    proc = run_stand_in("non_json", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "[skipped a bad line] Failed to decode JSON" in proc.stderr
    assert "[SandboxDebug] this is not JSON" in proc.stderr
    assert proc.stdout.splitlines()[-2:] == [
        "Claude: partial",
        "Result: success, is_error=False, 1 turn(s): partial",
    ]


def test_a_cli_that_dies_mid_turn_is_an_error(tmp_path: Path) -> None:
    proc = run_stand_in("exit_mid_turn", tmp_path)
    assert proc.returncode == 1
    assert "error: the CLI's output ended in the middle of a turn" in proc.stderr
    assert "fatal: the model connection broke" in proc.stderr  # the CLI's stderr tail


def test_uses_only_the_protocol_and_the_standard_library() -> None:
    tree = ast.parse(DRIVER.read_text())
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            modules.add(node.module)
    ours = {m for m in modules if m.split(".")[0] == "ccsdk"}
    assert ours == {"ccsdk.protocol"}
    others = {m.split(".")[0] for m in modules - ours}
    assert others <= set(sys.stdlib_module_names), others - set(sys.stdlib_module_names)
    assert not others & {"asyncio", "trio", "anyio", "concurrent"}
