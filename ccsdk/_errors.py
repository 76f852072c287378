"""Every public exception, in one place.

``ClaudeSDKError`` is the base of them all. The protocol-level errors are
defined in :mod:`ccsdk.protocol.errors` (the sans-IO core raises them) and
re-exported here beside the errors that only a runtime can produce.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

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


class ResultError(ProcessError):
    """The run ended with an error result, and the CLI then exited non-zero.

    A :class:`ProcessError`, as in the official SDK, so ``except
    ProcessError`` still catches a failed run; ``exit_code`` is the CLI's.
    The attributes are the official ones, read from the result frame
    ``data``: ``subtype``, ``errors`` (clean strings), ``result`` (the
    result text, e.g. the ``"API Error: ..."`` prose), ``api_error_status``,
    ``terminal_reason``, ``session_id``. ccsdk adds ``result_message``, the
    typed :class:`~ccsdk.ResultMessage` the caller was already given. The
    CLI's own exit is in ``__cause__``.

    ``data`` may be omitted so that ``type(e)(*e.args)`` (what pickle and
    copy do) rebuilds it; the attributes then come back from ``__dict__``.
    """

    def __init__(
        self,
        message: str,
        data: dict[str, Any] | None = None,
        exit_code: int | None = None,
        *,
        result_message: ResultMessage | None = None,
    ) -> None:
        super().__init__(message, exit_code=exit_code)
        data = data if isinstance(data, dict) else {}
        self.data: dict[str, Any] = data
        self.subtype: str | None = _str_or_none(data.get("subtype"))
        self.errors: list[str] = _clean_errors(data.get("errors"))
        self.result: str | None = _str_or_none(data.get("result"))
        status = data.get("api_error_status")
        self.api_error_status: int | None = (
            status if isinstance(status, int) and not isinstance(status, bool) else None
        )
        self.terminal_reason: str | None = _str_or_none(data.get("terminal_reason"))
        self.session_id: str | None = _str_or_none(data.get("session_id"))
        self.result_message = result_message

    @classmethod
    def from_result(
        cls, data: dict[str, Any], exit_code: int | None, result_message: ResultMessage | None
    ) -> ResultError:
        """The error for a failed run, its text naming why it failed."""
        errors = _clean_errors(data.get("errors"))
        result = _str_or_none(data.get("result"))
        detail = "; ".join(errors) if errors else (result or str(data.get("subtype")))
        status = data.get("api_error_status")
        if isinstance(status, int):
            detail = f"API error (HTTP {status}): {detail}"
        return cls(
            f"Claude Code returned an error result: {detail}",
            data,
            exit_code,
            result_message=result_message,
        )


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _clean_errors(raw: object) -> list[str]:
    """The ``errors`` of a result frame as non-blank strings (a lone string counts)."""
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        return []
    items = cast("list[object]", raw)
    return [e.strip() for e in items if isinstance(e, str) and e.strip()]


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
