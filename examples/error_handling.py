"""Each error ccsdk raises, provoked on purpose, caught by type.

Every one is a ClaudeSDKError; catch that to handle them all at once.
"""

import os
import stat
import tempfile

import anyio

from ccsdk import (
    ClaudeCodeOptions,
    ClaudeSDKClient,
    ClaudeSDKError,
    CLIConnectionError,
    CLIJSONDecodeError,
    CLINotFoundError,
    ControlRequestError,
    LineTooLongError,
    ProcessError,
    ResultError,
    ResultMessage,
    query,
)


async def run(prompt, **fields):
    """Run one prompt to the end; return its result."""
    result = None
    async for message in query(prompt=prompt, options=ClaudeCodeOptions(**fields)):
        if isinstance(message, ResultMessage):
            result = message
    return result


def not_a_cli(directory):
    """A program that says hello where the CLI's JSON should be."""
    path = os.path.join(directory, "not-claude")
    with open(path, "w") as f:
        f.write("#!/bin/sh\necho 'hello, I am not Claude Code'\ncat >/dev/null\n")
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return path


async def main():
    try:
        await run("hi", cli_path="/nowhere/claude")
    except CLINotFoundError as exc:
        print(f"CLINotFoundError: cli_path={exc.cli_path}")

    try:
        await run("hi", cwd="/no/such/directory")
    except CLIConnectionError as exc:
        print(f"CLIConnectionError: {exc}")

    try:
        await run("hi", extra_args={"no-such-flag": None})
    except ProcessError as exc:
        print(f"ProcessError: exit code {exc.exit_code}; stderr: {exc.stderr!r}")

    try:
        await run("hi", max_line_bytes=1024)
    except LineTooLongError as exc:
        print(f"LineTooLongError: {exc.size} bytes seen, bound {exc.bound}")

    with tempfile.TemporaryDirectory() as directory:
        try:
            await run("hi", cli_path=not_a_cli(directory))
        except CLIJSONDecodeError as exc:
            print(f"CLIJSONDecodeError: line {exc.line!r}")

    # An API that cannot be reached: the run ends with an error result, the
    # CLI exits 1, and that exit is reported as ResultError with the result.
    try:
        await run(
            "hi",
            env={"ANTHROPIC_BASE_URL": "http://127.0.0.1:9", "CLAUDE_CODE_MAX_RETRIES": "0"},
        )
    except ResultError as exc:
        print(f"ResultError: {exc}; cause: {type(exc.__cause__).__name__}")

    async with ClaudeSDKClient() as client:
        try:
            await client.set_permission_mode("yolo")
        except ControlRequestError as exc:
            print(f"ControlRequestError: {exc.subtype} refused [{exc.error_code}]")

    try:
        await run("hi", cwd="/no/such/directory")
    except ClaudeSDKError as exc:
        print(f"any ccsdk error: {type(exc).__name__}")


anyio.run(main)
