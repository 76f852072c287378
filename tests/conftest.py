"""Shared fixtures: both backends, the pinned real CLI, the FakeModel."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from hypothesis import settings

from ccsdk import ClaudeCodeOptions
from ccsdk.testing import FakeModel, ensure_cli

ROOT = Path(__file__).resolve().parent.parent

# No per-example deadline: speed is for the benchmarks; on a loaded two-core machine a
# property test's example can take longer than hypothesis's default 200 ms.
settings.register_profile("ccsdk", deadline=None)
settings.load_profile("ccsdk")

# tests/differential/ holds programs written against claude_agent_sdk and the
# runner that `nox -s differential` starts; the main suite never imports them.
collect_ignore = ["differential"]

Runner = Callable[[Callable[[], Awaitable[Any]]], Any]


@pytest.fixture(params=["trio", "asyncio"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def run(backend: str) -> Runner:
    """Run an async function to completion on the test's backend."""

    def runner(fn: Callable[[], Awaitable[Any]]) -> Any:
        return anyio.run(fn, backend=backend)

    return runner


@pytest.fixture(scope="session")
def cli_path() -> Path:
    """The pinned real CLI (installed into .cli/ with npm on first use)."""
    return ensure_cli(ROOT / ".cli")


@pytest.fixture
def fake_model() -> Iterator[FakeModel]:
    model = FakeModel([])
    with model:
        yield model


@pytest.fixture
def e2e_options(
    cli_path: Path, fake_model: FakeModel, tmp_path: Path
) -> Callable[..., ClaudeCodeOptions]:
    """Options that run the real CLI against the FakeModel in a scratch HOME."""
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()

    def make(cls: Any = ClaudeCodeOptions, **kwargs: Any) -> ClaudeCodeOptions:
        # cls=ClaudeAgentOptions for claude_agent_sdk's defaults.
        env = fake_model.env(home=str(home))
        env.update(kwargs.pop("env", {}))
        kwargs.setdefault("cwd", str(work))
        options: ClaudeCodeOptions = cls(cli_path=str(cli_path), env=env, **kwargs)
        return options

    return make


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists (a zombie counts: not reaped)."""
    return os.path.exists(f"/proc/{pid}")
