"""Sessions and ClaudeSDKClient over the scripted fake CLI: the concurrency semantics."""

from __future__ import annotations

import gc
import json
import sys
import time
from contextlib import aclosing
from pathlib import Path
from typing import Any

import anyio
import pytest

from ccsdk import (
    AssistantMessage,
    ClaudeCodeOptions,
    ClaudeSDKClient,
    CLIConnectionError,
    CLIJSONDecodeError,
    ConnectionClosedError,
    ControlRequestError,
    LocalProtocolError,
    Message,
    ResultMessage,
    Session,
    StreamEvent,
    open_session,
)
from tests.conftest import Runner
from tests.fakecli import FakeCLI, assistant, result, state
from tests.test_query import fake_cli


def stream_event(n: int) -> dict[str, Any]:
    return {
        "type": "stream_event",
        "uuid": f"u{n}",
        "session_id": "s-1",
        "parent_tool_use_id": None,
        "event": {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "text_delta", "text": f"{n} "},
        },
    }


def test_interrupt_is_answered_behind_a_thousand_unread_events(run: Runner) -> None:
    async def main() -> None:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:

            async def cli() -> None:
                await fake.handshake()
                await fake.expect("user")
                await fake.send(state("running"), *(stream_event(n) for n in range(1000)))
                request = await fake.expect("control_request", "interrupt")
                await fake.answer(request, {"still_queued": []})
                await fake.send(
                    result(subtype="error_during_execution", is_error=True), state("idle")
                )

            tg.start_soon(cli)
            client = ClaudeSDKClient(transport=fake.transport)
            await client.connect()
            await client.query("tell me a long story")
            with anyio.fail_after(5):  # the reply does not wait for the events to be read
                await client.interrupt()
            received = [m async for m in client.receive_response()]
            assert sum(isinstance(m, StreamEvent) for m in received) == 1000  # none lost
            assert isinstance(received[-1], ResultMessage)
            await client.disconnect()

    run(main)


def test_end_of_output_fails_every_pending_request_at_once(run: Runner) -> None:
    async def main() -> None:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:

            async def cli() -> None:
                await fake.handshake()
                await fake.expect("control_request", "mcp_status")
                await fake.expect("control_request", "get_context_usage")
                await fake.close()  # exits without answering either

            tg.start_soon(cli)
            options = ClaudeCodeOptions(control_timeout=600)
            client = ClaudeSDKClient(options, transport=fake.transport)
            await client.connect()
            errors: list[BaseException] = []

            async def ask(name: str) -> None:
                try:
                    await client.session.request(name)
                except ControlRequestError as exc:
                    errors.append(exc)

            started = time.monotonic()
            async with anyio.create_task_group() as asks:
                asks.start_soon(ask, "mcp_status")
                await anyio.sleep(0.01)
                asks.start_soon(ask, "get_context_usage")
            assert time.monotonic() - started < 5  # at once, not after control_timeout
            assert len(errors) == 2
            assert all(isinstance(e, ConnectionClosedError) for e in errors)
            await client.disconnect()

    run(main)


def test_a_refused_control_request_carries_the_error_code(run: Runner) -> None:
    async def main() -> None:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:

            async def cli() -> None:
                await fake.handshake()
                request = await fake.expect("control_request", "set_permission_mode")
                await fake.send(
                    {
                        "type": "control_response",
                        "response": {
                            "subtype": "error",
                            "request_id": request["request_id"],
                            "error": "Cannot set permission mode: must be one of ...",
                            "error_code": "invalid_mode",
                        },
                    }
                )

            tg.start_soon(cli)
            async with ClaudeSDKClient(transport=fake.transport) as client:
                with pytest.raises(ControlRequestError) as info:
                    await client.session.request("set_permission_mode", mode="bogus")
                assert info.value.error_code == "invalid_mode"

    run(main)


def test_disconnect_from_another_task_than_connect(run: Runner) -> None:
    async def main() -> None:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:

            async def cli() -> None:
                await fake.handshake()
                assert await fake.read_frame() is None  # stdin closed by disconnect
                await fake.close()

            tg.start_soon(cli)
            client = ClaudeSDKClient(transport=fake.transport)
            connected = anyio.Event()

            async def connector() -> None:
                await client.connect()
                connected.set()

            async with anyio.create_task_group() as inner:
                inner.start_soon(connector)
                await connected.wait()
            # connector's task is gone; this task disconnects.
            await client.disconnect()
            await client.disconnect()  # idempotent

    run(main)


def test_a_second_connect_is_a_clear_error(run: Runner) -> None:
    async def main() -> None:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:
            tg.start_soon(fake.handshake)
            client = ClaudeSDKClient(transport=fake.transport)
            await client.connect()
            with pytest.raises(CLIConnectionError, match="already connected"):
                await client.connect()
            await client.disconnect()
            # Its own transport is spent: reconnecting says so.
            with pytest.raises(CLIConnectionError, match="cannot be reused"):
                await client.connect()

    run(main)


def test_using_a_client_before_connect_is_a_clear_error(run: Runner) -> None:
    async def main() -> None:
        client = ClaudeSDKClient()
        with pytest.raises(CLIConnectionError, match="Not connected"):
            await client.query("hi")
        with pytest.raises(CLIConnectionError, match="Not connected"):
            await client.interrupt()

    run(main)


def test_two_tasks_receiving_at_once_is_a_clear_error(run: Runner) -> None:
    async def main() -> None:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:
            tg.start_soon(fake.handshake)
            client = ClaudeSDKClient(transport=fake.transport)
            await client.connect()
            first_waiting = anyio.Event()

            async def first() -> None:
                first_waiting.set()
                async for _ in client.receive_messages():
                    pass

            async with anyio.create_task_group() as readers:
                readers.start_soon(first)
                await first_waiting.wait()
                await anyio.sleep(0.05)
                with pytest.raises(LocalProtocolError, match="already receiving"):
                    async for _ in client.receive_response():
                        pass
                readers.cancel_scope.cancel()
            await client.disconnect()

    run(main)


def test_a_turn_cancelled_by_a_scope_is_interrupted_and_the_session_goes_on(
    run: Runner,
) -> None:
    async def main() -> None:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:

            async def cli() -> None:
                await fake.handshake()
                await fake.expect("user")
                await fake.send(state("running"), assistant("partial"))
                request = await fake.expect("control_request", "interrupt")
                await fake.answer(request, {"still_queued": []})
                await fake.send(
                    assistant("cut"),
                    result(subtype="error_during_execution", is_error=True),
                    state("idle"),
                )
                await fake.expect("user")
                await fake.turn("second answer")

            tg.start_soon(cli)
            async with ClaudeSDKClient(transport=fake.transport) as client:
                await client.query("first")
                seen: list[Message] = []
                with anyio.move_on_after(0.3):
                    async for message in client.receive_response():
                        seen.append(message)
                assert [type(m) for m in seen] == [AssistantMessage]
                await client.query("second")
                rest = [m async for m in client.receive_response()]
                texts = [
                    b.text
                    for m in rest
                    if isinstance(m, AssistantMessage)  # type: ignore[union-attr]
                    for b in m.content
                ]
                assert texts == ["second answer"]  # nothing of the cancelled turn leaks in
                assert isinstance(rest[-1], ResultMessage) and not rest[-1].is_error

    run(main)


def test_open_session_serves_the_cli_while_nobody_reads(run: Runner) -> None:
    async def main() -> None:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:
            answered = anyio.Event()

            async def cli() -> None:
                await fake.handshake()
                await fake.send(
                    {
                        "type": "control_request",
                        "request_id": "x1",
                        "request": {"subtype": "brand_new_thing"},
                    }
                )
                reply = await fake.expect("control_response")
                assert reply["response"]["subtype"] == "error"
                answered.set()

            tg.start_soon(cli)
            async with open_session(transport=fake.transport) as session:
                assert session.server_info is not None
                with anyio.fail_after(5):
                    await answered.wait()  # served by the reader task, no receive() needed

    run(main)


def test_a_session_dropped_with_its_cli_running_warns(run: Runner, tmp_path: Path) -> None:
    async def main() -> None:
        session = Session(ClaudeCodeOptions(cli_path=fake_cli(tmp_path, "plain")))
        await session.connect()
        transport = session.transport
        pid = transport.pid  # type: ignore[attr-defined]
        with pytest.warns(ResourceWarning, match="garbage-collected"):
            del session
            gc.collect()
        assert pid is not None
        await transport.close()  # reap the killed child

    run(main)


def test_the_cli_exiting_with_an_error_reaches_the_receiver(run: Runner, tmp_path: Path) -> None:
    from ccsdk import ProcessError

    async def main() -> None:
        options = ClaudeCodeOptions(cli_path=fake_cli(tmp_path, "exit_mid_turn"))
        async with ClaudeSDKClient(options) as client:
            await client.query("hi")
            with pytest.raises(ProcessError) as info:
                async for _ in client.receive_response():
                    pass
            assert info.value.exit_code == 3

    run(main)


if sys.platform != "linux":  # pragma: no cover
    pytestmark = pytest.mark.skip("process checks use Linux facilities")


def test_a_bad_line_reaches_the_client_after_the_messages_before_it(run: Runner) -> None:
    from ccsdk import CLIJSONDecodeError

    async def main() -> None:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:

            async def cli() -> None:
                await fake.handshake()
                await fake.expect("user")
                # One chunk: the message and the bad line arrive in the same read.
                await fake.send(json.dumps(assistant("before")).encode() + b"\n[debug] not json\n")
                await fake.send(result(), state("idle"))

            tg.start_soon(cli)
            async with ClaudeSDKClient(transport=fake.transport) as client:
                await client.query("hi")
                seen: list[Message] = []
                with pytest.raises(CLIJSONDecodeError):
                    async for message in client.receive_response():
                        seen.append(message)
                assert [type(m) for m in seen] == [AssistantMessage]
                # The connection goes on past the bad line.
                rest = [m async for m in client.receive_response()]
                assert isinstance(rest[-1], ResultMessage)

    run(main)


# -- a bad line in the middle of a turn ----------------------------------------------------


def _turn_with_a_bad_line() -> bytes:
    """One chunk: a message, a line that is not JSON, the rest of the turn."""
    frames = [state("running"), assistant("before"), result(), state("idle")]
    lines = [(json.dumps(f) + "\n").encode() for f in frames]
    return lines[0] + lines[1] + b"[SandboxDebug] not JSON\n" + b"".join(lines[2:])


@pytest.mark.parametrize("holder", ["client", "open_session"])
def test_a_bad_line_is_raised_once_and_the_session_goes_on(run: Runner, holder: str) -> None:
    # The lines after the bad one came in the same read; they must not wait for
    # a next read that never comes, nor be lost, and the next turn must work.
    async def main() -> None:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:

            async def cli() -> None:
                await fake.handshake()
                await fake.expect("user")
                await fake.send(_turn_with_a_bad_line())
                await fake.expect("user")
                await fake.turn("second")
                await fake.close()

            tg.start_soon(cli)
            with anyio.fail_after(10):  # a bound on a hang, not a timing
                if holder == "client":
                    async with ClaudeSDKClient(transport=fake.transport) as client:
                        await exercise(client)
                else:
                    async with open_session(transport=fake.transport) as session:
                        await exercise(session)

    async def exercise(holder: ClaudeSDKClient | Session) -> None:
        if isinstance(holder, ClaudeSDKClient):
            await holder.query("first")
        else:
            await holder.send("first")
        seen: list[str] = []
        with pytest.raises(CLIJSONDecodeError) as info:
            async for message in holder.receive_response():
                seen.append(type(message).__name__)
        assert info.value.line == "[SandboxDebug] not JSON"
        assert seen[-1] == "AssistantMessage"
        rest = [type(m).__name__ async for m in holder.receive_response()]
        assert rest[-1] == "ResultMessage"
        if isinstance(holder, ClaudeSDKClient):
            await holder.query("second")
        else:
            await holder.send("second")
        texts = [m async for m in holder.receive_response()]
        assert isinstance(texts[-1], ResultMessage)
        assert not texts[-1].is_error

    run(main)


def test_aclosing_a_receive_iterator_ends_it_and_keeps_the_rest(run: Runner) -> None:
    """``contextlib.aclosing`` works on receive_response(), as on the official generator."""

    async def main() -> list[str]:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:

            async def cli() -> None:
                await fake.handshake()
                await fake.expect("user")
                await fake.send(
                    state("running"), assistant("one"), assistant("two"), result(), state("idle")
                )

            tg.start_soon(cli)
            client = ClaudeSDKClient(transport=fake.transport)
            await client.connect()
            await client.query("count")
            seen: list[str] = []
            async with aclosing(client.receive_response()) as messages:
                async for message in messages:
                    seen.append(type(message).__name__)
                    break
            await messages.aclose()  # idempotent
            assert [m async for m in messages] == []  # a closed iterator yields nothing
            seen += [type(m).__name__ async for m in client.receive_response()]
            await client.disconnect()
            return seen

    assert run(main) == ["AssistantMessage", "AssistantMessage", "ResultMessage"]


def test_set_permission_mode_returns_the_mode_the_cli_says_is_in_effect(run: Runner) -> None:
    async def main() -> list[str | None]:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:

            async def cli() -> None:
                await fake.handshake()
                # A mode the settings forbid: the CLI keeps another and says which.
                request = await fake.expect("control_request", "set_permission_mode")
                await fake.answer(request, {"mode": "default"})
                # An older CLI answers with nothing.
                request = await fake.expect("control_request", "set_permission_mode")
                await fake.answer(request, {})

            tg.start_soon(cli)
            client = ClaudeSDKClient(transport=fake.transport)
            await client.connect()
            modes = [
                await client.set_permission_mode("bypassPermissions"),
                await client.set_permission_mode("plan"),
            ]
            await client.disconnect()
            return modes

    assert run(main) == ["default", None]
