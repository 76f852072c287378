"""Starting the CLI: the spawn hook, its default, and a wrapper-command helper.

``ClaudeCodeOptions.spawn`` replaces *how the CLI process is started*, and
nothing else. ccsdk still builds the command line and the environment, hands
them over as a :class:`SpawnRequest`, and drives whatever
:class:`SpawnedProcess` comes back exactly as it drives its own child: the
same stream-json session, the same stderr ring and ``ProcessError``, the same
exit watch, the same teardown (close stdin, grace, terminate, grace, kill,
reap). So a CLI in a container, on another machine over ssh, or under a
sandboxing wrapper gets every guarantee that does not depend on being a
local child.

What a custom process cannot get, and why:

* **Process-group kill.** ccsdk signals the whole process group only of a
  local child it can prove leads its own group (an :class:`anyio.abc.Process`
  whose pid is its group id). Any other process gets ``terminate()`` and
  ``kill()``; what the CLI started on the far side is for the far side to
  end (ssh and ``docker exec`` end the remote command when their stdin and
  connection close, and the CLI ends its own tools when it exits normally).
* **The tag sweep.** ``CCSDK_PROCESS_TAG`` still reaches the CLI, but the
  sweep reads this machine's ``/proc`` only: a remote CLI's leftovers are
  out of its reach.
* **Shielded start.** :func:`spawn_subprocess` starts the process under a
  shield, so a cancelled start cannot leave a child nobody holds. A spawn
  function of your own is not shielded by ccsdk (it could wait on a network
  for ever); shield your own process start, or call
  :func:`spawn_subprocess`.

:func:`wrap_command` covers the common case, running the CLI through a
command such as ``ssh host`` or ``docker exec -i container``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shlex
import subprocess
import weakref
from collections.abc import Iterable, Sequence
from typing import Any, cast

import anyio
import anyio.abc
import attrs

from ccsdk._redact import redact_text
from ccsdk._spawn_types import Spawn, SpawnedProcess, SpawnRequest

__all__ = [
    "CommandWrapper",
    "Spawn",
    "SpawnRequest",
    "SpawnedProcess",
    "spawn_subprocess",
    "wrap_command",
]

log = logging.getLogger("ccsdk")


async def spawn_subprocess(request: SpawnRequest) -> anyio.abc.Process:
    """The default spawn: ``request.argv`` as a local child in its own process group.

    All three pipes are opened; ``start_new_session`` gives the child its
    own group, so teardown can signal everything it started there. The
    start is shielded: asyncio's spawn, cancelled, can leave a child that
    nobody holds. Spawning is quick; the caller's next await sees the
    cancellation, and teardown then finds the process.

    Raises ``OSError`` (``FileNotFoundError``, ``PermissionError``, ...) when
    the program cannot be started.
    """
    with anyio.CancelScope(shield=True):
        process = await anyio.open_process(
            list(request.argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=request.cwd,
            env=dict(request.env),
            start_new_session=True,
            user=request.user,
        )
        _GROUP_LEADERS.add(process)
        return process
    # The scope is never cancelled, so it swallows nothing; its __exit__ is
    # typed as if it might.
    raise AssertionError("unreachable")  # pragma: no cover


#: Processes started by :func:`spawn_subprocess`: each leads a group of its own.
_GROUP_LEADERS: weakref.WeakSet[anyio.abc.Process] = weakref.WeakSet()


def process_group(process: object) -> int | None:
    """The process group that teardown may signal for ``process``, or ``None``.

    A process from :func:`spawn_subprocess` leads its own group by
    construction. Another :class:`anyio.abc.Process` (a local child a custom
    spawn started) counts only if it still runs and its group id is its pid:
    one left in *our* group must never be signalled through the group.
    Anything else is not known to be a local child: ``None``.
    """
    if not isinstance(process, anyio.abc.Process):
        return None
    if process in _GROUP_LEADERS:
        return process.pid
    if process.returncode is not None:
        return None  # reaped: its pid may be another process's by now
    try:
        group = os.getpgid(process.pid)
    except OSError:
        return None
    return group if group == process.pid else None


#: A variable name the remote ``sh`` can ``export``.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# The remote command's script, for sh -c. It reads the environment from its
# stdin, one `NAME='value'` line per variable (a newline inside a value is
# written "$nl"), up to an empty line, exports each, then runs the CLI on the
# rest of stdin. sh reads a pipe byte by byte, so nothing past the empty line
# is consumed. $0 is the directory to cd to, or "-" for none; "$@" the CLI.
_READ_ENV = (
    "nl=$(printf '\\nx'); nl=${nl%x}; "
    'while IFS= read -r l && [ -n "$l" ]; do eval "export $l" || exit 125; done; '
    "unset nl l; "
)
_EXEC = 'exec "$@"'
#: How long writing the environment to the wrapper may take (a pipe takes
#: 64 KiB without waiting; more waits for the wrapper to read).
_PREAMBLE_TIMEOUT = 30.0
_CD_AND_EXEC = 'cd -- "$0" && exec "$@"'


def _assignment(name: str, value: str) -> str:
    """One line the script evaluates: ``NAME='value'``, newlines as ``"$nl"``."""
    return name + "=" + '"$nl"'.join(shlex.quote(part) for part in value.split("\n"))


@attrs.frozen
class CommandWrapper:
    """A spawn function that runs the CLI through a wrapper command; see :func:`wrap_command`."""

    prefix: tuple[str, ...]
    cli: str | None = None
    remote_shell: bool = False
    forward_env: tuple[str, ...] = ()

    def env_for(self, request: SpawnRequest) -> dict[str, str]:
        """The variables the CLI is given on the other side.

        ``request.env_overrides`` (but ``PWD``: the local path; ``cd`` sets
        it there) and each ``forward_env`` variable that is set locally.

        Raises:
            ValueError: a name that ``sh`` cannot export (empty, ``=`` in it,
                not letters, digits and ``_``).
        """
        env = {k: v for k, v in request.env_overrides.items() if k != "PWD"}
        for name in self.forward_env:
            if name in request.env:
                env[name] = request.env[name]
        for name in env:
            if not _NAME.fullmatch(name):
                raise ValueError(
                    f"cannot pass the variable {name!r}: the remote sh exports only "
                    "names of letters, digits and _"
                )
        return env

    def argv_for(self, request: SpawnRequest) -> list[str]:
        """The local command line that runs ``request`` through the wrapper.

        The command after the prefix is ``sh -c '<read the environment from
        stdin, export it, cd, exec>' <cwd or -> <cli> <args>``: no value of
        the environment is on it, so none is on any command line, local or
        remote (``ps``, ``/proc/PID/cmdline``). The values are written to
        the wrapper's stdin first (:meth:`stdin_preamble`). With
        ``remote_shell`` the command is one argument, quoted with
        :func:`shlex.join`, since ssh hands its command to the remote shell
        as one string.

        Raises:
            ValueError: as :meth:`env_for`.
        """
        self.env_for(request)  # refuse a bad name before anything starts
        argv = list(request.argv)
        if self.cli is not None:
            argv[0] = self.cli
        if request.cwd is None:
            remote = ["sh", "-c", _READ_ENV + _EXEC, "-", *argv]
        else:
            remote = ["sh", "-c", _READ_ENV + _CD_AND_EXEC, request.cwd, *argv]
        if self.remote_shell:
            return [*self.prefix, shlex.join(remote)]
        return [*self.prefix, *remote]

    def stdin_preamble(self, request: SpawnRequest) -> bytes:
        """What ccsdk writes to the wrapper's stdin before the session.

        One ``NAME='value'`` line per variable of :meth:`env_for`, then an
        empty line; the remote ``sh`` reads exactly that, and the CLI gets
        the rest of the stream.
        """
        lines = [_assignment(k, v) for k, v in self.env_for(request).items()]
        return "".join(line + "\n" for line in [*lines, ""]).encode()

    async def __call__(self, request: SpawnRequest) -> anyio.abc.Process:
        argv = self.argv_for(request)
        preamble = self.stdin_preamble(request)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("running the CLI through: %s", redact_text(shlex.join(argv), request.env))
        # The wrapper itself is a local child: it gets the whole environment
        # (ssh needs HOME, SSH_AUTH_SOCK, ...) and its own process group, and
        # starts in our directory; the cwd applies on the other side.
        process = await spawn_subprocess(attrs.evolve(request, argv=argv, cwd=None))
        # Shielded, as the start is (a cancelled write would leave a child
        # nobody holds), and bounded: a wrapper that never reads its input
        # must not hold us for ever. The session then fails on its own.
        with (
            anyio.move_on_after(_PREAMBLE_TIMEOUT, shield=True),
            contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError, OSError),
        ):
            # Gone already (ssh could not connect): its exit code and
            # stderr say why, once the session reads them.
            assert process.stdin is not None  # spawn_subprocess opens all three pipes
            await process.stdin.send(preamble)
        return process


def _strings(what: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{what} must be a list of str, not {type(value).__name__} ({value!r})")
    items = tuple(cast("Iterable[object]", value))  # a caller's value: checked here
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{what} must be a list of str; got {item!r}")
    return cast("tuple[str, ...]", items)  # every item checked above


def _check_cli(cli: object) -> None:
    # Typed str | None, but a caller may pass anything.
    if cli is not None and not isinstance(cli, str):
        raise TypeError(f"cli must be a str or None, not {cli!r}")


def wrap_command(
    prefix: Sequence[str],
    *,
    cli: str | None = None,
    remote_shell: bool | None = None,
    forward_env: Iterable[str] = (),
) -> CommandWrapper:
    """A spawn function that runs the CLI through ``prefix``.

    For ``ClaudeCodeOptions(spawn=...)``. Examples::

        wrap_command(["ssh", "-T", "-o", "BatchMode=yes", "build-box"])
        wrap_command(["docker", "exec", "-i", "my-container"])
        wrap_command(["kubectl", "exec", "-i", "pod/agent", "--"])

    ssh does not forward the environment, and ``docker exec`` starts from
    the container's, so the variables ccsdk sets (and all of
    ``options.env``) are passed explicitly: as the first lines of the
    wrapper's stdin, which a small ``sh`` script on the other side reads,
    exports, and then runs the CLI on the rest of the stream (``exec``). No value
    is on any command line, local or remote, where other users of either
    machine could read it (``ps``). The CLI finds the rest of its
    environment (``PATH``, ``HOME``) on the other side. ``cwd`` becomes a
    ``cd`` there. The other side needs a POSIX ``sh``.

    Args:
        prefix: the wrapper command, as a list.
        cli: the CLI's path on the other side; default ``options.cli_path``,
            else ``"claude"`` found on the remote ``PATH``.
        remote_shell: whether the wrapper hands its command to a shell as
            one string, as ssh does (then it is quoted with
            :func:`shlex.join`; the remote login shell must be POSIX-like).
            Default: true when ``prefix[0]`` is named ``ssh``.
        forward_env: names of further local variables to pass along, when set
            (``ANTHROPIC_API_KEY``, say).

    Raises:
        TypeError: ``prefix`` or ``forward_env`` is a string or holds a
            non-string.
        ValueError: ``prefix`` is empty.
    """
    words = _strings("prefix", prefix)
    if not words:
        raise ValueError("prefix must name the wrapper command, e.g. ['ssh', 'host']")
    names = _strings("forward_env", forward_env)
    _check_cli(cli)
    if remote_shell is None:
        remote_shell = os.path.basename(words[0]) == "ssh"
    return CommandWrapper(words, cli=cli, remote_shell=remote_shell, forward_env=names)
