"""The exception hierarchy's root and the protocol-level errors.

They live in the sans-IO package because the protocol raises them and must
not import the runtime; :mod:`ccsdk._errors` re-exports them beside the
runtime's own errors, so users import everything from one place.
"""

from __future__ import annotations

from typing import Any


class ClaudeSDKError(Exception):
    """Base of every error ccsdk raises on purpose."""


class ProtocolError(ClaudeSDKError):
    """The stream-json conversation went wrong (h11's split: whose fault?)."""


class LocalProtocolError(ProtocolError):
    """We misused the protocol: a bug in the caller or in ccsdk, not the CLI."""


class RemoteProtocolError(ProtocolError):
    """The CLI sent something the protocol does not allow."""


class LineTooLongError(RemoteProtocolError):
    """A stdout line grew past the configured bound.

    The bound exists so that a runaway peer cannot make us buffer without
    limit; the default admits the multi-megabyte lines that images and big
    tool results produce.
    """

    def __init__(self, size: int, bound: int) -> None:
        super().__init__(
            f"a line from the CLI reached {size} bytes, over the bound of {bound} bytes "
            f"(raise ClaudeCodeOptions.max_line_bytes to admit it)"
        )
        self.size = size
        self.bound = bound


class CLIJSONDecodeError(RemoteProtocolError):
    """A complete stdout line was not a JSON object; carries the line."""

    def __init__(self, line: str, original_error: Exception) -> None:
        shown = line if len(line) <= 200 else line[:200] + f"... ({len(line)} chars)"
        super().__init__(f"Failed to decode JSON from the CLI: {shown!r}: {original_error}")
        self.line = line
        self.original_error = original_error


class MessageParseError(RemoteProtocolError):
    """A frame of a known type lacked a field or had one of the wrong type."""

    def __init__(self, message: str, data: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.data = data


class ControlRequestError(ClaudeSDKError):
    """The CLI refused one of our control requests (or could not answer it).

    ``error_code`` is the CLI's machine-readable reason where it sends one
    (``invalid_mode``, ``unsupported_request``, ...), else ``None``.
    """

    def __init__(self, subtype: str, message: str, error_code: str | None = None) -> None:
        code = f" [{error_code}]" if error_code else ""
        super().__init__(f"control request {subtype!r} failed{code}: {message}")
        self.subtype = subtype
        self.error = message
        self.error_code = error_code


class ConnectionClosedError(ControlRequestError):
    """The CLI's stdout ended while our request was pending."""

    def __init__(self, subtype: str) -> None:
        super().__init__(subtype, "the CLI closed its output before answering", "connection_closed")
