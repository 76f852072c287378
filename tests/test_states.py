"""The state machine as data: :class:`ConversationState` against its tables.

Every (state, input) pair of both tables is walked: the object moves
exactly as the table says (``SETTLE`` resolved by :func:`run_is_over`), a
missing pair is ignored on their side and a :class:`LocalProtocolError` on
ours. A hypothesis walk drives random input sequences against a model that
reads the tables directly.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ccsdk.protocol
from ccsdk.protocol import Connection, LocalProtocolError
from ccsdk.protocol.states import (
    OUR_TRANSITIONS,
    SETTLE,
    THEIR_TRANSITIONS,
    ConversationState,
    Input,
    OurState,
    TheirState,
    run_is_over,
)

# A path of inputs from a fresh object to each of their states.
_REACH: dict[TheirState, list[Input]] = {
    TheirState.IDLE: [],
    TheirState.BUSY: [Input.SEND_USER],
    TheirState.CLOSED: [Input.RECV_EOF],
    TheirState.ERROR: [Input.RECV_GARBAGE],
}


def _apply(state: ConversationState, event: Input) -> None:
    """Feed ``event`` the way the Connection does."""
    if event is Input.SEND_USER:
        state.our_input(event)
        state.user_sent()
    elif event in (Input.SEND_CONTROL, Input.CLOSE_INPUT):
        state.our_input(event)
    elif event is Input.RECV_RESULT:
        state.result_received()
    elif event is Input.RECV_STATE_IDLE:
        state.session_state_received("idle")
    elif event is Input.RECV_STATE_RUNNING:
        state.session_state_received("running")
    else:
        state.their_input(event)


@pytest.mark.parametrize("start", list(TheirState))
@pytest.mark.parametrize("event", list(Input))
def test_every_pair_of_their_table(start: TheirState, event: Input) -> None:
    state = ConversationState()
    for step in _REACH[start]:
        _apply(state, step)
    assert state.their_state is start
    target = THEIR_TRANSITIONS[start].get(event)
    _apply(state, event)
    if target is None:
        assert state.their_state is start  # ignored
    elif target is SETTLE:
        # From BUSY after one user message: a result or an idle state ends the run.
        assert state.their_state is TheirState.IDLE
    else:
        assert state.their_state is target


@pytest.mark.parametrize("start", list(OurState))
@pytest.mark.parametrize("event", [Input.SEND_USER, Input.SEND_CONTROL, Input.CLOSE_INPUT])
def test_every_pair_of_our_table(start: OurState, event: Input) -> None:
    state = ConversationState()
    if start is OurState.CLOSED:
        state.our_input(Input.CLOSE_INPUT)
    target = OUR_TRANSITIONS[start].get(event)
    if target is None:
        with pytest.raises(LocalProtocolError, match="stdin is closed"):
            state.our_input(event)
        assert state.our_state is start
    else:
        state.our_input(event)
        assert state.our_state is target


@pytest.mark.parametrize("closed", [TheirState.CLOSED, TheirState.ERROR])
def test_no_request_once_their_output_ended(closed: TheirState) -> None:
    state = ConversationState()
    _apply(state, _REACH[closed][0])
    with pytest.raises(LocalProtocolError, match="output has ended"):
        state.check_request("interrupt")


def test_states_are_read_only() -> None:
    state, conn = ConversationState(), Connection()
    with pytest.raises(AttributeError):
        state.their_state = TheirState.BUSY  # type: ignore[misc]
    with pytest.raises(AttributeError):
        conn.our_state = OurState.CLOSED  # type: ignore[misc]


@given(st.lists(st.sampled_from(list(Input)), max_size=40))
def test_random_walks_follow_the_tables(events: list[Input]) -> None:
    state = ConversationState()
    their, our = TheirState.IDLE, OurState.OPEN
    reports, idle_since_send, unanswered = False, False, 0
    for event in events:
        if event in (Input.SEND_USER, Input.SEND_CONTROL, Input.CLOSE_INPUT):
            target = OUR_TRANSITIONS[our].get(event)
            if target is None:
                with pytest.raises(LocalProtocolError):
                    _apply(state, event)
                continue
            our = target
        if event is Input.SEND_USER:
            unanswered += 1
            idle_since_send = False
        elif event is Input.RECV_RESULT:
            unanswered -= 1
        elif event is Input.RECV_STATE_IDLE:
            reports, idle_since_send = True, True
        elif event is Input.RECV_STATE_RUNNING:
            reports, idle_since_send = True, False
        move = THEIR_TRANSITIONS[their].get(event)
        if move is SETTLE:
            over = run_is_over(
                reports_state=reports,
                idle_since_send=idle_since_send,
                unanswered_users=unanswered,
            )
            their = TheirState.IDLE if over else TheirState.BUSY
        elif isinstance(move, TheirState):
            their = move
        _apply(state, event)
        assert (state.their_state, state.our_state) == (their, our)
        assert state.run_is_over is (their is not TheirState.BUSY)


def test_no_protocol_module_imports_io_threads_clocks_or_randomness() -> None:
    """Every module of ``ccsdk/protocol`` (the design card's rule), not only the codec."""
    forbidden = {"trio", "anyio", "asyncio", "subprocess", "socket", "threading"}
    forbidden |= {"os", "time", "random", "selectors", "signal"}
    package = Path(ccsdk.protocol.__file__).parent
    modules = sorted(package.glob("*.py"))
    assert {p.name for p in modules} >= {"connection.py", "states.py", "control.py", "codec.py"}
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in forbidden, (path.name, name)
