"""The driver: one :class:`Connection` over one transport, with no task of its own.

An :class:`Engine` reads the transport, feeds the sans-IO connection, and
routes what comes out: messages into its outbox, answers to our requests to
their waiters, the CLI's requests to handler tasks. It owns no task and no
nursery; whoever drives it lends one for the duration of a call to
:meth:`Engine.read_until`. ``query()`` drives it from the consumer's own
task between two messages; a ``Session`` drives it from a reader task in its
nursery. Either way, no task outlives the nursery that started it.

Control traffic never waits behind messages: a read's whole batch is routed
at once, answers wake their waiters there and then, and the CLI's requests
start at once, whether or not anyone is reading messages.

Messages never wait behind callbacks: when the user's code can be called
(callbacks, hooks, in-process MCP servers), the CLI's requests are served in
a host group that outlives every read (a session's nursery, see
:meth:`Engine.lend_host`, or a :class:`BackgroundGroup` of the engine's own,
see :meth:`Engine.start_background`), and a read returns as soon as its
condition holds, with handlers still running. Only the built-in answers,
which return at once, run in a read's own group when there is no host.

With a session store (``options.session_store``), the CLI's
``transcript_mirror`` frames are taken out where the output is routed and
handed to a :class:`~ccsdk.runtime._mirror.TranscriptMirror`, whose writer
runs in the host group: the reading never awaits the store.
"""

from __future__ import annotations

import contextvars
import dataclasses
import logging
import os
import sys
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Generator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar, cast

import anyio
import anyio.abc
import attrs

from ccsdk._errors import (
    ClaudeSDKError,
    CLIConnectionError,
    ConnectionClosedError,
    ControlRequestError,
    ControlTimeoutError,
    LocalProtocolError,
    ProcessError,
    ResultError,
)
from ccsdk._options import line_bound
from ccsdk._redact import Redactor
from ccsdk._store_types import SessionKey
from ccsdk.protocol.codec import decode_message, encode_message
from ccsdk.protocol.connection import Connection, Event
from ccsdk.protocol.control import (
    ControlRequest,
    Initialize,
    Interrupt,
    McpMessage,
    OurRequest,
)
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
from ccsdk.protocol.messages import Message, ResultMessage, SystemMessage, UnknownMessage
from ccsdk.protocol.states import OurState, TheirState
from ccsdk.runtime._callbacks import Callbacks, Refused
from ccsdk.runtime._discovery import check_version
from ccsdk.runtime._initialize import check_answer, initialize_model, stamp_user_message
from ccsdk.runtime._json_lines import loads
from ccsdk.runtime._process import SubprocessCLITransport
from ccsdk.runtime._transport import ByteTransport, Transport

if TYPE_CHECKING:
    from ccsdk._options import Options
    from ccsdk.runtime._mcp_bridge import SdkMcpBridge
    from ccsdk.runtime._mirror import Materialized, TranscriptMirror

__all__ = ["BackgroundGroup", "Engine", "collapse_groups"]

log = logging.getLogger("ccsdk")

_T = TypeVar("_T")

#: How long a read may wait before the transport's side work is started.
_INLINE_READ_GRACE = 0.05

#: True in a task that serves one of the CLI's requests (a hook, a tool call):
#: a control request sent from there must not read (see Engine.request).
_IN_HANDLER: ContextVar[bool] = ContextVar("ccsdk_serving", default=False)


@attrs.define
class _Waiter:
    """One of our control requests, until its answer (or the end) is routed."""

    subtype: str
    done: anyio.Event = attrs.field(factory=anyio.Event)
    response: dict[str, Any] | None = None
    error: ControlRequestError | None = None


@attrs.frozen
class _Fault:
    """An error in the outbox, in its place among the messages."""

    error: ClaudeSDKError


class Engine:
    """Drives one CLI conversation; see the module docstring.

    What ``query()`` and ``Session`` use, and all they use:

    * lifecycle: :meth:`connect`, :meth:`aclose`, :meth:`wait_exit`;
    * input: :meth:`send_user_text`, :meth:`send_input`, :attr:`may_close_input`,
      :meth:`close_input`;
    * output: :meth:`read_until` / :meth:`wait_until` to read, then
      :meth:`take_batch` / :meth:`take_message` from the outbox, where
      :meth:`defer_error` and :meth:`end_with_error` put errors in their place;
    * control: :meth:`request`, :meth:`reinitialize`, the in-process MCP servers;
    * facts: :attr:`options`, :attr:`transport`, :attr:`server_info`,
      :attr:`closed`, :attr:`output_ended`, :attr:`accepts_input`,
      :attr:`turn_running`; and :meth:`notify`, for a caller that changes
      what its ``done`` condition reads.

    The :class:`Connection` and the rest of the state are private: the
    rules that read them (when stdin may close, whether a turn runs) are
    written once, here.
    """

    def __init__(self, options: Options, transport: Transport | None = None) -> None:
        self._options = options
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
        self._transport = transport
        self._conn = Connection(max_line_bytes=line_bound(options), loads=loads)
        # What the consumer takes, in the order it arrived: messages, and the
        # errors met between them (see defer_error). One deque, so that the
        # order is never reconstructed by counting.
        self._outbox: deque[Message | _Fault] = deque()
        # How many _Fault entries the outbox holds: while none (nearly
        # always), take_batch() takes it whole without looking at each entry.
        self._faults_in_outbox = 0
        # Raised by every take once the outbox is empty (see end_with_error()).
        self._final_error: ClaudeSDKError | None = None
        # The CLI's output has ended (every pending request has failed) ...
        self._eof = False
        # ... and it ended in the middle of a run.
        self._eof_mid_run = False
        # The latest result, to explain a failed exit after an error result.
        self._last_result: ResultMessage | None = None
        # The initialize answer, once received.
        self._server_info: dict[str, Any] | None = None
        # fast_acquire: an uncontended write needs no extra trip through the loop.
        self._write_lock = anyio.Lock(fast_acquire=True)
        self._counter = 0
        self._waiters: dict[str, _Waiter] = {}
        self._handlers: dict[str, anyio.CancelScope] = {}
        # The ids of the handlers running in a read_until call's own task
        # group: that call cannot return before they do. Handlers started in
        # the host group (see lend_host) are not among them.
        self._local_handlers: set[str] = set()
        # A task group that outlives every read (a session's nursery, or a
        # background group): the CLI's requests are served there, so that
        # no read waits for a callback to return (see lend_host).
        self._host: anyio.abc.TaskGroup | None = None
        self._background: BackgroundGroup | None = None
        # The scope of a read that a host handler's end may stop (see
        # _wake_reader), and whether it did.
        self._wake_scope: anyio.CancelScope | None = None
        self._woken = False
        # The inbox bound (see bound_inbox): None while the consumer drives
        # the reading itself. The bytes read and the entries they put in the
        # outbox since it was last empty give what it holds (_inbox_bytes).
        self._inbox_bound: int | None = None
        self._inbox_read = 0
        self._inbox_added = 0
        self._inbox_waiting = False
        self._callbacks = Callbacks(options)
        # Made by the first task to wait, so that notify() costs nothing
        # while nobody waits (the common case: one task reading inline).
        self._changed: anyio.Event | None = None
        # The CLI's requests read while no task group was at hand: their
        # handlers start as soon as read_until has one.
        self._requests_to_start: list[IncomingRequest] = []
        # A task is inside read_until: it is the one reading the CLI's output.
        self._reading = False
        # The scope that read_until reads in; aclose() cancels it, from any
        # task, to stop the reading before teardown drains the pipes itself.
        self._reading_scope: anyio.CancelScope | None = None
        self._bridge: SdkMcpBridge | None = None
        # The first initialize request sent, for reinitialize().
        self._initialize_request: Initialize | None = None
        # Set by aclose(): every wait ends.
        self._closed = False
        # The session store's writer (options.session_store), and the
        # temporary config directory a resume from the store loaded.
        self._mirror: TranscriptMirror | None = None
        self._materialized: Materialized | None = None
        store = getattr(options, "session_store", None)
        if store is not None:
            # Only with a store: the writer's module (tempfile, shutil, uuid)
            # stays out of `import ccsdk`.
            from ccsdk.runtime._mirror import TranscriptMirror, effective_config_dir

            self._mirror = TranscriptMirror(
                store=store,
                projects_dir=os.path.join(effective_config_dir(options.env), "projects"),
                host=lambda: self._host,
                report=self._report_mirror_error,
                eager=getattr(options, "session_store_flush", "batched") == "eager",
            )

    # -- facts -----------------------------------------------------------------------

    @property
    def options(self) -> Options:
        return self._options

    @property
    def transport(self) -> ByteTransport:
        return self._transport

    @property
    def server_info(self) -> dict[str, Any] | None:
        """The latest ``initialize`` answer (see :meth:`reinitialize`), once received."""
        return self._server_info

    @property
    def closed(self) -> bool:
        """Whether :meth:`aclose` has been called."""
        return self._closed

    @property
    def output_ended(self) -> bool:
        """The CLI's output has ended: nothing more can arrive."""
        return self._eof

    @property
    def accepts_input(self) -> bool:
        """Whether the CLI can still be written to (its output goes on, stdin is open)."""
        return not self._eof and self._conn.our_state is not OurState.CLOSED

    @property
    def turn_running(self) -> bool:
        """Whether the CLI is in the middle of a turn (and its output goes on)."""
        return not self._eof and self._conn.their_state is TheirState.BUSY

    @property
    def may_close_input(self) -> bool:
        """Whether closing stdin now loses nothing: it is open, the run is over
        and nothing is pending (the Connection's rule)."""
        conn = self._conn
        return conn.our_state is OurState.OPEN and conn.may_close_input

    # -- plumbing ----------------------------------------------------------------

    def notify(self) -> None:
        """Wake every task waiting in :meth:`_next_notify` to re-check its condition.

        Callers that change what a ``done`` condition reads call this too.
        """
        event = self._changed
        if event is not None:
            self._changed = None
            event.set()

    async def _next_notify(self) -> None:
        """Wait for the next :meth:`notify`. Check the condition first, with no
        await in between, or a notify can fall between the check and the wait."""
        event = self._changed
        if event is None:
            event = self._changed = anyio.Event()
        await event.wait()

    async def _write(self, data: bytes) -> None:
        """Write one or more whole frames; frames from several tasks never interleave."""
        if not data:
            return
        if log.isEnabledFor(logging.DEBUG):
            frame = data.decode("utf-8", "replace").rstrip()
            # This session's secrets, and any MCP credentials the frame carries.
            log.debug("to the CLI: %s", Redactor.for_options(self._options, frame=frame)(frame))
        async with self._write_lock:
            await self._transport.send_bytes(data)

    def _next_request_id(self) -> str:
        self._counter += 1
        return f"req_{self._counter}_{os.urandom(4).hex()}"

    # -- input -------------------------------------------------------------------

    async def send_user_text(self, text: str, *, session_id: str = "default") -> None:
        """Send a prompt as one user message (``client_composed`` per the options)."""
        verbatim = self._options.verbatim_prompts
        await self._write(
            self._conn.send_user(text, session_id=session_id, client_composed=verbatim)
        )

    async def send_input(self, message: dict[str, Any]) -> None:
        """Send one stream-json input frame (a prompt stream's item), stamped per the options."""
        await self._write(self._conn.send_message(stamp_user_message(message, self._options)))

    async def close_input(self) -> None:
        """Close the CLI's stdin: the run is over (see :attr:`may_close_input`), and it exits."""
        self._conn.close_input()
        # After any answer a handler is writing: the Connection counts a
        # request answered once the answer is encoded, before it is written.
        async with self._write_lock:
            await self._transport.end_input()

    # -- output: the outbox ------------------------------------------------------

    def has_output(self) -> bool:
        """Whether a take would return a message or raise an error now."""
        return bool(self._outbox) or self._final_error is not None

    def take_batch(self) -> list[Message]:
        """Every message up to the next deferred error; raises that error if it is first.

        ``[]`` when the outbox is empty (and :meth:`end_with_error` has not been called).
        """
        outbox = self._outbox
        if self._inbox_waiting:
            self.notify()  # a reader paused at the inbox bound: room again
        if not self._faults_in_outbox:
            if outbox:
                messages = cast("list[Message]", list(outbox))  # no _Fault among them
                outbox.clear()
                return messages
        else:
            batch: list[Message] = []
            while outbox:
                item = outbox.popleft()
                if isinstance(item, _Fault):
                    if batch:  # the messages before it first; it waits its turn
                        outbox.appendleft(item)
                        return batch
                    self._faults_in_outbox -= 1
                    raise item.error
                batch.append(item)
            if batch:
                return batch
        if self._final_error is not None:
            raise self._final_error
        return []

    def take_message(self) -> Message | None:
        """The next message, or ``None`` if there is none.

        Raises a deferred error in its place among the messages, and the
        :meth:`end_with_error` error whenever the outbox is empty.
        """
        outbox = self._outbox
        if outbox:
            if self._inbox_waiting:
                self.notify()  # a reader paused at the inbox bound: room again
            item = outbox.popleft()
            if isinstance(item, _Fault):
                self._faults_in_outbox -= 1
                raise item.error
            return item
        if self._final_error is not None:
            raise self._final_error
        return None

    def bound_inbox(self) -> None:
        """Hold at most ``options.max_inbox_bytes`` of output for the consumer.

        For a reader task that reads whether or not anyone takes messages (a
        session's): at the bound it stops reading stdout, so the CLI is held
        back by the pipe, until the consumer takes messages. The CLI's requests
        read before are served all the same (their handlers run beside the
        reader), and reading goes on past the bound while one of our control
        requests waits for its answer: control traffic never waits behind
        messages. A single line larger than the bound is still read whole.
        """
        self._inbox_bound = self._options.max_inbox_bytes

    @property
    def _inbox_bytes(self) -> int:
        """About how many bytes of output the outbox holds (an even share of
        the bytes read per entry), counted only while the inbox is bounded."""
        held = len(self._outbox)
        if not held:
            return 0
        return self._inbox_read * held // max(self._inbox_added, 1)

    def _inbox_full(self) -> bool:
        bound = self._inbox_bound
        return (
            bound is not None
            and not self._waiters
            and not self._closed
            and self._inbox_bytes >= bound
        )

    def defer_error(self, error: ClaudeSDKError) -> None:
        """Deliver ``error`` once, after the messages read before it (not the ones after).

        For an error that reading raised (a bad line, the process failing):
        the messages it ended the read after reach the consumer first.
        """
        self._outbox.append(_Fault(error))
        self._faults_in_outbox += 1
        self.notify()

    def end_with_error(self, error: ClaudeSDKError) -> None:
        """Raise ``error`` from every take that finds the outbox empty.

        For the end of a session's reader task: the messages read before it
        are taken first, and no receive waits for output that will not come.
        """
        self._final_error = error
        self.notify()

    # -- reading -----------------------------------------------------------------

    async def _read_once(self, tg: anyio.abc.TaskGroup | None) -> None:
        """One read of the CLI's output, routed. Raises what the protocol raises.

        With no task group, the CLI's requests wait in ``_requests_to_start``
        for :meth:`read_until` to start their handlers.
        """
        # What an earlier read left (the lines after a bad one, whose error
        # ended that read) comes first: the next read may never come.
        if self._drain(tg):
            return
        if self._inbox_bound is not None:
            await self._read_bounded(tg)
            return
        data = await self._transport.receive_bytes()
        self._conn.receive_data(data)
        self._drain(tg)

    async def _read_bounded(self, tg: anyio.abc.TaskGroup | None) -> None:
        """:meth:`_read_once` for a reader whose inbox is bounded: a consumer
        that does not take messages holds the reading at the bound."""
        while self._inbox_full():
            self._inbox_waiting = True
            try:
                await self._next_notify()
            finally:
                self._inbox_waiting = False
        data = await self._transport.receive_bytes()
        outbox = self._outbox
        if not outbox:  # all taken: count afresh
            self._inbox_read = self._inbox_added = 0
        held = len(outbox)
        self._conn.receive_data(data)
        try:
            self._drain(tg)
        finally:
            self._inbox_read += len(data)
            self._inbox_added += len(outbox) - held

    def _drain(self, tg: anyio.abc.TaskGroup | None) -> bool:
        """Route every event the connection has now; whether there was any.

        Until the connection needs data: a bad line defers its error behind
        the events before it, and the events after it are already here.
        """
        routed = False
        while True:
            try:
                events = self._conn.next_events()
            finally:
                self.notify()
            if not events:
                return routed
            if log.isEnabledFor(logging.DEBUG):
                redact = Redactor.for_options(self._options)  # this session's secrets too
                for event in events:
                    log.debug("from the CLI: %s", redact(repr(event)))
            self._route(events, tg)
            routed = True

    def _route(self, events: list[Event], tg: anyio.abc.TaskGroup | None) -> None:
        outbox = self._outbox
        for event in events:
            # Messages first: by far the most common event.
            if isinstance(event, Message):
                if isinstance(event, SystemMessage) and event.data.get("sdk_host_only"):
                    continue  # run-state bookkeeping for SDKs, already used by the Connection
                if isinstance(event, UnknownMessage) and event.type == "transcript_mirror":
                    # For the session store only (--session-mirror): never a message.
                    if self._mirror is not None:
                        self._mirror.enqueue(event.data.get("filePath"), event.data.get("entries"))
                    continue
                outbox.append(event)
                if isinstance(event, ResultMessage):
                    self._last_result = event
                    if self._mirror is not None:
                        self._mirror.flush_soon()  # written beside the reading, never awaited
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
                self._eof = True
                self._eof_mid_run = event.mid_run
            elif isinstance(event, StrayControlResponse):
                log.warning("the CLI answered a request we did not send: %r", event.raw)
            elif self._host is not None:
                self._start_handler(event, self._host)
            elif tg is None:
                self._requests_to_start.append(event)
            else:
                self._start_handler(event, tg)
        self.notify()

    def _start_handler(self, event: IncomingRequest, tg: anyio.abc.TaskGroup) -> None:
        scope = anyio.CancelScope()
        self._handlers[event.request_id] = scope
        if tg is not self._host:
            self._local_handlers.add(event.request_id)
        tg.start_soon(self._serve, event, scope)

    # -- where handlers run ------------------------------------------------------------

    def needs_host(self) -> bool:
        """Whether the CLI's requests run the user's code (callbacks, hooks,
        in-process MCP servers), which can take any time, or a session store
        is written to: then they need a task group that outlives a read (see
        :meth:`lend_host`); the store's writer runs there too."""
        options = self._options
        return bool(
            options.can_use_tool is not None
            or options.hooks
            or options.on_elicitation is not None
            or options.on_user_dialog is not None
            or self._mcp_bridge() is not None
            # The session store's writes run beside the reading.
            or self._mirror is not None
        )

    def lend_host(self, tg: anyio.abc.TaskGroup | None) -> None:
        """Serve the CLI's requests in ``tg`` from now on (``None``: in each read's own group).

        Handlers in ``tg`` keep running while reads return and messages are
        delivered: messages never wait behind a callback. ``tg`` must outlive
        this engine's use of it; :meth:`aclose` cancels the handlers it runs.
        """
        self._host = tg

    async def start_background(
        self, work: Callable[[], Awaitable[None]] | None = None, *, name: str = "ccsdk"
    ) -> None:
        """Run a task group of the engine's own, and serve the CLI's requests in it.

        For holders that have no nursery to lend (``ClaudeSDKClient``,
        ``query()``): the group runs in a task of the event loop's own
        (see :class:`BackgroundGroup`), ``work()`` in it if given (a reader),
        until :meth:`aclose`, which cancels it and waits for it. Idempotent.
        """
        if self._background is not None or self._closed:
            return
        background = self._background = BackgroundGroup(name)

        async def work_then_unhost() -> None:
            assert work is not None
            self._host = background.task_group  # before the work reads anything
            try:
                await work()
            finally:
                # The group ends with this: requests read later (by a caller
                # reading itself) start in that read's own group.
                self._host = None

        await background.start(None if work is None else work_then_unhost)
        if work is None:
            self._host = background.task_group

    async def read_until(
        self,
        done: Callable[[], bool],
        *,
        start_tasks: Callable[[anyio.abc.TaskGroup], None] | None = None,
    ) -> None:
        """Be the reader: read and route until ``done()`` holds and no handler is running.

        Only one task may run this at a time; :meth:`wait_until` is the
        version for many. The calling task does the reading itself. While
        that is all there is to do and each read comes promptly (the common
        case: output flowing), no task group is made at all. Otherwise (a
        handler to run, ``start_tasks`` to call, or a read that waits longer
        than a moment) a task group lives for the rest of this call: the
        handlers run in it, the transport's side work (stderr, the exit
        watch) too, and, once there is more than reading to wait for, a
        reader task. ``start_tasks(task_group)`` starts work that must run
        beside the reading (``query()``'s prompt feeder); whatever it starts
        must end by itself or be safe to cancel when this returns. When this
        returns, no task is left.
        """
        if self._may_stop(done):
            return
        self._reading = True
        try:
            if start_tasks is None and not await self._read_inline(done):
                return
            with collapse_groups():
                async with anyio.create_task_group() as tg:
                    await self._read_in_group(done, start_tasks, tg)
        finally:
            self._reading_scope = None
            self._reading = False
            self.notify()

    async def _read_inline(self, done: Callable[[], bool]) -> bool:
        """Read in the calling task, with no task group, until ``done()``.

        Returns ``False`` when finished, ``True`` when a task group is needed
        after all: a handler to start, end of output to wait out (handlers
        still running), or a read that took longer than a moment while the
        transport had side work waiting.
        """
        transport = self._transport
        side_work = transport.has_side_work()
        # The transport's side work is not running: each read gets a moment
        # only (one scope, its deadline moved on). A CLI that stalls, blocked
        # on a full stderr pipe or exited with an orphan holding its stdout,
        # then gets it started. aclose() cancels the same scope, from any task,
        # to stop this read before teardown drains the pipes itself; and a
        # handler in the host group that returns cancels it too (see
        # _wake_reader), for ``done()`` to be checked again.
        while True:
            with anyio.CancelScope() as scope:
                self._reading_scope = self._wake_scope = scope
                try:
                    while not self._may_stop(done):
                        if self._requests_to_start or self._eof:
                            return True  # handlers to start, or to wait for
                        if side_work:
                            scope.deadline = anyio.current_time() + _INLINE_READ_GRACE
                        await self._read_once(None)
                    return False
                finally:
                    self._wake_scope = None
            # Only reached when the scope was cancelled: by aclose() (nothing
            # more to do), by a handler's end (check again), or by the
            # deadline (a slow read: the side work needs a group).
            if self._closed:
                return False
            if not self._woken:
                return True
            self._woken = False

    def _wake_reader(self) -> None:
        """A handler in the host group has returned: a read that blocks
        stops, so that its caller checks ``done()`` again."""
        scope = self._wake_scope
        if scope is not None:
            self._woken = True
            scope.cancel()

    async def _read_in_group(
        self,
        done: Callable[[], bool],
        start_tasks: Callable[[anyio.abc.TaskGroup], None] | None,
        tg: anyio.abc.TaskGroup,
    ) -> None:
        self._reading_scope = tg.cancel_scope
        self._transport.start_side_work(tg)
        if start_tasks is not None:
            start_tasks(tg)
        reader: tuple[anyio.CancelScope, anyio.Event] | None = None
        while not self._may_stop(done):
            while self._requests_to_start:
                self._start_handler(self._requests_to_start.pop(0), tg)
            if self._eof or reader is not None:
                await self._next_notify()
            elif start_tasks is None and not self._local_handlers:
                with anyio.CancelScope() as scope:
                    self._wake_scope = scope
                    try:
                        await self._read_once(tg)
                    finally:
                        self._wake_scope = None
                self._woken = False
            else:
                # More than reading to wait for: read in a task of its own.
                reader = (anyio.CancelScope(), anyio.Event())
                tg.start_soon(self._read_loop, tg, *reader)
        if reader is not None:
            # Stop reading first: a request read in this very instant
            # has its handler started already, and it must answer,
            # not be cancelled with the group (the CLI would wait).
            reader[0].cancel()
            await reader[1].wait()
        while self._local_handlers and not self._closed:
            await self._next_notify()
        tg.cancel_scope.cancel()

    async def wait_until(self, done: Callable[[], bool]) -> None:
        """Wait until ``done()`` holds, reading the CLI's output if no other task is.

        Any number of tasks may wait at once. One at a time does the reading
        (through :meth:`read_until`); the others wait for what it routes, and
        one of them takes over when it stops. So a task waiting for a control
        answer reads past unread messages instead of waiting behind them,
        and no reader task is needed.
        """
        while True:
            if self._reading:
                # Another task reads: what it routes is all this one waits
                # for, not the handlers it serves (messages never wait
                # behind a callback).
                if self._closed or self._eof or done():
                    return
                await self._next_notify()
            elif self._may_stop(done):
                return
            else:
                await self.read_until(done)

    def _may_stop(self, done: Callable[[], bool]) -> bool:
        """Whether reading may stop: closed, or no handler left to run and
        either ``done()`` or the output has ended (after which nothing more
        can arrive, so waiting longer would hang)."""
        return self._closed or (
            not self._local_handlers and not self._requests_to_start and (self._eof or done())
        )

    async def _read_loop(
        self, tg: anyio.abc.TaskGroup, scope: anyio.CancelScope, stopped: anyio.Event
    ) -> None:
        """The reader task of :meth:`_read_in_group`: read until the end, or
        until ``scope`` is cancelled; ``stopped`` says it has returned."""
        try:
            with scope:
                while not self._eof:
                    await self._read_once(tg)
        finally:
            stopped.set()
            self.notify()

    # -- our requests --------------------------------------------------------------

    async def _send_request(self, request: OurRequest) -> _Waiter:
        if isinstance(request, Initialize) and self._initialize_request is None:
            self._initialize_request = request  # what reinitialize() sends again
        request_id = self._next_request_id()
        data = self._conn.send(ControlRequest(request_id, request))
        waiter = _Waiter(request.subtype)
        self._waiters[request_id] = waiter
        if self._inbox_waiting:
            self.notify()  # a reader paused at the inbox bound reads on for the answer
        await self._write(data)
        return waiter

    @staticmethod
    def _result_of(waiter: _Waiter) -> dict[str, Any]:
        if waiter.error is not None:
            raise waiter.error
        assert waiter.response is not None
        return waiter.response

    # -- the CLI's requests ----------------------------------------------------------

    async def _serve(self, event: IncomingRequest, scope: anyio.CancelScope) -> None:
        _IN_HANDLER.set(True)  # this task's context only
        try:
            with scope:
                try:
                    response = await self._answer(event)
                except Refused as exc:
                    data = self._conn.send_error(event.request_id, str(exc))
                except Exception as exc:  # the user's callback failed: tell the CLI, log here
                    data = self._failed(event, exc)
                else:
                    try:
                        data = self._conn.send_response(event.request_id, response)
                    except LocalProtocolError as exc:
                        # The callback returned what cannot be sent (an object
                        # in updated_input, NaN): a failure of the callback,
                        # not of the session; the CLI still gets an answer.
                        data = self._failed(event, exc)
                try:
                    await self._write(data)
                except CLIConnectionError:
                    # The CLI is gone; reading its output reports why, better than this.
                    log.debug(
                        "could not answer request %s: the CLI's input is closed", event.request_id
                    )
            if scope.cancelled_caught:
                log.debug("the CLI cancelled its request %s", event.request_id)
        finally:
            self._handlers.pop(event.request_id, None)
            if event.request_id in self._local_handlers:
                self._local_handlers.discard(event.request_id)
            else:
                self._wake_reader()
            self.notify()

    def _failed(self, event: IncomingRequest, exc: Exception) -> bytes:
        """The answer to a request whose callback failed: a denial for a guard
        (see :meth:`Callbacks.failure_answer`), an error answer otherwise;
        logged with the exception either way."""
        if self._conn.our_state is OurState.CLOSED:
            log.debug("could not answer request %s: stdin is closed", event.request_id)
            return b""
        reason = f"{type(exc).__name__}: {exc}"
        kind = type(event).__name__
        answer = self._callbacks.failure_answer(event, reason)
        if answer is None:
            log.error("handling the CLI's %s request failed: %s", kind, reason, exc_info=exc)
            return self._conn.send_error(event.request_id, reason)
        log.error(
            "handling the CLI's %s request failed, so the tool is denied: %s",
            kind,
            reason,
            exc_info=exc,
        )
        return self._conn.send_response(event.request_id, answer)

    async def _answer(self, event: IncomingRequest) -> dict[str, Any]:
        if isinstance(event, CanUseToolRequest):
            return await self._callbacks.can_use_tool(event)
        if isinstance(event, HookCallbackRequest):
            return await self._callbacks.hook(event)
        if isinstance(event, McpMessageRequest):
            return await self._mcp_message(event)
        if isinstance(event, ElicitationRequest):
            return await self._callbacks.elicitation(event)
        if isinstance(event, UserDialogRequest):
            return await self._callbacks.user_dialog(event)
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
            servers = self._options.mcp_servers
            if not isinstance(servers, dict):
                return None
            instances = {
                name: dict(config)["instance"]
                for name, config in servers.items()
                if config.get("type") == "sdk" and "instance" in config
            }
            if not instances:
                return None
            from ccsdk.runtime._mcp_bridge import SdkMcpBridge

            self._bridge = SdkMcpBridge(instances, notify=self.send_mcp_notification)
        return self._bridge

    def add_sdk_mcp_servers(self, instances: dict[str, Any]) -> None:
        """Serve more in-process MCP servers (``set_mcp_servers``), by name."""
        if not instances:
            return
        bridge = self._mcp_bridge()
        if bridge is None:
            from ccsdk.runtime._mcp_bridge import SdkMcpBridge

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
        await self.request(McpMessage(server_name, message), self._options.control_timeout)

    # -- lifecycle ----------------------------------------------------------------------

    async def connect(self) -> None:
        """Start the transport and complete ``initialize``, serving the CLI meanwhile."""
        self._callbacks.warn_if_unreachable()
        await self._load_from_store()
        await self._transport.connect()
        try:
            waiter = await self._send_request(
                initialize_model(self._options, self._callbacks.hooks_for_initialize())
            )
        except CLIConnectionError:
            # It died before reading anything (a bad flag, a wrapper that
            # cannot reach its host): its exit code and stderr say why.
            with anyio.move_on_after(self._options.close_timeout):
                await self._transport.wait_exit()
            raise
        timeout = self._options.initialize_timeout
        with anyio.move_on_after(timeout) as scope:
            await self.read_until(waiter.done.is_set)
        if scope.cancelled_caught:
            raise ControlTimeoutError("initialize", timeout)
        if not waiter.done.is_set() or isinstance(waiter.error, ConnectionClosedError):
            # The output ended first: the exit code and stderr say why.
            await self._transport.wait_exit()
            raise CLIConnectionError("the CLI's output ended before it answered initialize")
        info = self._result_of(waiter)
        version = info.get("claude_code_version")
        if isinstance(version, str):
            check_version(version)
        else:
            log.warning("the CLI did not report its version; it may be too old for ccsdk")
        check_answer(self._options, info)
        self._server_info = info

    async def _load_from_store(self) -> None:
        """Resume or continue from ``options.session_store``: load the session
        into a temporary config directory and start the CLI there."""
        options = self._options
        store = getattr(options, "session_store", None)
        if store is None or (options.resume is None and not options.continue_conversation):
            return
        from ccsdk.runtime._mirror import materialize  # only with a store (see __init__)

        loaded = await materialize(
            store,
            cwd=options.cwd,
            resume=options.resume,
            continue_conversation=options.continue_conversation,
            env=options.env,
            load_timeout_ms=getattr(options, "load_timeout_ms", 60_000),
        )
        if loaded is None:
            return  # nothing stored: the CLI starts as it would without a store
        self._materialized = loaded
        options = dataclasses.replace(
            options,
            env={**options.env, "CLAUDE_CONFIG_DIR": loaded.config_dir},
            resume=loaded.session_id,
            continue_conversation=False,
        )
        self._options = options
        if isinstance(self._transport, SubprocessCLITransport):
            self._transport.options = options
        else:
            log.warning(
                "%s: resuming from a session store needs CLAUDE_CONFIG_DIR=%s "
                "in the CLI's environment; a custom transport must set it",
                type(self._transport).__name__,
                loaded.config_dir,
            )
        if self._mirror is not None:
            self._mirror.projects_dir = os.path.join(loaded.config_dir, "projects")

    def _report_mirror_error(self, key: SessionKey | None, error: str) -> None:
        """A store append failed: a ``system/mirror_error`` message, in its place."""
        session_id = cast("dict[str, Any]", key).get("session_id", "") if key else ""
        frame: dict[str, Any] = {
            "type": "system",
            "subtype": "mirror_error",
            "error": error,
            "key": key,
            "uuid": str(uuid.uuid4()),
            "session_id": session_id,
        }
        self._outbox.append(decode_message(frame))
        self.notify()

    async def wait_exit(self) -> None:
        """After end of output: raise if the CLI failed.

        A CLI exits 1 after a run whose result was an error (an API error,
        say); that is reported as :class:`ResultError` carrying the result,
        not as an anonymous exit code. Output that ended in the middle of a
        run is an error even if the CLI exited 0, or has not exited.
        """
        try:
            await self._transport.wait_exit()
        except ProcessError as exc:
            last = self._last_result
            if last is not None and last.is_error:
                raise ResultError.from_result(encode_message(last), exc.exit_code, last) from exc
            raise
        if self._eof_mid_run:
            raise CLIConnectionError(
                "the CLI's output ended in the middle of a turn, before its result"
            )

    async def request(self, request: OurRequest, timeout: float) -> dict[str, Any]:  # noqa: ASYNC109
        """Send one of our control requests and wait (bounded) for its answer.

        Raises:
            ControlRequestError: the CLI refused it (with its ``error_code``),
                or its output ended first (:class:`ConnectionClosedError`).
            ControlTimeoutError: no answer within ``timeout`` seconds.
        """
        if self._closed or self._eof:
            raise CLIConnectionError("not connected: the session is closed")
        waiter = await self._send_request(request)
        with anyio.move_on_after(timeout) as scope:
            if _IN_HANDLER.get():
                # From a handler (a hook, a tool): the task running it reads
                # until every handler is done, so the answer gets routed;
                # reading here would wait for this very handler to finish.
                await waiter.done.wait()
            else:
                await self.wait_until(waiter.done.is_set)
        if scope.cancelled_caught:
            raise ControlTimeoutError(waiter.subtype, timeout)
        if not waiter.done.is_set():
            raise CLIConnectionError("the session was closed while waiting for an answer")
        return self._result_of(waiter)

    async def reinitialize(self, parse: Callable[[dict[str, Any]], _T]) -> _T:
        """Send the first ``initialize`` request again; the answer becomes :attr:`server_info`.

        ``parse`` reads the answer first (``ServerInfo.from_wire``): an answer
        it refuses leaves :attr:`server_info` as it was.

        Raises:
            ControlRequestError, ControlTimeoutError: as :meth:`request`;
            and whatever ``parse`` raises.
        """
        request = self._initialize_request or Initialize()
        answer = await self.request(request, self._options.control_timeout)
        parsed = parse(answer)
        self._server_info = answer
        return parsed

    async def aclose(self) -> None:
        """Tear the transport down (shielded, bounded, idempotent).

        Safe to call from any task, also while another task is reading: the
        reader is stopped first, so that only teardown touches the pipes.
        """
        with anyio.CancelScope(shield=True):
            self._closed = True
            self._requests_to_start.clear()
            for scope in self._handlers.values():
                scope.cancel()
            if self._reading_scope is not None:
                self._reading_scope.cancel()
                with anyio.move_on_after(self._options.close_timeout):
                    while self._reading:
                        await self._next_notify()
            for waiter in self._waiters.values():
                waiter.error = ConnectionClosedError(waiter.subtype)
                waiter.done.set()
            self._waiters.clear()
            self.notify()
            await self._interrupt_running_turn()
            if self._mirror is not None:
                await self._read_last_mirror_frames()
                await self._mirror.close(self._options.close_timeout)
            if self._background is not None:
                with anyio.move_on_after(self._options.close_timeout):
                    await self._background.aclose()
                self._host = None
            if self._bridge is not None:
                await self._bridge.aclose()
            await self._transport.close()
            if self._materialized is not None:
                await self._materialized.remove()
                self._materialized = None

    async def _read_last_mirror_frames(self) -> None:
        """With a session store: end the CLI's input and read its output to the
        end (within ``close_timeout``), so that the transcript lines it writes as
        it stops (an interrupted turn's, ``last-prompt``, ``cost-state``) are
        mirrored too. It would exit on its input's end all the same; the
        messages read here are left unread, and a CLI request is not served."""
        conn = self._conn
        if self._eof or conn.our_state is not OurState.OPEN or not self._transport.is_ready():
            return
        with anyio.move_on_after(self._options.close_timeout):
            try:
                await self.close_input()
                while not self._eof:
                    await self._read_once(None)
                    self._requests_to_start.clear()
            except ClaudeSDKError as exc:
                log.debug("reading the CLI's last output while closing: %s", exc)

    async def _interrupt_running_turn(self) -> None:
        """Closing while a turn runs: ask the CLI to stop it before stdin closes.

        Otherwise the CLI finishes the turn first (the model, the tools), and
        teardown waits out ``close_timeout`` before it signals. Interrupted, it
        sees the end of its input and exits on its own, at once. Not waited
        for: its answer would only be read to be dropped.
        """
        conn = self._conn
        if self._eof or conn.their_state is not TheirState.BUSY:
            return
        if conn.our_state is not OurState.OPEN or not self._transport.is_ready():
            return
        try:
            data = conn.send(ControlRequest(self._next_request_id(), Interrupt()))
            with anyio.move_on_after(self._options.close_timeout):
                await self._write(data)
        except ClaudeSDKError as exc:
            log.debug("could not interrupt the running turn while closing: %s", exc)


class BackgroundGroup:
    """A task group run by a task of the event loop's own, for an owner with no nursery.

    ``ClaudeSDKClient`` and ``query()`` own no task group (they must work
    from any task, and ``query()`` is an async generator), yet the CLI's
    requests must be served while nobody reads, and a callback must be able
    to outlive a read. This is the one place that holds such a task: a trio
    system task (``trio.lowlevel.spawn_system_task``) or an asyncio task,
    started by :meth:`start` with a copy of the caller's context and ended by
    :meth:`aclose`, which cancels it and waits until it has returned. It is
    started only when there is user code to serve (see
    :meth:`Engine.needs_host`), and its owner's ``aclose()`` always ends it.
    An error inside is logged, never raised into the event loop.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._scope = anyio.CancelScope()
        self._started = anyio.Event()
        self._done = anyio.Event()
        self._tg: anyio.abc.TaskGroup | None = None
        # asyncio keeps only weak references to tasks: keep it alive here.
        self._task: object = None

    @property
    def task_group(self) -> anyio.abc.TaskGroup | None:
        """The group, while it runs."""
        return self._tg

    async def start(self, work: Callable[[], Awaitable[None]] | None = None) -> None:
        """Start the group's task, and ``work()`` in the group; return once it runs."""
        context = contextvars.copy_context()
        trio = _running_trio()
        if trio is not None:
            trio.lowlevel.spawn_system_task(self._main, work, name=self._name, context=context)
        else:
            import asyncio  # loaded already on asyncio; spared a trio program

            self._task = asyncio.get_running_loop().create_task(
                self._main(work), name=self._name, context=context
            )
        await self._started.wait()

    async def _main(self, work: Callable[[], Awaitable[None]] | None) -> None:
        try:
            with self._scope:
                async with anyio.create_task_group() as tg:
                    self._tg = tg
                    self._started.set()
                    if work is None:
                        await anyio.sleep_forever()  # until aclose()
                    else:
                        # Until the work is done (a reader: the output ended);
                        # then the group ends with the handlers it runs.
                        await work()
        except Exception:
            log.exception("ccsdk's background task failed")
        finally:
            self._tg = None
            self._started.set()
            self._done.set()

    async def aclose(self) -> None:
        """Cancel the group and wait until its task has returned (idempotent)."""
        self._scope.cancel()
        if self._started.is_set():
            await self._done.wait()


def _running_trio() -> Any:
    """The trio module if this task runs on trio, else ``None``.

    Asked of trio itself (anyio has no public name for its backend, and
    sniffio is not a dependency of ours): an asyncio program never loads it.
    """
    trio = sys.modules.get("trio")
    if trio is None:
        return None
    try:
        trio.lowlevel.current_root_task()
    except RuntimeError:  # not in a trio run
        return None
    return trio


@contextmanager
def collapse_groups() -> Generator[None, None, None]:
    """Turn an exception group from our own task group into the one error in it.

    One failure reaches the user as one exception of its own type: the
    first ccsdk error in the group if there is one, else the first error.
    A ``KeyboardInterrupt`` (or ``SystemExit``) comes before any error: one
    Ctrl-C reaches the user as one plain ``KeyboardInterrupt``, as it does
    on asyncio (trio delivers it into whichever task runs, here one inside
    our task group).
    """
    try:
        yield
    except BaseExceptionGroup as group:
        every = list(_leaves(group))
        stop = next((e for e in every if isinstance(e, (KeyboardInterrupt, SystemExit))), None)
        if stop is not None:
            raise stop from None
        leaves = [e for e in every if isinstance(e, Exception)]
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
