"""Joining partial-message deltas back into blocks, honouring withdrawals.

With ``include_partial_messages`` the CLI forwards the API's raw stream
events. A UI shows text as it streams by joining ``content_block_delta``s.
The catch (cli-protocol.md §5h, §5i): when a stream breaks, CLI 2.1.331
re-sends the turn unstreamed and marks what it had streamed as withdrawn,
with ``abandoned_blocks: {api_message_id, from_block_index}`` on the
``stream_event`` frame of a ``message_stop`` (beside ``event``, not inside
it, as the CLI's own schema says); an interrupt gives the same marker. A joiner that ignores
it shows text the model's final answer does not contain.
:class:`PartialMessageAssembler` drops those blocks.
"""

from __future__ import annotations

from typing import Any, cast

import attrs

from ccsdk.protocol.messages import StreamEvent

__all__ = ["PartialBlock", "PartialMessageAssembler"]


@attrs.define
class PartialBlock:
    """One content block as streamed so far."""

    api_message_id: str
    index: int
    type: str
    #: The joined text (``text_delta``), thinking (``thinking_delta``) or
    #: tool input JSON (``input_json_delta``) received so far.
    text: str = ""
    # (``factory=dict`` would leave the item types unknown to pyright.)
    #: The block's other fields from ``content_block_start`` (tool name, id, ...).
    start: dict[str, Any] = attrs.field(factory=lambda: {})
    complete: bool = False


class PartialMessageAssembler:
    """Feed it every :class:`StreamEvent`; read the blocks still standing."""

    def __init__(self) -> None:
        self._blocks: dict[tuple[str, int], PartialBlock] = {}
        self._current: str = ""  # api_message_id of the message being streamed
        #: (api_message_id, index) of every block withdrawn so far.
        self.abandoned: list[tuple[str, int]] = []

    @property
    def blocks(self) -> list[PartialBlock]:
        """The blocks received and not withdrawn, in stream order."""
        return list(self._blocks.values())

    def text(self) -> str:
        """The joined text of every standing text block."""
        return "".join(b.text for b in self._blocks.values() if b.type == "text")

    def feed(self, message: StreamEvent) -> None:
        event = message.event
        kind = event.get("type")
        message_id = message.api_message_id or self._current
        if kind == "message_start":
            # Parsed JSON: a dict here has str keys.
            inner = event.get("message")
            if isinstance(inner, dict):
                inner_id = cast("dict[str, Any]", inner).get("id")
                if isinstance(inner_id, str):
                    message_id = inner_id
            self._current = message_id
        elif kind == "content_block_start":
            raw_start = event.get("content_block")
            start: dict[str, Any] = (
                cast("dict[str, Any]", raw_start) if isinstance(raw_start, dict) else {}
            )
            index = _index(event)
            self._blocks[(message_id, index)] = PartialBlock(
                message_id, index, str(start.get("type", "unknown")), _initial_text(start), start
            )
        elif kind == "content_block_delta":
            block = self._blocks.get((message_id, _index(event)))
            delta = event.get("delta")
            if block is not None and isinstance(delta, dict):
                fields = cast("dict[str, Any]", delta)
                for key in ("text", "thinking", "partial_json"):
                    piece = fields.get(key)
                    if isinstance(piece, str):
                        block.text += piece
                        break
        elif kind == "content_block_stop":
            block = self._blocks.get((message_id, _index(event)))
            if block is not None:
                block.complete = True
        if message.abandoned_blocks is not None:
            self._abandon(message.abandoned_blocks)

    def _abandon(self, marker: dict[str, Any]) -> None:
        message_id = marker.get("api_message_id")
        first = marker.get("from_block_index")
        if not isinstance(message_id, str) or not isinstance(first, int):
            return
        for key in [k for k in self._blocks if k[0] == message_id and k[1] >= first]:
            del self._blocks[key]
            self.abandoned.append(key)


def _index(event: dict[str, Any]) -> int:
    index = event.get("index")
    return index if isinstance(index, int) else -1


def _initial_text(start: dict[str, Any]) -> str:
    for key in ("text", "thinking"):
        value = start.get(key)
        if isinstance(value, str):
            return value
    return ""
