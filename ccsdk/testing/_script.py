"""The FakeModel's script: content blocks, turns, and the answers' defaults.

A test describes what "the model" answers, turn by turn, with :class:`Turn`
and the block helpers :func:`text`, :func:`thinking`, :func:`tool_use` and
:func:`raw_block`. The block classes are named ``Script*`` so that they do
not read as ccsdk's message classes (``ccsdk.TextBlock`` and the like).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

__all__ = [
    "EXHAUSTED_TEXT",
    "SUGGESTION_TEXT",
    "SUMMARY_TEXT",
    "TITLE_TEXT",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_INPUT_TOKENS",
    "SIDE_TURN",
    "Block",
    "RawBlock",
    "ScriptText",
    "ScriptThinking",
    "ScriptToolUse",
    "Turn",
    "dumps",
    "raw_block",
    "text",
    "thinking",
    "tool_use",
]

#: The text of the answer given when a main turn arrives after the script
#: ran out.  A visible answer (rather than a hang or an HTTP error that the
#: CLI would retry or dress up) makes the failing test say what went wrong.
EXHAUSTED_TEXT: Final = "FakeModel: no scripted turn left"

#: What the session-title side request is answered with.  The CLI asks for
#: JSON matching ``{"title": string}``.
TITLE_TEXT: Final = '{"title":"Fake title"}'

#: What the prompt-suggestion side request is answered with by default
#: (``--prompt-suggestions``); the CLI sends it on as ``prompt_suggestion``.
SUGGESTION_TEXT: Final = "Run the tests"

#: What the tool-use-summary side request is answered with by default
#: (``CLAUDE_CODE_EMIT_TOOL_USE_SUMMARIES=1``); sent on as ``tool_use_summary``.
SUMMARY_TEXT: Final = "Ran the scripted tools"


#: Default number of characters per delta.  Several deltas per block (not
#: one) make partial-message consumers see the stream really being joined.
DEFAULT_CHUNK_SIZE: Final = 64

#: Input tokens reported when a turn does not say.  A fixed small number,
#: not an estimate from the request: the CLI prices the turn from it (so
#: ``total_cost_usd`` stays the same from run to run) and tracks context use
#: with it (so a large scripted answer cannot push the CLI into a surprise
#: auto-compaction request that would eat a scripted turn).
DEFAULT_INPUT_TOKENS: Final = 100


# --------------------------------------------------------------------------
# Script: content blocks and turns
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScriptText:
    """A ``text`` content block; build it with :func:`text`."""

    text: str


@dataclass(frozen=True, slots=True)
class ScriptThinking:
    """A ``thinking`` content block; build it with :func:`thinking`.

    The CLI sends thinking blocks back to the API on the next request, and
    the real API rejects them without a signature, so one is always sent.
    """

    thinking: str
    signature: str


@dataclass(frozen=True, slots=True)
class ScriptToolUse:
    """A ``tool_use`` content block; build it with :func:`tool_use`.

    ``id`` ``None`` means "generate one when served" (``toolu_fake_<n>``).
    """

    name: str
    input: Mapping[str, Any]
    id: str | None = None


@dataclass(frozen=True, slots=True)
class RawBlock:
    """Any other content block, sent as given; build it with :func:`raw_block`.

    For blocks the API produces itself, such as ``server_tool_use`` and
    ``web_search_tool_result``.  Streamed, a ``server_tool_use`` block's
    ``input`` arrives in ``input_json_delta`` deltas (as the API sends it);
    any other block arrives whole in its ``content_block_start``.
    """

    block: Mapping[str, Any]


Block: TypeAlias = ScriptText | ScriptThinking | ScriptToolUse | RawBlock


def raw_block(block: Mapping[str, Any]) -> RawBlock:
    """A content block given as its API JSON (it must have a string ``type``)."""
    if not isinstance(block.get("type"), str):
        raise TypeError(f"a raw block needs a string 'type': {block!r}")
    return RawBlock(dict(block))


def text(value: str) -> ScriptText:
    """A text block that the fake model answers with."""
    return ScriptText(value)


def thinking(value: str, *, signature: str = "ZmFrZS1zaWduYXR1cmU=") -> ScriptThinking:
    """A thinking block, streamed as ``thinking_delta`` then ``signature_delta``."""
    return ScriptThinking(value, signature)


def tool_use(name: str, input: Mapping[str, Any], *, id: str | None = None) -> ScriptToolUse:
    """A tool call.  Without ``id`` the fake generates ``toolu_fake_<n>``.

    A turn containing a tool call gets ``stop_reason: "tool_use"`` unless it
    overrides it: that is what makes the CLI run the tool and come back.
    """
    return ScriptToolUse(name, dict(input), id)


@dataclass(frozen=True, slots=True)
class Turn:
    """One scripted answer to one main request.

    ``chunk_size``/``chunk_delay`` slow a stream down (for interrupt tests):
    text, thinking and tool input are split into deltas of ``chunk_size``
    characters with ``chunk_delay`` seconds before each delta.
    ``stream_error_after=N`` sends the first N SSE events (``message_start``
    and ``ping`` count), then an ``event: error``; the CLI answers that by
    re-sending the turn without streaming, which consumes the *next* turn.
    A non-streamed request gets the whole message regardless.

    ``usage`` entries override the defaults (100 input tokens, output
    estimated at 4 characters a token); the CLI prices ``total_cost_usd``
    from them at the rate of the model it *requested*.  ``model`` overrides
    the model name sent back (by default the requested one); the CLI shows it
    in ``assistant.message.model`` only.  Build an HTTP error answer with
    :meth:`http_error`.
    """

    blocks: Sequence[Block] = ()
    stop_reason: str | None = None
    chunk_size: int | None = None
    chunk_delay: float = 0.0
    stream_error_after: int | None = None
    usage: Mapping[str, int] | None = None
    model: str | None = None
    http_status: int | None = None
    error_message: str = ""
    error_type: str | None = None
    #: Extra HTTP response headers for this answer (also an error answer),
    #: e.g. the ``anthropic-ratelimit-unified-*`` ones the CLI reads.
    headers: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocks", tuple(self.blocks))
        for block in self.blocks:
            _check_block(block)
        if self.chunk_size is not None and self.chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        if self.chunk_delay < 0:
            raise ValueError("chunk_delay must not be negative")
        if self.stream_error_after is not None and self.stream_error_after < 0:
            raise ValueError("stream_error_after must not be negative")

    @classmethod
    def http_error(
        cls, status: int, message: str = "fake failure", *, error_type: str | None = None
    ) -> Turn:
        """An HTTP error answer, in the API's ``{"type":"error","error":{…}}`` shape.

        With ``CLAUDE_CODE_MAX_RETRIES=0`` the CLI reports it at once as an
        ``is_error`` result (retryable statuses are otherwise retried, each
        retry consuming another turn).
        """
        if not 400 <= status <= 599:
            raise ValueError("an HTTP error status is between 400 and 599")
        return cls(http_status=status, error_message=message, error_type=error_type)

    def resolved_stop_reason(self) -> str:
        """The stop reason sent: the override, else ``tool_use`` iff a tool is called."""
        if self.stop_reason is not None:
            return self.stop_reason
        if any(isinstance(block, ScriptToolUse) for block in self.blocks):
            return "tool_use"
        return "end_turn"


def _check_block(block: object) -> None:
    # Typed as a Block, but a caller may pass anything.
    if not isinstance(block, ScriptText | ScriptThinking | ScriptToolUse | RawBlock):
        raise TypeError(
            f"not a content block: {block!r} (use text(), thinking(), tool_use(), raw_block())"
        )


def dumps(value: Any) -> str:
    """Compact JSON, as the API writes it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


#: The turn used to answer side requests (title, validation): defaults only.
SIDE_TURN: Final = Turn()
