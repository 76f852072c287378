"""Tests for ``ccsdk.testing.FakeModel``, the scripted fake Messages API.

Most tests talk to the fake with ``http.client``, as the CLI would; the last
one runs the real Claude Code CLI against it.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import trio

from ccsdk.testing import FakeModel, RecordedRequest, Turn, text, thinking, tool_use
from ccsdk.testing._classify import classify_request
from ccsdk.testing._script import EXHAUSTED_TEXT, TITLE_TEXT

TOOLS = [{"name": "Bash", "description": "run", "input_schema": {"type": "object"}}]


def main_body(prompt: str = "hi", *, stream: bool = True, **extra: Any) -> dict[str, Any]:
    """A request shaped like the CLI's main turn (streamed, with tools)."""
    body: dict[str, Any] = {
        "model": "claude-test-1",
        "max_tokens": 128000,
        "tools": TOOLS,
        "thinking": {"type": "adaptive"},
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "<system-reminder>ctx</system-reminder>"},
                    {"type": "text", "text": prompt},
                ],
            }
        ],
    }
    if stream:
        body["stream"] = True
    body.update(extra)
    return body


TITLE_BODY: dict[str, Any] = {
    "model": "claude-test-1",
    "max_tokens": 128000,
    "stream": True,
    "tools": [],
    "system": [{"type": "text", "text": "You are naming a coding session so the user can…"}],
    "output_config": {
        "format": {
            "type": "json_schema",
            "schema": {"type": "object", "properties": {"title": {"type": "string"}}},
        }
    },
    "messages": [{"role": "user", "content": "<session>\nhi\n</session>"}],
}

VALIDATION_BODY: dict[str, Any] = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 1,
    "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}],
}


class Response:
    def __init__(self, status: int, headers: Mapping[str, str], data: bytes) -> None:
        self.status = status
        self.headers = headers
        self.data = data

    def json(self) -> Any:
        return json.loads(self.data)

    def sse(self) -> list[tuple[str, dict[str, Any]]]:
        """The SSE events as (event name, data), checking name == data.type."""
        events = []
        for frame in self.data.decode().split("\n\n"):
            if not frame.strip():
                continue
            lines = dict(line.split(": ", 1) for line in frame.split("\n"))
            data = json.loads(lines["data"])
            assert data["type"] == lines["event"]
            events.append((lines["event"], data))
        return events


@pytest.fixture
def conn_factory() -> Iterator[Any]:
    """Open ``http.client`` connections to a model; all closed at teardown."""
    opened: list[http.client.HTTPConnection] = []

    def connect(model: FakeModel) -> http.client.HTTPConnection:
        conn = http.client.HTTPConnection("127.0.0.1", model.port, timeout=30)
        opened.append(conn)
        return conn

    yield connect
    for conn in opened:
        conn.close()


def request(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    payload = None if body is None else json.dumps(body).encode()
    all_headers = {"content-type": "application/json", **(headers or {})}
    conn.request(method, path, body=payload, headers=all_headers)
    resp = conn.getresponse()
    data = resp.read()
    return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)


def joined_deltas(events: list[tuple[str, dict[str, Any]]], index: int, field: str) -> str:
    return "".join(
        data["delta"][field]
        for name, data in events
        if name == "content_block_delta" and data["index"] == index and field in data["delta"]
    )


# --------------------------------------------------------------------------
# Streaming shape
# --------------------------------------------------------------------------


def test_text_turn_streams_in_the_api_format(conn_factory: Any) -> None:
    answer = "Hello, this is a streamed answer!"
    with FakeModel([Turn([text(answer)], chunk_size=4)]) as model:
        resp = request(conn_factory(model), "POST", "/v1/messages?beta=true", main_body())

    assert resp.status == 200
    assert resp.headers["content-type"].startswith("text/event-stream")
    events = resp.sse()
    names = [name for name, _ in events]
    assert names[:3] == ["message_start", "ping", "content_block_start"]
    assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert names.count("content_block_delta") == len(answer) // 4 + 1

    start = events[0][1]["message"]
    assert start["id"] == "msg_fake_1"
    assert start["role"] == "assistant"
    assert start["model"] == "claude-test-1"  # echoes the requested model
    assert start["content"] == []
    assert start["stop_reason"] is None
    assert events[2][1]["content_block"] == {"type": "text", "text": ""}
    assert joined_deltas(events, 0, "text") == answer
    delta = events[-2][1]
    assert delta["delta"]["stop_reason"] == "end_turn"
    assert delta["usage"]["output_tokens"] > 0
    assert model.events == [{"event": "completed", "seq": 0}]


def test_thinking_and_tool_use_stream(conn_factory: Any) -> None:
    tool_input = {"command": "echo hi", "description": "say hi " * 20}
    script = [
        Turn([thinking("let me think about it", signature="sig-1"), tool_use("Bash", tool_input)]),
        Turn([tool_use("Read", {"path": "x"}, id="toolu_given")]),
    ]
    with FakeModel(script) as model:
        conn = conn_factory(model)
        first = request(conn, "POST", "/v1/messages", main_body()).sse()
        second = request(conn, "POST", "/v1/messages", main_body()).sse()

    starts = [data["content_block"] for name, data in first if name == "content_block_start"]
    assert starts[0] == {"type": "thinking", "thinking": "", "signature": ""}
    assert starts[1] == {"type": "tool_use", "id": "toolu_fake_1", "name": "Bash", "input": {}}
    assert joined_deltas(first, 0, "thinking") == "let me think about it"
    assert joined_deltas(first, 0, "signature") == "sig-1"
    assert json.loads(joined_deltas(first, 1, "partial_json")) == tool_input
    assert len([1 for name, d in first if name == "content_block_delta" and d["index"] == 1]) > 1
    stop = next(data for name, data in first if name == "message_delta")
    assert stop["delta"]["stop_reason"] == "tool_use"

    starts = [data["content_block"] for name, data in second if name == "content_block_start"]
    assert starts[0]["id"] == "toolu_given"


def test_stop_reason_override_and_usage(conn_factory: Any) -> None:
    turn = Turn([text("cut")], stop_reason="max_tokens", usage={"output_tokens": 7})
    with FakeModel([turn]) as model:
        events = request(conn_factory(model), "POST", "/v1/messages", main_body()).sse()
    stop = next(data for name, data in events if name == "message_delta")
    assert stop["delta"]["stop_reason"] == "max_tokens"
    assert stop["usage"]["output_tokens"] == 7


def test_non_streamed_fallback_consumes_a_turn(conn_factory: Any) -> None:
    with FakeModel([Turn([text("one")]), Turn([text("two"), tool_use("Bash", {})])]) as model:
        conn = conn_factory(model)
        request(conn, "POST", "/v1/messages", main_body())
        resp = request(conn, "POST", "/v1/messages", main_body(stream=False, max_tokens=64000))

    message = resp.json()
    assert resp.headers["content-type"] == "application/json"
    assert message["type"] == "message"
    assert message["content"][0] == {"type": "text", "text": "two"}
    assert message["content"][1]["type"] == "tool_use"
    assert message["stop_reason"] == "tool_use"
    assert [r.kind for r in model.requests] == ["turn", "fallback"]
    assert [r.turn_index for r in model.requests] == [0, 1]


def test_keep_alive_connection_is_reused(conn_factory: Any) -> None:
    with FakeModel([Turn([text("a")]), Turn([text("b")])]) as model:
        conn = conn_factory(model)
        request(conn, "POST", "/v1/messages", main_body())
        sock = conn.sock
        second = request(conn, "POST", "/v1/messages", main_body()).sse()
        assert conn.sock is sock
    assert joined_deltas(second, 0, "text") == "b"


# --------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------


def test_side_requests_do_not_consume_turns(conn_factory: Any) -> None:
    with FakeModel([Turn([text("the real answer")])]) as model:
        conn = conn_factory(model)
        probe = request(conn, "HEAD", "/api/hello")
        root = request(conn, "HEAD", "/")
        title = request(conn, "POST", "/v1/messages?beta=true", TITLE_BODY)
        validation = request(conn, "POST", "/v1/messages?beta=true", VALIDATION_BODY)
        count = request(conn, "POST", "/v1/messages/count_tokens?beta=true", main_body())
        other = request(conn, "GET", "/v1/models")
        turn = request(conn, "POST", "/v1/messages?beta=true", main_body())

    assert probe.status == root.status == 200
    assert probe.data == b""
    assert joined_deltas(title.sse(), 0, "text") == TITLE_TEXT
    assert json.loads(TITLE_TEXT) == {"title": "Fake title"}
    assert validation.json()["model"] == "claude-sonnet-4-5"
    assert validation.json()["content"][0]["type"] == "text"
    assert count.json()["input_tokens"] > 0
    assert other.status == 404
    assert other.json()["type"] == "error"
    assert joined_deltas(turn.sse(), 0, "text") == "the real answer"

    kinds = [(r.method, r.kind, r.turn_index) for r in model.requests]
    assert kinds == [
        ("HEAD", "probe", None),
        ("HEAD", "probe", None),
        ("POST", "title", None),
        ("POST", "validation", None),
        ("POST", "count_tokens", None),
        ("GET", "other", None),
        ("POST", "turn", 0),
    ]
    assert model.turn_requests == [main_body()]
    assert model.events == [{"event": "completed", "seq": 6}]


@pytest.mark.parametrize(
    ("method", "path", "body", "kind"),
    [
        ("HEAD", "/api/hello", None, "probe"),
        ("POST", "/v1/messages?beta=true", main_body(), "turn"),
        # The CLI run with `--tools ""` sends `tools: []` on its main turn.
        ("POST", "/v1/messages?beta=true", main_body(tools=[]), "turn"),
        ("POST", "/v1/messages", main_body(stream=False, max_tokens=64000), "fallback"),
        ("POST", "/v1/messages", {**main_body(), "stream": False}, "fallback"),
        ("POST", "/v1/messages?beta=true", TITLE_BODY, "title"),
        ("POST", "/v1/messages?beta=true", {**TITLE_BODY, "output_config": {}}, "title"),
        ("POST", "/v1/messages?beta=true", VALIDATION_BODY, "validation"),
        ("POST", "/v1/messages/count_tokens", main_body(), "count_tokens"),
        ("POST", "/v1/messages", None, "other"),
        ("POST", "/v1/complete", main_body(), "other"),
        ("GET", "/v1/messages", None, "other"),
    ],
)
def test_classify_request(method: str, path: str, body: Any, kind: str) -> None:
    assert classify_request(method, path, body) == kind


# --------------------------------------------------------------------------
# Failures
# --------------------------------------------------------------------------


def test_http_error(conn_factory: Any) -> None:
    with FakeModel([Turn.http_error(500, "fake failure"), Turn([text("ok")])]) as model:
        conn = conn_factory(model)
        resp = request(conn, "POST", "/v1/messages", main_body())
        after = request(conn, "POST", "/v1/messages", main_body())

    assert resp.status == 500
    assert resp.headers["content-type"] == "application/json"
    assert resp.json() == {
        "type": "error",
        "error": {"type": "api_error", "message": "fake failure"},
        "request_id": resp.headers["request-id"],
    }
    assert joined_deltas(after.sse(), 0, "text") == "ok"
    assert model.events == [{"event": "completed", "seq": 0}, {"event": "completed", "seq": 1}]


def test_http_error_types() -> None:
    assert Turn.http_error(529).error_type is None
    with FakeModel([Turn.http_error(529, "Overloaded"), Turn.http_error(418, "x", error_type="t")]):
        pass
    with pytest.raises(ValueError, match="between 400 and 599"):
        Turn.http_error(200)


def test_http_error_json_shape_per_status(conn_factory: Any) -> None:
    script = [Turn.http_error(529, "Overloaded"), Turn.http_error(400, "bad", error_type="custom")]
    with FakeModel(script) as model:
        conn = conn_factory(model)
        overloaded = request(conn, "POST", "/v1/messages", main_body())
        custom = request(conn, "POST", "/v1/messages", main_body())
    assert overloaded.status == 529
    assert overloaded.json()["error"] == {"type": "overloaded_error", "message": "Overloaded"}
    assert custom.json()["error"] == {"type": "custom", "message": "bad"}


def test_stream_error_after(conn_factory: Any) -> None:
    with FakeModel([Turn([text("x" * 40)], chunk_size=4, stream_error_after=5)]) as model:
        resp = request(conn_factory(model), "POST", "/v1/messages", main_body())

    assert resp.status == 200
    events = resp.sse()
    assert [name for name, _ in events] == [
        "message_start",
        "ping",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "error",
    ]
    assert events[-1][1]["error"]["type"] == "api_error"
    assert model.events == [{"event": "stream_error_sent", "seq": 0}]


def test_script_exhausted_answers_visibly(conn_factory: Any) -> None:
    with FakeModel([Turn([text("only one")])]) as model:
        conn = conn_factory(model)
        request(conn, "POST", "/v1/messages", main_body())
        extra = request(conn, "POST", "/v1/messages", main_body()).sse()
        assert model.turns_left == 0

    assert joined_deltas(extra, 0, "text") == EXHAUSTED_TEXT
    assert [r.turn_index for r in model.requests] == [0, 1]


def test_client_disconnect_is_recorded() -> None:
    turn = Turn([text("slow answer " * 50)], chunk_size=10, chunk_delay=0.05)
    with FakeModel([turn]) as model:
        body = json.dumps(main_body()).encode()
        with socket.create_connection(("127.0.0.1", model.port), timeout=30) as sock:
            sock.sendall(
                b"POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
            )
            received = b""
            while b"content_block_delta" not in received:
                received += sock.recv(4096)
        model.wait_for_turn_request_sync(0)
        wait_for_events(model, 1)
    assert model.events == [{"event": "client_disconnected", "seq": 0}]


def wait_for_events(model: FakeModel, count: int) -> None:
    """Wait (bounded, as a hang guard) until ``count`` events are recorded."""
    done = threading.Event()

    def poll() -> None:
        while len(model.events) < count:
            done.wait(0.01)

    thread = threading.Thread(target=poll)
    thread.start()
    thread.join(30)
    done.set()
    thread.join()
    assert len(model.events) >= count


# --------------------------------------------------------------------------
# Records, lifecycle, env
# --------------------------------------------------------------------------


def test_secret_headers_are_redacted(conn_factory: Any) -> None:
    with FakeModel([Turn([text("hi")])]) as model:
        request(
            conn_factory(model),
            "POST",
            "/v1/messages?beta=true",
            main_body("what the user typed"),
            headers={
                "x-api-key": "sk-secret",
                "Authorization": "Bearer sk-secret",
                "anthropic-version": "2023-06-01",
            },
        )
    [record] = model.requests
    assert isinstance(record, RecordedRequest)
    assert record.headers["x-api-key"] == "<redacted>"
    assert record.headers["authorization"] == "<redacted>"
    assert record.headers["anthropic-version"] == "2023-06-01"
    assert "sk-secret" not in repr(model.requests)
    assert record.path == "/v1/messages?beta=true"
    assert record.last_user_text == "what the user typed"


def test_listens_on_loopback_only() -> None:
    with FakeModel() as model:
        assert model.base_url == f"http://127.0.0.1:{model.port}"
        with socket.create_connection(("127.0.0.1", model.port), timeout=30) as sock:
            assert sock.getpeername()[0] == "127.0.0.1"


def test_start_and_close_are_idempotent() -> None:
    model = FakeModel()
    model.close()  # closing a model never started is fine
    model = FakeModel()
    assert model.start() is model
    port = model.port
    model.start()
    assert model.port == port
    model.close()
    model.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=30).close()
    with pytest.raises(RuntimeError, match="closed"):
        model.start()
    with pytest.raises(RuntimeError, match="not started"):
        _ = FakeModel().base_url


def test_close_ends_a_slow_stream_and_joins_threads() -> None:
    model = FakeModel([Turn([text("z" * 10_000)], chunk_size=1, chunk_delay=0.05)]).start()
    conn = http.client.HTTPConnection("127.0.0.1", model.port, timeout=30)
    try:
        conn.request("POST", "/v1/messages", body=json.dumps(main_body()))
        resp = conn.getresponse()
        resp.read(10)
        before = threading.active_count()
        closer = threading.Thread(target=model.close)
        closer.start()
        closer.join(30)  # a hang guard, not a speed check
        assert not closer.is_alive()
        assert threading.active_count() <= before - 2  # server and handler threads gone
        assert model.events == []  # not blamed on the client
    finally:
        conn.close()


def test_env(tmp_path: Path) -> None:
    with FakeModel() as model:
        env = model.env(tmp_path)
        assert env == {
            "ANTHROPIC_BASE_URL": model.base_url,
            "ANTHROPIC_API_KEY": "sk-test",
            "HOME": str(tmp_path),
            "CLAUDE_CODE_MAX_RETRIES": "0",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "DISABLE_AUTOUPDATER": "1",
            "DISABLE_TELEMETRY": "1",
            "DISABLE_ERROR_REPORTING": "1",
            "NO_PROXY": "127.0.0.1,localhost",
        }
        base = {"PATH": "/bin", "ANTHROPIC_AUTH_TOKEN": "t", "HTTPS_PROXY": "p", "HOME": "/root"}
        full = model.env(str(tmp_path), base=base)
        assert full["PATH"] == "/bin"
        assert full["HOME"] == str(tmp_path)
        assert "ANTHROPIC_AUTH_TOKEN" not in full
        assert "HTTPS_PROXY" not in full


def test_turn_validation() -> None:
    with pytest.raises(TypeError, match="content block"):
        Turn(["not a block"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="chunk_size"):
        Turn([text("x")], chunk_size=0)
    with pytest.raises(ValueError, match="chunk_delay"):
        Turn([text("x")], chunk_delay=-1)
    assert Turn([tool_use("Bash", {})]).resolved_stop_reason() == "tool_use"
    assert Turn([text("x")]).resolved_stop_reason() == "end_turn"


def test_wait_for_turn_request_sync(conn_factory: Any) -> None:
    with FakeModel([Turn([text("a")])]) as model:
        with pytest.raises(TimeoutError):
            model.wait_for_turn_request_sync(0, timeout=0.01)
        request(conn_factory(model), "POST", "/v1/messages", main_body("sync wait"))
        assert model.wait_for_turn_request_sync(0).last_user_text == "sync wait"


async def test_wait_for_turn_request_from_trio() -> None:
    with FakeModel([Turn([text("a")])]) as model:

        def post() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", model.port, timeout=30)
            try:
                request(conn, "POST", "/v1/messages", main_body("from trio"))
            finally:
                conn.close()

        async with trio.open_nursery() as nursery:
            nursery.start_soon(trio.to_thread.run_sync, post)
            with trio.fail_after(30):
                record = await model.wait_for_turn_request(0)
        assert record.last_user_text == "from trio"


# --------------------------------------------------------------------------
# The real CLI
# --------------------------------------------------------------------------


def find_cli() -> str | None:
    candidate = os.environ.get("CCSDK_CLI") or str(
        Path(__file__).resolve().parent.parent / ".cli" / "node_modules" / ".bin" / "claude"
    )
    if os.path.exists(candidate):
        return candidate
    return shutil.which(candidate) if os.sep not in candidate else None


@pytest.mark.e2e
def test_real_cli_against_fake_model(tmp_path: Path) -> None:
    cli = find_cli()
    if cli is None:
        pytest.skip("Claude Code CLI not found: set CCSDK_CLI or install it into .cli/")
    prompt = "Say hello to the fake model"
    line = {
        "type": "user",
        "message": {"role": "user", "content": prompt},
        "parent_tool_use_id": None,
        "session_id": "default",
    }
    with FakeModel([Turn([text("Hello from the fake model!")])]) as model:
        # Closing stdin mid-turn lets the turn finish, then the CLI exits 0.
        proc = subprocess.run(
            [cli, "--output-format", "stream-json", "--verbose", "--input-format", "stream-json"],
            input=json.dumps(line) + "\n",
            capture_output=True,
            text=True,
            env=model.env(tmp_path, base=os.environ),
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
    assert proc.returncode == 0, proc.stderr
    messages = [json.loads(out) for out in proc.stdout.splitlines() if out.strip()]
    texts = [
        block["text"]
        for msg in messages
        if msg["type"] == "assistant"
        for block in msg["message"]["content"]
        if block["type"] == "text"
    ]
    assert texts == ["Hello from the fake model!"]
    [result] = [msg for msg in messages if msg["type"] == "result"]
    assert result["subtype"] == "success"
    assert result["is_error"] is False
    assert result["result"] == "Hello from the fake model!"
    assert result["total_cost_usd"] > 0  # priced from the usage the fake returned

    turns = [r for r in model.requests if r.turn_index is not None]
    assert [r.kind for r in turns] == ["turn"]
    assert turns[0].last_user_text == prompt
    assert turns[0].headers["x-api-key"] == "<redacted>"
    assert model.events == [{"event": "completed", "seq": turns[0].seq}]
