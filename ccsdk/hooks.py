"""Typed shapes of hook inputs and outputs, for the common hook events.

A hook callback receives the CLI's input as a plain ``dict`` and returns a
``dict`` (that is the seed's API). These TypedDicts describe both, so a
type checker can check a callback's use of them at no cost at run time::

    async def guard(input: PreToolUseHookInput, tool_use_id, context) -> HookJSONOutput:
        ...

Output keys that are Python keywords are spelled ``continue_`` and
``async_``; ccsdk renames them to ``continue`` and ``async`` on the wire.
Fields the CLI sends that are not listed here still arrive in the dict.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

__all__ = [
    "AsyncHookJSONOutput",
    "BaseHookInput",
    "HookJSONOutput",
    "NotificationHookInput",
    "PermissionRequestHookInput",
    "PostToolUseFailureHookInput",
    "PostToolUseHookInput",
    "PostToolUseHookSpecificOutput",
    "PreCompactHookInput",
    "PreToolUseHookInput",
    "PreToolUseHookSpecificOutput",
    "SessionEndHookInput",
    "SessionStartHookInput",
    "StopHookInput",
    "SubagentStopHookInput",
    "UserPromptSubmitHookInput",
    "UserPromptSubmitHookSpecificOutput",
]


class BaseHookInput(TypedDict):
    """Sent with every hook event."""

    session_id: str
    transcript_path: str
    cwd: str
    hook_event_name: str
    permission_mode: NotRequired[str]
    prompt_id: NotRequired[str]
    effort: NotRequired[dict[str, Any]]
    agent_id: NotRequired[str]
    agent_type: NotRequired[str]


class PreToolUseHookInput(BaseHookInput):
    tool_name: str
    tool_input: dict[str, Any]
    tool_use_id: str


class PostToolUseHookInput(BaseHookInput):
    tool_name: str
    tool_input: dict[str, Any]
    tool_response: Any
    tool_use_id: str
    duration_ms: NotRequired[int]


class PostToolUseFailureHookInput(BaseHookInput):
    tool_name: str
    tool_input: dict[str, Any]
    tool_use_id: str
    error: str
    is_interrupt: NotRequired[bool]


class UserPromptSubmitHookInput(BaseHookInput):
    prompt: str


class StopHookInput(BaseHookInput):
    stop_hook_active: bool
    last_assistant_message: NotRequired[str]


class SubagentStopHookInput(BaseHookInput):
    stop_hook_active: bool
    agent_transcript_path: NotRequired[str]


class PreCompactHookInput(BaseHookInput):
    trigger: Literal["manual", "auto"]
    custom_instructions: str | None


class NotificationHookInput(BaseHookInput):
    message: str
    title: NotRequired[str]
    notification_type: NotRequired[str]


class SessionStartHookInput(BaseHookInput):
    source: Literal["startup", "resume", "clear", "compact"]
    model: NotRequired[str]


class SessionEndHookInput(BaseHookInput):
    reason: str


class PermissionRequestHookInput(BaseHookInput):
    tool_name: str
    tool_input: dict[str, Any]
    permission_suggestions: NotRequired[list[dict[str, Any]]]


class PreToolUseHookSpecificOutput(TypedDict):
    hookEventName: Literal["PreToolUse"]
    permissionDecision: NotRequired[Literal["allow", "deny", "ask", "defer"]]
    permissionDecisionReason: NotRequired[str]
    updatedInput: NotRequired[dict[str, Any]]
    additionalContext: NotRequired[str]


class PostToolUseHookSpecificOutput(TypedDict):
    hookEventName: Literal["PostToolUse"]
    additionalContext: NotRequired[str]
    updatedMCPToolOutput: NotRequired[Any]


class UserPromptSubmitHookSpecificOutput(TypedDict):
    hookEventName: Literal["UserPromptSubmit"]
    additionalContext: NotRequired[str]


class HookJSONOutput(TypedDict, total=False):
    """What a hook callback returns; ``{}`` means "no opinion"."""

    continue_: bool
    suppressOutput: bool
    stopReason: str
    decision: Literal["block"]
    systemMessage: str
    reason: str
    hookSpecificOutput: (
        PreToolUseHookSpecificOutput
        | PostToolUseHookSpecificOutput
        | UserPromptSubmitHookSpecificOutput
        | dict[str, Any]
    )


class AsyncHookJSONOutput(TypedDict):
    """Tell the CLI the hook goes on in the background."""

    async_: Literal[True]
    asyncTimeout: NotRequired[int]
