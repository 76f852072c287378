"""Containment: whatever the parent does (dies, is interrupted, never closes), nothing outlives it.

The real CLI runs a Bash tool (scripted through ``ccsdk.testing.FakeModel``)
that starts ``sleep`` and a child of its own; the Python program that drives
it is a child of the test (:data:`CHILD`), so that the test can SIGKILL or
Ctrl-C it and look at what is left. The faults the real CLI cannot be made
to show (a CLI that closes stdout after its result and never exits) use the
stand-in ``tests/fake_claude.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
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
from tests.conftest import ROOT, Runner
from tests.procs import fake_cli, group_alive, process_dead, wait_gone

#: The program the test interrupts or kills. It runs one turn whose Bash tool
#: starts a ``sleep`` in the background and sleeps itself; it prints the CLI's
#: pid, and, with ``"close": false``, never closes its client.
CHILD = """
import json, sys, anyio
from ccsdk import ClaudeCodeOptions, ClaudeSDKClient, SubprocessCLITransport

config = json.loads(sys.argv[1])

async def main():
    options = ClaudeCodeOptions(
        cli_path=config["cli_path"], env=config["env"], cwd=config["cwd"],
        allowed_tools=["Bash"], close_timeout=config["close_timeout"],
    )
    transport = SubprocessCLITransport(options)
    client = ClaudeSDKClient(options, transport=transport)
    if config["close"]:
        async with client:
            await turn(client, transport)
    else:
        await client.connect()
        await turn(client, transport)

async def turn(client, transport):
    print(transport.pid, flush=True)
    await client.query("run it")
    async for message in client.receive_response():
        print(message, file=sys.stderr)

anyio.run(main, backend=config["backend"])
"""


def bash_script(pidfile: Path) -> str:
    """A Bash tool's command: a child ``sleep``, both pids written, then a ``sleep`` of its own."""
    # Not starting with sleep: CLI 2.1.331 refuses that ("use Monitor").
    tmp = f"{pidfile}.tmp"
    return f"echo started; sleep 30 & echo $$ $! > {tmp}; mv {tmp} {pidfile}; sleep 31"


def start_child(
    tmp_path: Path, options: ClaudeCodeOptions, backend: str, *, close: bool
) -> subprocess.Popen[str]:
    config = {
        "cli_path": str(options.cli_path),
        "env": dict(options.env),
        "cwd": str(options.cwd),
        "backend": backend,
        "close": close,
        "close_timeout": 2.0,
    }
    program = tmp_path / "child.py"
    program.write_text(CHILD)
    return subprocess.Popen(
        [sys.executable, str(program), json.dumps(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def wait_for_pids(pidfile: Path, child: subprocess.Popen[str], timeout: float = 60) -> list[int]:
    deadline = time.monotonic() + timeout
    while not pidfile.exists():
        if child.poll() is not None:
            raise AssertionError(f"the program ended early: {child.communicate()}")
        if time.monotonic() > deadline:
            child.kill()
            raise AssertionError(f"the Bash tool did not start: {child.communicate()}")
        time.sleep(0.05)
    return [int(p) for p in pidfile.read_text().split()]


def all_gone(cli: int, others: list[int], within: float) -> bool:
    """Whether the CLI's group and every pid in ``others`` are dead within ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        gone = not group_alive(cli) and all(process_dead(pid) for pid in others)
        if gone or time.monotonic() > deadline:
            return gone
        time.sleep(0.05)


def kill_leftovers(cli: int, others: list[int]) -> None:
    """Clean up after a failing test, by the pids it started."""
    for pid in (cli, *others):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def bash_turn(fake_model: FakeModel, tmp_path: Path) -> Path:
    pidfile = tmp_path / "bash-pids"
    fake_model.add_turns(
        Turn([tool_use("Bash", {"command": bash_script(pidfile)}, id="toolu_1")]),
        Turn([text("never reached")]),
    )
    return pidfile


# -- the parent dies -------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_parent_sigkilled_mid_turn_takes_the_cli_and_its_bash_with_it(
    backend: str, bash_turn: Path, e2e_options: Any, tmp_path: Path
) -> None:
    child = start_child(tmp_path, e2e_options(), backend, close=True)
    assert child.stdout is not None
    cli = int(child.stdout.readline())
    bash, sleep = wait_for_pids(bash_turn, child)
    assert os.getsid(bash) != os.getsid(cli)  # out of the group's reach
    child.kill()
    child.communicate()
    try:
        assert all_gone(cli, [bash, sleep], within=2.0)
    finally:
        kill_leftovers(cli, [bash, sleep])


# -- Ctrl-C ------------------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("close", [True, False], ids=["closed", "never-closed"])
def test_ctrl_c_mid_turn_is_one_keyboard_interrupt_and_nothing_is_left(
    backend: str, bash_turn: Path, e2e_options: Any, tmp_path: Path, close: bool
) -> None:
    child = start_child(tmp_path, e2e_options(), backend, close=close)
    assert child.stdout is not None
    cli = int(child.stdout.readline())
    bash, sleep = wait_for_pids(bash_turn, child)
    child.send_signal(signal.SIGINT)
    try:
        _, stderr = child.communicate(timeout=15)
        # Python's own exit for an uncaught KeyboardInterrupt: killed by SIGINT.
        assert child.returncode == -signal.SIGINT, stderr
        assert "KeyboardInterrupt" in stderr
        assert "ExceptionGroup" not in stderr
        assert "Exception ignored" not in stderr  # no finaliser failed at exit
        assert all_gone(cli, [bash, sleep], within=2.0)
    finally:
        child.kill()
        kill_leftovers(cli, [bash, sleep])


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


# -- the watchdog itself ---------------------------------------------------------------------------


def test_a_forked_child_lets_go_of_the_watchdog_and_a_dead_watchdog_is_replaced() -> None:
    from ccsdk.runtime import _watchdog

    assert _watchdog.register(tag="containmenttest")
    watchdog = _watchdog.running()
    assert watchdog is not None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: it must not hold the parent's write end
        os.write(write_end, b"none" if _watchdog.running() is None else b"held")
        os._exit(0)
    os.close(write_end)
    try:
        assert os.read(read_end, 8) == b"none"
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    assert _watchdog.running() == watchdog  # the parent's is untouched
    # Killed from outside: the next registration finds it gone and starts another.
    os.kill(watchdog[0], signal.SIGKILL)
    deadline = time.monotonic() + 10
    while not process_dead(watchdog[0]) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _watchdog.register(tag="containmenttest")
    again = _watchdog.running()
    assert again is not None and again[0] != watchdog[0]
    assert not os.path.exists(f"/proc/{watchdog[0]}")  # reaped, not left a zombie
    _watchdog.unregister(tag="containmenttest")
