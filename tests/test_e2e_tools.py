"""Custom tools end to end: the real CLI calls in-process tools the FakeModel asks for.

The model's view is checked in the request the FakeModel receives after the
tool ran (``turn_requests[1]``): that is what the model was told.
"""

from __future__ import annotations

import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest

from ccsdk import (
    ClaudeCodeOptions,
    ClaudeSDKClient,
    InitInfo,
    Message,
    ResultMessage,
    SystemMessage,
    ToolResultBlock,
    UserMessage,
    create_sdk_mcp_server,
    tool,
)
from ccsdk.testing import FakeModel, Turn, text, tool_use
from tests.conftest import Runner

pytestmark = pytest.mark.e2e

Options = Callable[..., ClaudeCodeOptions]
PNG = (  # a 1x1 PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def tool_results(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The tool_result blocks of the last user message the model was sent, by tool_use_id."""
    last = [m for m in body["messages"] if m["role"] == "user"][-1]
    return {b["tool_use_id"]: b for b in last["content"] if b.get("type") == "tool_result"}


def result_text(block: dict[str, Any]) -> str:
    content = block["content"]
    if isinstance(content, str):
        return content
    return "".join(c.get("text", "") for c in content if c["type"] == "text")


async def one_turn(options: ClaudeCodeOptions, prompt: str) -> list[Message]:
    async with ClaudeSDKClient(options) as client:
        await client.query(prompt)
        return [m async for m in client.receive_response()]


def test_greet_result_reaches_the_model(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    """The seed's example: the model calls mcp__tools__greet, then sees the greeting."""
    calls: list[dict[str, Any]] = []

    @tool("greet", "Greet a user", {"name": str})
    async def greet_user(args: dict[str, Any]) -> dict[str, Any]:
        calls.append(args)
        return {"content": [{"type": "text", "text": f"Hello, {args['name']}!"}]}

    fake_model.add_turns(
        Turn([tool_use("mcp__tools__greet", {"name": "Alice"}, id="toolu_greet")]),
        Turn([text("done")]),
    )
    server = create_sdk_mcp_server(name="my-tools", version="1.0.0", tools=[greet_user])
    options = e2e_options(mcp_servers={"tools": server}, allowed_tools=["mcp__tools__greet"])

    messages = run(lambda: one_turn(options, "Greet Alice"))

    assert calls == [{"name": "Alice"}]
    block = tool_results(fake_model.turn_requests[1])["toolu_greet"]
    assert block["content"] == [{"type": "text", "text": "Hello, Alice!"}]
    assert not block.get("is_error")
    init = next(
        i for m in messages if isinstance(m, SystemMessage) and isinstance(i := m.info, InitInfo)
    )
    assert {"name": "tools", "status": "connected", "source": "sdk"} in init.mcp_servers
    seen = [
        b
        for m in messages
        if isinstance(m, UserMessage) and isinstance(m.content, list)
        for b in m.content
        if isinstance(b, ToolResultBlock)
    ]
    assert seen[0].content == [{"type": "text", "text": "Hello, Alice!"}]
    result = messages[-1]
    assert isinstance(result, ResultMessage) and result.subtype == "success"


def test_failures_reach_the_model_as_errors_and_the_turn_completes(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    @tool("greet", "Greet a user", {"name": str})
    async def greet(args: dict[str, Any]) -> dict[str, Any]:
        return {"content": [{"type": "text", "text": f"Hello, {args['name']}!"}]}

    @tool("boom", "Always fails", {})
    async def boom(args: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("the database is down")

    @tool("lookup", "Finds a city", {"city": str})
    async def lookup(args: dict[str, Any]) -> dict[str, Any]:
        return {"content": [{"type": "text", "text": "unknown city"}], "is_error": True}

    fake_model.add_turns(
        Turn(
            [
                tool_use("mcp__tools__boom", {}, id="toolu_boom"),
                tool_use("mcp__tools__greet", {"nam": 3}, id="toolu_invalid"),
                tool_use("mcp__tools__lookup", {"city": "Atlantis"}, id="toolu_soft"),
            ]
        ),
        Turn([text("All three failed.")]),
    )
    server = create_sdk_mcp_server("my-tools", tools=[greet, boom, lookup])
    names = ["mcp__tools__greet", "mcp__tools__boom", "mcp__tools__lookup"]
    options = e2e_options(mcp_servers={"tools": server}, allowed_tools=names)

    messages = run(lambda: one_turn(options, "Try them"))

    results = tool_results(fake_model.turn_requests[1])
    assert all(results[i]["is_error"] for i in ("toolu_boom", "toolu_invalid", "toolu_soft"))
    assert result_text(results["toolu_boom"]).startswith(
        "Tool 'boom' failed: RuntimeError: the database is down"
    )
    assert result_text(results["toolu_invalid"]).startswith(
        "Invalid arguments for tool 'greet': 'name' is a required property"
    )
    assert result_text(results["toolu_soft"]).startswith("unknown city")
    result = messages[-1]
    assert isinstance(result, ResultMessage) and result.subtype == "success"
    assert result.result == "All three failed."


def test_parallel_calls_finish_in_about_the_time_of_one(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    """Two 1 s tools in one assistant message take well under 2 s.

    The CLI runs MCP calls concurrently only for tools it may run in parallel,
    i.e. annotated ``readOnlyHint`` (without it, 2.1.331 calls them one by one).
    """
    spans: list[tuple[float, float]] = []

    @tool("nap", "Sleeps a while", {"seconds": float}, annotations={"readOnlyHint": True})
    async def nap(args: dict[str, Any]) -> dict[str, Any]:
        start = time.monotonic()
        await anyio.sleep(args["seconds"])
        spans.append((start, time.monotonic()))
        return {"content": [{"type": "text", "text": "rested"}]}

    fake_model.add_turns(
        Turn(
            [
                tool_use("mcp__tools__nap", {"seconds": 1.0}, id="toolu_a"),
                tool_use("mcp__tools__nap", {"seconds": 1.0}, id="toolu_b"),
            ]
        ),
        Turn([text("Both rested.")]),
    )
    server = create_sdk_mcp_server("my-tools", tools=[nap])
    options = e2e_options(mcp_servers={"tools": server}, allowed_tools=["mcp__tools__nap"])

    async def main() -> float:
        async with ClaudeSDKClient(options) as client:
            start = time.monotonic()
            await client.query("Take two naps")
            async for _ in client.receive_response():
                pass
            return time.monotonic() - start

    elapsed = run(main)
    assert len(spans) == 2
    assert max(s for s, _ in spans) < min(e for _, e in spans)  # they overlapped
    assert elapsed < 1.8, elapsed
    results = tool_results(fake_model.turn_requests[1])
    assert [result_text(results[i]) for i in ("toolu_a", "toolu_b")] == ["rested", "rested"]


def test_interrupt_cancels_a_running_tool(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    """CLI 2.1.331 cancels the call with an MCP notifications/cancelled on interrupt."""
    state: dict[str, Any] = {"cancelled": False}

    @tool("forever", "Never finishes", {})
    async def forever(args: dict[str, Any]) -> dict[str, Any]:
        state["started"].set()
        try:
            await anyio.sleep(60)
        except anyio.get_cancelled_exc_class():
            state["cancelled"] = True
            raise
        return {"content": []}

    fake_model.add_turns(Turn([tool_use("mcp__tools__forever", {})]), Turn([text("ok")]))
    server = create_sdk_mcp_server("my-tools", tools=[forever])
    options = e2e_options(mcp_servers={"tools": server}, allowed_tools=["mcp__tools__forever"])

    async def main() -> tuple[list[Message], float]:
        state["started"] = anyio.Event()
        messages: list[Message] = []
        async with ClaudeSDKClient(options) as client:
            await client.query("Wait forever")
            start = time.monotonic()

            async def interrupter() -> None:
                await state["started"].wait()
                await client.interrupt()

            with anyio.fail_after(30):
                async with anyio.create_task_group() as tg:
                    tg.start_soon(interrupter)
                    async for message in client.receive_response():
                        messages.append(message)
            return messages, time.monotonic() - start

    messages, elapsed = run(main)
    assert state["cancelled"] is True
    result = messages[-1]
    assert isinstance(result, ResultMessage) and result.subtype == "error_during_execution"
    assert elapsed < 20


def test_image_and_resource_content_reach_the_model(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    @tool("snapshot", "A picture and a file", {}, annotations={"title": "Snapshot"})
    async def snapshot(args: dict[str, Any]) -> dict[str, Any]:
        return {
            "content": [
                {"type": "image", "data": PNG, "mimeType": "image/png"},
                {"type": "resource", "resource": {"uri": "file:///notes.txt", "text": "the notes"}},
            ]
        }

    fake_model.add_turns(
        Turn([tool_use("mcp__tools__snapshot", {}, id="toolu_snap")]), Turn([text("Seen.")])
    )
    server = create_sdk_mcp_server("my-tools", tools=[snapshot])
    options = e2e_options(mcp_servers={"tools": server}, allowed_tools=["mcp__tools__snapshot"])

    run(lambda: one_turn(options, "Show me"))

    content = tool_results(fake_model.turn_requests[1])["toolu_snap"]["content"]
    images = [c for c in content if c["type"] == "image"]
    assert images[0]["source"] == {"type": "base64", "media_type": "image/png", "data": PNG}
    assert any("the notes" in c.get("text", "") for c in content)


EXTERNAL_SERVER = """
import anyio
import mcp.types as types
from mcp.server.lowlevel.server import Server
from mcp.server.stdio import stdio_server


async def list_tools(ctx, params):
    schema = {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}
    echo = types.Tool(name="echo", description="Echo", input_schema=schema)
    return types.ListToolsResult(tools=[echo])


async def call_tool(ctx, params):
    text = "echo: " + params.arguments["text"]
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)])


async def main():
    server = Server("ext", version="0.1", on_list_tools=list_tools, on_call_tool=call_tool)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


anyio.run(main)
"""


def test_sdk_and_external_servers_in_one_session(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path
) -> None:
    script = tmp_path / "echo_server.py"
    script.write_text(textwrap.dedent(EXTERNAL_SERVER))

    @tool("greet", "Greet a user", {"name": str})
    async def greet(args: dict[str, Any]) -> dict[str, Any]:
        return {"content": [{"type": "text", "text": f"Hello, {args['name']}!"}]}

    fake_model.add_turns(
        Turn(
            [
                tool_use("mcp__tools__greet", {"name": "Bob"}, id="toolu_sdk"),
                tool_use("mcp__ext__echo", {"text": "hi"}, id="toolu_ext"),
            ]
        ),
        Turn([text("Both answered.")]),
    )
    servers = {
        "tools": create_sdk_mcp_server("my-tools", tools=[greet]),
        "ext": {"type": "stdio", "command": sys.executable, "args": [str(script)]},
    }
    options = e2e_options(
        mcp_servers=servers, allowed_tools=["mcp__tools__greet", "mcp__ext__echo"]
    )

    messages = run(lambda: one_turn(options, "Use both"))

    init = next(
        i for m in messages if isinstance(m, SystemMessage) and isinstance(i := m.info, InitInfo)
    )
    statuses = {s["name"]: s["status"] for s in init.mcp_servers}
    assert statuses == {"tools": "connected", "ext": "connected"}
    results = tool_results(fake_model.turn_requests[1])
    assert result_text(results["toolu_sdk"]) == "Hello, Bob!"
    assert result_text(results["toolu_ext"]) == "echo: hi"
