"""``ClaudeSDKClient``: the seed's interactive client, on a task-free session.

The API is exactly ``claude_code_sdk``'s. The difference is underneath: the
client owns no task group, so ``connect()`` and ``disconnect()`` may run in
different tasks (the official client crashes there, on asyncio and trio
alike), and nothing leaks when a client is dropped. The CLI is read by
whichever call is waiting on it. For a reader that serves the CLI while you
read nothing, use :func:`ccsdk.open_session`.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ccsdk.errors import CLIConnectionError
from ccsdk.options import ClaudeCodeOptions
from ccsdk.protocol.messages import Message
from ccsdk.session import MessageIterator, Session

if TYPE_CHECKING:
    from ccsdk.runtime.transport import Transport
    from ccsdk.types import PermissionMode

__all__ = ["ClaudeSDKClient"]


class ClaudeSDKClient:
    """Client for bidirectional, interactive conversations with Claude Code.

    Send at any time, read the answers, interrupt, switch model or
    permission mode; the conversation keeps its context across turns.
    """

    def __init__(
        self, options: ClaudeCodeOptions | None = None, *, transport: Transport | None = None
    ) -> None:
        self.options = options if options is not None else ClaudeCodeOptions()
        self._transport = transport
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        """The underlying :class:`~ccsdk.Session` (raises if not connected)."""
        if self._session is None:
            raise CLIConnectionError("Not connected. Call connect() first.")
        return self._session

    async def connect(self, prompt: str | AsyncIterable[dict[str, Any]] | None = None) -> None:
        """Start the CLI; send ``prompt`` first if given (a string or a message stream).

        Raises:
            CLIConnectionError: already connected (a client connects once).
        """
        if self._session is not None:
            raise CLIConnectionError(
                "this client is already connected; disconnect() it or make a new one"
            )
        session = Session(self.options, transport=self._transport)
        self._session = session
        try:
            await session.connect()
            if prompt is not None:
                await session.send(prompt)
        except BaseException:
            await session.aclose()
            raise

    async def disconnect(self) -> None:
        """Stop the CLI. Idempotent, and safe from any task."""
        if self._session is not None:
            await self._session.aclose()

    async def query(
        self, prompt: str | AsyncIterable[dict[str, Any]], session_id: str = "default"
    ) -> None:
        """Send a new request; read its answer with :meth:`receive_response`."""
        await self.session.send(prompt, session_id=session_id)

    def receive_messages(self) -> AsyncIterator[Message]:
        """Every message, until the CLI's output ends."""
        return self.session.receive_messages()

    def receive_response(self) -> MessageIterator:
        """Messages up to and including the next ``ResultMessage``."""
        return self.session.receive_response()

    async def interrupt(self) -> None:
        """Interrupt the running turn."""
        await self.session.interrupt()

    async def set_permission_mode(self, mode: PermissionMode) -> None:
        await self.session.set_permission_mode(mode)

    async def set_model(self, model: str | None = None) -> None:
        await self.session.set_model(model)

    async def get_server_info(self) -> dict[str, Any] | None:
        """The CLI's ``initialize`` answer: commands, output style, models, ..."""
        return self.session.server_info

    async def __aenter__(self) -> ClaudeSDKClient:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool:
        await self.disconnect()
        return False
