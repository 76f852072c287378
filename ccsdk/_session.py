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
  any task, which the official SDK gets wrong. With callbacks, hooks or
  in-process MCP servers, it also holds a reader in the engine's background
  group (:meth:`Session._serve_in_background`), which ``aclose()`` ends.

Either way, the CLI's requests are served beside the messages: a callback
that takes its time holds back no message.

Messages are iterated with plain async iterators, not async generators, so
abandoning a loop halfway leaves nothing to finalise.
"""

from __future__ import annotations

import logging
import signal
import warnings
from collections.abc import AsyncGenerator, AsyncIterable, Mapping
from contextlib import asynccontextmanager
from functools import partial
from typing import TYPE_CHECKING, Any, cast

import anyio
import anyio.abc

from ccsdk._control_results import McpSetServersResult, RewindFilesResult
from ccsdk._errors import (
    ClaudeSDKError,
    CLIConnectionError,
    CLIJSONDecodeError,
    LocalProtocolError,
    MessageParseError,
)
from ccsdk._option_checks import THINKING_DISPLAYS as _THINKING_DISPLAYS
from ccsdk._options import ClaudeAgentOptions, ClaudeCodeOptions
from ccsdk._server_info import AccountInfo, AgentInfo, ModelInfo, ServerInfo, SlashCommand
from ccsdk.protocol.control import (
    GetContextUsage,
    Interrupt,
    McpReconnect,
    McpSetServers,
    McpStatus,
    McpToggle,
    OtherRequest,
    OurRequest,
    RewindFiles,
    SetMaxThinkingTokens,
    SetModel,
    SetPermissionMode,
    StopTask,
)
from ccsdk.protocol.messages import Message, ResultMessage
from ccsdk.runtime._engine import Engine, collapse_groups

if TYPE_CHECKING:
    from ccsdk._config_types import McpServerConfig, PermissionMode, ThinkingDisplay
    from ccsdk.runtime._transport import ByteTransport, Transport

__all__ = ["MessageIterator", "Session", "connect_session", "open_session"]

log = logging.getLogger("ccsdk")


class Session:
    """One running CLI, many turns. Make one with :func:`open_session`."""

    def __init__(
        self,
        options: ClaudeAgentOptions | ClaudeCodeOptions | None = None,
        *,
        transport: Transport | None = None,
    ) -> None:
        self.options = options if options is not None else ClaudeAgentOptions()
        self._engine = Engine(self.options, transport)
        self._receiving = False
        self._exit_checked = False
        self._connected = False
        self._closed = False
        self._reader_scope: anyio.CancelScope | None = None
        self._reader_done: anyio.Event | None = None
        # Messages of a turn the caller cancelled: dropped up to its result.
        self._discard_until_result = False
        # The typed view of the initialize answer, and the dict it was read from.
        self._info: tuple[dict[str, Any], ServerInfo] | None = None
        # Held by open_session / connect_session: a reader task in a nursery.
        self._nursery_held = False
        # aclose() came while a turn ran: the next receive raises (once)
        # instead of ending as if the output had ended.
        self._closed_mid_turn = False

    # -- lifecycle -------------------------------------------------------------------

    async def connect(self) -> None:
        """Start the CLI and finish the ``initialize`` handshake."""
        if self._connected or self._closed:
            raise CLIConnectionError("this session is already connected (or closed)")
        self._connected = True
        await self._engine.connect()

    async def _serve(
        self, nursery: anyio.abc.TaskGroup, *, task_status: anyio.abc.TaskStatus[None]
    ) -> None:
        """The reader task of a nursery-held session; the CLI's requests are
        served in ``nursery`` beside it, so no read waits for a callback."""
        self._nursery_held = True
        self._reader_done = anyio.Event()
        self._engine.lend_host(nursery)
        self._engine.bound_inbox()
        try:
            with anyio.CancelScope() as scope:
                self._reader_scope = scope
                await self.connect()
                task_status.started()
                await self._read_all()
        finally:
            self._reader_done.set()

    async def _serve_in_background(self) -> None:
        """Serve the CLI from a background reader if it can call the user's code.

        For a session held with no nursery (``ClaudeSDKClient``): when
        callbacks, hooks or in-process MCP servers are configured, a reader
        runs in the engine's background group (see
        :meth:`Engine.start_background`) so that the CLI's requests are
        served while no task waits on the session; otherwise the session
        stays task-free and is read by whichever call waits on it.
        ``aclose()`` ends the reader, from any task.
        """
        engine = self._engine
        if self._nursery_held or self._closed or not engine.needs_host():
            return
        engine.bound_inbox()
        # The reader holds the engine, not this session: a client dropped
        # without disconnect() is still garbage-collected (its CLI killed, see
        # __del__), and the reader then ends with the CLI's output.
        await engine.start_background(partial(_read_all, engine), name="ccsdk session reader")

    async def _read_all(self) -> None:
        await _read_all(self._engine)

    async def aclose(self) -> None:
        """Stop the CLI (bounded, shielded). Idempotent; safe from any task."""
        if self._closed:
            return
        self._closed_mid_turn = self._connected and self._engine.turn_running
        self._closed = True
        with anyio.CancelScope(shield=True):
            if self._reader_scope is not None and self._reader_done is not None:
                self._reader_scope.cancel()
                with anyio.move_on_after(self.options.close_timeout):
                    await self._reader_done.wait()
            await self._engine.aclose()

    def __del__(self, _warn: Any = warnings.warn) -> None:
        engine: Engine | None = getattr(self, "_engine", None)  # None: __init__ failed
        if engine is None or self._closed:
            return
        # The transport stops its CLI if it has one running (a transport with
        # no process of its own has nothing to stop, and says so), then we warn.
        if engine.transport.kill_now(signal.SIGKILL):
            _warn(
                f"Session {self!r} was garbage-collected with its CLI still running "
                "(now killed); close it with aclose() or 'async with'",
                ResourceWarning,
                source=self,
            )

    # -- facts --------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether :meth:`aclose` has been called."""
        return self._closed

    @property
    def server_info(self) -> dict[str, Any] | None:
        """The CLI's answer to ``initialize`` (commands, models, account, ...)."""
        return self._engine.server_info

    @property
    def transport(self) -> ByteTransport:
        """What this session reaches its CLI through."""
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
            await engine.send_user_text(prompt, session_id=session_id)
            return
        async for message in prompt:
            if message.get("type") == "user" and "session_id" not in message:
                message = {**message, "session_id": session_id}
            await engine.send_input(message)

    def _check_open(self) -> Engine:
        if not self._connected:
            raise CLIConnectionError("Not connected. Call connect() first.")
        if self._closed:
            raise CLIConnectionError("the session is closed")
        engine = self._engine
        if not engine.accepts_input:
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
        while True:
            # Errors come out of the engine's outbox in their place among the
            # messages (a bad line), or once it is empty (the reader task's end).
            message = engine.take_message()
            if message is not None:
                if self._discard_until_result:
                    if isinstance(message, ResultMessage):
                        self._discard_until_result = False
                    log.debug("dropping a message of the cancelled turn: %r", message)
                    continue
                return message
            if self._closed:
                if self._closed_mid_turn:
                    # A turn never ends silently: a loop waiting for its
                    # result learns that it will not come, and why.
                    self._closed_mid_turn = False
                    raise CLIConnectionError(
                        "the session was closed (disconnect() / aclose()) in the middle "
                        "of a turn, before its result"
                    )
                return None
            if engine.output_ended:
                if not self._exit_checked:
                    self._exit_checked = True
                    await engine.wait_exit()
                return None
            try:
                await engine.wait_until(engine.has_output)
            except ClaudeSDKError as exc:
                engine.defer_error(exc)  # the messages read before it come first

    async def _abandon_turn(self) -> None:
        """The caller was cancelled mid-turn: interrupt it and skip its rest."""
        if self._closed or not self._engine.turn_running:
            return
        engine = self._engine
        with anyio.CancelScope(shield=True), anyio.move_on_after(self.options.control_timeout):
            self._discard_until_result = True
            try:
                await engine.request(Interrupt(), self.options.control_timeout)
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
        return await self._request(OtherRequest(subtype, fields))

    async def _request(self, request: OurRequest) -> dict[str, Any]:
        """One of our typed requests; the CLI's answer, or a typed error."""
        engine = self._check_open()
        return await engine.request(request, self.options.control_timeout)

    async def interrupt(self) -> None:
        """Stop the running turn; it ends with ``error_during_execution``."""
        await self._request(Interrupt())

    async def set_permission_mode(self, mode: PermissionMode) -> str | None:
        """Change the permission mode; the mode now in effect, as the CLI answers it.

        The official method returns ``None``; the CLI (2.1.331) answers with
        ``{"mode": ...}``, which can differ from what was asked (a mode the
        settings forbid). ``None`` when the CLI's answer names no mode.
        """
        answer = await self._request(SetPermissionMode(mode))
        in_effect = answer.get("mode")
        return in_effect if isinstance(in_effect, str) else None

    async def set_model(self, model: str | None = None) -> None:
        """Switch the model for the next turns (``None``: the CLI's default)."""
        await self._request(SetModel(model))

    async def mcp_status(self) -> dict[str, Any]:
        """The MCP servers the CLI knows and their state."""
        return await self._request(McpStatus())

    async def get_context_usage(self) -> dict[str, Any]:
        """How the context window is used, by category."""
        return await self._request(GetContextUsage())

    async def rewind_files(
        self, user_message_id: str, *, dry_run: bool = False
    ) -> RewindFilesResult:
        """Restore the files the turns since ``user_message_id`` changed.

        ``user_message_id`` is the ``uuid`` of a user message: one you set on
        the input line, or a replayed user message's ``uuid``. The CLI keeps
        checkpoints only with ``CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING=true``
        in ``options.env``. ``dry_run`` reports what would change and changes
        nothing.

        Raises:
            ControlRequestError: a real rewind the CLI cannot do ("File
                rewinding is not enabled.", "No file checkpoint found for
                this message."); a dry run reports that in the result instead.
            TypeError, ValueError: ``user_message_id`` is not a non-empty str.
        """
        _name(user_message_id, "user_message_id")
        answer = await self._request(RewindFiles(user_message_id, _flag(dry_run, "dry_run")))
        return RewindFilesResult.from_wire(answer)

    async def reconnect_mcp_server(self, server_name: str) -> None:
        """Reconnect an MCP server the CLI runs (stdio, HTTP, ...).

        Raises:
            ControlRequestError: CLI 2.1.331 refuses an unknown name ("Server
                not found: <name>"), a disabled server ("... is disabled"), and
                an in-process server ("SDK servers should be handled in print.ts").
        """
        await self._request(McpReconnect(_name(server_name, "server_name")))

    async def toggle_mcp_server(self, server_name: str, enabled: bool) -> None:
        """Disable an MCP server (its tools leave the session) or enable it again.

        Raises:
            ControlRequestError: an unknown name ("Server not found: <name>").
            TypeError: ``enabled`` is not a bool.
        """
        await self._request(McpToggle(_name(server_name, "server_name"), _flag(enabled, "enabled")))

    async def set_mcp_servers(self, servers: Mapping[str, McpServerConfig]) -> McpSetServersResult:
        """Replace the MCP servers added at run time (``mcp_servers`` included) with ``servers``.

        Servers missing from ``servers`` are removed, new ones added; the
        result says which. In-process servers
        (:func:`~ccsdk.create_sdk_mcp_server`) are served by this session,
        and the CLI is told only ``{"type": "sdk", "name": ...}``.

        Raises:
            TypeError: ``servers`` is not a mapping of names to config dicts.
        """
        given = cast(object, servers)  # checked: callers are not always type-checked
        if not isinstance(given, Mapping):
            raise TypeError(f"servers must be a dict of name -> config, not {type(given).__name__}")
        wire: dict[str, Any] = {}
        instances: dict[str, Any] = {}
        for key, value in cast("Mapping[object, object]", given).items():
            name = _name(key, "a server name")
            if not isinstance(value, Mapping):
                raise TypeError(
                    f"servers[{name!r}] must be a config dict, not {type(value).__name__}"
                )
            config = dict(cast("Mapping[str, Any]", value))
            if config.get("type") == "sdk" and "instance" in config:
                # The server object stays here; the CLI reaches it by `name`.
                instances[name] = config.pop("instance")
                config.setdefault("name", name)
            wire[name] = config
        engine = self._check_open()
        engine.add_sdk_mcp_servers(instances)  # before the CLI's first mcp_message for them
        if instances:
            await self._serve_in_background()
        return McpSetServersResult.from_wire(await self._request(McpSetServers(wire)))

    async def send_mcp_notification(
        self, server_name: str, method: str, params: Mapping[str, Any] | None = None
    ) -> None:
        """Send a notification to the CLI as in-process MCP server ``server_name``.

        The way to say that a server's tools changed from outside a request
        handler: ``send_mcp_notification("calc", "notifications/tools/list_changed")``
        makes the CLI list the server's tools again, and the next model
        request carries the new list. (Inside a handler,
        ``ctx.connection.send_tool_list_changed()`` does the same.)

        Raises:
            ValueError: ``server_name`` is not one of this session's in-process servers.
        """
        engine = self._check_open()
        if not engine.serves_sdk_mcp_server(_name(server_name, "server_name")):
            raise ValueError(
                f"{server_name!r} is not an in-process MCP server of this session "
                "(a {'type': 'sdk'} entry of mcp_servers)"
            )
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": _name(method, "method")}
        if params is not None:
            message["params"] = dict(params)
        await engine.send_mcp_notification(server_name, message)

    async def stop_task(self, task_id: str) -> None:
        """Stop a background task (a subagent, a background shell) by its id.

        CLI 2.1.331 answers an unknown id with success too: nothing to stop.
        """
        await self._request(StopTask(_name(task_id, "task_id")))

    async def set_max_thinking_tokens(
        self, max_thinking_tokens: int | None, display: ThinkingDisplay | None = None
    ) -> None:
        """Bound the model's thinking for the next turns (``None``: the CLI's default).

        ``display`` (``"summarized"``, ``"omitted"``, ``"highlights"``) says
        how thinking comes back from the API.

        Raises:
            TypeError, ValueError: not an int >= 0 or None, or an unknown display.
        """
        budget = cast(object, max_thinking_tokens)
        if budget is not None:
            if isinstance(budget, bool) or not isinstance(budget, int):
                raise TypeError(f"max_thinking_tokens must be an int or None, not {budget!r}")
            if budget < 0:
                raise ValueError(f"max_thinking_tokens must be >= 0, not {budget}")
        if display is not None and display not in _THINKING_DISPLAYS:
            raise ValueError(
                f"display must be one of {', '.join(_THINKING_DISPLAYS)}, not {display!r}"
            )
        await self._request(SetMaxThinkingTokens(max_thinking_tokens, display))

    async def reinitialize(self) -> ServerInfo:
        """Send ``initialize`` again and return the fresh answer (also kept as the server info).

        The CLI answers with its current state (commands, models, ...); the
        one-time setup of the first ``initialize`` is not applied again.
        """
        engine = self._check_open()
        info = await engine.reinitialize(ServerInfo.from_wire)
        answer = engine.server_info
        assert answer is not None
        self._info = (answer, info)
        return info

    # -- the initialize answer, typed ---------------------------------------------

    async def initialization_result(self) -> ServerInfo:
        """The CLI's answer to ``initialize``, typed (see :attr:`server_info` for the dict).

        Raises:
            CLIConnectionError: not connected yet.
            MessageParseError: a field of the answer has the wrong type.
        """
        raw = self._engine.server_info
        if raw is None:
            raise CLIConnectionError("Not connected. Call connect() first.")
        if self._info is None or self._info[0] is not raw:
            self._info = (raw, ServerInfo.from_wire(raw))
        return self._info[1]

    async def supported_commands(self) -> list[SlashCommand]:
        """The slash commands and skills this session offers."""
        return (await self.initialization_result()).commands

    async def supported_models(self) -> list[ModelInfo]:
        """The models ``set_model`` accepts, with what each supports."""
        return (await self.initialization_result()).models

    async def supported_agents(self) -> list[AgentInfo]:
        """The subagents the model can hand work to."""
        return (await self.initialization_result()).agents

    async def account_info(self) -> AccountInfo:
        """Who the CLI is signed in as, and where its credential comes from."""
        return (await self.initialization_result()).account


async def _read_all(engine: Engine) -> None:
    """Read the CLI's output until it ends (a session's reader)."""
    while True:
        try:
            await engine.wait_until(lambda: False)  # until the output ends
        except (CLIJSONDecodeError, MessageParseError) as exc:
            # One bad line: it is consumed and the output goes on. The
            # receiver gets the error in its place among the messages.
            engine.defer_error(exc)
            continue
        except ClaudeSDKError as exc:
            engine.end_with_error(exc)  # fatal: every receive raises it, after the messages
        return


def _name(value: object, what: str) -> str:
    """A name the CLI needs as a non-empty string; TypeError/ValueError otherwise."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__} ({value!r})")
    if not value:
        raise ValueError(f"{what} must not be empty")
    return value


def _flag(value: object, what: str) -> bool:
    # A truthy "false" must not enable anything.
    if not isinstance(value, bool):
        raise TypeError(f"{what} must be a bool, not {type(value).__name__} ({value!r})")
    return value


class MessageIterator:
    """An async iterator over a session's messages (owns nothing, safe to abandon).

    What ``receive_messages()`` and ``receive_response()`` return, where the
    official SDK has async generators: ``async for`` and ``break`` behave the
    same, and ``aclose()`` is here so ``contextlib.aclosing`` works, but an
    abandoned iterator has nothing for the event loop to finalise later.
    ``aclose()`` only ends the iteration: unread messages stay for the next
    receive.
    """

    def __init__(self, session: Session, *, until_result: bool) -> None:
        self._session = session
        self._until_result = until_result
        self._done = False

    def __aiter__(self) -> MessageIterator:
        return self

    async def aclose(self) -> None:
        """End the iteration (idempotent); the session and its messages are untouched."""
        self._done = True

    async def __anext__(self) -> Message:
        if self._done:
            raise StopAsyncIteration
        session = self._session
        # Session's own helpers: this class and connect_session are part of it,
        # kept out of the class only to keep its public surface small.
        try:
            message = await session._next_message()  # pyright: ignore[reportPrivateUsage]
        except anyio.get_cancelled_exc_class():
            if self._until_result:
                await session._abandon_turn()  # pyright: ignore[reportPrivateUsage]
            raise
        if message is None:
            self._done = True
            raise StopAsyncIteration
        if self._until_result and isinstance(message, ResultMessage):
            self._done = True
        return message


async def connect_session(
    nursery: anyio.abc.TaskGroup,
    options: ClaudeAgentOptions | ClaudeCodeOptions | None = None,
    *,
    transport: Transport | None = None,
) -> Session:
    """Start a session whose reader task runs in ``nursery``; close it with ``aclose()``."""
    session = Session(options, transport=transport)
    try:
        await nursery.start(session._serve, nursery)  # pyright: ignore[reportPrivateUsage]
    except BaseException:
        await session.aclose()
        raise
    return session


@asynccontextmanager
async def open_session(
    options: ClaudeAgentOptions | ClaudeCodeOptions | None = None,
    *,
    transport: Transport | None = None,
) -> AsyncGenerator[Session, None]:
    """``async with open_session(options) as session:`` a session in its own nursery."""
    with collapse_groups():
        async with anyio.create_task_group() as nursery:
            session = await connect_session(nursery, options, transport=transport)
            try:
                yield session
            finally:
                await session.aclose()
