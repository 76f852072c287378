"""What a type checker sees of ccsdk's public API: checked by mypy and pyright.

Not a test module for pytest: ``tests/test_typing.py`` runs both checkers,
in strict mode, on this file. Each ``assert_type`` pins the type a user's
editor shows; a change in the public types fails the check.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal, assert_type

import anyio

from ccsdk import (
    AssistantMessage,
    ClaudeAgentOptions,
    ClaudeCodeOptions,
    ClaudeSDKClient,
    ClaudeSDKError,
    CLIJSONDecodeError,
    ContentBlock,
    ControlRequestError,
    HookMatcher,
    Message,
    MessageIterator,
    PermissionResultAllow,
    PermissionResultDeny,
    ProcessError,
    ResultMessage,
    SdkMcpTool,
    Session,
    TextBlock,
    ToolPermissionContext,
    ToolUseBlock,
    create_sdk_mcp_server,
    open_session,
    query,
    tool,
)
from ccsdk.types import HookContext, McpSdkServerConfig


@tool("greet", "Greet someone", {"name": str})
async def greet(args: dict[str, Any]) -> dict[str, Any]:
    return {"content": [{"type": "text", "text": f"Hello, {args['name']}!"}]}


async def allow_reads(
    name: str, data: dict[str, Any], context: ToolPermissionContext
) -> PermissionResultAllow | PermissionResultDeny:
    if name == "Read":
        return PermissionResultAllow()
    return PermissionResultDeny(message="read-only agent")


async def log_tool(
    data: dict[str, Any], tool_use_id: str | None, context: HookContext
) -> dict[str, Any]:
    return {}


async def one_shot() -> None:
    # Two classes, each with its SDK's defaults; query() and the client take both.
    agent_options = ClaudeAgentOptions(
        allowed_tools=["Read"],
        skills=["pdf"],
        task_budget={"total": 50_000},
        hooks={"PreToolUse": [HookMatcher(hooks=[log_tool], on_failure="block")]},
    )
    assert_type(agent_options.skills, list[str] | Literal["all"] | None)
    assert_type(dataclasses.replace(agent_options, max_turns=1), ClaudeAgentOptions)
    await query(prompt="hi", options=agent_options).aclose()
    options = ClaudeCodeOptions(
        allowed_tools=["Read"],
        max_turns=2,
        can_use_tool=allow_reads,
        hooks={"PreToolUse": [HookMatcher(matcher="Bash", hooks=[log_tool])]},
        mcp_servers={"tools": create_sdk_mcp_server("tools", tools=[greet])},
    )
    assert_type(greet, SdkMcpTool[Any])
    assert_type(create_sdk_mcp_server("t"), McpSdkServerConfig)
    stream = query(prompt="hi", options=options)
    async for message in stream:
        assert_type(message, Message)
        if isinstance(message, AssistantMessage):
            for block in message.content:
                assert_type(block, ContentBlock)
                if isinstance(block, TextBlock):
                    assert_type(block.text, str)
                elif isinstance(block, ToolUseBlock):
                    assert_type(block.input, dict[str, Any])
        elif isinstance(message, ResultMessage):
            assert_type(message.total_cost_usd, float | None)
            assert_type(message.is_error, bool)
            assert_type(message.structured_output, Any)
    await stream.aclose()  # an async generator: aclosing() works on it


async def interactive() -> None:
    async with ClaudeSDKClient(ClaudeAgentOptions()) as agent_client:
        assert_type(agent_client.options, ClaudeAgentOptions | ClaudeCodeOptions)
    async with ClaudeSDKClient(ClaudeCodeOptions()) as client:
        await client.query("hello")
        responses = client.receive_response()
        assert_type(responses, MessageIterator)
        async for message in responses:
            assert_type(message, Message)
        assert_type(await client.get_server_info(), dict[str, Any] | None)
        await client.interrupt()
    async with open_session(ClaudeCodeOptions()) as session:
        assert_type(session, Session)
        await session.send("hi")


def errors(exc: ClaudeSDKError) -> None:
    if isinstance(exc, ProcessError):
        assert_type(exc.exit_code, int | None)
        assert_type(exc.stderr, str | None)
    elif isinstance(exc, CLIJSONDecodeError):
        assert_type(exc.line, str)
    elif isinstance(exc, ControlRequestError):
        assert_type(exc.error_code, str | None)


if __name__ == "__main__":
    anyio.run(one_shot)
