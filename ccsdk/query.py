"""``query()``: one prompt in, the CLI's messages out.

``query()`` is an async generator that owns no task and no nursery, so it is
safe to ``break`` out of on trio and on asyncio. All its work (reading the
CLI, answering the CLI's requests, feeding a prompt stream) happens inside
``__anext__``, in task groups that close before each message is yielded.
When the generator is closed (exhausted, ``break``, an error or a
cancellation), the CLI process is torn down under a shield.

The prompt always goes to the CLI's stdin after ``initialize``, also for a
string: that is what lets hooks, permission callbacks and in-process tools
work with ``query()``. Stdin is closed once the run is over (the CLI reports
``session_state_changed: idle``) and nothing is pending, and the CLI exits.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator
from typing import Any

import anyio
import anyio.abc

from ccsdk._options import ClaudeAgentOptions, ClaudeCodeOptions
from ccsdk.protocol.errors import ClaudeSDKError
from ccsdk.protocol.messages import Message
from ccsdk.runtime._engine import Engine
from ccsdk.runtime._transport import Transport

__all__ = ["query"]


async def query(
    *,
    prompt: str | AsyncIterable[dict[str, Any]],
    options: ClaudeAgentOptions | ClaudeCodeOptions | None = None,
    transport: Transport | None = None,
) -> AsyncGenerator[Message, None]:
    """Run one prompt and yield every message until the run ends.

    Args:
        prompt: the user's text, or an async iterable of stream-json input
            messages (``{"type": "user", "message": {...}, ...}``) sent in
            order. A prompt stream is read while ``query()`` is being
            iterated; output is buffered while the stream waits for its
            next item. To react to output with new input, use
            :class:`~ccsdk.ClaudeSDKClient`.
        options: the CLI's configuration (``ClaudeAgentOptions()`` if omitted, as in
            claude_agent_sdk: an empty system prompt).
        transport: how to reach the CLI (a child process if omitted).

    Raises:
        CLINotFoundError: no CLI was found (the message says how to install it).
        CLIConnectionError: it could not be started or did not answer.
        ProcessError: it exited with an error (exit code, stderr tail).
        ResultError: the run ended with an error result (already yielded)
            and the CLI exited non-zero, as it does after an API error.
        CLIJSONDecodeError: it wrote a line that is not JSON (carries the line;
            every message before it has been yielded first).
    """
    run = _Run(prompt, options if options is not None else ClaudeAgentOptions(), transport)
    try:
        await run.start()
        while True:
            batch = await run.next_batch()
            if not batch:
                return
            for message in batch:
                yield message
    finally:
        await run.aclose()


class _Run:
    """One ``query()`` call: its engine, and feeding its prompt stream.

    All of it runs in the consumer's task, inside ``__anext__``: the prompt
    stream is read by a task that lives only while the engine reads (see
    :meth:`Engine.read_until`), and is paused whenever messages are ready,
    so that no ``anext()`` of the user's iterator is left in flight (and
    cancelled halfway) when a batch is handed over.
    """

    def __init__(
        self,
        prompt: str | AsyncIterable[dict[str, Any]],
        options: ClaudeAgentOptions | ClaudeCodeOptions,
        transport: Transport | None,
    ) -> None:
        self._engine = Engine(options, transport)
        self._prompt = prompt
        self._prompt_iter: AsyncIterator[dict[str, Any]] | None = None
        # The whole prompt has been sent: stdin may close once the run is over.
        self._prompt_sent = False
        # The feeder is inside the prompt stream's anext(): not to be cancelled.
        self._awaiting_prompt_item = False
        # Messages are ready: the feeder stops before its next anext().
        self._pause_feeding = False
        # wait_exit() has been called (once: it reports a failed exit).
        self._exit_checked = False

    async def start(self) -> None:
        engine = self._engine
        if engine.needs_host():
            # The user's callbacks run in a group that outlives each read:
            # the messages read while one runs are yielded at once.
            await engine.start_background(name="ccsdk query callbacks")
        await engine.connect()
        if isinstance(self._prompt, str):
            await engine.send_user_text(self._prompt)
            self._prompt_sent = True
        else:
            self._prompt_iter = aiter(self._prompt)

    async def next_batch(self) -> list[Message]:
        """The messages of the next read (or reads), or ``[]`` at the end.

        An error that reading raised comes after the messages read before it
        (the engine's outbox keeps them in order).
        """
        engine = self._engine
        while True:
            batch = engine.take_batch()
            if batch:
                return batch
            if engine.output_ended:
                if not self._exit_checked:
                    self._exit_checked = True
                    await engine.wait_exit()  # ProcessError / ResultError on a failed exit
                return []
            if self._prompt_sent and engine.may_close_input:
                await engine.close_input()  # the run is over: the CLI exits
                continue
            try:
                feeder = None if self._prompt_sent else self._start_feeder
                await engine.read_until(self._ready, start_tasks=feeder)
            except ClaudeSDKError as exc:
                engine.defer_error(exc)  # the messages read before it come first

    def _ready(self) -> bool:
        engine = self._engine
        if engine.has_output():
            self._pause_feeding = True
            return not self._awaiting_prompt_item
        return self._prompt_sent and engine.may_close_input

    def _start_feeder(self, tg: anyio.abc.TaskGroup) -> None:
        self._pause_feeding = False
        if not self._prompt_sent:
            tg.start_soon(self._feed)

    async def _feed(self) -> None:
        assert self._prompt_iter is not None
        engine = self._engine
        while not self._pause_feeding:
            self._awaiting_prompt_item = True
            try:
                item = await anext(self._prompt_iter)
            except StopAsyncIteration:
                self._prompt_sent = True
                break
            finally:
                self._awaiting_prompt_item = False
            await engine.send_input(item)
        engine.notify()  # _ready() reads what changed here

    async def aclose(self) -> None:
        with anyio.CancelScope(shield=True):
            await self._engine.aclose()
