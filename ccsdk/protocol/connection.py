"""The stream-json conversation with the Claude Code CLI, as a state machine.

:class:`Connection` does no I/O: the caller reads the CLI's stdout and hands
the bytes to :meth:`~Connection.receive_data` (``b""`` means end of output),
pulls events with :meth:`~Connection.next_event`, and writes to the CLI's
stdin the bytes that :meth:`~Connection.send` returns for each frame (a
:mod:`ccsdk.protocol.control` model; the older ``send_*`` methods are thin
wrappers over it). Request ids are handed
in by the caller, so this module needs no clock and no randomness. Any
runtime can drive it: trio, asyncio or a blocking thread (see
``docs/protocol.md`` for a complete driver on ``subprocess``).

Errors follow h11's split. ``LocalProtocolError`` is our misuse (writing
after stdin was closed, answering a request twice). ``RemoteProtocolError``
is the CLI's fault. A line that is not JSON, or a frame of a known type
that lacks a field, raises once (:class:`CLIJSONDecodeError`,
:class:`MessageParseError`, carrying the line or the data) and the next
call goes on with the next line: one bad line never swallows the messages
after it. Output that can no longer be framed (a line over the bound, a
cut-off line at end of output) moves their side to ``ERROR`` for good.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from typing import Any, cast

from ccsdk.protocol.codec import decode_message, decode_request, encode_control
from ccsdk.protocol.control import (
    AnswerPayload,
    ControlError,
    ControlRequest,
    ControlSuccess,
    GetContextUsage,
    Initialize,
    Interrupt,
    McpMessage,
    McpReconnect,
    McpSetServers,
    McpStatus,
    McpToggle,
    OtherRequest,
    OurRequest,
    RewindFiles,
    SetMaxThinkingTokens,
    SetModel,
    SetPermissionMode,
    StopTask,
    UserInput,
)
from ccsdk.protocol.errors import (
    CLIJSONDecodeError,
    ConnectionClosedError,
    ControlRequestError,
    LineTooLongError,
    LocalProtocolError,
    MessageParseError,
    RemoteProtocolError,
)
from ccsdk.protocol.events import (
    NEED_DATA,
    CanUseToolRequest,
    ControlCancelled,
    ControlFailed,
    ControlSucceeded,
    ElicitationRequest,
    EndOfOutput,
    HookCallbackRequest,
    IncomingRequest,
    McpMessageRequest,
    NeedData,
    StrayControlResponse,
    UnknownControlRequest,
    UserDialogRequest,
)
from ccsdk.protocol.framing import DEFAULT_MAX_LINE_BYTES, LineBuffer
from ccsdk.protocol.messages import Message
from ccsdk.protocol.states import ConversationState, Input, OurState, TheirState

__all__ = ["Connection", "Event", "Frame"]

Event = (
    Message
    | IncomingRequest
    | ControlCancelled
    | ControlSucceeded
    | ControlFailed
    | StrayControlResponse
    | EndOfOutput
)

#: What :meth:`Connection.send` takes: a control model, or a stream-json input dict.
Frame = UserInput | ControlRequest | ControlSuccess | ControlError | dict[str, Any]

_REQUEST_CLASSES = (
    Initialize,
    Interrupt,
    SetPermissionMode,
    SetModel,
    McpStatus,
    GetContextUsage,
    RewindFiles,
    McpReconnect,
    McpToggle,
    McpSetServers,
    StopTask,
    SetMaxThinkingTokens,
    McpMessage,
    OtherRequest,
)

#: The CLI's requests we know: subtype -> event class (read by the converter).
_INCOMING: dict[str, type[IncomingRequest]] = {
    "can_use_tool": CanUseToolRequest,
    "hook_callback": HookCallbackRequest,
    "mcp_message": McpMessageRequest,
    "elicitation": ElicitationRequest,
    "request_user_dialog": UserDialogRequest,
}

#: Lines longer than this are decoded by ``json.loads`` from a ``str``,
#: with the line's bytes released first (see :meth:`Connection._parse`).
BIG_LINE_BYTES = 4 * 1024 * 1024

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def _text_of(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CLIJSONDecodeError(line.decode("utf-8", "replace"), exc) from None


def _object_of(line: bytes | str, loads: Callable[[Any], Any]) -> dict[str, Any]:
    """The JSON object in one line, or :class:`CLIJSONDecodeError`."""
    try:
        obj = loads(line)
    except (ValueError, RecursionError) as exc:  # JSON, UTF-8, absurd nesting
        raise CLIJSONDecodeError(_shown(line), exc) from None
    if type(obj) is not dict:
        raise CLIJSONDecodeError(_shown(line), ValueError("a frame must be a JSON object"))
    return cast("dict[str, Any]", obj)  # parsed JSON: str keys


def _shown(line: bytes | str) -> str:
    return line if isinstance(line, str) else line.decode("utf-8", "replace")


class Connection:
    """One conversation with one CLI process.

    Args:
        max_line_bytes: the bound on one stdout line (see
            :data:`~ccsdk.protocol.framing.DEFAULT_MAX_LINE_BYTES`).
        loads: the JSON decoder for stdout lines; it takes bytes.
    """

    def __init__(
        self,
        *,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        loads: Callable[[bytes], Any] = json.loads,
    ) -> None:
        self._lines = LineBuffer(max_line_bytes)
        self._loads = loads
        self._ready: deque[bytes] = deque()
        self._synthetic: deque[Event] = deque()  # made at end of output, after the lines
        self._eof = False
        self._eof_reported = False
        self._error: RemoteProtocolError | None = None
        self._deferred: RemoteProtocolError | None = None
        self._state = ConversationState()
        # Our requests awaiting an answer: request_id -> subtype.
        self._ours: dict[str, str] = {}
        # Their requests awaiting our answer.
        self._theirs: set[str] = set()

    # -- state ---------------------------------------------------------------

    @property
    def their_state(self) -> TheirState:
        """The CLI's side of the conversation (see :mod:`ccsdk.protocol.states`)."""
        return self._state.their_state

    @property
    def our_state(self) -> OurState:
        """Our side (stdin): OPEN until :meth:`close_input`."""
        return self._state.our_state

    @property
    def pending_requests(self) -> frozenset[str]:
        """Ids of our control requests the CLI has not answered yet."""
        return frozenset(self._ours)

    @property
    def pending_incoming(self) -> frozenset[str]:
        """Ids of the CLI's requests we have not answered (nor seen cancelled)."""
        return frozenset(self._theirs)

    @property
    def run_is_over(self) -> bool:
        """No run in flight: every user message sent has been fully handled."""
        return self._state.run_is_over

    @property
    def may_close_input(self) -> bool:
        """Whether closing stdin now loses nothing.

        The CLI stops serving hooks, permission prompts and MCP calls once
        its stdin closes (it fails a pending permission request outright), so
        stdin stays open until the run is over and no request either way is
        pending.
        """
        return self.run_is_over and not self._theirs and not self._ours

    # -- receiving -------------------------------------------------------------

    def receive_data(self, data: bytes) -> None:
        """Add bytes read from the CLI's stdout; ``b""`` marks its end."""
        if self._eof:
            if data:
                raise LocalProtocolError("received data after end of output")
            return
        framing = self._lines
        if not data:
            self._eof = True
            if framing.error is None:  # a failed buffer's cut tail is not a line
                tail = framing.take_tail()
                if tail.strip():
                    self._ready.append(tail)
            return
        if self._error is not None or framing.error is not None:
            return
        try:
            lines = framing.feed(data)
        except LineTooLongError:
            return  # kept in framing.error: raised once the lines before it are out
        if lines:
            self._ready.extend(lines)

    def next_event(self) -> Event | NeedData:
        """Return the next event, or :data:`NEED_DATA`.

        Raises:
            CLIJSONDecodeError: a complete line was not a JSON object (the
                line is consumed; call again to go on).
            MessageParseError: a known frame lacked a field (likewise).
            RemoteProtocolError: the output can no longer be framed; every
                later call raises it again.

        An error that :meth:`next_events` held back is raised first, so
        mixing the two never lets it overtake the events after the bad line.
        """
        if self._deferred is not None:
            exc, self._deferred = self._deferred, None
            raise exc
        ready = self._ready
        while ready:
            # Straight from the queue: the callee holds the only reference.
            event = self._decode_line(ready.popleft())
            if event is not None:
                return event
        if self._error is None and self._lines.error is not None:
            self._fail(self._lines.error)  # every line before the long one is out
        if self._error is not None:
            raise self._error
        if self._eof:
            return self._end_of_output()
        return NEED_DATA

    def next_events(self) -> list[Event]:
        """Every event available now, in order: the batch one read produced.

        A bad line raises as in :meth:`next_event`, but not at the cost of
        the events decoded before it: those are returned first, and the
        error is raised by the next call (of either method).
        """
        out: list[Event] = []
        while True:
            try:
                event = self.next_event()
            except RemoteProtocolError as exc:
                if not out:
                    raise
                self._deferred = exc
                return out
            if isinstance(event, NeedData):
                return out
            out.append(event)
            if isinstance(event, EndOfOutput):
                return out

    def _fail(self, exc: RemoteProtocolError) -> None:
        self._error = exc
        self._state.their_input(Input.RECV_GARBAGE)

    def _end_of_output(self) -> Event | NeedData:
        if self._synthetic:
            return self._synthetic.popleft()
        if self._eof_reported:
            return NEED_DATA
        self._eof_reported = True
        mid_run = self.their_state is TheirState.BUSY
        self._state.their_input(Input.RECV_EOF)
        for request_id, subtype in self._ours.items():
            self._synthetic.append(
                ControlFailed(request_id, subtype, ConnectionClosedError(subtype))
            )
        self._ours.clear()
        for request_id in self._theirs:
            self._synthetic.append(ControlCancelled(request_id))
        self._theirs.clear()
        self._synthetic.append(EndOfOutput(mid_run))
        return self._synthetic.popleft()

    def _decode_line(self, line: bytes) -> Event | None:
        if not line.strip():
            return None  # blank lines carry nothing; the CLI ignores them too
        if len(line) > BIG_LINE_BYTES:
            # An image or a large tool result: decoded to str, and the bytes
            # released (the caller passed its only reference) before parsing,
            # so that the bytes, a decoder's working copy and the result never
            # exist at once: about twice the line at the peak, not 3 times.
            text = _text_of(line)
            del line
            obj = _object_of(text, json.loads)
            del text
        else:
            obj = _object_of(line, self._loads)
        kind = obj.get("type")
        if kind == "control_response":
            return self._on_control_response(obj)
        if kind == "control_request":
            return self._on_control_request(obj)
        if kind == "control_cancel_request":
            request_id = obj.get("request_id")
            if not isinstance(request_id, str):
                raise MessageParseError("control_cancel_request without a request_id", obj)
            if request_id not in self._theirs:
                return None  # already answered: nothing left to cancel
            self._theirs.discard(request_id)
            return ControlCancelled(request_id)
        message = decode_message(obj)
        if kind == "result":
            self._state.result_received()
        elif kind == "system" and obj.get("subtype") == "session_state_changed":
            self._state.session_state_received(obj.get("state"))
        return message

    def _on_control_response(self, obj: dict[str, Any]) -> Event:
        given = obj.get("response")
        if not isinstance(given, dict):
            raise MessageParseError("control_response without a response object", obj)
        body = cast("dict[str, Any]", given)  # parsed JSON: str keys
        request_id = body.get("request_id")
        subtype = self._ours.pop(request_id, None) if isinstance(request_id, str) else None
        if subtype is None:
            return StrayControlResponse(obj)
        assert isinstance(request_id, str)
        if body.get("subtype") == "error":
            error = body.get("error")
            code = body.get("error_code")
            return ControlFailed(
                request_id,
                subtype,
                ControlRequestError(
                    subtype,
                    error if isinstance(error, str) else repr(error),
                    code if isinstance(code, str) else None,
                ),
            )
        payload = body.get("response")
        return ControlSucceeded(
            request_id,
            subtype,
            cast("dict[str, Any]", payload) if isinstance(payload, dict) else {},
        )

    def _on_control_request(self, obj: dict[str, Any]) -> Event:
        request_id = obj.get("request_id")
        given = obj.get("request")
        if not isinstance(request_id, str) or not isinstance(given, dict):
            raise MessageParseError("control_request without a request_id or request", obj)
        request = cast("dict[str, Any]", given)  # parsed JSON: str keys
        subtype = request.get("subtype")
        kind = _INCOMING.get(subtype) if isinstance(subtype, str) else None
        event: IncomingRequest
        if kind is None:
            event = UnknownControlRequest(request_id, str(subtype), request)
        else:
            try:
                event = decode_request(kind, request_id, request)
            except MessageParseError as exc:
                raise MessageParseError(str(exc), obj) from None
        self._theirs.add(request_id)
        return event

    # -- sending ---------------------------------------------------------------

    def send(self, frame: Frame) -> bytes:
        """The bytes to write to the CLI's stdin for ``frame`` (h11's ``send``).

        ``frame`` is a :mod:`ccsdk.protocol.control` model:
        :class:`~ccsdk.protocol.control.UserInput` (starts or joins a run),
        :class:`~ccsdk.protocol.control.ControlRequest` (one of ours; its
        answer arrives as an event), :class:`~ccsdk.protocol.control.ControlSuccess`
        or :class:`~ccsdk.protocol.control.ControlError` (our answer to one of
        the CLI's requests: ``b""`` when the CLI cancelled it, or its output
        ended, first); or a dict, any stream-json input frame (such as a user
        message from a prompt stream).

        Raises:
            LocalProtocolError: stdin is closed; a request id already
                pending; a request once the CLI's output has ended; a frame
                that is not a JSON object, or that JSON cannot encode (the
                CLI exits on a line it cannot parse, so such a line is never
                written).
        """
        if isinstance(frame, UserInput):  # the most frequent first
            self._state.our_input(Input.SEND_USER)
            data = self._encode(encode_control(frame))
            self._state.user_sent()
            return data
        if isinstance(frame, ControlSuccess | ControlError):
            return self._answer(frame)
        if isinstance(frame, ControlRequest):
            return self._request(frame)
        if not isinstance(cast(object, frame), dict):  # typed, but a caller's value
            raise LocalProtocolError(
                f"a stream-json input frame must be a dict, not {type(frame).__name__}"
            )
        is_user = frame.get("type") == "user"
        self._state.our_input(Input.SEND_USER if is_user else Input.SEND_CONTROL)
        data = self._encode(frame)
        if is_user:
            self._state.user_sent()
        return data

    def send_user(
        self,
        content: str | list[dict[str, Any]],
        *,
        session_id: str = "default",
        parent_tool_use_id: str | None = None,
        client_composed: bool = False,
    ) -> bytes:
        """``send(UserInput(...))``: a user message, which starts (or joins) a run.

        ``client_composed`` asks the CLI to deliver the text as written (no
        ``@path`` expansion, no slash command).
        """
        return self.send(UserInput(content, session_id, parent_tool_use_id, client_composed))

    def send_message(self, message: dict[str, Any]) -> bytes:
        """``send(message)``: any stream-json input frame (a user message from a prompt stream).

        Raises:
            LocalProtocolError: stdin is closed, or ``message`` is not a JSON
                object (the CLI exits on a line it cannot parse, so nothing
                that is not one is ever written).
        """
        return self.send(message)

    def send_request(self, request_id: str, request: OurRequest | dict[str, Any]) -> bytes:
        """``send(ControlRequest(request_id, request))``: one of our control requests."""
        return self.send(ControlRequest(request_id, request))

    def send_response(
        self, request_id: str, response: AnswerPayload | dict[str, Any] | None = None
    ) -> bytes:
        """``send(ControlSuccess(request_id, response))``: answer one of the CLI's requests.

        Returns ``b""`` when the CLI cancelled the request (or its output
        ended) first: there is nobody left to answer.
        """
        return self.send(ControlSuccess(request_id, response))

    def send_error(self, request_id: str, message: str) -> bytes:
        """``send(ControlError(request_id, message))``: an error answer (``b""`` if cancelled)."""
        return self.send(ControlError(request_id, message))

    def _request(self, frame: ControlRequest) -> bytes:
        request = cast(object, frame.request)  # typed, but a caller's value
        if isinstance(request, dict):
            subtype = cast("dict[str, Any]", request).get("subtype")
            if not isinstance(subtype, str):
                raise LocalProtocolError("a control request needs a string 'subtype'")
        elif isinstance(request, _REQUEST_CLASSES):
            subtype = request.subtype
        else:
            raise LocalProtocolError(
                f"a control request must be a dict or a request model, not {type(request).__name__}"
            )
        request_id = frame.request_id
        if request_id in self._ours:
            raise LocalProtocolError(f"request id {request_id!r} is already pending")
        self._state.check_request(subtype)
        self._state.our_input(Input.SEND_CONTROL)
        data = self._encode(encode_control(frame))
        self._ours[request_id] = subtype
        return data

    def _answer(self, frame: ControlSuccess | ControlError) -> bytes:
        if frame.request_id not in self._theirs:
            return b""
        if self.our_state is OurState.CLOSED:
            raise LocalProtocolError("cannot answer the CLI: stdin is closed")
        data = self._encode(encode_control(frame))
        self._theirs.discard(frame.request_id)
        return data

    def close_input(self) -> None:
        """Record that stdin is (about to be) closed; later sends raise."""
        self._state.our_input(Input.CLOSE_INPUT)

    @staticmethod
    def _encode(frame: dict[str, Any]) -> bytes:
        try:
            return (_dumps(frame) + "\n").encode("utf-8")
        except (TypeError, ValueError) as exc:  # not JSON-able, NaN, lone surrogates
            raise LocalProtocolError(f"cannot encode a frame as JSON: {exc}") from None
