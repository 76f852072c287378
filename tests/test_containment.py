"""Containment: whatever the CLI does at the end, teardown keeps its bound and leaves nothing.

The real CLI runs a Bash tool (scripted through ``ccsdk.testing.FakeModel``)
that starts ``sleep`` and a child of its own. The faults the real CLI cannot
be made to show (a CLI that closes stdout after its result and never exits)
use the stand-in ``tests/fake_claude.py``.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import anyio
import pytest

from ccsdk import (
    ClaudeCodeOptions,
    ClaudeSDKClient,
    ControlTimeoutError,
    ResultMessage,
    SubprocessCLITransport,
    query,
)
from ccsdk.testing import FakeModel, Turn, text, tool_use
from tests.conftest import Runner
from tests.procs import fake_cli, group_alive, process_dead, wait_gone


def bash_script(pidfile: Path) -> str:
    """A Bash tool's command: a child ``sleep``, both pids written, then a ``sleep`` of its own."""
    # Not starting with sleep: CLI 2.1.331 refuses that ("use Monitor").
    tmp = f"{pidfile}.tmp"
    return f"echo started; sleep 30 & echo $$ $! > {tmp}; mv {tmp} {pidfile}; sleep 31"


@pytest.fixture
def bash_turn(fake_model: FakeModel, tmp_path: Path) -> Path:
    pidfile = tmp_path / "bash-pids"
    fake_model.add_turns(
        Turn([tool_use("Bash", {"command": bash_script(pidfile)}, id="toolu_1")]),
        Turn([text("never reached")]),
    )
    return pidfile


# -- the CLI misbehaves at the end ----------------------------------------------------------------


def test_a_cli_that_closes_stdout_after_its_result_and_never_exits(
    run: Runner, tmp_path: Path
) -> None:
    """The result arrives at once; teardown waits ``close_timeout`` once, then kills it."""
    grace = 2.0

    async def main() -> None:
        options = ClaudeCodeOptions(
            cli_path=fake_cli(tmp_path, "result_then_close_stdout"), close_timeout=grace
        )
        for use_client in (False, True):
            transport = SubprocessCLITransport(options)
            start = anyio.current_time()
            if use_client:
                async with ClaudeSDKClient(options, transport=transport) as client:
                    await client.query("hi")
                    messages = [m async for m in client.receive_response()]
            else:
                messages = [
                    m async for m in query(prompt="hi", options=options, transport=transport)
                ]
            assert isinstance(messages[-1], ResultMessage)
            # One grace, not one per teardown step (that was 2 x grace).
            assert anyio.current_time() - start < grace * 1.75
            assert transport.returncode == -signal.SIGTERM
            assert transport.pid is not None
            await wait_gone(transport.pid, timeout=0.5)

    run(main)


# -- the CLI is frozen ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_a_frozen_cli_is_killed_at_disconnect_without_waiting_out_the_grace(
    run: Runner, fake_model: FakeModel, e2e_options: Any, bash_turn: Path
) -> None:
    async def main() -> None:
        options = e2e_options(allowed_tools=["Bash"], control_timeout=1.0, close_timeout=5.0)
        transport = SubprocessCLITransport(options)
        client = ClaudeSDKClient(options, transport=transport)
        await client.connect()
        try:
            await client.query("run it")
            pidfile = anyio.Path(bash_turn)
            with anyio.fail_after(60):
                while not await pidfile.exists():  # noqa: ASYNC110
                    await anyio.sleep(0.05)
            bash, sleep = (int(p) for p in (await pidfile.read_text()).split())
            assert transport.pid is not None
            os.kill(transport.pid, signal.SIGSTOP)
            with pytest.raises(ControlTimeoutError):
                await client.interrupt()
            start = anyio.current_time()
            await client.disconnect()
            # A stopped CLI is killed at once: not close_timeout (5 s), twice.
            assert anyio.current_time() - start < 2.5
            assert transport.returncode == -signal.SIGKILL
            assert not group_alive(transport.pid)
            assert process_dead(bash) and process_dead(sleep)
        finally:
            with anyio.CancelScope(shield=True):
                await client.disconnect()

    run(main)
