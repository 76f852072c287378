"""How the ``ccsdk`` command prints a run: streamed text, tool lines, a closing line.

stdout gets the answer and nothing else, so ``ccsdk "..." > answer.txt``
keeps only the model's text; everything about the run (tool calls, failed
tool results, the closing line, notices) goes to stderr. On a terminal the
two interleave in order, because every write is flushed.

Text is printed as it streams: the command asks for partial messages, and
:class:`TextRenderer` writes each ``text_delta`` as it arrives. The CLI also
sends every finished block as an :class:`AssistantMessage`; its text is
skipped when the same API message was already streamed, and printed whole
when it was not (a CLI without partial messages, or a turn the CLI re-sent
unstreamed after a broken stream).
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any, TextIO, cast

from ccsdk.protocol.codec import encode_message
from ccsdk.protocol.messages import (
    ApiRetryInfo,
    AssistantMessage,
    Message,
    ResultMessage,
    StreamEvent,
    SystemMessage,
    TextBlock,
    ToolResultBlock,
    ToolUseBlock,
    UserMessage,
)

__all__ = ["JsonRenderer", "TextRenderer", "closing_line", "tool_line"]

#: The longest tool summary printed, in characters; the rest becomes "...".
TOOL_INPUT_WIDTH = 100

# The input field that says most about a call of each built-in tool.
_MAIN_INPUT = {
    "Bash": "command",
    "Read": "file_path",
    "Write": "file_path",
    "Edit": "file_path",
    "MultiEdit": "file_path",
    "NotebookEdit": "notebook_path",
    "Glob": "pattern",
    "Grep": "pattern",
    "WebFetch": "url",
    "WebSearch": "query",
    "Task": "description",
    "Agent": "description",
    "Skill": "skill",
}


def _shorten(text: str, width: int = TOOL_INPUT_WIDTH) -> str:
    text = " ".join(text.split())  # one line: newlines and runs of spaces collapse
    return text if len(text) <= width else text[: width - 3] + "..."


def tool_line(block: ToolUseBlock) -> str:
    """``[Bash] ls -la``: the tool's name and its main input, on one short line.

    Tools without a known main field show their whole input as compact JSON.
    """
    key = _MAIN_INPUT.get(block.name)
    value = block.input.get(key) if key is not None else None
    if isinstance(value, str):
        summary = value
    else:
        summary = json.dumps(block.input, separators=(",", ":"), ensure_ascii=False)
    return f"[{block.name}] {_shorten(summary)}"


# The CLI wraps its own refusals in <tool_use_error>...</tool_use_error>.
_ERROR_TAG = re.compile(r"</?tool_use_error>")


def _tool_error(block: ToolResultBlock) -> str:
    content = block.content
    if isinstance(content, list):
        content = " ".join(str(part.get("text", "")) for part in content)
    # Wider than a tool line: a refusal's point ("... but you haven't granted it") comes last.
    return _shorten(_ERROR_TAG.sub("", content or "") or "(no output)", 3 * TOOL_INPUT_WIDTH)


def closing_line(result: ResultMessage, seconds: float) -> str:
    """``[success: 2 turn(s), $0.0019, 1.2 s]``: how the run ended, what it cost, how long.

    ``seconds`` is the wall time the command ran, start-up included: what the
    user waited, which the CLI's own ``duration_ms`` leaves out.
    """
    cost = result.total_cost_usd or 0.0
    status = "error" if result.is_error and result.subtype == "success" else result.subtype
    return f"[{status}: {result.num_turns} turn(s), ${cost:.4f}, {seconds:.1f} s]"


def result_error(result: ResultMessage) -> str | None:
    """What went wrong in an error result, in one line, or ``None`` if it did not fail."""
    if not result.is_error:
        return None
    if result.errors:
        detail = "; ".join(result.errors)
    else:
        detail = result.result or result.terminal_reason or result.subtype
    if result.api_error_status is not None and not detail.startswith("API Error"):
        detail = f"API error (HTTP {result.api_error_status}): {detail}"
    return _shorten(detail, 300)


class TextRenderer:
    """Prints messages for a person: text to ``out``, the rest to ``err``."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.out = out if out is not None else sys.stdout
        self.err = err if err is not None else sys.stderr
        self._streamed: set[str] = set()  # API message ids whose text arrived as deltas
        self._mid_line = False  # the last thing written to out did not end a line
        self.result: ResultMessage | None = None

    def _text(self, text: str) -> None:
        if text:
            self.out.write(text)
            self.out.flush()
            self._mid_line = not text.endswith("\n")

    def end_line(self) -> None:
        """End the text line in progress, so the next line starts at the margin."""
        if self._mid_line:
            self._text("\n")

    def note(self, line: str) -> None:
        """One line on ``err``, below any text in progress."""
        self.end_line()
        print(line, file=self.err, flush=True)

    def message(self, message: Message) -> None:
        if isinstance(message, StreamEvent):
            self._event(message)
        elif isinstance(message, AssistantMessage):
            self._assistant(message)
        elif isinstance(message, UserMessage):
            self._tool_results(message)
        elif isinstance(message, SystemMessage) and message.subtype == "api_retry":
            retry = message.info
            if isinstance(retry, ApiRetryInfo):
                status = f"HTTP {retry.error_status}" if retry.error_status else "no answer"
                self.note(
                    f"[API error ({retry.error or status}); retry {retry.attempt} of "
                    f"{retry.max_retries} in {retry.retry_delay_ms / 1000:.1f} s]"
                )
        elif isinstance(message, ResultMessage):
            self.result = message

    def _event(self, message: StreamEvent) -> None:
        if message.parent_tool_use_id is not None:
            return  # a subagent's stream: only its tool calls are shown
        event = message.event
        kind = event.get("type")
        if kind == "content_block_delta":
            delta = event.get("delta")
            fields = cast("dict[str, Any]", delta) if isinstance(delta, dict) else None
            if fields is not None and fields.get("type") == "text_delta":
                if message.api_message_id is not None:
                    self._streamed.add(message.api_message_id)
                self._text(str(fields.get("text", "")))
        elif kind == "content_block_stop":
            self.end_line()
        if message.abandoned_blocks is not None:
            # What was shown is withdrawn; the answer comes again, unstreamed, to print whole.
            withdrawn = message.abandoned_blocks.get("api_message_id")
            self._streamed.discard(withdrawn if isinstance(withdrawn, str) else "")
            self.note("[the stream broke; the answer follows again in full]")

    def _assistant(self, message: AssistantMessage) -> None:
        if message.error is not None:
            return  # the CLI's own note of an API failure: the result says it again
        nested = message.parent_tool_use_id is not None
        streamed = message.message_id is not None and message.message_id in self._streamed
        for block in message.content:
            if isinstance(block, ToolUseBlock):
                self.note(("  " if nested else "") + tool_line(block))
            elif isinstance(block, TextBlock) and not nested and not streamed:
                self._text(block.text)
                self.end_line()

    def _tool_results(self, message: UserMessage) -> None:
        if isinstance(message.content, str):
            return
        for block in message.content:
            if isinstance(block, ToolResultBlock) and block.is_error:
                self.note(f"  ! {_tool_error(block)}")


class JsonRenderer:
    """Prints every message as one JSON line (the CLI's wire shape) on ``out``."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.out = out if out is not None else sys.stdout
        self.err = err if err is not None else sys.stderr
        self.result: ResultMessage | None = None

    def message(self, message: Message) -> None:
        data: dict[str, Any] = encode_message(message)
        self.out.write(json.dumps(data) + "\n")
        self.out.flush()
        if isinstance(message, ResultMessage):
            self.result = message

    def end_line(self) -> None:
        """Nothing to end: every JSON line is whole."""

    def note(self, line: str) -> None:
        print(line, file=self.err, flush=True)
