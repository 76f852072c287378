"""Serve in-process MCP servers to the CLI, one tunnelled JSON-RPC message at a time.

The CLI drives an SDK server (``{"type": "sdk"}`` in ``--mcp-config``) by
sending each JSON-RPC message in an ``mcp_message`` control request; the
engine hands it to :meth:`SdkMcpBridge.handle` in a handler task of its own
and sends back the JSON-RPC response this returns. Every message gets an
answer, notifications included (``{"jsonrpc": "2.0", "result": {}}``):
unanswered, the CLI waits 30 s, re-initialises, and after 60 s marks the
server failed.

**How a message is served.** The official v2 SDK runs ``Server.run()`` in a
detached task over memory streams. ccsdk owns no long-lived task (a
:class:`~ccsdk.ClaudeSDKClient` has no task group, and detached tasks escape
structured concurrency), so the bridge instead drives mcp's per-connection
kernel directly: for each server it keeps one ``mcp.server.runner.ServerRunner``
and one ``mcp.server.connection.Connection`` (state, no tasks) and calls
``runner.on_request`` / ``runner.on_notify`` for each message, in the caller's
task, with a minimal ``DispatchContext`` of its own. So the answers are mcp's
own: the negotiated ``protocolVersion``, the capabilities derived from the
registered handlers, ``serverInfo``, ``ping``, resources and prompts when the
server defines them, METHOD_NOT_FOUND for the rest, the initialize gate.

Relied-on mcp 2.3 internals: ``ServerRunner(server, connection, lifespan_state)``
with ``on_request(dctx, method, params) -> dict`` and ``on_notify``;
``Connection.for_loop(outbound)``; ``mcp.server.runner.aclose_shielded``; the
``DispatchContext`` protocol of ``mcp.shared.dispatcher``.

**Concurrency and cancellation** come from the caller: each message runs in
the engine's handler task, so calls the CLI makes in parallel run in
parallel, and a ``control_cancel_request`` cancels that task, and with it the
tool's handler. An MCP ``notifications/cancelled`` for a request still running
cancels it too (its answer is then an error the CLI no longer waits for).

**Server notifications reach the CLI.** A notification the server sends
(``ctx.connection.send_tool_list_changed()``, a progress report, a log
message) goes to the CLI as an SDK-to-CLI ``mcp_message`` control request
(``{"subtype": "mcp_message", "server_name": ..., "message": <JSON-RPC>}``),
which CLI 2.1.331 hands to the MCP client it holds for that server and
acknowledges with an empty answer. The CLI listens for
``notifications/tools/list_changed`` only from a server whose capabilities
say ``tools.listChanged``, so the bridge announces ``listChanged`` for
tools, prompts and resources (for those the server serves); on the
notification the CLI lists the tools again and the next model request
carries the new list. A notification that cannot be delivered (the CLI is
gone, no answer in time) is logged and dropped: MCP notifications never
fail their sender.

**What a server cannot do here.** There is no channel for server-to-client
requests (sampling, elicitation, roots; refused with ``NoBackChannelError``).

**Lifespan.** A server's ``lifespan`` (when it is not mcp's do-nothing
default) is entered on the first message for that server and exited by
:meth:`SdkMcpBridge.aclose`, together with each connection's ``exit_stack``.
The two may run in different tasks, so a lifespan must not keep a task group
or cancel scope open across its ``yield``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AsyncExitStack
from typing import Any, cast

import anyio
import attrs
from mcp.server.connection import Connection
from mcp.server.lowlevel.server import NotificationOptions, Server
from mcp.server.lowlevel.server import lifespan as default_lifespan
from mcp.server.runner import ServerRunner, aclose_shielded
from mcp.shared.dispatcher import CallOptions, as_request_id, coerce_request_id
from mcp.shared.exceptions import MCPError, NoBackChannelError
from mcp.shared.message import MessageMetadata
from mcp.shared.transport_context import TransportContext
from mcp.types import INTERNAL_ERROR, INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND
from pydantic import ValidationError

from ccsdk._errors import ClaudeSDKError

__all__ = ["Notify", "SdkMcpBridge"]

#: Sends one JSON-RPC notification of the named server to the CLI.
Notify = Callable[[str, dict[str, Any]], Awaitable[None]]

log = logging.getLogger("ccsdk")

_TRANSPORT = TransportContext(kind="ccsdk-control", can_send_request=False)


def _ack() -> dict[str, Any]:
    return {"jsonrpc": "2.0", "result": {}}


def _error(request_id: Any, code: int, message: str, data: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if data is not None:
        error["data"] = data
    return {"jsonrpc": "2.0", "id": request_id, "error": error}


async def _drop(server_name: str, message: dict[str, Any]) -> None:
    log.debug("dropped the in-process MCP server %r's %s", server_name, message.get("method"))


@attrs.define
class _Outbound:
    """A server's way to the CLI: notifications forwarded, requests refused."""

    server_name: str
    forward: Notify

    async def send_raw_request(
        self,
        method: str,
        params: Mapping[str, Any] | None,
        opts: CallOptions | None = None,
    ) -> dict[str, Any]:
        raise NoBackChannelError(method)

    async def notify(
        self, method: str, params: Mapping[str, Any] | None, opts: CallOptions | None = None
    ) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = dict(params)
        try:
            await self.forward(self.server_name, message)
        except ClaudeSDKError as exc:  # a notification never fails its sender
            log.warning(
                "could not pass the in-process MCP server %r's %s to the CLI: %s",
                self.server_name,
                method,
                exc,
            )


@attrs.define
class _DispatchContext(_Outbound):
    """One inbound message's ``DispatchContext``: notifications forwarded, no requests."""

    request_id: str | int | None = None
    #: The CLI's ``params._meta.progressToken`` (it sends one with ``tools/call``).
    progress_token: str | int | None = None
    cancel_requested: anyio.Event = attrs.field(factory=anyio.Event)
    transport: TransportContext = _TRANSPORT
    message_metadata: MessageMetadata = None

    @property
    def can_send_request(self) -> bool:
        return False

    async def progress(
        self, progress: float, total: float | None = None, message: str | None = None
    ) -> None:
        if self.progress_token is None:
            return  # the CLI did not ask for progress on this request
        params: dict[str, Any] = {"progressToken": self.progress_token, "progress": progress}
        if total is not None:
            params["total"] = total
        if message is not None:
            params["message"] = message
        await self.notify("notifications/progress", params)


@attrs.define
class _Served:
    """One server's per-bridge state: its runner and connection, made on first use."""

    instance: Any
    outbound: _Outbound
    connection: Connection = attrs.field(
        default=attrs.Factory(lambda self: Connection.for_loop(self.outbound), takes_self=True)
    )
    runner: ServerRunner[Any] | None = None
    lock: anyio.Lock | None = None
    #: Requests still running, by JSON-RPC id, for ``notifications/cancelled``.
    in_flight: dict[str | int, tuple[anyio.CancelScope, _DispatchContext]] = attrs.field(
        factory=dict[str | int, tuple[anyio.CancelScope, _DispatchContext]]
    )


class SdkMcpBridge:
    """Answers the CLI's ``mcp_message`` requests for the in-process MCP servers.

    ``servers`` maps each ``mcp_servers`` key (the ``server_name`` of the
    CLI's requests) to its ``mcp.server.lowlevel.Server`` (an ``MCPServer``
    is accepted too). ``notify`` sends a server's notifications to the CLI
    (the engine's ``send_mcp_notification``); without it they are dropped.
    Call :meth:`aclose` when the session ends: it exits the servers'
    lifespans and connection cleanups. Using the bridge as an async context
    manager does that.
    """

    def __init__(self, servers: dict[str, Any], *, notify: Notify | None = None) -> None:
        self._forward: Notify = _drop if notify is None else notify
        self._served: dict[str, _Served] = {}
        self._exit_stack = AsyncExitStack()
        self._closed = False
        self.add(servers)

    def add(self, servers: dict[str, Any]) -> None:
        """Serve more servers by name; a name already served keeps its server
        unless given a different one (the old one's lifespan ends at :meth:`aclose`)."""
        for name, instance in servers.items():
            served = self._served.get(name)
            if served is None or served.instance is not instance:
                self._served[name] = _Served(instance, _Outbound(name, self._forward))

    def serves(self, name: str) -> bool:
        """Whether ``name`` is one of this bridge's servers."""
        return name in self._served

    async def __aenter__(self) -> SdkMcpBridge:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Exit the servers' lifespans and unwind their connections (idempotent).

        Shielded and bounded per connection by mcp; later messages are
        answered with an error.
        """
        if self._closed:
            return
        self._closed = True
        with anyio.CancelScope(shield=True):
            await self._exit_stack.aclose()

    async def handle(self, server_name: str, message: dict[str, Any]) -> dict[str, Any]:
        """Serve one JSON-RPC message; return the JSON-RPC response to send back.

        A notification (no ``id``) is answered ``{"jsonrpc": "2.0", "result":
        {}}``. No exception escapes: a failure is a JSON-RPC error (-32603
        for an unexpected one), except cancellation, which propagates.
        """
        request_id = message.get("id")
        is_request = request_id is not None
        served = self._served.get(server_name)
        if served is None:
            return _error(request_id, METHOD_NOT_FOUND, f"Server '{server_name}' not found")
        method = message.get("method")
        given: object = message.get("params")
        params = cast("Mapping[str, Any]", given) if isinstance(given, Mapping) else None
        if not isinstance(method, str) or (given is not None and params is None):
            if not is_request or "result" in message or "error" in message:
                # A response (we never send requests) or a malformed notification.
                log.debug("ignored an MCP message for %r: %r", server_name, message)
                return _ack()
            return _error(request_id, INVALID_REQUEST, "Invalid request")
        checked_id = as_request_id(request_id)
        if is_request and checked_id is None:
            return _error(None, INVALID_REQUEST, f"Invalid request id: {request_id!r}")
        if self._closed:
            # The lifespans have been exited: serving now would use closed resources.
            if not is_request:
                return _ack()
            return _error(request_id, INTERNAL_ERROR, "the SDK MCP bridge is closed")
        try:
            runner = await self._runner(server_name, served)
        except Exception as exc:
            log.exception("could not start the in-process MCP server %r", server_name)
            if not is_request:
                return _ack()
            return _error(request_id, INTERNAL_ERROR, f"{type(exc).__name__}: {exc}")
        if checked_id is None:
            await self._notify(served, runner, method, params)
            return _ack()
        return await self._request(served, runner, checked_id, method, params)

    async def _runner(self, server_name: str, served: _Served) -> ServerRunner[Any]:
        if served.runner is not None:
            return served.runner
        if served.lock is None:
            served.lock = anyio.Lock()
        async with served.lock:
            if self._closed:
                raise RuntimeError("the SDK MCP bridge is closed")
            if served.runner is None:
                server = _lowlevel_server(server_name, served.instance)
                state: Any = {}
                if server.lifespan is not default_lifespan:
                    state = await self._exit_stack.enter_async_context(server.lifespan(server))
                self._exit_stack.push_async_callback(aclose_shielded, served.connection)
                # Notifications reach the CLI, so the list_changed ones are announced.
                changes = NotificationOptions(
                    prompts_changed=True, resources_changed=True, tools_changed=True
                )
                served.runner = ServerRunner(
                    server,
                    served.connection,
                    state,
                    init_options=server.create_initialization_options(changes),
                )
        return served.runner

    async def _notify(
        self,
        served: _Served,
        runner: ServerRunner[Any],
        method: str,
        params: Mapping[str, Any] | None,
    ) -> None:
        if method == "notifications/cancelled":
            cancelled = as_request_id((params or {}).get("requestId"))
            if cancelled is not None and (
                entry := served.in_flight.get(coerce_request_id(cancelled))
            ):
                scope, dctx = entry
                dctx.cancel_requested.set()
                scope.cancel()
        try:
            await runner.on_notify(
                _DispatchContext(served.outbound.server_name, self._forward), method, params
            )
        except Exception:  # on_notify contains handler errors; this is belt and braces
            log.exception("the in-process MCP server failed on %s", method)

    async def _request(
        self,
        served: _Served,
        runner: ServerRunner[Any],
        request_id: str | int,
        method: str,
        params: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        meta: object = (params or {}).get("_meta")
        token = (
            cast("Mapping[str, object]", meta).get("progressToken")
            if isinstance(meta, Mapping)
            else None
        )
        dctx = _DispatchContext(
            served.outbound.server_name,
            self._forward,
            request_id,
            token if isinstance(token, str | int) and not isinstance(token, bool) else None,
        )
        scope = anyio.CancelScope()
        key = coerce_request_id(request_id)
        entry = (scope, dctx)
        served.in_flight[key] = entry
        try:
            with scope:
                result = await runner.on_request(dctx, method, params)
                return {"jsonrpc": "2.0", "id": request_id, "result": result}
            # Only notifications/cancelled cancels this scope.
            return _error(request_id, INTERNAL_ERROR, "Request cancelled by the client")
        except MCPError as exc:
            error = exc.error.model_dump(by_alias=True, mode="json", exclude_none=True)
            return {"jsonrpc": "2.0", "id": request_id, "error": error}
        except ValidationError:
            return _error(request_id, INVALID_PARAMS, "Invalid request parameters", "")
        except Exception as exc:
            log.exception("the in-process MCP server failed on %s", method)
            return _error(request_id, INTERNAL_ERROR, f"{type(exc).__name__}: {exc}")
        finally:
            if served.in_flight.get(key) is entry:
                del served.in_flight[key]


def _lowlevel_server(server_name: str, instance: Any) -> Server[Any]:
    if isinstance(instance, Server):
        return instance  # pyright: ignore[reportUnknownVariableType]
    inner = getattr(instance, "_lowlevel_server", None)  # mcp's high-level MCPServer
    if isinstance(inner, Server):
        return inner  # pyright: ignore[reportUnknownVariableType]
    raise TypeError(
        f"mcp_servers[{server_name!r}]['instance'] must be an mcp.server.lowlevel.Server "
        f"(see ccsdk.create_sdk_mcp_server), not {type(instance).__name__}"
    )
