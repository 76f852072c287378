"""The FakeModel's HTTP server: Messages API answers as SSE, on a thread.

Why a thread and the stdlib HTTP server rather than an async server: the
SDK under test is async and runs on trio *or* asyncio. A fake that lived
on the event loop under test would share its fate (a cancelled or blocked
loop would also stop the model) and would have to be written once per
loop. A plain thread is independent of whichever loop (or none) the test
uses, so the fake behaves the same from trio, asyncio and sync code.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import math
import select
import socket
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, cast

from ccsdk.testing._script import dumps

__all__ = [
    "REDACTED",
    "REDACTED_HEADERS",
    "STREAM_ERROR",
    "Answer",
    "Closing",
    "Handler",
    "Server",
    "estimate_tokens",
    "sse",
]


#: Headers whose values are secrets; they are replaced in the records so a
#: test log can be printed or stored without leaking a real key by mistake.
REDACTED_HEADERS: Final = frozenset({"x-api-key", "authorization", "proxy-authorization"})
REDACTED: Final = "<redacted>"

_ERROR_TYPES: Final[Mapping[int, str]] = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


# --------------------------------------------------------------------------
# Wire format
# --------------------------------------------------------------------------


def sse(event: str, data: Mapping[str, Any]) -> bytes:
    return f"event: {event}\ndata: {dumps(data)}\n\n".encode()


def _chunks(value: str, size: int) -> Iterator[str]:
    if not value:
        return
    for start in range(0, len(value), size):
        yield value[start : start + size]


def estimate_tokens(value: str) -> int:
    """A rough, deterministic token count (4 characters a token, at least 1)."""
    return max(1, math.ceil(len(value) / 4))


@dataclass(frozen=True, slots=True)
class Answer:
    """A turn resolved for one request: ids assigned, model and usage fixed."""

    message_id: str
    model: str
    blocks: tuple[dict[str, Any], ...]
    stop_reason: str
    usage: dict[str, int]

    def message(self) -> dict[str, Any]:
        return {
            "id": self.message_id,
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": list(self.blocks),
            "stop_reason": self.stop_reason,
            "stop_sequence": None,
            "usage": dict(self.usage),
        }

    def sse_events(self, chunk_size: int) -> list[tuple[bytes, bool]]:
        """The SSE events of the streamed answer, each flagged "is a delta".

        Delays are applied before deltas only, so a slow stream starts at
        once (the CLI sees ``message_start`` immediately, as with the API).
        """
        start_usage = dict(self.usage)
        start_usage["output_tokens"] = 1
        head: dict[str, Any] = {
            **self.message(),
            "content": [],
            "stop_reason": None,
            "usage": start_usage,
        }
        events: list[tuple[bytes, bool]] = [
            (sse("message_start", {"type": "message_start", "message": head}), False),
            (sse("ping", {"type": "ping"}), False),
        ]
        for index, block in enumerate(self.blocks):
            kind = block["type"]
            if kind == "text":
                start: dict[str, Any] = {"type": "text", "text": ""}
                deltas = [
                    {"type": "text_delta", "text": c} for c in _chunks(block["text"], chunk_size)
                ]
            elif kind == "thinking":
                start = {"type": "thinking", "thinking": "", "signature": ""}
                deltas = [
                    {"type": "thinking_delta", "thinking": c}
                    for c in _chunks(block["thinking"], chunk_size)
                ]
                deltas.append({"type": "signature_delta", "signature": block["signature"]})
            elif kind in ("tool_use", "server_tool_use"):
                start = {**block, "input": {}}
                deltas = [
                    {"type": "input_json_delta", "partial_json": c}
                    for c in _chunks(dumps(block["input"]), chunk_size)
                ]
            else:  # a raw block the API sends whole (web_search_tool_result, ...)
                start, deltas = dict(block), []
            events.append(
                (
                    sse(
                        "content_block_start",
                        {"type": "content_block_start", "index": index, "content_block": start},
                    ),
                    False,
                )
            )
            events.extend(
                (
                    sse(
                        "content_block_delta",
                        {"type": "content_block_delta", "index": index, "delta": delta},
                    ),
                    True,
                )
                for delta in deltas
            )
            events.append(
                (sse("content_block_stop", {"type": "content_block_stop", "index": index}), False)
            )
        events.append(
            (
                sse(
                    "message_delta",
                    {
                        "type": "message_delta",
                        "delta": {"stop_reason": self.stop_reason, "stop_sequence": None},
                        "usage": dict(self.usage),
                    },
                ),
                False,
            )
        )
        events.append((sse("message_stop", {"type": "message_stop"}), False))
        return events


def _error_body(status: int, message: str, error_type: str | None, request_id: str) -> bytes:
    kind = error_type or _ERROR_TYPES.get(
        status, "api_error" if status >= 500 else "invalid_request_error"
    )
    return dumps(
        {"type": "error", "error": {"type": kind, "message": message}, "request_id": request_id}
    ).encode()


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------


class Server(http.server.ThreadingHTTPServer):
    """A ThreadingHTTPServer that knows its model and its open connections.

    Handler threads are joined by ``server_close`` (``block_on_close``), so
    :meth:`FakeModel.close` leaves no thread behind.  Keep-alive connections
    would hold their threads in a blocking read for as long as the CLI keeps
    them open, so ``close`` shuts those sockets down first.
    """

    daemon_threads = False
    block_on_close = True
    allow_reuse_address = False
    # The default backlog of 5 makes a burst of connections wait for a
    # SYN retry (a full second); tests that fan out should not pay that.
    request_queue_size = 128

    def __init__(self, serve: Callable[[Handler, Any], None]) -> None:
        #: FakeModel._serve: records one request and answers it.
        self.serve: Final = serve
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when the client hangs up; report real bugs as usual."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    # -- plumbing -----------------------------------------------------------

    @property
    def fake_server(self) -> Server:
        # typeshed types the handler's server as a BaseServer; it is always a Server.
        return cast(Server, self.server)

    def setup(self) -> None:
        super().setup()
        server = self.fake_server
        with server.connections_lock:
            server.connections.add(self.connection)

    def finish(self) -> None:
        server = self.fake_server
        with server.connections_lock:
            server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: a test's output should show the test, not access logs."""

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(parts)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self) -> None:
        raw = self._read_body() if self.command != "HEAD" else b""
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        self.fake_server.serve(self, body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _handle

    # -- responses ----------------------------------------------------------

    def send_bytes(
        self,
        status: int,
        payload: bytes,
        content_type: str,
        request_id: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        if request_id is not None:
            self.send_header("request-id", request_id)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def send_json(
        self,
        status: int,
        value: Any,
        request_id: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.send_bytes(status, dumps(value).encode(), "application/json", request_id, headers)

    def send_error_json(
        self,
        status: int,
        message: str,
        error_type: str | None,
        request_id: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """An error in the API's shape; the CLI shows ``message`` to the user."""
        self.send_bytes(
            status,
            _error_body(status, message, error_type, request_id),
            "application/json",
            request_id,
            headers,
        )

    def start_stream(self, request_id: str, headers: Mapping[str, str] | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("request-id", request_id)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()

    def write_chunk(self, data: bytes) -> None:
        """Write one HTTP/1.1 chunk (an empty ``data`` ends the body)."""
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def peer_closed(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s; true as soon as the client hangs up.

        A write to a socket the peer has closed often succeeds (the kernel
        buffers it), so waiting for EOF is how a hang-up is noticed promptly
        during a slow stream, rather than a chunk or two later.
        """
        try:
            readable, _, _ = select.select([self.connection], [], [], timeout)
            if not readable:
                return False
            return bool(self.connection.recv(1, socket.MSG_PEEK) == b"")
        except (OSError, ValueError):
            return True


class Closing(Exception):
    """Raised in a handler thread to abandon a slow stream when the fake closes."""


#: The payload of the scripted mid-stream ``event: error``.
STREAM_ERROR: Final[Mapping[str, Any]] = {
    "type": "error",
    "error": {"type": "api_error", "message": "FakeModel: scripted stream error"},
}
