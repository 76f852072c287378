"""A scripted fake of the Anthropic Messages API, served on 127.0.0.1.

End-to-end tests (and the offline demo) run the *real* Claude Code CLI with
``ANTHROPIC_BASE_URL`` pointed at a :class:`FakeModel`.  The CLI then talks
to this server exactly as it would talk to the API, and the test decides,
turn by turn, what "the model" answers.

The CLI makes more requests than the "main" ones that a script describes
(a connectivity probe, a session-title request that comes only sometimes,
a model-validation request after ``set_model``, a non-streaming retry after
a broken stream).  :func:`classify_request` tells them apart so that only
main turns (and their non-streaming fallbacks) consume the script, and
timing-dependent side requests can never shift it.  See
``/work/shared/reference/cli-protocol.md`` §6 for the observed traffic.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from os import PathLike, fspath
from types import TracebackType
from typing import Any, Final

from ccsdk.testing._classify import FakeEvent, RecordedRequest, as_object, classify_request
from ccsdk.testing._script import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_INPUT_TOKENS,
    EXHAUSTED_TEXT,
    SIDE_TURN,
    SUGGESTION_TEXT,
    SUMMARY_TEXT,
    TITLE_TEXT,
    RawBlock,
    ScriptText,
    ScriptThinking,
    Turn,
    dumps,
    text,
)
from ccsdk.testing._server import (
    REDACTED,
    REDACTED_HEADERS,
    STREAM_ERROR,
    Answer,
    Closing,
    Handler,
    Server,
    estimate_tokens,
    sse,
)

__all__ = ["FakeModel"]

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
        self._server: Server | None = None
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
            server = Server(self._serve)
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

    def _serve(self, handler: Handler, body: Any) -> None:
        """Record one request, pick its answer and send it (in a handler thread)."""
        method, path = handler.command, handler.path
        kind = classify_request(method, path, body)
        headers = {
            name.lower(): (REDACTED if name.lower() in REDACTED_HEADERS else value)
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

        request = as_object(body)
        model = None if request is None else request.get("model")
        requested_model = model if isinstance(model, str) and model else "claude-fake"
        streamed = request is not None and request.get("stream") is True

        if kind == "probe":
            handler.send_bytes(200, b"", "text/plain")
        elif kind == "count_tokens":
            tokens = estimate_tokens(dumps(body.get("messages", [])))
            handler.send_json(200, {"input_tokens": tokens}, request_id)
        elif kind == "other":
            message = f"FakeModel: no route for {method} {path}"
            handler.send_error_json(404, message, None, request_id)
        elif kind == "title":
            answer = self._answer(Turn([text(TITLE_TEXT)]), requested_model)
            self._send_answer(handler, answer, streamed, request_id, SIDE_TURN, None)
        elif kind == "validation":
            answer = self._answer(Turn([text(".")], stop_reason="max_tokens"), requested_model)
            self._send_answer(handler, answer, False, request_id, SIDE_TURN, None)
        elif kind in ("suggestion", "summary"):
            side = self.suggestion_text if kind == "suggestion" else self.summary_text
            answer = self._answer(Turn([text(side)]), requested_model)
            self._send_answer(handler, answer, streamed, request_id, SIDE_TURN, None)
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

    def _answer(self, turn: Turn, requested_model: str) -> Answer:
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
                if isinstance(block, ScriptText):
                    blocks.append({"type": "text", "text": block.text})
                    output.append(block.text)
                elif isinstance(block, ScriptThinking):
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
                    output.append(dumps(block.block))
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
                    output.append(dumps(block.input))
        usage = {
            "input_tokens": DEFAULT_INPUT_TOKENS,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "output_tokens": estimate_tokens("".join(output)),
        }
        if turn.usage is not None:
            usage.update(turn.usage)
        return Answer(
            message_id=message_id,
            model=turn.model or requested_model,
            blocks=tuple(blocks),
            stop_reason=turn.resolved_stop_reason(),
            usage=usage,
        )

    def _send_answer(
        self,
        handler: Handler,
        answer: Answer,
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
                events = answer.sse_events(turn.chunk_size or DEFAULT_CHUNK_SIZE)
                if error_after is not None:
                    events = events[:error_after]
                    events.append((sse("error", STREAM_ERROR), False))
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
        except Closing:
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

    def _pause(self, handler: Handler, delay: float) -> None:
        """Sleep ``delay`` s, but notice at once a hang-up or :meth:`close`."""
        deadline = time.monotonic() + delay
        while True:
            if self._closing.is_set():
                raise Closing
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            if handler.peer_closed(min(remaining, 0.05)):
                raise ConnectionResetError("client hung up during a slow stream")

    def _record_event(self, event: str, seq: int) -> None:
        with self._lock:
            self._events.append({"event": event, "seq": seq})
            self._lock.notify_all()


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
