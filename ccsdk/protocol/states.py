"""The conversation's states and transitions, as data.

Rule 1 (after h11): everything that decides a state transition lives in
this module. :class:`~ccsdk.protocol.connection.Connection` reports inputs;
it never sets a state itself. The tables below are what the property tests
walk and what ``docs/protocol.md`` draws.

Two machines run side by side:

* **their side** (the CLI's output): ``IDLE`` (no run in flight), ``BUSY``
  (a run is in flight: we sent a user message, or the CLI said it is
  ``running``), ``CLOSED`` (stdout ended), ``ERROR`` (stdout can no longer be
  framed).
* **our side** (stdin): ``OPEN`` or ``CLOSED``.

When is a run over? The CLI 2.1.331 reports ``session_state_changed`` with
``idle`` once it has finished everything a user message started, including
hooks and background work after the ``result``; that frame is the truth
when the CLI sends it. Older CLIs send no state frames, and then a run is
over when every user message we sent has had its ``result``. The rule that
chooses between the two is :func:`run_is_over`.
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = [
    "Input",
    "OurState",
    "TheirState",
    "OUR_TRANSITIONS",
    "THEIR_TRANSITIONS",
    "SETTLE",
    "run_is_over",
]


class TheirState(enum.Enum):
    IDLE = "idle"
    BUSY = "busy"
    CLOSED = "closed"
    ERROR = "error"


class OurState(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class Input(enum.Enum):
    SEND_USER = "send a user message"
    SEND_CONTROL = "send a control frame"
    CLOSE_INPUT = "close stdin"
    RECV_RESULT = "receive a result"
    RECV_STATE_RUNNING = "receive session_state running"
    RECV_STATE_IDLE = "receive session_state idle"
    RECV_EOF = "receive end of output"
    RECV_GARBAGE = "receive output that cannot be framed"


class _Settle:
    """Pseudo-target: ``IDLE`` if :func:`run_is_over`, else ``BUSY``."""

    def __repr__(self) -> str:
        return "SETTLE"


SETTLE: Final = _Settle()

_T = TheirState
_I = Input

#: (their state, input) -> their next state. A missing pair is an input that
#: cannot happen in that state (the input is ignored by the machine).
THEIR_TRANSITIONS: Final[dict[TheirState, dict[Input, TheirState | _Settle]]] = {
    _T.IDLE: {
        _I.SEND_USER: _T.BUSY,
        _I.RECV_STATE_RUNNING: _T.BUSY,
        _I.RECV_STATE_IDLE: _T.IDLE,
        _I.RECV_RESULT: _T.IDLE,
        _I.RECV_EOF: _T.CLOSED,
        _I.RECV_GARBAGE: _T.ERROR,
    },
    _T.BUSY: {
        _I.SEND_USER: _T.BUSY,
        _I.RECV_STATE_RUNNING: _T.BUSY,
        _I.RECV_STATE_IDLE: SETTLE,
        _I.RECV_RESULT: SETTLE,
        _I.RECV_EOF: _T.CLOSED,
        _I.RECV_GARBAGE: _T.ERROR,
    },
    # Terminal states: nothing moves them.
    _T.CLOSED: {},
    _T.ERROR: {},
}

#: (our state, input) -> our next state; a missing pair is our misuse and
#: raises LocalProtocolError.
OUR_TRANSITIONS: Final[dict[OurState, dict[Input, OurState]]] = {
    OurState.OPEN: {
        _I.SEND_USER: OurState.OPEN,
        _I.SEND_CONTROL: OurState.OPEN,
        _I.CLOSE_INPUT: OurState.CLOSED,
    },
    OurState.CLOSED: {
        _I.CLOSE_INPUT: OurState.CLOSED,
    },
}


def run_is_over(*, reports_state: bool, idle_since_send: bool, unanswered_users: int) -> bool:
    """Whether the run our user messages started has ended.

    ``reports_state``: the CLI has sent at least one ``session_state_changed``.
    ``idle_since_send``: its latest state frame, received after our latest
    user message, said ``idle``. ``unanswered_users``: user messages sent
    minus results received.
    """
    if reports_state:
        return idle_since_send
    return unanswered_users <= 0
