"""Installing and finding a pinned Claude Code CLI for offline tests.

``ensure_cli()`` installs ``@anthropic-ai/claude-code`` at a pinned version
with npm into a project-local folder (``.cli/`` by default, git-ignored)
and returns the path of its ``claude`` binary; a second call finds it
there. Tests and the offline demo use it so that a fresh clone needs only
Python and Node.js.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from ccsdk._version import PINNED_CLI_VERSION, cli_version

__all__ = ["PINNED_CLI_VERSION", "cli_version", "ensure_cli"]


def _binary(prefix: Path) -> Path:
    return prefix / "node_modules" / ".bin" / "claude"


def ensure_cli(prefix: str | Path = ".cli", version: str = PINNED_CLI_VERSION) -> Path:
    """Return the pinned CLI under ``prefix``, installing it with npm if needed.

    ``CCSDK_CLI`` in the environment names a binary to use instead.

    Raises:
        RuntimeError: npm is missing or the install failed (its output is in
            the message).
    """
    override = os.environ.get("CCSDK_CLI")
    if override:
        return Path(override)
    prefix = Path(prefix).resolve()
    binary = _binary(prefix)
    if binary.exists() and cli_version(binary) == version:
        return binary
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "npm is needed to install the Claude Code CLI for the tests; install Node.js 18+"
        )
    prefix.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(prefix),
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            f"@anthropic-ai/claude-code@{version}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0 or not binary.exists():
        raise RuntimeError(
            f"npm install @anthropic-ai/claude-code@{version} failed "
            f"(exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return binary
