"""Checks on processes: is a pid gone, is a process group empty."""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import anyio
import sniffio

from ccsdk.runtime import _watchdog

HERE = Path(__file__).resolve().parent


_DEAD = ("Z", "X")


def _stat(pid: int | str) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name, or None if gone.

    They start ``state ppid pgrp``; the command name may hold spaces and
    parentheses, hence the split at the last ``)``.
    """
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _all_stats() -> Iterator[tuple[int, list[str]]]:
    for name in os.listdir("/proc"):
        if name.isdigit() and (fields := _stat(name)) is not None:
            yield int(name), fields


def group_alive(pgid: int) -> bool:
    """Whether any process of group ``pgid`` still runs (zombies do not count).

    An orphan's zombie waits for init to reap it, which in some sandboxes
    never happens; it runs nothing and holds no pipe.
    """
    return any(int(f[2]) == pgid and f[0] not in _DEAD for _, f in _all_stats())


def children() -> list[int]:
    """Pids of our child processes (zombies included: they are not reaped yet).

    The process watchdog is not counted: it is started at the first spawn
    and lives as long as this process, by design.
    """
    me = os.getpid()
    watchdog = _watchdog.running()
    return [
        pid
        for pid, f in _all_stats()
        if int(f[1]) == me and (watchdog is None or pid != watchdog[0])
    ]


def process_dead(pid: int) -> bool:
    """Whether ``pid`` has stopped running (gone, or a zombie its parent has not reaped).

    For a process that is not our child: who reaps an orphan is up to init.
    """
    fields = _stat(pid)
    return fields is None or fields[0] in _DEAD


def open_fds() -> int:
    """How many descriptors we have open, less the watchdog's pipe (see :func:`children`)."""
    watchdog = _watchdog.running()
    return len(os.listdir("/proc/self/fd")) - (watchdog is not None)


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
