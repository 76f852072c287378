"""One watchdog process per Python process: the CLIs die when we do.

Teardown (:mod:`ccsdk.runtime._process`) runs only while this process
lives. Killed by SIGKILL, or exiting with a session never closed, we would
leave the CLI, the Bash it started and that Bash's children running. So at
the first spawn a small watchdog is started: this file, run as a script by
the same interpreter (``-I -S``: no site, nothing of ccsdk imported), in a
session of its own (a Ctrl-C to our terminal's process group does not reach
it), with the read end of a pipe as its stdin. Only this process holds the
write end (close-on-exec: no CLI inherits it). Over it we register each
CLI's process group and the ``CCSDK_PROCESS_TAG`` its environment carries,
and unregister them once teardown has reaped the CLI.

When the pipe ends (we exited, however: SIGKILL included, since the kernel
closes a dead process's descriptors) the watchdog SIGKILLs (and SIGCONTs)
every registered group, then, on Linux, every process whose environment
carries a registered tag (the Bash tool runs in a session of its own, out
of the group's reach; its children inherit the tag), and exits. One
process per Python process, not one per session, and no thread.

Limits:

* **macOS** (any non-Linux POSIX): the pipe's end is portable, so the
  CLI's process group is killed there too; the tag sweep reads ``/proc``
  and is Linux only, so a Bash the CLI started in a session of its own may
  outlive us there.
* **fork()**: a forked child inherits the write end, which would keep the
  watchdog waiting until the child exits too. An ``os.register_at_fork``
  hook closes it in the child, which then starts a watchdog of its own at
  its first spawn; the parent's CLIs stay the parent's watchdog's.
* A watchdog that is itself killed (SIGKILL by a user) protects nothing; a
  new one is started at the next registration that finds it gone.
* It needs an interpreter to run: where ``sys.executable`` is not a Python
  (an embedding host such as uWSGI) there is no watchdog, and teardown
  works as before (logged at DEBUG).
* PR_SET_PDEATHSIG is not used: it fires when the *thread* that forked
  exits, not the process.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
import time

__all__ = ["TAG_VARIABLE", "register", "running", "sweep_tagged", "unregister"]

#: The variable that marks the CLI's descendants (see :mod:`ccsdk.runtime._process`).
TAG_VARIABLE = "CCSDK_PROCESS_TAG"

#: The variables the watchdog is started with, where set.
_START_ENV = frozenset(
    {"PATH", "LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH", "DYLD_FALLBACK_LIBRARY_PATH", "TMPDIR"}
)

_lock = threading.Lock()
#: The write end of the pipe to the watchdog, and the watchdog's pid.
_fd: int | None = None
_pid: int | None = None


# -- the parent's side -------------------------------------------------------------------


def register(group: int | None = None, tag: str | None = None) -> bool:
    """Have the watchdog kill ``group`` and sweep ``tag`` if this process dies.

    Starts the watchdog on first use. Returns whether the watchdog got it
    (``False`` where it could not be started: logged at DEBUG; teardown
    works as before, only a parent's death is not covered).
    """
    return _send("+", group, tag, start=True)


def unregister(group: int | None = None, tag: str | None = None) -> None:
    """Forget ``group`` and ``tag`` (after teardown reaped the CLI: a pid may be reused)."""
    _send("-", group, tag, start=False)


def running() -> tuple[int, int] | None:
    """The watchdog's pid and our end of its pipe, if one runs (for tests that count
    children and descriptors: both are this process's for its whole life)."""
    with _lock:
        return (_pid, _fd) if _pid is not None and _fd is not None else None


def _send(sign: str, group: int | None, tag: str | None, *, start: bool) -> bool:
    lines = ""
    if group is not None:
        lines += f"{sign}G {int(group)}\n"
    if tag is not None:
        if not tag.isalnum():
            raise ValueError(f"a process tag must be alphanumeric, not {tag!r}")
        lines += f"{sign}T {tag}\n"
    if not lines:
        return True
    data = lines.encode()
    with _lock:
        for _ in range(2):  # once more with a new watchdog if the old one is gone
            if _fd is None and (not start or not _start()):
                return False
            assert _fd is not None
            try:
                os.write(_fd, data)  # small: one atomic write to a pipe
            except BlockingIOError:  # a watchdog that reads nothing (stopped?)
                _log_debug("the process watchdog is not reading; not sent: %r", lines)
                return False
            except OSError:  # EPIPE: it died
                _forget()
                continue
            return True
    return False


def _start() -> bool:
    """Start the watchdog (under ``_lock``); whether it runs."""
    global _fd, _pid
    executable = sys.executable
    name = os.path.basename(executable).lower()
    # Embedded (uWSGI, Blender, ...), sys.executable is the host program: not one to run.
    if not ("python" in name or "pypy" in name) or not hasattr(os, "posix_spawn"):
        _log_debug("no process watchdog: no interpreter to run it with (%r)", executable)
        return False
    read_end, write_end = os.pipe()  # both close-on-exec
    argv = [executable, "-I", "-S", os.path.abspath(__file__)]
    file_actions = [
        (os.POSIX_SPAWN_DUP2, read_end, 0),
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_DUP2, 1, 2),
    ]
    # Only what an interpreter may need to start: the watchdog carries none
    # of our settings (nor anything a search of environments would match).
    env = {name: value for name, value in os.environ.items() if name in _START_ENV}
    try:
        try:
            pid = os.posix_spawn(executable, argv, env, file_actions=file_actions, setsid=True)
        except NotImplementedError:  # no POSIX_SPAWN_SETSID: a process group of its own
            pid = os.posix_spawn(executable, argv, env, file_actions=file_actions, setpgroup=0)
    except (OSError, NotImplementedError) as exc:
        os.close(read_end)
        os.close(write_end)
        _log_debug("no process watchdog: %s", exc)
        return False
    os.close(read_end)
    os.set_blocking(write_end, False)
    _fd, _pid = write_end, pid
    return True


def _forget() -> None:
    """Drop the watchdog we hold (under ``_lock``, or in a fork child): close, reap if dead."""
    global _fd, _pid
    if _fd is not None:
        with contextlib.suppress(OSError):
            os.close(_fd)
    if _pid is not None:
        with contextlib.suppress(OSError):
            os.waitpid(_pid, os.WNOHANG)
    _fd = _pid = None


def _after_fork_in_child() -> None:
    global _fd, _pid, _lock
    _lock = threading.Lock()  # the parent's may have been held by another thread
    if _fd is not None:
        with contextlib.suppress(OSError):
            os.close(_fd)
    # Not ours to reap: the watchdog is our parent's child.
    _fd = _pid = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _log_debug(message: str, *args: object) -> None:
    import logging

    logging.getLogger("ccsdk").debug(message, *args)


# -- both sides: the /proc sweep ------------------------------------------------------------


def sweep_tagged(tags: set[str], wait: float = 1.0) -> int:
    """SIGKILL every process whose environment holds ``CCSDK_PROCESS_TAG=<one of tags>``.

    Linux only (it reads ``/proc``; elsewhere it does nothing); processes of
    other users are skipped. Each candidate is held by a pidfd before its
    environment is read, so a pid reused meanwhile is never signalled, and
    the same pidfd tells when it has died: this blocks up to ``wait``
    seconds for that. Returns how many were killed.
    """
    if not tags or not sys.platform.startswith("linux"):
        return 0
    marks = {f"{TAG_VARIABLE}={tag}".encode() for tag in tags}
    try:
        names = os.listdir("/proc")
    except OSError:
        return 0
    me = str(os.getpid())
    killed: list[int] = []
    try:
        for name in names:
            if not name.isdigit() or name == me:
                continue
            try:
                fd = os.pidfd_open(int(name))
            except OSError:
                continue
            try:
                with open(f"/proc/{name}/environ", "rb") as f:
                    environ = f.read()
                if not marks.isdisjoint(environ.split(b"\0")):
                    signal.pidfd_send_signal(fd, signal.SIGKILL)
                    killed.append(fd)
                    continue
            except OSError:
                pass
            os.close(fd)
        if killed:
            # A pidfd turns readable when its process has died.
            poller = select.poll()
            for fd in killed:
                poller.register(fd, select.POLLIN)
            deadline = time.monotonic() + wait
            waiting = len(killed)
            while waiting and (left := deadline - time.monotonic()) > 0:
                for fd, _ in poller.poll(left * 1000):
                    poller.unregister(fd)
                    waiting -= 1
        return len(killed)
    finally:
        for fd in killed:
            os.close(fd)


# -- the watchdog's side ----------------------------------------------------------------------


def _serve() -> None:
    """Read registrations from stdin until it ends; then kill what is registered."""
    for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_IGN)
    os.closerange(3, 65536)  # whatever we inherited that was not close-on-exec
    os.chdir("/")  # hold no directory of the parent's
    groups: set[int] = set()
    tags: set[str] = set()
    pending = b""
    while True:
        try:
            data = os.read(0, 4096)
        except InterruptedError:
            continue
        except OSError:
            data = b""
        if not data:
            break
        pending += data
        *lines, pending = pending.split(b"\n")
        for line in lines:
            text = line.decode("ascii", "replace")
            sign, kind, value = text[:1], text[1:2], text[3:]
            if kind == "G" and value.isdigit():
                if sign == "+":
                    groups.add(int(value))
                else:
                    groups.discard(int(value))
            elif kind == "T" and value.isalnum():
                if sign == "+":
                    tags.add(value)
                else:
                    tags.discard(value)
    for group in groups:
        for sig in (signal.SIGKILL, signal.SIGCONT):
            with contextlib.suppress(OSError):
                os.killpg(group, sig)
    # A Bash may fork while the sweep runs: sweep until nothing is found.
    for _ in range(5):
        if not sweep_tagged(tags, wait=0.5):
            break


if __name__ == "__main__":
    _serve()
