"""A scripted fake of the Anthropic Messages API, served on 127.0.0.1.

End-to-end tests (and the offline demo) run the *real* Claude Code CLI with
``ANTHROPIC_BASE_URL`` pointed at a :class:`FakeModel`.  The CLI then talks
to this server exactly as it would talk to the API, and the test decides,
turn by turn, what "the model" answers.

Why a thread and the stdlib HTTP server rather than an async server: the
SDK under test is async and runs on trio *or* asyncio.  A fake that lived
on the event loop under test would share its fate (a cancelled or blocked
loop would also stop the model) and would have to be written once per
loop.  A plain thread is independent of whichever loop (or none) the test
uses, so the fake behaves the same from trio, asyncio and sync code.

The CLI makes more requests than the "main" ones that a script describes
(a connectivity probe, a session-title request that comes only sometimes,
a model-validation request after ``set_model``, a non-streaming retry after
a broken stream).  :func:`classify_request` tells them apart so that only
main turns (and their non-streaming fallbacks) consume the script, and
timing-dependent side requests can never shift it.  See
``/work/shared/reference/cli-protocol.md`` §6 for the observed traffic.
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import math
import select
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike, fspath
from types import TracebackType
from typing import Any, Final, Literal, TypeAlias, cast

__all__ = [
    "Block",
    "FakeModel",
    "RawBlock",
    "RecordedRequest",
    "RequestKind",
    "TextBlock",
    "ThinkingBlock",
    "ToolUseBlock",
    "Turn",
    "classify_request",
    "gateway_env",
    "raw_block",
    "text",
    "thinking",
    "tool_use",
]

RequestKind: TypeAlias = Literal[
    "probe",
    "turn",
    "fallback",
    "title",
    "validation",
    "count_tokens",
    "suggestion",
    "summary",
    "other",
]

#: The text of the answer given when a main turn arrives after the script
#: ran out.  A visible answer (rather than a hang or an HTTP error that the
#: CLI would retry or dress up) makes the failing test say what went wrong.
EXHAUSTED_TEXT: Final = "FakeModel: no scripted turn left"

#: What the session-title side request is answered with.  The CLI asks for
#: JSON matching ``{"title": string}``.
TITLE_TEXT: Final = '{"title":"Fake title"}'

#: What the prompt-suggestion side request is answered with by default
#: (``--prompt-suggestions``); the CLI sends it on as ``prompt_suggestion``.
SUGGESTION_TEXT: Final = "Run the tests"

#: What the tool-use-summary side request is answered with by default
#: (``CLAUDE_CODE_EMIT_TOOL_USE_SUMMARIES=1``); sent on as ``tool_use_summary``.
SUMMARY_TEXT: Final = "Ran the scripted tools"

#: How the CLI's prompt-suggestion request starts its last user message, and
#: what the tool-use-summary request's system prompt says.
_SUGGESTION_MARK: Final = "[SUGGESTION MODE:"
_SUMMARY_MARK: Final = "Write a short summary label"

#: Headers whose values are secrets; they are replaced in the records so a
#: test log can be printed or stored without leaking a real key by mistake.
_REDACTED_HEADERS: Final = frozenset({"x-api-key", "authorization", "proxy-authorization"})
_REDACTED: Final = "<redacted>"

#: Default number of characters per delta.  Several deltas per block (not
#: one) make partial-message consumers see the stream really being joined.
_DEFAULT_CHUNK_SIZE: Final = 64

#: Input tokens reported when a turn does not say.  A fixed small number,
#: not an estimate from the request: the CLI prices the turn from it (so
#: ``total_cost_usd`` stays the same from run to run) and tracks context use
#: with it (so a large scripted answer cannot push the CLI into a surprise
#: auto-compaction request that would eat a scripted turn).
_DEFAULT_INPUT_TOKENS: Final = 100

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
# Script: content blocks and turns
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextBlock:
    """A ``text`` content block; build it with :func:`text`."""

    text: str


@dataclass(frozen=True, slots=True)
class ThinkingBlock:
    """A ``thinking`` content block; build it with :func:`thinking`.

    The CLI sends thinking blocks back to the API on the next request, and
    the real API rejects them without a signature, so one is always sent.
    """

    thinking: str
    signature: str


@dataclass(frozen=True, slots=True)
class ToolUseBlock:
    """A ``tool_use`` content block; build it with :func:`tool_use`.

    ``id`` ``None`` means "generate one when served" (``toolu_fake_<n>``).
    """

    name: str
    input: Mapping[str, Any]
    id: str | None = None


@dataclass(frozen=True, slots=True)
class RawBlock:
    """Any other content block, sent as given; build it with :func:`raw_block`.

    For blocks the API produces itself, such as ``server_tool_use`` and
    ``web_search_tool_result``.  Streamed, a ``server_tool_use`` block's
    ``input`` arrives in ``input_json_delta`` deltas (as the API sends it);
    any other block arrives whole in its ``content_block_start``.
    """

    block: Mapping[str, Any]


Block: TypeAlias = TextBlock | ThinkingBlock | ToolUseBlock | RawBlock


def raw_block(block: Mapping[str, Any]) -> RawBlock:
    """A content block given as its API JSON (it must have a string ``type``)."""
    if not isinstance(block.get("type"), str):
        raise TypeError(f"a raw block needs a string 'type': {block!r}")
    return RawBlock(dict(block))


def text(value: str) -> TextBlock:
    """A text block that the fake model answers with."""
    return TextBlock(value)


def thinking(value: str, *, signature: str = "ZmFrZS1zaWduYXR1cmU=") -> ThinkingBlock:
    """A thinking block, streamed as ``thinking_delta`` then ``signature_delta``."""
    return ThinkingBlock(value, signature)


def tool_use(name: str, input: Mapping[str, Any], *, id: str | None = None) -> ToolUseBlock:
    """A tool call.  Without ``id`` the fake generates ``toolu_fake_<n>``.

    A turn containing a tool call gets ``stop_reason: "tool_use"`` unless it
    overrides it: that is what makes the CLI run the tool and come back.
    """
    return ToolUseBlock(name, dict(input), id)


@dataclass(frozen=True, slots=True)
class Turn:
    """One scripted answer to one main request.

    ``chunk_size``/``chunk_delay`` slow a stream down (for interrupt tests):
    text, thinking and tool input are split into deltas of ``chunk_size``
    characters with ``chunk_delay`` seconds before each delta.
    ``stream_error_after=N`` sends the first N SSE events (``message_start``
    and ``ping`` count), then an ``event: error``; the CLI answers that by
    re-sending the turn without streaming, which consumes the *next* turn.
    A non-streamed request gets the whole message regardless.

    ``usage`` entries override the defaults (100 input tokens, output
    estimated at 4 characters a token); the CLI prices ``total_cost_usd``
    from them at the rate of the model it *requested*.  ``model`` overrides
    the model name sent back (by default the requested one); the CLI shows it
    in ``assistant.message.model`` only.  Build an HTTP error answer with
    :meth:`http_error`.
    """

    blocks: Sequence[Block] = ()
    stop_reason: str | None = None
    chunk_size: int | None = None
    chunk_delay: float = 0.0
    stream_error_after: int | None = None
    usage: Mapping[str, int] | None = None
    model: str | None = None
    http_status: int | None = None
    error_message: str = ""
    error_type: str | None = None
    #: Extra HTTP response headers for this answer (also an error answer),
    #: e.g. the ``anthropic-ratelimit-unified-*`` ones the CLI reads.
    headers: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocks", tuple(self.blocks))
        for block in self.blocks:
            _check_block(block)
        if self.chunk_size is not None and self.chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        if self.chunk_delay < 0:
            raise ValueError("chunk_delay must not be negative")
        if self.stream_error_after is not None and self.stream_error_after < 0:
            raise ValueError("stream_error_after must not be negative")

    @classmethod
    def http_error(
        cls, status: int, message: str = "fake failure", *, error_type: str | None = None
    ) -> Turn:
        """An HTTP error answer, in the API's ``{"type":"error","error":{…}}`` shape.

        With ``CLAUDE_CODE_MAX_RETRIES=0`` the CLI reports it at once as an
        ``is_error`` result (retryable statuses are otherwise retried, each
        retry consuming another turn).
        """
        if not 400 <= status <= 599:
            raise ValueError("an HTTP error status is between 400 and 599")
        return cls(http_status=status, error_message=message, error_type=error_type)

    def resolved_stop_reason(self) -> str:
        """The stop reason sent: the override, else ``tool_use`` iff a tool is called."""
        if self.stop_reason is not None:
            return self.stop_reason
        if any(isinstance(block, ToolUseBlock) for block in self.blocks):
            return "tool_use"
        return "end_turn"


def _check_block(block: object) -> None:
    # Typed as a Block, but a caller may pass anything.
    if not isinstance(block, TextBlock | ThinkingBlock | ToolUseBlock | RawBlock):
        raise TypeError(
            f"not a content block: {block!r} (use text(), thinking(), tool_use(), raw_block())"
        )


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the fake received, as a test sees it afterwards.

    ``turn_index`` is the request's position among turn-consuming requests
    (kinds ``turn`` and ``fallback``), 0-based; it is ``None`` for the other
    kinds.  An index at or past the script's length was answered with
    :data:`EXHAUSTED_TEXT`.
    """

    seq: int
    method: str
    path: str
    kind: RequestKind
    body: Any
    headers: Mapping[str, str]
    turn_index: int | None
    received_at: float = field(repr=False, compare=False)

    @property
    def last_user_text(self) -> str | None:
        """The last text block of the last user message, or ``None``.

        The CLI puts a ``<system-reminder>`` block before the prompt in the
        same message, so the *last* text is what the user typed.
        """
        body = _as_object(self.body)
        messages = None if body is None else _as_array(body.get("messages"))
        if messages is None:
            return None
        for item in reversed(messages):
            message = _as_object(item)
            if message is None or message.get("role") != "user":
                continue
            content = message.get("content")
            if isinstance(content, str):
                return content
            blocks = _as_array(content)
            if blocks is not None:
                texts = [
                    block["text"]
                    for block in map(_as_object, blocks)
                    if block is not None
                    and block.get("type") == "text"
                    and isinstance(block.get("text"), str)
                ]
                if texts:
                    return str(texts[-1])
            return None
        return None


FakeEvent: TypeAlias = dict[str, Any]


# --------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------


def _as_object(value: object) -> Mapping[str, Any] | None:
    """``value`` as a JSON object (parsed from a request), or ``None`` if it is not one."""
    return cast("Mapping[str, Any]", value) if isinstance(value, Mapping) else None


def _as_array(value: object) -> Sequence[Any] | None:
    """``value`` as a JSON array (parsed from a request), or ``None`` if it is not one."""
    return cast("Sequence[Any]", value) if isinstance(value, list) else None


def _is_title_request(body: Mapping[str, Any]) -> bool:
    """Recognise the session-title side request (it carries no tools)."""
    if body.get("tools"):
        return False
    output_config = _as_object(body.get("output_config"))
    if output_config is not None:
        fmt = _as_object(output_config.get("format"))
        if fmt is not None:
            schema = _as_object(fmt.get("schema"))
            if schema is not None:
                props = _as_object(schema.get("properties"))
                if props is not None and "title" in props:
                    return True
    return "naming a coding session" in _system_text(body.get("system"))


def _system_text(system: Any) -> str:
    if isinstance(system, str):
        return system
    blocks = _as_array(system)
    if blocks is not None:
        return "\n".join(
            str(block.get("text", "")) for block in map(_as_object, blocks) if block is not None
        )
    return ""


def classify_request(method: str, path: str, body: Any) -> RequestKind:
    """Say what a request is, and so whether it consumes a scripted turn.

    Only ``turn`` and ``fallback`` consume one.  The rules follow the traffic
    observed from the CLI: any ``HEAD`` is a connectivity probe; the title
    request has no tools and asks for ``{"title": …}``; model validation is
    not streamed and has ``max_tokens: 1``; the prompt-suggestion request's
    last user message starts ``[SUGGESTION MODE:``; the tool-use-summary
    request has no tools and asks for "a short summary label"; a main turn
    is streamed with tools and its fallback is the same request not streamed.
    """
    if method == "HEAD":
        return "probe"
    route = path.split("?", 1)[0].rstrip("/")
    if method != "POST":
        return "other"
    if route.endswith("/v1/messages/count_tokens"):
        return "count_tokens"
    body = _as_object(body)
    if not route.endswith("/v1/messages") or body is None:
        return "other"
    streamed = body.get("stream") is True
    if _is_title_request(body):
        return "title"
    if not streamed and body.get("max_tokens") == 1:
        return "validation"
    if _is_suggestion_request(body):
        return "suggestion"
    if not body.get("tools") and _SUMMARY_MARK in _system_text(body.get("system")):
        return "summary"
    return "turn" if streamed else "fallback"


def gateway_env() -> dict[str, str]:
    """Variables that make the CLI take the fake for an LLM gateway, so it reads rate limits.

    CLI 2.1.331 reads the ``anthropic-ratelimit-unified-*`` response headers
    (and sends ``rate_limit_event`` frames) only for a claude.ai sign-in or a
    gateway, never for an API key.  With a custom ``ANTHROPIC_BASE_URL`` it
    takes an ``ANTHROPIC_AUTH_TOKEN`` that is a JWT with ``aud``
    ``claude-gateway`` for a gateway, and does not verify the signature; the
    token here is such a JWT, unsigned.  Lay these over :meth:`FakeModel.env`
    (``ANTHROPIC_API_KEY`` is blanked so that the token is used), and send
    the headers with :attr:`Turn.headers`.
    """

    def part(value: Mapping[str, Any]) -> str:
        return base64.urlsafe_b64encode(_dumps(value).encode()).rstrip(b"=").decode()

    token = f"{part({'alg': 'none', 'typ': 'JWT'})}.{part({'aud': 'claude-gateway'})}.fake"
    return {"ANTHROPIC_AUTH_TOKEN": token, "ANTHROPIC_API_KEY": ""}


def _is_suggestion_request(body: Mapping[str, Any]) -> bool:
    """The prompt-suggestion side request: its last user text is the suggestion prompt."""
    messages = _as_array(body.get("messages"))
    if not messages:
        return False
    last = _as_object(messages[-1])
    if last is None or last.get("role") != "user":
        return False
    content = last.get("content")
    if isinstance(content, str):
        return content.startswith(_SUGGESTION_MARK)
    blocks = _as_array(content)
    if blocks is not None:
        return any(
            block is not None
            and isinstance(text := block.get("text"), str)
            and text.startswith(_SUGGESTION_MARK)
            for block in map(_as_object, blocks)
        )
    return False


# --------------------------------------------------------------------------
# Wire format
# --------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _sse(event: str, data: Mapping[str, Any]) -> bytes:
    return f"event: {event}\ndata: {_dumps(data)}\n\n".encode()


def _chunks(value: str, size: int) -> Iterator[str]:
    if not value:
        return
    for start in range(0, len(value), size):
        yield value[start : start + size]


def _estimate_tokens(value: str) -> int:
    """A rough, deterministic token count (4 characters a token, at least 1)."""
    return max(1, math.ceil(len(value) / 4))


@dataclass(frozen=True, slots=True)
class _Answer:
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
            (_sse("message_start", {"type": "message_start", "message": head}), False),
            (_sse("ping", {"type": "ping"}), False),
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
                    for c in _chunks(_dumps(block["input"]), chunk_size)
                ]
            else:  # a raw block the API sends whole (web_search_tool_result, ...)
                start, deltas = dict(block), []
            events.append(
                (
                    _sse(
                        "content_block_start",
                        {"type": "content_block_start", "index": index, "content_block": start},
                    ),
                    False,
                )
            )
            events.extend(
                (
                    _sse(
                        "content_block_delta",
                        {"type": "content_block_delta", "index": index, "delta": delta},
                    ),
                    True,
                )
                for delta in deltas
            )
            events.append(
                (_sse("content_block_stop", {"type": "content_block_stop", "index": index}), False)
            )
        events.append(
            (
                _sse(
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
        events.append((_sse("message_stop", {"type": "message_stop"}), False))
        return events


def _error_body(status: int, message: str, error_type: str | None, request_id: str) -> bytes:
    kind = error_type or _ERROR_TYPES.get(
        status, "api_error" if status >= 500 else "invalid_request_error"
    )
    return _dumps(
        {"type": "error", "error": {"type": kind, "message": message}, "request_id": request_id}
    ).encode()


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------


class _Server(http.server.ThreadingHTTPServer):
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

    def __init__(self, serve: Callable[[_Handler, Any], None]) -> None:
        #: FakeModel._serve: records one request and answers it.
        self.serve: Final = serve
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when the client hangs up; report real bugs as usual."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    # -- plumbing -----------------------------------------------------------

    @property
    def fake_server(self) -> _Server:
        # typeshed types the handler's server as a BaseServer; it is always a _Server.
        return cast(_Server, self.server)

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
        self.send_bytes(status, _dumps(value).encode(), "application/json", request_id, headers)

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


# --------------------------------------------------------------------------
# FakeModel
# --------------------------------------------------------------------------


class FakeModel:
    """A scripted Anthropic Messages API on ``127.0.0.1`` (random free port).

    Use it as a context manager (or call :meth:`start` / :meth:`close`).
    Each main request the CLI makes takes the next :class:`Turn` from the
    script; see :func:`classify_request` for what counts as one.  Every
    request is recorded in :attr:`requests`; the outcome of each
    turn-consuming answer is recorded in :attr:`events`.

    All state is guarded by one lock, since handler threads (one per
    connection) and the test's own thread touch it concurrently.
    """

    def __init__(self, turns: Sequence[Turn] = ()) -> None:
        #: The answers to the prompt-suggestion and tool-use-summary side
        #: requests (which consume no scripted turn); set them before the run.
        self.suggestion_text: str = SUGGESTION_TEXT
        self.summary_text: str = SUMMARY_TEXT
        self._turns: list[Turn] = list(turns)
        self._lock = threading.Condition()
        self._requests: list[RecordedRequest] = []
        self._events: list[FakeEvent] = []
        self._next_turn = 0
        self._next_message = 0
        self._next_tool = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()
        self._closed = False

    # -- lifecycle ----------------------------------------------------------

    def start(self) -> FakeModel:
        """Bind a free port on 127.0.0.1 and serve in a thread.  Idempotent."""
        with self._lock:
            if self._closed:
                raise RuntimeError("this FakeModel was closed; make a new one")
            if self._server is not None:
                return self
            server = _Server(self._serve)
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"FakeModel:{server.server_address[1]}",
            )
            self._server, self._thread = server, thread
        thread.start()
        return self

    def close(self) -> None:
        """Stop serving, drop open connections and join every thread.  Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            server, thread = self._server, self._thread
        self._closing.set()
        if server is None or thread is None:
            return
        server.shutdown()
        with server.connections_lock:
            connections = list(server.connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        server.server_close()
        thread.join()

    def __enter__(self) -> FakeModel:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- what tests use -----------------------------------------------------

    @property
    def port(self) -> int:
        """The port the server listens on (it must have been started)."""
        if self._server is None:
            raise RuntimeError("FakeModel is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``: the value for ``ANTHROPIC_BASE_URL``."""
        return f"http://127.0.0.1:{self.port}"

    def env(
        self, home: str | PathLike[str], *, base: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        """Environment variables that point the CLI at this fake, offline.

        Without ``base`` this is only the variables to set; with ``base``
        (typically ``os.environ``) it is a whole environment: ``base`` minus
        the variables that would send the CLI to another endpoint, credential
        or config directory, plus ours.  Ours, and why:

        * ``ANTHROPIC_BASE_URL``, ``ANTHROPIC_API_KEY=sk-test``: this fake,
          with a key the CLI accepts without any login.
        * ``HOME``: the CLI writes ``.claude.json`` and transcripts there;
          a scratch directory keeps the user's own config out of the test.
        * ``CLAUDE_CODE_MAX_RETRIES=0``: a scripted HTTP error is reported at
          once instead of being retried (for minutes, each retry eating a turn).
        * ``CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1``: without it the CLI
          resolves outside hosts (a DNS query was seen), sends the
          ``HEAD /api/hello`` probe and sometimes a session-title request;
          with it, its only connections are to this fake.
        * ``DISABLE_AUTOUPDATER``, ``DISABLE_TELEMETRY``,
          ``DISABLE_ERROR_REPORTING``: implied by the previous one today,
          spelled out so that each stays off if that umbrella changes.
        * ``NO_PROXY=127.0.0.1,localhost``: a proxy set in the environment
          must not intercept loopback.
        """
        ours = {
            "ANTHROPIC_BASE_URL": self.base_url,
            "ANTHROPIC_API_KEY": "sk-test",
            "HOME": fspath(home),
            "CLAUDE_CODE_MAX_RETRIES": "0",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "DISABLE_AUTOUPDATER": "1",
            "DISABLE_TELEMETRY": "1",
            "DISABLE_ERROR_REPORTING": "1",
            "NO_PROXY": "127.0.0.1,localhost",
        }
        if base is None:
            return ours
        merged = {k: v for k, v in base.items() if k not in _CONFLICTING_ENV}
        merged.update(ours)
        return merged

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, in arrival order (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def turn_requests(self) -> list[Any]:
        """Bodies of the turn-consuming requests, in order: what the model saw."""
        with self._lock:
            return [r.body for r in self._requests if r.turn_index is not None]

    @property
    def events(self) -> list[FakeEvent]:
        """Outcome of each turn-consuming answer (a copy).

        ``{"event": "completed" | "client_disconnected" | "stream_error_sent",
        "seq": <the request's seq>}``.  Side requests (title, probe, …) come
        only sometimes, so they are left out to keep this list deterministic.
        """
        with self._lock:
            return [dict(e) for e in self._events]

    @property
    def turns_left(self) -> int:
        """How many scripted turns have not been served yet."""
        with self._lock:
            return max(0, len(self._turns) - self._next_turn)

    def add_turns(self, *turns: Turn) -> None:
        """Append turns to the script (thread-safe, also while serving)."""
        with self._lock:
            self._turns.extend(turns)

    def wait_for_turn_request_sync(self, index: int, timeout: float = 10.0) -> RecordedRequest:
        """Block until turn request ``index`` (0-based) has arrived; return it."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = self._find_turn(index)
                if found is not None:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"FakeModel: turn request {index} did not arrive")
                self._lock.wait(remaining)

    async def wait_for_turn_request(self, index: int, poll: float = 0.01) -> RecordedRequest:
        """Like :meth:`wait_for_turn_request_sync`, from trio or asyncio.

        It polls with ``anyio.sleep`` rather than blocking on a thread
        primitive, so it stays cancellable and works on either loop.  It has
        no timeout of its own: wrap it in ``trio.fail_after`` (or
        ``anyio.fail_after``) as usual.  ``anyio`` is imported here only, so
        that importing ``ccsdk.testing`` stays light.
        """
        import anyio

        while True:
            with self._lock:
                found = self._find_turn(index)
            if found is not None:
                return found
            await anyio.sleep(poll)

    def _find_turn(self, index: int) -> RecordedRequest | None:
        for record in self._requests:
            if record.turn_index == index:
                return record
        return None

    # -- serving (handler threads) ------------------------------------------

    def _serve(self, handler: _Handler, body: Any) -> None:
        """Record one request, pick its answer and send it (in a handler thread)."""
        method, path = handler.command, handler.path
        kind = classify_request(method, path, body)
        headers = {
            name.lower(): (_REDACTED if name.lower() in _REDACTED_HEADERS else value)
            for name, value in handler.headers.items()
        }
        with self._lock:
            seq = len(self._requests)
            turn_index: int | None = None
            turn: Turn | None = None
            if kind in ("turn", "fallback"):
                turn_index = self._next_turn
                self._next_turn += 1
                if turn_index < len(self._turns):
                    turn = self._turns[turn_index]
            request_id = f"req_fake_{seq + 1}"
            self._requests.append(
                RecordedRequest(
                    seq=seq,
                    method=method,
                    path=path,
                    kind=kind,
                    body=body,
                    headers=headers,
                    turn_index=turn_index,
                    received_at=time.monotonic(),
                )
            )
            self._lock.notify_all()

        request = _as_object(body)
        model = None if request is None else request.get("model")
        requested_model = model if isinstance(model, str) and model else "claude-fake"
        streamed = request is not None and request.get("stream") is True

        if kind == "probe":
            handler.send_bytes(200, b"", "text/plain")
        elif kind == "count_tokens":
            tokens = _estimate_tokens(_dumps(body.get("messages", [])))
            handler.send_json(200, {"input_tokens": tokens}, request_id)
        elif kind == "other":
            message = f"FakeModel: no route for {method} {path}"
            handler.send_error_json(404, message, None, request_id)
        elif kind == "title":
            answer = self._answer(Turn([text(TITLE_TEXT)]), requested_model)
            self._send_answer(handler, answer, streamed, request_id, _SIDE_TURN, None)
        elif kind == "validation":
            answer = self._answer(Turn([text(".")], stop_reason="max_tokens"), requested_model)
            self._send_answer(handler, answer, False, request_id, _SIDE_TURN, None)
        elif kind in ("suggestion", "summary"):
            side = self.suggestion_text if kind == "suggestion" else self.summary_text
            answer = self._answer(Turn([text(side)]), requested_model)
            self._send_answer(handler, answer, streamed, request_id, _SIDE_TURN, None)
        else:
            script_turn = turn if turn is not None else Turn([text(EXHAUSTED_TEXT)])
            if script_turn.http_status is not None:
                try:
                    handler.send_error_json(
                        script_turn.http_status,
                        script_turn.error_message,
                        script_turn.error_type,
                        request_id,
                        script_turn.headers,
                    )
                except OSError:
                    self._record_event("client_disconnected", seq)
                    raise
                self._record_event("completed", seq)
                return
            answer = self._answer(script_turn, requested_model)
            self._send_answer(handler, answer, streamed, request_id, script_turn, seq)

    def _answer(self, turn: Turn, requested_model: str) -> _Answer:
        """Resolve ``turn`` into one message: ids, model and usage filled in.

        The model echoes the request's by default.  The CLI copies it into
        ``assistant.message.model`` but prices and reports usage under the
        model it *requested*, so an override only changes the former.
        """
        blocks: list[dict[str, Any]] = []
        output: list[str] = []
        with self._lock:
            self._next_message += 1
            message_id = f"msg_fake_{self._next_message}"
            for block in turn.blocks:
                if isinstance(block, TextBlock):
                    blocks.append({"type": "text", "text": block.text})
                    output.append(block.text)
                elif isinstance(block, ThinkingBlock):
                    blocks.append(
                        {
                            "type": "thinking",
                            "thinking": block.thinking,
                            "signature": block.signature,
                        }
                    )
                    output.append(block.thinking)
                elif isinstance(block, RawBlock):
                    blocks.append(dict(block.block))
                    output.append(_dumps(block.block))
                else:
                    tool_id = block.id
                    if tool_id is None:
                        self._next_tool += 1
                        tool_id = f"toolu_fake_{self._next_tool}"
                    blocks.append(
                        {
                            "type": "tool_use",
                            "id": tool_id,
                            "name": block.name,
                            "input": dict(block.input),
                        }
                    )
                    output.append(_dumps(block.input))
        usage = {
            "input_tokens": _DEFAULT_INPUT_TOKENS,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "output_tokens": _estimate_tokens("".join(output)),
        }
        if turn.usage is not None:
            usage.update(turn.usage)
        return _Answer(
            message_id=message_id,
            model=turn.model or requested_model,
            blocks=tuple(blocks),
            stop_reason=turn.resolved_stop_reason(),
            usage=usage,
        )

    def _send_answer(
        self,
        handler: _Handler,
        answer: _Answer,
        streamed: bool,
        request_id: str,
        turn: Turn,
        seq: int | None,
    ) -> None:
        """Send ``answer`` whole or as SSE; record the outcome if ``seq`` is given.

        ``seq`` is given for turn-consuming requests only: side requests
        come only sometimes, and their outcomes would make :attr:`events`
        differ from run to run.
        """
        error_after = turn.stream_error_after if streamed else None
        try:
            if not streamed:
                handler.send_json(200, answer.message(), request_id, turn.headers)
            else:
                events = answer.sse_events(turn.chunk_size or _DEFAULT_CHUNK_SIZE)
                if error_after is not None:
                    events = events[:error_after]
                    events.append((_sse("error", _STREAM_ERROR), False))
                handler.start_stream(request_id, turn.headers)
                if turn.chunk_delay <= 0:
                    # One write: fast, and a 1 MB answer is not 20 000 syscalls.
                    handler.write_chunk(b"".join(data for data, _ in events))
                else:
                    for data, is_delta in events:
                        if is_delta:
                            self._pause(handler, turn.chunk_delay)
                        handler.write_chunk(data)
                handler.write_chunk(b"")
        except _Closing:
            handler.close_connection = True
            return
        except OSError:
            handler.close_connection = True
            if seq is not None and not self._closing.is_set():
                self._record_event("client_disconnected", seq)
            return
        if error_after is not None:
            # Like the API after a failed stream: no reuse of the connection.
            handler.close_connection = True
        if seq is not None:
            self._record_event("stream_error_sent" if error_after is not None else "completed", seq)

    def _pause(self, handler: _Handler, delay: float) -> None:
        """Sleep ``delay`` s, but notice at once a hang-up or :meth:`close`."""
        deadline = time.monotonic() + delay
        while True:
            if self._closing.is_set():
                raise _Closing
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            if handler.peer_closed(min(remaining, 0.05)):
                raise ConnectionResetError("client hung up during a slow stream")

    def _record_event(self, event: str, seq: int) -> None:
        with self._lock:
            self._events.append({"event": event, "seq": seq})
            self._lock.notify_all()


class _Closing(Exception):
    """Raised in a handler thread to abandon a slow stream when the fake closes."""


#: The turn used to answer side requests (title, validation): defaults only.
_SIDE_TURN: Final = Turn()

#: The payload of the scripted mid-stream ``event: error``.
_STREAM_ERROR: Final[Mapping[str, Any]] = {
    "type": "error",
    "error": {"type": "api_error", "message": "FakeModel: scripted stream error"},
}


#: Variables dropped from ``base`` by :meth:`FakeModel.env`: each would make
#: the CLI use another endpoint, credential or config directory than ours.
_CONFLICTING_ENV: Final = frozenset(
    {
        "ANTHROPIC_AUTH_TOKEN",
        "ANTHROPIC_BASE_URL",
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_MODEL",
        "ANTHROPIC_SMALL_FAST_MODEL",
        "ANTHROPIC_DEFAULT_OPUS_MODEL",
        "ANTHROPIC_DEFAULT_SONNET_MODEL",
        "ANTHROPIC_DEFAULT_HAIKU_MODEL",
        "ANTHROPIC_CUSTOM_HEADERS",
        "CLAUDE_CODE_USE_BEDROCK",
        "CLAUDE_CODE_USE_VERTEX",
        "CLAUDE_CODE_USE_FOUNDRY",
        "CLAUDE_CODE_OAUTH_TOKEN",
        "CLAUDE_CONFIG_DIR",
        "CLAUDECODE",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "http_proxy",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    }
)
