"""Splitting the CLI's stdout into lines, linearly and losslessly.

The CLI writes one JSON object per ``\\n``-terminated line. A read from a
pipe returns an arbitrary slice of that stream, so a line may arrive in one
piece or in thousands. Two bugs of the official SDK shape this module:
it stripped whitespace at chunk seams (corrupting content) and it re-parsed
a growing buffer at every chunk (quadratic work). Here a line is handed on
only once it is complete, its bytes exactly as they were sent, and each
byte is scanned a bounded number of times whatever the chunking.
"""

from __future__ import annotations

from ccsdk.protocol.errors import LineTooLongError

__all__ = ["DEFAULT_MAX_LINE_BYTES", "LineBuffer"]

#: The default bound on one line, in bytes. Images and large tool results
#: travel as single lines (a 1.2 MB text block arrives as a 1.3 MB line), so
#: the bound must be generous: 64 MiB admits a 50 MB line with room to spare,
#: while still stopping a peer that never sends a newline from exhausting
#: memory. Set ``ClaudeCodeOptions.max_line_bytes`` to change it.
DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024


class LineBuffer:
    """Accumulates bytes and returns the complete lines in them.

    ``feed`` returns every line completed by the new data, without its
    ``\\n``. A line longer than ``max_line_bytes`` is an error, whether it
    arrived whole or in pieces, found as soon as the excess is seen; the
    stream cannot be framed past it, so the buffer fails for good.

    The lines before the bad one are never lost with it, however the bytes
    were chunked: when one ``feed`` completes lines and also meets the bad
    line, it returns those lines and keeps the error in :attr:`error`; the
    next ``feed`` or :meth:`take_tail` raises it. A ``feed`` that completes
    no line before the bad one raises at once. So any chunking of the same
    bytes gives the same lines, then the same error.
    """

    __slots__ = ("_pending", "_pending_len", "error", "max_line_bytes")

    def __init__(self, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> None:
        if max_line_bytes < 1:
            raise ValueError(f"max_line_bytes must be positive, not {max_line_bytes}")
        self.max_line_bytes = max_line_bytes
        # Fragments of the unfinished line, joined once when its newline comes:
        # appending to a list keeps a line that arrives in many pieces linear.
        self._pending: list[bytes] = []
        self._pending_len = 0
        #: The over-long line met, once met: every later call raises it.
        self.error: LineTooLongError | None = None

    @property
    def pending_bytes(self) -> int:
        """How many bytes of an unfinished line are buffered."""
        return self._pending_len

    def feed(self, data: bytes) -> list[bytes]:
        """Add ``data``; return the lines it completes (possibly none).

        Raises:
            LineTooLongError: a line over the bound, with no complete line
                before it in ``data``; or the one met by an earlier call.
        """
        if self.error is not None:
            raise self.error
        bound = self.max_line_bytes
        if b"\n" not in data:
            if data:
                self._pending.append(data)
                self._pending_len += len(data)
                if self._pending_len > bound:
                    self._fail(self._pending_len)
            return []
        before = self._pending_len
        lines = data.split(b"\n")
        tail = lines.pop()  # what follows the last newline; b"" if data ends with one
        if self._pending:
            self._pending.append(lines[0])
            lines[0] = b"".join(self._pending)
            self._pending.clear()
        if tail:
            self._pending.append(tail)
        self._pending_len = len(tail)
        # No line can exceed the bound unless the bytes seen together do: a
        # cheap test that spares scanning the lengths of many small lines.
        if before + len(data) > bound:
            for index, line in enumerate(lines):
                if len(line) > bound:
                    return self._fail(len(line), lines[:index])
        if self._pending_len > bound:
            return self._fail(self._pending_len, lines)
        return lines

    def _fail(self, size: int, good: list[bytes] | None = None) -> list[bytes]:
        """Fail for good; raise now unless ``good`` lines come first."""
        self._pending.clear()
        self._pending_len = 0
        self.error = LineTooLongError(size, self.max_line_bytes)
        if not good:
            raise self.error
        return good

    def take_tail(self) -> bytes:
        """At end of stream: return (and forget) the unfinished last line.

        Raises:
            LineTooLongError: the buffer failed (see :attr:`error`); its cut
                tail is not a line.
        """
        if self.error is not None:
            raise self.error
        tail = b"".join(self._pending)
        self._pending.clear()
        self._pending_len = 0
        return tail
