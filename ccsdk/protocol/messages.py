"""Typed messages and content blocks: what ``query()`` and a session yield.

The classes ``claude_agent_sdk.types`` has (``TextBlock`` ... ``UserMessage``,
``AssistantMessage``, ``SystemMessage`` and its ``Task*``,
``HookEventMessage`` and ``MirrorErrorMessage`` subclasses,
``ResultMessage``, ``StreamEvent``, ``RateLimitEvent``,
``ConversationResetMessage``, ...) are standard-library dataclasses with
exactly its field names, order, defaults and base classes, and are not
frozen, as there: ``dataclasses.fields`` / ``asdict`` / ``replace`` and
positional construction behave the same.  Every frame becomes exactly the
class ``claude_agent_sdk``'s parser makes of it: ``system/init``,
``status``, ``api_retry``, ``session_state_changed``, ``permission_denied``,
``hook_progress``, ``compact_boundary``, ... are plain :class:`SystemMessage`
(``type(m) is SystemMessage``); ``hook_started`` / ``hook_response`` are
:class:`HookEventMessage`; ``task_*`` the ``Task*Message`` classes.
They are built from the CLI's stdout frames by
:func:`~ccsdk.protocol.codec.decode_message`.

**ccsdk's extra data never adds a field.**  What ccsdk reads from a frame
beyond the official fields is offered as read-only properties:

* On a :class:`SystemMessage` (and its subclasses), from ``data``, the raw
  frame: e.g. ``TaskStartedMessage.run_id``, ``HookEventMessage.hook_id``.
  :attr:`SystemMessage.info` gives typed access to the subtypes ccsdk
  knows, without changing the class: an :class:`InitInfo`,
  :class:`StatusInfo`, :class:`ApiRetryInfo`, :class:`SessionStateInfo`,
  :class:`PermissionDeniedInfo`, :class:`HookStartedInfo`,
  :class:`HookProgressInfo` or :class:`HookResponseInfo` (frozen
  dataclasses read from ``data`` on each access; they are views, not
  messages), or ``None`` for any other subtype or a frame that does not fit.
* On the other classes, from the raw frame the decoder keeps on the
  instance (not a field): ``UserMessage.session_id`` / ``is_replay``,
  ``AssistantMessage.aborted``, ``StreamEvent.api_message_id`` /
  ``abandoned_blocks``, ``ConversationResetMessage.trigger`` / ...,
  ``ServerToolResultBlock.type``.  An instance you build yourself, or one
  made by ``dataclasses.replace``, has no raw frame: these properties then
  give their "absent" value (``None`` / ``False``), and
  :func:`~ccsdk.protocol.codec.encode_message` writes only the fields.
  ``copy.copy`` and ``pickle`` keep the raw frame.
* ``RateLimitInfo.is_using_overage`` reads the official ``raw`` field.

**What the official parser drops, ccsdk keeps**, as its own extra classes
(dataclasses too): a frame ``type`` nobody models becomes
:class:`UnknownMessage`; ``tool_progress``, ``tool_use_summary``,
``prompt_suggestion`` and ``auth_status`` become :class:`ToolProgressMessage`
and its siblings; a content block becomes :class:`RedactedThinkingBlock`,
:class:`ImageBlock`, :class:`ServerToolResultBlock` (every
``*_tool_result`` block, not only ``advisor_tool_result``) or
:class:`UnknownBlock`.  Each keeps its raw dict, so nothing is dropped and
nothing is fatal.  That is why :data:`Message` and :data:`ContentBlock`
list these classes beside the official ones: they are what ccsdk yields.

The informational frames only inform, so one whose fields do not fit its
class is not an error: it arrives as the ``UnknownMessage`` or plain
``SystemMessage`` it would be if ccsdk did not type it.

The ``Literal`` and ``TypedDict`` helpers (``ServerToolName``,
``AssistantMessageError``, ``MessageOrigin``, ``SystemInitData``,
``TaskUsage``, ``ModelUsage``, ``RateLimitStatus``, ...) are the official
ones; like the official parser, the decoder checks the JSON type of a
value, not that a string is one of a ``Literal``'s members, so a newer
CLI's new value arrives as it is.

Sequences are ``list`` throughout, and raw ``dict`` payloads (``usage``,
``input``, ``event``, ``data``, ...) are the JSON parser's own objects,
shared, not copied: treat them as read-only.
"""

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, NotRequired, Required, TypeAlias, TypedDict

from ccsdk._store_types import SessionKey  # the session-store key, shared by every layer

__all__ = [
    "TERMINAL_TASK_STATUSES",
    "ApiRetryInfo",
    "AssistantMessage",
    "AssistantMessageError",
    "AuthStatusMessage",
    "ContentBlock",
    "ConversationResetMessage",
    "DeferredToolUse",
    "FastModeDisabledReason",
    "FastModeState",
    "HookEventMessage",
    "HookProgressInfo",
    "HookResponseInfo",
    "HookStartedInfo",
    "ImageBlock",
    "InitInfo",
    "Message",
    "MessageOrigin",
    "MessageOriginKind",
    "MirrorErrorMessage",
    "ModelUsage",
    "PermissionDeniedInfo",
    "PromptSuggestionMessage",
    "RateLimitEvent",
    "RateLimitInfo",
    "RateLimitStatus",
    "RateLimitType",
    "RedactedThinkingBlock",
    "ResultMessage",
    "ServerToolName",
    "ServerToolResultBlock",
    "ServerToolUseBlock",
    "SessionKey",
    "SessionStateInfo",
    "StatusInfo",
    "StreamEvent",
    "SystemInfo",
    "SystemInitData",
    "SystemInitMcpServer",
    "SystemInitPlugin",
    "SystemInitPluginError",
    "SystemMessage",
    "TaskNotificationMessage",
    "TaskNotificationOriginSubkind",
    "TaskNotificationStatus",
    "TaskProgressMessage",
    "TaskStartedMessage",
    "TaskUpdatedMessage",
    "TaskUpdatedStatus",
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

JSONDict: TypeAlias = dict[str, Any]


# Typed factories: with ``default_factory=dict`` pyright would not know the item types.
def _empty_dict() -> JSONDict:
    return {}


# Readers of one key of a raw dict, as the type a property promises.
def _str(d: JSONDict | None, key: str) -> str | None:
    value = None if d is None else d.get(key)
    return value if isinstance(value, str) else None


def _bool(d: JSONDict | None, key: str) -> bool:
    return d is not None and d.get(key) is True


def _opt_bool(d: JSONDict | None, key: str) -> bool | None:
    value = None if d is None else d.get(key)
    return value if isinstance(value, bool) else None


def _int(d: JSONDict | None, key: str) -> int | None:
    value = None if d is None else d.get(key)
    return value if type(value) is int else None


def _dict(d: JSONDict | None, key: str) -> JSONDict | None:
    value = None if d is None else d.get(key)
    return value if isinstance(value, dict) else None  # pyright: ignore[reportUnknownVariableType]


# --------------------------------------------------------------------------
# The official Literal and TypedDict helpers
# --------------------------------------------------------------------------

#: The permission modes, as in ``claude_agent_sdk`` (used by SystemInitData).
_PermissionMode = Literal["default", "acceptEdits", "plan", "bypassPermissions", "dontAsk", "auto"]

ServerToolName = Literal[
    "advisor",
    "web_search",
    "web_fetch",
    "code_execution",
    "bash_code_execution",
    "text_editor_code_execution",
    "tool_search_tool_regex",
    "tool_search_tool_bm25",
]

AssistantMessageError = Literal[
    "authentication_failed",
    "billing_error",
    "rate_limit",
    "invalid_request",
    "server_error",
    "unknown",
]

MessageOriginKind = Literal[
    "human",
    "channel",
    "peer",
    "task-notification",
    "coordinator",
    "unclassified",
    "observer",
    "auto-continuation",
    "observer-activity",
]

TaskNotificationOriginSubkind = Literal["scheduled-trigger", "peer-send-message"]

#: Who sent a user-role message (``UserMessage.origin``) or the message that
#: started a turn (``ResultMessage.origin``); only ``kind`` is always there.
MessageOrigin = TypedDict(
    "MessageOrigin",
    {
        "kind": Required[MessageOriginKind],
        "server": str,
        "from": str,
        "name": str,
        "fromSession": str,
        "senderTaskId": str,
        "body": str,
        "verifiedPeerPid": int,
        "subkind": TaskNotificationOriginSubkind,
    },
    total=False,
)


class SystemInitMcpServer(TypedDict):
    """One MCP server in ``system/init``'s ``mcp_servers``."""

    name: str
    status: str
    source: NotRequired[str]


class SystemInitPlugin(TypedDict):
    """One loaded plugin in ``system/init``'s ``plugins``."""

    name: str
    path: str
    version: NotRequired[str]


class SystemInitPluginError(TypedDict):
    """One plugin that failed to load, in ``system/init``'s ``plugin_errors``."""

    plugin: str
    type: str
    message: str
    path: NotRequired[str]


FastModeState = Literal["off", "cooldown", "on"]

FastModeDisabledReason = Literal[
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
]


class SystemInitData(TypedDict):
    """The shape of ``SystemMessage.data`` for ``system/init``, with the wire's keys.

    Not checked by the decoder; :attr:`SystemMessage.info` gives a checked
    :class:`InitInfo` instead.
    """

    type: Literal["system"]
    subtype: Literal["init"]
    uuid: str
    session_id: str
    agents: NotRequired[list[str]]
    apiKeySource: str
    betas: NotRequired[list[str]]
    claude_code_version: str
    cwd: str
    tools: list[str]
    mcp_servers: list[SystemInitMcpServer]
    model: str
    permissionMode: _PermissionMode
    slash_commands: list[str]
    terminal_slash_commands: NotRequired[list[str]]
    output_style: str
    skills: list[str]
    plugins: list[SystemInitPlugin]
    plugin_errors: NotRequired[list[SystemInitPluginError]]
    fast_mode_state: NotRequired[FastModeState]
    fast_mode_disabled_reason: NotRequired[FastModeDisabledReason]
    capabilities: NotRequired[list[str]]


class TaskUsage(TypedDict):
    """What a task has used so far: the ``usage`` of task progress and notifications.

    The wire object itself (the decoder checks the three keys are integers);
    any other key the CLI sends stays in it.
    """

    total_tokens: int
    tool_uses: int
    duration_ms: int


TaskNotificationStatus = Literal["completed", "failed", "stopped"]

TaskUpdatedStatus = Literal["pending", "running", "paused", "completed", "failed", "killed"]

#: The task statuses after which a task does no more work: the ``status`` of
#: every :class:`TaskNotificationMessage`, and ``"killed"``, which only a
#: :class:`TaskUpdatedMessage` patch carries.
TERMINAL_TASK_STATUSES: frozenset[str] = frozenset({"completed", "failed", "stopped", "killed"})


class ModelUsage(TypedDict):
    """One model's usage and cost in ``ResultMessage.model_usage`` (wire ``modelUsage``)."""

    inputTokens: int
    outputTokens: int
    cacheReadInputTokens: int
    cacheCreationInputTokens: int
    webSearchRequests: int
    costUSD: float
    contextWindow: int
    maxOutputTokens: int
    canonicalModel: NotRequired[str]
    provider: NotRequired[str]


RateLimitStatus = Literal["allowed", "allowed_warning", "rejected"]
RateLimitType = Literal["five_hour", "seven_day", "seven_day_opus", "seven_day_sonnet", "overage"]


# --------------------------------------------------------------------------
# Content blocks (the items of ``message.content``)
# --------------------------------------------------------------------------


@dataclass
class TextBlock:
    """Plain text: ``{"type": "text", "text": ...}``, from the model or the user."""

    text: str


@dataclass
class ThinkingBlock:
    """The model's extended thinking: ``{"type": "thinking", "thinking", "signature"}``.

    The CLI sends each thinking block as its own ``assistant`` line.  A
    block without ``signature`` decodes with ``""``.
    """

    thinking: str
    signature: str


@dataclass
class ToolUseBlock:
    """The model calls a tool: ``{"type": "tool_use", "id", "name", "input"}``.

    MCP tools appear here too, named ``mcp__<server>__<tool>``.
    """

    id: str
    name: str
    input: dict[str, Any]


@dataclass
class ToolResultBlock:
    """A tool's answer, in a ``user`` frame: ``{"type": "tool_result", ...}``.

    ``content`` is a string, a list of raw content dicts (``text``,
    ``image``, ...), or ``None`` when the wire omits it.  ``is_error`` is
    ``None`` when the wire omits it.
    """

    tool_use_id: str
    content: str | list[dict[str, Any]] | None = None
    is_error: bool | None = None


@dataclass
class ServerToolUseBlock:
    """A tool the API runs itself (advisor, web search, web fetch, code execution).

    Wire: ``{"type": "server_tool_use", "id", "name", "input"}``.  ``name``
    is a :data:`ServerToolName`, or a newer one as sent.
    """

    id: str
    name: ServerToolName
    input: dict[str, Any]


@dataclass
class ServerToolResultBlock:
    """The result of a server-run tool, in an ``assistant`` frame.

    Any block whose ``type`` ends in ``_tool_result`` (``advisor_tool_result``,
    ``web_search_tool_result``, ``web_fetch_tool_result``, ...) except
    ``tool_result`` itself; ``claude_agent_sdk`` makes one only of
    ``advisor_tool_result`` and drops the others.  ``content`` is the raw
    JSON: an object, or for some tools (web search) a list of results.
    :attr:`type` is the block's wire ``type``.
    """

    tool_use_id: str
    content: dict[str, Any]

    _frame: ClassVar[JSONDict | None] = None

    @property
    def type(self) -> str:
        """The wire ``type`` (``"advisor_tool_result"`` for one built by hand)."""
        return _str(self._frame, "type") or "advisor_tool_result"


@dataclass
class RedactedThinkingBlock:
    """Thinking the API encrypted: ``{"type": "redacted_thinking", "data": ...}`` (ccsdk only)."""

    data: str


@dataclass
class ImageBlock:
    """An image in user content: ``{"type": "image", "source": {...}}`` (ccsdk only).

    ``source`` is the API's raw source dict (``base64`` / ``url`` / ``file``).
    """

    source: dict[str, Any]


@dataclass
class UnknownBlock:
    """A content block of a ``type`` ccsdk does not model; ``raw`` is the whole dict."""

    type: str
    raw: dict[str, Any]


ContentBlock: TypeAlias = (
    TextBlock
    | ThinkingBlock
    | ToolUseBlock
    | ToolResultBlock
    | ServerToolUseBlock
    | ServerToolResultBlock
    | RedactedThinkingBlock
    | ImageBlock
    | UnknownBlock
)


# --------------------------------------------------------------------------
# Messages (one per stdout frame)
# --------------------------------------------------------------------------


@dataclass
class UserMessage:
    """A ``user`` frame.

    The CLI sends one for each tool result (``content`` = ``[ToolResultBlock]``,
    the tool's structured output in ``tool_use_result``), for interruption
    markers (``[Request interrupted by user]``), and for replays of local
    commands (:attr:`is_replay`).  ``content`` is a string or a list of
    blocks, as in ``message.content``.  ``origin`` says who sent a prompt
    when the CLI knows (``{"kind": "human"}``, ``"channel"``, ...), as the
    raw dict.
    """

    content: str | list[ContentBlock]
    uuid: str | None = None
    parent_tool_use_id: str | None = None
    #: Raw JSON: a dict for most tools (a string for some errors, as sent).
    tool_use_result: dict[str, Any] | None = None
    origin: MessageOrigin | None = None

    _frame: ClassVar[JSONDict | None] = None

    @property
    def session_id(self) -> str | None:
        """The frame's ``session_id`` (ccsdk only; from the raw frame)."""
        return _str(self._frame, "session_id")

    @property
    def is_replay(self) -> bool:
        """Wire ``isReplay``: the CLI replays a local command's input (ccsdk only)."""
        return _bool(self._frame, "isReplay")


@dataclass
class AssistantMessage:
    """An ``assistant`` frame: one per content block while streaming.

    The CLI sends each completed block of a model response as its own line,
    all sharing ``message_id`` (wire ``message.id``); ``stop_reason`` is
    ``None`` on those.  ``error`` is set on the synthetic message the CLI
    makes for an API failure (``model`` is then ``"<synthetic>"``), and
    :attr:`aborted` on the partial message left by an interrupt.
    ``user_message_uuid`` / ``user_message_uuids`` name the user messages
    (by the ``uuid`` their sender gave them) that this turn answers.
    """

    content: list[ContentBlock]
    model: str
    parent_tool_use_id: str | None = None
    error: AssistantMessageError | None = None
    usage: dict[str, Any] | None = None
    message_id: str | None = None
    stop_reason: str | None = None
    session_id: str | None = None
    uuid: str | None = None
    user_message_uuid: str | None = None
    user_message_uuids: list[str] | None = None

    _frame: ClassVar[JSONDict | None] = None

    @property
    def aborted(self) -> bool:
        """Wire ``aborted``: the partial message an interrupt left (ccsdk only)."""
        return _bool(self._frame, "aborted")


@dataclass
class SystemMessage:
    """A ``system`` frame: ``subtype`` says which; ``data`` is the whole raw frame.

    Most subtypes (``init``, ``status``, ``api_retry``, ``compact_boundary``,
    ``session_state_changed``, ...) are plain ``SystemMessage``, as in
    ``claude_agent_sdk``; :attr:`info` reads the ones ccsdk knows.
    """

    subtype: str
    data: dict[str, Any]

    @property
    def info(self) -> "SystemInfo | None":
        """A typed, read-only view of ``data`` for the subtypes ccsdk knows (ccsdk only).

        ``init`` -> :class:`InitInfo`, ``status`` -> :class:`StatusInfo`,
        ``api_retry`` -> :class:`ApiRetryInfo`, ``session_state_changed``
        -> :class:`SessionStateInfo`, ``permission_denied`` ->
        :class:`PermissionDeniedInfo`, ``hook_started`` / ``hook_progress``
        / ``hook_response`` -> :class:`HookStartedInfo` /
        :class:`HookProgressInfo` / :class:`HookResponseInfo`.  ``None`` for
        any other subtype, or when ``data`` does not fit the view.  Built
        from ``data`` on each access.
        """
        from .codec import system_info

        return system_info(self)


@dataclass
class TaskStartedMessage(SystemMessage):
    """``system/task_started``: a background task began.

    Sent for a subagent the model starts with the Task tool (``task_type``
    ``"local_agent"``, with :attr:`subagent_type` and :attr:`prompt`) and
    for a Bash command that runs for more than a few seconds
    (``"local_bash"``).  ``tool_use_id`` is the tool call that started it.
    Later frames about the task carry the same ``task_id``.
    """

    task_id: str
    description: str
    uuid: str
    session_id: str
    tool_use_id: str | None = None
    task_type: str | None = None

    @property
    def run_id(self) -> str | None:
        """(ccsdk only, from ``data``.)"""
        return _str(self.data, "run_id")

    @property
    def subagent_type(self) -> str | None:
        """The subagent's kind, for a ``local_agent`` task (ccsdk only, from ``data``)."""
        return _str(self.data, "subagent_type")

    @property
    def prompt(self) -> str | None:
        """The subagent's prompt (ccsdk only, from ``data``)."""
        return _str(self.data, "prompt")

    @property
    def is_backgrounded(self) -> bool | None:
        """False while the starting tool call waits for the task (ccsdk only, from ``data``)."""
        return _opt_bool(self.data, "is_backgrounded")

    @property
    def spawn_depth(self) -> int | None:
        """(ccsdk only, from ``data``.)"""
        return _int(self.data, "spawn_depth")

    @property
    def parent_task_id(self) -> str | None:
        """(ccsdk only, from ``data``.)"""
        return _str(self.data, "parent_task_id")

    @property
    def workflow_name(self) -> str | None:
        """(ccsdk only, from ``data``.)"""
        return _str(self.data, "workflow_name")

    @property
    def skip_transcript(self) -> bool:
        """(ccsdk only, from ``data``.)"""
        return _bool(self.data, "skip_transcript")


@dataclass
class TaskProgressMessage(SystemMessage):
    """``system/task_progress``: a running subagent used a tool.

    ``usage`` is the total so far; ``last_tool_name`` the tool it just used;
    ``description`` what it is doing now (e.g. ``"Running echo hi"``).
    """

    task_id: str
    description: str
    usage: TaskUsage
    uuid: str
    session_id: str
    tool_use_id: str | None = None
    last_tool_name: str | None = None

    @property
    def run_id(self) -> str | None:
        """(ccsdk only, from ``data``.)"""
        return _str(self.data, "run_id")

    @property
    def subagent_type(self) -> str | None:
        """(ccsdk only, from ``data``.)"""
        return _str(self.data, "subagent_type")

    @property
    def summary(self) -> str | None:
        """(ccsdk only, from ``data``.)"""
        return _str(self.data, "summary")


@dataclass
class TaskNotificationMessage(SystemMessage):
    """``system/task_notification``: a task ended.

    ``status`` is ``"completed"``, ``"failed"`` or ``"stopped"`` (all in
    :data:`TERMINAL_TASK_STATUSES`); ``summary`` is a subagent's final text
    or a Bash command's description; ``output_file`` where its full output
    was written (``""`` if nowhere).  For a subagent it may come after the
    turn's :class:`ResultMessage`.
    """

    task_id: str
    status: TaskNotificationStatus
    output_file: str
    summary: str
    uuid: str
    session_id: str
    tool_use_id: str | None = None
    usage: TaskUsage | None = None

    @property
    def run_id(self) -> str | None:
        """(ccsdk only, from ``data``.)"""
        return _str(self.data, "run_id")

    @property
    def reason(self) -> str | None:
        """(ccsdk only, from ``data``.)"""
        return _str(self.data, "reason")

    @property
    def skip_transcript(self) -> bool:
        """(ccsdk only, from ``data``.)"""
        return _bool(self.data, "skip_transcript")


@dataclass
class TaskUpdatedMessage(SystemMessage):
    """``system/task_updated``: some of a task's state changed.

    ``patch`` holds only what changed (``status``, ``end_time``,
    ``is_backgrounded``, ``error``, ...), as the raw dict (``{}`` if the
    frame has none): merge it into your own record of the task.  ``status``
    is ``patch["status"]`` or ``None``; ``task_id`` is ``""`` if the frame
    has none.
    """

    task_id: str
    patch: dict[str, Any]
    status: TaskUpdatedStatus | None = None
    session_id: str | None = None
    uuid: str | None = None

    @property
    def run_id(self) -> str | None:
        """(ccsdk only, from ``data``.)"""
        return _str(self.data, "run_id")


@dataclass
class MirrorErrorMessage(SystemMessage):
    """``system/mirror_error``: appending to a session store failed (not fatal).

    ``claude_agent_sdk`` makes these itself (not the CLI) when its
    ``SessionStore`` mirroring fails; a frame of this subtype decodes to it.
    """

    key: SessionKey | None = None
    error: str = ""


@dataclass
class HookEventMessage(SystemMessage):
    """``system/hook_started`` or ``hook_response``: a hook command began or ended.

    Sent with ``include_hook_events``.  ``hook_event_name`` is the event
    (``"PreToolUse"``, ...).  Only hooks that run a command (from settings
    or plugins) are reported, not callbacks registered through the SDK.
    ``hook_progress`` frames stay plain :class:`SystemMessage`, as in
    ``claude_agent_sdk``; :attr:`SystemMessage.info` reads all three.
    """

    hook_event_name: str = ""
    session_id: str | None = None
    uuid: str | None = None

    @property
    def hook_id(self) -> str | None:
        """Ties the frames of one hook run together (ccsdk only, from ``data``)."""
        return _str(self.data, "hook_id")

    @property
    def hook_name(self) -> str | None:
        """The event and matcher, e.g. ``"PreToolUse:Bash"`` (ccsdk only, from ``data``)."""
        return _str(self.data, "hook_name")


@dataclass
class DeferredToolUse:
    """The tool call a hook deferred: ``ResultMessage.deferred_tool_use``.

    Wire ``{"id", "name", "input"}``, as a ``tool_use`` block.
    """

    id: str
    name: str
    input: dict[str, Any]


@dataclass
class ResultMessage:
    """A ``result`` frame: the end of every turn, exactly one per turn.

    ``subtype`` is ``success`` or an ``error_*`` kind (``error_during_execution``
    after an interrupt, ``error_max_turns``, ...).  Note that an API failure
    gives ``subtype == "success"`` with ``is_error`` true, ``api_error_status``
    and ``terminal_reason == "api_error"``: test ``is_error``, not the subtype.
    ``total_cost_usd`` and ``model_usage`` (wire ``modelUsage``) are cumulative
    over the session; ``usage`` is for this turn.  ``permission_denials`` and
    ``errors`` are ``None`` when the frame has none.  ``deferred_tool_use`` is
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
    stop_reason: str | None = None
    total_cost_usd: float | None = None
    usage: dict[str, Any] | None = None
    result: str | None = None
    #: Raw JSON matching the requested schema (``--json-schema``), else ``None``.
    structured_output: Any = None
    #: Per-model usage and cost (wire ``modelUsage``), cumulative.
    model_usage: dict[str, ModelUsage] | None = None
    permission_denials: list[Any] | None = None
    deferred_tool_use: DeferredToolUse | None = None
    errors: list[str] | None = None
    api_error_status: int | None = None
    uuid: str | None = None
    terminal_reason: str | None = None
    origin: MessageOrigin | None = None
    user_message_uuid: str | None = None
    user_message_uuids: list[str] | None = None


@dataclass
class StreamEvent:
    """A ``stream_event`` frame: one raw API streaming event (``--include-partial-messages``).

    ``event`` is the Messages API SSE payload (``message_start``,
    ``content_block_delta``, ...).  The frame of a ``message_stop`` may carry
    :attr:`abandoned_blocks`: streamed blocks the CLI withdrew.
    """

    uuid: str
    session_id: str
    event: dict[str, Any]
    parent_tool_use_id: str | None = None
    user_message_uuid: str | None = None
    user_message_uuids: list[str] | None = None

    _frame: ClassVar[JSONDict | None] = None

    @property
    def api_message_id(self) -> str | None:
        """The API message this event belongs to (ccsdk only, from the raw frame)."""
        return _str(self._frame, "api_message_id")

    @property
    def abandoned_blocks(self) -> JSONDict | None:
        """``{"api_message_id", "from_block_index"}``: the streamed blocks the CLI withdrew.

        On a ``message_stop`` that closes a cut-short response (a broken
        stream, an interrupt).  A frame field beside ``event``, not inside
        it (ccsdk only, from the raw frame).
        """
        return _dict(self._frame, "abandoned_blocks")


@dataclass
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

    status: RateLimitStatus
    resets_at: int | None = None
    rate_limit_type: RateLimitType | None = None
    utilization: float | None = None
    overage_status: RateLimitStatus | None = None
    overage_resets_at: int | None = None
    overage_disabled_reason: str | None = None
    raw: dict[str, Any] = field(default_factory=_empty_dict)

    @property
    def is_using_overage(self) -> bool | None:
        """Wire ``isUsingOverage`` (ccsdk only, from ``raw``)."""
        return _opt_bool(self.raw, "isUsingOverage")


@dataclass
class RateLimitEvent:
    """A ``rate_limit_event`` frame: the account's rate-limit status changed.

    The CLI reads the limits from the API's ``anthropic-ratelimit-unified-*``
    response headers, and only for a claude.ai sign-in or a gateway (not for
    an API key); it sends a frame when they change.
    """

    rate_limit_info: RateLimitInfo
    uuid: str
    session_id: str

    _frame: ClassVar[JSONDict | None] = None


@dataclass
class ConversationResetMessage:
    """A ``conversation_reset`` frame: the conversation was discarded.

    What follows belongs to a new conversation, ``new_conversation_id``,
    with a new session id; ``session_id`` is the old one.
    """

    new_conversation_id: str
    uuid: str
    session_id: str

    _frame: ClassVar[JSONDict | None] = None

    @property
    def trigger(self) -> str | None:
        """``"clear"`` (``/clear``), ``"plan_mode_exit"``, ``"fresh_session"``, ... (ccsdk only)."""
        return _str(self._frame, "trigger")

    @property
    def user_message_uuid(self) -> str | None:
        """The ``/clear`` message's uuid (ccsdk only, from the raw frame)."""
        return _str(self._frame, "user_message_uuid")

    @property
    def timestamp(self) -> str | None:
        """(ccsdk only, from the raw frame.)"""
        return _str(self._frame, "timestamp")


# ccsdk's own messages: frames claude_agent_sdk drops.


@dataclass
class ToolProgressMessage:
    """A ``tool_progress`` frame: a tool call is still running (ccsdk only).

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
    data: dict[str, Any] = field(default_factory=_empty_dict)


@dataclass
class ToolUseSummaryMessage:
    """A ``tool_use_summary`` frame: a short label for tool calls that finished (ccsdk only).

    Sent with ``CLAUDE_CODE_EMIT_TOOL_USE_SUMMARIES=1``, after a batch of
    main-thread tool calls; the CLI asks the model for the label in a side
    request.  ``preceding_tool_use_ids`` are the calls it describes.
    """

    summary: str
    preceding_tool_use_ids: list[str]
    uuid: str | None = None
    session_id: str | None = None
    data: dict[str, Any] = field(default_factory=_empty_dict)


@dataclass
class PromptSuggestionMessage:
    """A ``prompt_suggestion`` frame: what the user might type next (ccsdk only).

    Sent with ``--prompt-suggestions`` after a turn's result (and after
    ``session_state_changed`` ``idle``), from a side request to the model;
    only from the second model response of a session on, and only while
    the prompt cache is warm.
    """

    suggestion: str
    uuid: str | None = None
    session_id: str | None = None
    data: dict[str, Any] = field(default_factory=_empty_dict)


@dataclass
class AuthStatusMessage:
    """An ``auth_status`` frame: the CLI is (re)authenticating (ccsdk only).

    Sent with ``--enable-auth-status``, e.g. while an ``apiKeyHelper`` runs,
    or after it failed (``error``).  Wire ``isAuthenticating`` becomes
    ``is_authenticating``; ``output`` is the helper's latest output lines.
    """

    is_authenticating: bool
    output: list[str]
    error: str | None = None
    uuid: str | None = None
    session_id: str | None = None
    data: dict[str, Any] = field(default_factory=_empty_dict)


@dataclass
class UnknownMessage:
    """A frame of a ``type`` ccsdk does not model; ``data`` is the whole raw frame (ccsdk only).

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
    | ConversationResetMessage
    | ToolProgressMessage
    | ToolUseSummaryMessage
    | PromptSuggestionMessage
    | AuthStatusMessage
    | UnknownMessage
)


# --------------------------------------------------------------------------
# Typed views of system subtypes that stay plain SystemMessage
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InitInfo:
    """What ``system/init`` says (:attr:`SystemMessage.info`); sent once per turn.

    Carries the session id, the model, the tools and MCP servers, and the
    permission mode.  Wire keys ``permissionMode`` and ``apiKeySource``
    become ``permission_mode`` and ``api_key_source``; everything else is
    in the message's ``data``.
    """

    session_id: str
    model: str
    cwd: str | None = None
    tools: list[str] = field(default_factory=list[str])
    mcp_servers: list[dict[str, Any]] = field(default_factory=list[dict[str, Any]])
    permission_mode: str | None = None
    api_key_source: str | None = None
    claude_code_version: str | None = None
    slash_commands: list[str] = field(default_factory=list[str])
    agents: list[str] = field(default_factory=list[str])
    output_style: str | None = None
    skills: list[str] = field(default_factory=list[str])
    plugins: list[dict[str, Any]] = field(default_factory=list[dict[str, Any]])
    uuid: str | None = None


@dataclass(frozen=True, slots=True)
class StatusInfo:
    """What ``system/status`` says: ``"requesting"`` before an API call, ``"compacting"``, or null.

    After ``set_permission_mode`` the CLI sends one with ``status`` null and
    the new ``permission_mode`` (wire ``permissionMode``).
    """

    status: str | None = None
    permission_mode: str | None = None
    session_id: str | None = None
    uuid: str | None = None


@dataclass(frozen=True, slots=True)
class ApiRetryInfo:
    """What ``system/api_retry`` says: an API call failed and the CLI will retry it.

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


@dataclass(frozen=True, slots=True)
class SessionStateInfo:
    """What ``system/session_state_changed`` says: ``running``, ``requires_action`` or ``idle``.

    Sent only when ``CLAUDE_CODE_SDK_READS_SESSION_STATE=1`` (CLI 2.1.331 and
    later); ``idle`` means the run is over and stdin may be closed.
    """

    state: str
    sdk_host_only: bool = False
    session_id: str | None = None
    uuid: str | None = None


@dataclass(frozen=True, slots=True)
class PermissionDeniedInfo:
    """What ``system/permission_denied`` says: a tool call was refused without asking.

    Sent (2.1.331) when no permission prompt tool and no allow rule covers
    the call; ``message`` is the text the model was given.
    """

    tool_name: str
    tool_use_id: str
    message: str
    agent_id: str | None = None
    session_id: str | None = None
    uuid: str | None = None


@dataclass(frozen=True, slots=True)
class HookStartedInfo:
    """What ``system/hook_started`` says: a hook command began.

    ``hook_event`` is the event (``"PreToolUse"``, ...), ``hook_name`` the
    event and matcher (``"PreToolUse:Bash"``); ``hook_id`` ties the frames
    of one run together.
    """

    hook_id: str
    hook_name: str
    hook_event: str
    session_id: str | None = None
    uuid: str | None = None


@dataclass(frozen=True, slots=True)
class HookProgressInfo:
    """What ``system/hook_progress`` says: a running hook wrote output (about once a second).

    ``stdout``, ``stderr`` and ``output`` hold all the output so far.
    """

    hook_id: str
    hook_name: str
    hook_event: str
    stdout: str
    stderr: str
    output: str
    session_id: str | None = None
    uuid: str | None = None


@dataclass(frozen=True, slots=True)
class HookResponseInfo:
    """What ``system/hook_response`` says: a hook command ended.

    ``outcome`` is ``"success"``, ``"error"`` or ``"cancelled"``;
    ``output`` is stdout and stderr interleaved.
    """

    hook_id: str
    hook_name: str
    hook_event: str
    outcome: str
    stdout: str
    stderr: str
    output: str
    exit_code: int | None = None
    session_id: str | None = None
    uuid: str | None = None


SystemInfo: TypeAlias = (
    InitInfo
    | StatusInfo
    | ApiRetryInfo
    | SessionStateInfo
    | PermissionDeniedInfo
    | HookStartedInfo
    | HookProgressInfo
    | HookResponseInfo
)
