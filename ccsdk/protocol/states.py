"""The conversation's states and transitions, as data.

Rule 1 (after h11): everything that decides a state transition lives in
this module. :class:`ConversationState` owns both states, applies the
tables, and keeps the counters that decide ``SETTLE``;
:class:`~ccsdk.protocol.connection.Connection` reports inputs to it and
never sets a state itself. The tables below are what the property tests
walk and what ``docs/protocol.md`` shows (:func:`markdown_table` renders
them; ``tests/test_docs.py`` fails when the page and the tables disagree).

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

from ccsdk.protocol.errors import LocalProtocolError

__all__ = [
    "ConversationState",
    "Input",
    "OurState",
    "TheirState",
    "OUR_TRANSITIONS",
    "THEIR_TRANSITIONS",
    "SETTLE",
    "NO_REQUESTS_IN",
    "markdown_table",
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


#: Their states in which we may not send a control request: nobody is left
#: to answer it (a control answer or user message is still written).
NO_REQUESTS_IN: Final = frozenset({_T.CLOSED, _T.ERROR})


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


class ConversationState:
    """Both sides' states, and the counters that decide ``SETTLE``.

    The one object that moves the machine (h11's ``ConnectionState``): the
    :class:`~ccsdk.protocol.connection.Connection` tells it what happened
    (:meth:`our_input`, :meth:`user_sent`, :meth:`result_received`,
    :meth:`session_state_received`, :meth:`their_input`) and reads the
    states back through read-only properties.
    """

    __slots__ = ("_idle_since_send", "_our", "_reports_state", "_their", "_unanswered_users")

    def __init__(self) -> None:
        self._their = TheirState.IDLE
        self._our = OurState.OPEN
        self._reports_state = False
        self._idle_since_send = False
        self._unanswered_users = 0

    def __repr__(self) -> str:
        return f"<ConversationState our={self._our.name} their={self._their.name}>"

    @property
    def their_state(self) -> TheirState:
        """The CLI's side: IDLE, BUSY, CLOSED or ERROR."""
        return self._their

    @property
    def our_state(self) -> OurState:
        """Our side (stdin): OPEN or CLOSED."""
        return self._our

    @property
    def run_is_over(self) -> bool:
        """No run in flight: every user message sent has been fully handled."""
        return self._their is not TheirState.BUSY

    def our_input(self, event: Input) -> None:
        """Apply ``event`` to our side.

        Raises:
            LocalProtocolError: ``event`` cannot happen in our state (a
                send after stdin was closed).
        """
        target = OUR_TRANSITIONS[self._our].get(event)
        if target is None:
            raise LocalProtocolError(f"cannot {event.value}: stdin is {self._our.value}")
        self._our = target

    def their_input(self, event: Input) -> None:
        """Apply ``event`` to their side; a pair missing from the table is ignored."""
        target = THEIR_TRANSITIONS[self._their].get(event)
        if target is None:
            return
        if isinstance(target, _Settle):
            over = run_is_over(
                reports_state=self._reports_state,
                idle_since_send=self._idle_since_send,
                unanswered_users=self._unanswered_users,
            )
            self._their = TheirState.IDLE if over else TheirState.BUSY
        else:
            self._their = target

    def check_request(self, subtype: str) -> None:
        """Raise :class:`LocalProtocolError` if one of our control requests cannot go now."""
        if self._their in NO_REQUESTS_IN:
            raise LocalProtocolError(f"cannot send {subtype!r}: the CLI's output has ended")

    def user_sent(self) -> None:
        """A user message was written (after :meth:`our_input` let it through)."""
        self._unanswered_users += 1
        self._idle_since_send = False
        self.their_input(Input.SEND_USER)

    def result_received(self) -> None:
        """A ``result`` frame arrived."""
        self._unanswered_users -= 1
        self.their_input(Input.RECV_RESULT)

    def session_state_received(self, state: object) -> None:
        """A ``session_state_changed`` frame arrived with this ``state``."""
        self._reports_state = True
        if state == "idle":
            self._idle_since_send = True
            self.their_input(Input.RECV_STATE_IDLE)
        elif state == "running":
            self._idle_since_send = False
            self.their_input(Input.RECV_STATE_RUNNING)


def _cell(target: TheirState | OurState | _Settle | None) -> str:
    if target is None:
        return "\u2013"  # an en dash
    if isinstance(target, _Settle):
        return "settle"
    return target.name


def markdown_table() -> str:
    """Both tables as the Markdown that ``docs/protocol.md`` shows."""
    their_inputs = [i for i in Input if any(i in row for row in THEIR_TRANSITIONS.values())]
    our_inputs = [i for i in Input if any(i in row for row in OUR_TRANSITIONS.values())]
    lines = [
        "Their side (`THEIR_TRANSITIONS`):",
        "",
        "| state | " + " | ".join(i.value for i in their_inputs) + " |",
        "|---" * (len(their_inputs) + 1) + "|",
    ]
    for state, row in THEIR_TRANSITIONS.items():
        cells = [_cell(row.get(i)) for i in their_inputs]
        lines.append(f"| {state.name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        'Our side (`OUR_TRANSITIONS`; "\u2013" is a `LocalProtocolError`):',
        "",
        "| state | " + " | ".join(i.value for i in our_inputs) + " |",
        "|---" * (len(our_inputs) + 1) + "|",
    ]
    for our, our_row in OUR_TRANSITIONS.items():
        cells = [_cell(our_row.get(i)) for i in our_inputs]
        lines.append(f"| {our.name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
