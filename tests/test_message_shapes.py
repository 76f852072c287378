"""The message types have claude_agent_sdk 0.2.190's shape, and frames decode to its classes.

The tables below restate, as data, what ``claude_agent_sdk.types`` 0.2.190
declares (read from that release) and which class its
``_internal/message_parser.py`` makes of each frame.  The one deliberate
difference in a field's type is ``content``: ccsdk's ``ContentBlock`` also
lists the blocks the official parser drops (``RedactedThinkingBlock``,
``ImageBlock``, ``UnknownBlock``), because ccsdk yields them.
"""

# The type strings restated below are long.
# ruff: noqa: E501

import dataclasses
from typing import Any, get_args, is_typeddict

import pytest

from ccsdk.protocol import messages
from ccsdk.protocol.codec import decode_block, decode_message

REQUIRED = object()
FACTORY_DICT = object()

# class: (base, [(field, type, default)]); default REQUIRED when none, FACTORY_DICT for dict()
OFFICIAL_DATACLASSES: dict[str, tuple[str, list[tuple[str, str, Any]]]] = {
    "TextBlock": (
        "object",
        [
            ("text", "<class 'str'>", REQUIRED),
        ],
    ),
    "ThinkingBlock": (
        "object",
        [
            ("thinking", "<class 'str'>", REQUIRED),
            ("signature", "<class 'str'>", REQUIRED),
        ],
    ),
    "ToolUseBlock": (
        "object",
        [
            ("id", "<class 'str'>", REQUIRED),
            ("name", "<class 'str'>", REQUIRED),
            ("input", "dict[str, Any]", REQUIRED),
        ],
    ),
    "ToolResultBlock": (
        "object",
        [
            ("tool_use_id", "<class 'str'>", REQUIRED),
            ("content", "str | list[dict[str, Any]] | None", None),
            ("is_error", "bool | None", None),
        ],
    ),
    "ServerToolUseBlock": (
        "object",
        [
            ("id", "<class 'str'>", REQUIRED),
            (
                "name",
                "Literal['advisor', 'web_search', 'web_fetch', 'code_execution', 'bash_code_execution', 'text_editor_code_execution', 'tool_search_tool_regex', 'tool_search_tool_bm25']",
                REQUIRED,
            ),
            ("input", "dict[str, Any]", REQUIRED),
        ],
    ),
    "ServerToolResultBlock": (
        "object",
        [
            ("tool_use_id", "<class 'str'>", REQUIRED),
            ("content", "dict[str, Any]", REQUIRED),
        ],
    ),
    "UserMessage": (
        "object",
        [
            ("content", "CONTENT", REQUIRED),
            ("uuid", "str | None", None),
            ("parent_tool_use_id", "str | None", None),
            ("tool_use_result", "dict[str, Any] | None", None),
            ("origin", "MessageOrigin | None", None),
        ],
    ),
    "AssistantMessage": (
        "object",
        [
            ("content", "CONTENT", REQUIRED),
            ("model", "<class 'str'>", REQUIRED),
            ("parent_tool_use_id", "str | None", None),
            (
                "error",
                "Optional[Literal['authentication_failed', 'billing_error', 'rate_limit', 'invalid_request', 'server_error', 'unknown']]",
                None,
            ),
            ("usage", "dict[str, Any] | None", None),
            ("message_id", "str | None", None),
            ("stop_reason", "str | None", None),
            ("session_id", "str | None", None),
            ("uuid", "str | None", None),
            ("user_message_uuid", "str | None", None),
            ("user_message_uuids", "list[str] | None", None),
        ],
    ),
    "SystemMessage": (
        "object",
        [
            ("subtype", "<class 'str'>", REQUIRED),
            ("data", "dict[str, Any]", REQUIRED),
        ],
    ),
    "TaskStartedMessage": (
        "SystemMessage",
        [
            ("subtype", "<class 'str'>", REQUIRED),
            ("data", "dict[str, Any]", REQUIRED),
            ("task_id", "<class 'str'>", REQUIRED),
            ("description", "<class 'str'>", REQUIRED),
            ("uuid", "<class 'str'>", REQUIRED),
            ("session_id", "<class 'str'>", REQUIRED),
            ("tool_use_id", "str | None", None),
            ("task_type", "str | None", None),
        ],
    ),
    "TaskProgressMessage": (
        "SystemMessage",
        [
            ("subtype", "<class 'str'>", REQUIRED),
            ("data", "dict[str, Any]", REQUIRED),
            ("task_id", "<class 'str'>", REQUIRED),
            ("description", "<class 'str'>", REQUIRED),
            ("usage", "<class 'TaskUsage'>", REQUIRED),
            ("uuid", "<class 'str'>", REQUIRED),
            ("session_id", "<class 'str'>", REQUIRED),
            ("tool_use_id", "str | None", None),
            ("last_tool_name", "str | None", None),
        ],
    ),
    "TaskNotificationMessage": (
        "SystemMessage",
        [
            ("subtype", "<class 'str'>", REQUIRED),
            ("data", "dict[str, Any]", REQUIRED),
            ("task_id", "<class 'str'>", REQUIRED),
            ("status", "Literal['completed', 'failed', 'stopped']", REQUIRED),
            ("output_file", "<class 'str'>", REQUIRED),
            ("summary", "<class 'str'>", REQUIRED),
            ("uuid", "<class 'str'>", REQUIRED),
            ("session_id", "<class 'str'>", REQUIRED),
            ("tool_use_id", "str | None", None),
            ("usage", "TaskUsage | None", None),
        ],
    ),
    "TaskUpdatedMessage": (
        "SystemMessage",
        [
            ("subtype", "<class 'str'>", REQUIRED),
            ("data", "dict[str, Any]", REQUIRED),
            ("task_id", "<class 'str'>", REQUIRED),
            ("patch", "dict[str, Any]", REQUIRED),
            (
                "status",
                "Optional[Literal['pending', 'running', 'paused', 'completed', 'failed', 'killed']]",
                None,
            ),
            ("session_id", "str | None", None),
            ("uuid", "str | None", None),
        ],
    ),
    "MirrorErrorMessage": (
        "SystemMessage",
        [
            ("subtype", "<class 'str'>", REQUIRED),
            ("data", "dict[str, Any]", REQUIRED),
            ("key", "SessionKey | None", None),
            ("error", "<class 'str'>", ""),
        ],
    ),
    "HookEventMessage": (
        "SystemMessage",
        [
            ("subtype", "<class 'str'>", REQUIRED),
            ("data", "dict[str, Any]", REQUIRED),
            ("hook_event_name", "<class 'str'>", ""),
            ("session_id", "str | None", None),
            ("uuid", "str | None", None),
        ],
    ),
    "DeferredToolUse": (
        "object",
        [
            ("id", "<class 'str'>", REQUIRED),
            ("name", "<class 'str'>", REQUIRED),
            ("input", "dict[str, Any]", REQUIRED),
        ],
    ),
    "ResultMessage": (
        "object",
        [
            ("subtype", "<class 'str'>", REQUIRED),
            ("duration_ms", "<class 'int'>", REQUIRED),
            ("duration_api_ms", "<class 'int'>", REQUIRED),
            ("is_error", "<class 'bool'>", REQUIRED),
            ("num_turns", "<class 'int'>", REQUIRED),
            ("session_id", "<class 'str'>", REQUIRED),
            ("stop_reason", "str | None", None),
            ("total_cost_usd", "float | None", None),
            ("usage", "dict[str, Any] | None", None),
            ("result", "str | None", None),
            ("structured_output", "Any", None),
            ("model_usage", "dict[str, ModelUsage] | None", None),
            ("permission_denials", "list[Any] | None", None),
            ("deferred_tool_use", "DeferredToolUse | None", None),
            ("errors", "list[str] | None", None),
            ("api_error_status", "int | None", None),
            ("uuid", "str | None", None),
            ("terminal_reason", "str | None", None),
            ("origin", "MessageOrigin | None", None),
            ("user_message_uuid", "str | None", None),
            ("user_message_uuids", "list[str] | None", None),
        ],
    ),
    "StreamEvent": (
        "object",
        [
            ("uuid", "<class 'str'>", REQUIRED),
            ("session_id", "<class 'str'>", REQUIRED),
            ("event", "dict[str, Any]", REQUIRED),
            ("parent_tool_use_id", "str | None", None),
            ("user_message_uuid", "str | None", None),
            ("user_message_uuids", "list[str] | None", None),
        ],
    ),
    "RateLimitInfo": (
        "object",
        [
            ("status", "Literal['allowed', 'allowed_warning', 'rejected']", REQUIRED),
            ("resets_at", "int | None", None),
            (
                "rate_limit_type",
                "Optional[Literal['five_hour', 'seven_day', 'seven_day_opus', 'seven_day_sonnet', 'overage']]",
                None,
            ),
            ("utilization", "float | None", None),
            ("overage_status", "Optional[Literal['allowed', 'allowed_warning', 'rejected']]", None),
            ("overage_resets_at", "int | None", None),
            ("overage_disabled_reason", "str | None", None),
            ("raw", "dict[str, Any]", FACTORY_DICT),
        ],
    ),
    "RateLimitEvent": (
        "object",
        [
            ("rate_limit_info", "<class 'RateLimitInfo'>", REQUIRED),
            ("uuid", "<class 'str'>", REQUIRED),
            ("session_id", "<class 'str'>", REQUIRED),
        ],
    ),
    "ConversationResetMessage": (
        "object",
        [
            ("new_conversation_id", "<class 'str'>", REQUIRED),
            ("uuid", "<class 'str'>", REQUIRED),
            ("session_id", "<class 'str'>", REQUIRED),
        ],
    ),
}
OFFICIAL_LITERALS: dict[str, tuple[str, ...]] = {
    "ServerToolName": (
        "advisor",
        "web_search",
        "web_fetch",
        "code_execution",
        "bash_code_execution",
        "text_editor_code_execution",
        "tool_search_tool_regex",
        "tool_search_tool_bm25",
    ),
    "AssistantMessageError": (
        "authentication_failed",
        "billing_error",
        "rate_limit",
        "invalid_request",
        "server_error",
        "unknown",
    ),
    "MessageOriginKind": (
        "human",
        "channel",
        "peer",
        "task-notification",
        "coordinator",
        "unclassified",
        "observer",
        "auto-continuation",
        "observer-activity",
    ),
    "TaskNotificationOriginSubkind": ("scheduled-trigger", "peer-send-message"),
    "FastModeState": ("off", "cooldown", "on"),
    "FastModeDisabledReason": (
        "free",
        "preference",
        "extra_usage_disabled",
        "network_error",
        "unknown",
        "not_first_party",
        "disabled_by_env",
        "model_not_allowed",
        "sdk_opt_in_required",
        "pending",
    ),
    "TaskNotificationStatus": ("completed", "failed", "stopped"),
    "TaskUpdatedStatus": ("pending", "running", "paused", "completed", "failed", "killed"),
    "RateLimitStatus": ("allowed", "allowed_warning", "rejected"),
    "RateLimitType": ("five_hour", "seven_day", "seven_day_opus", "seven_day_sonnet", "overage"),
}
# TypedDict: (keys in order, required keys)
OFFICIAL_TYPEDDICTS: dict[str, tuple[list[str], set[str]]] = {
    "MessageOrigin": (
        [
            "kind",
            "server",
            "from",
            "name",
            "fromSession",
            "senderTaskId",
            "body",
            "verifiedPeerPid",
            "subkind",
        ],
        {"kind"},
    ),
    "SystemInitMcpServer": (["name", "status", "source"], {"name", "status"}),
    "SystemInitPlugin": (["name", "path", "version"], {"name", "path"}),
    "SystemInitPluginError": (["plugin", "type", "message", "path"], {"plugin", "message", "type"}),
    "SystemInitData": (
        [
            "type",
            "subtype",
            "uuid",
            "session_id",
            "agents",
            "apiKeySource",
            "betas",
            "claude_code_version",
            "cwd",
            "tools",
            "mcp_servers",
            "model",
            "permissionMode",
            "slash_commands",
            "terminal_slash_commands",
            "output_style",
            "skills",
            "plugins",
            "plugin_errors",
            "fast_mode_state",
            "fast_mode_disabled_reason",
            "capabilities",
        ],
        {
            "session_id",
            "apiKeySource",
            "slash_commands",
            "subtype",
            "claude_code_version",
            "uuid",
            "output_style",
            "type",
            "tools",
            "model",
            "cwd",
            "plugins",
            "skills",
            "permissionMode",
            "mcp_servers",
        },
    ),
    "TaskUsage": (
        ["total_tokens", "tool_uses", "duration_ms"],
        {"tool_uses", "total_tokens", "duration_ms"},
    ),
    "ModelUsage": (
        [
            "inputTokens",
            "outputTokens",
            "cacheReadInputTokens",
            "cacheCreationInputTokens",
            "webSearchRequests",
            "costUSD",
            "contextWindow",
            "maxOutputTokens",
            "canonicalModel",
            "provider",
        ],
        {
            "cacheCreationInputTokens",
            "inputTokens",
            "contextWindow",
            "maxOutputTokens",
            "webSearchRequests",
            "costUSD",
            "outputTokens",
            "cacheReadInputTokens",
        },
    ),
    "SessionKey": (["project_key", "session_id", "subpath"], {"project_key", "session_id"}),
}

OFFICIAL_CONTENT_BLOCK = [
    "TextBlock",
    "ThinkingBlock",
    "ToolUseBlock",
    "ToolResultBlock",
    "ServerToolUseBlock",
    "ServerToolResultBlock",
]
OFFICIAL_MESSAGE = [
    "UserMessage",
    "AssistantMessage",
    "SystemMessage",
    "ResultMessage",
    "StreamEvent",
    "RateLimitEvent",
    "ConversationResetMessage",
]
CCSDK_BLOCKS = ["RedactedThinkingBlock", "ImageBlock", "UnknownBlock"]
CCSDK_MESSAGES = [
    "ToolProgressMessage",
    "ToolUseSummaryMessage",
    "PromptSuggestionMessage",
    "AuthStatusMessage",
    "UnknownMessage",
]


def type_name(t: Any) -> str:
    names = str(t).replace("ccsdk.protocol.messages.", "").replace("ccsdk._store_types.", "")
    return names.replace("typing.", "")


@pytest.mark.parametrize("name", sorted(OFFICIAL_DATACLASSES))
def test_each_official_class_is_a_dataclass_of_the_same_shape(name: str) -> None:
    base, expected = OFFICIAL_DATACLASSES[name]
    cls = getattr(messages, name)
    assert dataclasses.is_dataclass(cls) and isinstance(cls, type)
    assert cls.__bases__[0].__name__ == base and len(cls.__bases__) == 1
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    assert (params.init, params.repr, params.eq, params.order, params.frozen) == (
        True,
        True,
        True,
        False,
        False,
    )
    assert not hasattr(cls, "__slots__")
    content = f"list[{' | '.join(OFFICIAL_CONTENT_BLOCK + CCSDK_BLOCKS)}]"
    got = []
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            default: Any = f.default
        elif f.default_factory is not dataclasses.MISSING:
            assert f.default_factory() == {}
            default = FACTORY_DICT
        else:
            default = REQUIRED
        assert not f.kw_only and f.init and f.repr and f.compare
        got.append((f.name, type_name(f.type), default))
    # content: the official type, with ccsdk's ContentBlock (see the module docstring).
    content_type = content if name == "AssistantMessage" else f"str | {content}"
    want = [(field, content_type if t == "CONTENT" else t, d) for field, t, d in expected]
    assert got == want
    assert cls.__match_args__ == tuple(field for field, _, _ in expected)


@pytest.mark.parametrize("name", sorted(OFFICIAL_LITERALS))
def test_literal_helpers_have_the_official_members(name: str) -> None:
    assert get_args(getattr(messages, name)) == OFFICIAL_LITERALS[name]


@pytest.mark.parametrize("name", sorted(OFFICIAL_TYPEDDICTS))
def test_typeddict_helpers_have_the_official_keys(name: str) -> None:
    keys, required = OFFICIAL_TYPEDDICTS[name]
    td = getattr(messages, name)
    assert is_typeddict(td)
    assert list(td.__annotations__) == keys
    assert td.__required_keys__ == required


def test_the_unions_list_the_official_members_first_then_ccsdk_s_own() -> None:
    assert [c.__name__ for c in get_args(messages.ContentBlock)] == (
        OFFICIAL_CONTENT_BLOCK + CCSDK_BLOCKS
    )
    assert [c.__name__ for c in get_args(messages.Message)] == OFFICIAL_MESSAGE + CCSDK_MESSAGES
    assert (
        frozenset({"completed", "failed", "stopped", "killed"}) == messages.TERMINAL_TASK_STATUSES
    )


S = {"session_id": "s", "uuid": "u"}
USAGE = {"total_tokens": 1, "tool_uses": 0, "duration_ms": 2}

# A frame, and the class claude_agent_sdk's parser makes of it (None: it
# drops the frame; ccsdk then gives its own class, the second name).
PARSER_CLASSES: list[tuple[dict[str, Any], str | None, str]] = [
    ({"type": "user", "message": {"content": "hi"}}, "UserMessage", ""),
    ({"type": "assistant", "message": {"content": [], "model": "m"}}, "AssistantMessage", ""),
    (
        {"type": "result", "subtype": "success", "duration_ms": 1, "duration_api_ms": 1}
        | {"is_error": False, "num_turns": 1, "session_id": "s"},
        "ResultMessage",
        "",
    ),
    ({"type": "stream_event", "event": {}} | S, "StreamEvent", ""),
    (
        {"type": "rate_limit_event", "rate_limit_info": {"status": "allowed"}} | S,
        "RateLimitEvent",
        "",
    ),
    (
        {"type": "conversation_reset", "new_conversation_id": "c"} | S,
        "ConversationResetMessage",
        "",
    ),
    ({"type": "system", "subtype": "init", "model": "m"} | S, "SystemMessage", ""),
    ({"type": "system", "subtype": "status", "status": "requesting"} | S, "SystemMessage", ""),
    ({"type": "system", "subtype": "api_retry", "attempt": 1} | S, "SystemMessage", ""),
    ({"type": "system", "subtype": "compact_boundary"} | S, "SystemMessage", ""),
    ({"type": "system", "subtype": "session_state_changed", "state": "idle"}, "SystemMessage", ""),
    ({"type": "system", "subtype": "permission_denied", "tool_name": "W"}, "SystemMessage", ""),
    ({"type": "system", "subtype": "hook_progress", "hook_event": "Stop"}, "SystemMessage", ""),
    ({"type": "system", "subtype": "hook_started", "hook_event": "Stop"}, "HookEventMessage", ""),
    ({"type": "system", "subtype": "hook_response", "hook_name": "Stop"}, "HookEventMessage", ""),
    ({"type": "system", "subtype": "mirror_error", "error": "e"}, "MirrorErrorMessage", ""),
    (
        {"type": "system", "subtype": "task_started", "task_id": "t", "description": "d"} | S,
        "TaskStartedMessage",
        "",
    ),
    (
        {"type": "system", "subtype": "task_progress", "task_id": "t", "description": "d"}
        | S
        | {"usage": USAGE},
        "TaskProgressMessage",
        "",
    ),
    (
        {"type": "system", "subtype": "task_notification", "task_id": "t", "status": "failed"}
        | {"output_file": "", "summary": "s"}
        | S,
        "TaskNotificationMessage",
        "",
    ),
    ({"type": "system", "subtype": "task_updated"}, "TaskUpdatedMessage", ""),
    (
        {"type": "tool_progress", "tool_use_id": "t", "tool_name": "B", "elapsed_time_seconds": 1},
        None,
        "ToolProgressMessage",
    ),
    (
        {"type": "tool_use_summary", "summary": "s", "preceding_tool_use_ids": []},
        None,
        "ToolUseSummaryMessage",
    ),
    ({"type": "prompt_suggestion", "suggestion": "s"}, None, "PromptSuggestionMessage"),
    ({"type": "auth_status", "isAuthenticating": True, "output": []}, None, "AuthStatusMessage"),
    ({"type": "command_lifecycle"}, None, "UnknownMessage"),
]


@pytest.mark.parametrize(("frame", "official", "ccsdk_own"), PARSER_CLASSES)
def test_a_frame_becomes_the_class_the_official_parser_gives(
    frame: dict[str, Any], official: str | None, ccsdk_own: str
) -> None:
    assert type(decode_message(frame)).__name__ == (official or ccsdk_own)


def test_task_updated_and_hook_events_are_read_as_the_official_parser_reads_them() -> None:
    u = decode_message({"type": "system", "subtype": "task_updated", "patch": "x"})
    assert isinstance(u, messages.TaskUpdatedMessage)
    assert (u.task_id, u.patch, u.status, u.session_id, u.uuid) == ("", {}, None, None, None)
    for key in ("hook_event", "hook_name", "hook_event_name"):
        h = decode_message({"type": "system", "subtype": "hook_started", key: "Stop"})
        assert isinstance(h, messages.HookEventMessage) and h.hook_event_name == "Stop"
    h = decode_message({"type": "system", "subtype": "hook_response"})
    assert isinstance(h, messages.HookEventMessage) and h.hook_event_name == ""
    m = decode_message({"type": "system", "subtype": "mirror_error"})
    assert isinstance(m, messages.MirrorErrorMessage) and (m.key, m.error) == (None, "")


# A block, and the class claude_agent_sdk's parser makes of it in an assistant
# message (None: it drops the block; ccsdk then gives its own class).
BLOCK_CLASSES: list[tuple[dict[str, Any], str | None, str]] = [
    ({"type": "text", "text": "x"}, "TextBlock", ""),
    ({"type": "thinking", "thinking": "x", "signature": "s"}, "ThinkingBlock", ""),
    ({"type": "tool_use", "id": "t", "name": "n", "input": {}}, "ToolUseBlock", ""),
    ({"type": "tool_result", "tool_use_id": "t"}, "ToolResultBlock", ""),
    (
        {"type": "server_tool_use", "id": "t", "name": "advisor", "input": {}},
        "ServerToolUseBlock",
        "",
    ),
    (
        {"type": "advisor_tool_result", "tool_use_id": "t", "content": {}},
        "ServerToolResultBlock",
        "",
    ),
    (
        {"type": "web_search_tool_result", "tool_use_id": "t", "content": []},
        None,
        "ServerToolResultBlock",
    ),
    ({"type": "redacted_thinking", "data": "x"}, None, "RedactedThinkingBlock"),
    ({"type": "image", "source": {}}, None, "ImageBlock"),
    ({"type": "document"}, None, "UnknownBlock"),
]


@pytest.mark.parametrize(("block", "official", "ccsdk_own"), BLOCK_CLASSES)
def test_a_block_becomes_the_class_the_official_parser_gives(
    block: dict[str, Any], official: str | None, ccsdk_own: str
) -> None:
    assert type(decode_block(block)).__name__ == (official or ccsdk_own)
