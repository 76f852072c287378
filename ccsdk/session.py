"""Interactive sessions: many turns with one CLI, on trio or asyncio.

A :class:`Session` is one running CLI you can talk to at any time: send
prompts, read messages, interrupt, change the model or the permission
mode. There are two ways to hold one, and both keep every task inside a
nursery that outlives it:

* ``async with open_session(options) as session:`` (or
  ``await connect_session(nursery, options)``, in a nursery of yours) runs a
  reader task that serves the CLI all the time: hook and permission
  callbacks and answers to control requests flow even while you read
  nothing.
* :class:`~ccsdk.ClaudeSDKClient` holds a session with no task at all. The
  CLI is read by whichever task is waiting for something from it (a
  message, a control answer), one at a time; so ``disconnect()`` works from
  any task, which the official SDK gets wrong.

Messages are iterated with plain async iterators, not async generators, so
abandoning a loop halfway leaves nothing to finalise.
"""

from __future__ import annotations

import logging
import signal
import warnings
from collections.abc import AsyncIterable, AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio
import anyio.abc

from ccsdk.errors import ClaudeSDKError, CLIConnectionError, LocalProtocolError
from ccsdk.options import ClaudeCodeOptions
from ccsdk.protocol.messages import Message, ResultMessage
from ccsdk.protocol.states import OurState, TheirState
from ccsdk.runtime.engine import Engine, collapse_groups
from ccsdk.runtime.process import SubprocessCLITransport

if TYPE_CHECKING:
    from ccsdk.runtime.transport import Transport
    from ccsdk.types import PermissionMode

__all__ = ["MessageIterator", "Session", "connect_session", "open_session"]

log = logging.getLogger("ccsdk")


class Session:
    """One running CLI, many turns. Make one with :func:`open_session`."""

    def __init__(
        self, options: ClaudeCodeOptions | None = None, *, transport: Transport | None = None
    ) -> None:
        self.options = options if options is not None else ClaudeCodeOptions()
        self._engine = Engine(self.options, transport)
        self._receiving = False
        self._error: BaseException | None = None  # the reader task died of it
        self._deferred: BaseException | None = None  # raised once, after the inbox
        self._exit_checked = False
        self._connected = False
        self._closed = False
        self._reader_scope: anyio.CancelScope | None = None
        self._reader_done: anyio.Event | None = None
        # Messages of a turn the caller cancelled: dropped up to its result.
        self._discard_until_result = False

    # -- lifecycle -------------------------------------------------------------------

    async def connect(self) -> None:
        """Start the CLI and finish the ``initialize`` handshake."""
        if self._connected or self._closed:
            raise CLIConnectionError("this session is already connected (or closed)")
        self._connected = True
        await self._engine.connect()

    async def _serve(self, *, task_status: anyio.abc.TaskStatus[None]) -> None:
        """The reader task of a nursery-held session."""
        self._reader_done = anyio.Event()
        try:
            with anyio.CancelScope() as scope:
                self._reader_scope = scope
                await self.connect()
                task_status.started()
                try:
                    await self._engine.pump_until(lambda: False)
                except ClaudeSDKError as exc:
                    self._error = exc  # handed to whoever receives next
                    self._engine.notify()
        finally:
            self._reader_done.set()

    async def aclose(self) -> None:
        """Stop the CLI (bounded, shielded). Idempotent; safe from any task."""
        if self._closed:
            return
        self._closed = True
        with anyio.CancelScope(shield=True):
            if self._reader_scope is not None and self._reader_done is not None:
                self._reader_scope.cancel()
                with anyio.move_on_after(self.options.close_timeout):
                    await self._reader_done.wait()
            await self._engine.aclose()

    def __del__(self, _warn: Any = warnings.warn) -> None:
        transport = getattr(getattr(self, "_engine", None), "transport", None)
        if self._closed or not isinstance(transport, SubprocessCLITransport):
            return
        if transport.pid is not None and transport.returncode is None:
            _warn(
                f"Session {self!r} was garbage-collected with its CLI (pid {transport.pid}) "
                f"still running; close it with aclose() or 'async with'",
                ResourceWarning,
                source=self,
            )
            transport.kill_now(signal.SIGKILL)

    # -- facts --------------------------------------------------------------------------

    @property
    def server_info(self) -> dict[str, Any] | None:
        """The CLI's answer to ``initialize`` (commands, models, account, ...)."""
        return self._engine.server_info

    @property
    def transport(self) -> Transport:
        return self._engine.transport

    # -- sending --------------------------------------------------------------------

    async def send(
        self, prompt: str | AsyncIterable[dict[str, Any]], session_id: str = "default"
    ) -> None:
        """Send a prompt (a string, or a stream of input messages) now.

        A message sent while a turn runs is queued by the CLI for after it.
        """
        engine = self._check_open()
        if isinstance(prompt, str):
            await engine.write(engine.conn.send_user(prompt, session_id=session_id))
            return
        async for message in prompt:
            if message.get("type") == "user" and "session_id" not in message:
                message = {**message, "session_id": session_id}
            await engine.write(engine.conn.send_message(message))

    def _check_open(self) -> Engine:
        if not self._connected:
            raise CLIConnectionError("Not connected. Call connect() first.")
        if self._closed:
            raise CLIConnectionError("the session is closed")
        engine = self._engine
        if engine.eof or engine.conn.our_state is OurState.CLOSED:
            raise CLIConnectionError("the CLI has exited; start a new session")
        return engine

    # -- receiving --------------------------------------------------------------------------

    def receive_messages(self) -> MessageIterator:
        """Every message, as it comes, until the CLI's output ends."""
        return MessageIterator(self, until_result=False)

    def receive_response(self) -> MessageIterator:
        """The messages up to and including the next :class:`ResultMessage`.

        If the caller is cancelled while a turn is running (a timeout, say),
        the turn is interrupted, and what is left of it is dropped, so the
        session is ready for the next prompt.
        """
        return MessageIterator(self, until_result=True)

    async def _next_message(self) -> Message | None:
        if not self._connected:
            raise CLIConnectionError("Not connected. Call connect() first.")
        if self._receiving:
            raise LocalProtocolError(
                "another task is already receiving from this session; "
                "two readers would each get half of the messages"
            )
        self._receiving = True
        try:
            return await self._take()
        finally:
            self._receiving = False

    async def _take(self) -> Message | None:
        engine = self._engine
        inbox = engine.inbox
        while True:
            if inbox:
                message = inbox.popleft()
                if self._discard_until_result:
                    if isinstance(message, ResultMessage):
                        self._discard_until_result = False
                    log.debug("dropping a message of the cancelled turn: %r", message)
                    continue
                return message
            if self._deferred is not None:
                exc, self._deferred = self._deferred, None
                raise exc
            if self._error is not None:
                raise self._error
            if self._closed:
                return None
            if engine.eof:
                if not self._exit_checked:
                    self._exit_checked = True
                    await engine.wait_exit()
                return None
            try:
                await engine.pump_until(lambda: bool(inbox) or self._error is not None)
            except ClaudeSDKError as exc:
                if not inbox:
                    raise
                self._deferred = exc  # the messages read before it come first

    async def _abandon_turn(self) -> None:
        """The caller was cancelled mid-turn: interrupt it and skip its rest."""
        engine = self._engine
        if self._closed or engine.eof or engine.conn.their_state is not TheirState.BUSY:
            return
        with anyio.CancelScope(shield=True), anyio.move_on_after(self.options.control_timeout):
            self._discard_until_result = True
            try:
                await engine.request({"subtype": "interrupt"}, self.options.control_timeout)
            except ClaudeSDKError as exc:
                log.warning("could not interrupt the cancelled turn: %s", exc)

    # -- control ----------------------------------------------------------------------------

    async def request(self, subtype: str, **fields: Any) -> dict[str, Any]:
        """Any control request by subtype; the CLI's answer, or a typed error.

        Raises:
            ControlRequestError: the CLI refused it; ``error_code`` says why.
            ControlTimeoutError: no answer within ``options.control_timeout``
                (also a :class:`TimeoutError`).
        """
        engine = self._check_open()
        return await engine.request({"subtype": subtype, **fields}, self.options.control_timeout)

    async def interrupt(self) -> None:
        """Stop the running turn; it ends with ``error_during_execution``."""
        await self.request("interrupt")

    async def set_permission_mode(self, mode: PermissionMode) -> None:
        await self.request("set_permission_mode", mode=mode)

    async def set_model(self, model: str | None = None) -> None:
        """Switch the model for the next turns (``None``: the CLI's default)."""
        await self.request("set_model", model=model)

    async def mcp_status(self) -> dict[str, Any]:
        """The MCP servers the CLI knows and their state."""
        return await self.request("mcp_status")

    async def get_context_usage(self) -> dict[str, Any]:
        """How the context window is used, by category."""
        return await self.request("get_context_usage")


class MessageIterator:
    """An async iterator over a session's messages (owns nothing, safe to abandon)."""

    def __init__(self, session: Session, *, until_result: bool) -> None:
        self._session = session
        self._until_result = until_result
        self._done = False

    def __aiter__(self) -> MessageIterator:
        return self

    async def __anext__(self) -> Message:
        if self._done:
            raise StopAsyncIteration
        session = self._session
        try:
            message = await session._next_message()
        except anyio.get_cancelled_exc_class():
            if self._until_result:
                await session._abandon_turn()
            raise
        if message is None:
            self._done = True
            raise StopAsyncIteration
        if self._until_result and isinstance(message, ResultMessage):
            self._done = True
        return message


async def connect_session(
    nursery: anyio.abc.TaskGroup,
    options: ClaudeCodeOptions | None = None,
    *,
    transport: Transport | None = None,
) -> Session:
    """Start a session whose reader task runs in ``nursery``; close it with ``aclose()``."""
    session = Session(options, transport=transport)
    try:
        await nursery.start(session._serve)
    except BaseException:
        await session.aclose()
        raise
    return session


@asynccontextmanager
async def open_session(
    options: ClaudeCodeOptions | None = None, *, transport: Transport | None = None
) -> AsyncIterator[Session]:
    """``async with open_session(options) as session:`` a session in its own nursery."""
    with collapse_groups():
        async with anyio.create_task_group() as nursery:
            session = await connect_session(nursery, options, transport=transport)
            try:
                yield session
            finally:
                await session.aclose()
