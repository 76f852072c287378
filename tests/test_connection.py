"""The sans-IO Connection: events from bytes, bytes from commands."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccsdk.protocol import (
    NEED_DATA,
    AssistantMessage,
    CanUseToolRequest,
    CLIJSONDecodeError,
    Connection,
    ConnectionClosedError,
    ControlCancelled,
    ControlFailed,
    ControlSucceeded,
    EndOfOutput,
    HookCallbackRequest,
    LineTooLongError,
    LocalProtocolError,
    McpMessageRequest,
    MessageParseError,
    OurState,
    RemoteProtocolError,
    ResultMessage,
    StrayControlResponse,
    SystemMessage,
    TextBlock,
    TheirState,
    UnknownBlock,
    UnknownControlRequest,
    UnknownMessage,
)
from ccsdk.protocol.connection import BIG_LINE_BYTES
from ccsdk.protocol.states import OUR_TRANSITIONS, THEIR_TRANSITIONS, Input
from tests.fakecli import assistant, result, state


def line(frame: dict[str, Any]) -> bytes:
    return (json.dumps(frame) + "\n").encode()


def drain(conn: Connection) -> list[Any]:
    events = []
    while True:
        event = conn.next_event()
        if event is NEED_DATA:
            return events
        events.append(event)
        if isinstance(event, EndOfOutput):
            return events


INIT = {
    "type": "system",
    "subtype": "init",
    "session_id": "s-1",
    "model": "m",
    "cwd": "/",
    "tools": ["Bash"],
    "mcp_servers": [],
    "permissionMode": "default",
    "apiKeySource": "none",
}

TRANSCRIPT = b"".join(
    [
        line(
            {
                "type": "control_response",
                "response": {
                    "subtype": "success",
                    "request_id": "req_1",
                    "response": {"commands": []},
                },
            }
        ),
        line(state("running")),
        line(INIT),
        line(
            {
                "type": "control_request",
                "request_id": "r-9",
                "request": {
                    "subtype": "hook_callback",
                    "callback_id": "hook_0",
                    "input": {"hook_event_name": "Stop"},
                    "tool_use_id": None,
                },
            }
        ),
        line(assistant("héllo  \u2603 " + "x" * 300)),
        line(
            {
                "type": "rate_limit_event",
                "rate_limit_info": {"status": "allowed"},
                "uuid": "u-rl",
                "session_id": "s-1",
            }
        ),
        line({"type": "brand_new_frame", "x": 1}),
        line(result()),
        line(state("idle")),
    ]
)


def events_of(data: bytes, cuts: list[int]) -> list[Any]:
    conn = Connection()
    conn.send_request("req_1", {"subtype": "initialize", "hooks": None})
    conn.send_user("hi")
    events: list[Any] = []
    start = 0
    for cut in [*sorted(set(cuts)), len(data)]:
        if cut > start:  # b"" would mean end of output
            conn.receive_data(data[start:cut])
            events.extend(drain(conn))
        start = cut
    conn.receive_data(b"")
    events.extend(drain(conn))
    return events


def test_a_transcript_decodes_to_typed_events() -> None:
    events = events_of(TRANSCRIPT, [])
    kinds = [type(e).__name__ for e in events]
    assert kinds == [
        "ControlSucceeded",
        "SystemMessage",
        "SystemMessage",
        "HookCallbackRequest",
        "AssistantMessage",
        "RateLimitEvent",
        "UnknownMessage",
        "ResultMessage",
        "SystemMessage",
        "ControlCancelled",  # the hook was never answered: end of output cancels it
        "EndOfOutput",
    ]
    assert events[0] == ControlSucceeded("req_1", "initialize", {"commands": []})
    message = events[4]
    assert isinstance(message, AssistantMessage)
    assert message.content == [TextBlock("héllo  \u2603 " + "x" * 300)]
    assert isinstance(events[6], UnknownMessage)
    assert events[6].data == {"type": "brand_new_frame", "x": 1}


@given(st.lists(st.integers(min_value=0, max_value=len(TRANSCRIPT))))
def test_any_chunking_of_a_transcript_gives_the_same_events(cuts: list[int]) -> None:
    assert events_of(TRANSCRIPT, cuts) == events_of(TRANSCRIPT, [])


@settings(max_examples=300)
@given(st.lists(st.binary(max_size=64), max_size=8))
def test_arbitrary_bytes_give_events_or_remote_protocol_error(chunks: list[bytes]) -> None:
    conn = Connection(max_line_bytes=4096)
    conn.send_request("req_1", {"subtype": "interrupt"})
    for chunk in [*(c for c in chunks if c), b""]:
        conn.receive_data(chunk)
        for _ in range(100):
            try:
                event = conn.next_event()
            except RemoteProtocolError:
                continue
            if event is NEED_DATA or isinstance(event, EndOfOutput):
                break


@settings(max_examples=200)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "type",
                        "subtype",
                        "message",
                        "content",
                        "request",
                        "request_id",
                        "response",
                        "session_id",
                        "text",
                        "model",
                    ]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=12,
    ),
    st.sampled_from(
        [
            "assistant",
            "user",
            "result",
            "system",
            "stream_event",
            "control_request",
            "control_response",
            "control_cancel_request",
            "rate_limit_event",
            "x",
        ]
    ),
)
def test_arbitrary_frames_of_known_types_give_events_or_remote_protocol_error(
    body: Any, kind: str
) -> None:
    frame = dict(body) if isinstance(body, dict) else {"message": body}
    frame["type"] = kind
    conn = Connection()
    conn.receive_data(line(frame))
    with contextlib.suppress(RemoteProtocolError):
        conn.next_event()


def test_unknown_frames_and_blocks_are_kept_and_the_stream_goes_on() -> None:
    conn = Connection()
    frame = assistant("x")
    frame["message"]["content"] = [{"type": "hologram", "depth": 3}, {"type": "text", "text": "t"}]
    conn.receive_data(line({"type": "mystery", "a": 1}) + line(frame) + line(result()))
    mystery, message, done = drain(conn)
    assert mystery == UnknownMessage("mystery", {"type": "mystery", "a": 1})
    assert isinstance(message, AssistantMessage)
    assert message.content == [
        UnknownBlock("hologram", {"type": "hologram", "depth": 3}),
        TextBlock("t"),
    ]
    assert isinstance(done, ResultMessage)


def test_a_non_json_line_raises_with_the_line_and_the_next_lines_still_arrive() -> None:
    conn = Connection()
    conn.receive_data(line(assistant("before")) + b"[SandboxDebug] hello\n" + line(result()))
    assert isinstance(conn.next_event(), AssistantMessage)
    with pytest.raises(CLIJSONDecodeError) as info:
        conn.next_event()
    assert info.value.line == "[SandboxDebug] hello"
    assert isinstance(conn.next_event(), ResultMessage)


def test_next_events_returns_what_came_before_a_bad_line_then_raises() -> None:
    conn = Connection()
    conn.receive_data(line(assistant("a")) + b"not json\n" + line(result()))
    first = conn.next_events()
    assert [type(e) for e in first] == [AssistantMessage]
    with pytest.raises(CLIJSONDecodeError):
        conn.next_events()
    assert [type(e) for e in conn.next_events()] == [ResultMessage]


def test_a_json_value_that_is_not_an_object_is_a_decode_error() -> None:
    conn = Connection()
    conn.receive_data(b"[1, 2]\n")
    with pytest.raises(CLIJSONDecodeError, match="object"):
        conn.next_event()


def test_invalid_utf8_is_a_decode_error_not_a_crash() -> None:
    conn = Connection()
    conn.receive_data(b'{"type": "x", "v": "\xff\xfe"}\n')
    with pytest.raises(CLIJSONDecodeError):
        conn.next_event()


BIG = BIG_LINE_BYTES + 1024


def test_a_big_line_decodes_like_a_small_one_and_the_stream_goes_on() -> None:
    # Over BIG_LINE_BYTES a line is parsed from str, its bytes released first.
    text = "é" * (BIG // 2)
    conn = Connection()
    data = line(assistant(text)) + line(result())
    for start in range(0, len(data), 65536):
        conn.receive_data(data[start : start + 65536])
    big, done = conn.next_events()
    assert isinstance(big, AssistantMessage)
    assert big.content == [TextBlock(text)]
    assert isinstance(done, ResultMessage)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'{"type": "x", "v": "' + b"a" * BIG + b'\xff"}', "utf-8"),
        (b"[" + b"1," * (BIG // 2) + b"1]", "object"),
        (b'{"type": "x", "v": "' + b"a" * BIG, "Unterminated"),
    ],
    ids=["invalid-utf8", "not-an-object", "bad-json"],
)
def test_a_bad_big_line_is_a_decode_error_with_the_line(body: bytes, says: str) -> None:
    conn = Connection()
    conn.receive_data(body + b"\n" + line(result()))
    with pytest.raises(CLIJSONDecodeError, match=says) as info:
        conn.next_event()
    assert len(info.value.line) >= BIG
    assert isinstance(conn.next_event(), ResultMessage)


def test_a_known_frame_missing_a_field_is_a_parse_error_with_the_data() -> None:
    conn = Connection()
    conn.receive_data(line({"type": "result", "subtype": "success"}))
    with pytest.raises(MessageParseError) as info:
        conn.next_event()
    assert info.value.data == {"type": "result", "subtype": "success"}


def test_a_line_over_the_bound_is_fatal() -> None:
    conn = Connection(max_line_bytes=1024)
    conn.receive_data(b"x" * 2000)
    with pytest.raises(LineTooLongError):
        conn.next_event()
    with pytest.raises(LineTooLongError):
        conn.next_event()
    assert conn.their_state is TheirState.ERROR


def test_a_whole_line_cut_by_end_of_output_is_still_delivered() -> None:
    conn = Connection()
    conn.receive_data(line(result()).rstrip(b"\n"))
    assert conn.next_event() is NEED_DATA
    conn.receive_data(b"")
    assert isinstance(conn.next_event(), ResultMessage)
    assert isinstance(conn.next_event(), EndOfOutput)


def test_a_partial_line_at_end_of_output_is_a_decode_error() -> None:
    conn = Connection()
    conn.receive_data(b'{"type": "assis')
    conn.receive_data(b"")
    with pytest.raises(CLIJSONDecodeError) as info:
        conn.next_event()
    assert info.value.line == '{"type": "assis'
    assert isinstance(conn.next_event(), EndOfOutput)


# -- control requests ---------------------------------------------------------------


def control_response(request_id: str, **body: Any) -> bytes:
    return line({"type": "control_response", "response": {"request_id": request_id, **body}})


def test_our_request_gets_its_result() -> None:
    conn = Connection()
    data = conn.send_request("req_1", {"subtype": "interrupt"})
    assert json.loads(data) == {
        "type": "control_request",
        "request_id": "req_1",
        "request": {"subtype": "interrupt"},
    }
    assert conn.pending_requests == {"req_1"}
    conn.receive_data(control_response("req_1", subtype="success", response={"still_queued": []}))
    assert conn.next_event() == ControlSucceeded("req_1", "interrupt", {"still_queued": []})
    assert conn.pending_requests == frozenset()


def test_a_refused_request_carries_the_error_code() -> None:
    conn = Connection()
    conn.send_request("req_1", {"subtype": "set_permission_mode", "mode": "bogus"})
    conn.receive_data(
        control_response(
            "req_1", subtype="error", error="Cannot set permission mode", error_code="invalid_mode"
        )
    )
    event = conn.next_event()
    assert isinstance(event, ControlFailed)
    assert event.error.error_code == "invalid_mode"
    assert event.error.subtype == "set_permission_mode"
    assert "Cannot set permission mode" in str(event.error)


def test_end_of_output_fails_every_pending_request_at_once() -> None:
    conn = Connection()
    conn.send_request("req_1", {"subtype": "interrupt"})
    conn.send_request("req_2", {"subtype": "mcp_status"})
    conn.receive_data(b"")
    failed = [conn.next_event(), conn.next_event()]
    assert {e.request_id for e in failed if isinstance(e, ControlFailed)} == {"req_1", "req_2"}
    assert all(
        isinstance(e.error, ConnectionClosedError) for e in failed if isinstance(e, ControlFailed)
    )
    assert isinstance(conn.next_event(), EndOfOutput)
    assert conn.next_event() is NEED_DATA
    assert conn.their_state is TheirState.CLOSED
    with pytest.raises(LocalProtocolError):
        conn.send_request("req_3", {"subtype": "interrupt"})


def test_a_stray_response_is_reported_not_dropped() -> None:
    conn = Connection()
    conn.receive_data(control_response("nobody", subtype="success", response={}))
    assert isinstance(conn.next_event(), StrayControlResponse)


def test_duplicate_request_ids_are_our_error() -> None:
    conn = Connection()
    conn.send_request("req_1", {"subtype": "interrupt"})
    with pytest.raises(LocalProtocolError, match="already pending"):
        conn.send_request("req_1", {"subtype": "interrupt"})


def test_their_requests_are_typed_and_answered_once() -> None:
    conn = Connection()
    conn.receive_data(
        line(
            {
                "type": "control_request",
                "request_id": "a",
                "request": {
                    "subtype": "can_use_tool",
                    "tool_name": "Write",
                    "input": {"file_path": "/x"},
                    "permission_suggestions": [
                        {"type": "setMode", "mode": "acceptEdits", "destination": "session"}
                    ],
                    "tool_use_id": "toolu_1",
                },
            }
        )
        + line(
            {
                "type": "control_request",
                "request_id": "b",
                "request": {
                    "subtype": "mcp_message",
                    "server_name": "calc",
                    "message": {"jsonrpc": "2.0", "id": 0, "method": "initialize"},
                },
            }
        )
        + line({"type": "control_request", "request_id": "c", "request": {"subtype": "elicit"}})
    )
    can_use, mcp, unknown = drain(conn)
    assert isinstance(can_use, CanUseToolRequest)
    assert can_use.tool_name == "Write" and can_use.tool_use_id == "toolu_1"
    assert isinstance(mcp, McpMessageRequest) and mcp.server_name == "calc"
    assert isinstance(unknown, UnknownControlRequest) and unknown.subtype == "elicit"
    assert conn.pending_incoming == {"a", "b", "c"}
    answer = json.loads(conn.send_response("a", {"behavior": "allow", "updatedInput": {}}))
    assert answer == {
        "type": "control_response",
        "response": {
            "subtype": "success",
            "request_id": "a",
            "response": {"behavior": "allow", "updatedInput": {}},
        },
    }
    assert conn.send_response("a", {}) == b""  # answered already
    error = json.loads(conn.send_error("c", "Unsupported control request subtype: elicit"))
    assert error["response"] == {
        "subtype": "error",
        "request_id": "c",
        "error": "Unsupported control request subtype: elicit",
    }


def test_a_cancelled_request_is_not_answered() -> None:
    conn = Connection()
    conn.receive_data(
        line(
            {
                "type": "control_request",
                "request_id": "h",
                "request": {
                    "subtype": "hook_callback",
                    "callback_id": "hook_0",
                    "input": {},
                    "tool_use_id": None,
                },
            }
        )
    )
    assert isinstance(conn.next_event(), HookCallbackRequest)
    conn.receive_data(line({"type": "control_cancel_request", "request_id": "h"}))
    assert conn.next_event() == ControlCancelled("h")
    assert conn.send_response("h", {}) == b""


def test_end_of_output_cancels_their_pending_requests() -> None:
    conn = Connection()
    conn.receive_data(
        line(
            {
                "type": "control_request",
                "request_id": "h",
                "request": {"subtype": "hook_callback", "callback_id": "hook_0", "input": {}},
            }
        )
    )
    conn.next_event()
    conn.receive_data(b"")
    assert conn.next_event() == ControlCancelled("h")
    assert isinstance(conn.next_event(), EndOfOutput)


def test_a_request_without_an_id_is_a_parse_error() -> None:
    conn = Connection()
    conn.receive_data(line({"type": "control_request", "request": {"subtype": "interrupt"}}))
    with pytest.raises(MessageParseError):
        conn.next_event()


# -- when stdin may close ---------------------------------------------------------


def test_the_run_ends_at_idle_when_the_cli_reports_state() -> None:
    conn = Connection()
    assert conn.may_close_input  # nothing started
    conn.send_user("hi")
    assert conn.their_state is TheirState.BUSY and not conn.may_close_input
    conn.receive_data(line(state("running")) + line(result()))
    drain(conn)
    # A result is not the end: hooks and background work may still need us.
    assert conn.their_state is TheirState.BUSY
    conn.receive_data(line(state("idle")))
    drain(conn)
    assert conn.their_state is TheirState.IDLE and conn.may_close_input


def test_without_state_reports_the_run_ends_when_every_message_has_a_result() -> None:
    conn = Connection()
    conn.send_user("one")
    conn.send_user("two")
    conn.receive_data(line(result()))
    drain(conn)
    assert conn.their_state is TheirState.BUSY
    conn.receive_data(line(result()))
    drain(conn)
    assert conn.run_is_over


def test_a_pending_request_keeps_stdin_open() -> None:
    conn = Connection()
    conn.receive_data(
        line(
            {
                "type": "control_request",
                "request_id": "h",
                "request": {"subtype": "hook_callback", "callback_id": "hook_0", "input": {}},
            }
        )
    )
    drain(conn)
    assert not conn.may_close_input
    conn.send_response("h", {})
    assert conn.may_close_input


def test_nothing_is_written_after_stdin_closed() -> None:
    conn = Connection()
    conn.close_input()
    assert conn.our_state is OurState.CLOSED
    with pytest.raises(LocalProtocolError, match="stdin is closed"):
        conn.send_user("late")
    conn.close_input()  # idempotent


def test_only_json_objects_are_ever_written() -> None:
    conn = Connection()
    with pytest.raises(LocalProtocolError):
        conn.send_message(["not", "a", "dict"])  # type: ignore[arg-type]
    with pytest.raises(LocalProtocolError):
        conn.send_message({"type": "user", "x": float("nan")})
    with pytest.raises(LocalProtocolError):
        conn.send_message({"type": "user", "x": object()})
    data = conn.send_user("line one\nline two")
    assert data.count(b"\n") == 1 and data.endswith(b"\n")


@pytest.mark.parametrize("start", list(TheirState))
@pytest.mark.parametrize("event", list(Input))
def test_every_state_and_input_pair_is_defined_or_ignored(start: TheirState, event: Input) -> None:
    target = THEIR_TRANSITIONS[start].get(event)
    if start in (TheirState.CLOSED, TheirState.ERROR):
        assert target is None  # terminal
    for our in OurState:
        our_target = OUR_TRANSITIONS[our].get(event)
        if our is OurState.CLOSED and event in (Input.SEND_USER, Input.SEND_CONTROL):
            assert our_target is None


def test_system_subtypes_stay_system_messages() -> None:
    conn = Connection()
    conn.receive_data(line({"type": "system", "subtype": "shiny_new", "k": 1}))
    event = conn.next_event()
    assert isinstance(event, SystemMessage) and event.subtype == "shiny_new"
    assert event.data["k"] == 1


def test_end_of_output_says_whether_a_run_was_in_flight() -> None:
    conn = Connection()
    conn.send_user("hi")
    conn.receive_data(b"")
    assert conn.next_event() == EndOfOutput(mid_run=True)
    idle = Connection()
    idle.receive_data(b"")
    assert idle.next_event() == EndOfOutput(mid_run=False)
