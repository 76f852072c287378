"""Typed messages and content blocks: what ``query()`` and a session yield.

Every class is a frozen, slotted attrs class, built from the CLI's stdout
frames by the one converter in :mod:`ccsdk.protocol.codec`
(:func:`~ccsdk.protocol.codec.decode_message` and
:func:`~ccsdk.protocol.codec.encode_message`).  The names and fields follow
the official ``claude_code_sdk`` where it has them, so code written against
it keeps working; the wire keys they come from are noted where they differ.

Forward compatibility is built in: a frame ``type`` we do not know becomes
:class:`UnknownMessage`, a ``system`` subtype we do not type stays a plain
:class:`SystemMessage`, and a content block we do not know becomes
:class:`UnknownBlock`.  Each keeps the raw dict, so nothing is dropped and
nothing is fatal.

The informational frames that newer CLIs send (rate limits, background
tasks, hook runs, tool progress, tool-use summaries, prompt suggestions,
auth status, conversation resets) are typed too, and each keeps its whole
raw frame in ``data``.  They only inform, so one whose fields do not fit
(a CLI that changed its shape) is not an error: it arrives as the
``UnknownMessage`` or plain ``SystemMessage`` it would have been before
ccsdk typed it.

Sequences are ``list`` throughout, never ``tuple``: the official SDK's types
are lists (``content: list[ContentBlock]``), users index, slice and compare
them with list literals, and decoding can hand over the list the JSON parser
built without copying it.  The classes are frozen, the lists are not: treat
them as read-only.  Raw ``dict`` payloads (``usage``, ``input``, ``event``,
``data``, ...) are likewise the parser's own objects, shared, not copied.
"""

from typing import Any, TypeAlias

import attrs

__all__ = [
    "TERMINAL_TASK_STATUSES",
    "ApiRetryMessage",
    "AssistantMessage",
    "AuthStatusMessage",
    "ContentBlock",
    "ConversationResetMessage",
    "DeferredToolUse",
    "HookEventMessage",
    "HookProgressMessage",
    "HookResponseMessage",
    "HookStartedMessage",
    "ImageBlock",
    "InitMessage",
    "Message",
    "PermissionDeniedMessage",
    "PromptSuggestionMessage",
    "RateLimitEvent",
    "RateLimitInfo",
    "RedactedThinkingBlock",
    "ResultMessage",
    "ServerToolResultBlock",
    "ServerToolUseBlock",
    "SessionStateChangedMessage",
    "StatusMessage",
    "StreamEvent",
    "SystemMessage",
    "TaskNotificationMessage",
    "TaskProgressMessage",
    "TaskStartedMessage",
    "TaskUpdatedMessage",
    "TaskUsage",
    "TextBlock",
    "ThinkingBlock",
    "ToolProgressMessage",
    "ToolResultBlock",
    "ToolUseBlock",
    "ToolUseSummaryMessage",
    "UnknownBlock",
    "UnknownMessage",
    "UserMessage",
]


# Typed factories: with ``factory=list`` pyright would not know the item types.
def _empty_list() -> list[Any]:
    return []


def _empty_dict() -> dict[str, Any]:
    return {}


# --------------------------------------------------------------------------
# Content blocks (the items of ``message.content``)
# --------------------------------------------------------------------------


@attrs.frozen
class TextBlock:
    """Plain text: ``{"type": "text", "text": ...}``, from the model or the user."""

    text: str


@attrs.frozen
class ThinkingBlock:
    """The model's extended thinking: ``{"type": "thinking", "thinking", "signature"}``.

    The CLI sends each thinking block as its own ``assistant`` line.
    """

    thinking: str
    signature: str = ""


@attrs.frozen
class RedactedThinkingBlock:
    """Thinking the API encrypted: ``{"type": "redacted_thinking", "data": ...}``."""

    data: str


@attrs.frozen
class ToolUseBlock:
    """The model calls a tool: ``{"type": "tool_use", "id", "name", "input"}``.

    MCP tools appear here too, named ``mcp__<server>__<tool>``.
    """

    id: str
    name: str
    input: dict[str, Any]


@attrs.frozen
class ToolResultBlock:
    """A tool's answer, in a ``user`` frame: ``{"type": "tool_result", ...}``.

    ``content`` is a string, a list of raw content dicts (``text``,
    ``image``, ...), or ``None`` when the wire omits it.  ``is_error`` is
    ``None`` when the wire omits it.
    """

    tool_use_id: str
    content: str | list[dict[str, Any]] | None = None
    is_error: bool | None = None


@attrs.frozen
class ImageBlock:
    """An image in user content: ``{"type": "image", "source": {...}}``.

    ``source`` is the API's raw source dict (``base64`` / ``url`` / ``file``).
    """

    source: dict[str, Any]


@attrs.frozen
class ServerToolUseBlock:
    """A tool the API runs itself (web search, web fetch, code execution).

    Wire: ``{"type": "server_tool_use", "id", "name", "input"}``.
    """

    id: str
    name: str
    input: dict[str, Any]


@attrs.frozen
class ServerToolResultBlock:
    """The result of a server-run tool, in an ``assistant`` frame.

    Any block whose ``type`` ends in ``_tool_result`` (``web_search_tool_result``,
    ``web_fetch_tool_result``, ``code_execution_tool_result``, ...) except
    ``tool_result`` itself.  ``type`` keeps which one; ``content`` is the raw
    JSON (a list of results, or an error object).
    """

    tool_use_id: str
    content: Any
    type: str


@attrs.frozen
class UnknownBlock:
    """A content block of a ``type`` ccsdk does not model; ``raw`` is the whole dict."""

    type: str
    raw: dict[str, Any]


ContentBlock: TypeAlias = (
    TextBlock
    | ThinkingBlock
    | RedactedThinkingBlock
    | ToolUseBlock
    | ToolResultBlock
    | ImageBlock
    | ServerToolUseBlock
    | ServerToolResultBlock
    | UnknownBlock
)


# --------------------------------------------------------------------------
# Messages (one per stdout frame)
# --------------------------------------------------------------------------


@attrs.frozen
class UserMessage:
    """A ``user`` frame.

    The CLI sends one for each tool result (``content`` = ``[ToolResultBlock]``,
    the tool's structured output in ``tool_use_result``), for interruption
    markers (``[Request interrupted by user]``), and for replays of local
    commands (wire ``isReplay: true``).  ``content`` is a string or a list of
    blocks, as in ``message.content``.  ``origin`` says who sent a prompt
    when the CLI knows (``{"kind": "human"}``, ``"channel"``, ``"peer"``,
    ``"task-notification"``, ...), as the raw dict.
    """

    content: str | list[ContentBlock]
    parent_tool_use_id: str | None = None
    uuid: str | None = None
    session_id: str | None = None
    #: Raw JSON: a dict for most tools, a string for some errors.
    tool_use_result: Any = None
    is_replay: bool = False
    origin: dict[str, Any] | None = None


@attrs.frozen
class AssistantMessage:
    """An ``assistant`` frame: one per content block while streaming.

    The CLI sends each completed block of a model response as its own line,
    all sharing ``message_id`` (wire ``message.id``); ``stop_reason`` is
    ``None`` on those.  ``error`` is set on the synthetic message the CLI
    makes for an API failure (``model`` is then ``"<synthetic>"``), and
    ``aborted`` on the partial message left by an interrupt.
    ``user_message_uuid`` / ``user_message_uuids`` name the user messages
    (by the ``uuid`` their sender gave them) that this turn answers.
    """

    content: list[ContentBlock]
    model: str
    parent_tool_use_id: str | None = None
    message_id: str | None = None
    session_id: str | None = None
    uuid: str | None = None
    usage: dict[str, Any] | None = None
    stop_reason: str | None = None
    error: str | None = None
    aborted: bool = False
    user_message_uuid: str | None = None
    user_message_uuids: list[str] | None = None


@attrs.frozen
class SystemMessage:
    """A ``system`` frame: ``subtype`` says which; ``data`` is the whole raw frame.

    Subtypes ccsdk types get a subclass with named fields (:class:`InitMessage`,
    :class:`StatusMessage`, ...), so ``isinstance(m, SystemMessage)`` holds for
    every system frame; other subtypes (``thinking_tokens``, ``informational``,
    ``compact_boundary``, ...) stay plain ``SystemMessage``.
    """

    subtype: str
    data: dict[str, Any]


@attrs.frozen
class InitMessage(SystemMessage):
    """``system/init``: sent once per turn, after each user message (not at startup).

    Carries the session id (the first place it appears), the model, the
    tools and MCP servers, and the permission mode.  Wire keys
    ``permissionMode`` and ``apiKeySource`` become ``permission_mode`` and
    ``api_key_source``.  Everything else the CLI sends is in ``data``.
    """

    session_id: str
    model: str
    cwd: str | None = None
    tools: list[str] = attrs.field(factory=_empty_list)
    mcp_servers: list[dict[str, Any]] = attrs.field(factory=_empty_list)
    permission_mode: str | None = None
    api_key_source: str | None = None
    claude_code_version: str | None = None
    slash_commands: list[str] = attrs.field(factory=_empty_list)
    agents: list[str] = attrs.field(factory=_empty_list)
    output_style: str | None = None
    skills: list[str] = attrs.field(factory=_empty_list)
    plugins: list[dict[str, Any]] = attrs.field(factory=_empty_list)
    uuid: str | None = None


@attrs.frozen
class StatusMessage(SystemMessage):
    """``system/status``: ``"requesting"`` before an API call, ``"compacting"``, or null.

    After ``set_permission_mode`` the CLI sends one with ``status`` null and
    the new ``permission_mode`` (wire ``permissionMode``).
    """

    status: str | None = None
    permission_mode: str | None = None
    session_id: str | None = None
    uuid: str | None = None


@attrs.frozen
class ApiRetryMessage(SystemMessage):
    """``system/api_retry``: an API call failed and the CLI will retry it.

    ``error_status`` is the HTTP status (``None`` when no response came);
    ``error`` is the error kind, e.g. ``"overloaded"``.
    """

    attempt: int
    max_retries: int
    retry_delay_ms: float
    error_status: int | None = None
    error: str | None = None
    session_id: str | None = None
    uuid: str | None = None


@attrs.frozen
class SessionStateChangedMessage(SystemMessage):
    """``system/session_state_changed``: ``running``, ``requires_action`` or ``idle``.

    Sent only when ``CLAUDE_CODE_SDK_READS_SESSION_STATE=1`` (CLI 2.1.331 and
    later); ``idle`` means the run is over and stdin may be closed.
    """

    state: str
    sdk_host_only: bool = False
    session_id: str | None = None
    uuid: str | None = None


@attrs.frozen
class PermissionDeniedMessage(SystemMessage):
    """``system/permission_denied``: a tool call was refused without asking.

    Sent (2.1.331) when no permission prompt tool and no allow rule covers
    the call; ``message`` is the text the model was given.
    """

    tool_name: str
    tool_use_id: str
    message: str
    agent_id: str | None = None
    session_id: str | None = None
    uuid: str | None = None


# ``system`` subtypes of background tasks (subagents, long Bash commands,
# workflows) and of hook runs: sent by CLI 2.1.331 as described in
# docs/message-types-newer.md.

#: The task statuses after which a task does no more work: the ``status`` of
#: every :class:`TaskNotificationMessage`, and ``"killed"``, which only a
#: :class:`TaskUpdatedMessage` patch carries.
TERMINAL_TASK_STATUSES: frozenset[str] = frozenset({"completed", "failed", "stopped", "killed"})


@attrs.frozen
class TaskUsage:
    """What a task has used so far: the ``usage`` of task progress and notifications.

    Wire ``{"total_tokens", "tool_uses", "duration_ms"}``; ``raw`` is that
    whole object.
    """

    total_tokens: int
    tool_uses: int
    duration_ms: int
    raw: dict[str, Any] = attrs.field(factory=_empty_dict)


@attrs.frozen
class TaskStartedMessage(SystemMessage):
    """``system/task_started``: a background task began.

    Sent for a subagent the model starts with the Task tool (``task_type``
    ``"local_agent"``, with ``subagent_type`` and ``prompt``) and for a Bash
    command that runs for more than a few seconds (``"local_bash"``).
    ``tool_use_id`` is the tool call that started it; ``is_backgrounded``
    is false while that call waits for the task.  Later frames about the
    task carry the same ``task_id``.
    """

    task_id: str
    description: str
    run_id: str | None = None
    tool_use_id: str | None = None
    task_type: str | None = None
    subagent_type: str | None = None
    prompt: str | None = None
    is_backgrounded: bool | None = None
    spawn_depth: int | None = None
    parent_task_id: str | None = None
    workflow_name: str | None = None
    skip_transcript: bool = False
    session_id: str | None = None
    uuid: str | None = None


@attrs.frozen
class TaskProgressMessage(SystemMessage):
    """``system/task_progress``: a running subagent used a tool.

    ``usage`` is the total so far; ``last_tool_name`` the tool it just used;
    ``description`` what it is doing now (e.g. ``"Running echo hi"``).
    """

    task_id: str
    description: str
    usage: TaskUsage
    run_id: str | None = None
    tool_use_id: str | None = None
    subagent_type: str | None = None
    last_tool_name: str | None = None
    summary: str | None = None
    session_id: str | None = None
    uuid: str | None = None


@attrs.frozen
class TaskUpdatedMessage(SystemMessage):
    """``system/task_updated``: some of a task's state changed.

    ``patch`` holds only what changed (``status``, ``end_time``,
    ``is_backgrounded``, ``error``, ...), as the raw dict: merge it into
    your own record of the task.  ``status`` is ``patch["status"]`` or
    ``None``.
    """

    task_id: str
    patch: dict[str, Any]
    run_id: str | None = None
    session_id: str | None = None
    uuid: str | None = None

    @property
    def status(self) -> str | None:
        status = self.patch.get("status")
        return status if isinstance(status, str) else None


@attrs.frozen
class TaskNotificationMessage(SystemMessage):
    """``system/task_notification``: a task ended.

    ``status`` is ``"completed"``, ``"failed"`` or ``"stopped"`` (all in
    :data:`TERMINAL_TASK_STATUSES`); ``summary`` is a subagent's final text
    or a Bash command's description; ``output_file`` where its full output
    was written (``""`` if nowhere).  For a subagent it may come after the
    turn's :class:`ResultMessage`.
    """

    task_id: str
    status: str
    output_file: str
    summary: str
    run_id: str | None = None
    tool_use_id: str | None = None
    usage: TaskUsage | None = None
    reason: str | None = None
    skip_transcript: bool = False
    session_id: str | None = None
    uuid: str | None = None


@attrs.frozen
class HookEventMessage(SystemMessage):
    """The base of the hook-run frames (``--include-hook-events``).

    ``hook_event`` is the event (``"PreToolUse"``, ...), ``hook_name`` the
    event and matcher (``"PreToolUse:Bash"``); ``hook_id`` ties the frames
    of one run together.  Only hooks that run a command (from settings or
    plugins) are reported, not callbacks registered through the SDK.
    """

    hook_id: str
    hook_name: str
    hook_event: str
    session_id: str | None = None
    uuid: str | None = None


@attrs.frozen
class HookStartedMessage(HookEventMessage):
    """``system/hook_started``: a hook command began."""


@attrs.frozen
class HookProgressMessage(HookEventMessage):
    """``system/hook_progress``: a running hook wrote output (checked about once a second).

    The fields hold all the output so far, not only the new part.
    """

    stdout: str = attrs.field(kw_only=True)
    stderr: str = attrs.field(kw_only=True)
    output: str = attrs.field(kw_only=True)


@attrs.frozen
class HookResponseMessage(HookEventMessage):
    """``system/hook_response``: a hook command ended.

    ``outcome`` is ``"success"``, ``"error"`` or ``"cancelled"``;
    ``output`` is stdout and stderr interleaved.
    """

    outcome: str = attrs.field(kw_only=True)
    stdout: str = attrs.field(kw_only=True)
    stderr: str = attrs.field(kw_only=True)
    output: str = attrs.field(kw_only=True)
    exit_code: int | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class DeferredToolUse:
    """The tool call a hook deferred: ``ResultMessage.deferred_tool_use``.

    Wire ``{"id", "name", "input"}``, as a ``tool_use`` block.
    """

    id: str
    name: str
    input: dict[str, Any]


@attrs.frozen
class ResultMessage:
    """A ``result`` frame: the end of every turn, exactly one per turn.

    ``subtype`` is ``success`` or an ``error_*`` kind (``error_during_execution``
    after an interrupt, ``error_max_turns``, ...).  Note that an API failure
    gives ``subtype == "success"`` with ``is_error`` true, ``api_error_status``
    and ``terminal_reason == "api_error"``: test ``is_error``, not the subtype.
    ``total_cost_usd`` and ``model_usage`` (wire ``modelUsage``) are cumulative
    over the session; ``usage`` is for this turn.  ``deferred_tool_use`` is
    the tool call a ``PreToolUse`` hook deferred (``terminal_reason ==
    "tool_deferred"``); ``origin`` and ``user_message_uuid(s)`` are as on
    :class:`UserMessage` and :class:`AssistantMessage`.
    """

    subtype: str
    duration_ms: int
    duration_api_ms: int
    is_error: bool
    num_turns: int
    session_id: str
    total_cost_usd: float | None = None
    usage: dict[str, Any] | None = None
    result: str | None = None
    terminal_reason: str | None = None
    stop_reason: str | None = None
    permission_denials: list[dict[str, Any]] = attrs.field(factory=_empty_list)
    errors: list[str] = attrs.field(factory=_empty_list)
    api_error_status: int | None = None
    #: Raw JSON matching the requested schema (``--json-schema``), else ``None``.
    structured_output: Any = None
    uuid: str | None = None
    #: Per-model usage and cost (wire ``modelUsage``), cumulative.
    model_usage: dict[str, Any] | None = None
    deferred_tool_use: DeferredToolUse | None = None
    origin: dict[str, Any] | None = None
    user_message_uuid: str | None = None
    user_message_uuids: list[str] | None = None


@attrs.frozen
class StreamEvent:
    """A ``stream_event`` frame: one raw API streaming event (``--include-partial-messages``).

    ``event`` is the Messages API SSE payload (``message_start``,
    ``content_block_delta``, ...).  The frame of a ``message_stop`` may carry
    ``abandoned_blocks``: streamed blocks the CLI withdrew.
    """

    uuid: str
    session_id: str
    event: dict[str, Any]
    parent_tool_use_id: str | None = None
    #: The API message this event belongs to (what ``abandoned_blocks`` names).
    api_message_id: str | None = None
    #: On a ``message_stop`` that closes a cut-short response (a broken stream,
    #: an interrupt): ``{"api_message_id", "from_block_index"}``, the streamed
    #: blocks the CLI withdrew. A frame field, beside ``event``, not inside it.
    abandoned_blocks: dict[str, Any] | None = None


@attrs.frozen
class RateLimitInfo:
    """The account's rate-limit state: ``RateLimitEvent.rate_limit_info``.

    ``status`` is ``"allowed"``, ``"allowed_warning"`` or ``"rejected"``;
    ``rate_limit_type`` the window it is about (``"five_hour"``,
    ``"seven_day"``, ``"seven_day_opus"``, ``"overage"``, ...);
    ``resets_at`` and ``overage_resets_at`` are Unix times in seconds;
    ``utilization`` a fraction (0.91 = 91 %).  Wire keys are camelCase
    (``resetsAt``, ``rateLimitType``, ``overageStatus``, ...); everything
    else the CLI sends (``unifiedWindows``, ``surpassedThreshold``, ...) is
    in ``raw``, the whole object.
    """

    status: str
    resets_at: int | None = None
    rate_limit_type: str | None = None
    utilization: float | None = None
    overage_status: str | None = None
    overage_resets_at: int | None = None
    overage_disabled_reason: str | None = None
    is_using_overage: bool | None = None
    raw: dict[str, Any] = attrs.field(factory=_empty_dict)


@attrs.frozen
class RateLimitEvent:
    """A ``rate_limit_event`` frame: the account's rate-limit status changed.

    The CLI reads the limits from the API's ``anthropic-ratelimit-unified-*``
    response headers, and only for a claude.ai sign-in or a gateway (not for
    an API key); it sends a frame when they change.  ``data`` is the whole
    raw frame.
    """

    rate_limit_info: RateLimitInfo
    uuid: str | None = None
    session_id: str | None = None
    data: dict[str, Any] = attrs.field(factory=_empty_dict)


@attrs.frozen
class ToolProgressMessage:
    """A ``tool_progress`` frame: a tool call is still running.

    The CLI sends a ``heartbeat`` one every 30 s of a main-thread tool call
    (``parent_tool_use_id`` is then the call's id, and ``tool_use_id`` a
    made-up ``<id>-heartbeat-<n>``), and some for subagent retries.
    ``elapsed_time_seconds`` counts from the start of the call.
    """

    tool_use_id: str
    tool_name: str
    elapsed_time_seconds: float
    parent_tool_use_id: str | None = None
    task_id: str | None = None
    heartbeat: bool = False
    uuid: str | None = None
    session_id: str | None = None
    data: dict[str, Any] = attrs.field(factory=_empty_dict)


@attrs.frozen
class ToolUseSummaryMessage:
    """A ``tool_use_summary`` frame: a short label for tool calls that finished.

    Sent with ``CLAUDE_CODE_EMIT_TOOL_USE_SUMMARIES=1``, after a batch of
    main-thread tool calls; the CLI asks the model for the label in a side
    request.  ``preceding_tool_use_ids`` are the calls it describes.
    """

    summary: str
    preceding_tool_use_ids: list[str]
    uuid: str | None = None
    session_id: str | None = None
    data: dict[str, Any] = attrs.field(factory=_empty_dict)


@attrs.frozen
class PromptSuggestionMessage:
    """A ``prompt_suggestion`` frame: what the user might type next.

    Sent with ``--prompt-suggestions`` after a turn's result (and after
    ``session_state_changed`` ``idle``), from a side request to the model;
    only from the second model response of a session on, and only while
    the prompt cache is warm.
    """

    suggestion: str
    uuid: str | None = None
    session_id: str | None = None
    data: dict[str, Any] = attrs.field(factory=_empty_dict)


@attrs.frozen
class AuthStatusMessage:
    """An ``auth_status`` frame: the CLI is (re)authenticating (``--enable-auth-status``).

    E.g. while an ``apiKeyHelper`` runs, or after it failed (``error``).
    Wire ``isAuthenticating`` becomes ``is_authenticating``; ``output`` is
    the helper's latest output lines.
    """

    is_authenticating: bool
    output: list[str]
    error: str | None = None
    uuid: str | None = None
    session_id: str | None = None
    data: dict[str, Any] = attrs.field(factory=_empty_dict)


@attrs.frozen
class ConversationResetMessage:
    """A ``conversation_reset`` frame: the conversation was discarded.

    ``trigger`` is ``"clear"`` (the ``/clear`` command), ``"plan_mode_exit"``,
    ``"fresh_session"`` or ``"onboarding"``.  What follows belongs to a new
    conversation, ``new_conversation_id``, with a new session id.
    ``user_message_uuid`` is the ``/clear`` message's uuid.
    """

    new_conversation_id: str
    trigger: str | None = None
    user_message_uuid: str | None = None
    timestamp: str | None = None
    uuid: str | None = None
    session_id: str | None = None
    data: dict[str, Any] = attrs.field(factory=_empty_dict)


@attrs.frozen
class UnknownMessage:
    """A frame of a ``type`` ccsdk does not model; ``data`` is the whole raw frame.

    Newer CLIs send e.g. ``command_lifecycle``, ``api_metrics``; they
    arrive here instead of ending the stream.  So does a frame of a typed
    informational kind (``tool_progress``, ``rate_limit_event``, ...) whose
    fields do not fit its class.
    """

    type: str
    data: dict[str, Any]


Message: TypeAlias = (
    UserMessage
    | AssistantMessage
    | SystemMessage
    | ResultMessage
    | StreamEvent
    | RateLimitEvent
    | ToolProgressMessage
    | ToolUseSummaryMessage
    | PromptSuggestionMessage
    | AuthStatusMessage
    | ConversationResetMessage
    | UnknownMessage
)
