"""The ``Transport`` interface: how ccsdk reaches a CLI.

The seed's interface is kept as it is (``connect``, ``write``,
``read_messages``, ``end_input``, ``close``, ``is_ready``). ccsdk itself
speaks bytes: :class:`ByteTransport` adds ``send_bytes`` and
``receive_bytes`` and derives the seed's methods from them, so the sans-IO
:class:`~ccsdk.protocol.Connection` does the framing once, in one place.
``query()`` and the clients need a ``ByteTransport``: a transport with only
the seed's ``read_messages()`` generator is refused with a ``TypeError``,
because cancelling a pending read of a generator ends it, and ccsdk reads in
task groups that close between messages.

Contract for every transport: ``close()`` is called inside a shielded
cancel scope, so it must bound its own waits; it must be idempotent.

A ``ByteTransport`` may also have work to do beside the reading (the
subprocess transport drains stderr and watches for the CLI's exit) and a way
to stop its peer at once. The runtime asks through three hooks with no-op
defaults, :meth:`~ByteTransport.has_side_work`,
:meth:`~ByteTransport.start_side_work` and :meth:`~ByteTransport.kill_now`,
so that a transport of the user's takes part exactly as the built-in one does
and the runtime never needs to know which transport it holds.
"""

from __future__ import annotations

import json
import signal
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from typing import Any

import anyio
import anyio.abc

from ccsdk._errors import CLIConnectionError
from ccsdk.protocol.framing import DEFAULT_MAX_LINE_BYTES, LineBuffer

__all__ = ["ByteTransport", "StreamTransport", "Transport"]


class Transport(ABC):
    """The seed's transport interface (``claude_code_sdk.Transport``)."""

    @abstractmethod
    async def connect(self) -> None:
        """Start the process or open the connection."""

    @abstractmethod
    async def write(self, data: str) -> None:
        """Write raw text, normally one JSON object and a newline."""

    @abstractmethod
    def read_messages(self) -> AsyncIterator[dict[str, Any]]:
        """The CLI's output, one decoded JSON object at a time."""

    @abstractmethod
    async def end_input(self) -> None:
        """Close the CLI's input: it finishes its work and exits."""

    @abstractmethod
    async def close(self) -> None:
        """Tear down, bounded and idempotent (called under a shield)."""

    @abstractmethod
    def is_ready(self) -> bool:
        """Whether ``write`` may be called."""

    async def wait_exit(self) -> None:  # noqa: B027  (optional, with a default)
        """After end of output: wait for the peer to finish; raise if it failed.

        The default does nothing; the subprocess transport raises
        :class:`~ccsdk._errors.ProcessError` for a non-zero exit.
        """


class ByteTransport(Transport):
    """A transport that moves bytes; what ccsdk's runtime uses directly."""

    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES

    @abstractmethod
    async def send_bytes(self, data: bytes) -> None:
        """Write bytes to the CLI's input."""

    @abstractmethod
    async def receive_bytes(self) -> bytes:
        """Read some bytes of the CLI's output; ``b""`` at its end."""

    async def write(self, data: str) -> None:
        await self.send_bytes(data.encode("utf-8"))

    async def read_messages(self) -> AsyncIterator[dict[str, Any]]:
        lines = LineBuffer(self.max_line_bytes)
        while True:
            data = await self.receive_bytes()
            found = lines.feed(data) if data else [lines.take_tail()]
            for line in found:
                if line.strip():
                    yield json.loads(line)
            if not data:
                return

    # -- hooks for the runtime (no-op defaults) -------------------------------

    def has_side_work(self) -> bool:
        """Whether :meth:`start_side_work` has anything left to start.

        The runtime reads with no task group while output flows, and opens
        one (to run the side work) only when this says there is some, or a
        read waits longer than a moment. The default: no side work.
        """
        return False

    def start_side_work(self, task_group: anyio.abc.TaskGroup) -> None:
        """Start the work that must run while the CLI is read, in ``task_group``.

        Called whenever the runtime opens a task group to read in; the tasks
        must be safe to cancel (the group closes when the read it serves is
        over) and to start again next time. The subprocess transport drains
        stderr here (a CLI blocked on a full pipe never writes stdout) and
        watches for the exit. The default starts nothing.
        """

    def kill_now(self, sig: signal.Signals = signal.SIGKILL) -> bool:
        """Stop the peer at once, awaiting nothing; whether there was one to stop.

        For a finaliser (a session garbage-collected with its CLI running),
        where no event loop can be used, and for a second Ctrl-C. The
        default has no peer of its own to stop: it does nothing and returns
        ``False``.
        """
        return False


class StreamTransport(ByteTransport):
    """A transport over an already-open pair of byte streams.

    Tests use it with in-memory streams and a scripted fake CLI; it is also
    the base for running the CLI somewhere else (a container, ssh): supply
    the streams, and ccsdk does the rest.
    """

    def __init__(
        self,
        send_stream: anyio.abc.ByteSendStream,
        receive_stream: anyio.abc.ByteReceiveStream,
        *,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        close_timeout: float = 5.0,
    ) -> None:
        self._send = send_stream
        self._receive = receive_stream
        self.max_line_bytes = max_line_bytes
        #: How long :meth:`close` may take (the options' default ``close_timeout``).
        self.close_timeout = close_timeout
        self._input_open = True
        self._closed = False

    async def connect(self) -> None:
        pass

    def is_ready(self) -> bool:
        return self._input_open and not self._closed

    async def send_bytes(self, data: bytes) -> None:
        if not self.is_ready():
            raise CLIConnectionError("the transport's input is closed")
        try:
            await self._send.send(data)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError) as exc:
            raise CLIConnectionError(f"the CLI's input is gone: {exc!r}") from exc

    async def receive_bytes(self) -> bytes:
        try:
            return await self._receive.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError, anyio.BrokenResourceError):
            return b""

    async def end_input(self) -> None:
        if self._input_open:
            self._input_open = False
            await self._send.aclose()

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with anyio.move_on_after(self.close_timeout):
            await self.end_input()
            await self._receive.aclose()
