"""Every public exception, in one place.

``ClaudeSDKError`` is the base of them all. The protocol-level errors are
defined in :mod:`ccsdk.protocol.errors` (the sans-IO core raises them) and
re-exported here beside the errors that only a runtime can produce.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccsdk.protocol.errors import (
    ClaudeSDKError,
    CLIJSONDecodeError,
    ConnectionClosedError,
    ControlRequestError,
    LineTooLongError,
    LocalProtocolError,
    MessageParseError,
    ProtocolError,
    RemoteProtocolError,
)

if TYPE_CHECKING:
    from ccsdk.protocol.messages import ResultMessage

__all__ = [
    "CLIConnectionError",
    "CLIJSONDecodeError",
    "CLINotFoundError",
    "CLIVersionError",
    "ControlTimeoutError",
    "ClaudeSDKError",
    "ConnectionClosedError",
    "ControlRequestError",
    "LineTooLongError",
    "LocalProtocolError",
    "MessageParseError",
    "ProcessError",
    "ProtocolError",
    "RemoteProtocolError",
    "ResultError",
    "SessionNotFoundError",
]


class CLIConnectionError(ClaudeSDKError):
    """The CLI could not be started, or we are not connected to it."""


class CLINotFoundError(CLIConnectionError):
    """No Claude Code CLI was found; the message says how to install one."""

    def __init__(self, message: str = "Claude Code not found", cli_path: str | None = None):
        if cli_path is not None:
            message = f"{message}: {cli_path}"
        super().__init__(message)
        self.cli_path = cli_path


class CLIVersionError(CLIConnectionError):
    """The CLI is older than the oldest version ccsdk supports."""

    def __init__(self, found: str, minimum: str) -> None:
        super().__init__(
            f"Claude Code {found} is older than {minimum}, the oldest version ccsdk supports; "
            f"upgrade with: npm install -g @anthropic-ai/claude-code@latest"
        )
        self.found = found
        self.minimum = minimum


class ControlTimeoutError(CLIConnectionError, TimeoutError):
    """The CLI did not answer a control request (``initialize`` included) in time.

    Also a :class:`TimeoutError`, so code written for a bare timeout still
    catches it. The bound is ``initialize_timeout`` or ``control_timeout``.
    """

    def __init__(self, subtype: str, timeout: float) -> None:
        super().__init__(f"the CLI did not answer {subtype} within {timeout:g} s")
        self.subtype = subtype
        self.timeout = timeout


class ProcessError(ClaudeSDKError):
    """The CLI process failed: its exit code and the tail of its stderr."""

    def __init__(
        self, message: str, exit_code: int | None = None, stderr: str | None = None
    ) -> None:
        text = message
        if exit_code is not None:
            text += f" (exit code: {exit_code})"
        if stderr:
            text += f"\nError output:\n{stderr}"
        super().__init__(text)
        self.exit_code = exit_code
        self.stderr = stderr


class ResultError(ClaudeSDKError):
    """The run ended with an error result, and the CLI then exited non-zero.

    ``result`` is the :class:`~ccsdk.ResultMessage` (already yielded to the
    caller); the CLI's own exit is in ``__cause__`` as a :class:`ProcessError`.
    """

    def __init__(self, result: ResultMessage) -> None:
        detail = "; ".join(result.errors) if result.errors else (result.result or result.subtype)
        if result.api_error_status is not None:
            detail = f"API error (HTTP {result.api_error_status}): {detail}"
        super().__init__(f"Claude Code returned an error result: {detail}")
        self.result = result


class SessionNotFoundError(ClaudeSDKError, FileNotFoundError):
    """No stored session with this id (in ``directory``'s projects, when one was given).

    Also a :class:`FileNotFoundError`, which is what the official SDK's
    session functions raise, so code written for them still catches it.
    """

    def __init__(
        self, session_id: str, directory: str | None = None, reason: str | None = None
    ) -> None:
        where = "" if directory is None else f" for directory {directory}"
        super().__init__(f"session {session_id}{where} {reason or 'was not found'}")
        self.session_id = session_id
        self.directory = directory
