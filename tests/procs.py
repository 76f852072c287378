"""Checks on processes: is a pid gone, is a process group empty."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import anyio
import sniffio

HERE = Path(__file__).resolve().parent


def group_alive(pgid: int) -> bool:
    """Whether any process of group ``pgid`` still runs (zombies do not count).

    An orphan's zombie waits for init to reap it, which in some sandboxes
    never happens; it runs nothing and holds no pipe.
    """
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            return True
    return False


async def wait_gone(pid: int, timeout: float = 15) -> None:  # noqa: ASYNC109
    """Wait until ``pid`` has exited and been reaped (by whoever owns it).

    Exit is awaited directly through a pidfd; reaping is another task's
    work, so after the exit this checks between scheduler turns.
    """
    with anyio.fail_after(timeout):
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            return
        try:
            await anyio.wait_readable(fd)
        finally:
            os.close(fd)
        # No event exists for another task's reaping; a /proc stat is instant.
        while os.path.exists(f"/proc/{pid}"):  # noqa: ASYNC110, ASYNC240
            await anyio.sleep(0.005)


def fake_cli(tmp_path: Path, scenario: str, **env: str) -> str:
    """A `claude` for ClaudeCodeOptions(cli_path=...) that runs tests/fake_claude.py."""
    script = tmp_path / f"claude-{scenario}"
    settings = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    script.write_text(
        f"#!/bin/sh\nFAKE_CLAUDE_SCENARIO={scenario} {settings} exec {sys.executable} "
        f'{HERE / "fake_claude.py"} "$@"\n'
    )
    script.chmod(0o755)
    return str(script)


def living_tasks() -> int:
    """How many tasks the running event loop has alive (trio or asyncio)."""
    if sniffio.current_async_library() == "trio":
        import trio

        return trio.lowlevel.current_statistics().tasks_living
    import asyncio

    return len(asyncio.all_tasks())


def process_dead(pid: int) -> bool:
    """Whether ``pid`` has stopped running (gone, or a zombie its parent has not reaped).

    For a process that is not our child: who reaps an orphan is up to init.
    """
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")
