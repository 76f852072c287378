"""What a type checker sees of ccsdk's public API: checked by mypy and pyright.

Not a test module for pytest: ``tests/test_typing.py`` runs both checkers,
in strict mode, on this file. Each ``assert_type`` pins the type a user's
editor shows; a change in the public types fails the check.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
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
    ForkSessionResult,
    HookMatcher,
    InitInfo,
    Message,
    MessageIterator,
    PermissionResultAllow,
    PermissionResultDeny,
    ProcessError,
    ResultMessage,
    SdkMcpTool,
    SDKSessionInfo,
    Session,
    SessionMessage,
    StreamEvent,
    SystemMessage,
    TaskProgressMessage,
    TaskUsage,
    TextBlock,
    ToolPermissionContext,
    ToolUseBlock,
    adelete_session,
    afork_session,
    aget_session_info,
    aget_session_messages,
    aget_subagent_messages,
    alist_sessions,
    alist_subagents,
    arename_session,
    atag_session,
    create_sdk_mcp_server,
    delete_session,
    fork_session,
    get_session_info,
    get_session_messages,
    get_subagent_messages,
    list_sessions,
    list_subagents,
    open_session,
    query,
    rename_session,
    tag_session,
    tool,
)
from ccsdk.types import HookContext, HookInput, HookJSONOutput, McpSdkServerConfig


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
    data: HookInput, tool_use_id: str | None, context: HookContext
) -> HookJSONOutput:
    # Annotated as the official hooks example is; a hook's input is one of the events'.
    if data["hook_event_name"] == "PreToolUse":
        assert_type(data["tool_input"], dict[str, Any])
    return {"continue_": True}


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


def stored_sessions(sid: str) -> None:
    # The official SDK's session functions: synchronous, with its result types.
    for info in list_sessions("/repo", 10, 0, include_worktrees=False):
        assert_type(info, SDKSessionInfo)
        assert_type(info.last_modified, int)
        assert_type(info.custom_title, str | None)
    assert_type(list_sessions(Path("/repo")), list[SDKSessionInfo])
    assert_type(get_session_info(sid), SDKSessionInfo | None)
    for message in get_session_messages(sid, directory="/repo", limit=5, offset=1):
        assert_type(message, SessionMessage)
        assert_type(message.type, Literal["user", "assistant"])
        assert_type(message.message, Any)
        assert_type(message.parent_tool_use_id, str | None)
    assert_type(list_subagents(sid), list[str])
    assert_type(get_subagent_messages(sid, "agent", "/repo", None, 0), list[SessionMessage])
    assert_type(fork_session(sid, "/repo", None, "title"), ForkSessionResult)
    assert_type(fork_session(sid).session_id, str)
    assert_type(rename_session(sid, "title", "/repo"), None)
    assert_type(tag_session(sid, None), None)
    assert_type(delete_session(sid, directory="/repo"), None)


async def stored_sessions_async(sid: str) -> None:
    # ccsdk's awaitable forms: the same arguments and results.
    assert_type(await alist_sessions("/repo", limit=3), list[SDKSessionInfo])
    assert_type(await aget_session_info(sid, Path("/repo")), SDKSessionInfo | None)
    assert_type(await aget_session_messages(sid, None, 1, 0), list[SessionMessage])
    assert_type(await alist_subagents(sid), list[str])
    assert_type(await aget_subagent_messages(sid, "agent"), list[SessionMessage])
    assert_type(await afork_session(sid, up_to_message_id=sid), ForkSessionResult)
    assert_type(await arename_session(sid, "title"), None)
    assert_type(await atag_session(sid, "tag"), None)
    assert_type(await adelete_session(sid), None)


def errors(exc: ClaudeSDKError) -> None:
    if isinstance(exc, ProcessError):
        assert_type(exc.exit_code, int | None)
        assert_type(exc.stderr, str | None)
    elif isinstance(exc, CLIJSONDecodeError):
        assert_type(exc.line, str)
    elif isinstance(exc, ControlRequestError):
        assert_type(exc.error_code, str | None)


def message_types(message: Message) -> None:
    # The official dataclasses; ccsdk's extras are read-only properties.
    if isinstance(message, SystemMessage):
        info = message.info
        if isinstance(info, InitInfo):
            assert_type(info.tools, list[str])
            assert_type(info.permission_mode, str | None)
        if isinstance(message, TaskProgressMessage):
            assert_type(message.usage, TaskUsage)
            assert_type(message.usage["tool_uses"], int)
            assert_type(message.run_id, str | None)
    elif isinstance(message, AssistantMessage):
        assert_type(message.aborted, bool)
        assert_type(dataclasses.replace(message, model="m"), AssistantMessage)
    elif isinstance(message, StreamEvent):
        assert_type(message.abandoned_blocks, dict[str, Any] | None)
    elif isinstance(message, ResultMessage):
        assert_type(message.errors, list[str] | None)


if __name__ == "__main__":
    anyio.run(one_shot)
