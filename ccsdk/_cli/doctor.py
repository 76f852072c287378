"""``ccsdk doctor``: check the set-up, and say how to fix what fails.

Each check gives a status (``ok``, ``warn``, ``fail`` or ``skip``), one line
of detail and, when it is not ok, a concrete fix. The checks, in order:

* **CLI**: where the ``claude`` executable is, found the way the ``ccsdk``
  command finds it (``--cli-path``, ``$CCSDK_CLI_PATH``, ``PATH``, the usual
  install places, ``./.cli/``); when it is missing, every place looked at.
* **version**: what ``claude --version`` says, against the oldest version
  ccsdk supports (older fails) and the version its tests pin (another one
  only warns: it usually works).
* **handshake** and **round trip**: the CLI is started against a scripted
  fake model on 127.0.0.1, answers ``initialize``, and carries one prompt
  to the fake and its answer back. Nothing leaves the machine, so this
  works with no account and no network.
* **Node.js**: ``node`` and ``npm`` on ``PATH``. The CLI ships as a native
  binary, so Node.js is needed only to install or update it with npm: its
  absence fails only when there is no CLI yet.
* **credentials**: whether ``ccsdk "prompt"`` will ask the real model or
  run offline (a warning, never a failure).

Exit code 0 when nothing failed (warnings allowed), 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Literal, cast

import anyio

from ccsdk._cli.setup import LOCAL_CLI, has_credentials, locate_cli, offline_environment
from ccsdk._errors import ClaudeSDKError, CLINotFoundError
from ccsdk._options import ClaudeCodeOptions
from ccsdk._version import (
    MINIMUM_CLI_VERSION,
    PINNED_CLI_VERSION,
    cli_version,
    older_than_minimum,
)
from ccsdk.client import ClaudeSDKClient
from ccsdk.protocol.messages import ResultMessage
from ccsdk.runtime._discovery import CLI_PATH_ENV_VAR, usual_places

__all__ = ["Check", "main", "run_checks"]

Status = Literal["ok", "warn", "fail", "skip"]

_INSTALL = f"npm install -g @anthropic-ai/claude-code@{PINNED_CLI_VERSION}"
_INSTALL_LOCAL = "python -m ccsdk.testing.install  (installs the pinned CLI into ./.cli/)"
_ROUND_TRIP_ANSWER = "ccsdk doctor: the fake model answered."


@dataclass(frozen=True)
class Check:
    """The outcome of one check: what was looked at, and how to fix it if needed."""

    name: str
    status: Status
    detail: str
    fix: str | None = None


def _places() -> list[str]:
    """Where the search looks when neither --cli-path nor $CCSDK_CLI_PATH is given."""
    places = [f"--cli-path (not given), ${CLI_PATH_ENV_VAR} (not set)", "claude on PATH"]
    places.extend(str(p) for p in usual_places())
    places.append(f"./{LOCAL_CLI}")
    return places


def check_cli(cli_path: str | None) -> tuple[Check, str | None]:
    """Find the CLI as the command does; say where it was found, or where not."""
    try:
        path = locate_cli(cli_path)
    except CLINotFoundError as exc:
        first = str(exc).splitlines()[0]
        if cli_path is not None or os.environ.get(CLI_PATH_ENV_VAR):
            fix = f"correct the path, or install the CLI: {_INSTALL}"
            return Check("CLI", "fail", first, fix), None
        looked = "".join(f"\n  {place}" for place in _places())
        fix = (
            f"{_INSTALL}\nor: {_INSTALL_LOCAL}\nor pass --cli-path, or set "
            f"{CLI_PATH_ENV_VAR}, to the claude executable"
        )
        return Check("CLI", "fail", f"not found; looked at:{looked}", fix), None
    if cli_path is not None:
        source = "--cli-path"
    elif os.environ.get(CLI_PATH_ENV_VAR):
        source = f"${CLI_PATH_ENV_VAR}"
    elif path == str(LOCAL_CLI.absolute()):
        source = "./.cli/"
    elif shutil.which("claude") == path:
        source = "PATH"
    else:
        source = "a usual install place"
    return Check("CLI", "ok", f"{path} (from {source})"), path


def check_cli_version(path: str) -> Check:
    """``claude --version`` against the supported minimum and the pinned version."""
    found = cli_version(path)
    if found is None:
        return Check(
            "version", "fail", f"'{path} --version' failed", f"reinstall the CLI: {_INSTALL}"
        )
    if older_than_minimum(found):
        return Check(
            "version",
            "fail",
            f"{found} is older than {MINIMUM_CLI_VERSION}, the oldest ccsdk supports",
            f"upgrade: {_INSTALL}",
        )
    if found != PINNED_CLI_VERSION:
        return Check(
            "version",
            "warn",
            f"{found}; ccsdk is tested with {PINNED_CLI_VERSION} (others usually work)",
            f"to match the tests: {_INSTALL}",
        )
    return Check("version", "ok", f"{found} (the version ccsdk is tested with)")


async def _talk(path: str, env: dict[str, str], home: str) -> tuple[float, dict[str, object], str]:

    options = ClaudeCodeOptions(
        cli_path=path, env=env, cwd=home, initialize_timeout=30.0, control_timeout=10.0
    )
    started = time.monotonic()
    async with ClaudeSDKClient(options) as client:
        took = time.monotonic() - started
        info = await client.get_server_info() or {}
        await client.query("ping")
        answer = ""
        async for message in client.receive_response():
            if isinstance(message, ResultMessage):
                answer = message.result or ("error: " + ", ".join(message.errors or []))
    return took, info, answer


def check_session(path: str) -> list[Check]:
    """Start the CLI against a fake model: the handshake, then one prompt there and back."""
    fix = (
        f"reinstall the CLI ({_INSTALL}), then run 'ccsdk doctor -v' to see its stderr "
        "and every frame"
    )
    try:
        with offline_environment(_ROUND_TRIP_ANSWER) as (env, home):
            took, info, answer = anyio.run(_talk, path, env, home, backend="trio")
    except ClaudeSDKError as exc:
        detail = " ".join(str(exc).split())[:400]
        return [
            Check("handshake", "fail", f"{type(exc).__name__}: {detail}", fix),
            Check("round trip", "skip", "no session"),
        ]
    commands = info.get("commands")
    count = ""
    if isinstance(commands, list):
        count = f", {len(cast('list[object]', commands))} commands"
    version = info.get("claude_code_version", "version not reported")
    version = f"Claude Code {version}"
    checks = [Check("handshake", "ok", f"initialize answered in {took:.1f} s: {version}{count}")]
    if answer.strip() == _ROUND_TRIP_ANSWER:
        checks.append(
            Check("round trip", "ok", "a prompt reached the fake model on 127.0.0.1 and back")
        )
    else:
        checks.append(Check("round trip", "fail", f"unexpected answer: {answer[:200]!r}", fix))
    return checks


def check_node(cli_found: bool) -> Check:
    """Node.js and npm, which installing or updating the CLI needs."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing = " and ".join(n for n, p in (("node", node), ("npm", npm)) if p is None)
        return Check(
            "Node.js",
            "warn" if cli_found else "fail",
            f"{missing} not on PATH (needed only to install or update the CLI)",
            "install Node.js 18 or newer, which includes npm: https://nodejs.org",
        )
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30)
        version = out.stdout.strip() or "version unknown"
    except (OSError, subprocess.TimeoutExpired):
        version = "version unknown"
    return Check("Node.js", "ok", f"node {version} at {node}; npm at {npm}")


def check_credentials() -> Check:
    if has_credentials():
        return Check("credentials", "ok", "found in the environment: ccsdk asks the real model")
    return Check(
        "credentials",
        "warn",
        "no ANTHROPIC_API_KEY: 'ccsdk \"prompt\"' runs offline, against a scripted fake model",
        "export ANTHROPIC_API_KEY=<your key>, or run 'claude login' and pass --online",
    )


def run_checks(cli_path: str | None = None) -> list[Check]:
    """Every check, in order; those that need the CLI are skipped without one."""
    cli, path = check_cli(cli_path)
    checks = [cli]
    if path is None:
        checks += [Check(name, "skip", "no CLI") for name in ("version", "handshake", "round trip")]
    else:
        checks.append(check_cli_version(path))
        checks += check_session(path)
    checks.append(check_node(path is not None))
    checks.append(check_credentials())
    return checks


def _print(checks: Sequence[Check]) -> None:
    width = max(len(c.name) for c in checks)
    margin = "\n" + " " * (width + 8)  # continuation lines start under the detail
    for check in checks:
        detail = check.detail.replace("\n", margin)
        print(f"{check.status:<5} {check.name:<{width}}  {detail}")
        if check.fix is not None and check.status != "ok":
            fix = check.fix.replace("\n", margin + " " * len("fix: "))
            print(f"{margin[1:]}fix: {fix}")
    failed = [c.name for c in checks if c.status == "fail"]
    warned = [c.name for c in checks if c.status == "warn"]
    if failed:
        print(f"\n{len(failed)} check(s) failed: {', '.join(failed)}.")
    else:
        note = f" ({len(warned)} warning(s): {', '.join(warned)})" if warned else ""
        print(f"\nAll checks passed{note}.")


def main(argv: Sequence[str] | None = None) -> int:
    """``ccsdk doctor [--cli-path PATH] [--json] [-v]``: 0 if nothing failed, else 1."""
    parser = argparse.ArgumentParser(
        prog="ccsdk doctor",
        description="Check that ccsdk can find and run the Claude Code CLI; "
        "say how to fix what fails. Nothing leaves the machine.",
        epilog="exit codes: 0 nothing failed (warnings allowed), 1 a check failed, 2 bad usage",
    )
    parser.add_argument("--cli-path", metavar="PATH", help="the claude executable to check")
    parser.add_argument("--json", action="store_true", help="print the checks as one JSON object")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every frame")
    args = parser.parse_args(argv)
    if args.verbose:
        import logging

        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
    try:
        checks = run_checks(args.cli_path)
    except KeyboardInterrupt:
        print("[interrupted]", file=sys.stderr)
        return 130
    ok = not any(c.status == "fail" for c in checks)
    if args.json:
        print(json.dumps({"ok": ok, "checks": [asdict(c) for c in checks]}, indent=2))
    else:
        _print(checks)
    return 0 if ok else 1
