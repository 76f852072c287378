"""Measure the containment faults: how long each takes and what it leaves behind.

Run from the repository's root, with the pinned CLI in ``.cli/``::

    .venv/bin/python scripts/measure_containment.py

It drives the real CLI against ``ccsdk.testing.FakeModel`` (and the stand-in
``tests/fake_claude.py`` where the real CLI cannot show the fault), on trio
and asyncio, and prints one line per case: the numbers for the reliability
table. The tests in ``tests/test_containment.py`` assert the bounds.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

import anyio

from ccsdk import (
    ClaudeCodeOptions,
    ClaudeSDKClient,
    ControlTimeoutError,
    ResultMessage,
    SubprocessCLITransport,
    query,
)
from ccsdk.testing import FakeModel, Turn, ensure_cli, text, tool_use
from tests.procs import fake_cli, group_alive, process_dead
from tests.test_containment import bash_script, start_child, wait_for_pids

CLI = ensure_cli(Path(".cli"))


def gone_after(cli: int, others: list[int], start: float, limit: float = 30) -> float | None:
    """Seconds from ``start`` until the CLI's group and ``others`` are dead, or None."""
    while time.monotonic() - start < limit:
        if not group_alive(cli) and all(process_dead(pid) for pid in others):
            return time.monotonic() - start
        time.sleep(0.01)
    return None


@contextlib.contextmanager
def bash_model(tmp: Path) -> Iterator[tuple[Path, ClaudeCodeOptions]]:
    """A started FakeModel scripted for one Bash turn; the pidfile and the options."""
    model = FakeModel([])
    pidfile = tmp / "pids"
    model.add_turns(
        Turn([tool_use("Bash", {"command": bash_script(pidfile)}, id="toolu_1")]),
        Turn([text("never reached")]),
    )
    (tmp / "home").mkdir()
    (tmp / "work").mkdir()
    with model:
        yield (
            pidfile,
            ClaudeCodeOptions(
                cli_path=str(CLI),
                env=model.env(home=str(tmp / "home")),
                cwd=str(tmp / "work"),
                allowed_tools=["Bash"],
                control_timeout=2.0,
            ),
        )


def parent_faults(backend: str) -> None:
    for sig, close in ((signal.SIGKILL, True), (signal.SIGINT, True), (signal.SIGINT, False)):
        tmp = Path(tempfile.mkdtemp())
        with bash_model(tmp) as (pidfile, options):
            child = start_child(tmp, options, backend, close=close)
            assert child.stdout is not None
            cli = int(child.stdout.readline())
            bash, sleep = wait_for_pids(pidfile, child)
            start = time.monotonic()
            child.send_signal(sig)
            _, err = child.communicate()
            exited = time.monotonic() - start
            gone = gone_after(cli, [bash, sleep], start)
            took = "never" if gone is None else f"{gone:.2f} s"
            lines = err.strip().splitlines()
            last = lines[-1][:60] if lines and sig == signal.SIGINT else ""
            print(
                f"{backend:8} parent {sig.name} (client {'closed' if close else 'never closed'}):"
                f" exit {child.returncode} after {exited:.2f} s;"
                f" CLI group, Bash and its sleep gone after {took}"
                + (f"; last stderr line {last!r}" if last else ""),
                flush=True,
            )


async def result_then_silence() -> None:
    tmp = Path(tempfile.mkdtemp())
    options = ClaudeCodeOptions(cli_path=fake_cli(tmp, "result_then_close_stdout"))
    start = anyio.current_time()
    result_at = None
    async for message in query(prompt="hi", options=options):
        if isinstance(message, ResultMessage):
            result_at = anyio.current_time() - start
    assert result_at is not None
    print(
        f"  result, stdout closed, no exit: result after {result_at:.2f} s,"
        f" query() returned after {anyio.current_time() - start:.2f} s (close_timeout 5)",
        flush=True,
    )


async def frozen_cli() -> None:
    tmp = Path(tempfile.mkdtemp())
    with bash_model(tmp) as (pidfile, options):
        transport = SubprocessCLITransport(options)
        client = ClaudeSDKClient(options, transport=transport)
        await client.connect()
        await client.query("run it")
        path = anyio.Path(pidfile)
        while not await path.exists():  # noqa: ASYNC110
            await anyio.sleep(0.05)
        bash, sleep = (int(p) for p in (await path.read_text()).split())
        assert transport.pid is not None
        os.kill(transport.pid, signal.SIGSTOP)
        start = anyio.current_time()
        with contextlib.suppress(ControlTimeoutError):
            await client.interrupt()
        timed_out = anyio.current_time() - start
        start = anyio.current_time()
        await client.disconnect()
        print(
            f"  CLI SIGSTOPped: interrupt() ControlTimeoutError after {timed_out:.2f} s"
            f" (control_timeout 2); disconnect() took {anyio.current_time() - start:.2f} s"
            f" (close_timeout 5); exit {transport.returncode};"
            f" group alive {group_alive(transport.pid)}, Bash alive {not process_dead(bash)},"
            f" sleep alive {not process_dead(sleep)}",
            flush=True,
        )


def main() -> None:
    for backend in ("trio", "asyncio"):
        parent_faults(backend)
        print(backend, flush=True)
        anyio.run(result_then_silence, backend=backend)
        anyio.run(frozen_cli, backend=backend)


if __name__ == "__main__":
    main()
