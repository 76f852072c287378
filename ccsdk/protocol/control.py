"""The control protocol as typed models: our requests, the CLI's answers, our answers.

The control protocol rides on the stream-json streams. We send
``{"type": "control_request", "request_id": ..., "request": {"subtype":
..., ...}}`` and the CLI answers ``{"type": "control_response", "response":
{"subtype": "success", "request_id": ..., "response": {...}}}`` (or
``"subtype": "error"`` with ``error`` and, from CLI 2.1.331, ``error_code``);
the CLI sends its own requests (``can_use_tool``, ``hook_callback``,
``mcp_message``, ``elicitation``, ``request_user_dialog``; see
:mod:`ccsdk.protocol.events`) and we answer them the same way.

Every frame we write is one of these frozen attrs classes, handed to
:meth:`Connection.send <ccsdk.protocol.connection.Connection.send>`:

* :class:`UserInput`: a user message (starts a run);
* :class:`ControlRequest`: one of our requests (:data:`OurRequest`: the
  classes below with a ``subtype``, or :class:`OtherRequest` for a subtype
  ccsdk does not model) under its ``request_id``;
* :class:`ControlSuccess` / :class:`ControlError`: our answer to one of the
  CLI's requests; the success's payload is one of :data:`AnswerPayload`
  (``can_use_tool``'s allow or deny, a hook's output, an elicitation's or a
  dialog's result, an MCP response) or a plain dict.

How a model becomes wire JSON is declared on its fields (``wire`` for a
camelCase key, ``omit_if_none`` for a key absent rather than null) and
applied in one place, :func:`ccsdk.protocol.codec.encode_control`; the
converter (``ccsdk.protocol.converter``) unstructures and structures them
with the same names. What the CLI answers to ``initialize``,
``rewind_files`` and ``mcp_set_servers`` is read by the converter
(``codec.decode_answer``) into the public types of :mod:`ccsdk._server_info`
and :mod:`ccsdk._control_results`, whose fields declare their wire names
with the same metadata.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, TypeAlias

import attrs

__all__ = [
    "AnswerPayload",
    "CanUseToolAllow",
    "CanUseToolDeny",
    "ControlError",
    "ControlRequest",
    "ControlSuccess",
    "ElicitationAnswer",
    "GetContextUsage",
    "HookOutput",
    "Initialize",
    "Interrupt",
    "McpMessage",
    "McpReconnect",
    "McpResponse",
    "McpSetServers",
    "McpStatus",
    "McpToggle",
    "OtherRequest",
    "OurRequest",
    "RewindFiles",
    "SetMaxThinkingTokens",
    "SetModel",
    "SetPermissionMode",
    "StopTask",
    "UserDialogAnswer",
    "UserInput",
    "HOOK",
    "OMIT_IF_NONE",
    "RAW",
    "WIRE",
    "WrongType",
]

#: Field metadata key: the field's JSON key when it is not the field's name.
WIRE = "ccsdk.wire"
#: Field metadata key: leave the key out (rather than send ``null``) when ``None``.
OMIT_IF_NONE = "ccsdk.omit_if_none"
#: Field metadata key: this field gets the whole dict a model was read from.
#: A class with such a field is read by ``codec.decode_answer`` (lenient
#: about what is missing or null, strict about wrong types); the typed
#: answers of :mod:`ccsdk._server_info` and :mod:`ccsdk._control_results` are.
RAW = "ccsdk.raw"
#: Field metadata key: a structure hook ``(value, type) -> value`` for this
#: field alone, used by ``codec.decode_answer`` (a value it cannot take
#: raises :class:`WrongType`, and the error names the field's path).
HOOK = "ccsdk.hook"


class WrongType(TypeError):
    """Raised by a :data:`HOOK`: ``value`` is not ``expected`` ("an object", ...)."""

    def __init__(self, value: object, expected: str) -> None:
        super().__init__(f"must be {expected}")
        self.value = value
        self.expected = expected


# --------------------------------------------------------------------------
# Our requests (the ``request`` object of a control_request we send)
# --------------------------------------------------------------------------


@attrs.frozen
class Initialize:
    """The first request: hooks, system prompt, agents, MCP servers, ...

    ``hooks`` is always sent (``null`` for none), as the official SDK does;
    every other field only when set. Built from the options by
    ``ccsdk.runtime._initialize.build_initialize``.
    """

    subtype: ClassVar[str] = "initialize"

    hooks: dict[str, Any] | None = None
    system_prompt: list[str] | None = attrs.field(
        default=None, metadata={WIRE: "systemPrompt", OMIT_IF_NONE: True}
    )
    system_prompt_snapshot: Any = attrs.field(
        default=None, metadata={WIRE: "systemPromptSnapshot", OMIT_IF_NONE: True}
    )
    append_system_prompt: str | None = attrs.field(
        default=None, metadata={WIRE: "appendSystemPrompt", OMIT_IF_NONE: True}
    )
    exclude_dynamic_sections: Any = attrs.field(
        default=None, metadata={WIRE: "excludeDynamicSections", OMIT_IF_NONE: True}
    )
    agents: dict[str, Any] | None = attrs.field(default=None, metadata={OMIT_IF_NONE: True})
    skills: list[str] | None = attrs.field(default=None, metadata={OMIT_IF_NONE: True})
    forward_subagent_text: bool | None = attrs.field(
        default=None, metadata={WIRE: "forwardSubagentText", OMIT_IF_NONE: True}
    )
    sdk_mcp_servers: list[str] | None = attrs.field(
        default=None, metadata={WIRE: "sdkMcpServers", OMIT_IF_NONE: True}
    )
    mcp_servers: dict[str, Any] | None = attrs.field(
        default=None, metadata={WIRE: "mcpServers", OMIT_IF_NONE: True}, repr=False
    )
    settings: dict[str, Any] | None = attrs.field(
        default=None, metadata={WIRE: "settings", OMIT_IF_NONE: True}, repr=False
    )
    json_schema: Any = attrs.field(default=None, metadata={WIRE: "jsonSchema", OMIT_IF_NONE: True})
    tool_aliases: dict[str, str] | None = attrs.field(
        default=None, metadata={WIRE: "toolAliases", OMIT_IF_NONE: True}
    )
    title: str | None = attrs.field(default=None, metadata={OMIT_IF_NONE: True})
    supported_dialog_kinds: list[str] | None = attrs.field(
        default=None, metadata={WIRE: "supportedDialogKinds", OMIT_IF_NONE: True}
    )


@attrs.frozen
class Interrupt:
    """Stop the running turn; it ends with ``error_during_execution``."""

    subtype: ClassVar[str] = "interrupt"


@attrs.frozen
class SetPermissionMode:
    """Change the permission mode; the CLI answers ``{"mode": <in effect>}``."""

    subtype: ClassVar[str] = "set_permission_mode"

    mode: str


@attrs.frozen
class SetModel:
    """Switch the model (``None``: the CLI's default; sent as ``null``)."""

    subtype: ClassVar[str] = "set_model"

    model: str | None = None


@attrs.frozen
class McpStatus:
    """The MCP servers the CLI knows and their state."""

    subtype: ClassVar[str] = "mcp_status"


@attrs.frozen
class GetContextUsage:
    """How the context window is used, by category."""

    subtype: ClassVar[str] = "get_context_usage"


@attrs.frozen
class RewindFiles:
    """Restore (``dry_run``: report) the files changed since a user message."""

    subtype: ClassVar[str] = "rewind_files"

    user_message_id: str
    dry_run: bool = False


@attrs.frozen
class McpReconnect:
    """Reconnect an MCP server the CLI runs."""

    subtype: ClassVar[str] = "mcp_reconnect"

    server_name: str = attrs.field(metadata={WIRE: "serverName"})


@attrs.frozen
class McpToggle:
    """Disable an MCP server, or enable it again."""

    subtype: ClassVar[str] = "mcp_toggle"

    server_name: str = attrs.field(metadata={WIRE: "serverName"})
    enabled: bool = True


@attrs.frozen
class McpSetServers:
    """Replace the MCP servers added at run time; name -> wire config."""

    subtype: ClassVar[str] = "mcp_set_servers"

    servers: dict[str, Any]


@attrs.frozen
class StopTask:
    """Stop a background task (a subagent, a background shell) by its id."""

    subtype: ClassVar[str] = "stop_task"

    task_id: str


@attrs.frozen
class SetMaxThinkingTokens:
    """Bound the model's thinking (``None``: the CLI's default; sent as ``null``)."""

    subtype: ClassVar[str] = "set_max_thinking_tokens"

    max_thinking_tokens: int | None
    thinking_display: str | None = attrs.field(default=None, metadata={OMIT_IF_NONE: True})


@attrs.frozen
class McpMessage:
    """A JSON-RPC message from one of our in-process MCP servers to the CLI."""

    subtype: ClassVar[str] = "mcp_message"

    server_name: str
    message: dict[str, Any]


@attrs.frozen
class OtherRequest:
    """A request of a subtype ccsdk does not model: ``subtype`` and its fields as given."""

    subtype: str  # pyright: ignore[reportIncompatibleVariableOverride]
    fields: dict[str, Any] = attrs.field(factory=dict[str, Any])


OurRequest: TypeAlias = (
    Initialize
    | Interrupt
    | SetPermissionMode
    | SetModel
    | McpStatus
    | GetContextUsage
    | RewindFiles
    | McpReconnect
    | McpToggle
    | McpSetServers
    | StopTask
    | SetMaxThinkingTokens
    | McpMessage
    | OtherRequest
)


# --------------------------------------------------------------------------
# Our answers to the CLI's requests (the payload of a success)
# --------------------------------------------------------------------------


@attrs.frozen
class CanUseToolAllow:
    """``can_use_tool``: run the tool, with this input (and these permission updates)."""

    updated_input: dict[str, Any] = attrs.field(metadata={WIRE: "updatedInput"})
    #: Wire dicts (``PermissionUpdate.to_wire()``); left out when ``None``.
    updated_permissions: list[dict[str, Any]] | None = attrs.field(
        default=None, metadata={WIRE: "updatedPermissions", OMIT_IF_NONE: True}
    )
    behavior: ClassVar[str] = "allow"


@attrs.frozen
class CanUseToolDeny:
    """``can_use_tool``: do not run the tool; ``interrupt`` also stops the turn."""

    message: str
    #: Sent only when true.
    interrupt: bool | None = attrs.field(default=None, metadata={OMIT_IF_NONE: True})
    behavior: ClassVar[str] = "deny"


@attrs.frozen
class HookOutput:
    """``hook_callback``: the callback's dict, with ``continue_`` / ``async_`` renamed."""

    output: dict[str, Any]


@attrs.frozen
class ElicitationAnswer:
    """``elicitation``: an MCP ``ElicitResult``; ``content`` left out when ``None``."""

    action: Literal["accept", "decline", "cancel"]
    content: dict[str, Any] | None = attrs.field(default=None, metadata={OMIT_IF_NONE: True})


@attrs.frozen
class UserDialogAnswer:
    """``request_user_dialog``: ``completed`` with a ``result``, or ``cancelled`` (no result)."""

    behavior: Literal["completed", "cancelled"]
    result: Any = None


@attrs.frozen
class McpResponse:
    """``mcp_message``: the in-process server's JSON-RPC response."""

    mcp_response: dict[str, Any]


AnswerPayload: TypeAlias = (
    CanUseToolAllow
    | CanUseToolDeny
    | HookOutput
    | ElicitationAnswer
    | UserDialogAnswer
    | McpResponse
)


# --------------------------------------------------------------------------
# What Connection.send takes
# --------------------------------------------------------------------------


@attrs.frozen
class UserInput:
    """A user message; ``client_composed`` asks the CLI to deliver the text as written."""

    content: str | list[dict[str, Any]]
    session_id: str = "default"
    parent_tool_use_id: str | None = None
    client_composed: bool = False


@attrs.frozen
class ControlRequest:
    """One of our control requests under ``request_id``; its answer arrives as an event."""

    request_id: str
    #: A model, or a dict with a string ``subtype`` (as ``send_request`` took).
    request: OurRequest | dict[str, Any]


@attrs.frozen
class ControlSuccess:
    """Our answer to one of the CLI's requests: success, with a payload."""

    request_id: str
    response: AnswerPayload | dict[str, Any] | None = None


@attrs.frozen
class ControlError:
    """Our answer to one of the CLI's requests: an error, with a message."""

    request_id: str
    error: str
