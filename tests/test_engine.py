"""The Engine's own surface: its ordered outbox, and the transport hooks it calls.

``query()`` and ``Session`` are tested through their public APIs elsewhere;
these pin the two mechanisms they now share: one outbox that hands over
messages and errors in the order they arrived, and the ``ByteTransport``
hooks that let any transport run side work and be killed.
"""

from __future__ import annotations

import gc
import warnings

import anyio
import anyio.abc
import pytest

from ccsdk import ClaudeCodeOptions, CLIConnectionError, ProcessError, StreamTransport, query
from ccsdk._session import Session
from ccsdk.protocol.messages import AssistantMessage, Message
from ccsdk.runtime._engine import Engine
from tests.conftest import Runner
from tests.fakecli import FakeCLI, assistant


def _texts(messages: list[Message]) -> list[str]:
    return [m.content[0].text for m in messages if isinstance(m, AssistantMessage)]  # type: ignore[union-attr]


def test_the_outbox_hands_over_messages_and_errors_in_arrival_order(run: Runner) -> None:
    async def main() -> None:
        async with FakeCLI() as fake:
            engine = Engine(ClaudeCodeOptions(), fake.transport)
            first, second = ProcessError("first"), CLIConnectionError("second")

            async def read_one(text: str) -> None:
                await fake.send(assistant(text))
                with anyio.fail_after(5):
                    await engine.wait_until(engine.has_output)

            async with anyio.create_task_group() as tg:
                tg.start_soon(fake.handshake)
                await engine.connect()
            await read_one("a")
            engine.defer_error(first)
            await fake.send(assistant("b"))
            await fake.send(assistant("c"))
            with anyio.fail_after(5):
                await engine.read_until(lambda: len(engine._outbox) >= 4)  # pyright: ignore[reportPrivateUsage]
            engine.defer_error(second)

            assert _texts(engine.take_batch()) == ["a"]  # the messages before the error
            with pytest.raises(ProcessError, match="first"):
                engine.take_batch()
            message = engine.take_message()
            assert message is not None and _texts([message]) == ["b"]
            assert _texts(engine.take_batch()) == ["c"]
            with pytest.raises(CLIConnectionError, match="second"):
                engine.take_message()
            assert engine.take_batch() == [] and engine.take_message() is None
            assert not engine.has_output()

            # end_with_error(): after the messages already there, every take raises it.
            await read_one("d")
            engine.end_with_error(second)
            assert engine.has_output()
            assert _texts(engine.take_batch()) == ["d"]
            for _ in range(2):
                with pytest.raises(CLIConnectionError, match="second"):
                    engine.take_message()
            await engine.aclose()

    run(main)


class _SideWorkTransport(StreamTransport):
    """A user's transport with side work of its own, counted."""

    def __init__(self, fake: FakeCLI) -> None:
        inner = fake.transport
        super().__init__(inner._send, inner._receive)  # pyright: ignore[reportPrivateUsage]
        self.started = 0
        self.cancelled = 0

    def has_side_work(self) -> bool:
        return True

    def start_side_work(self, task_group: anyio.abc.TaskGroup) -> None:
        self.started += 1
        task_group.start_soon(self._work)

    async def _work(self) -> None:
        try:
            await anyio.sleep_forever()
        finally:
            self.cancelled += 1


def test_a_users_transport_runs_side_work_in_the_readers_task_group(run: Runner) -> None:
    async def main() -> None:
        async with FakeCLI() as fake:
            transport = _SideWorkTransport(fake)

            async def cli() -> None:
                await fake.handshake()
                await fake.expect("user")
                await anyio.sleep(0.3)  # longer than a read may wait inline
                await fake.turn("late")
                assert await fake.read_frame() is None
                await fake.close()

            async with anyio.create_task_group() as tg:
                tg.start_soon(cli)
                texts = _texts([m async for m in query(prompt="hi", transport=transport)])
            assert texts == ["late"]
            assert transport.started >= 1
            assert transport.cancelled == transport.started  # no side task outlives a read

    run(main)


def test_a_transport_with_no_process_has_nothing_to_kill(run: Runner) -> None:
    async def main() -> None:
        async with FakeCLI() as fake:
            assert fake.transport.has_side_work() is False
            assert fake.transport.kill_now() is False
            session = Session(ClaudeCodeOptions(), transport=fake.transport)
            async with anyio.create_task_group() as tg:
                tg.start_soon(fake.handshake)
                await session.connect()
            await fake.transport.close()  # the streams; the session stays unclosed
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ResourceWarning)
                del session
                gc.collect()
            assert not [w for w in caught if w.category is ResourceWarning]  # nothing left running

    run(main)
