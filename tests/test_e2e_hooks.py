"""Hooks and permission callbacks end to end: the real CLI against the FakeModel."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest

from ccsdk import (
    ClaudeCodeOptions,
    ClaudeSDKClient,
    HookContext,
    HookMatcher,
    Message,
    PermissionResultAllow,
    PermissionResultDeny,
    ResultMessage,
    ToolPermissionContext,
    query,
)
from ccsdk.testing import FakeModel, Turn, text, tool_use
from tests.conftest import Runner

pytestmark = pytest.mark.e2e

Options = Callable[..., ClaudeCodeOptions]


def tool_results(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every tool_result block the model was sent, in order."""
    out = []
    for message in body["messages"]:
        content = message["content"]
        if isinstance(content, list):
            out.extend(b for b in content if b.get("type") == "tool_result")
    return out


def result_text(block: dict[str, Any]) -> str:
    content = block.get("content")
    if isinstance(content, list):
        return "".join(c.get("text", "") for c in content)
    return str(content)


async def check_bash_command(
    input_data: dict[str, Any], tool_use_id: str | None, context: HookContext
) -> dict[str, Any]:
    """The seed's hook, as written there."""
    if input_data["tool_name"] != "Bash":
        return {}
    command = input_data["tool_input"].get("command", "")
    for pattern in ["rm -rf", "format"]:
        if pattern in command:
            return {
                "hookSpecificOutput": {
                    "hookEventName": "PreToolUse",
                    "permissionDecision": "deny",
                    "permissionDecisionReason": f"Command contains dangerous pattern: {pattern}",
                }
            }
    return {}


def test_a_pre_tool_use_hook_denies_rm_rf_and_lets_echo_run(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path
) -> None:
    victim = tmp_path / "work" / "keep-me"
    fake_model.add_turns(
        Turn([tool_use("Bash", {"command": f"rm -rf {victim}"}, id="toolu_rm")]),
        Turn([tool_use("Bash", {"command": "echo hello-from-bash"}, id="toolu_echo")]),
        Turn([text("All done.")]),
    )

    async def main() -> list[Message]:
        victim.mkdir()
        options = e2e_options(
            allowed_tools=["Bash"],
            hooks={"PreToolUse": [HookMatcher(matcher="Bash", hooks=[check_bash_command])]},
        )
        return [m async for m in query(prompt="clean up", options=options)]

    messages = run(main)
    assert victim.exists()  # the denied command never ran
    assert isinstance(messages[-1], ResultMessage) and not messages[-1].is_error
    denied, echoed = tool_results(fake_model.turn_requests[2])
    assert denied["tool_use_id"] == "toolu_rm" and denied.get("is_error") is True
    assert "Command contains dangerous pattern: rm -rf" in result_text(denied)
    assert echoed["tool_use_id"] == "toolu_echo"
    assert "hello-from-bash" in result_text(echoed)


def test_can_use_tool_rewrites_a_write(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path
) -> None:
    target = tmp_path / "work" / "note.txt"
    fake_model.add_turns(
        Turn([tool_use("Write", {"file_path": str(target), "content": "from the model\n"})]),
        Turn([text("Written.")]),
    )
    asked: list[tuple[str, ToolPermissionContext]] = []

    async def allow_rewritten(
        name: str, tool_input: dict[str, Any], context: ToolPermissionContext
    ) -> PermissionResultAllow:
        asked.append((name, context))
        return PermissionResultAllow(updated_input={**tool_input, "content": "rewritten\n"})

    async def main() -> list[Message]:
        options = e2e_options(can_use_tool=allow_rewritten)
        return [m async for m in query(prompt="write a note", options=options)]

    messages = run(main)
    assert target.read_text() == "rewritten\n"
    assert [name for name, _ in asked] == ["Write"]
    context = asked[0][1]
    assert context.tool_use_id is not None
    assert context.suggestions, "the CLI sends its permission suggestions"
    assert isinstance(messages[-1], ResultMessage) and not messages[-1].is_error


def test_deny_with_interrupt_ends_the_turn_and_the_next_turn_works(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path
) -> None:
    target = tmp_path / "work" / "never.txt"
    fake_model.add_turns(
        Turn([tool_use("Write", {"file_path": str(target), "content": "x"})]),
        Turn([text("Second turn fine.")]),
    )

    async def deny(
        name: str, tool_input: dict[str, Any], context: ToolPermissionContext
    ) -> PermissionResultDeny:
        return PermissionResultDeny(message="not today", interrupt=True)

    async def main() -> tuple[list[Message], list[Message]]:
        async with ClaudeSDKClient(e2e_options(can_use_tool=deny)) as client:
            await client.query("write it")
            first = [m async for m in client.receive_response()]
            await client.query("and now?")
            second = [m async for m in client.receive_response()]
            return first, second

    first, second = run(main)
    result = first[-1]
    assert isinstance(result, ResultMessage)
    assert result.is_error and result.subtype == "error_during_execution"
    assert result.terminal_reason == "aborted_tools"
    assert not target.exists()
    final = second[-1]
    assert isinstance(final, ResultMessage) and not final.is_error
    assert final.result == "Second turn fine."
    assert len(fake_model.turn_requests) == 2  # no model request after the interrupt


def test_a_hook_that_times_out_is_cancelled_and_the_tool_does_not_run(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path
) -> None:
    marker = tmp_path / "work" / "ran.txt"
    fake_model.add_turns(
        Turn([tool_use("Bash", {"command": f"touch {marker}"})]), Turn([text("ok")])
    )
    seen: list[str] = []

    async def never_answers(
        input_data: dict[str, Any], tool_use_id: str | None, context: HookContext
    ) -> dict[str, Any]:
        seen.append("called")
        try:
            await anyio.sleep_forever()
        except anyio.get_cancelled_exc_class():
            seen.append("cancelled")
            raise
        return {}

    async def main() -> list[Message]:
        options = e2e_options(
            allowed_tools=["Bash"],
            hooks={"PreToolUse": [HookMatcher(matcher="Bash", hooks=[never_answers], timeout=1)]},
        )
        with anyio.fail_after(60):
            return [m async for m in query(prompt="touch it", options=options)]

    messages = run(main)
    assert seen == ["called", "cancelled"]
    assert not marker.exists()
    assert isinstance(messages[-1], ResultMessage)
    (blocked,) = tool_results(fake_model.turn_requests[1])
    assert blocked.get("is_error") is True
    assert "timeout" in json.dumps(blocked).lower()


def test_a_hook_that_raises_is_an_error_to_the_cli_and_logged_here(
    run: Runner, fake_model: FakeModel, e2e_options: Options, caplog: pytest.LogCaptureFixture
) -> None:
    fake_model.add_turns(Turn([text("fine")]))

    async def broken(
        input_data: dict[str, Any], tool_use_id: str | None, context: HookContext
    ) -> dict[str, Any]:
        raise RuntimeError("hook bug")

    async def main() -> list[Message]:
        options = e2e_options(hooks={"UserPromptSubmit": [HookMatcher(hooks=[broken])]})
        return [m async for m in query(prompt="hi", options=options)]

    messages = run(main)
    assert isinstance(messages[-1], ResultMessage)  # the session went on
    records = [r for r in caplog.records if r.name == "ccsdk" and r.exc_info]
    assert records and "hook bug" in str(records[0].exc_info[1])  # type: ignore[index]


@pytest.mark.parametrize("holder", ["client", "open_session", "query"])
def test_a_hook_that_outlives_the_clis_timeout_holds_back_no_message(
    run: Runner, fake_model: FakeModel, e2e_options: Options, holder: str
) -> None:
    """The CLI gives up on the hook (its matcher's timeout) and writes its result:
    the turn ends at once, with the hook still running (it ignores the CLI's
    cancellation, as a blocking call in a thread would)."""
    fake_model.add_turns(
        Turn([tool_use("Bash", {"command": "echo hi"}, id="toolu_1")]),
        Turn([text("Done anyway.")]),
    )
    entered: list[float] = []

    async def ignores_cancel(
        input_data: dict[str, Any], tool_use_id: str | None, context: HookContext
    ) -> dict[str, Any]:
        entered.append(anyio.current_time())
        with anyio.CancelScope(shield=True):
            await anyio.sleep(5)
        return {}

    async def main() -> tuple[float, list[Message]]:
        options = e2e_options(
            allowed_tools=["Bash"],
            hooks={"PreToolUse": [HookMatcher(matcher="Bash", hooks=[ignores_cancel], timeout=1)]},
        )
        got: list[Message] = []
        with anyio.fail_after(30):
            if holder == "query":
                async for m in query(prompt="run it", options=options):
                    got.append(m)
                    if isinstance(m, ResultMessage):
                        elapsed = anyio.current_time() - entered[0]
            elif holder == "client":
                async with ClaudeSDKClient(options) as client:
                    await client.query("run it")
                    got = [m async for m in client.receive_response()]
                    elapsed = anyio.current_time() - entered[0]
            else:
                from ccsdk import open_session

                async with open_session(options) as session:
                    await session.send("run it")
                    got = [m async for m in session.receive_response()]
                    elapsed = anyio.current_time() - entered[0]
        return elapsed, got

    elapsed, messages = run(main)
    assert isinstance(messages[-1], ResultMessage)
    # The hook's 1 s timeout and the model; not the hook's 5 s.
    assert elapsed < 3.5, elapsed


def test_the_client_answers_a_permission_request_while_nobody_reads(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path
) -> None:
    target = tmp_path / "work" / "note.txt"
    fake_model.add_turns(
        Turn([tool_use("Write", {"file_path": str(target), "content": "x\n"})]),
        Turn([text("Written.")]),
    )

    async def main() -> tuple[bool, list[Message]]:
        asked = anyio.Event()

        async def allow(
            name: str, tool_input: dict[str, Any], context: ToolPermissionContext
        ) -> PermissionResultAllow:
            asked.set()
            return PermissionResultAllow()

        async with ClaudeSDKClient(e2e_options(can_use_tool=allow)) as client:
            await client.query("write a note")
            with anyio.move_on_after(15):
                await asked.wait()  # nobody reads the client meanwhile
            served = asked.is_set()
            messages = [m async for m in client.receive_response()]
        return served, messages

    served, messages = run(main)
    assert served, "the permission request waited for a reader"
    assert target.read_text() == "x\n"
    assert isinstance(messages[-1], ResultMessage) and not messages[-1].is_error


async def _crashing_guard_hook(
    input_data: dict[str, Any], tool_use_id: str | None, context: HookContext
) -> dict[str, Any]:
    raise RuntimeError("the guard's database is down")


async def _crashing_permission(
    name: str, tool_input: dict[str, Any], context: ToolPermissionContext
) -> PermissionResultAllow:
    raise RuntimeError("the guard's database is down")


async def _slow_allow(
    name: str, tool_input: dict[str, Any], context: ToolPermissionContext
) -> PermissionResultAllow:
    # The CLI asks the PermissionRequest hooks and this at once; the first
    # decision wins. Slow, so that the hook's answer comes first.
    await anyio.sleep(1.5)
    return PermissionResultAllow()


@pytest.mark.parametrize("guard", ["can_use_tool", "PreToolUse", "PermissionRequest"])
def test_a_guard_that_raises_keeps_the_tool_from_running(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path, guard: str
) -> None:
    victim = tmp_path / "work" / "created-by-bash"
    fake_model.add_turns(
        Turn([tool_use("Bash", {"command": f"touch {victim}"}, id="toolu_touch")]),
        Turn([text("Tried.")]),
    )

    async def main() -> list[Message]:
        if guard == "can_use_tool":
            options = e2e_options(can_use_tool=_crashing_permission)
        elif guard == "PreToolUse":
            options = e2e_options(
                allowed_tools=["Bash"],
                hooks={"PreToolUse": [HookMatcher(matcher="Bash", hooks=[_crashing_guard_hook])]},
            )
        else:  # the hook fails; without the denial, can_use_tool would allow it
            options = e2e_options(
                can_use_tool=_slow_allow,
                hooks={
                    "PermissionRequest": [HookMatcher(matcher="Bash", hooks=[_crashing_guard_hook])]
                },
            )
        with anyio.fail_after(60):
            return [m async for m in query(prompt="touch it", options=options)]

    messages = run(main)
    assert not victim.exists(), "the tool ran although its guard crashed"
    assert isinstance(messages[-1], ResultMessage)
    (denied,) = tool_results(fake_model.turn_requests[1])
    assert denied.get("is_error") is True
    assert "the guard's database is down" in result_text(denied)
