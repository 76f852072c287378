"""The CLI versions ccsdk knows about, and how to compare them (a leaf module).

``PINNED_CLI_VERSION`` is the version whose wire behaviour the tests are
written against (``ccsdk.testing.ensure_cli`` installs it); ``MINIMUM_CLI_VERSION``
the oldest one ccsdk accepts. :func:`older_than_minimum` is the one rule both
the runtime (which raises ``CLIVersionError``) and ``ccsdk doctor`` (which
reports it) apply. Imports nothing from ccsdk.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

__all__ = [
    "MINIMUM_CLI_VERSION",
    "PINNED_CLI_VERSION",
    "cli_version",
    "older_than_minimum",
    "parse_version",
]

#: The CLI version whose wire behaviour ccsdk's tests are written against.
PINNED_CLI_VERSION = "2.1.331"

#: The oldest CLI whose wire behaviour is recorded (cli-protocol.md tested
#: 2.1.197 and 2.1.331).
MINIMUM_CLI_VERSION = "2.1.197"

_VERSION = re.compile(r"\s*v?(\d+)\.(\d+)\.(\d+)")


def parse_version(text: object) -> tuple[int, int, int] | None:
    """``"2.1.331"`` or ``"2.1.331 (Claude Code)"`` -> ``(2, 1, 331)``; else ``None``."""
    if not isinstance(text, str):
        return None
    match = _VERSION.match(text)
    if match is None:
        return None
    major, minor, patch = (int(g) for g in match.groups())
    return (major, minor, patch)


def older_than_minimum(found: str) -> bool:
    """Whether ``found`` parses and is older than ``MINIMUM_CLI_VERSION``.

    An unparsable version is not "older": refusing an unknown CLI would lock
    out builds that report their version differently.
    """
    version = parse_version(found)
    minimum = parse_version(MINIMUM_CLI_VERSION)
    assert minimum is not None
    return version is not None and version < minimum


def cli_version(path: str | Path) -> str | None:
    """What ``claude --version`` prints first (``"2.1.331"``), or ``None``."""
    try:
        out = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    words = out.stdout.split()
    return words[0] if out.returncode == 0 and words else None
