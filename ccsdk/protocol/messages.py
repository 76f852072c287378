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
    "ApiRetryMessage",
    "AssistantMessage",
    "ContentBlock",
    "ImageBlock",
    "InitMessage",
    "Message",
    "PermissionDeniedMessage",
    "RateLimitEvent",
    "RedactedThinkingBlock",
    "ResultMessage",
    "ServerToolResultBlock",
    "ServerToolUseBlock",
    "SessionStateChangedMessage",
    "StatusMessage",
    "StreamEvent",
    "SystemMessage",
    "TextBlock",
    "ThinkingBlock",
    "ToolResultBlock",
    "ToolUseBlock",
    "UnknownBlock",
    "UnknownMessage",
    "UserMessage",
]


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
    blocks, as in ``message.content``.
    """

    content: str | list[ContentBlock]
    parent_tool_use_id: str | None = None
    uuid: str | None = None
    session_id: str | None = None
    #: Raw JSON: a dict for most tools, a string for some errors.
    tool_use_result: Any = None
    is_replay: bool = False


@attrs.frozen
class AssistantMessage:
    """An ``assistant`` frame: one per content block while streaming.

    The CLI sends each completed block of a model response as its own line,
    all sharing ``message_id`` (wire ``message.id``); ``stop_reason`` is
    ``None`` on those.  ``error`` is set on the synthetic message the CLI
    makes for an API failure (``model`` is then ``"<synthetic>"``), and
    ``aborted`` on the partial message left by an interrupt.
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


@attrs.frozen
class SystemMessage:
    """A ``system`` frame: ``subtype`` says which; ``data`` is the whole raw frame.

    Subtypes ccsdk types get a subclass with named fields (:class:`InitMessage`,
    :class:`StatusMessage`, ...), so ``isinstance(m, SystemMessage)`` holds for
    every system frame; other subtypes (``thinking_tokens``, ``informational``,
    ``task_started``, ...) stay plain ``SystemMessage``.
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
    tools: list[str] = attrs.field(factory=list)
    mcp_servers: list[dict[str, Any]] = attrs.field(factory=list)
    permission_mode: str | None = None
    api_key_source: str | None = None
    claude_code_version: str | None = None
    slash_commands: list[str] = attrs.field(factory=list)
    agents: list[str] = attrs.field(factory=list)
    output_style: str | None = None
    skills: list[str] = attrs.field(factory=list)
    plugins: list[dict[str, Any]] = attrs.field(factory=list)
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


@attrs.frozen
class ResultMessage:
    """A ``result`` frame: the end of every turn, exactly one per turn.

    ``subtype`` is ``success`` or an ``error_*`` kind (``error_during_execution``
    after an interrupt, ``error_max_turns``, ...).  Note that an API failure
    gives ``subtype == "success"`` with ``is_error`` true, ``api_error_status``
    and ``terminal_reason == "api_error"``: test ``is_error``, not the subtype.
    ``total_cost_usd`` and ``model_usage`` (wire ``modelUsage``) are cumulative
    over the session; ``usage`` is for this turn.
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
    permission_denials: list[dict[str, Any]] = attrs.field(factory=list)
    errors: list[str] = attrs.field(factory=list)
    api_error_status: int | None = None
    #: Raw JSON matching the requested schema (``--json-schema``), else ``None``.
    structured_output: Any = None
    uuid: str | None = None
    #: Per-model usage and cost (wire ``modelUsage``), cumulative.
    model_usage: dict[str, Any] | None = None


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
class RateLimitEvent:
    """A ``rate_limit_event`` frame: the account's rate-limit status changed.

    ``rate_limit_info`` is the raw dict (``status``, ``resetsAt``,
    ``rateLimitType``, ``utilization``, ``overage*``, ...).
    """

    rate_limit_info: dict[str, Any]
    uuid: str | None = None
    session_id: str | None = None


@attrs.frozen
class UnknownMessage:
    """A frame of a ``type`` ccsdk does not model; ``data`` is the whole raw frame.

    Newer CLIs send e.g. ``conversation_reset``, ``command_lifecycle``,
    ``tool_progress``; they arrive here instead of ending the stream.
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
    | UnknownMessage
)
