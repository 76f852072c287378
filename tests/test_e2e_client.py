"""ClaudeSDKClient and open_session end to end: the real CLI against the FakeModel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import pytest

from ccsdk import (
    AssistantMessage,
    ClaudeCodeOptions,
    ClaudeSDKClient,
    ControlRequestError,
    InitInfo,
    Message,
    ResultMessage,
    StreamEvent,
    SystemMessage,
    TextBlock,
    open_session,
)
from ccsdk.testing import FakeModel, Turn, text
from tests.conftest import Runner

pytestmark = pytest.mark.e2e

Options = Callable[..., ClaudeCodeOptions]


def conversation(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(role, text) for every text the model was shown, system reminders left out."""
    out = []
    for message in body["messages"]:
        if message["role"] not in ("user", "assistant"):
            continue  # 2.1.331 puts its environment notes in a "system" entry here
        content = message["content"]
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        for block in blocks:
            if block.get("type") == "text" and not block["text"].startswith("<system-reminder>"):
                out.append((message["role"], block["text"]))
    return out


def texts(messages: list[Message]) -> list[str]:
    return [
        b.text
        for m in messages
        if isinstance(m, AssistantMessage)
        for b in m.content
        if isinstance(b, TextBlock)
    ]


def test_two_turns_keep_the_conversation(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("Paris.")]), Turn([text("About 2.1 million.")]))

    async def main() -> tuple[list[Message], list[Message]]:
        async with ClaudeSDKClient(e2e_options()) as client:
            await client.query("What is the capital of France?")
            first = [m async for m in client.receive_response()]
            await client.query("How many people live there?")
            second = [m async for m in client.receive_response()]
            return first, second

    first, second = run(main)
    assert texts(first) == ["Paris."] and texts(second) == ["About 2.1 million."]
    assert first[-1].session_id == second[-1].session_id  # type: ignore[union-attr]
    seen = conversation(fake_model.turn_requests[1])
    assert seen[-3:] == [
        ("user", "What is the capital of France?"),
        ("assistant", "Paris."),
        ("user", "How many people live there?"),
    ]


def test_a_client_reconnects_after_disconnect_with_a_new_cli(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("One.")]), Turn([text("Two.")]))

    async def main() -> tuple[list[Message], list[Message], Any]:
        client = ClaudeSDKClient(e2e_options())
        await client.connect()
        await client.query("first")
        first = [m async for m in client.receive_response()]
        await client.disconnect()
        await client.connect()  # a new CLI: a new conversation
        await client.query("second")
        second = [m async for m in client.receive_response()]
        status = await client.get_mcp_status()
        await client.disconnect()
        return first, second, status

    first, second, status = run(main)
    assert texts(first) == ["One."] and texts(second) == ["Two."]
    assert first[-1].session_id != second[-1].session_id  # type: ignore[union-attr]
    assert ("user", "first") not in conversation(fake_model.turn_requests[1])
    assert isinstance(status, dict) and "mcpServers" in status


def test_interrupt_ends_a_slow_turn_and_the_next_turn_works(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(
        Turn([text("word " * 400)], chunk_size=5, chunk_delay=0.05), Turn([text("Next one.")])
    )

    async def main() -> tuple[list[Message], list[Message]]:
        async with ClaudeSDKClient(e2e_options(include_partial_messages=True)) as client:
            await client.query("Tell me a long story")
            first: list[Message] = []
            async for message in client.receive_response():
                first.append(message)
                if sum(isinstance(m, StreamEvent) for m in first) == 10:
                    await client.interrupt()
            await client.query("And now?")
            second = [m async for m in client.receive_response()]
            return first, second

    first, second = run(main)
    result = first[-1]
    assert isinstance(result, ResultMessage)
    assert result.subtype == "error_during_execution" and result.is_error
    assert result.terminal_reason == "aborted_streaming"
    assert texts(second) == ["Next one."]
    assert any(e["event"] == "client_disconnected" for e in fake_model.events)


def test_set_model_and_permission_mode_show_in_the_next_init(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("one")]), Turn([text("two")]))

    async def main() -> tuple[InitInfo, InitInfo]:
        async with ClaudeSDKClient(e2e_options()) as client:
            await client.query("first")
            first = [m async for m in client.receive_response()][0]  # noqa: RUF015 (drain it all)
            assert isinstance(first, SystemMessage)
            before = first.info
            await client.set_model("claude-sonnet-4-5")
            # The CLI answers with the mode in effect.
            assert await client.set_permission_mode("acceptEdits") == "acceptEdits"
            await client.query("second")
            after = [
                i
                async for m in client.receive_response()
                if isinstance(m, SystemMessage) and isinstance(i := m.info, InitInfo)
            ]
            assert isinstance(before, InitInfo)
            return before, after[0]

    before, after = run(main)
    assert before.permission_mode == "default"
    assert after.permission_mode == "acceptEdits"
    assert after.model == "claude-sonnet-4-5" != before.model
    assert fake_model.turn_requests[1]["model"] == "claude-sonnet-4-5"


def test_an_invalid_permission_mode_is_refused_with_its_code(
    run: Runner, e2e_options: Options
) -> None:
    async def main() -> None:
        async with ClaudeSDKClient(e2e_options()) as client:
            with pytest.raises(ControlRequestError) as info:
                await client.session.request("set_permission_mode", mode="bogus")
            assert info.value.error_code == "invalid_mode"
            status = await client.session.mcp_status()
            assert "mcpServers" in status

    run(main)


def test_open_session_runs_turns_in_its_own_nursery(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("from a session")]))

    async def main() -> list[Message]:
        async with open_session(e2e_options()) as session:
            await session.send("hi")
            with anyio.fail_after(30):
                return [m async for m in session.receive_response()]

    messages = run(main)
    assert texts(messages) == ["from a session"]
