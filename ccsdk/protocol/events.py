"""The control-protocol events :meth:`Connection.next_event` returns.

Besides these, ``next_event`` returns the typed messages of
:mod:`ccsdk.protocol.messages` (what a user iterates over), the
:data:`NEED_DATA` sentinel, and :class:`EndOfOutput` once.

The CLI's requests to us (``CanUseToolRequest``, ``HookCallbackRequest``,
``McpMessageRequest``, ``ElicitationRequest``, ``UserDialogRequest``,
``UnknownControlRequest``) each carry the
``request_id`` that the answer must name; ``raw`` keeps the whole request
body, so a field this version does not model is never lost. They are read
from the wire by the converter (``codec.decode_request``): a missing or
null field takes its default, a field of the wrong JSON type is a
:class:`~ccsdk.protocol.errors.MessageParseError` naming it.
"""

from __future__ import annotations

from typing import Any, Final, cast

import attrs

from ccsdk.protocol.control import HOOK, RAW, WIRE, WrongType
from ccsdk.protocol.errors import ControlRequestError

__all__ = [
    "NEED_DATA",
    "CanUseToolRequest",
    "ControlCancelled",
    "ControlFailed",
    "ControlSucceeded",
    "ElicitationRequest",
    "EndOfOutput",
    "HookCallbackRequest",
    "IncomingRequest",
    "McpMessageRequest",
    "StrayControlResponse",
    "UnknownControlRequest",
    "UserDialogRequest",
]


class NeedData:
    """The type of :data:`NEED_DATA`."""

    def __repr__(self) -> str:
        return "NEED_DATA"


#: ``next_event`` found no complete line: feed more bytes.
NEED_DATA: Final = NeedData()


def _items(value: object, _: object) -> list[Any]:
    """``permission_suggestions``: an array, its items kept as sent.

    Each is read by the runtime, which skips (and logs) one it cannot read
    rather than refuse the whole request.
    """
    if not isinstance(value, list):
        raise WrongType(value, "an array")
    return list(cast("list[object]", value))


@attrs.frozen
class CanUseToolRequest:
    """The CLI asks whether a tool may run (``--permission-prompt-tool stdio``)."""

    request_id: str
    tool_name: str
    input: dict[str, Any] = attrs.field(factory=dict[str, Any])
    permission_suggestions: list[dict[str, Any]] = attrs.field(
        factory=list[dict[str, Any]], metadata={HOOK: _items}
    )
    blocked_path: str | None = None
    tool_use_id: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict[str, Any], repr=False, metadata={RAW: True})


@attrs.frozen
class HookCallbackRequest:
    """The CLI runs one of the hook callbacks we registered in ``initialize``."""

    request_id: str
    callback_id: str
    input: dict[str, Any] = attrs.field(factory=dict[str, Any])
    tool_use_id: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict[str, Any], repr=False, metadata={RAW: True})


@attrs.frozen
class McpMessageRequest:
    """A JSON-RPC message for one of our in-process MCP servers."""

    request_id: str
    server_name: str
    message: dict[str, Any] = attrs.field(factory=dict[str, Any])
    raw: dict[str, Any] = attrs.field(factory=dict[str, Any], repr=False, metadata={RAW: True})


@attrs.frozen
class ElicitationRequest:
    """An MCP server asks the user for input (MCP ``elicitation/create``).

    The CLI passes the question on to the SDK host, by default, for the
    servers it runs itself (stdio, HTTP). ``mode`` is ``"form"`` (fill in
    ``requested_schema``, a flat JSON Schema object; ``property_order`` lists
    its properties in display order) or ``"url"`` (send the user to
    ``url``); ``None`` means form. ``title``, ``display_name`` and
    ``description`` are the server's ``anthropic/permissionDisplay`` hints.
    """

    request_id: str
    server_name: str = attrs.field(metadata={WIRE: "mcp_server_name"})
    message: str = attrs.field()
    mode: str | None = None
    url: str | None = None
    elicitation_id: str | None = None
    requested_schema: dict[str, Any] | None = None
    property_order: list[str] | None = None
    title: str | None = None
    display_name: str | None = None
    description: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict[str, Any], repr=False, metadata={RAW: True})


@attrs.frozen
class UserDialogRequest:
    """The CLI asks the host to show one of its dialogs (``request_user_dialog``).

    It sends only the ``dialog_kind`` values the host declared in
    ``initialize`` (``supported_dialog_kinds``), such as
    ``"refusal_fallback_prompt"``; ``payload`` is that kind's data.
    """

    request_id: str
    dialog_kind: str
    payload: dict[str, Any] = attrs.field(factory=dict[str, Any])
    tool_use_id: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict[str, Any], repr=False, metadata={RAW: True})


@attrs.frozen
class UnknownControlRequest:
    """A control request of a subtype this version does not know.

    Answer it with an error (the CLI then carries on), as the official SDKs do.
    """

    request_id: str
    subtype: str
    raw: dict[str, Any] = attrs.field(repr=False)


IncomingRequest = (
    CanUseToolRequest
    | HookCallbackRequest
    | McpMessageRequest
    | ElicitationRequest
    | UserDialogRequest
    | UnknownControlRequest
)


@attrs.frozen
class ControlCancelled:
    """The CLI gave up on one of its requests (a hook timed out, or its output ended).

    Cancel the handler and send no answer: :meth:`Connection.send_response`
    for a cancelled request returns ``b""``.
    """

    request_id: str


@attrs.frozen
class ControlSucceeded:
    """The CLI answered one of our requests."""

    request_id: str
    subtype: str
    response: dict[str, Any]


@attrs.frozen
class ControlFailed:
    """The CLI refused one of our requests, or ended before answering it."""

    request_id: str
    subtype: str
    error: ControlRequestError


@attrs.frozen
class StrayControlResponse:
    """A control response naming no request of ours (kept, not dropped)."""

    raw: dict[str, Any]


@attrs.frozen
class EndOfOutput:
    """The CLI's stdout ended; returned once, after every failed request.

    ``mid_run``: it ended while a run was in flight (a user message had no
    result yet, or the CLI had said ``running`` and not ``idle``). A clean
    exit never does that, so a runtime reports it as an error.
    """

    mid_run: bool = False
