"""query() end to end: the real Claude Code CLI against the FakeModel on loopback."""

from __future__ import annotations

import gc
from collections.abc import Callable
from contextlib import aclosing
from typing import Any

import anyio
import pytest

from ccsdk import (
    AssistantMessage,
    ClaudeCodeOptions,
    Message,
    ProcessError,
    ResultError,
    ResultMessage,
    SubprocessCLITransport,
    SystemMessage,
    TextBlock,
    query,
)
from ccsdk.testing import FakeModel, Turn, text
from tests.conftest import Runner
from tests.procs import group_alive, wait_gone

pytestmark = pytest.mark.e2e

Options = Callable[..., ClaudeCodeOptions]


def user_texts(body: dict[str, Any]) -> list[str]:
    """Every text the model saw from the user, in order."""
    texts = []
    for message in body["messages"]:
        if message["role"] != "user":
            continue
        content = message["content"]
        if isinstance(content, str):
            texts.append(content)
        else:
            texts.extend(b.get("text", "") for b in content if b.get("type") == "text")
    return texts


def test_query_yields_init_the_scripted_answer_and_a_successful_result(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("Hello from the fake model!")]))

    async def main() -> list[Message]:
        return [m async for m in query(prompt="Say hello", options=e2e_options())]

    messages = run(main)
    kinds = [type(m) for m in messages]
    assert kinds[0] is SystemMessage, kinds
    init = messages[0]
    assert isinstance(init, SystemMessage) and init.subtype == "init"
    answers = [m for m in messages if isinstance(m, AssistantMessage)]
    assert [b for m in answers for b in m.content] == [TextBlock("Hello from the fake model!")]
    final = messages[-1]
    assert isinstance(final, ResultMessage)
    assert final.subtype == "success" and not final.is_error
    assert final.result == "Hello from the fake model!"
    assert final.session_id == init.data["session_id"]
    # What the model saw: our prompt, sent on stdin (never --print).
    assert len(fake_model.turn_requests) == 1
    assert user_texts(fake_model.turn_requests[0])[-1] == "Say hello"


# trio warns (a ResourceWarning, hidden by default) when an async generator is
# dropped unexhausted, recommending aclosing(); the finaliser still closes it.
@pytest.mark.filterwarnings("ignore:Async generator 'ccsdk.query.query':ResourceWarning")
def test_break_out_of_query_leaves_no_process(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("one two three")]))
    pids: list[int] = []

    async def main() -> None:
        options = e2e_options()
        transport = SubprocessCLITransport(options)
        async for _message in query(prompt="hi", options=options, transport=transport):
            assert transport.pid is not None
            pids.append(transport.pid)
            break  # raises nothing
        gc.collect()  # the abandoned generator is finalised by the event loop's hooks
        await wait_gone(pids[0])
        assert not group_alive(pids[0])

    run(main)


def test_closing_query_early_leaves_no_process(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("one two three")]))

    async def main() -> None:
        options = e2e_options()
        transport = SubprocessCLITransport(options)
        async with aclosing(query(prompt="hi", options=options, transport=transport)) as stream:
            async for _ in stream:
                break
        # aclose() returned: the CLI has been torn down and reaped already.
        assert transport.pid is not None
        assert transport.returncode is not None
        assert not group_alive(transport.pid)

    run(main)


def test_cancelling_query_mid_turn_leaves_no_process(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("slow " * 200)], chunk_size=5, chunk_delay=0.05))

    async def main() -> None:
        options = e2e_options(include_partial_messages=True)
        transport = SubprocessCLITransport(options)
        got_stream = anyio.Event()
        with anyio.CancelScope() as scope:
            async for message in query(prompt="hi", options=options, transport=transport):
                if type(message).__name__ == "StreamEvent":
                    scope.cancel()
                    got_stream.set()
        assert got_stream.is_set()
        assert transport.pid is not None
        assert transport.returncode is not None
        assert not group_alive(transport.pid)
        # The turn was interrupted before stdin closed: the CLI stopped by itself
        # (it exits 1 after an interrupted turn), not after close_timeout with
        # SIGTERM (143), as when it was left to finish the turn first.
        assert transport.returncode == 1
        assert len(fake_model.turn_requests) == 1

    run(main)


def test_an_api_error_is_a_result_with_is_error(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn.http_error(500, "fake failure"))

    messages: list[Message] = []

    async def main() -> None:
        async for message in query(prompt="hi", options=e2e_options()):
            messages.append(message)

    # The CLI exits 1 after an error result: a typed error carrying that result.
    with pytest.raises(ResultError) as info:
        run(main)
    final = messages[-1]
    assert isinstance(final, ResultMessage)
    assert final.is_error and final.api_error_status == 500
    # The official attributes: a ProcessError with the exit code, the result's text.
    assert isinstance(info.value, ProcessError) and info.value.exit_code == 1
    assert info.value.result == final.result and "fake failure" in (final.result or "")
    assert info.value.api_error_status == 500 and info.value.subtype == final.subtype
    assert info.value.session_id == final.session_id
    assert info.value.data["is_error"] is True
    assert info.value.result_message == final
    assert "HTTP 500" in str(info.value)
    assert isinstance(info.value.__cause__, ProcessError)
