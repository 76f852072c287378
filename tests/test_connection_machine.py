"""A stateful hypothesis test of the sans-IO :class:`Connection` against a model CLI.

The example tests in ``test_connection.py`` each pin one exchange; the bugs
that hurt a control protocol live in the interleavings: an answer racing a
``control_cancel_request``, a response arriving after end of output, a bad
line between two requests, a line cut inside a multi-byte character, a
deferred error overtaking what came after it. Here hypothesis drives a
:class:`~hypothesis.stateful.RuleBasedStateMachine` through random
sequences of both peers' moves and checks every step against a small model:

* The CLI writes frames (messages, its control requests, cancels, responses
  to ours, stray responses, bad lines) into a byte log; the Connection is fed
  that log in random chunks, and the model decodes a line only when the
  Connection must have (a complete line is pulled by ``next_event``), so its
  expectations are computed against the same state the Connection sees.
* We send requests, answer the CLI's (twice, too late, with unencodable
  payloads), send user messages, close stdin, and pull events one at a time
  or in batches.

Invariants: every event comes out exactly once and in order; each bad line
raises once, as a :class:`ClaudeSDKError` subclass, and the lines after it
still arrive; ``pending_requests``, ``pending_incoming``, both states and
``may_close_input`` match the model after every step; end of output fails
every pending request of ours and cancels every pending one of theirs, then
reports ``EndOfOutput`` once; data after end of output is refused. Once the
run is drained, each of our requests was resolved exactly once and each of
the CLI's was answered or cancelled exactly once.

Answering a request nobody waits for (answered already, cancelled, never
seen) returns ``b""`` and writes nothing, as ``send_response`` documents: a
handler that finishes while the CLI's cancel is on its way is a race, not a
misuse. Answering with stdin closed, or with a payload JSON cannot encode,
is a ``LocalProtocolError`` and the request stays pending.
"""

from __future__ import annotations

import json
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from ccsdk.protocol import (
    NEED_DATA,
    CanUseToolRequest,
    ClaudeSDKError,
    CLIJSONDecodeError,
    Connection,
    ConnectionClosedError,
    ControlCancelled,
    ControlFailed,
    ControlRequestError,
    ControlSucceeded,
    EndOfOutput,
    HookCallbackRequest,
    LocalProtocolError,
    McpMessageRequest,
    MessageParseError,
    OurState,
    StrayControlResponse,
    TheirState,
    UnknownControlRequest,
    decode_message,
)

# Short texts, rich in multi-byte UTF-8 (so that chunk seams fall inside
# characters) and in characters JSON must escape (a raw newline would split
# the line).
TEXT = st.sampled_from(["", "héllo ☃", "𝄞 日本語", 'a\nb\t"c"', "x" * 40]) | st.text(
    st.characters(codec="utf-8"), max_size=8
)

# Lines a real CLI never sends but that stdout may still carry (debug output,
# a truncated write, invalid UTF-8), and the error each must raise.
GARBAGE: list[tuple[bytes, type[ClaudeSDKError]]] = [
    ("[SandboxDebug] héllo ☃".encode(), CLIJSONDecodeError),
    (b"[1, 2]", CLIJSONDecodeError),
    (b'"just a string"', CLIJSONDecodeError),
    (b'{"type": "x", "v": "\xff\xfe"}', CLIJSONDecodeError),
    (b'{"type": "assis', CLIJSONDecodeError),
    (b'{"type": "result", "subtype": "success"}', MessageParseError),
    (b'{"type": "control_request", "request": {"subtype": "interrupt"}}', MessageParseError),
    (b'{"type": "control_response", "response": "nope"}', MessageParseError),
    (b'{"type": "control_cancel_request"}', MessageParseError),
]
BLANK = [b"", b"   ", b" \t\r"]

# How many bytes one read of the CLI's stdout returns: often a piece of a
# line, sometimes everything written so far.
CHUNK = st.integers(min_value=1, max_value=300) | st.just(1 << 20)

# Our misuses of send_request: no string subtype, not JSON-encodable, not a dict.
BAD_REQUESTS: list[Any] = [{}, {"subtype": 3}, {"subtype": "x", "v": float("nan")}, ["interrupt"]]


def _frame(kind: str, text: str) -> dict[str, Any]:
    """An ordinary (non-control) frame of the CLI's."""
    base = {"session_id": "s-1", "uuid": "u-1"}
    if kind == "assistant":
        message: dict[str, Any] = {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "m",
            "content": [{"type": "text", "text": text}],
            "stop_reason": None,
            "usage": {},
        }
        return {"type": "assistant", "message": message, "parent_tool_use_id": None, **base}
    if kind == "user":
        message = {"role": "user", "content": [{"type": "text", "text": text}]}
        return {"type": "user", "message": message, "parent_tool_use_id": None, **base}
    if kind == "result":
        return {
            "type": "result",
            "subtype": "success",
            "is_error": False,
            "duration_ms": 5,
            "duration_api_ms": 3,
            "num_turns": 1,
            "result": text,
            "total_cost_usd": 0.0,
            "usage": {},
            **base,
        }
    if kind in ("running", "idle"):
        return {"type": "system", "subtype": "session_state_changed", "state": kind, **base}
    if kind == "init":
        return {
            "type": "system",
            "subtype": "init",
            "model": "m",
            "cwd": text,
            "tools": ["Bash"],
            "mcp_servers": [],
            "permissionMode": "default",
            "apiKeySource": "none",
            **base,
        }
    if kind == "rate_limit":
        return {"type": "rate_limit_event", "rate_limit_info": {"status": text}, **base}
    return {"type": "brand_new_frame", "text": text}


MESSAGE_KINDS = ["assistant", "user", "result", "running", "idle", "init", "rate_limit", "new"]


def _their_request(subtype: str, request_id: str, text: str) -> tuple[dict[str, Any], object]:
    """A control request of the CLI's, and the event it must decode to."""
    if subtype == "can_use_tool":
        suggestions = [{"type": "setMode", "mode": "acceptEdits", "destination": "session"}]
        request = {
            "subtype": subtype,
            "tool_name": "Write",
            "input": {"file_path": text},
            "permission_suggestions": suggestions,
            "tool_use_id": "toolu_1",
        }
        event: object = CanUseToolRequest(
            request_id, "Write", {"file_path": text}, suggestions, None, "toolu_1", request
        )
    elif subtype == "hook_callback":
        hook_input = {"hook_event_name": "Stop", "text": text}
        request = {"subtype": subtype, "callback_id": "hook_0", "input": hook_input}
        event = HookCallbackRequest(request_id, "hook_0", hook_input, None, request)
    elif subtype == "mcp_message":
        message = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"t": text}}
        request = {"subtype": subtype, "server_name": "calc", "message": message}
        event = McpMessageRequest(request_id, "calc", message, request)
    else:
        request = {"subtype": subtype, "prompt": text}
        event = UnknownControlRequest(request_id, subtype, request)
    return {"type": "control_request", "request_id": request_id, "request": request}, event


def _key(event: object) -> object:
    """What identifies an event (exceptions compare by identity, so unpack them)."""
    if isinstance(event, ControlFailed):
        e = event.error
        return ("failed", event.request_id, event.subtype, type(e), e.error, e.error_code)
    return event


def _call(fn: Callable[..., Any], *args: Any) -> tuple[Any, ClaudeSDKError | None]:
    """Call into the Connection: any exception that is not a ClaudeSDKError fails the test."""
    try:
        return fn(*args), None
    except ClaudeSDKError as exc:
        return None, exc


@dataclass
class Line:
    """One line the CLI wrote, and how the model decodes it."""

    end: int  # offset in the CLI's output just past the line's newline
    kind: str  # "message", "request", "cancel", "response", "bad", "blank"
    obj: Any = None  # the frame; for "request", (request_id, expected event)
    error: type[ClaudeSDKError] | None = None


@dataclass(frozen=True)
class Expect:
    """What the next pull must produce."""

    event: object = None  # compared by _key; NEED_DATA included
    error: type[ClaudeSDKError] | None = None
    synthetic: bool = False  # one of the end-of-output events, in any order


class ConnectionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.conn = Connection()
        self.counter = 0
        # The CLI: its stdout, how much of it was fed, and the lines not yet decoded.
        self.out = bytearray()
        self.fed = 0
        self.lines: deque[Line] = deque()
        self.cli_inbox: dict[str, str] = {}  # our requests the CLI has not answered
        self.cli_answered: list[str] = []
        self.cli_sent: list[str] = []  # ids of its own requests (bad ones included)
        self.eof = False  # receive_data(b"") was called
        # The model of the Connection.
        self.ours: dict[str, str] = {}
        self.theirs: set[str] = set()
        self.our_closed = False
        self.their = TheirState.IDLE
        self.reports_state = False
        self.idle_since_send = False
        self.unanswered_users = 0
        self.deferred: type[ClaudeSDKError] | None = None  # next_events' held error
        self.pool: list[object] | None = None  # end-of-output events not yet seen
        self.pool_left = 0
        self.end_reported = False
        self.mid_run = False  # a run was in flight when the output ended
        self.finished = False
        # Bookkeeping for the final exactly-once checks.
        self.sent_ok: list[str] = []
        self.resolved: Counter[str] = Counter()
        self.incoming: list[str] = []
        self.incoming_done: Counter[str] = Counter()
        self.ends = 0
        # Steps taken, and how many must pass before the CLI may exit or we
        # may close stdin: both end most traffic, so they must not come too soon.
        self.steps = 0
        self.cli_lifetime = 0
        self.stdin_lifetime = 0

    # sampled_from draws uniformly (integers() favours the smallest values).
    @initialize(cli=st.sampled_from([3, 30, 60, 85]), stdin=st.sampled_from([10, 60, 120, 1000]))
    def lifetimes(self, cli: int, stdin: int) -> None:
        self.cli_lifetime = cli
        self.stdin_lifetime = stdin

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}_{self.counter}"

    # -- the CLI writes --------------------------------------------------------

    def write(self, kind: str, raw: bytes, obj: Any = None, error: Any = None) -> None:
        assert b"\n" not in raw
        self.out += raw + b"\n"
        self.lines.append(Line(len(self.out), kind, obj, error))

    def write_json(self, kind: str, frame: dict[str, Any], obj: Any = None) -> None:
        raw = json.dumps(frame, ensure_ascii=False).encode()
        self.write(kind, raw, frame if obj is None else obj)

    @precondition(lambda self: not self.eof)
    @rule(kind=st.sampled_from(MESSAGE_KINDS), text=TEXT)
    def cli_message(self, kind: str, text: str) -> None:
        self.write_json("message", _frame(kind, text))

    @precondition(lambda self: not self.eof)
    @rule(
        subtype=st.sampled_from(
            ["can_use_tool", "hook_callback", "mcp_message", "some_future_request"]
        ),
        text=TEXT,
    )
    def cli_request(self, subtype: str, text: str) -> None:
        request_id = self.fresh("cli")
        frame, event = _their_request(subtype, request_id, text)
        self.cli_sent.append(request_id)
        self.write_json("request", frame, (request_id, event))

    @precondition(lambda self: not self.eof and self.cli_sent)
    @rule(data=st.data())
    def cli_cancel(self, data: st.DataObject) -> None:
        # Any of its requests: pending, answered by us already (the race), or cancelled.
        request_id = data.draw(st.sampled_from(self.cli_sent))
        self.write_json("cancel", {"type": "control_cancel_request", "request_id": request_id})

    @precondition(lambda self: not self.eof and self.cli_inbox)
    @rule(data=st.data(), ok=st.booleans(), text=TEXT, code=st.sampled_from([None, "bad_mode"]))
    def cli_respond(self, data: st.DataObject, ok: bool, text: str, code: str | None) -> None:
        # Mostly one of our requests it has not answered yet; else a stray:
        # a second answer to one it answered, or an id we never used.
        unanswered = st.sampled_from(sorted(self.cli_inbox))
        stray = st.sampled_from([*self.cli_answered, "nobody"])
        request_id = data.draw(unanswered | unanswered | stray)
        if self.cli_inbox.pop(request_id, None) is not None:
            self.cli_answered.append(request_id)
        body: dict[str, Any] = {"request_id": request_id}
        if ok:
            body.update(subtype="success", response={"text": text})
        else:
            body.update(subtype="error", error=text, error_code=code)
        self.write_json("response", {"type": "control_response", "response": body})

    @precondition(lambda self: not self.eof)
    @rule(odd=st.sampled_from([*GARBAGE, *BLANK, "malformed request"]))
    def cli_odd_line(self, odd: tuple[bytes, type[ClaudeSDKError]] | bytes | str) -> None:
        if isinstance(odd, tuple):
            self.write("bad", odd[0], error=odd[1])
        elif isinstance(odd, bytes):
            self.write("blank", odd)  # skipped, as the CLI skips blank input lines
        else:
            # A valid id but a bad body: a parse error, and the id never becomes pending.
            request_id = self.fresh("cli")
            self.cli_sent.append(request_id)
            request = {"subtype": "can_use_tool", "tool_name": 5, "input": {}}
            frame = {"type": "control_request", "request_id": request_id, "request": request}
            self.write("bad", json.dumps(frame).encode(), error=MessageParseError)

    # -- bytes reach the Connection ---------------------------------------------

    def feed(self, data: bytes) -> None:
        _, exc = _call(self.conn.receive_data, data)
        assert exc is None, f"receive_data({data!r}) raised {exc!r}"
        self.fed += len(data)

    @precondition(lambda self: not self.eof and self.fed < len(self.out))
    @rule(size=CHUNK)
    def feed_chunk(self, size: int) -> None:
        # Split anywhere: inside a line, a JSON string, a multi-byte character.
        self.feed(bytes(self.out[self.fed : self.fed + size]))

    @precondition(lambda self: not self.eof and self.steps >= self.cli_lifetime)
    @rule(cut_newline=st.booleans(), split=st.integers(min_value=0))
    def end_of_output(self, cut_newline: bool, split: int) -> None:
        # The CLI exits: the rest of its output (its last newline possibly
        # missing), in two pieces, then EOF.
        if cut_newline and self.fed < len(self.out):
            del self.out[-1]
        rest = bytes(self.out[self.fed :])
        cut = split % (len(rest) + 1)
        for piece in (rest[:cut], rest[cut:]):
            if piece:
                self.feed(piece)
        _, exc = _call(self.conn.receive_data, b"")
        assert exc is None, f"receive_data(b'') raised {exc!r}"
        self.eof = True

    @precondition(lambda self: self.eof)
    @rule(data=st.sampled_from([b"late", b"\n", b"{}\n"]))
    def data_after_end(self, data: bytes) -> None:
        _, exc = _call(self.conn.receive_data, data)
        assert isinstance(exc, LocalProtocolError), exc
        _, exc = _call(self.conn.receive_data, b"")  # EOF again is harmless
        assert exc is None, exc

    # -- the model decodes ---------------------------------------------------------

    def settle(self) -> TheirState:
        over = self.idle_since_send if self.reports_state else self.unanswered_users <= 0
        return TheirState.IDLE if over else TheirState.BUSY

    def decode(self, line: Line) -> Expect | None:
        """What the Connection must make of a line; None for nothing at all."""
        if line.kind == "blank":
            return None
        if line.kind == "bad":
            return Expect(error=line.error)
        if line.kind == "request":
            request_id, event = line.obj
            self.theirs.add(request_id)
            return Expect(event)
        if line.kind == "cancel":
            request_id = line.obj["request_id"]
            if request_id not in self.theirs:
                return None  # answered (or cancelled) first: nothing to cancel
            self.theirs.discard(request_id)
            return Expect(ControlCancelled(request_id))
        if line.kind == "response":
            body = line.obj["response"]
            request_id = body["request_id"]
            if request_id not in self.ours:
                return Expect(StrayControlResponse(line.obj))
            subtype = self.ours.pop(request_id)
            if body["subtype"] == "success":
                return Expect(ControlSucceeded(request_id, subtype, body["response"]))
            error = ControlRequestError(subtype, body["error"], body["error_code"])
            return Expect(ControlFailed(request_id, subtype, error))
        frame = line.obj
        active = self.their in (TheirState.IDLE, TheirState.BUSY)
        if frame["type"] == "result":
            self.unanswered_users -= 1
            if self.their is TheirState.BUSY:
                self.their = self.settle()
        elif frame.get("subtype") == "session_state_changed":
            self.reports_state = True
            self.idle_since_send = frame["state"] == "idle"
            if self.idle_since_send and self.their is TheirState.BUSY:
                self.their = self.settle()
            elif not self.idle_since_send and active:
                self.their = TheirState.BUSY
        return Expect(decode_message(frame))

    def expect_next(self) -> Expect:
        """The model's ``next_event``."""
        if self.deferred is not None:  # a batch held it back: it comes first
            error, self.deferred = self.deferred, None
            return Expect(error=error)
        while self.lines and (self.eof or self.lines[0].end <= self.fed):
            expect = self.decode(self.lines.popleft())
            if expect is not None:
                return expect
        if not self.eof:
            return Expect(NEED_DATA)
        if self.pool is None:
            # End of output: every pending request either way ends now.
            self.pool = [
                _key(ControlFailed(rid, sub, ConnectionClosedError(sub)))
                for rid, sub in self.ours.items()
            ]
            self.pool += [ControlCancelled(rid) for rid in self.theirs]
            self.pool_left = len(self.pool)
            self.mid_run = self.their is TheirState.BUSY
            self.ours.clear()
            self.theirs.clear()
            self.their = TheirState.CLOSED
        if self.pool_left:
            self.pool_left -= 1
            return Expect(synthetic=True)
        if not self.end_reported:
            self.end_reported = True
            return Expect(EndOfOutput(self.mid_run))
        return Expect(NEED_DATA)

    def check(self, expect: Expect, got: object, exc: ClaudeSDKError | None) -> None:
        if expect.error is not None:
            assert type(exc) is expect.error, f"expected {expect.error.__name__}, got {got!r}"
            return
        assert exc is None, f"unexpected {exc!r}, expected {expect}"
        if expect.synthetic:
            assert self.pool is not None and _key(got) in self.pool, f"unexpected {got!r}"
            self.pool.remove(_key(got))
        else:
            assert _key(got) == _key(expect.event), f"got {got!r}, expected {expect.event!r}"
        # Bookkeeping for the exactly-once checks of `finish`.
        if isinstance(got, ControlSucceeded | ControlFailed):
            self.resolved[got.request_id] += 1
        elif isinstance(
            got, CanUseToolRequest | HookCallbackRequest | McpMessageRequest | UnknownControlRequest
        ):
            self.incoming.append(got.request_id)
        elif isinstance(got, ControlCancelled):
            self.incoming_done[got.request_id] += 1
        elif isinstance(got, EndOfOutput):
            self.ends += 1

    # -- we pull events --------------------------------------------------------------

    @rule(read=st.just(0) | CHUNK, batch=st.booleans())
    def pull(self, read: int, batch: bool) -> None:
        # A driver's step: read a chunk (or nothing), then pull one event or a batch.
        if read and not self.eof and self.fed < len(self.out):
            self.feed_chunk(read)
        if batch:
            self.pull_batch()
        else:
            self.pull_one()

    def pull_one(self) -> None:
        expect = self.expect_next()
        got, exc = _call(self.conn.next_event)
        self.check(expect, got, exc)

    def pull_batch(self) -> None:
        # The model of next_events: a bad line after some events is held back.
        expected: list[Expect] = []
        error: type[ClaudeSDKError] | None = None
        if self.deferred is not None:
            error, self.deferred = self.deferred, None
        else:
            while True:
                expect = self.expect_next()
                if expect.error is not None:
                    if expected:
                        self.deferred = expect.error
                    else:
                        error = expect.error
                    break
                if expect.event is NEED_DATA:
                    break
                expected.append(expect)
                if isinstance(expect.event, EndOfOutput):
                    break
        got, exc = _call(self.conn.next_events)
        if error is not None:
            self.check(Expect(error=error), got, exc)
            return
        assert exc is None, f"unexpected {exc!r}"
        assert len(got) == len(expected), f"got {got!r}, expected {expected!r}"
        for one, expect in zip(got, expected, strict=True):
            self.check(expect, one, None)

    # -- we send -------------------------------------------------------------------------

    @rule(
        data=st.data(),
        subtype=st.sampled_from(["interrupt", "initialize", "mcp_status", "set_model"]),
        misuse=st.sampled_from([None, None, None, "pending id", "bad request"]),
    )
    def send_request(self, data: st.DataObject, subtype: str, misuse: str | None) -> None:
        request_id = self.fresh("req")
        request: Any = {"subtype": subtype}
        if misuse == "pending id" and self.ours:
            request_id = data.draw(st.sampled_from(sorted(self.ours)))
        elif misuse == "bad request":
            request = data.draw(st.sampled_from(BAD_REQUESTS))
        data_out, exc = _call(self.conn.send_request, request_id, request)
        if request_id in self.ours or misuse == "bad request":
            assert isinstance(exc, LocalProtocolError), exc
            return
        if self.our_closed or self.their is TheirState.CLOSED:
            assert isinstance(exc, LocalProtocolError), exc
            return
        assert exc is None, exc
        frame = {"type": "control_request", "request_id": request_id, "request": request}
        assert data_out.endswith(b"\n") and json.loads(data_out) == frame
        self.ours[request_id] = subtype
        self.sent_ok.append(request_id)
        if not self.eof:
            self.cli_inbox[request_id] = subtype

    @rule(data=st.data(), how=st.sampled_from(["success", "error", "unencodable"]), text=TEXT)
    def answer(self, data: st.DataObject, how: str, text: str) -> None:
        # A pending id, or any id the CLI used (answered, cancelled, not yet
        # decoded), or none.
        anyone = st.sampled_from([*self.cli_sent, "nobody"])
        pending = st.sampled_from(sorted(self.theirs)) if self.theirs else anyone
        request_id = data.draw(pending | pending | anyone)
        if how == "success":
            out, exc = _call(self.conn.send_response, request_id, {"text": text})
            body = {"subtype": "success", "request_id": request_id, "response": {"text": text}}
        elif how == "error":
            out, exc = _call(self.conn.send_error, request_id, text)
            body = {"subtype": "error", "request_id": request_id, "error": text}
        else:
            out, exc = _call(self.conn.send_response, request_id, {"x": float("nan")})
        if request_id not in self.theirs:
            # Nobody is waiting (answered, cancelled, unknown): nothing to write.
            assert exc is None and out == b"", (out, exc)
        elif self.our_closed or how == "unencodable":
            assert isinstance(exc, LocalProtocolError), exc  # and it stays pending
        else:
            assert exc is None, exc
            assert out.count(b"\n") == 1 and out.endswith(b"\n")
            assert json.loads(out) == {"type": "control_response", "response": body}
            self.theirs.discard(request_id)
            self.incoming_done[request_id] += 1

    @rule(text=TEXT)
    def send_user(self, text: str) -> None:
        data, exc = _call(self.conn.send_user, text)
        if self.our_closed:
            assert isinstance(exc, LocalProtocolError), exc
            return
        assert exc is None, exc
        assert json.loads(data)["message"] == {"role": "user", "content": text}
        self.unanswered_users += 1
        self.idle_since_send = False
        if self.their is TheirState.IDLE:
            self.their = TheirState.BUSY

    @precondition(lambda self: not self.our_closed and self.steps >= self.stdin_lifetime)
    @rule()
    def close_input(self) -> None:
        for _ in range(2):  # closing twice is harmless
            _, exc = _call(self.conn.close_input)
            assert exc is None, exc
        self.our_closed = True

    # -- the end -------------------------------------------------------------------------

    @precondition(lambda self: not self.finished and self.steps >= self.cli_lifetime)
    @rule(cut_newline=st.booleans())
    def finish(self, cut_newline: bool) -> None:
        """End the output, drain everything, and check exactly-once delivery."""
        if not self.eof:
            self.end_of_output(cut_newline, 0)
        while not self.end_reported:
            self.pull_one()
        self.pull_one()  # NEED_DATA from now on
        self.finished = True
        assert not self.lines and self.pool == [] and self.ends == 1
        assert all(self.resolved[rid] == 1 for rid in self.sent_ok), self.resolved
        assert set(self.resolved) <= set(self.sent_ok)
        assert all(self.incoming_done[rid] == 1 for rid in self.incoming), self.incoming_done
        assert len(set(self.incoming)) == len(self.incoming)

    @invariant()
    def pending_and_states_match_the_model(self) -> None:
        self.steps += 1
        conn = self.conn
        assert conn.pending_requests == frozenset(self.ours)
        assert conn.pending_incoming == frozenset(self.theirs)
        assert conn.their_state is self.their
        assert conn.our_state is (OurState.CLOSED if self.our_closed else OurState.OPEN)
        idle = self.their is not TheirState.BUSY
        assert conn.may_close_input == (idle and not self.ours and not self.theirs)


ConnectionMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=100, deadline=None
)
TestConnectionMachine = ConnectionMachine.TestCase
