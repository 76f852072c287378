"""The SDK side of each row: public API only, default options but ``cli_path``.

Each function is a coroutine to run with ``anyio.run(fn, ..., backend=...)``,
so the same code is timed on trio and on asyncio. Times match the floor's:
a stream row is timed from the fake CLI's first write (its stamp) to the
moment the consumer holds the ``ResultMessage``; ``total`` adds the spawn,
the handshake and the teardown, for reference.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
from pathlib import Path

import anyio

from benchmarks.memory import RssPeak, TracedPeak, current_rss, traced_now
from benchmarks.scenarios import Scenario
from ccsdk import (
    ClaudeCodeOptions,
    ClaudeSDKClient,
    ResultMessage,
    Session,
    SessionKey,
    open_session,
    query,
)
from ccsdk.session_stores import SQLiteSessionStore

__all__ = [
    "sdk_sessions_memory",
    "sdk_stream",
    "sdk_stream_mirrored",
    "sdk_stream_memory",
    "sdk_turns",
    "sdk_turns_client",
]


def options_for(scenario: Scenario) -> ClaudeCodeOptions:
    return ClaudeCodeOptions(cli_path=str(scenario.cli))


async def _consume(
    scenario: Scenario, options: ClaudeCodeOptions | None = None
) -> tuple[int, float]:
    """Run ``query()`` to its end; return when the result arrived (monotonic ns, CPU s)."""
    done = 0
    cpu = 0.0
    count = 0
    options = options_for(scenario) if options is None else options
    async for message in query(prompt="go", options=options):
        count += 1
        if isinstance(message, ResultMessage):
            done = time.monotonic_ns()
            cpu = time.process_time()
    if count != scenario.messages or not done:
        raise RuntimeError(f"query() yielded {count} messages, expected {scenario.messages}")
    return done, cpu


async def sdk_stream(scenario: Scenario) -> dict[str, float]:
    """One ``query()``: seconds from the CLI's first write to the result, and in all.

    ``cpu`` is this process's CPU time from the call to the result, handshake
    included: less sensitive than wall time to other load on the machine.
    """
    gc.collect()
    scenario.clear_stamps()
    begin = time.monotonic_ns()
    cpu_begin = time.process_time()
    done, cpu_done = await _consume(scenario)
    end = time.monotonic_ns()
    return {
        "window": (done - scenario.first_stamp_ns()) / 1e9,
        "total": (end - begin) / 1e9,
        "cpu": cpu_done - cpu_begin,
    }


async def sdk_stream_mirrored(
    scenario: Scenario, config_dir: Path, key: SessionKey, store_path: Path | None
) -> dict[str, float]:
    """:func:`sdk_stream` with ``CLAUDE_CONFIG_DIR`` set, and a SQLite store at ``store_path``.

    Without a store (``None``) it is the baseline: the same options, the
    ``transcript_mirror`` frames read and dropped. With one, the store file is
    created and opened before the clock starts (an application keeps its
    store open), and afterwards, outside the timing, the store must hold every
    entry the frames carried. ``stored`` adds, to ``window``, the time until
    ``query()`` returned: the last batch written, the CLI reaped.
    """
    env = {"CLAUDE_CONFIG_DIR": str(config_dir)}
    store = None if store_path is None else SQLiteSessionStore(store_path)
    options = ClaudeCodeOptions(cli_path=str(scenario.cli), env=env, session_store=store)
    try:
        if store is not None and await store.load(key):  # opens the file, creates the schema
            raise RuntimeError(f"{store_path} is not empty")
        gc.collect()
        scenario.clear_stamps()
        cpu_begin = time.process_time()
        done, cpu_done = await _consume(scenario, options)
        end = time.monotonic_ns()
        first = scenario.first_stamp_ns()
        if store is not None:
            stored = len(await store.load(key) or [])
            if stored != scenario.mirrored:
                raise RuntimeError(
                    f"the store holds {stored} entries, expected {scenario.mirrored}"
                )
    finally:
        if store is not None:
            await store.aclose()
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(f"{store_path}{suffix}")
    return {
        "window": (done - first) / 1e9,
        "stored": (end - first) / 1e9,
        "cpu": cpu_done - cpu_begin,
    }


async def sdk_stream_memory(scenario: Scenario, traced: bool) -> int:
    """Peak growth in bytes over one ``query()`` (RSS high-water mark, or tracemalloc's)."""
    gc.collect()
    with TracedPeak() if traced else RssPeak() as peak:
        await _consume(scenario)
    return peak.growth


async def _turn(session: Session | ClaudeSDKClient) -> None:
    if isinstance(session, Session):
        await session.send("go")
    else:
        await session.query("go")
    async for _ in session.receive_response():
        pass


async def sdk_turns(scenario: Scenario, turns: int) -> dict[str, float]:
    """Seconds per turn in one ``open_session()``: send, receive up to the result."""
    async with open_session(options_for(scenario)) as session:
        await _turn(session)  # warm-up
        gc.collect()
        start = time.perf_counter()
        cpu = time.process_time()
        for _ in range(turns):
            await _turn(session)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
    return {"per_turn": elapsed / turns, "cpu": cpu / turns}


async def sdk_turns_client(scenario: Scenario, turns: int) -> dict[str, float]:
    """The same with ``ClaudeSDKClient``, which reads from the caller's task (no reader task)."""
    async with ClaudeSDKClient(options_for(scenario)) as client:
        await _turn(client)
        gc.collect()
        start = time.perf_counter()
        cpu = time.process_time()
        for _ in range(turns):
            await _turn(client)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
    return {"per_turn": elapsed / turns, "cpu": cpu / turns}


async def sdk_sessions_memory(scenario: Scenario, count: int, traced: bool) -> float:
    """Memory growth per session while ``count`` sessions are open at once, a turn done in each.

    Each session lives in a task of one task group, as an application would
    hold them; a first session is opened and closed beforehand so that
    one-time costs (lazy imports, the worker thread of the CLI lookup) are
    not charged to the hundred.
    """
    options = options_for(scenario)
    async with open_session(options) as session:
        await _turn(session)
    gc.collect()
    measure = traced_now if traced else current_rss
    if traced:
        import tracemalloc

        tracemalloc.start()
    before = measure()
    opened = 0
    all_open = anyio.Event()
    release = anyio.Event()
    growth = 0

    async def hold() -> None:
        nonlocal opened
        async with open_session(options) as session:
            await _turn(session)
            opened += 1
            if opened == count:
                all_open.set()
            await release.wait()

    try:
        async with anyio.create_task_group() as tg:
            for _ in range(count):
                tg.start_soon(hold)
            await all_open.wait()
            gc.collect()
            growth = measure() - before
            release.set()
    finally:
        if traced:
            tracemalloc.stop()
    return growth / count
