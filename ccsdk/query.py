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

from ccsdk.options import ClaudeAgentOptions, ClaudeCodeOptions
from ccsdk.protocol.errors import ClaudeSDKError
from ccsdk.protocol.messages import Message
from ccsdk.protocol.states import OurState
from ccsdk.runtime.engine import Engine
from ccsdk.runtime.initialize import stamp_user_message
from ccsdk.runtime.transport import Transport

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
    def __init__(
        self,
        prompt: str | AsyncIterable[dict[str, Any]],
        options: ClaudeAgentOptions | ClaudeCodeOptions,
        transport: Transport | None,
    ) -> None:
        self.engine = Engine(options, transport)
        self.prompt = prompt
        self.prompt_iter: AsyncIterator[dict[str, Any]] | None = None
        self.prompt_done = False
        self.feeding = False  # a prompt stream's __anext__ is in flight
        self.stop_feeding = False
        self.deferred: BaseException | None = None
        self.exited = False

    async def start(self) -> None:
        engine = self.engine
        await engine.connect()
        if isinstance(self.prompt, str):
            verbatim = engine.options.verbatim_prompts
            await engine.write(engine.conn.send_user(self.prompt, client_composed=verbatim))
            self.prompt_done = True
        else:
            self.prompt_iter = aiter(self.prompt)

    async def next_batch(self) -> list[Message]:
        """The messages of the next read (or reads), or ``[]`` at the end."""
        engine = self.engine
        conn = engine.conn
        while True:
            # Messages first: an error deferred behind them waits its turn.
            if engine.inbox:
                batch = list(engine.inbox)
                engine.inbox.clear()
                return batch
            if self.deferred is not None:
                exc, self.deferred = self.deferred, None
                raise exc
            if engine.eof:
                if not self.exited:
                    self.exited = True
                    await engine.wait_exit()  # ProcessError / ResultError on a failed exit
                return []
            if self.prompt_done and conn.our_state is OurState.OPEN and conn.may_close_input:
                conn.close_input()
                await engine.transport.end_input()  # the run is over: the CLI exits
                continue
            try:
                feeder = None if self.prompt_done else self._start_feeder
                await engine.run_until(self._ready, extra=feeder)
            except ClaudeSDKError as exc:
                if not engine.inbox:
                    raise
                self.deferred = exc  # deliver what came before the error first

    def _ready(self) -> bool:
        conn = self.engine.conn
        if self.engine.inbox:
            self.stop_feeding = True
            return not self.feeding
        return self.prompt_done and conn.our_state is OurState.OPEN and conn.may_close_input

    def _start_feeder(self, tg: anyio.abc.TaskGroup) -> None:
        self.stop_feeding = False
        if not self.prompt_done:
            tg.start_soon(self._feed)

    async def _feed(self) -> None:
        assert self.prompt_iter is not None
        engine = self.engine
        while not self.stop_feeding:
            self.feeding = True
            try:
                item = await anext(self.prompt_iter)
            except StopAsyncIteration:
                self.prompt_done = True
                break
            finally:
                self.feeding = False
            item = stamp_user_message(item, engine.options)
            await engine.write(engine.conn.send_message(item))
        engine.notify()

    async def aclose(self) -> None:
        with anyio.CancelScope(shield=True):
            await self.engine.aclose()
