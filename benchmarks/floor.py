"""The floor: the least any SDK could do with the same bytes, measured the same way.

It spawns the same fake CLI with the same three pipes, does the
``initialize`` handshake by hand, then reads stdout with ``os.read`` (the
SDK's read size) and ``json.loads`` every line in a bare, blocking loop: no
event loop, no models, no routing beyond ``obj["type"] == "result"``. Lines
are framed linearly (fragments joined once), like the SDK's ``LineBuffer``,
so the 50 MB row is not quadratic here either.

An SDK row's ratio is its time over this floor's, measured in the same run,
so machine speed and background load largely cancel out.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import subprocess
import time
import tracemalloc
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio

from benchmarks.memory import RssPeak, TracedPeak, current_rss, traced_now
from benchmarks.scenarios import Scenario

__all__ = [
    "FloorCLI",
    "floor_sessions_memory",
    "floor_stream",
    "floor_stream_memory",
    "floor_turns",
    "loop_floor_turns",
]

READ_SIZE = 256 * 1024  # ccsdk.runtime._process._READ_SIZE
ARGV = ["--output-format", "stream-json", "--verbose", "--input-format", "stream-json"]
USER_LINE = (
    b'{"type":"user","message":{"role":"user","content":"go"},'
    b'"parent_tool_use_id":null,"session_id":"default"}\n'
)


class FloorCLI:
    """One fake CLI driven by hand."""

    def __init__(self, cli: Path) -> None:
        self.proc = subprocess.Popen(
            [str(cli), *ARGV],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,
            start_new_session=True,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin = self.proc.stdin.fileno()
        self.stdout = self.proc.stdout.fileno()
        self.lines: deque[bytes] = deque()  # complete lines not yet decoded
        self.parts: list[bytes] = []  # fragments of the unfinished line

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.stdin, view) :]

    def read(self) -> bool:
        """One read into ``self.lines``; False at end of output."""
        chunk = os.read(self.stdout, READ_SIZE)
        if not chunk:
            return False
        if b"\n" not in chunk:
            self.parts.append(chunk)
            return True
        lines = chunk.split(b"\n")
        tail = lines.pop()
        if self.parts:
            self.parts.append(lines[0])
            lines[0] = b"".join(self.parts)
            self.parts.clear()
        if tail:
            self.parts.append(tail)
        self.lines.extend(lines)
        return True

    def until(self, kind: str, loads: Callable[[bytes], Any] = json.loads) -> int:
        """Decode lines until one of type ``kind``; return how many were decoded."""
        lines = self.lines
        count = 0
        while True:
            while lines:
                count += 1
                if loads(lines.popleft())["type"] == kind:
                    return count
            if not self.read():
                raise RuntimeError(f"the fake CLI's output ended before a {kind!r} line")

    def handshake(self) -> None:
        self.write(
            b'{"type":"control_request","request_id":"req_1_00000000",'
            b'"request":{"subtype":"initialize","hooks":null}}\n'
        )
        self.until("control_response")

    def close(self) -> None:
        """Close stdin, drain stdout to its end, reap: what ``query()`` does at the end."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        while os.read(self.stdout, READ_SIZE):
            pass
        self.proc.wait()
        self.proc.stdout.close()
        if self.proc.stderr is not None:
            self.proc.stderr.close()


def floor_stream(scenario: Scenario) -> dict[str, float]:
    """One turn: seconds from the CLI's first write to the result, in all, and CPU."""
    gc.collect()
    scenario.clear_stamps()
    begin = time.monotonic_ns()
    cpu_begin = time.process_time()
    cli = FloorCLI(scenario.cli)
    cli.handshake()
    cli.write(USER_LINE)
    count = cli.until("result")
    done = time.monotonic_ns()
    cpu_done = time.process_time()
    cli.close()
    end = time.monotonic_ns()
    if count < scenario.messages:
        raise RuntimeError(f"floor decoded {count} lines, expected {scenario.messages}+")
    return {
        "window": (done - scenario.first_stamp_ns()) / 1e9,
        "total": (end - begin) / 1e9,
        "cpu": cpu_done - cpu_begin,
    }


def floor_turns(scenario: Scenario, turns: int) -> dict[str, float]:
    """Seconds per turn: write the user line, decode lines up to the result."""
    cli = FloorCLI(scenario.cli)
    try:
        cli.handshake()
        cli.write(USER_LINE)  # a warm-up turn
        cli.until("result")
        gc.collect()
        start = time.perf_counter()
        cpu = time.process_time()
        for _ in range(turns):
            cli.write(USER_LINE)
            cli.until("result")
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
    finally:
        cli.close()
    return {"per_turn": elapsed / turns, "cpu": cpu / turns}


def floor_stream_memory(scenario: Scenario, *, traced: bool) -> int:
    """Peak growth in bytes over one turn (RSS high-water mark, or tracemalloc's peak)."""
    gc.collect()
    with TracedPeak() if traced else RssPeak() as peak:
        cli = FloorCLI(scenario.cli)
        cli.handshake()
        cli.write(USER_LINE)
        cli.until("result")
        cli.close()
    return peak.growth


def floor_sessions_memory(scenario: Scenario, count: int, traced: bool) -> float:
    """Growth per CLI while ``count`` hand-driven CLIs are open, a turn done in each."""
    warm = FloorCLI(scenario.cli)
    warm.handshake()
    warm.close()
    gc.collect()
    if traced:
        tracemalloc.start()
    measure = traced_now if traced else current_rss
    before = measure()
    clis = [FloorCLI(scenario.cli) for _ in range(count)]
    for cli in clis:
        cli.handshake()
        cli.write(USER_LINE)
    for cli in clis:
        cli.until("result")
    gc.collect()
    growth = measure() - before
    if traced:
        tracemalloc.stop()
    for cli in clis:
        cli.close()
    return growth / count


async def loop_floor_turns(scenario: Scenario, turns: int) -> dict[str, float]:
    """The turns of :func:`floor_turns` through an event loop, with no SDK.

    anyio byte streams on the running backend, the same framing and
    ``json.loads``: what any async SDK pays before it does anything. A
    blocking loop sleeps in ``read``; an event loop goes through ``epoll``
    and its scheduler for every read and write. Reported beside the turn
    rows, to show how much of their ratio is the event loop's.
    """
    proc = await anyio.open_process([str(scenario.cli), *ARGV], start_new_session=True)
    async with proc:
        assert proc.stdin is not None and proc.stdout is not None
        stdin, stdout = proc.stdin, proc.stdout
        lines: deque[bytes] = deque()
        parts: list[bytes] = []

        async def until(kind: str) -> None:
            while True:
                while lines:
                    if json.loads(lines.popleft())["type"] == kind:
                        return
                chunk = await stdout.receive(READ_SIZE)
                if b"\n" not in chunk:
                    parts.append(chunk)
                    continue
                split = chunk.split(b"\n")
                tail = split.pop()
                if parts:
                    parts.append(split[0])
                    split[0] = b"".join(parts)
                    parts.clear()
                if tail:
                    parts.append(tail)
                lines.extend(split)

        await stdin.send(
            b'{"type":"control_request","request_id":"req_1_00000000",'
            b'"request":{"subtype":"initialize","hooks":null}}\n'
        )
        await until("control_response")
        await stdin.send(USER_LINE)  # a warm-up turn
        await until("result")
        gc.collect()
        start = time.perf_counter()
        cpu = time.process_time()
        for _ in range(turns):
            await stdin.send(USER_LINE)
            await until("result")
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
        await stdin.aclose()
        with contextlib.suppress(anyio.EndOfStream):
            while True:
                await stdout.receive(READ_SIZE)
    return {"per_turn": elapsed / turns, "cpu": cpu / turns}
