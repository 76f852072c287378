"""The types of a custom spawn function: ``SpawnRequest``, ``SpawnedProcess``, ``Spawn``.

Plain data, below the runtime: ``ClaudeCodeOptions.spawn`` is typed with
them and ``ccsdk.runtime._spawn`` (which re-exports them) starts processes
with them. See :mod:`ccsdk.runtime._spawn` for the rules a spawn function
follows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Protocol

import anyio.abc
import attrs

from ccsdk._redact import redact_env

__all__ = ["Spawn", "SpawnRequest", "SpawnedProcess"]


def _redacted_repr(env: Mapping[str, str]) -> str:
    # Requests get logged and printed; keep API keys out of their repr.
    return repr(redact_env(env))


def _argv(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class SpawnRequest:
    """What ccsdk would run: the CLI's argv, environment and working directory.

    A spawn function may change any of it (``attrs.evolve(request, argv=...)``)
    before starting the process.
    """

    argv: tuple[str, ...] = attrs.field(converter=_argv)
    """The CLI's command line, ``argv[0]`` being the CLI. With the default
    spawn it is the CLI found on this machine; with a custom one it is
    ``options.cli_path`` as given, or ``"claude"`` (nothing is looked up
    locally, as the CLI may not live here)."""

    env: Mapping[str, str] = attrs.field(repr=False)
    """The complete environment for a local child: the inherited one plus
    :attr:`env_overrides`."""

    env_overrides: Mapping[str, str] = attrs.field(repr=_redacted_repr)
    """Only what ccsdk sets over the inherited environment (its own
    variables, the trace context, ``options.env``, ``CCSDK_PROCESS_TAG``):
    what a CLI on another machine must be given explicitly."""

    cwd: str | None = None
    """``options.cwd`` as given. ccsdk checks that it exists only for the
    default spawn: for a custom one it may name a directory elsewhere."""

    user: str | None = None
    """``options.user``: the OS user to run as, for a spawn that can."""


class SpawnedProcess(Protocol):
    """The process a spawn function returns; an :class:`anyio.abc.Process` is one.

    ``stdin`` and ``stdout`` carry the stream-json session and must not be
    ``None``. ``stderr`` may be ``None`` (then a ``ProcessError`` has no
    stderr tail). ``returncode`` is ``None`` while it runs, then the exit
    code (negative: killed by that signal). ``wait()`` returns it.
    ``terminate()`` and ``kill()`` must not block: send the signal (or start
    the shutdown) and return; teardown then waits, bounded.
    """

    @property
    def stdin(self) -> anyio.abc.ByteSendStream | None: ...

    @property
    def stdout(self) -> anyio.abc.ByteReceiveStream | None: ...

    @property
    def stderr(self) -> anyio.abc.ByteReceiveStream | None: ...

    @property
    def returncode(self) -> int | None: ...

    async def wait(self) -> int: ...

    def terminate(self) -> None: ...

    def kill(self) -> None: ...


#: The type of ``ClaudeCodeOptions.spawn``.
Spawn = Callable[[SpawnRequest], Awaitable[SpawnedProcess]]
