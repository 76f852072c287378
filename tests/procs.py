"""Checks on processes: is a pid gone, is a process group empty."""

from __future__ import annotations

import os

import anyio


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
