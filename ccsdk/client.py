"""``ClaudeSDKClient``: the seed's interactive client, on a task-free session.

The API is exactly ``claude_code_sdk``'s. The difference is underneath: the
client owns no task group, so ``connect()`` and ``disconnect()`` may run in
different tasks (the official client crashes there, on asyncio and trio
alike), and nothing leaks when a client is dropped. The CLI is read by
whichever call is waiting on it; when callbacks, hooks or in-process MCP
servers are configured, a reader task of the event loop's own serves the
CLI while you read nothing, and ``disconnect()`` (from any task) ends it
(see ``docs/interactive-client.md``). For a reader in a task group of yours,
use :func:`ccsdk.open_session`.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from ccsdk._control_results import McpSetServersResult, RewindFilesResult
from ccsdk._errors import CLIConnectionError
from ccsdk._options import ClaudeAgentOptions, ClaudeCodeOptions
from ccsdk._server_info import AccountInfo, AgentInfo, ModelInfo, ServerInfo, SlashCommand
from ccsdk._session import MessageIterator, Session
from ccsdk.protocol.messages import Message

if TYPE_CHECKING:
    from ccsdk._config_types import McpServerConfig, PermissionMode, ThinkingDisplay
    from ccsdk.runtime._transport import Transport

__all__ = ["ClaudeSDKClient"]


class ClaudeSDKClient:
    """Client for bidirectional, interactive conversations with Claude Code.

    Send at any time, read the answers, interrupt, switch model or
    permission mode; the conversation keeps its context across turns.
    """

    def __init__(
        self,
        options: ClaudeAgentOptions | ClaudeCodeOptions | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.options = options if options is not None else ClaudeAgentOptions()
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

        After :meth:`disconnect`, ``connect()`` starts a new CLI (a new
        conversation, unless ``options`` resume one).

        Raises:
            CLIConnectionError: already connected; or reconnecting a client
                made with a ``transport`` of its own, which cannot be reused.
        """
        if self._session is not None:
            if not self._session.closed:
                raise CLIConnectionError("this client is already connected; disconnect() it first")
            if self._transport is not None:
                raise CLIConnectionError(
                    "this client was disconnected and its transport cannot be reused; "
                    "make a new ClaudeSDKClient with a new transport"
                )
        session = Session(self.options, transport=self._transport)
        self._session = session
        try:
            await session.connect()
            await session._serve_in_background()  # pyright: ignore[reportPrivateUsage]
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

    async def set_permission_mode(self, mode: PermissionMode) -> str | None:
        """Change the permission mode; the mode now in effect, as the CLI answers it."""
        return await self.session.set_permission_mode(mode)

    async def set_model(self, model: str | None = None) -> None:
        await self.session.set_model(model)

    async def get_mcp_status(self) -> dict[str, Any]:
        """The MCP servers the CLI knows and their state (``mcp_status``)."""
        return await self.session.mcp_status()

    async def get_context_usage(self) -> dict[str, Any]:
        """How the context window is used, by category (``get_context_usage``)."""
        return await self.session.get_context_usage()

    async def get_server_info(self) -> dict[str, Any] | None:
        """The CLI's ``initialize`` answer: commands, output style, models, ..."""
        return self.session.server_info

    # Control requests and the typed initialize answer: see Session for each.

    async def rewind_files(
        self, user_message_id: str, *, dry_run: bool = False
    ) -> RewindFilesResult:
        """Restore the files changed since a user message (see :meth:`Session.rewind_files`)."""
        return await self.session.rewind_files(user_message_id, dry_run=dry_run)

    async def reconnect_mcp_server(self, server_name: str) -> None:
        await self.session.reconnect_mcp_server(server_name)

    async def toggle_mcp_server(self, server_name: str, enabled: bool) -> None:
        await self.session.toggle_mcp_server(server_name, enabled)

    async def set_mcp_servers(self, servers: Mapping[str, McpServerConfig]) -> McpSetServersResult:
        return await self.session.set_mcp_servers(servers)

    async def send_mcp_notification(
        self, server_name: str, method: str, params: Mapping[str, Any] | None = None
    ) -> None:
        await self.session.send_mcp_notification(server_name, method, params)

    async def stop_task(self, task_id: str) -> None:
        await self.session.stop_task(task_id)

    async def set_max_thinking_tokens(
        self, max_thinking_tokens: int | None, display: ThinkingDisplay | None = None
    ) -> None:
        await self.session.set_max_thinking_tokens(max_thinking_tokens, display)

    async def reinitialize(self) -> ServerInfo:
        return await self.session.reinitialize()

    async def initialization_result(self) -> ServerInfo:
        """The ``initialize`` answer, typed (:meth:`get_server_info` gives the dict)."""
        return await self.session.initialization_result()

    async def supported_commands(self) -> list[SlashCommand]:
        return await self.session.supported_commands()

    async def supported_models(self) -> list[ModelInfo]:
        return await self.session.supported_models()

    async def supported_agents(self) -> list[AgentInfo]:
        return await self.session.supported_agents()

    async def account_info(self) -> AccountInfo:
        return await self.session.account_info()

    async def __aenter__(self) -> ClaudeSDKClient:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> Literal[False]:  # not bool: checkers then know no exception is swallowed
        await self.disconnect()
        return False
