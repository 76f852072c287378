"""A scripted fake CLI peer, over in-memory byte streams.

Unit tests of the runtime drive ccsdk through a :class:`StreamTransport`
whose other end is a :class:`FakeCLI` the test scripts: it reads the frames
ccsdk writes and writes whatever the test wants the CLI to say, including
bytes no real CLI would send.
"""

from __future__ import annotations

import json
import math
from typing import Any

import anyio
import anyio.abc
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from ccsdk import StreamTransport
from ccsdk.protocol import LineBuffer


class _Send(anyio.abc.ByteSendStream):
    def __init__(self, stream: MemoryObjectSendStream[bytes]) -> None:
        self._stream = stream

    async def send(self, item: bytes) -> None:
        await self._stream.send(item)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def send_eof(self) -> None:
        await self.aclose()


class _Receive(anyio.abc.ByteReceiveStream):
    def __init__(self, stream: MemoryObjectReceiveStream[bytes]) -> None:
        self._stream = stream

    async def receive(self, max_bytes: int = 65536) -> bytes:
        return await self._stream.receive()

    async def aclose(self) -> None:
        await self._stream.aclose()


class FakeCLI:
    """The CLI's end of a pair of in-memory pipes."""

    def __init__(self) -> None:
        to_sdk_send, to_sdk_recv = anyio.create_memory_object_stream[bytes](math.inf)
        from_sdk_send, from_sdk_recv = anyio.create_memory_object_stream[bytes](math.inf)
        self._out = to_sdk_send
        self._in = from_sdk_recv
        self.transport = StreamTransport(_Send(from_sdk_send), _Receive(to_sdk_recv))
        self._lines = LineBuffer()
        self._ready: list[bytes] = []
        self.received: list[dict[str, Any]] = []

    async def read_frame(self) -> dict[str, Any] | None:
        """The next frame ccsdk wrote, or None once its stdin closed."""
        while not self._ready:
            try:
                data = await self._in.receive()
            except anyio.EndOfStream:
                return None
            self._ready.extend(self._lines.feed(data))
        frame: dict[str, Any] = json.loads(self._ready.pop(0))
        self.received.append(frame)
        return frame

    async def expect(self, kind: str, subtype: str | None = None) -> dict[str, Any]:
        frame = await self.read_frame()
        assert frame is not None, f"expected {kind}, got end of input"
        assert frame["type"] == kind, frame
        if subtype is not None:
            assert frame["request"]["subtype"] == subtype, frame
        return frame

    async def send(self, *frames: dict[str, Any] | bytes) -> None:
        """Write frames; once ccsdk has closed its end, they go nowhere (like EPIPE)."""
        for frame in frames:
            data = frame if isinstance(frame, bytes) else (json.dumps(frame) + "\n").encode()
            try:
                await self._out.send(data)
            except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                return

    async def answer(self, request: dict[str, Any], response: dict[str, Any] | None = None) -> None:
        await self.send(
            {
                "type": "control_response",
                "response": {
                    "subtype": "success",
                    "request_id": request["request_id"],
                    "response": response or {},
                },
            }
        )

    async def handshake(self, **info: Any) -> dict[str, Any]:
        """Answer initialize as CLI 2.1.331 does."""
        request = await self.expect("control_request", "initialize")
        await self.answer(request, {"claude_code_version": "2.1.331", "commands": [], **info})
        return request

    async def turn(self, text: str = "Hello!", session_id: str = "s-1") -> None:
        """Play one plain turn: init, an assistant text, a result, idle."""
        await self.send(
            state("running"),
            {
                "type": "system",
                "subtype": "init",
                "session_id": session_id,
                "model": "m",
                "cwd": "/",
                "tools": [],
                "mcp_servers": [],
                "permissionMode": "default",
                "apiKeySource": "none",
            },
            assistant(text, session_id),
            result(session_id),
            state("idle"),
        )

    async def close(self) -> None:
        """End the CLI's output (what exiting does)."""
        await self._out.aclose()

    async def __aenter__(self) -> FakeCLI:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._out.aclose()
        await self._in.aclose()


def state(value: str) -> dict[str, Any]:
    return {
        "type": "system",
        "subtype": "session_state_changed",
        "state": value,
        "sdk_host_only": True,
        "session_id": "s-1",
        "uuid": "u",
    }


def assistant(text: str, session_id: str = "s-1") -> dict[str, Any]:
    return {
        "type": "assistant",
        "message": {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "m",
            "content": [{"type": "text", "text": text}],
            "stop_reason": None,
            "usage": {},
        },
        "parent_tool_use_id": None,
        "session_id": session_id,
        "uuid": "u-a",
    }


def result(session_id: str = "s-1", **extra: Any) -> dict[str, Any]:
    frame = {
        "type": "result",
        "subtype": "success",
        "is_error": False,
        "duration_ms": 5,
        "duration_api_ms": 3,
        "num_turns": 1,
        "result": "Hello!",
        "session_id": session_id,
        "total_cost_usd": 0.0,
        "usage": {},
        "permission_denials": [],
        "terminal_reason": "completed",
        "uuid": "u-r",
    }
    frame.update(extra)
    return frame
