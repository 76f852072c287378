"""A deadline swept across a whole session: cancelled anywhere, nothing is left.

A session's life is a chain of awaits: spawn, initialize, send, read,
interrupt, teardown. Instead of guessing which of them matter, each test
times one uncancelled run, then repeats it under deadlines spread evenly
over that time (the stand-in CLI pauses before each frame, so every phase
gets hit). After each cancelled run: no exception but the cancellation, the
CLI reaped, its process group empty, and as many tasks and file descriptors
as before. On trio and asyncio.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio
import pytest

from ccsdk import ClaudeCodeOptions, ClaudeSDKClient, ResultMessage, open_session, query
from tests.conftest import Runner
from tests.procs import fake_cli, group_alive, living_tasks, open_fds, wait_gone

#: Deadlines per sweep; each run takes some 0.1 s.
STEPS = int(os.environ.get("CCSDK_SWEEP_STEPS", "24"))

Scenario = Callable[[ClaudeCodeOptions], Awaitable[None]]


async def with_client(options: ClaudeCodeOptions) -> None:
    async with ClaudeSDKClient(options) as client:
        await client.query("hi")
        async for message in client.receive_response():
            last = message
        assert isinstance(last, ResultMessage)
        await client.interrupt()
        await client.query("again")
        async for _ in client.receive_response():
            pass


async def with_query(options: ClaudeCodeOptions) -> None:
    messages = [m async for m in query(prompt="hi", options=options)]
    assert isinstance(messages[-1], ResultMessage)


async def with_session(options: ClaudeCodeOptions) -> None:
    async with open_session(options) as session:
        await session.send("hi")
        async for _ in session.receive_response():
            pass
        await session.interrupt()


@pytest.mark.parametrize("scenario", [with_client, with_query, with_session])
def test_a_deadline_anywhere_leaves_nothing_behind(
    run: Runner, tmp_path: Path, scenario: Scenario
) -> None:
    pidfile = tmp_path / "pids"
    options = ClaudeCodeOptions(
        cli_path=fake_cli(
            tmp_path, "plain", FAKE_CLAUDE_PIDFILE=str(pidfile), FAKE_CLAUDE_DELAY="0.004"
        ),
        close_timeout=2,
    )

    async def main() -> None:
        started = time.monotonic()
        await scenario(options)  # warm up and time a run that is left alone
        whole = time.monotonic() - started
        tasks, fds = living_tasks(), open_fds()
        outcomes = []
        for step in range(STEPS):
            with anyio.move_on_after(whole * step / STEPS) as scope:
                await scenario(options)
            outcomes.append(scope.cancelled_caught)
            for pid in map(int, pidfile.read_text().split()):
                await wait_gone(pid, timeout=0.5)
                assert not group_alive(pid)
            assert (living_tasks(), open_fds()) == (tasks, fds), f"after a deadline at step {step}"
        # The sweep must have cut runs short, and not only at the very start.
        assert sum(outcomes) >= STEPS // 2, outcomes

    run(main)
