"""Running the CLI as a child process: spawn, stderr, teardown.

What a child process must never do to its parent: outlive it, block it, or
take its errors away. So:

* the CLI gets its own process group (``start_new_session``), and teardown
  signals the whole group, so a Bash the CLI started goes with it;
* stderr is always piped and drained into a bounded ring; each line also
  goes to ``options.stderr`` if set, and the ring's tail goes into
  :class:`~ccsdk._errors.ProcessError`;
* teardown runs in order (close stdin, grace period, SIGTERM, grace,
  SIGKILL), every wait bounded, and always reaps the child. It runs under a
  shield, so a cancelled caller cannot skip it;
* the CLI starts its Bash tool in a session of its own (``setsid``), out of
  the group's reach. It kills those itself when it exits normally, but not
  when it is killed. So the child's environment carries a random
  ``CCSDK_PROCESS_TAG``, and on Linux a teardown after anything but a clean
  exit also kills every process of ours whose environment carries the tag;
* should this Python process die without teardown (SIGKILL, or exit with a
  session never closed), the process watchdog (:mod:`ccsdk.runtime._watchdog`)
  kills the group and sweeps the tag: each CLI is registered with it from
  spawn to reaping.

The process is started by ``options.spawn`` when set (the CLI in a
container, over ssh: see :mod:`ccsdk.runtime._spawn`), else by
:func:`~ccsdk.runtime._spawn.spawn_subprocess`. Everything below applies to
either; only the group kill and the tag sweep need a local child, and the
group kill is used only for a child that leads its own group.

This transport owns no task. Reading stderr and watching for the CLI's exit
is work the runtime does beside reading stdout, inside whatever task group
the runtime has open at that moment: :meth:`SubprocessCLITransport.start_side_work`,
the side-work hook every ``ByteTransport`` has. The exit watch is what ends the output
of a CLI that died while an orphan of its still holds its stdout: without
it, the read would wait for ever.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import time
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING

import anyio
import anyio.abc
import anyio.to_thread

from ccsdk._errors import CLIConnectionError, CLINotFoundError, LineTooLongError, ProcessError
from ccsdk._options import line_bound
from ccsdk._redact import Redactor, redact_argv
from ccsdk.protocol.framing import LineBuffer
from ccsdk.runtime._command import build_argv, build_env
from ccsdk.runtime._discovery import find_cli
from ccsdk.runtime._spawn import SpawnedProcess, SpawnRequest, process_group, spawn_subprocess
from ccsdk.runtime._transport import ByteTransport
from ccsdk.runtime._watchdog import TAG_VARIABLE, sweep_tagged
from ccsdk.runtime._watchdog import register as watch
from ccsdk.runtime._watchdog import running as watchdog_running
from ccsdk.runtime._watchdog import unregister as unwatch

if TYPE_CHECKING:
    from ccsdk._options import Options

__all__ = ["STDERR_RING_BYTES", "TAG_VARIABLE", "SubprocessCLITransport", "kill_tagged"]

log = logging.getLogger("ccsdk")

#: How much of the CLI's latest stderr is kept for error messages.
STDERR_RING_BYTES = 16 * 1024
#: stderr lines longer than this are cut (in the ring and for the callback).
_STDERR_LINE_BYTES = 8 * 1024
_STDERR_BUFFER_BYTES = 1024 * 1024
_READ_SIZE = 256 * 1024


class SubprocessCLITransport(ByteTransport):
    """The default transport: the ``claude`` CLI as a child process."""

    def __init__(self, options: Options, *, cli_path: str | Path | None = None) -> None:
        self.options = options
        self.max_line_bytes = line_bound(options)
        self._cli_path = cli_path if cli_path is not None else options.cli_path
        self._process: SpawnedProcess | None = None
        # The pipes, held here so that a read or write is one attribute away.
        self._stdin: anyio.abc.ByteSendStream | None = None
        self._stdout: anyio.abc.ByteReceiveStream | None = None
        self._stderr: anyio.abc.ByteReceiveStream | None = None
        #: The process group to signal: set only for a local child leading its own.
        self._group: int | None = None
        self._input_open = False
        self._closed = False
        self._stderr_lines = LineBuffer(_STDERR_BUFFER_BYTES)
        self._stderr_ring: deque[str] = deque()
        self._stderr_ring_bytes = 0
        self._stderr_done = anyio.Event()
        self._env: dict[str, str] = {}
        self._redactor: Redactor | None = None
        self._we_signalled = False
        self._tag = os.urandom(12).hex()
        self._output_ended = anyio.Event()
        self._exit_watched = False
        self._tagged_killed = False
        #: When the CLI was due to exit on its own, once wait_exit() began
        #: waiting for it (its output had ended): close() waits only for what
        #: is left, so the grace is waited out once, not once per step.
        self._exit_deadline: float | None = None

    # -- facts ---------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        """The CLI's process id (for the default spawn also its process group
        id), once started; ``None`` for a custom process that has no ``pid``."""
        pid = getattr(self._process, "pid", None)
        return pid if isinstance(pid, int) else None

    @property
    def returncode(self) -> int | None:
        return self._process.returncode if self._process is not None else None

    def stderr_tail(self) -> str:
        """The latest stderr lines kept, secrets redacted."""
        return self._redact("\n".join(self._stderr_ring))

    def _redact(self, text: str) -> str:
        # The session's secrets (options.env, MCP env / headers / URLs) and
        # the CLI's environment; built once the environment is known.
        if self._redactor is None:
            self._redactor = Redactor.for_options(self.options, self._env)
        return self._redactor(text)

    # -- lifecycle -----------------------------------------------------------

    async def connect(self) -> None:
        """Build the command and environment, and start the CLI through the spawn.

        Raises:
            CLINotFoundError: no CLI found (default spawn only).
            CLIConnectionError: ``cwd`` does not exist (default spawn only),
                or the process could not be started (an ``OSError``).
            TypeError: a custom spawn returned something without the
                :class:`~ccsdk.runtime._spawn.SpawnedProcess` members.
        """
        if self._process is not None:
            raise CLIConnectionError("this transport is already connected")
        options = self.options
        spawn = options.spawn
        cwd = options.cwd
        if spawn is None:
            # Both look at the filesystem: keep that off the event loop.
            cli = await anyio.to_thread.run_sync(find_cli, self._cli_path)
            if cwd is not None and not await anyio.Path(cwd).is_dir():
                raise CLIConnectionError(f"Working directory does not exist: {cwd}")
        else:
            # The CLI may live elsewhere: nothing is looked up here.
            cli = os.fspath(self._cli_path) if self._cli_path is not None else "claude"
        argv = build_argv(options, cli)
        env = build_env(options, os.environ)
        env[TAG_VARIABLE] = self._tag
        self._env = env
        self._redactor = None
        overrides = build_env(options, {}) if spawn is not None else {}
        overrides[TAG_VARIABLE] = self._tag
        request = SpawnRequest(
            argv=argv,
            env=env,
            env_overrides=overrides,
            cwd=os.fspath(cwd) if cwd is not None else None,
            user=options.user,
        )
        log.debug("starting the CLI: %s", redact_argv(argv))
        # Before the start: the tag is in the CLI's own environment, so
        # should we die between the start and the group's registration, the
        # watchdog's sweep still finds it.
        if watchdog_running():
            watch(tag=self._tag)  # one small write to a pipe
        else:  # the first spawn starts the watchdog: off the event loop
            await anyio.to_thread.run_sync(lambda: watch(tag=self._tag))
        try:
            process = await (spawn_subprocess if spawn is None else spawn)(request)
        except OSError as exc:
            unwatch(tag=self._tag)  # nothing started
            if spawn is not None:
                raise CLIConnectionError(f"options.spawn could not start the CLI: {exc}") from exc
            if isinstance(exc, FileNotFoundError):
                raise CLINotFoundError("Claude Code not found at", cli) from exc
            if isinstance(exc, PermissionError):
                raise CLIConnectionError(f"Cannot execute the CLI at {cli}: {exc}") from exc
            raise CLIConnectionError(f"Failed to start Claude Code: {exc}") from exc
        if spawn is not None:
            _check_spawned(process)
        self._process = process
        self._stdin = process.stdin
        self._stdout = process.stdout
        self._stderr = process.stderr
        if self._stderr is None:
            self._stderr_done.set()
        self._group = process_group(process)
        if self._group is not None:
            watch(group=self._group)
        self._input_open = True

    def is_ready(self) -> bool:
        return self._input_open and not self._closed

    async def send_bytes(self, data: bytes) -> None:
        stdin = self._stdin
        if stdin is None or not self._input_open:
            raise CLIConnectionError("the CLI's input is not open (not connected, or closed)")
        try:
            await stdin.send(data)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError) as exc:
            self._input_open = False
            code = self.returncode
            raise CLIConnectionError(
                "cannot write to the CLI: its input is broken"
                + (f" (it exited with code {code})" if code is not None else "")
            ) from exc

    async def receive_bytes(self) -> bytes:
        stdout = self._stdout
        if stdout is None:
            raise CLIConnectionError("not connected")
        try:
            return await stdout.receive(_READ_SIZE)
        except (anyio.EndOfStream, anyio.ClosedResourceError, anyio.BrokenResourceError):
            self._output_ended.set()
            return b""

    def has_side_work(self) -> bool:
        """Whether :meth:`start_side_work` has anything left to do."""
        return self._process is not None and not (self._stderr_done.is_set() and self._exit_watched)

    def start_side_work(self, task_group: anyio.abc.TaskGroup) -> None:
        """Start reading stderr and watching for exit in ``task_group`` (both safe to cancel)."""
        if not self._stderr_done.is_set():
            task_group.start_soon(self.pump_stderr)
        if not self._exit_watched:
            task_group.start_soon(self.watch_exit)

    async def watch_exit(self) -> None:
        """Once the CLI has exited, see that its output ends.

        Whatever it left running in its group, or tagged elsewhere, is killed:
        an orphan has no business outliving it, and one that inherited its
        stdout would keep the output open. If the output still has not
        ended after ``close_timeout``, it is closed here, so the reader sees
        the end and the exit code explains it.
        """
        process = self._process
        if process is None or self._exit_watched:
            return
        await process.wait()
        self._exit_watched = True
        await self._kill_leftovers()
        with anyio.move_on_after(self.options.close_timeout):
            await self._output_ended.wait()
        if not self._output_ended.is_set():
            log.warning("the CLI exited but its output stayed open; closing it")
            assert self._stdout is not None
            await self._stdout.aclose()

    async def pump_stderr(self) -> None:
        """Read stderr into the ring (and the callback) until it ends.

        Safe to cancel and call again: a line cut by cancellation is kept
        in the line buffer and completed by the next call.
        """
        stderr = self._stderr
        if stderr is None or self._stderr_done.is_set():
            return
        while True:
            try:
                data = await stderr.receive(_READ_SIZE)
            except (anyio.EndOfStream, anyio.ClosedResourceError, anyio.BrokenResourceError):
                data = b""
            buffer = self._stderr_lines
            try:
                lines = buffer.feed(data) if data else [buffer.take_tail()]
            except LineTooLongError:
                lines = []
            if buffer.error is not None:  # stderr is diagnostics: say so, go on
                self._stderr_lines = LineBuffer(_STDERR_BUFFER_BYTES)
                bound = buffer.max_line_bytes
                lines.append(f"[ccsdk: a stderr line over {bound} bytes was dropped]".encode())
            for raw in lines:
                self._on_stderr_line(raw[:_STDERR_LINE_BYTES].decode("utf-8", "replace").rstrip())
            if not data:
                self._stderr_done.set()
                return

    def _on_stderr_line(self, line: str) -> None:
        if not line:
            return
        line = self._redact(line)  # before the ring, the callback and the log
        self._stderr_ring.append(line)
        self._stderr_ring_bytes += len(line) + 1
        while self._stderr_ring_bytes > STDERR_RING_BYTES and len(self._stderr_ring) > 1:
            self._stderr_ring_bytes -= len(self._stderr_ring.popleft()) + 1
        options = self.options
        callback = options.stderr
        if callback is not None:
            try:
                callback(line)
            except Exception:
                log.exception("the stderr callback raised; the line was: %s", line)
        elif "debug-to-stderr" in options.extra_args and options.debug_stderr is not None:
            # The 0.0.25 way: a file-like object, written as lines come.
            try:
                options.debug_stderr.write(line + "\n")
                options.debug_stderr.flush()
            except (OSError, ValueError) as exc:  # closed, or a full disk: diagnostics only
                log.debug("could not write to debug_stderr: %s", exc)

    async def end_input(self) -> None:
        stdin = self._stdin
        if stdin is None or not self._input_open:
            return
        self._input_open = False
        with contextlib.suppress(anyio.BrokenResourceError, OSError):
            await stdin.aclose()

    async def wait_exit(self) -> None:
        """Wait (bounded) for the CLI to exit after its output ended.

        Raises:
            ProcessError: it exited non-zero, or was killed by a signal we
                did not send; the message carries the stderr tail.
        """
        process = self._process
        if process is None:
            return
        if not self._stopped():  # a stopped CLI cannot exit: teardown kills it
            with anyio.move_on_after(self._until_exit_deadline()):
                async with anyio.create_task_group() as tg:
                    tg.start_soon(self.pump_stderr)
                    await process.wait()
        code = process.returncode
        if code is None or code == 0 or self._we_signalled:
            return
        with anyio.move_on_after(1):  # the last words are usually the useful ones
            await self._stderr_done.wait()
        if code < 0:
            message = f"Claude Code was killed by signal {-code} ({_signal_name(-code)})"
        else:
            message = "Claude Code exited with an error"
        raise ProcessError(message, exit_code=code, stderr=self.stderr_tail() or None)

    async def close(self) -> None:
        """Close stdin, wait, SIGTERM, wait, SIGKILL, reap: bounded, idempotent."""
        if self._closed:
            return
        self._closed = True
        process = self._process
        if process is None:
            return
        grace = self.options.close_timeout
        await self.end_input()
        async with anyio.create_task_group() as tg:
            # Keep draining both pipes: a CLI blocked on a full pipe never exits.
            tg.start_soon(self._discard_stdout)
            tg.start_soon(self.pump_stderr)
            try:
                if process.returncode is None and self._stopped():
                    # Stopped (SIGSTOP, a debugger): it cannot exit, and a
                    # SIGTERM would stay pending. Only SIGKILL ends it.
                    log.warning("the CLI (pid %s) is stopped; killing it", self.pid)
                    self._signal(signal.SIGKILL)
                if process.returncode is None:
                    # The grace, less what wait_exit() already waited of it.
                    with anyio.move_on_after(self._until_exit_deadline()):
                        await process.wait()
                if process.returncode is None:
                    self._signal(signal.SIGTERM)
                    if self._group is not None:
                        # Stopped meanwhile, or where _stopped() cannot tell
                        # (macOS): a stopped process keeps a SIGTERM pending.
                        with contextlib.suppress(ProcessLookupError, PermissionError):
                            os.killpg(self._group, signal.SIGCONT)
                    with anyio.move_on_after(grace):
                        await process.wait()
                if process.returncode is None:
                    self._signal(signal.SIGKILL)
                    with anyio.move_on_after(grace):
                        await process.wait()
                if process.returncode is None:
                    log.warning("the CLI (pid %s) did not die after SIGKILL", self.pid)
                await self._kill_leftovers()
            finally:
                tg.cancel_scope.cancel()
        for stream in (self._stdout, self._stderr):
            if stream is not None:
                await stream.aclose()
        if process.returncode is not None:  # reaped: nothing of it is left to watch
            unwatch(tag=self._tag)

    def _until_exit_deadline(self) -> float:
        """Seconds left of the grace for the CLI's own exit (starting it now if not begun)."""
        now = time.monotonic()
        if self._exit_deadline is None:
            self._exit_deadline = now + self.options.close_timeout
        return max(0.0, self._exit_deadline - now)

    def _stopped(self) -> bool:
        """Whether the CLI is stopped (state ``T`` or ``t`` in ``/proc``; Linux only)."""
        pid = self.pid
        if pid is None or self._group is None or not sys.platform.startswith("linux"):
            return False
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state in (b"T", b"t")

    def kill_now(self, sig: signal.Signals = signal.SIGKILL) -> bool:
        """Signal the CLI (its process group, if it leads one) at once, awaiting nothing.

        For a finaliser, where no event loop can be used: the child then
        exits, and the runtime's child watcher (or the next wait) reaps it.
        A custom process gets ``terminate()`` for SIGTERM, else ``kill()``.
        Returns whether the CLI was still running (and so was signalled).
        """
        process = self._process
        if process is None or process.returncode is not None:
            return False
        if self._group is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._group, sig)
        else:
            self._signal_process(sig)
        if sys.is_finalizing():
            # At interpreter exit, where builtins such as open() may be gone
            # already: the watchdog sweeps the tag once this process is over.
            return True
        kill_tagged(self._tag, wait=0)  # a finaliser must not block
        return True

    async def _kill_leftovers(self) -> None:
        """After the CLI's exit: kill what it left in its group and, unless it
        exited cleanly (then it cleaned up itself), what carries its tag."""
        process = self._process
        assert process is not None
        if self._group is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._group, signal.SIGKILL)
            if process.returncode is not None:
                # Reaped, its group killed: the number may be reused now.
                unwatch(group=self._group)
        if (process.returncode != 0 or self._we_signalled) and not self._tagged_killed:
            await anyio.to_thread.run_sync(kill_tagged, self._tag)
            # Only once it ran: a cancelled exit watch leaves the sweep to close().
            self._tagged_killed = True

    async def _discard_stdout(self) -> None:
        while await self.receive_bytes():
            pass

    def _signal(self, sig: signal.Signals) -> None:
        """Teardown's SIGTERM / SIGKILL: to the group if there is one, else the process."""
        self._we_signalled = True
        if self._group is not None:
            try:
                os.killpg(self._group, sig)
            except (ProcessLookupError, PermissionError):
                pass
            else:
                return
        self._signal_process(sig)

    def _signal_process(self, sig: signal.Signals) -> None:
        process = self._process
        assert process is not None
        if process.returncode is not None:
            return
        try:
            if sig == signal.SIGTERM:
                process.terminate()
            else:
                process.kill()
        except ProcessLookupError:
            pass
        except Exception:  # a custom process's: teardown goes on regardless
            log.exception("signalling the CLI process (%s) failed", sig.name)


def _check_spawned(process: object) -> None:
    """Refuse what a custom spawn returned unless it has what ccsdk drives.

    Raises ``TypeError`` naming what is missing; the object's ``kill()`` is
    called first, if it has one, so that a started process does not run on.
    """
    missing = [
        name
        for name in ("stdin", "stdout", "wait", "terminate", "kill")
        if getattr(process, name, None) is None
    ]
    if not hasattr(process, "returncode"):
        missing.append("returncode")
    if not missing:
        return
    kill = getattr(process, "kill", None)
    if callable(kill):
        with contextlib.suppress(Exception):
            kill()
    raise TypeError(
        f"options.spawn returned {type(process).__name__}, which has no "
        f"{', '.join(missing)}: it must return a SpawnedProcess (stdin and stdout "
        "streams, stderr or None, returncode, wait(), terminate(), kill()), "
        "such as the anyio.abc.Process of anyio.open_process()"
    )


def kill_tagged(tag: str, wait: float = 1.0) -> int:
    """SIGKILL every process whose environment holds ``CCSDK_PROCESS_TAG=tag``.

    Linux only (it reads ``/proc``; elsewhere it does nothing); processes of
    other users are skipped; a pid reused meanwhile is never signalled. This
    blocks (call it in a thread) up to ``wait`` seconds for them to die.
    Returns how many were killed.
    """
    killed = sweep_tagged({tag}, wait)
    if killed:
        log.debug("killed %d process(es) the CLI left behind", killed)
    return killed


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return "unknown signal"
