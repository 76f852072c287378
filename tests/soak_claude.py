"""A minimal, fast stand-in `claude` for the soak tests (tests/test_soak.py).

The soak tests start a thousand CLIs, so start-up time is what counts: it
is run as ``python -I -S`` and imports nothing beyond what the interpreter
has loaded already (``json`` alone, through ``re``, would nearly double the
start-up time). Frames out are fixed bytes; frames in are told apart by
their first key, which ccsdk always writes first, and the only field read
back, ``request_id``, is cut out of the line by hand.

Protocol: every control request (``initialize`` first) is answered with
success and ``{"claude_code_version": "2.1.331"}``, like fake_claude.py;
every user message with a turn: running, an assistant message, a result
and idle. It exits on stdin EOF.
"""

import os
import sys

_VERSION = b'{"claude_code_version":"2.1.331"}'
_TURN = b"".join(
    frame + b"\n"
    for frame in (
        b'{"type":"system","subtype":"session_state_changed","state":"running",'
        b'"sdk_host_only":true}',
        b'{"type":"assistant","message":{"id":"msg_1","model":"m","role":"assistant",'
        b'"content":[{"type":"text","text":"pong"}]},"parent_tool_use_id":null,'
        b'"session_id":"s-1","uuid":"u"}',
        b'{"type":"result","subtype":"success","is_error":false,"duration_ms":1,'
        b'"duration_api_ms":1,"num_turns":1,"session_id":"s-1","result":"pong"}',
        b'{"type":"system","subtype":"session_state_changed","state":"idle","sdk_host_only":true}',
    )
)


def request_id(line: bytes) -> bytes:
    """The value of the first ``"request_id"`` key (ids hold no quotes)."""
    start = line.index(b'"', line.index(b":", line.index(b'"request_id"') + 12)) + 1
    return line[start : line.index(b'"', start)]


def main() -> None:
    for line in sys.stdin.buffer:
        if line.startswith(b'{"type":"control_request"'):
            os.write(
                1,
                b'{"type":"control_response","response":{"subtype":"success","request_id":"'
                + request_id(line)
                + b'","response":'
                + _VERSION
                + b"}}\n",
            )
        elif line.startswith(b'{"type":"user"'):
            os.write(1, _TURN)


if __name__ == "__main__":
    main()
