"""Any chunking of the same bytes gives the same events and errors, in the same order.

A pipe read returns an arbitrary slice of the CLI's output, so what a user
gets must depend on the bytes alone. These properties drive the sans-IO
:class:`~ccsdk.protocol.Connection` with random transcripts (messages,
control traffic, blank lines, lines that are not JSON, lines that are not
a frame, lines longer than the bound) cut into random chunks, under a small
bound (where over-long lines are common) and the default one, and compare
everything that comes out with what feeding the whole transcript at once
gives. Before the framing fix, a small bound lost the complete lines read
in the same chunk as an over-long one, and decoded the cut tail of that
line at end of output as a second, spurious error.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccsdk.protocol import (
    NEED_DATA,
    AssistantMessage,
    Connection,
    EndOfOutput,
    LineBuffer,
    LineTooLongError,
    RemoteProtocolError,
    TextBlock,
)
from tests.fakecli import assistant, result, state


def _line(frame: dict[str, Any]) -> bytes:
    return json.dumps(frame).encode() + b"\n"


def _their_request(request_id: str) -> dict[str, Any]:
    return {
        "type": "control_request",
        "request_id": request_id,
        "request": {"subtype": "can_use_tool", "tool_name": "Bash", "input": {"command": "ls"}},
    }


_PIECES: dict[str, Any] = {
    "assistant": st.text(max_size=300).map(lambda text: _line(assistant(text))),
    "result": st.just(_line(result())),
    "state": st.sampled_from(["running", "idle"]).map(lambda value: _line(state(value))),
    "request": st.integers(0, 5).map(lambda n: _line(_their_request(f"r-{n}"))),
    "cancel": st.integers(0, 5).map(
        lambda n: _line({"type": "control_cancel_request", "request_id": f"r-{n}"})
    ),
    "answer": st.just(
        _line(
            {
                "type": "control_response",
                "response": {"subtype": "success", "request_id": "req_1", "response": {}},
            }
        )
    ),
    "unknown": st.just(_line({"type": "brand_new_frame", "x": 1})),
    "missing field": st.just(_line({"type": "result", "subtype": "success"})),
    "blank": st.sampled_from([b"\n", b"   \n"]),
    "not json": st.sampled_from([b"not json\n", b"[1, 2]\n", b"\xff\xfe\n", b"{\n"]),
    "long": st.integers(1, 3000).map(lambda n: _line(assistant("y" * n))),
}

transcripts = st.lists(st.one_of(*_PIECES.values()), max_size=25).flatmap(
    lambda pieces: st.tuples(
        st.just(pieces),
        st.booleans(),  # whether the last line is cut off by the end of output
    )
)


def _outcome(data: bytes, cuts: list[int], bound: int) -> list[str]:
    """Everything the connection gives for ``data`` fed in the pieces ``cuts`` make.

    Events by their repr; errors by type (a line-too-long error also by its
    bound: the size it reports is what was seen when the excess was found,
    which depends on the chunking by nature). Stops at the first fatal error,
    after which every call raises it again.
    """
    conn = Connection(max_line_bytes=bound)
    conn.send_request("req_1", {"subtype": "initialize", "hooks": None})
    conn.send_user("hi")
    out: list[str] = []
    start = 0
    for cut in [*sorted({c for c in cuts if 0 < c < len(data)}), len(data), None]:
        if cut is None:
            conn.receive_data(b"")  # the end of output
        elif cut > start:
            conn.receive_data(data[start:cut])
            start = cut
        else:
            continue
        while True:
            try:
                event = conn.next_event()
            except LineTooLongError as exc:
                out.append(f"LineTooLongError(bound={exc.bound})")
                return out
            except RemoteProtocolError as exc:
                out.append(type(exc).__name__)
                continue
            if event is NEED_DATA:
                break
            out.append(repr(event))
            if isinstance(event, EndOfOutput):
                return out
    return out


def _data(pieces: list[bytes], cut_last: bool) -> bytes:
    data = b"".join(pieces)
    if cut_last and data.endswith(b"\n"):
        data = data[:-1]  # the last line loses its newline: cut off by the end
    return data


@given(transcripts, st.lists(st.integers(0, 20_000), max_size=40), st.sampled_from([64, 700]))
def test_small_bound_any_chunking_gives_the_same_outcome(
    transcript: tuple[list[bytes], bool], cuts: list[int], bound: int
) -> None:
    data = _data(*transcript)
    assert _outcome(data, cuts, bound) == _outcome(data, [], bound)


@given(transcripts, st.lists(st.integers(0, 20_000), max_size=40))
def test_default_bound_any_chunking_gives_the_same_outcome(
    transcript: tuple[list[bytes], bool], cuts: list[int]
) -> None:
    data = _data(*transcript)
    assert _outcome(data, cuts, 64 * 1024 * 1024) == _outcome(data, [], 64 * 1024 * 1024)


@given(transcripts, st.lists(st.integers(0, 20_000), max_size=40))
def test_byte_at_a_time_matches_all_at_once(
    transcript: tuple[list[bytes], bool], cuts: list[int]
) -> None:
    data = _data(*transcript)
    one_by_one = list(range(1, len(data)))
    assert _outcome(data, one_by_one, 700) == _outcome(data, [], 700)


def test_complete_lines_read_with_an_over_long_one_are_delivered_before_its_error() -> None:
    # Five messages and a 2 000-byte line in one read, under a 1 KiB bound:
    # all five arrive, then the error, then only the error again (no decode
    # error for the cut tail at end of output).
    messages = b"".join(_line(assistant(f"m{n}")) for n in range(5))
    conn = Connection(max_line_bytes=1024)
    conn.receive_data(messages + b"z" * 2000 + b"\nlater\n")
    conn.receive_data(b"")
    texts: list[str] = []
    for _ in range(5):
        event = conn.next_event()
        assert isinstance(event, AssistantMessage) and isinstance(event.content[0], TextBlock)
        texts.append(event.content[0].text)
    assert texts == [f"m{n}" for n in range(5)]
    for _ in range(2):
        with pytest.raises(LineTooLongError) as info:
            conn.next_event()
        assert info.value.bound == 1024


def test_the_line_buffer_returns_the_lines_before_the_long_one_then_raises() -> None:
    buffer = LineBuffer(16)
    assert buffer.feed(b"a\nb\n" + b"z" * 40 + b"\nc\n") == [b"a", b"b"]
    assert isinstance(buffer.error, LineTooLongError)
    with pytest.raises(LineTooLongError) as info:
        buffer.feed(b"more\n")
    assert info.value is buffer.error
    with pytest.raises(LineTooLongError):
        buffer.take_tail()
