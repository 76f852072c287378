"""The driver: one :class:`Connection` over one transport, with no task of its own.

An :class:`Engine` reads the transport, feeds the sans-IO connection, and
routes what comes out: messages into :attr:`Engine.inbox`, answers to our
requests to their waiters, the CLI's requests to handler tasks. It owns no
task and no nursery; whoever drives it lends one for the duration of a call
to :meth:`Engine.run_until`. ``query()`` drives it from the consumer's own
task between two messages; a ``Session`` drives it from a reader task in its
nursery. Either way, no task outlives the nursery that started it.

Control traffic never waits behind messages: a read's whole batch is routed
at once, answers wake their waiters there and then, and the CLI's requests
start at once, whether or not anyone is reading messages.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, cast

import anyio
import anyio.abc
import attrs

from ccsdk._redact import redact_text
from ccsdk.errors import (
    ClaudeSDKError,
    CLIConnectionError,
    ConnectionClosedError,
    ControlRequestError,
    ControlTimeoutError,
    ProcessError,
    ResultError,
)
from ccsdk.options import line_bound
from ccsdk.protocol.codec import encode_message
from ccsdk.protocol.connection import Connection, Event
from ccsdk.protocol.events import (
    CanUseToolRequest,
    ControlCancelled,
    ControlFailed,
    ControlSucceeded,
    ElicitationRequest,
    EndOfOutput,
    HookCallbackRequest,
    IncomingRequest,
    McpMessageRequest,
    StrayControlResponse,
    UnknownControlRequest,
    UserDialogRequest,
)
from ccsdk.protocol.messages import Message, ResultMessage, SystemMessage
from ccsdk.protocol.states import OurState, TheirState
from ccsdk.runtime.callbacks import Callbacks, Refused
from ccsdk.runtime.discovery import check_version
from ccsdk.runtime.json_lines import loads
from ccsdk.runtime.process import SubprocessCLITransport
from ccsdk.runtime.transport import ByteTransport, Transport

if TYPE_CHECKING:
    from ccsdk.options import Options
    from ccsdk.runtime.mcp_bridge import SdkMcpBridge

__all__ = ["Engine", "collapse_groups"]

log = logging.getLogger("ccsdk")

#: How long a read may wait before the transport's side work is started.
_INLINE_READ_GRACE = 0.05

#: True in a task that serves one of the CLI's requests (a hook, a tool call).
_SERVING: ContextVar[bool] = ContextVar("ccsdk_serving", default=False)


@attrs.define
class _Waiter:
    subtype: str
    done: anyio.Event = attrs.field(factory=anyio.Event)
    response: dict[str, Any] | None = None
    error: ControlRequestError | None = None


class Engine:
    """Drives one CLI conversation; see the module docstring."""

    def __init__(self, options: Options, transport: Transport | None = None) -> None:
        self.options = options
        if transport is None:
            transport = SubprocessCLITransport(options)
        if not isinstance(transport, ByteTransport):
            # Reading a seed-style read_messages() generator cannot be paused:
            # cancelling a pending anext() ends the generator, and ccsdk reads
            # in bounded task groups, with no task kept alive to own it.
            raise TypeError(
                f"{type(transport).__name__} implements only the seed's dict-level "
                "read_messages(); ccsdk reads bytes. Subclass ccsdk.ByteTransport "
                "(send_bytes / receive_bytes), or wrap a pair of byte streams in "
                "ccsdk.StreamTransport."
            )
        self.transport = transport
        self.conn = Connection(max_line_bytes=line_bound(options), loads=loads)
        #: Messages for the user, in order.
        self.inbox: deque[Message] = deque()
        #: The CLI's output has ended (every pending request has failed).
        self.eof = False
        #: ... and it ended in the middle of a run.
        self.eof_mid_run = False
        #: The latest result, to explain a failed exit after an error result.
        self.last_result: ResultMessage | None = None
        #: The ``initialize`` answer, once received.
        self.server_info: dict[str, Any] | None = None
        # fast_acquire: an uncontended write needs no extra trip through the loop.
        self._write_lock = anyio.Lock(fast_acquire=True)
        self._counter = 0
        self._waiters: dict[str, _Waiter] = {}
        self._handlers: dict[str, anyio.CancelScope] = {}
        self.callbacks = Callbacks(options)
        # Made by the first task to wait, so that notify() costs nothing
        # while nobody waits (the common case: one task reading inline).
        self._changed: anyio.Event | None = None
        #: The CLI's requests read while no task group was at hand.
        self._unstarted: list[IncomingRequest] = []
        self._pumping = False
        self._pump_scope: anyio.CancelScope | None = None
        self._bridge: SdkMcpBridge | None = None
        #: The first ``initialize`` request sent, for :meth:`reinitialize`.
        self.initialize_request: dict[str, Any] | None = None
        #: Set by :meth:`aclose`: every wait ends.
        self.closed = False

    # -- plumbing ----------------------------------------------------------------

    def notify(self) -> None:
        """Wake every task waiting in :meth:`changed` to re-check its condition."""
        event = self._changed
        if event is not None:
            self._changed = None
            event.set()

    async def changed(self) -> None:
        """Wait for the next :meth:`notify`. Check the condition first, with no
        await in between, or a notify can fall between the check and the wait."""
        event = self._changed
        if event is None:
            event = self._changed = anyio.Event()
        await event.wait()

    async def write(self, data: bytes) -> None:
        """Write one or more whole frames; frames from several tasks never interleave."""
        if not data:
            return
        if log.isEnabledFor(logging.DEBUG):
            log.debug("to the CLI: %s", redact_text(data.decode("utf-8", "replace").rstrip()))
        async with self._write_lock:
            await self.transport.send_bytes(data)

    def next_request_id(self) -> str:
        self._counter += 1
        return f"req_{self._counter}_{os.urandom(4).hex()}"

    async def read_once(self, tg: anyio.abc.TaskGroup | None) -> None:
        """One read of the CLI's output, routed. Raises what the protocol raises.

        With no task group, the CLI's requests wait in :attr:`_unstarted`
        for :meth:`run_until` to start their handlers.
        """
        # What an earlier read left (the lines after a bad one, whose error
        # ended that read) comes first: the next read may never come.
        if self._drain(tg):
            return
        data = await self.transport.receive_bytes()
        self.conn.receive_data(data)
        self._drain(tg)

    def _drain(self, tg: anyio.abc.TaskGroup | None) -> bool:
        """Route every event the connection has now; whether there was any.

        Until the connection needs data: a bad line defers its error behind
        the events before it, and the events after it are already here.
        """
        routed = False
        while True:
            try:
                events = self.conn.next_events()
            finally:
                self.notify()
            if not events:
                return routed
            if log.isEnabledFor(logging.DEBUG):
                for event in events:
                    log.debug("from the CLI: %s", redact_text(repr(event)))
            self.route(events, tg)
            routed = True

    def route(self, events: list[Event], tg: anyio.abc.TaskGroup | None) -> None:
        inbox = self.inbox
        for event in events:
            # Messages first: by far the most common event.
            if isinstance(event, Message):
                if isinstance(event, SystemMessage) and event.data.get("sdk_host_only"):
                    continue  # run-state bookkeeping for SDKs, already used by the Connection
                inbox.append(event)
                if isinstance(event, ResultMessage):
                    self.last_result = event
            elif isinstance(event, ControlSucceeded | ControlFailed):
                waiter = self._waiters.pop(event.request_id, None)
                if waiter is not None:
                    if isinstance(event, ControlSucceeded):
                        waiter.response = event.response
                    else:
                        waiter.error = event.error
                    waiter.done.set()
            elif isinstance(event, ControlCancelled):
                scope = self._handlers.get(event.request_id)
                if scope is not None:
                    scope.cancel()
            elif isinstance(event, EndOfOutput):
                self.eof = True
                self.eof_mid_run = event.mid_run
            elif isinstance(event, StrayControlResponse):
                log.warning("the CLI answered a request we did not send: %r", event.raw)
            elif tg is None:
                self._unstarted.append(event)
            else:
                self._start_handler(event, tg)
        self.notify()

    def _start_handler(self, event: IncomingRequest, tg: anyio.abc.TaskGroup) -> None:
        scope = anyio.CancelScope()
        self._handlers[event.request_id] = scope
        tg.start_soon(self._serve, event, scope)

    async def run_until(
        self,
        done: Callable[[], bool],
        *,
        extra: Callable[[anyio.abc.TaskGroup], None] | None = None,
    ) -> None:
        """Read and route until ``done()`` holds and no handler is running.

        Only one task may run this at a time (see :meth:`pump_until` for
        many). The calling task does the reading itself. While that is all
        there is to do and each read comes promptly (the common case: output
        flowing), no task group is made at all. Otherwise (a handler to run,
        ``extra`` work, or a read that waits longer than a moment) a task
        group lives for the rest of this call: the handlers run in it, the
        transport's side work (stderr, the exit watch) too, and, once there
        is more than reading to wait for, a reader task. When this returns,
        no task is left.
        """
        if self._settled(done):
            return
        self._pumping = True
        try:
            if extra is None and not await self._read_inline(done):
                return
            with collapse_groups():
                async with anyio.create_task_group() as tg:
                    await self._run_in_group(done, extra, tg)
        finally:
            self._pump_scope = None
            self._pumping = False
            self.notify()

    async def _read_inline(self, done: Callable[[], bool]) -> bool:
        """Read with no task group until done; False if done, True if one is needed."""
        transport = self.transport
        side_work = isinstance(transport, SubprocessCLITransport) and transport.has_side_work()
        # The transport's side work is not running: each read gets a moment
        # only (one scope, its deadline moved on). A CLI that stalls, blocked
        # on a full stderr pipe or exited with an orphan holding its stdout,
        # then gets it started. aclose() cancels the same scope, from any task,
        # to stop this read before teardown drains the pipes itself.
        with anyio.CancelScope() as scope:
            self._pump_scope = scope
            while not self._settled(done):
                if self._unstarted or self.eof:
                    return True  # handlers to start, or to wait for
                if side_work:
                    scope.deadline = anyio.current_time() + _INLINE_READ_GRACE
                await self.read_once(None)
            return False
        return not self.closed  # the deadline passed; closed: nothing more to do

    async def _run_in_group(
        self,
        done: Callable[[], bool],
        extra: Callable[[anyio.abc.TaskGroup], None] | None,
        tg: anyio.abc.TaskGroup,
    ) -> None:
        self._pump_scope = tg.cancel_scope
        if isinstance(self.transport, SubprocessCLITransport):
            self.transport.start_side_work(tg)
        if extra is not None:
            extra(tg)
        reader: tuple[anyio.CancelScope, anyio.Event] | None = None
        while not self._settled(done):
            while self._unstarted:
                self._start_handler(self._unstarted.pop(0), tg)
            if self.eof or reader is not None:
                await self.changed()
            elif extra is None and not self._handlers:
                await self.read_once(tg)
            else:
                reader = (anyio.CancelScope(), anyio.Event())
                tg.start_soon(self._read_loop, tg, *reader)
        if reader is not None:
            # Stop reading first: a request read in this very instant
            # has its handler started already, and it must answer,
            # not be cancelled with the group (the CLI would wait).
            reader[0].cancel()
            await reader[1].wait()
        while self._handlers and not self.closed:
            await self.changed()
        tg.cancel_scope.cancel()

    async def pump_until(self, done: Callable[[], bool]) -> None:
        """Like :meth:`run_until`, from any number of tasks at once.

        One task at a time does the reading (the leader); the others wait for
        what it routes, and one of them takes over when it stops. So a task
        waiting for a control answer reads past unread messages instead of
        waiting behind them, and no reader task is needed.
        """
        while not self._settled(done):
            if self._pumping:
                await self.changed()
            else:
                await self.run_until(done)

    def _settled(self, done: Callable[[], bool]) -> bool:
        # After end of output nothing more can arrive: waiting longer is a hang.
        return self.closed or (not self._handlers and not self._unstarted and (self.eof or done()))

    async def _read_loop(
        self, tg: anyio.abc.TaskGroup, scope: anyio.CancelScope, stopped: anyio.Event
    ) -> None:
        try:
            with scope:
                while not self.eof:
                    await self.read_once(tg)
        finally:
            stopped.set()
            self.notify()

    # -- our requests --------------------------------------------------------------

    async def send_request(self, request: dict[str, Any]) -> _Waiter:
        if request["subtype"] == "initialize" and self.initialize_request is None:
            self.initialize_request = request  # what reinitialize() sends again
        request_id = self.next_request_id()
        data = self.conn.send_request(request_id, request)
        waiter = _Waiter(request["subtype"])
        self._waiters[request_id] = waiter
        await self.write(data)
        return waiter

    @staticmethod
    def result_of(waiter: _Waiter) -> dict[str, Any]:
        if waiter.error is not None:
            raise waiter.error
        assert waiter.response is not None
        return waiter.response

    # -- the CLI's requests ----------------------------------------------------------

    async def _serve(self, event: IncomingRequest, scope: anyio.CancelScope) -> None:
        _SERVING.set(True)  # this task's context only
        try:
            with scope:
                try:
                    response = await self._answer(event)
                except Refused as exc:
                    data = self.conn.send_error(event.request_id, str(exc))
                except Exception as exc:  # the user's callback failed: tell the CLI, log here
                    log.exception("handling the CLI's %s request failed", _subtype(event))
                    data = self.conn.send_error(event.request_id, f"{type(exc).__name__}: {exc}")
                else:
                    data = self.conn.send_response(event.request_id, response)
                try:
                    await self.write(data)
                except CLIConnectionError:
                    # The CLI is gone; reading its output reports why, better than this.
                    log.debug(
                        "could not answer request %s: the CLI's input is closed", event.request_id
                    )
            if scope.cancelled_caught:
                log.debug("the CLI cancelled its request %s", event.request_id)
        finally:
            self._handlers.pop(event.request_id, None)
            self.notify()

    async def _answer(self, event: IncomingRequest) -> dict[str, Any]:
        if isinstance(event, CanUseToolRequest):
            return await self.callbacks.can_use_tool(event)
        if isinstance(event, HookCallbackRequest):
            return await self.callbacks.hook(event)
        if isinstance(event, McpMessageRequest):
            return await self._mcp_message(event)
        if isinstance(event, ElicitationRequest):
            return await self.callbacks.elicitation(event)
        if isinstance(event, UserDialogRequest):
            return await self.callbacks.user_dialog(event)
        assert isinstance(event, UnknownControlRequest)
        raise Refused(f"Unsupported control request subtype: {event.subtype}")

    async def _mcp_message(self, event: McpMessageRequest) -> dict[str, Any]:
        bridge = self._mcp_bridge()
        if bridge is None or not bridge.serves(event.server_name):
            message_id = event.message.get("id")
            error = {"code": -32601, "message": f"Server '{event.server_name}' not found"}
            return {"mcp_response": {"jsonrpc": "2.0", "id": message_id, "error": error}}
        return {"mcp_response": await bridge.handle(event.server_name, event.message)}

    def _mcp_bridge(self) -> SdkMcpBridge | None:
        """The in-process MCP servers, if any (imports mcp only then)."""
        if self._bridge is None:
            servers = self.options.mcp_servers
            if not isinstance(servers, dict):
                return None
            instances = {
                name: dict(config)["instance"]
                for name, config in servers.items()
                if config.get("type") == "sdk" and "instance" in config
            }
            if not instances:
                return None
            from ccsdk.runtime.mcp_bridge import SdkMcpBridge

            self._bridge = SdkMcpBridge(instances, notify=self.send_mcp_notification)
        return self._bridge

    def add_sdk_mcp_servers(self, instances: dict[str, Any]) -> None:
        """Serve more in-process MCP servers (``set_mcp_servers``), by name."""
        if not instances:
            return
        bridge = self._mcp_bridge()
        if bridge is None:
            from ccsdk.runtime.mcp_bridge import SdkMcpBridge

            bridge = self._bridge = SdkMcpBridge({}, notify=self.send_mcp_notification)
        bridge.add(instances)

    def serves_sdk_mcp_server(self, name: str) -> bool:
        bridge = self._mcp_bridge()
        return bridge is not None and bridge.serves(name)

    async def send_mcp_notification(self, server_name: str, message: dict[str, Any]) -> None:
        """Pass an in-process server's JSON-RPC notification to the CLI's MCP client.

        The CLI delivers it to the client it holds for ``server_name`` (a
        ``notifications/tools/list_changed`` makes it list the tools again)
        and acknowledges with an empty answer.

        Raises:
            ControlRequestError, ControlTimeoutError: as :meth:`request`.
        """
        await self.request(
            {"subtype": "mcp_message", "server_name": server_name, "message": message},
            self.options.control_timeout,
        )

    # -- lifecycle ----------------------------------------------------------------------

    async def connect(self) -> None:
        """Start the transport and complete ``initialize``, serving the CLI meanwhile."""
        from ccsdk.runtime.initialize import build_initialize, check_answer

        self.callbacks.warn_if_unreachable()
        await self.transport.connect()
        try:
            waiter = await self.send_request(
                {
                    **build_initialize(self.options, self.callbacks.hooks_for_initialize()),
                    **self.callbacks.initialize_fields(),
                }
            )
        except CLIConnectionError:
            # It died before reading anything (a bad flag, a wrapper that
            # cannot reach its host): its exit code and stderr say why.
            with anyio.move_on_after(self.options.close_timeout):
                await self.transport.wait_exit()
            raise
        timeout = self.options.initialize_timeout
        with anyio.move_on_after(timeout) as scope:
            await self.run_until(waiter.done.is_set)
        if scope.cancelled_caught:
            raise ControlTimeoutError("initialize", timeout)
        if not waiter.done.is_set() or isinstance(waiter.error, ConnectionClosedError):
            # The output ended first: the exit code and stderr say why.
            await self.transport.wait_exit()
            raise CLIConnectionError("the CLI's output ended before it answered initialize")
        info = self.result_of(waiter)
        version = info.get("claude_code_version")
        if isinstance(version, str):
            check_version(version)
        else:
            log.warning("the CLI did not report its version; it may be too old for ccsdk")
        check_answer(self.options, info)
        self.server_info = info

    async def wait_exit(self) -> None:
        """After end of output: raise if the CLI failed.

        A CLI exits 1 after a run whose result was an error (an API error,
        say); that is reported as :class:`ResultError` carrying the result,
        not as an anonymous exit code. Output that ended in the middle of a
        run is an error even if the CLI exited 0, or has not exited.
        """
        try:
            await self.transport.wait_exit()
        except ProcessError as exc:
            last = self.last_result
            if last is not None and last.is_error:
                raise ResultError.from_result(encode_message(last), exc.exit_code, last) from exc
            raise
        if self.eof_mid_run:
            raise CLIConnectionError(
                "the CLI's output ended in the middle of a turn, before its result"
            )

    async def request(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:  # noqa: ASYNC109
        """Send one of our control requests and wait (bounded) for its answer.

        Raises:
            ControlRequestError: the CLI refused it (with its ``error_code``),
                or its output ended first (:class:`ConnectionClosedError`).
            ControlTimeoutError: no answer within ``timeout`` seconds.
        """
        if self.closed or self.eof:
            raise CLIConnectionError("not connected: the session is closed")
        waiter = await self.send_request(request)
        with anyio.move_on_after(timeout) as scope:
            if _SERVING.get():
                # From a handler (a hook, a tool): the task running it reads
                # until every handler is done, so the answer gets routed;
                # pumping here would wait for this very handler to finish.
                await waiter.done.wait()
            else:
                await self.pump_until(waiter.done.is_set)
        if scope.cancelled_caught:
            raise ControlTimeoutError(waiter.subtype, timeout)
        if not waiter.done.is_set():
            raise CLIConnectionError("the session was closed while waiting for an answer")
        return self.result_of(waiter)

    async def aclose(self) -> None:
        """Tear the transport down (shielded, bounded, idempotent).

        Safe to call from any task, also while another task is reading: the
        reader is stopped first, so that only teardown touches the pipes.
        """
        with anyio.CancelScope(shield=True):
            self.closed = True
            self._unstarted.clear()
            for scope in self._handlers.values():
                scope.cancel()
            if self._pump_scope is not None:
                self._pump_scope.cancel()
                with anyio.move_on_after(self.options.close_timeout):
                    while self._pumping:
                        await self.changed()
            for waiter in self._waiters.values():
                waiter.error = ConnectionClosedError(waiter.subtype)
                waiter.done.set()
            self._waiters.clear()
            self.notify()
            await self._interrupt_running_turn()
            if self._bridge is not None:
                await self._bridge.aclose()
            await self.transport.close()

    async def _interrupt_running_turn(self) -> None:
        """Closing while a turn runs: ask the CLI to stop it before stdin closes.

        Otherwise the CLI finishes the turn first (the model, the tools), and
        teardown waits out ``close_timeout`` before it signals. Interrupted, it
        sees the end of its input and exits on its own, at once. Not waited
        for: its answer would only be read to be dropped.
        """
        conn = self.conn
        if self.eof or conn.their_state is not TheirState.BUSY:
            return
        if conn.our_state is not OurState.OPEN or not self.transport.is_ready():
            return
        try:
            data = conn.send_request(self.next_request_id(), {"subtype": "interrupt"})
            with anyio.move_on_after(self.options.close_timeout):
                await self.write(data)
        except ClaudeSDKError as exc:
            log.debug("could not interrupt the running turn while closing: %s", exc)


def _subtype(event: IncomingRequest) -> str:
    return type(event).__name__


@contextmanager
def collapse_groups() -> Generator[None, None, None]:
    """Turn an exception group from our own task group into the one error in it.

    One failure reaches the user as one exception of its own type: the
    first ccsdk error in the group if there is one, else the first error.
    """
    try:
        yield
    except BaseExceptionGroup as group:
        leaves = [e for e in _leaves(group) if isinstance(e, Exception)]
        if not leaves:  # only cancellations and the like: not ours to rewrite
            raise
        chosen = next((e for e in leaves if isinstance(e, ClaudeSDKError)), leaves[0])
        raise chosen from None


def _leaves(group: BaseExceptionGroup[Any]) -> Iterator[BaseException]:
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            # isinstance cannot say what the group holds; BaseExceptionGroup
            # holds BaseExceptions.
            yield from _leaves(cast("BaseExceptionGroup[BaseException]", exc))
        else:
            yield exc
