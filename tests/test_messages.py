"""The message models and their converter (ccsdk.protocol.messages / .codec).

Frames below follow what CLI 2.1.331 sends (shared/reference/cli-protocol.md
§3, §5), with ids shortened.
"""

import ast
import copy
import dataclasses
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any, Literal, Union, cast, get_args, get_origin

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccsdk.protocol import codec
from ccsdk.protocol.codec import (
    converter,
    decode_block,
    decode_message,
    encode_block,
    encode_message,
)
from ccsdk.protocol.errors import MessageParseError, RemoteProtocolError
from ccsdk.protocol.messages import (
    TERMINAL_TASK_STATUSES,
    ApiRetryInfo,
    AssistantMessage,
    AuthStatusMessage,
    ContentBlock,
    ConversationResetMessage,
    DeferredToolUse,
    HookEventMessage,
    HookProgressInfo,
    HookResponseInfo,
    HookStartedInfo,
    ImageBlock,
    InitInfo,
    Message,
    MessageOrigin,
    MirrorErrorMessage,
    PermissionDeniedInfo,
    PromptSuggestionMessage,
    RateLimitEvent,
    RateLimitInfo,
    RedactedThinkingBlock,
    ResultMessage,
    ServerToolResultBlock,
    ServerToolUseBlock,
    SessionKey,
    SessionStateInfo,
    StatusInfo,
    StreamEvent,
    SystemMessage,
    TaskNotificationMessage,
    TaskProgressMessage,
    TaskStartedMessage,
    TaskUpdatedMessage,
    TaskUsage,
    TextBlock,
    ThinkingBlock,
    ToolProgressMessage,
    ToolResultBlock,
    ToolUseBlock,
    ToolUseSummaryMessage,
    UnknownBlock,
    UnknownMessage,
    UserMessage,
)

SID = "0b9d2c56-6a43-4f1e-8d77-0e6c1c6d3f1a"
MESSAGE_CLASSES = get_args(Message)
BLOCK_CLASSES = get_args(ContentBlock)


def roundtrip(m: Any) -> None:
    """encode -> JSON text -> decode gives the same model back, extras included."""
    wire = json.loads(json.dumps(encode_message(m)))
    back = decode_message(wire)
    assert type(back) is type(m)
    assert back == m
    assert encode_message(back) == encode_message(m)


# --------------------------------------------------------------------------
# Real frames
# --------------------------------------------------------------------------

INIT = {
    "type": "system",
    "subtype": "init",
    "cwd": "/tmp/scratch/work",
    "session_id": SID,
    "tools": ["Task", "Bash", "Glob", "Grep", "Read", "Edit", "Write", "mcp__calc__add"],
    "mcp_servers": [{"name": "calc", "status": "connected", "source": "sdk"}],
    "model": "claude-opus-5-5",
    "permissionMode": "default",
    "slash_commands": ["compact", "context", "cost"],
    "apiKeySource": "ANTHROPIC_API_KEY",
    "claude_code_version": "2.1.331",
    "output_style": "default",
    "agents": ["general-purpose", "statusline-setup"],
    "skills": [],
    "plugins": [],
    "capabilities": {"interrupt_receipt_v1": True},
    "fast_mode_state": "off",
    "additional_directories": [],
    "uuid": "u-init",
}


def assistant_frame(block: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "assistant",
        "message": {
            "id": "msg_fake_0001",
            "type": "message",
            "role": "assistant",
            "model": "claude-opus-5-5",
            "content": [block],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 12, "output_tokens": 7},
        },
        "parent_tool_use_id": None,
        "session_id": SID,
        "uuid": "u-a1",
        "request_id": "req_011",
        **extra,
    }


def result_frame(**fields: Any) -> dict[str, Any]:
    base = {
        "type": "result",
        "subtype": "success",
        "is_error": False,
        "duration_ms": 312,
        "duration_api_ms": 120,
        "num_turns": 1,
        "result": "Hello!",
        "stop_reason": "end_turn",
        "session_id": SID,
        "total_cost_usd": 0.0123,
        "usage": {"input_tokens": 12, "output_tokens": 7},
        "modelUsage": {"claude-opus-5-5": {"inputTokens": 12, "outputTokens": 7}},
        "permission_denials": [],
        "terminal_reason": "completed",
        "uuid": "u-r1",
    }
    base.update(fields)
    return base


def test_init() -> None:
    m = decode_message(INIT)
    assert type(m) is SystemMessage  # as in claude_agent_sdk
    assert m.subtype == "init"
    assert m.data is INIT  # the whole raw frame, as in the official SDK
    info = m.info
    assert isinstance(info, InitInfo)
    assert info.session_id == SID
    assert info.model == "claude-opus-5-5"
    assert info.permission_mode == "default"
    assert info.api_key_source == "ANTHROPIC_API_KEY"
    assert info.tools[-1] == "mcp__calc__add"
    assert info.mcp_servers == [{"name": "calc", "status": "connected", "source": "sdk"}]
    assert info.claude_code_version == "2.1.331"
    assert info.agents == ["general-purpose", "statusline-setup"]
    assert info.cwd == "/tmp/scratch/work"
    assert m.info == info and m.info is not info  # a view, built on each access
    assert m.data["fast_mode_state"] == "off"  # untyped keys stay reachable
    assert encode_message(m) == INIT
    roundtrip(m)


def test_assistant_text() -> None:
    frame = assistant_frame({"type": "text", "text": "Hello!"})
    m = decode_message(frame)
    assert m == AssistantMessage(
        content=[TextBlock(text="Hello!")],
        model="claude-opus-5-5",
        parent_tool_use_id=None,
        message_id="msg_fake_0001",
        session_id=SID,
        uuid="u-a1",
        usage={"input_tokens": 12, "output_tokens": 7},
        stop_reason=None,
    )
    roundtrip(m)


def test_assistant_thinking_and_tool_use() -> None:
    thinking = decode_message(
        assistant_frame({"type": "thinking", "thinking": "Let me see.", "signature": "c2ln"})
    )
    assert isinstance(thinking, AssistantMessage)
    assert thinking.content == [ThinkingBlock(thinking="Let me see.", signature="c2ln")]

    tool = decode_message(
        assistant_frame(
            {
                "type": "tool_use",
                "id": "toolu_mcp_add",
                "name": "mcp__calc__add",
                "input": {"a": 2, "b": 40},
            },
            tool_use_meta={"server": "calc"},
        )
    )
    assert isinstance(tool, AssistantMessage)
    assert tool.content == [
        ToolUseBlock(id="toolu_mcp_add", name="mcp__calc__add", input={"a": 2, "b": 40})
    ]
    roundtrip(thinking)
    roundtrip(tool)


def test_assistant_api_error_and_aborted() -> None:
    frame = assistant_frame(
        {"type": "text", "text": "API Error: 500 fake failure. This is a server-side issue"},
        error="server_error",
        is_api_error_message=True,
        api_error_status=500,
    )
    frame["message"]["model"] = "<synthetic>"
    m = decode_message(frame)
    assert isinstance(m, AssistantMessage)
    assert (m.model, m.error, m.aborted) == ("<synthetic>", "server_error", False)

    aborted = decode_message(assistant_frame({"type": "text", "text": "Here is "}, aborted=True))
    assert isinstance(aborted, AssistantMessage) and aborted.aborted
    roundtrip(m)
    roundtrip(aborted)


def test_user_tool_result() -> None:
    frame = {
        "type": "user",
        "message": {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_mcp_add",
                    "content": [{"type": "text", "text": "42"}],
                }
            ],
        },
        "parent_tool_use_id": None,
        "session_id": SID,
        "uuid": "u-u1",
        "tool_use_result": [{"type": "text", "text": "42"}],
        "tool_result_meta": {},
    }
    m = decode_message(frame)
    assert m == UserMessage(
        content=[
            ToolResultBlock(tool_use_id="toolu_mcp_add", content=[{"type": "text", "text": "42"}])
        ],
        uuid="u-u1",
        tool_use_result=[{"type": "text", "text": "42"}],  # type: ignore[arg-type]
    )
    assert isinstance(m, UserMessage) and m.session_id == SID and not m.is_replay
    denied = decode_message(
        {
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": "toolu_w",
                        "content": "denied by test",
                        "is_error": True,
                    }
                ],
            },
            "parent_tool_use_id": None,
            "session_id": SID,
            "tool_use_result": "Error: denied by test",
        }
    )
    assert isinstance(denied, UserMessage)
    assert denied.content == [
        ToolResultBlock(tool_use_id="toolu_w", content="denied by test", is_error=True)
    ]
    roundtrip(m)
    roundtrip(denied)


def test_user_interrupt_marker_and_replay() -> None:
    marker = decode_message(
        {
            "type": "user",
            "message": {
                "role": "user",
                "content": [{"type": "text", "text": "[Request interrupted by user]"}],
            },
            "parent_tool_use_id": None,
            "session_id": SID,
        }
    )
    assert marker == UserMessage(content=[TextBlock("[Request interrupted by user]")])
    assert isinstance(marker, UserMessage) and marker.session_id == SID
    replay = decode_message(
        {
            "type": "user",
            "message": {
                "role": "user",
                "content": "<local-command-stdout>Set model to claude-sonnet-4-5"
                "</local-command-stdout>",
            },
            "parent_tool_use_id": None,
            "session_id": SID,
            "isReplay": True,
        }
    )
    assert isinstance(replay, UserMessage)
    assert replay.is_replay and isinstance(replay.content, str)
    roundtrip(replay)


def test_result_success() -> None:
    m = decode_message(result_frame())
    assert m == ResultMessage(
        subtype="success",
        duration_ms=312,
        duration_api_ms=120,
        is_error=False,
        num_turns=1,
        session_id=SID,
        total_cost_usd=0.0123,
        usage={"input_tokens": 12, "output_tokens": 7},
        result="Hello!",
        terminal_reason="completed",
        stop_reason="end_turn",
        model_usage={"claude-opus-5-5": {"inputTokens": 12, "outputTokens": 7}},  # type: ignore[typeddict-item]
        permission_denials=[],
        uuid="u-r1",
    )
    roundtrip(m)


def test_result_error_during_execution() -> None:
    frame = result_frame(
        subtype="error_during_execution",
        is_error=True,
        terminal_reason="aborted_streaming",
        errors=["[ede_diagnostic] aborted"],
        permission_denials=[{"tool_name": "Write", "tool_use_id": "toolu_w", "tool_input": {}}],
    )
    del frame["result"]
    m = decode_message(frame)
    assert isinstance(m, ResultMessage)
    assert m.is_error and m.result is None
    assert m.errors == ["[ede_diagnostic] aborted"]
    assert m.permission_denials[0]["tool_name"] == "Write"
    roundtrip(m)


def test_result_success_subtype_with_api_error() -> None:
    m = decode_message(
        result_frame(is_error=True, api_error_status=500, terminal_reason="api_error")
    )
    assert isinstance(m, ResultMessage)
    assert (m.subtype, m.is_error, m.api_error_status, m.terminal_reason) == (
        "success",
        True,
        500,
        "api_error",
    )


def test_stream_event() -> None:
    frame: dict[str, Any] = {
        "type": "stream_event",
        "event": {
            "type": "content_block_delta",
            "index": 1,
            "delta": {"type": "text_delta", "text": "Here is "},
        },
        "session_id": SID,
        "parent_tool_use_id": None,
        "uuid": "u-s1",
        "api_message_id": "msg_fake_0002",
    }
    m = decode_message(frame)
    assert m == StreamEvent(uuid="u-s1", session_id=SID, event=frame["event"])
    assert isinstance(m, StreamEvent) and m.api_message_id == "msg_fake_0002"
    assert m.abandoned_blocks is None
    roundtrip(m)


def test_rate_limit_event() -> None:
    # As CLI 2.1.331 sent it for the FakeModel's anthropic-ratelimit-unified-* headers.
    info = {
        "status": "allowed",
        "resetsAt": 1795592712,
        "rateLimitType": "five_hour",
        "isUsingOverage": False,
        "unifiedWindows": {"five_hour": {"utilization": 0.91, "resetsAt": 1795592712}},
    }
    frame = {"type": "rate_limit_event", "rate_limit_info": info, "uuid": "u-rl", "session_id": SID}
    m = decode_message(frame)
    assert m == RateLimitEvent(
        rate_limit_info=RateLimitInfo(
            status="allowed",
            resets_at=1795592712,
            rate_limit_type="five_hour",
            raw=info,
        ),
        uuid="u-rl",
        session_id=SID,
    )
    assert isinstance(m, RateLimitEvent) and m.rate_limit_info.is_using_overage is False
    assert m.rate_limit_info.raw["unifiedWindows"]["five_hour"]["utilization"] == 0.91
    assert encode_message(m) == frame
    roundtrip(m)


def test_rate_limit_info_fields_from_camel_case() -> None:
    info = {
        "status": "rejected",
        "resetsAt": 1795592712,
        "rateLimitType": "seven_day_opus",
        "utilization": 1,
        "overageStatus": "allowed_warning",
        "overageResetsAt": 1795600000,
        "overageDisabledReason": "out_of_credits",
        "isUsingOverage": True,
    }
    m = decode_message(
        {"type": "rate_limit_event", "rate_limit_info": info, "uuid": "u", "session_id": SID}
    )
    assert isinstance(m, RateLimitEvent)
    assert m.rate_limit_info == RateLimitInfo(
        status="rejected",
        resets_at=1795592712,
        rate_limit_type="seven_day_opus",
        utilization=1,
        overage_status="allowed_warning",
        overage_resets_at=1795600000,
        overage_disabled_reason="out_of_credits",
        raw=info,
    )
    assert m.rate_limit_info.is_using_overage is True
    changed = dataclasses.replace(
        m, rate_limit_info=dataclasses.replace(m.rate_limit_info, status="allowed")
    )
    assert encode_message(changed)["rate_limit_info"] == {**info, "status": "allowed"}


def system(subtype: str, **fields: Any) -> dict[str, Any]:
    return {"type": "system", "subtype": subtype, **fields, "session_id": SID, "uuid": "u-x"}


def test_status() -> None:
    requesting = decode_message(system("status", status="requesting"))
    assert type(requesting) is SystemMessage
    info = requesting.info
    assert isinstance(info, StatusInfo)
    assert (info.status, info.permission_mode) == ("requesting", None)
    mode = decode_message(system("status", status=None, permissionMode="acceptEdits"))
    assert type(mode) is SystemMessage
    assert mode.info == StatusInfo(None, "acceptEdits", SID, "u-x")
    roundtrip(mode)


def test_api_retry() -> None:
    frame = system(
        "api_retry",
        attempt=1,
        max_retries=2,
        retry_delay_ms=624,
        error_status=529,
        error="overloaded",
    )
    m = decode_message(frame)
    assert type(m) is SystemMessage
    r = m.info
    assert isinstance(r, ApiRetryInfo)
    assert (r.attempt, r.max_retries, r.retry_delay_ms, r.error_status, r.error) == (
        1,
        2,
        624,
        529,
        "overloaded",
    )
    assert encode_message(m) == frame


def test_session_state_changed() -> None:
    for state in ("running", "requires_action", "idle"):
        m = decode_message(system("session_state_changed", state=state, sdk_host_only=True))
        assert type(m) is SystemMessage
        assert m.info == SessionStateInfo(state, True, SID, "u-x")


def test_permission_denied() -> None:
    m = decode_message(
        system(
            "permission_denied",
            tool_name="Write",
            tool_use_id="toolu_w",
            message="Claude requested permissions to write to /x, but you haven't granted it yet.",
        )
    )
    assert type(m) is SystemMessage
    denied = m.info
    assert isinstance(denied, PermissionDeniedInfo)
    assert (denied.tool_name, denied.tool_use_id, denied.agent_id) == ("Write", "toolu_w", None)


# Frames below as CLI 2.1.331 sent them against the FakeModel (ids shortened);
# tests/test_e2e_messages.py provokes each of them from the real CLI.


def test_task_frames_of_a_foreground_subagent() -> None:
    started = system(
        "task_started",
        task_id="a3fb",
        run_id="0mwv-a4df",
        tool_use_id="toolu_1",
        description="look around",
        subagent_type="general-purpose",
        is_backgrounded=False,
        spawn_depth=1,
        task_type="local_agent",
        prompt="Say hi",
    )
    progress = system(
        "task_progress",
        task_id="a3fb",
        run_id="0mwv-a4df",
        tool_use_id="toolu_1",
        description="Running echo sub",
        subagent_type="general-purpose",
        usage={"total_tokens": 105, "tool_uses": 1, "duration_ms": 56},
        last_tool_name="Bash",
    )
    updated = system(
        "task_updated",
        task_id="a3fb",
        run_id="0mwv-a4df",
        patch={"status": "completed", "end_time": 1795589103398},
    )
    notification = system(
        "task_notification",
        task_id="a3fb",
        run_id="0mwv-a4df",
        tool_use_id="toolu_1",
        status="completed",
        output_file="/tmp/claude-0/x/tasks/a3fb.output",
        summary="sub says hi",
        usage={"total_tokens": 103, "tool_uses": 1, "duration_ms": 187},
    )
    m = decode_message(started)
    assert isinstance(m, TaskStartedMessage) and isinstance(m, SystemMessage)
    assert (m.task_id, m.task_type, m.subagent_type, m.prompt) == (
        "a3fb",
        "local_agent",
        "general-purpose",
        "Say hi",
    )
    assert (m.is_backgrounded, m.spawn_depth, m.tool_use_id, m.skip_transcript) == (
        False,
        1,
        "toolu_1",
        False,
    )
    assert m.data is started

    p = decode_message(progress)
    assert isinstance(p, TaskProgressMessage)
    assert p.usage == TaskUsage(total_tokens=105, tool_uses=1, duration_ms=56)
    assert p.usage is progress["usage"]  # the wire object itself (a TypedDict)
    assert (p.last_tool_name, p.description) == ("Bash", "Running echo sub")
    assert (p.run_id, p.subagent_type, p.summary) == ("0mwv-a4df", "general-purpose", None)

    u = decode_message(updated)
    assert isinstance(u, TaskUpdatedMessage)
    assert u.patch == {"status": "completed", "end_time": 1795589103398}
    assert u.status == "completed"
    assert u.run_id == "0mwv-a4df"

    n = decode_message(notification)
    assert isinstance(n, TaskNotificationMessage)
    assert n.status in TERMINAL_TASK_STATUSES
    assert (n.summary, n.usage and n.usage["tool_uses"], n.reason) == ("sub says hi", 1, None)
    for frame, msg in ((started, m), (progress, p), (updated, u), (notification, n)):
        assert encode_message(msg) == frame
        roundtrip(msg)


def test_task_frames_of_a_long_bash_command() -> None:
    started = system(
        "task_started",
        task_id="b4di",
        run_id="0mwv-f24c",
        tool_use_id="toolu_1",
        description="sleep 4; echo done",
        is_backgrounded=False,
        task_type="local_bash",
    )
    done = system(
        "task_notification",
        task_id="b4di",
        run_id="0mwv-f24c",
        tool_use_id="toolu_1",
        status="completed",
        output_file="",
        summary="sleep 4; echo done",
    )
    m, n = decode_message(started), decode_message(done)
    assert isinstance(m, TaskStartedMessage) and m.subagent_type is None
    assert isinstance(n, TaskNotificationMessage)
    assert (n.output_file, n.usage) == ("", None)


def test_hook_frames() -> None:
    started = system(
        "hook_started", hook_id="434e", hook_name="PreToolUse:Bash", hook_event="PreToolUse"
    )
    progress = system(
        "hook_progress",
        hook_id="434e",
        hook_name="PreToolUse:Bash",
        hook_event="PreToolUse",
        stdout="first\n",
        stderr="",
        output="first\n",
    )
    response = system(
        "hook_response",
        hook_id="434e",
        hook_name="PreToolUse:Bash",
        hook_event="PreToolUse",
        output="first\nsecond\n",
        stdout="first\nsecond\n",
        stderr="",
        exit_code=0,
        outcome="success",
    )
    s, p, r = (decode_message(f) for f in (started, progress, response))
    # As claude_agent_sdk: started and response are HookEventMessage, progress plain.
    assert type(s) is HookEventMessage and type(r) is HookEventMessage
    assert type(p) is SystemMessage
    for m in (s, r):
        assert isinstance(m, HookEventMessage)
        assert (m.hook_event_name, m.session_id, m.uuid) == ("PreToolUse", SID, "u-x")
        assert (m.hook_id, m.hook_name) == ("434e", "PreToolUse:Bash")
    s_info, p_info, r_info = s.info, p.info, r.info
    assert s_info == HookStartedInfo("434e", "PreToolUse:Bash", "PreToolUse", SID, "u-x")
    assert isinstance(p_info, HookProgressInfo) and p_info.stdout == "first\n"
    assert isinstance(r_info, HookResponseInfo)
    assert (r_info.outcome, r_info.exit_code, r_info.stdout) == ("success", 0, "first\nsecond\n")
    assert r_info.hook_event == "PreToolUse"
    for frame, msg in ((started, s), (progress, p), (response, r)):
        assert encode_message(msg) == frame
        roundtrip(msg)


def test_tool_progress_heartbeat() -> None:
    frame = {
        "type": "tool_progress",
        "tool_use_id": "toolu_1-heartbeat-0",
        "tool_name": "Bash",
        "parent_tool_use_id": "toolu_1",
        "elapsed_time_seconds": 30,
        "heartbeat": True,
        "session_id": SID,
        "uuid": "u-tp",
    }
    m = decode_message(frame)
    assert m == ToolProgressMessage(
        tool_use_id="toolu_1-heartbeat-0",
        tool_name="Bash",
        elapsed_time_seconds=30,
        parent_tool_use_id="toolu_1",
        heartbeat=True,
        uuid="u-tp",
        session_id=SID,
        data=frame,
    )
    assert encode_message(m) == frame
    roundtrip(m)


def test_tool_use_summary_prompt_suggestion_auth_status_conversation_reset() -> None:
    summary = {
        "type": "tool_use_summary",
        "summary": "Ran echo",
        "preceding_tool_use_ids": ["toolu_1"],
        "uuid": "u-s",
        "session_id": SID,
    }
    suggestion = {
        "type": "prompt_suggestion",
        "suggestion": "now run the tests",
        "uuid": "u-p",
        "session_id": SID,
    }
    auth = {
        "type": "auth_status",
        "isAuthenticating": False,
        "output": [],
        "error": "apiKeyHelper failed: exited 3: oops",
        "uuid": "u-a",
        "session_id": SID,
    }
    reset = {
        "type": "conversation_reset",
        "new_conversation_id": "6dbb",
        "uuid": "6dbb",
        "trigger": "clear",
        "user_message_uuid": "f18d",
        "timestamp": "2026-11-25T06:45:05.688Z",
        "session_id": SID,
    }
    assert decode_message(summary) == ToolUseSummaryMessage(
        summary="Ran echo",
        preceding_tool_use_ids=["toolu_1"],
        uuid="u-s",
        session_id=SID,
        data=summary,
    )
    assert decode_message(suggestion) == PromptSuggestionMessage(
        suggestion="now run the tests", uuid="u-p", session_id=SID, data=suggestion
    )
    a = decode_message(auth)
    assert a == AuthStatusMessage(
        is_authenticating=False,
        output=[],
        error="apiKeyHelper failed: exited 3: oops",
        uuid="u-a",
        session_id=SID,
        data=auth,
    )
    r = decode_message(reset)
    assert isinstance(r, ConversationResetMessage)
    assert (r.new_conversation_id, r.trigger, r.user_message_uuid) == ("6dbb", "clear", "f18d")
    for frame in (summary, suggestion, auth, reset):
        m = decode_message(frame)
        assert encode_message(m) == frame
        roundtrip(m)
    assert (r.timestamp, r.uuid, r.session_id) == ("2026-11-25T06:45:05.688Z", "6dbb", SID)
    # The renamed key is written back under its wire name.
    assert isinstance(a, AuthStatusMessage)
    changed = dataclasses.replace(a, is_authenticating=True)
    assert encode_message(changed)["isAuthenticating"] is True


INFO_FRAMES_THAT_DO_NOT_FIT = [
    {"type": "rate_limit_event"},
    {"type": "rate_limit_event", "rate_limit_info": {}},
    {"type": "rate_limit_event", "rate_limit_info": {"status": "allowed", "resetsAt": "soon"}},
    {"type": "tool_progress", "tool_use_id": "t", "tool_name": "Bash"},
    {"type": "tool_use_summary", "summary": "s", "preceding_tool_use_ids": "t"},
    {"type": "prompt_suggestion", "suggestion": None},
    {"type": "auth_status", "is_authenticating": True, "output": []},
    {"type": "conversation_reset", "why": "?"},
]
SYSTEM_FRAMES_THAT_DO_NOT_FIT = [
    system("task_started", task_id=7, description="d"),
    system("task_progress", task_id="t", description="d", usage={"total_tokens": 1}),
    system("task_updated", task_id=7, patch={}),
    system("task_notification", task_id="t", status="completed", summary="s"),
    system("hook_started", hook_id="h", hook_event=7),
    system("hook_progress", hook_id="h", hook_name="n", hook_event="e", stdout=1),
    system("hook_response", hook_id="h", hook_name="n", hook_event=["e"], output="o"),
    system("mirror_error", key="k"),
]


@pytest.mark.parametrize("frame", INFO_FRAMES_THAT_DO_NOT_FIT)
def test_an_informational_frame_that_does_not_fit_stays_unknown(frame: dict[str, Any]) -> None:
    """Not an error that would end the user's iteration: what it was before ccsdk typed it."""
    m = decode_message(frame)
    assert m == UnknownMessage(type=frame["type"], data=frame)
    assert m.data is frame
    assert encode_message(m) == frame


@pytest.mark.parametrize("frame", SYSTEM_FRAMES_THAT_DO_NOT_FIT)
def test_a_task_or_hook_frame_that_does_not_fit_stays_plain(frame: dict[str, Any]) -> None:
    m = decode_message(frame)
    assert type(m) is SystemMessage
    assert m.subtype == frame["subtype"] and m.data is frame


@pytest.mark.parametrize(
    ("frame", "cls", "words"),
    [
        (INFO_FRAMES_THAT_DO_NOT_FIT[0], RateLimitEvent, ["rate_limit_info is missing"]),
        (INFO_FRAMES_THAT_DO_NOT_FIT[2], RateLimitEvent, ["rate_limit_info.resetsAt", "integer"]),
        (INFO_FRAMES_THAT_DO_NOT_FIT[3], ToolProgressMessage, ["elapsed_time_seconds is missing"]),
        (INFO_FRAMES_THAT_DO_NOT_FIT[4], ToolUseSummaryMessage, ["preceding_tool_use_ids"]),
        (INFO_FRAMES_THAT_DO_NOT_FIT[6], AuthStatusMessage, ["isAuthenticating is missing"]),
        (SYSTEM_FRAMES_THAT_DO_NOT_FIT[0], TaskStartedMessage, ["task_id must be a string"]),
        (SYSTEM_FRAMES_THAT_DO_NOT_FIT[1], TaskProgressMessage, ["usage.tool_uses is missing"]),
        (SYSTEM_FRAMES_THAT_DO_NOT_FIT[6], HookEventMessage, ["hook_event must be a string"]),
        (SYSTEM_FRAMES_THAT_DO_NOT_FIT[5], HookProgressInfo, ["stdout must be a string"]),
        (SYSTEM_FRAMES_THAT_DO_NOT_FIT[7], MirrorErrorMessage, ["key must be an object"]),
        ({k: v for k, v in INIT.items() if k != "model"}, InitInfo, ["'system/init'", "model"]),
        ({**INIT, "permissionMode": 3}, InitInfo, ["permissionMode", "string or null"]),
        ({**INIT, "tools": "Bash"}, InitInfo, ["tools must be an array"]),
        ({**INIT, "tools": ["Bash", None]}, InitInfo, ["tools[1]"]),
        (
            system("api_retry", attempt="1", max_retries=2, retry_delay_ms=1),
            ApiRetryInfo,
            ["attempt"],
        ),
    ],
)
def test_the_converter_is_strict_for_a_class_asked_for(
    frame: dict[str, Any], cls: type[Any], words: list[str]
) -> None:
    """``converter.structure(frame, TheClass)`` cannot return another class: it raises."""
    with pytest.raises(MessageParseError) as info:
        converter.structure(frame, cls)
    assert info.value.data is frame
    for word in words:
        assert word in str(info.value)


def test_newer_fields_of_the_frequent_frames() -> None:
    a = decode_message(
        assistant_frame(
            {"type": "text", "text": "hi"},
            user_message_uuid="c-2",
            user_message_uuids=["c-1", "c-2"],
        )
    )
    assert isinstance(a, AssistantMessage)
    assert (a.user_message_uuid, a.user_message_uuids) == ("c-2", ["c-1", "c-2"])
    user = decode_message(
        {
            "type": "user",
            "message": {"role": "user", "content": "hi"},
            "parent_tool_use_id": None,
            "origin": {"kind": "human"},
        }
    )
    assert isinstance(user, UserMessage) and user.origin == {"kind": "human"}
    deferred = {"id": "toolu_d", "name": "Bash", "input": {"command": "make"}}
    r = decode_message(
        result_frame(
            terminal_reason="tool_deferred",
            deferred_tool_use=deferred,
            origin={"kind": "channel", "server": "slack"},
            user_message_uuid="c-2",
            user_message_uuids=["c-2"],
        )
    )
    assert isinstance(r, ResultMessage)
    assert r.deferred_tool_use == DeferredToolUse(
        id="toolu_d", name="Bash", input={"command": "make"}
    )
    assert (r.origin, r.user_message_uuid, r.user_message_uuids) == (
        {"kind": "channel", "server": "slack"},
        "c-2",
        ["c-2"],
    )
    for m in (a, user, r):
        roundtrip(m)


def test_untyped_system_subtypes_stay_plain() -> None:
    for frame in (
        system("thinking_tokens", estimated_tokens=4, estimated_tokens_delta=2),
        system("informational", content="auto mode", level="warning"),
        system("brand_new_subtype"),
    ):
        m = decode_message(frame)
        assert type(m) is SystemMessage
        assert m.subtype == frame["subtype"] and m.data is frame
        assert encode_message(m) == frame


def test_unknown_type_kept() -> None:
    for frame in (
        {"type": "command_lifecycle", "command_uuid": "x", "state": "queued"},
        {"type": "api_metrics", "event": {"type": "start", "ttft_ms": 3}},
        {"type": "control_cancel_request", "request_id": "r"},
    ):
        m = decode_message(frame)
        assert m == UnknownMessage(type=frame["type"], data=frame)
        assert encode_message(m) == frame


def test_blocks() -> None:
    frames: dict[str, dict[str, Any]] = {
        "redacted": {"type": "redacted_thinking", "data": "EmwKAhgB"},
        "image": {
            "type": "image",
            "source": {"type": "base64", "media_type": "image/png", "data": "iVBO"},
        },
        "server_use": {
            "type": "server_tool_use",
            "id": "srvtoolu_1",
            "name": "web_search",
            "input": {"query": "trio"},
        },
        "web_search": {
            "type": "web_search_tool_result",
            "tool_use_id": "srvtoolu_1",
            "content": [{"type": "web_search_result", "url": "https://x", "title": "x"}],
        },
        "code_exec": {
            "type": "code_execution_tool_result",
            "tool_use_id": "srvtoolu_2",
            "content": {"type": "code_execution_tool_result_error", "error_code": "unavailable"},
        },
        "unknown": {"type": "document", "source": {"type": "text", "data": "hi"}, "title": "t"},
    }
    blocks = {name: decode_block(f) for name, f in frames.items()}
    assert blocks["redacted"] == RedactedThinkingBlock(data="EmwKAhgB")
    assert blocks["image"] == ImageBlock(source=frames["image"]["source"])
    assert blocks["server_use"] == ServerToolUseBlock(
        id="srvtoolu_1", name="web_search", input={"query": "trio"}
    )
    web_search = blocks["web_search"]
    assert web_search == ServerToolResultBlock(
        tool_use_id="srvtoolu_1", content=frames["web_search"]["content"]
    )
    assert isinstance(web_search, ServerToolResultBlock)
    assert web_search.type == "web_search_tool_result"
    assert isinstance(blocks["code_exec"], ServerToolResultBlock)
    assert ServerToolResultBlock("t", {}).type == "advisor_tool_result"
    assert blocks["unknown"] == UnknownBlock(type="document", raw=frames["unknown"])
    for name, b in blocks.items():
        assert encode_block(b) == frames[name]
        assert decode_block(encode_block(b)) == b


def test_unknown_block_inside_a_message_is_kept() -> None:
    m = decode_message(assistant_frame({"type": "container_upload", "file_id": "f1"}))
    assert isinstance(m, AssistantMessage)
    assert m.content == [
        UnknownBlock(type="container_upload", raw={"type": "container_upload", "file_id": "f1"})
    ]


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "words"),
    [
        (result_frame(num_turns=None), ["'result' frame", "num_turns", "integer"]),
        ({k: v for k, v in result_frame().items() if k != "session_id"}, ["session_id", "missing"]),
        (result_frame(duration_ms="312"), ["duration_ms", "integer", "string"]),
        (result_frame(is_error=1), ["is_error", "boolean"]),
        (result_frame(errors=["ok", 3]), ["errors[1]"]),
        ({"type": "assistant"}, ["'assistant' frame", "message is missing"]),
        (assistant_frame({"type": "text"}), ["message.content[0].text is missing"]),
        (assistant_frame({"text": "no type"}), ["message.content[0].type is missing"]),
        (assistant_frame({"type": "tool_use", "id": "t", "name": "n", "input": []}), ["input"]),
        ({"type": "user", "message": {"role": "user"}}, ["'user' frame", "message.content"]),
        ({"type": "stream_event", "uuid": "u", "session_id": SID}, ["event is missing"]),
        ({"type": "system"}, ["subtype is missing"]),
        (
            assistant_frame({"type": "text", "text": "x"}, user_message_uuids=["a", 2]),
            ["'assistant' frame", "user_message_uuids[1] must be a string"],
        ),
        (result_frame(user_message_uuid=3), ["user_message_uuid", "string or null"]),
        (result_frame(deferred_tool_use={"id": "t", "name": "B"}), ["deferred_tool_use.input"]),
        ({"no": "type"}, ["type is missing"]),
        ({"type": 7}, ["type must be a string"]),
    ],
)
def test_parse_errors(frame: dict[str, Any], words: list[str]) -> None:
    with pytest.raises(MessageParseError) as info:
        decode_message(frame)
    assert isinstance(info.value, RemoteProtocolError)
    assert info.value.data is frame
    for word in words:
        assert word in str(info.value)


def test_non_object_frame() -> None:
    with pytest.raises(MessageParseError, match="JSON object"):
        decode_message([1, 2])  # type: ignore[arg-type]
    with pytest.raises(MessageParseError):
        decode_block("text")  # type: ignore[arg-type]


def test_bool_is_not_an_int_and_nothing_is_coerced() -> None:
    with pytest.raises(MessageParseError, match="num_turns"):
        decode_message(result_frame(num_turns=True))
    with pytest.raises(MessageParseError, match="model"):
        decode_message(
            assistant_frame({"type": "text", "text": "x"})
            | {"message": {"model": 5, "content": []}}
        )


# --------------------------------------------------------------------------
# The converter, the models
# --------------------------------------------------------------------------


def test_converter_agrees_with_the_functions() -> None:
    frames = [
        INIT,
        assistant_frame({"type": "text", "text": "x"}),
        result_frame(),
        {
            "type": "rate_limit_event",
            "rate_limit_info": {"status": "allowed"},
            "uuid": "u",
            "session_id": SID,
        },
        {"type": "conversation_reset", "new_conversation_id": "c", "uuid": "u", "session_id": SID},
        {"type": "prompt_suggestion", "suggestion": "go on"},
        system("hook_started", hook_id="h", hook_name="Stop", hook_event="Stop"),
        system("task_started", task_id="t", description="d"),
    ]
    for frame in frames:
        m: Any = converter.structure(frame, Message)  # type: ignore[arg-type]
        assert m == decode_message(frame)
        assert converter.unstructure(m) == encode_message(m)
        assert converter.structure(frame, type(m)) == m
    assert type(converter.structure(INIT, SystemMessage)) is SystemMessage
    assert converter.structure(INIT, InitInfo) == decode_message(INIT).info  # type: ignore[union-attr]
    assert converter.structure({"type": "text", "text": "x"}, ContentBlock) == TextBlock("x")  # type: ignore[arg-type]
    with pytest.raises(MessageParseError, match="num_turns"):
        converter.structure(result_frame(num_turns="1"), ResultMessage)
    usage = {"total_tokens": 1, "tool_uses": 0, "duration_ms": 5, "later": True}
    assert converter.structure(usage, TaskUsage) is usage  # type: ignore[call-overload]
    with pytest.raises(MessageParseError, match="TaskUsage object: tool_uses is missing"):
        converter.structure({"total_tokens": 1, "duration_ms": 5}, TaskUsage)  # type: ignore[call-overload]
    with pytest.raises(MessageParseError, match="RateLimitInfo object: status"):
        converter.structure({"status": None}, RateLimitInfo)
    assert converter.structure(
        {"id": "t", "name": "Bash", "input": {}}, DeferredToolUse
    ) == DeferredToolUse("t", "Bash", {})


# What `import ccsdk` and the frames of every turn must not import: cattrs (and
# with it pathlib, urllib.parse, ipaddress, typing_extensions) costs ~25 ms.
LAZY_CATTRS_CHECK = """
import json, sys
import ccsdk
from ccsdk.protocol.codec import decode_message, encode_message, decode_block, encode_block
assert "cattrs" not in sys.modules, "import ccsdk"
frames, bad_frames, trigger = json.loads(sys.stdin.read())
for frame in frames:
    encode_message(decode_message(frame))
for frame in bad_frames:
    try:
        decode_message(frame)
    except ccsdk.MessageParseError:
        pass
    else:
        raise AssertionError(frame)
for block in ({"type": "text", "text": "x"}, {"type": "thinking", "thinking": "t"}):
    encode_block(decode_block(block))
assert "cattrs" not in sys.modules, "the frames of every turn"
if trigger is None:
    from ccsdk.protocol import converter
elif trigger == "encode":
    encode_block(ccsdk.ImageBlock(source={}))
else:
    decode_message(trigger)
assert "cattrs" in sys.modules
"""

EVERY_TURN = [
    INIT,
    assistant_frame({"type": "text", "text": "Hello!"}),
    assistant_frame({"type": "tool_use", "id": "t", "name": "Bash", "input": {"command": "ls"}}),
    {
        "type": "user",
        "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t"}]},
    },
    {"type": "stream_event", "uuid": "u", "session_id": SID, "event": {}},
    result_frame(),
    system("status", status="requesting"),
    system("session_state_changed", state="running", sdk_host_only=True),
    system("api_retry", attempt=1, max_retries=2, retry_delay_ms=0.5),
    system("hook_started", hook_id="h", hook_name="Stop", hook_event="Stop"),
    system("task_updated", task_id="t", patch={"status": "killed"}),
    {"type": "system", "subtype": "thinking_tokens", "tokens": 3},
    {"type": "command_lifecycle", "command_uuid": "c", "state": "started"},
]
# Errors in them are reported without cattrs too.
BAD_EVERY_TURN = [
    result_frame(num_turns="1"),
    assistant_frame({"type": "text"}),
    {"type": "system", "subtype": None},
]


@pytest.mark.parametrize(
    "trigger",
    [
        None,  # from ccsdk.protocol import converter
        "encode",  # a generated encoder
        {"type": "rate_limit_event", "rate_limit_info": {"status": "allowed"}},
        {"type": "rate_limit_event", "rate_limit_info": {}},  # does not fit: still tried
        system("task_started", task_id="t", description="d", uuid="u", session_id=SID),
        {"type": "conversation_reset", "new_conversation_id": "c", "uuid": "u", "session_id": SID},
        {"type": "user", "message": {"content": [{"type": "image", "source": {}}]}},
    ],
)
def test_cattrs_is_imported_only_when_a_generated_hook_is_needed(trigger: Any) -> None:
    subprocess.run(
        [sys.executable, "-c", LAZY_CATTRS_CHECK],
        input=json.dumps([EVERY_TURN, BAD_EVERY_TURN, trigger]),
        text=True,
        check=True,
    )


def test_models_are_plain_dataclasses_as_in_the_official_sdk() -> None:
    block = TextBlock(text="x")
    block.text = "y"  # not frozen, as claude_agent_sdk's
    assert dataclasses.asdict(block) == {"text": "y"}
    result = ResultMessage(
        subtype="success", duration_ms=1, duration_api_ms=1, is_error=False, num_turns=1,
        session_id="s",
    )  # fmt: skip
    assert (result.permission_denials, result.errors) == (None, None)
    with pytest.raises(TypeError):
        ThinkingBlock(thinking="t")  # type: ignore[call-arg]
    extra = (*SYSTEM_CLASSES.values(), HookEventMessage, RateLimitInfo, DeferredToolUse)
    for cls in (*MESSAGE_CLASSES, *BLOCK_CLASSES, *extra):
        assert dataclasses.is_dataclass(cls) and not attrs.has(cls) and cls.__doc__
        assert not cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    for view in (InitInfo, StatusInfo, ApiRetryInfo, SessionStateInfo, PermissionDeniedInfo):
        assert view.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_extras_are_properties_read_from_the_raw_frame_not_fields() -> None:
    a = decode_message(assistant_frame({"type": "text", "text": "Here is "}, aborted=True))
    assert isinstance(a, AssistantMessage) and a.aborted
    names = [f.name for f in dataclasses.fields(a)]
    assert "aborted" not in names and "_frame" not in names
    assert "aborted" not in dataclasses.asdict(a) and "_frame" not in repr(a)
    # replace() builds a new instance from the fields: the raw frame is not carried.
    copied = dataclasses.replace(a, model="other")
    assert not copied.aborted and "aborted" not in encode_message(copied)
    assert copy.copy(a).aborted and copy.deepcopy(a).aborted
    assert a == AssistantMessage(content=a.content, **{n: getattr(a, n) for n in names[1:]})


def test_replaced_system_message_encodes_its_change() -> None:
    frame = system("task_started", task_id="t", description="d", run_id="r")
    m = decode_message(frame)
    assert isinstance(m, TaskStartedMessage) and m.run_id == "r"
    changed = dataclasses.replace(m, description="e", task_type="local_bash")
    assert changed.run_id == "r"  # from data, which replace() keeps
    wire = encode_message(changed)
    assert (wire["description"], wire["task_type"]) == ("e", "local_bash")
    hand_made = TaskStartedMessage(
        subtype="task_started", data={}, task_id="t", description="d", uuid="u", session_id="s"
    )
    assert encode_message(hand_made) == {
        "type": "system",
        "subtype": "task_started",
        "task_id": "t",
        "description": "d",
        "uuid": "u",
        "session_id": "s",
    }


def test_system_info_views() -> None:
    assert decode_message(system("compact_boundary")).info is None  # type: ignore[union-attr]
    assert decode_message(system("status", status=3)).info is None  # type: ignore[union-attr]
    assert decode_message(system("task_updated", task_id="t")).info is None  # type: ignore[union-attr]
    assert SystemMessage("init", {}).info is None
    view = SystemMessage("session_state_changed", {"state": "idle"}).info
    assert view == SessionStateInfo(state="idle")
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.state = "running"  # type: ignore[misc, union-attr]


def test_protocol_modules_import_no_io() -> None:
    forbidden = {
        "trio",
        "anyio",
        "asyncio",
        "subprocess",
        "socket",
        "threading",
        "os",
        "time",
        "random",
    }
    for module in (codec, __import__("ccsdk.protocol.messages", fromlist=["x"])):
        assert module.__file__ is not None
        tree = ast.parse(Path(module.__file__).read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in forbidden, (module.__name__, name)


# --------------------------------------------------------------------------
# Property tests
# --------------------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
json_values = st.recursive(
    json_scalars,
    lambda kids: (
        st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=6), kids, max_size=3)
    ),
    max_leaves=8,
)
json_objects = st.dictionaries(st.text(max_size=8), json_values, max_size=4)

INFO_CLASSES: dict[str, type[Any]] = {
    "rate_limit_event": RateLimitEvent,
    "tool_progress": ToolProgressMessage,
    "tool_use_summary": ToolUseSummaryMessage,
    "prompt_suggestion": PromptSuggestionMessage,
    "auth_status": AuthStatusMessage,
    "conversation_reset": ConversationResetMessage,
}
KNOWN_TYPES = ["assistant", "user", "result", "stream_event", "system", *INFO_CLASSES]
KNOWN_BLOCK_TYPES = [
    "text",
    "thinking",
    "redacted_thinking",
    "tool_use",
    "tool_result",
    "image",
    "server_tool_use",
]
# The subtypes claude_agent_sdk's parser gives a SystemMessage subclass.
SYSTEM_CLASSES: dict[str, type[SystemMessage]] = {
    "task_started": TaskStartedMessage,
    "task_progress": TaskProgressMessage,
    "task_updated": TaskUpdatedMessage,
    "task_notification": TaskNotificationMessage,
    "hook_started": HookEventMessage,
    "hook_response": HookEventMessage,
    "mirror_error": MirrorErrorMessage,
}
# The subtypes that stay plain SystemMessage but have a view (SystemMessage.info).
VIEW_CLASSES: dict[str, type[Any]] = {
    "init": InitInfo,
    "status": StatusInfo,
    "api_retry": ApiRetryInfo,
    "session_state_changed": SessionStateInfo,
    "permission_denied": PermissionDeniedInfo,
    "hook_started": HookStartedInfo,
    "hook_progress": HookProgressInfo,
    "hook_response": HookResponseInfo,
}
# Python field name -> wire key, where they differ (an independent restatement
# of the codec's renames).
WIRE_NAMES = {
    "permission_mode": "permissionMode",
    "api_key_source": "apiKeySource",
    "is_authenticating": "isAuthenticating",
    "resets_at": "resetsAt",
    "rate_limit_type": "rateLimitType",
    "overage_status": "overageStatus",
    "overage_resets_at": "overageResetsAt",
    "overage_disabled_reason": "overageDisabledReason",
}
# Fields a decoder computes from other keys: not generated as wire keys.
DERIVED = {(TaskUpdatedMessage, "status"), (HookEventMessage, "hook_event_name")}


def raw_field(cls: type[Any]) -> str | None:
    """Where a class keeps its raw dict: ``data`` of frames, ``raw`` of nested values."""
    if cls in (RateLimitEvent, ConversationResetMessage):
        return "_frame"
    if issubclass(cls, SystemMessage) or cls in INFO_CLASSES.values():
        return "data"
    if cls is RateLimitInfo:
        return "raw"
    return None


def raw_of(m: Any) -> Any:
    """The raw frame a decoded message keeps (in ``data`` or on the instance)."""
    return m.data if hasattr(m, "data") else m._frame


def required(f: "dataclasses.Field[Any]") -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def unknown_name(known: list[str]) -> st.SearchStrategy[str]:
    return st.text(max_size=20).filter(lambda s: s not in known and not s.endswith("_tool_result"))


def for_type(t: Any) -> st.SearchStrategy[Any]:
    """A strategy for values of annotation ``t``, as the models declare them."""
    if t is Any:
        return json_values
    if t is str:
        return st.text(max_size=12)
    if t is bool:
        return st.booleans()
    if t is int:
        return st.integers(-(2**63), 2**63)
    if t is float:
        return st.floats(allow_nan=False, allow_infinity=False)
    if t is type(None):
        return st.none()
    if t == ContentBlock:
        return st.one_of([for_model(cls) for cls in BLOCK_CLASSES])
    if t is TaskUsage:
        ints = st.integers(0, 2**53)
        return st.fixed_dictionaries({"total_tokens": ints, "tool_uses": ints, "duration_ms": ints})
    if t is MessageOrigin:
        return st.builds(lambda d, kind: {**d, "kind": kind}, json_objects, st.text(max_size=8))
    if t is SessionKey:
        return json_objects
    origin = get_origin(t)
    if origin is Literal:
        return st.sampled_from(get_args(t)) | st.text(max_size=8)
    if origin is dict:
        return json_objects
    if origin is list:
        return st.lists(for_type(get_args(t)[0]), max_size=3)
    if origin in (Union, types.UnionType):
        return st.one_of([for_type(a) for a in get_args(t)])
    if dataclasses.is_dataclass(t):
        return for_model(cast(type[Any], t))
    raise NotImplementedError(t)


def wire_for(t: Any) -> st.SearchStrategy[Any]:
    """The JSON of a field of annotation ``t``: a nested raw-keeping value is an object."""
    if isinstance(t, type) and raw_field(t) is not None and not issubclass(t, dict):
        return wire_object(t, {})
    if get_origin(t) in (Union, types.UnionType):
        return st.one_of([wire_for(a) for a in get_args(t)])
    return for_type(t)


def wire_object(cls: type[Any], tags: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Raw dicts for ``cls``: typed keys of the right JSON types, absent or present, plus noise."""
    required_keys: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for f in dataclasses.fields(cls):
        if f.name in ("subtype", raw_field(cls)) or (cls, f.name) in DERIVED:
            continue
        key = WIRE_NAMES.get(f.name, f.name)
        (required_keys if required(f) else optional)[key] = wire_for(f.type)
    typed = st.fixed_dictionaries(required_keys, optional=optional)
    # Noise never reuses a typed key: an absent optional field must stay absent.
    taken = {*required_keys, *optional, "uuid", "session_id", "hook_event", "hook_name", *tags}
    return st.builds(
        lambda noise, fields: {
            **{k: v for k, v in noise.items() if k not in taken},
            **fields,
            **tags,
        },
        json_objects,
        typed,
    )


def for_model(cls: type[Any]) -> st.SearchStrategy[Any]:
    """Instances of a model, built from its attrs fields (from frames if it keeps one)."""
    if cls is UnknownBlock:
        return st.builds(
            lambda kind, raw: UnknownBlock(type=kind, raw={**raw, "type": kind}),
            unknown_name(KNOWN_BLOCK_TYPES),
            json_objects,
        )
    if cls is ServerToolResultBlock:
        kinds = st.sampled_from(["web_search_tool_result", "web_fetch_tool_result"]) | st.text(
            max_size=8
        ).map(lambda s: s + "_tool_result")
        return st.builds(
            lambda kind, tool_use_id, content: decode_block(
                {"type": kind, "tool_use_id": tool_use_id, "content": content}
            ),
            kinds,
            st.text(),
            json_values,
        )
    if cls is UnknownMessage:
        return st.builds(
            lambda kind, data: UnknownMessage(type=kind, data={**data, "type": kind}),
            unknown_name(KNOWN_TYPES),
            json_objects,
        )
    if cls is SystemMessage:
        return system_frames().map(decode_message)
    if cls in INFO_CLASSES.values():
        return info_frames(cls).map(decode_message)
    return st.builds(cls, **{f.name: for_type(f.type) for f in dataclasses.fields(cls)})


def system_frames() -> st.SearchStrategy[dict[str, Any]]:
    """Raw system frames: typed fields of the right JSON types, absent or present, plus noise."""
    known = [
        wire_object(cls, {"type": "system", "subtype": subtype})
        for subtype, cls in SYSTEM_CLASSES.items()
    ]
    plain = unknown_name(list(SYSTEM_CLASSES)).flatmap(
        lambda s: st.builds(
            lambda noise: {**noise, "type": "system", "subtype": s},
            json_objects,
        )
    )
    return st.one_of([*known, plain])


def info_frames(cls: type[Any] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Raw frames of the informational types (of ``cls`` only, if given)."""
    return st.one_of(
        [
            wire_object(c, {"type": kind})
            for kind, c in INFO_CLASSES.items()
            if cls is None or c is cls
        ]
    )


@given(st.one_of([for_model(cls) for cls in MESSAGE_CLASSES]))
@settings(max_examples=400)
def test_message_roundtrip(m: Any) -> None:
    assert "type" in encode_message(m)
    roundtrip(m)
    assert converter.structure(converter.unstructure(m), Message) == m  # type: ignore[arg-type]


@given(st.one_of([for_model(cls) for cls in BLOCK_CLASSES]))
@settings(max_examples=200)
def test_block_roundtrip(b: Any) -> None:
    assert decode_block(json.loads(json.dumps(encode_block(b)))) == b


@given(system_frames())
@settings(max_examples=300)
def test_system_frames_roundtrip_through_their_raw_dicts(frame: dict[str, Any]) -> None:
    m = decode_message(frame)
    assert isinstance(m, SYSTEM_CLASSES.get(frame["subtype"], SystemMessage))
    assert isinstance(m, SystemMessage) and m.data is frame
    assert encode_message(m) == frame
    assert decode_message(encode_message(m)) == m
    view = m.info
    if frame["subtype"] in VIEW_CLASSES:
        assert view is None or type(view) is VIEW_CLASSES[frame["subtype"]]
    else:
        assert view is None


@given(info_frames())
@settings(max_examples=300)
def test_informational_frames_roundtrip_through_their_raw_dicts(frame: dict[str, Any]) -> None:
    """Typed (not fallen back), the whole frame kept in ``data``, encoded back exactly."""
    m = decode_message(frame)
    assert type(m) is INFO_CLASSES[frame["type"]]
    assert raw_of(m) is frame
    if isinstance(m, RateLimitEvent):
        assert m.rate_limit_info.raw is frame["rate_limit_info"]
    assert encode_message(m) == frame
    assert decode_message(json.loads(json.dumps(encode_message(m)))) == m


FRAME_KEYS = [
    "type", "subtype", "message", "session_id", "uuid", "parent_tool_use_id", "error", "aborted",
    "isReplay", "tool_use_result", "event", "duration_ms", "duration_api_ms", "is_error",
    "num_turns", "total_cost_usd", "usage", "result", "terminal_reason", "stop_reason",
    "permission_denials", "errors", "api_error_status", "modelUsage", "rate_limit_info", "model",
    "cwd", "tools", "mcp_servers", "permissionMode", "status", "attempt", "max_retries",
    "retry_delay_ms", "error_status", "state", "sdk_host_only", "tool_name", "tool_use_id",
    "origin", "user_message_uuid", "user_message_uuids", "deferred_tool_use", "task_id",
    "description", "patch", "output_file", "summary", "hook_id", "hook_name", "hook_event",
    "outcome", "stdout", "stderr", "output", "elapsed_time_seconds", "heartbeat",
    "preceding_tool_use_ids", "suggestion", "isAuthenticating", "new_conversation_id",
]  # fmt: skip
BLOCK_KEYS = [
    "type", "text", "thinking", "signature", "data", "id", "name", "input", "tool_use_id",
    "content", "is_error", "source",
]  # fmt: skip


def keyed(keys: list[str], values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(keys) | st.text(max_size=4), values, max_size=8)


blockish = st.builds(
    lambda d, kind: d if kind is None else {**d, "type": kind},
    keyed(BLOCK_KEYS, json_values),
    st.none() | st.sampled_from([*KNOWN_BLOCK_TYPES, "web_search_tool_result", "document"]),
)
contentish = st.lists(blockish | json_values, max_size=3)
messageish = keyed(
    ["id", "model", "content", "usage", "stop_reason", "role"], json_values | contentish
)
fuzz_values = json_values | contentish | messageish | blockish
fuzz_frames = st.builds(
    lambda d, kind, subtype: {
        **d,
        "type": kind,
        **({} if subtype is None else {"subtype": subtype}),
    },
    keyed(FRAME_KEYS, fuzz_values),
    st.sampled_from(KNOWN_TYPES) | json_values,
    st.none() | st.sampled_from([*SYSTEM_CLASSES, "success", "thinking_tokens"]) | json_values,
)


REAL_FRAMES = [
    INIT,
    assistant_frame({"type": "text", "text": "Hello!"}),
    assistant_frame({"type": "tool_use", "id": "t", "name": "Bash", "input": {"command": "ls"}}),
    assistant_frame({"type": "thinking", "thinking": "hm", "signature": "s"}, aborted=True),
    {
        "type": "user",
        "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t"}]},
        "isReplay": False,
    },
    result_frame(errors=["e"], permission_denials=[{"tool_name": "Write"}]),
    {
        "type": "stream_event",
        "uuid": "u",
        "session_id": SID,
        "event": {},
        "parent_tool_use_id": None,
    },
    {
        "type": "rate_limit_event",
        "rate_limit_info": {"status": "allowed", "resetsAt": 1, "utilization": 0.5},
        "uuid": "u",
        "session_id": SID,
    },
    {"type": "tool_progress", "tool_use_id": "t", "tool_name": "B", "elapsed_time_seconds": 30},
    {"type": "tool_use_summary", "summary": "s", "preceding_tool_use_ids": ["t"]},
    {"type": "prompt_suggestion", "suggestion": "go on"},
    {"type": "auth_status", "isAuthenticating": True, "output": ["a"], "error": None},
    {"type": "conversation_reset", "new_conversation_id": "c", "trigger": "clear"},
    system("task_started", task_id="t", description="d", is_backgrounded=True),
    system(
        "task_progress",
        task_id="t",
        description="d",
        usage={"total_tokens": 1, "tool_uses": 2, "duration_ms": 3},
    ),
    system("task_updated", task_id="t", patch={"status": "killed"}),
    system("task_notification", task_id="t", status="failed", output_file="", summary="s"),
    system(
        "hook_response",
        hook_id="h",
        hook_name="Stop",
        hook_event="Stop",
        output="",
        stdout="",
        stderr="",
        exit_code=2,
        outcome="error",
    ),
    system("status", status=None, permissionMode="plan"),
    system("api_retry", attempt=1, max_retries=2, retry_delay_ms=0.5, error_status=None),
    system("session_state_changed", state="idle", sdk_host_only=True),
    system("permission_denied", tool_name="Write", tool_use_id="t", message="no"),
]


@st.composite
def mutated_frames(draw: st.DrawFn) -> dict[str, Any]:
    """A real frame with one key, at the top, in ``message`` or in a block, replaced or deleted."""
    frame: dict[str, Any] = copy.deepcopy(draw(st.sampled_from(REAL_FRAMES)))
    target = frame
    if isinstance(frame.get("message"), dict) and draw(st.booleans()):
        target = frame["message"]
        if draw(st.booleans()):
            target = target["content"][0]
    key = draw(st.sampled_from(sorted(target)))
    if draw(st.booleans()):
        del target[key]
    else:
        target[key] = draw(fuzz_values)
    return frame


@given(mutated_frames() | fuzz_frames | json_objects)
@settings(max_examples=400)
def test_any_dict_gives_a_message_or_message_parse_error(frame: dict[str, Any]) -> None:
    before = copy.deepcopy(frame)
    try:
        m = decode_message(frame)
    except MessageParseError as e:
        assert e.data is frame
        assert str(e).startswith("invalid ")
    else:
        assert isinstance(m, MESSAGE_CLASSES)
        if isinstance(m, (SystemMessage, UnknownMessage, *INFO_CLASSES.values())):
            assert raw_of(m) is frame
        if isinstance(m, SystemMessage):
            m.info  # never raises  # noqa: B018
    assert frame == before  # decoding never mutates its input


INFO_SUBTYPES = list(SYSTEM_CLASSES)


@given(
    mutated_frames() | fuzz_frames | json_objects,
    st.sampled_from([*INFO_CLASSES, *INFO_SUBTYPES]),
)
@settings(max_examples=300)
def test_an_informational_frame_never_raises(frame: dict[str, Any], kind: str) -> None:
    """Whatever its fields, it decodes: typed, or kept as it was before ccsdk typed it."""
    if kind in INFO_CLASSES:
        frame = {**frame, "type": kind}
        allowed: tuple[type[Any], ...] = (INFO_CLASSES[kind], UnknownMessage)
    else:
        frame = {**frame, "type": "system", "subtype": kind}
        allowed = (SYSTEM_CLASSES[kind], SystemMessage)
    m = decode_message(frame)
    assert type(m) in allowed
    assert raw_of(m) is frame


def view_like(cls: type[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Right frames, right ones with one field wrong, and any mix of absent, right and wrong."""
    fields = {WIRE_NAMES.get(f.name, f.name): f for f in dataclasses.fields(cls)}
    fields["permissionMode"] = fields.pop("permission_mode", None)  # type: ignore[arg-type]
    fields["apiKeySource"] = fields.pop("api_key_source", None)  # type: ignore[arg-type]
    fields = {k: f for k, f in fields.items() if f is not None}

    def frames(values: dict[str, Any], needed: list[str]) -> Any:
        return st.builds(
            lambda noise, typed: {**noise, "type": "system", **typed},
            json_objects,
            st.fixed_dictionaries(
                {key: values[key] for key in needed},
                optional={key: s for key, s in values.items() if key not in needed},
            ),
        )

    right = frames(
        {key: for_type(f.type) for key, f in fields.items()},
        [key for key, f in fields.items() if required(f)],
    )
    return (
        right
        | st.builds(
            lambda frame, key, value: {**frame, key: value},
            right,
            st.sampled_from(sorted(fields)),
            fuzz_values,
        )
        | frames({key: for_type(f.type) | fuzz_values for key, f in fields.items()}, [])
    )


@given(
    st.sampled_from(sorted(VIEW_CLASSES)).flatmap(
        lambda subtype: st.tuples(st.just(subtype), view_like(VIEW_CLASSES[subtype]))
    )
)
@settings(max_examples=500)
def test_system_info_is_the_wire_values_or_none(case: tuple[str, dict[str, Any]]) -> None:
    """A view holds exactly the frame's values (absent: the default), or is ``None``."""
    subtype, frame = case
    view = SystemMessage(subtype, frame).info
    if view is None:
        with pytest.raises(MessageParseError):
            converter.structure(frame, VIEW_CLASSES[subtype])
        return
    assert type(view) is VIEW_CLASSES[subtype]
    for f in dataclasses.fields(view):
        key = {"permission_mode": "permissionMode", "api_key_source": "apiKeySource"}.get(
            f.name, f.name
        )
        value = getattr(view, f.name)
        if key in frame:
            assert value is frame[key]
        else:
            assert not required(f) and value == (
                f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
            )


@given(blockish | json_objects)
@settings(max_examples=300)
def test_any_dict_gives_a_block_or_message_parse_error(obj: dict[str, Any]) -> None:
    try:
        b = decode_block(obj)
    except MessageParseError as e:
        assert e.data is obj
    else:
        assert isinstance(b, BLOCK_CLASSES)
