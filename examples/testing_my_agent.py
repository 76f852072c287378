"""Testing an agent offline: the real Claude Code CLI against ccsdk.testing.FakeModel.

Run it with pytest (pytest-trio runs the async tests):

    python -m pytest examples/testing_my_agent.py

The file holds a small agent (``review``) and its tests. The tests need no
account and no network: ``FakeModel`` is a scripted Anthropic Messages API on
127.0.0.1, the CLI is pointed at it, and each test scripts what "the model"
answers, turn by turn, then checks what the agent returned and what the
model was sent. See docs/testing.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ccsdk import (
    ClaudeCodeOptions,
    PermissionResult,
    PermissionResultAllow,
    PermissionResultDeny,
    ResultError,
    ResultMessage,
    ToolPermissionContext,
    query,
)
from ccsdk.testing import FakeModel, Turn, ensure_cli, text, thinking, tool_use

# -- the agent under test ---------------------------------------------------------


async def no_shell(
    tool_name: str, tool_input: dict[str, Any], context: ToolPermissionContext
) -> PermissionResult:
    """The agent's permission policy: anything but the shell."""
    if tool_name == "Bash":
        return PermissionResultDeny(message="This agent does not run shell commands.")
    return PermissionResultAllow()


def agent_options(**overrides: Any) -> ClaudeCodeOptions:
    """The agent's configuration; tests add where the CLI is and what it talks to."""
    return ClaudeCodeOptions(can_use_tool=no_shell, max_turns=5, **overrides)


async def review(path: Path, options: ClaudeCodeOptions) -> str:
    """Ask Claude to review one file; return its one-line verdict."""
    prompt = f"Review the file {path} and give a one-line verdict."
    verdict = ""
    async for message in query(prompt=prompt, options=options):
        if isinstance(message, ResultMessage):
            verdict = message.result or ""
    return verdict


# -- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def cli() -> Path:
    """The pinned CLI: installed into .cli/ with npm once (or CCSDK_CLI, if set)."""
    return ensure_cli()


@pytest.fixture
def model() -> Iterator[FakeModel]:
    with FakeModel() as model:  # tests add their turns with model.add_turns(...)
        yield model


@pytest.fixture
def options(cli: Path, model: FakeModel, tmp_path: Path) -> ClaudeCodeOptions:
    home = tmp_path / "home"
    home.mkdir()
    # model.env(): ANTHROPIC_BASE_URL of the fake, a dummy key, HOME in a scratch dir.
    return agent_options(cli_path=cli, env=model.env(home=home), cwd=tmp_path)


def tool_results(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The tool_result blocks in the last message the model was sent."""
    content = body["messages"][-1]["content"]
    return [block for block in content if block.get("type") == "tool_result"]


# -- tests ----------------------------------------------------------------------------


@pytest.mark.trio
async def test_reads_the_file_and_returns_the_verdict(
    model: FakeModel, options: ClaudeCodeOptions, tmp_path: Path
) -> None:
    source = tmp_path / "hello.py"
    source.write_text("print('hello')\n")
    model.add_turns(
        # Turn 1: the model thinks, then calls Read (inside cwd: the CLI asks nobody).
        Turn([thinking("I should read it first."), tool_use("Read", {"file_path": str(source)})]),
        # Turn 2: the CLI ran Read and sent the result back; the model answers.
        Turn([text("Fine: one line, prints hello.")]),
    )

    verdict = await review(source, options)

    assert verdict == "Fine: one line, prints hello."
    # What the model was sent: the prompt first, then the file's content.
    first = await model.wait_for_turn_request(0)
    assert first.last_user_text == f"Review the file {source} and give a one-line verdict."
    (read,) = tool_results(model.turn_requests[1])
    assert "print('hello')" in str(read["content"])


@pytest.mark.trio
async def test_the_shell_is_refused(
    model: FakeModel, options: ClaudeCodeOptions, tmp_path: Path
) -> None:
    model.add_turns(
        Turn([tool_use("Bash", {"command": "rm -rf build"})]),
        Turn([text("I could not run it.")]),
    )

    verdict = await review(tmp_path / "hello.py", options)

    assert verdict == "I could not run it."
    (refused,) = tool_results(model.turn_requests[1])
    assert refused["is_error"] is True
    assert "does not run shell commands" in str(refused["content"])


@pytest.mark.trio
async def test_an_api_failure_is_a_result_error(
    model: FakeModel, options: ClaudeCodeOptions, tmp_path: Path
) -> None:
    model.add_turns(Turn.http_error(500, "the fake is down"))

    with pytest.raises(ResultError) as caught:
        await review(tmp_path / "hello.py", options)

    assert caught.value.data["is_error"]
    assert caught.value.api_error_status == 500
