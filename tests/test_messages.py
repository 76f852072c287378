"""The message models and their converter (ccsdk.protocol.messages / .codec).

Frames below follow what CLI 2.1.331 sends (shared/reference/cli-protocol.md
§3, §5), with ids shortened.
"""

import ast
import copy
import functools
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any, Union, get_args, get_origin

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
    ApiRetryMessage,
    AssistantMessage,
    ContentBlock,
    ImageBlock,
    InitMessage,
    Message,
    PermissionDeniedMessage,
    RateLimitEvent,
    RedactedThinkingBlock,
    ResultMessage,
    ServerToolResultBlock,
    ServerToolUseBlock,
    SessionStateChangedMessage,
    StatusMessage,
    StreamEvent,
    SystemMessage,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
    UnknownBlock,
    UnknownMessage,
    UserMessage,
)

SID = "0b9d2c56-6a43-4f1e-8d77-0e6c1c6d3f1a"
MESSAGE_CLASSES = get_args(Message)
BLOCK_CLASSES = get_args(ContentBlock)


def roundtrip(m: Any) -> None:
    """encode -> JSON text -> decode gives the same model back."""
    wire = json.loads(json.dumps(encode_message(m)))
    assert decode_message(wire) == m


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
    assert isinstance(m, InitMessage) and isinstance(m, SystemMessage)
    assert m.subtype == "init"
    assert m.data is INIT  # the whole raw frame, as in the official SDK
    assert m.session_id == SID
    assert m.model == "claude-opus-5-5"
    assert m.permission_mode == "default"
    assert m.api_key_source == "ANTHROPIC_API_KEY"
    assert m.tools[-1] == "mcp__calc__add"
    assert m.mcp_servers == [{"name": "calc", "status": "connected", "source": "sdk"}]
    assert m.claude_code_version == "2.1.331"
    assert m.agents == ["general-purpose", "statusline-setup"]
    assert m.cwd == "/tmp/scratch/work"
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
        session_id=SID,
        tool_use_result=[{"type": "text", "text": "42"}],
    )
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
    assert marker == UserMessage(
        content=[TextBlock("[Request interrupted by user]")], session_id=SID
    )
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
        model_usage={"claude-opus-5-5": {"inputTokens": 12, "outputTokens": 7}},
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
    assert m == StreamEvent(
        uuid="u-s1", session_id=SID, event=frame["event"], api_message_id="msg_fake_0002"
    )
    roundtrip(m)


def test_rate_limit_event() -> None:
    info = {"status": "allowed", "resetsAt": 1767225600, "rateLimitType": "five_hour"}
    m = decode_message(
        {"type": "rate_limit_event", "rate_limit_info": info, "uuid": "u-rl", "session_id": SID}
    )
    assert m == RateLimitEvent(rate_limit_info=info, uuid="u-rl", session_id=SID)
    roundtrip(m)


def system(subtype: str, **fields: Any) -> dict[str, Any]:
    return {"type": "system", "subtype": subtype, **fields, "session_id": SID, "uuid": "u-x"}


def test_status() -> None:
    requesting = decode_message(system("status", status="requesting"))
    assert isinstance(requesting, StatusMessage)
    assert (requesting.status, requesting.permission_mode) == ("requesting", None)
    mode = decode_message(system("status", status=None, permissionMode="acceptEdits"))
    assert isinstance(mode, StatusMessage)
    assert (mode.status, mode.permission_mode) == (None, "acceptEdits")
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
    assert isinstance(m, ApiRetryMessage)
    assert (m.attempt, m.max_retries, m.retry_delay_ms, m.error_status, m.error) == (
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
        assert isinstance(m, SessionStateChangedMessage)
        assert (m.state, m.sdk_host_only, m.session_id) == (state, True, SID)


def test_permission_denied() -> None:
    m = decode_message(
        system(
            "permission_denied",
            tool_name="Write",
            tool_use_id="toolu_w",
            message="Claude requested permissions to write to /x, but you haven't granted it yet.",
        )
    )
    assert isinstance(m, PermissionDeniedMessage)
    assert (m.tool_name, m.tool_use_id) == ("Write", "toolu_w")


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
        {"type": "conversation_reset", "new_conversation_id": "c2", "uuid": "u"},
        {"type": "command_lifecycle", "command_uuid": "x", "state": "queued"},
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
    assert blocks["web_search"] == ServerToolResultBlock(
        tool_use_id="srvtoolu_1",
        content=frames["web_search"]["content"],
        type="web_search_tool_result",
    )
    assert isinstance(blocks["code_exec"], ServerToolResultBlock)
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
        ({k: v for k, v in INIT.items() if k != "model"}, ["'system/init' frame", "model"]),
        ({**INIT, "permissionMode": 3}, ["permissionMode", "string or null"]),
        ({**INIT, "tools": "Bash"}, ["tools must be an array"]),
        ({**INIT, "tools": ["Bash", None]}, ["tools[1]"]),
        (system("api_retry", attempt="1", max_retries=2, retry_delay_ms=1), ["attempt"]),
        ({"type": "rate_limit_event"}, ["rate_limit_info is missing"]),
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
    frames = [INIT, assistant_frame({"type": "text", "text": "x"}), result_frame()]
    for frame in frames:
        m: Any = converter.structure(frame, Message)  # type: ignore[arg-type]
        assert m == decode_message(frame)
        assert converter.unstructure(m) == encode_message(m)
        assert converter.structure(frame, type(m)) == m
    assert isinstance(converter.structure(INIT, SystemMessage), InitMessage)
    assert converter.structure({"type": "text", "text": "x"}, ContentBlock) == TextBlock("x")  # type: ignore[arg-type]
    with pytest.raises(MessageParseError, match="num_turns"):
        converter.structure(result_frame(num_turns="1"), ResultMessage)


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
    encode_message(ccsdk.RateLimitEvent(rate_limit_info={}))
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
    {"type": "system", "subtype": "thinking_tokens", "tokens": 3},
    {"type": "tool_progress", "data": 1},
]
# Errors in them are reported without cattrs too.
BAD_EVERY_TURN = [
    result_frame(num_turns="1"),
    {**INIT, "model": None, "tools": [1]},
    assistant_frame({"type": "text"}),
    system("session_state_changed", state=None),
]


@pytest.mark.parametrize(
    "trigger",
    [
        None,  # from ccsdk.protocol import converter
        "encode",  # a generated encoder
        {"type": "rate_limit_event", "rate_limit_info": {}},
        system("api_retry", attempt=1, max_retries=2, retry_delay_ms=0.5),
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


def test_models_are_frozen_and_keyword_constructible() -> None:
    block = TextBlock(text="x")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        block.text = "y"  # type: ignore[misc]
    assert (
        ResultMessage(
            subtype="success",
            duration_ms=1,
            duration_api_ms=1,
            is_error=False,
            num_turns=1,
            session_id="s",
        ).permission_denials
        == []
    )
    assert ThinkingBlock(thinking="t").signature == ""
    for cls in (*MESSAGE_CLASSES, *BLOCK_CLASSES):
        assert attrs.has(cls) and "__slots__" in cls.__dict__ and cls.__doc__


def test_evolved_system_message_encodes_its_change() -> None:
    m = decode_message(INIT)
    assert isinstance(m, InitMessage)
    changed = attrs.evolve(m, model="claude-sonnet-4-5", permission_mode="plan")
    wire = encode_message(changed)
    assert (wire["model"], wire["permissionMode"]) == ("claude-sonnet-4-5", "plan")
    hand_made = InitMessage(subtype="init", data={}, session_id="s", model="m")
    assert encode_message(hand_made) == {
        "type": "system",
        "subtype": "init",
        "session_id": "s",
        "model": "m",
    }


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

KNOWN_TYPES = ["assistant", "user", "result", "stream_event", "system", "rate_limit_event"]
KNOWN_BLOCK_TYPES = [
    "text",
    "thinking",
    "redacted_thinking",
    "tool_use",
    "tool_result",
    "image",
    "server_tool_use",
]
SYSTEM_CLASSES = {
    "init": InitMessage,
    "status": StatusMessage,
    "api_retry": ApiRetryMessage,
    "session_state_changed": SessionStateChangedMessage,
    "permission_denied": PermissionDeniedMessage,
}
WIRE_NAMES = {"permission_mode": "permissionMode", "api_key_source": "apiKeySource"}


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
    origin = get_origin(t)
    if origin is dict:
        return json_objects
    if origin is list:
        return st.lists(for_type(get_args(t)[0]), max_size=3)
    if origin in (Union, types.UnionType):
        return st.one_of([for_type(a) for a in get_args(t)])
    if attrs.has(t):
        return for_model(t)
    raise NotImplementedError(t)


def for_model(cls: type[Any]) -> st.SearchStrategy[Any]:
    """Instances of a model, built from its attrs fields."""
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
            ServerToolResultBlock, tool_use_id=st.text(), content=json_values, type=kinds
        )
    if cls is UnknownMessage:
        return st.builds(
            lambda kind, data: UnknownMessage(type=kind, data={**data, "type": kind}),
            unknown_name(KNOWN_TYPES),
            json_objects,
        )
    if cls is SystemMessage:
        return system_frames().map(decode_message)
    return st.builds(cls, **{a.name: for_type(a.type) for a in attrs.fields(cls)})


def system_frames() -> st.SearchStrategy[dict[str, Any]]:
    """Raw system frames: typed fields of the right JSON types, absent or present, plus noise."""

    def frame_for(
        subtype: str, cls: type[SystemMessage] | None
    ) -> st.SearchStrategy[dict[str, Any]]:
        required: dict[str, st.SearchStrategy[Any]] = {}
        optional: dict[str, st.SearchStrategy[Any]] = {}
        if cls is not None:
            for a in attrs.fields(cls):
                if a.name in ("subtype", "data"):
                    continue
                key = WIRE_NAMES.get(a.name, a.name)
                (required if a.default is attrs.NOTHING else optional)[key] = for_type(a.type)
        typed = st.fixed_dictionaries(required, optional=optional)
        # Noise never reuses a typed key: an absent optional field must stay absent.
        taken = {*required, *optional, "uuid", "session_id"}
        return st.builds(
            lambda noise, fields: {
                **{k: v for k, v in noise.items() if k not in taken},
                **fields,
                "type": "system",
                "subtype": subtype,
            },
            json_objects,
            typed,
        )

    known = [frame_for(s, cls) for s, cls in SYSTEM_CLASSES.items()]
    plain = unknown_name(list(SYSTEM_CLASSES)).flatmap(lambda s: frame_for(s, None))
    return st.one_of([*known, plain])


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
@settings(max_examples=200)
def test_system_frames_roundtrip_through_their_raw_dicts(frame: dict[str, Any]) -> None:
    m = decode_message(frame)
    assert isinstance(m, SYSTEM_CLASSES.get(frame["subtype"], SystemMessage))
    assert isinstance(m, SystemMessage) and m.data is frame
    assert encode_message(m) == frame
    assert decode_message(encode_message(m)) == m


FRAME_KEYS = [
    "type", "subtype", "message", "session_id", "uuid", "parent_tool_use_id", "error", "aborted",
    "isReplay", "tool_use_result", "event", "duration_ms", "duration_api_ms", "is_error",
    "num_turns", "total_cost_usd", "usage", "result", "terminal_reason", "stop_reason",
    "permission_denials", "errors", "api_error_status", "modelUsage", "rate_limit_info", "model",
    "cwd", "tools", "mcp_servers", "permissionMode", "status", "attempt", "max_retries",
    "retry_delay_ms", "error_status", "state", "sdk_host_only", "tool_name", "tool_use_id",
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
    {"type": "rate_limit_event", "rate_limit_info": {}, "uuid": "u", "session_id": SID},
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
        if isinstance(m, (SystemMessage, UnknownMessage)):
            assert m.data is frame
    assert frame == before  # decoding never mutates its input


HAND_WRITTEN_SYSTEM = {
    InitMessage: codec._init,
    SessionStateChangedMessage: codec._session_state_changed,
    StatusMessage: codec._status,
}


@functools.cache
def generated_decoder(cls: type[Any]) -> Any:
    return codec._generated_decoder(cls)


def system_like(cls: type[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Right frames, right ones with one field wrong, and any mix of absent, right and wrong."""
    fields = {WIRE_NAMES.get(a.name, a.name): a for a in attrs.fields(cls) if a.name != "data"}

    def frames(values: dict[str, Any], required: list[str]) -> Any:
        return st.builds(
            lambda noise, typed: {**noise, "type": "system", **typed},
            json_objects,
            st.fixed_dictionaries(
                {key: values[key] for key in required},
                optional={key: s for key, s in values.items() if key not in required},
            ),
        )

    right = frames(
        {key: for_type(a.type) for key, a in fields.items()},
        [key for key, a in fields.items() if a.default is attrs.NOTHING],
    )
    return (
        right
        | st.builds(
            lambda frame, key, value: {**frame, key: value},
            right,
            st.sampled_from(sorted(fields)),
            fuzz_values,
        )
        | frames({key: for_type(a.type) | fuzz_values for key, a in fields.items()}, [])
    )


@given(
    st.sampled_from(list(HAND_WRITTEN_SYSTEM)).flatmap(
        lambda cls: st.tuples(st.just(cls), system_like(cls))
    )
)
@settings(max_examples=500)
def test_hand_written_system_decoders_agree_with_generated_ones(
    case: tuple[type[Any], dict[str, Any]],
) -> None:
    """``init``, ``status``, ``session_state_changed`` are decoded by hand, as cattrs would."""
    cls, frame = case

    def outcome(decode: Any) -> Any:
        try:
            m = decode(frame)
        except codec._FieldError as e:
            return e.problems
        assert type(m) is cls and m.data is frame
        return m

    assert outcome(HAND_WRITTEN_SYSTEM[cls]) == outcome(generated_decoder(cls))


@given(blockish | json_objects)
@settings(max_examples=300)
def test_any_dict_gives_a_block_or_message_parse_error(obj: dict[str, Any]) -> None:
    try:
        b = decode_block(obj)
    except MessageParseError as e:
        assert e.data is obj
    else:
        assert isinstance(b, BLOCK_CLASSES)
